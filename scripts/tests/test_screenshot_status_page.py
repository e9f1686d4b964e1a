"""Tests of scripts/screenshot-status-page (unittest, standard library only).

Run: python3 -m unittest discover -s scripts/tests -p 'test_screenshot*' -v

The script renders a page with headless Chromium (Debian's `chromium` package) with the network cut off, and
exits 77 when Chromium is not installed; the tests that need Chromium are skipped then. The page attsync
writes is rendered by the end-to-end test SchoolDayTests.theStatusPageIsSelfContainedEscapedAndPrintsTheWeek.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "screenshot-status-page"
HAVE_CHROMIUM = any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


class ScreenshotStatusPageTest(unittest.TestCase):
    def run_script(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(SCRIPT), *arguments], capture_output=True, text=True, timeout=120)

    def test_usage_errors_exit_64(self):
        self.assertEqual(self.run_script().returncode, 64)
        self.assertEqual(self.run_script("/nonexistent/page.html", "/tmp/out.png").returncode, 64)

    @unittest.skipUnless(HAVE_CHROMIUM, "Chromium is not installed (apt-get install -y chromium)")
    def test_a_page_becomes_a_png_and_external_assets_stay_out(self):
        with tempfile.TemporaryDirectory() as directory:
            page = Path(directory) / "page.html"
            # An external stylesheet would turn the heading red; with the network cut off it cannot load.
            page.write_text(
                '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://example.invalid/red.css" />'
                '<style>h1{color:#1d70b8}</style></head><body><h1>Attendance sent to the DfE</h1></body></html>')
            out = Path(directory) / "page.png"
            result = self.run_script(str(page), str(out), "640,480")
            self.assertEqual(result.returncode, 0, result.stderr)
            data = out.read_bytes()
            self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"))
            width = int.from_bytes(data[16:20], "big")
            height = int.from_bytes(data[20:24], "big")
            self.assertEqual((width, height), (640, 480))

    @unittest.skipIf(HAVE_CHROMIUM, "Chromium is installed")
    def test_without_chromium_it_exits_77(self):
        with tempfile.TemporaryDirectory() as directory:
            page = Path(directory) / "page.html"
            page.write_text("<html></html>")
            self.assertEqual(self.run_script(str(page), str(Path(directory) / "x.png")).returncode, 77)


if __name__ == "__main__":
    unittest.main()
