"""Tests of the scheduling examples in scripts/schedule/ (unittest, standard library only).

Run: python3 -m unittest discover -s scripts/tests -p 'test_schedule*' -v

- `systemd-analyze verify` on the units. verify insists that ExecStart='s program exists, so it runs on
  copies whose /usr/bin/attsync and /usr/bin/attsync-import-mis-csv are replaced by /bin/true (the
  units are otherwise byte for byte the shipped ones), with the import drop-in beside them, and with
  --man=no (the man page in Documentation= exists only once the package is installed). Any warning
  fails the test, not only a non-zero exit.
- `systemd-analyze security --offline=yes` on the shipped attsync.service: exposure at most 4.0.
- The settings the runbook relies on, the timer's calendar, the systemd configuration example against
  the units, and the cron example.
- When this machine allows it (root, namespaces, no systemd already running) and an attsync binary has
  been built: scripts/schedule/try-under-systemd runs the real unit under a real systemd, sandbox and all.
  ATTSYNC_SYSTEMD_TEST=0 turns that off.

systemd-analyze comes from Debian's `systemd` package (scripts/install-deps installs it); it needs no
running systemd.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = ROOT / "scripts/schedule"
ANALYZE = shutil.which("systemd-analyze")
MAX_EXPOSURE = 4.0


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Key → every value it is given, section by section ("Service.User"), ignoring comments."""
    out: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return out


