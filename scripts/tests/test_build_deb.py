"""Test of scripts/build-deb: builds the Debian package and inspects it (unittest, standard library only).

Skipped unless ATTSYNC_DEB_TEST=1, because it runs a release build (minutes):

    ATTSYNC_DEB_TEST=1 python3 -m unittest discover -s scripts/tests -p 'test_build_deb*' -v

ATTSYNC_DEB_NO_BUILD=1 packages the release binary a previous build-deb left (seconds). The package is
inspected with `dpkg-deb -I` / `-c` and unpacked into a temporary directory; nothing is installed.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_FILES = {
    # path: mode
    "./usr/bin/attsync": "-rwxr-xr-x",
    "./usr/bin/attsync-import-mis-csv": "-rwxr-xr-x",
    "./usr/share/man/man1/attsync.1.gz": "-rw-r--r--",
    "./usr/share/bash-completion/completions/attsync": "-rw-r--r--",
    "./usr/share/zsh/vendor-completions/_attsync": "-rw-r--r--",
    "./usr/share/fish/vendor_completions.d/attsync.fish": "-rw-r--r--",
    "./lib/systemd/system/attsync.service": "-rw-r--r--",
    "./lib/systemd/system/attsync.timer": "-rw-r--r--",
    "./lib/systemd/system/attsync-failure@.service": "-rw-r--r--",
    "./usr/share/doc/attsync/README.md": "-rw-r--r--",
    "./usr/share/doc/attsync/operations.md": "-rw-r--r--",
    "./usr/share/doc/attsync/mis-copy.md": "-rw-r--r--",
    "./usr/share/doc/attsync/mis-schema.md": "-rw-r--r--",
    "./usr/share/doc/attsync/copyright": "-rw-r--r--",
    "./usr/share/doc/attsync/changelog.gz": "-rw-r--r--",
    "./usr/share/doc/attsync/examples/config.systemd.json": "-rw-r--r--",
    "./usr/share/doc/attsync/examples/config.example.json": "-rw-r--r--",
    "./usr/share/doc/attsync/examples/attsync.cron": "-rw-r--r--",
    "./usr/share/doc/attsync/examples/import-mis-csv.conf": "-rw-r--r--",
    "./usr/share/doc/attsync/examples/vendor-views.json": "-rw-r--r--",
}


@unittest.skipUnless(os.environ.get("ATTSYNC_DEB_TEST") == "1", "set ATTSYNC_DEB_TEST=1 to build the package (minutes)")
class BuildDeb(unittest.TestCase):
    deb: Path
    unpacked: Path
    build_log: str

    @classmethod
    def setUpClass(cls) -> None:
        out = Path(tempfile.mkdtemp(prefix="attsync-deb-"))
        cls.addClassCleanup(shutil.rmtree, out, True)
        args = [str(ROOT / "scripts/build-deb")] + (["--no-build"] if os.environ.get("ATTSYNC_DEB_NO_BUILD") == "1" else [])
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=3600, env={**os.environ, "ATTSYNC_DEB_OUT": str(out)})
        if proc.returncode != 0:
            raise AssertionError(f"build-deb failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        cls.build_log = proc.stderr
        cls.deb = Path(proc.stdout.strip().splitlines()[-1])
        cls.unpacked = out / "root"
        subprocess.run(["dpkg-deb", "-x", str(cls.deb), str(cls.unpacked)], check=True)
        cls.control_dir = out / "control"
        subprocess.run(["dpkg-deb", "-e", str(cls.deb), str(cls.control_dir)], check=True)

    def info(self) -> dict[str, str]:
        text = subprocess.run(["dpkg-deb", "-f", str(self.deb)], capture_output=True, text=True, check=True).stdout
        fields: dict[str, str] = {}
        for line in text.splitlines():
            if line and not line[0].isspace():
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        return fields

    def test_name_size_and_control(self) -> None:
        fields = self.info()
        version = subprocess.run([str(self.unpacked / "usr/bin/attsync"), "--version"], capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(fields["Package"], "attsync")
        self.assertEqual(fields["Version"], version)
        self.assertEqual(self.deb.name, f"attsync_{version}_{fields['Architecture']}.deb")
        depends = fields["Depends"]
        for package in ("libc6", "libcurl4", "libsqlite3-0", "adduser", "python3"):
            self.assertRegex(depends, rf"(^|, ){re.escape(package)}( |,|$)")
        self.assertNotIn("swift", depends.lower())
        self.assertIn("sqlite3", fields.get("Recommends", ""))
        size_mb = self.deb.stat().st_size / 1e6
        print(f"\n{self.deb.name}: {size_mb:.1f} MB; Installed-Size {fields['Installed-Size']} KiB; Depends: {depends}")
        self.assertLess(size_mb, 40)
        info = subprocess.run(["dpkg-deb", "-I", str(self.deb)], capture_output=True, text=True, check=True).stdout
        for script in ("postinst", "prerm", "postrm"):
            self.assertRegex(info, rf"\d+ bytes,\s+\d+ lines\s+\*\s+{script}\s")  # "*" = executable

    def test_contents(self) -> None:
        listing = subprocess.run(["dpkg-deb", "-c", str(self.deb)], capture_output=True, text=True, check=True).stdout
        entries = {}
        for line in listing.splitlines():
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            entries[path.split(" -> ")[0]] = (mode, owner)
        for path, mode in EXPECTED_FILES.items():
            with self.subTest(path=path):
                self.assertIn(path, entries)
                self.assertEqual(entries[path], (mode, "root/root"))
        self.assertFalse([p for p in entries if p.startswith("./etc/")], "configuration is the administrator's: nothing in /etc")
        self.assertFalse([p for p in entries if ".build" in p or "__pycache__" in p])

    def test_binary_needs_only_debian_libraries(self) -> None:
        binary = self.unpacked / "usr/bin/attsync"
        ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("not found", ldd)
        self.assertNotIn("swift", ldd.lower())
        self.assertNotIn("/opt/", ldd)
        for needed in ("libcurl.so.4", "libsqlite3.so.0"):
            self.assertIn(needed, ldd)
        file = subprocess.run(["file", "-b", str(binary)], capture_output=True, text=True).stdout if shutil.which("file") else ""
        if file:
            self.assertNotIn("with debug_info", file)
        help_text = subprocess.run([str(binary), "--help"], capture_output=True, text=True, check=True).stdout
        self.assertIn("send", help_text)

    def test_manual_and_completions(self) -> None:
        manual = gzip.decompress((self.unpacked / "usr/share/man/man1/attsync.1.gz").read_bytes()).decode()
        self.assertIn(".Dt ATTSYNC 1", manual)
        for sub in ("send", "preview", "consent", "history"):
            self.assertIn(sub, manual)
        if shutil.which("man"):
            proc = subprocess.run(["man", "-l", str(self.unpacked / "usr/share/man/man1/attsync.1.gz")], capture_output=True, text=True,
                                  env={**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0"})
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("attsync", proc.stdout)
        bash = (self.unpacked / "usr/share/bash-completion/completions/attsync").read_text()
        self.assertIn("complete", bash)
        self.assertTrue((self.unpacked / "usr/share/zsh/vendor-completions/_attsync").read_text().startswith("#compdef attsync"))
        self.assertRegex((self.unpacked / "usr/share/fish/vendor_completions.d/attsync.fish").read_text(), r"complete -c '?attsync'? ")
        if shutil.which("bash"):
            self.assertEqual(subprocess.run(["bash", "-n", str(self.unpacked / "usr/share/bash-completion/completions/attsync")]).returncode, 0)

    def test_units_and_examples_are_the_sources(self) -> None:
        for packaged, source in [
            ("lib/systemd/system/attsync.service", "scripts/schedule/attsync.service"),
            ("lib/systemd/system/attsync.timer", "scripts/schedule/attsync.timer"),
            ("lib/systemd/system/attsync-failure@.service", "scripts/schedule/attsync-failure@.service"),
            ("usr/share/doc/attsync/examples/config.systemd.json", "scripts/schedule/config.systemd.json"),
            ("usr/share/doc/attsync/operations.md", "docs/operations.md"),
            ("usr/bin/attsync-import-mis-csv", "scripts/import-mis-csv"),
        ]:
            with self.subTest(packaged=packaged):
                self.assertEqual((self.unpacked / packaged).read_bytes(), (ROOT / source).read_bytes())
        self.assertIn("ExecStart=/usr/bin/attsync send", (self.unpacked / "lib/systemd/system/attsync.service").read_text())

    def test_maintainer_scripts(self) -> None:
        postinst = (self.control_dir / "postinst").read_text()
        for fragment in ("adduser --system", "--ingroup attsync", "install -d -m 0750 -o root -g attsync /etc/attsync",
                         "install -d -m 0700 -o attsync -g attsync /var/lib/attsync", "daemon-reload"):
            self.assertIn(fragment, postinst)
        self.assertNotIn("enable", postinst.replace("not enabled", "").replace("NOT enabled", "").replace("enable --now", ""))
        prerm = (self.control_dir / "prerm").read_text()
        self.assertIn("systemctl stop attsync.timer", prerm)
        postrm = (self.control_dir / "postrm").read_text()
        purge = postrm[postrm.index("purge)"):]
        self.assertIn("WARNING", purge)
        self.assertIn("rm -rf /var/lib/attsync", purge)
        remove = postrm[postrm.index("remove)"):postrm.index("purge)")]
        self.assertNotIn("rm ", remove, "remove keeps the data")
        for script in ("postinst", "prerm", "postrm"):
            self.assertEqual(subprocess.run(["sh", "-n", str(self.control_dir / script)]).returncode, 0)

    def test_debug_symbols_beside_the_package(self) -> None:
        debug = self.deb.with_suffix(".debug")
        self.assertTrue(debug.exists())
        self.assertGreater(debug.stat().st_size, 1_000_000)


if __name__ == "__main__":
    unittest.main()
