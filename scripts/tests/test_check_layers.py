"""scripts/check-layers: the core's folders use only their own and lower folders."""
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check-layers")


def run(*args):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=60)


class CheckLayersTests(unittest.TestCase):
    def test_the_core_has_no_back_edge(self):
        result = run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def write(self, root, path, text):
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)

    def test_a_lower_folder_using_a_higher_one_fails_naming_file_line_and_name(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, "Run/Plan.swift", "package struct RunPlan {}\n")
            self.write(root, "Support/Ok.swift", "// RunPlan in a comment is fine\nlet text = \"RunPlan\"\n")
            self.write(root, "Source/Bad.swift", "struct S {\n    var plan: RunPlan?\n}\n")
            result = run(root)
            self.assertEqual(result.returncode, 1)
            self.assertEqual(result.stdout.strip(), "Source/Bad.swift:2: Source uses RunPlan from Run, a folder above it")

    def test_a_folder_missing_from_the_layer_list_is_refused(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, "Elsewhere/X.swift", "struct X {}\n")
            result = run(root)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("Elsewhere", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