def attsync_binary() -> str | None:
    candidates = [os.environ.get("ATTSYNC_BIN", "")] + [str(ROOT / ".build" / c / "attsync") for c in ("release", "debug")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@unittest.skipUnless(ANALYZE, "systemd-analyze is missing: run scripts/install-deps (it installs Debian's systemd package)")
class SystemdUnits(unittest.TestCase):
    def copies(self) -> Path:
        """The units with the programs they start replaced by /bin/true, for verify."""
        d = Path(tempfile.mkdtemp(prefix="attsync-units-"))
        self.addCleanup(shutil.rmtree, d, True)
        (d / "attsync.service.d").mkdir()
        for name, target in [("attsync.service", "attsync.service"), ("attsync.timer", "attsync.timer"),
                             ("attsync-failure@.service", "attsync-failure@.service"),
                             ("import-mis-csv.conf", "attsync.service.d/import-mis-csv.conf")]:
            text = (SCHEDULE / name).read_text()
            text = re.sub(r"^(ExecStart(?:Pre)?=-?)/usr/bin/attsync(?:-import-mis-csv)?\b", r"\1/bin/true", text, flags=re.M)
            (d / target).write_text(text)
        return d

    def verify(self, directory: Path, *units: str) -> subprocess.CompletedProcess:
        return subprocess.run([ANALYZE, "verify", "--man=no", *units], cwd=directory, capture_output=True, text=True, timeout=60)

    def test_verify(self) -> None:
        d = self.copies()
        proc = self.verify(d, "./attsync.service", "./attsync.timer", "./attsync-failure@attsync.service.service")
        self.assertEqual((proc.returncode, proc.stderr), (0, ""), proc.stdout)

    def test_verify_would_catch_a_mistake(self) -> None:
        """So that the empty output above means something: a typo and a missing program are reported."""
        d = self.copies()
        with (d / "attsync.service.d/import-mis-csv.conf").open("a") as f:
            f.write("ProtectSytem=strict\n")
        proc = self.verify(d, "./attsync.service")
        self.assertIn("Unknown key 'ProtectSytem'", proc.stderr)
        (d / "attsync.service").write_text((d / "attsync.service").read_text().replace("/bin/true send", "/usr/bin/no-such-attsync send"))
        proc = self.verify(d, "./attsync.service")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no-such-attsync", proc.stderr)

    def test_security_exposure(self) -> None:
        proc = subprocess.run([ANALYZE, "security", "--offline=yes", "--no-pager", str(SCHEDULE / "attsync.service")],
                              capture_output=True, text=True, timeout=60)
        match = re.search(r"Overall exposure level for attsync\.service: (\d+\.\d+) (\w+)", proc.stdout)
        self.assertTrue(match, proc.stdout + proc.stderr)
        score = float(match.group(1))
        print(f"\nsystemd-analyze security --offline=yes attsync.service: {score} {match.group(2)}")
        self.assertLessEqual(score, MAX_EXPOSURE, proc.stdout)
        self.assertIn(match.group(2), ("OK", "SAFE"))

    def test_timer_calendar(self) -> None:
        timer = unit_settings(SCHEDULE / "attsync.timer")
        (calendar,) = timer["Timer.OnCalendar"]
        proc = subprocess.run([ANALYZE, "calendar", "--iterations=5", calendar], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "TZ": "Europe/London", "LC_ALL": "C"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        runs = re.findall(r"(?:Next elapse|Iter\. #\d+): (\w{3}) \d{4}-\d{2}-\d{2} (\d{2}:\d{2}):\d{2}", proc.stdout)
        self.assertEqual(len(runs), 5, proc.stdout)
        for weekday, time in runs:
            self.assertIn(weekday, ("Mon", "Tue", "Wed", "Thu", "Fri"))
            self.assertEqual(time, "17:30")  # London time, in summer and winter alike
        self.assertEqual(timer["Timer.Persistent"], ["true"])
        self.assertEqual(timer["Install.WantedBy"], ["timers.target"])


class UnitSettings(unittest.TestCase):
    """What docs/operations.md promises about the service."""

    def setUp(self) -> None:
        self.s = unit_settings(SCHEDULE / "attsync.service")

    def test_identity_state_and_secret(self) -> None:
        s = self.s
        self.assertEqual(s["Service.Type"], ["oneshot"])
        self.assertEqual(s["Service.User"], ["attsync"])
        self.assertEqual(s["Service.ExecStart"], ["/usr/bin/attsync send --quiet"])
        self.assertEqual(s["Service.StateDirectory"], ["attsync"])
        self.assertEqual(s["Service.StateDirectoryMode"], ["0700"])
        self.assertEqual(s["Service.UMask"], ["0077"])
        self.assertEqual(s["Service.LoadCredential"], ["client-secret:/etc/attsync/client-secret"])
        self.assertEqual(s["Service.SuccessExitStatus"], ["75"])  # only 75: every other code is a failure
        self.assertEqual(s["Unit.OnFailure"], ["attsync-failure@%n.service"])
        self.assertNotIn("Service.EnvironmentFile", s)  # secrets come as credentials, not variables

    def test_sandbox(self) -> None:
        s = self.s
        for key, value in [
            ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateDevices", "yes"), ("PrivateTmp", "yes"),
            ("ProtectKernelTunables", "yes"), ("ProtectKernelModules", "yes"), ("ProtectKernelLogs", "yes"),
            ("ProtectControlGroups", "yes"), ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
            ("RestrictNamespaces", "yes"), ("LockPersonality", "yes"), ("MemoryDenyWriteExecute", "yes"),
            ("NoNewPrivileges", "yes"), ("CapabilityBoundingSet", ""), ("SystemCallArchitectures", "native"),
        ]:
            with self.subTest(key=key):
                self.assertEqual(s[f"Service.{key}"], [value])
        self.assertIn("@system-service", s["Service.SystemCallFilter"])
        self.assertNotIn("Service.ReadWritePaths", s)  # StateDirectory= is the only writable place

    def test_failure_unit_and_import_drop_in(self) -> None:
        failure = unit_settings(SCHEDULE / "attsync-failure@.service")
        self.assertEqual(failure["Service.Type"], ["oneshot"])
        self.assertIn("%i", failure["Service.ExecStart"][0])
        drop_in = unit_settings(SCHEDULE / "import-mis-csv.conf")
        for line in drop_in["Service.ExecStartPre"]:
            self.assertTrue(line.startswith("/usr/bin/attsync-import-mis-csv --quiet --marks /srv/"), line)
            self.assertIn("--out /var/lib/attsync/mis/", line)  # inside StateDirectory=, the only writable place

    def test_systemd_configuration_example_matches_the_units(self) -> None:
        config = json.loads((SCHEDULE / "config.systemd.json").read_text())
        (credential,) = self.s["Service.LoadCredential"]
        name = credential.split(":")[0]
        self.assertEqual(config["stateDirectory"], "/var/lib/" + self.s["Service.StateDirectory"][0])
        # systemd puts LoadCredential=NAME:… at /run/credentials/<unit>/NAME ($CREDENTIALS_DIRECTORY);
        # attsync expands no variables, so the configuration names that path.
        self.assertEqual(config["dfe"]["token"]["clientSecret"], {"file": f"/run/credentials/attsync.service/{name}"})
        self.assertEqual(len(config["schools"]), 2)
        for school in config["schools"]:
            self.assertTrue(school["source"]["path"].startswith("/var/lib/attsync/mis/"))
            self.assertRegex(school["urn"], r"^[1-9]\d{5}$")

    @unittest.skipUnless(attsync_binary(), "no attsync binary (set ATTSYNC_BIN or build first)")
    def test_systemd_configuration_example_is_valid_for_attsync(self) -> None:
        d = Path(tempfile.mkdtemp(prefix="attsync-config-"))
        self.addCleanup(shutil.rmtree, d, True)
        text = (SCHEDULE / "config.systemd.json").read_text().replace("/var/lib/attsync", str(d / "state"))
        (d / "config.json").write_text(text)
        os.chmod(d / "config.json", 0o640)
        # `history` loads and checks the whole configuration (unknown keys, types, URNs) and needs no secret.
        proc = subprocess.run([attsync_binary(), "history", "--config", str(d / "config.json")], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)


class CronExample(unittest.TestCase):
    def setUp(self) -> None:
        self.lines = [l for l in (SCHEDULE / "attsync.cron").read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]

    def test_environment(self) -> None:
        env = dict(l.split("=", 1) for l in self.lines if re.match(r"^[A-Z_]+=", l))
        self.assertEqual(env["CRON_TZ"], "Europe/London")
        self.assertEqual(env["ATTSYNC_CONFIG"], "/etc/attsync/config.json")
        self.assertIn("/usr/bin", env["PATH"].split(":"))
        self.assertIn("MAILTO", env)
        for name in env:
            self.assertNotRegex(name, "SECRET|KEY|TOKEN|PASSWORD", "a secret must come from a file, never this file")

    def test_jobs_run_as_attsync(self) -> None:
        jobs = [l for l in self.lines if not re.match(r"^[A-Z_]+=", l)]
        self.assertEqual(len(jobs), 1)
        fields = jobs[0].split(None, 6)
        self.assertEqual(fields[:5], ["30", "17", "*", "*", "1-5"])
        self.assertEqual(fields[5], "attsync")  # the user field of /etc/cron.d
        self.assertEqual(fields[6], "attsync send --quiet")
        self.assertNotIn("%", fields[6])  # cron turns % into a newline

    def test_documented_install_name_is_one_cron_reads(self) -> None:
        text = (SCHEDULE / "attsync.cron").read_text()
        name = re.search(r"install .* attsync\.cron (/etc/cron\.d/\S+)", text).group(1)
        self.assertRegex(Path(name).name, r"^[A-Za-z0-9_-]+$")  # Debian's cron skips names with dots


@unittest.skipIf(os.environ.get("ATTSYNC_SYSTEMD_TEST") == "0", "ATTSYNC_SYSTEMD_TEST=0")
class UnderRealSystemd(unittest.TestCase):
    def test_the_unit_under_systemd(self) -> None:
        binary = attsync_binary()
        if not binary:
            self.skipTest("no attsync binary (set ATTSYNC_BIN or build first)")
        proc = subprocess.run([str(SCHEDULE / "try-under-systemd"), binary], capture_output=True, text=True, timeout=180)
        if proc.returncode == 77:
            self.skipTest(proc.stderr.strip().splitlines()[-1])
        print("\n" + proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertNotIn("FAIL", proc.stdout)


if __name__ == "__main__":
    unittest.main()
