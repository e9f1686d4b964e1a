"""Tests of the sharding examples in scripts/schedule/ (unittest, standard library only).

`attsync send --shard I/N` splits a trust over N runs; the examples must pass each run its own index, the
same N everywhere, and a state directory of its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = ROOT / "scripts/schedule"


class KubernetesExample(unittest.TestCase):
    def test_every_index_runs_one_shard_with_its_own_state(self):
        text = (SCHEDULE / "kubernetes-cronjob.yaml").read_text()
        completions = int(re.search(r"^\s+completions: (\d+)$", text, re.M).group(1))
        parallelism = int(re.search(r"^\s+parallelism: (\d+)$", text, re.M).group(1))
        shard = re.search(r'"--shard", "\$\(JOB_COMPLETION_INDEX\)/(\d+)"', text)
        self.assertIsNotNone(shard, "the pod's index must be the shard")
        self.assertEqual(int(shard.group(1)), completions)
        self.assertEqual(parallelism, completions)
        self.assertIn("completionMode: Indexed", text)
        self.assertIn("subPathExpr: shard-$(JOB_COMPLETION_INDEX)", text)
        self.assertIn("concurrencyPolicy: Forbid", text)


class SystemdExample(unittest.TestCase):
    def test_the_instance_is_the_shard_and_names_its_state(self):
        unit = (SCHEDULE / "attsync-shard@.service").read_text()
        self.assertIn("ExecStart=/usr/bin/attsync send --quiet --shard %I\n", unit)
        self.assertIn("StateDirectory=attsync/shard-%i\n", unit)
        self.assertIn("Environment=ATTSYNC_CONFIG=/etc/attsync/shard-%i.json\n", unit)

    @unittest.skipUnless(shutil.which("systemd-analyze") and shutil.which("systemd-escape"), "systemd-analyze is missing")
    def test_units_verify_and_the_instance_unescapes_to_i_slash_n(self):
        self.assertEqual(subprocess.run(["systemd-escape", "0/3"], capture_output=True, text=True).stdout.strip(), "0-3")
        with tempfile.TemporaryDirectory() as directory:
            for name in ("attsync-shard@.service", "attsync-shard@.timer", "attsync-failure@.service"):
                text = (SCHEDULE / name).read_text().replace("/usr/bin/attsync", "/bin/true")
                (Path(directory) / name).write_text(text)
            for name in ("attsync-shard@0-3.service", "attsync-shard@0-3.timer"):
                (Path(directory) / name).symlink_to(Path(directory) / name.replace("0-3", ""))
            result = subprocess.run(
                ["systemd-analyze", "verify", "--man=no", str(Path(directory) / "attsync-shard@0-3.service"),
                 str(Path(directory) / "attsync-shard@0-3.timer")], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stderr.strip(), "", result.stderr)


if __name__ == "__main__":
    unittest.main()
