# SPDX-License-Identifier: MIT
"""`pip install bindings/python` works offline (in-tree build backend)."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def have_pip():
    return subprocess.run([sys.executable, "-m", "pip", "--version"],
                          capture_output=True).returncode == 0


@unittest.skipUnless(have_pip(), "pip is not installed")
class TestInstall(unittest.TestCase):
    def test_pip_install_offline_and_import(self):
        with tempfile.TemporaryDirectory() as target:
            env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
            proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                                   "--target", target, ROOT],
                                  capture_output=True, text=True, env=env)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertTrue(os.path.exists(os.path.join(target, "loyalty", "nps.py")))
            env = dict(os.environ, PYTHONPATH=target)
            if env.get("LIBLOYALTY_PATH"):
                env["LIBLOYALTY_PATH"] = os.path.abspath(env["LIBLOYALTY_PATH"])
            code = "import loyalty, sys; print(loyalty.__file__); print(loyalty.version())"
            out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                 text=True, env=env, cwd=target)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertTrue(out.stdout.startswith(target))


if __name__ == "__main__":
    unittest.main()
