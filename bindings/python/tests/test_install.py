# SPDX-License-Identifier: MIT
"""The real install: `pip install bindings/python` in a fresh virtual
environment, offline, then `import loyalty` from another directory with no
environment variable; the library search order; the sdist.

Runs as its own CTest test (python_install): one CMake build of the
library inside pip, about 10 s on an idle machine.
"""

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Variables that would make the installed package find a library some
# other way than the one under test.
SEARCH_VARS = ("LIBLOYALTY_PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "PYTHONHOME")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in SEARCH_VARS}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1")
    env.update(extra)
    return env


def can_make_venv():
    try:
        import ensurepip  # noqa: F401  (Debian: python3-venv)
        import venv  # noqa: F401
    except ImportError:
        return False
    return shutil.which("cmake") is not None


def backend():
    spec = importlib.util.spec_from_file_location(
        "loyalty_backend", os.path.join(ROOT, "_build", "loyalty_backend.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@unittest.skipUnless(can_make_venv(), "needs the venv module with ensurepip, and cmake")
class TestVenvInstall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="loyalty-venv-")
        cls.venv = os.path.join(cls.tmp, "venv")
        cls.python = os.path.join(cls.venv, "bin", "python")
        subprocess.run([sys.executable, "-m", "venv", cls.venv], check=True,
                       env=clean_env(), capture_output=True)
        pip = subprocess.run([cls.python, "-m", "pip", "install", ROOT],
                             env=clean_env(CMAKE_BUILD_PARALLEL_LEVEL="2"),
                             capture_output=True, text=True, cwd=cls.tmp)
        if pip.returncode != 0:
            raise AssertionError("pip install failed:\n" + pip.stdout + pip.stderr)
        cls.elsewhere = os.path.join(cls.tmp, "elsewhere")
        os.mkdir(cls.elsewhere)
        cls.site = subprocess.run(
            [cls.python, "-c", "import sysconfig; print(sysconfig.get_path('platlib'))"],
            capture_output=True, text=True, check=True, env=clean_env()).stdout.strip()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_py(self, code, **env):
        return subprocess.run([self.python, "-c", code], capture_output=True, text=True,
                              cwd=self.elsewhere, env=clean_env(**env))

    def test_import_from_another_directory_without_environment(self):
        p = self.run_py("import loyalty; from loyalty import nps\n"
                        "print(loyalty.library_source); print(loyalty.library_path)\n"
                        "print(loyalty.__version__, loyalty.version())\n"
                        "print(nps.tally([10, 9, 3, 7]).n)\n"
                        "print(loyalty.__file__)")
        self.assertEqual(p.returncode, 0, p.stderr)
        source, path, versions, n, init = p.stdout.split("\n")[:5]
        self.assertEqual(source, "bundled")
        self.assertTrue(path.startswith(self.site), path)
        self.assertTrue(init.startswith(self.site), init)
        v, cv = versions.split()
        self.assertEqual(v, cv)
        self.assertEqual(n, "4")

    def test_installed_files(self):
        pkg = os.path.join(self.site, "loyalty")
        self.assertTrue(os.path.exists(os.path.join(pkg, "py.typed")))
        self.assertTrue(os.path.exists(os.path.join(pkg, "libloyalty.so.1")))
        record = glob.glob(os.path.join(self.site, "loyalty-*.dist-info", "RECORD"))
        self.assertEqual(len(record), 1)
        with open(record[0]) as f:
            self.assertIn("loyalty/libloyalty.so.1,sha256=", f.read())
        with open(os.path.join(os.path.dirname(record[0]), "WHEEL")) as f:
            wheel = f.read()
        self.assertIn("Root-Is-Purelib: false", wheel)
        self.assertNotIn("py3-none-any", wheel)  # a platform wheel: it holds a .so

    def test_environment_variable_takes_precedence(self):
        build_lib = os.environ.get("LIBLOYALTY_PATH")
        if not build_lib:
            self.skipTest("LIBLOYALTY_PATH (the build tree's library) not set")
        build_lib = os.path.abspath(build_lib)
        p = self.run_py("import loyalty; print(loyalty.library_source, loyalty.library_path)",
                        LIBLOYALTY_PATH=build_lib)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ["LIBLOYALTY_PATH", build_lib])

    def test_system_library_takes_precedence(self):
        build_lib = os.environ.get("LIBLOYALTY_PATH")
        if not build_lib:
            self.skipTest("LIBLOYALTY_PATH (the build tree's library) not set")
        folder = os.path.dirname(os.path.realpath(build_lib))
        p = self.run_py("import loyalty; print(loyalty.library_source, loyalty.library_path)",
                        LD_LIBRARY_PATH=folder)
        self.assertEqual(p.returncode, 0, p.stderr)
        source, path = p.stdout.split()
        self.assertEqual((source, os.path.dirname(path)), ("system", folder))

    def test_missing_library_says_what_to_do(self):
        lib = os.path.join(self.site, "loyalty", "libloyalty.so.1")
        os.rename(lib, lib + ".away")
        try:
            p = self.run_py("import loyalty")
        finally:
            os.rename(lib + ".away", lib)
        if p.returncode == 0:
            self.skipTest("a system-wide libloyalty is installed")
        self.assertIn("ImportError: libloyalty (the C library of this package) could not "
                      "be loaded", p.stderr)
        self.assertIn("bundled copy %s: not present" % lib, p.stderr)
        self.assertIn("What to do", p.stderr)
        self.assertIn("pip install bindings/python", p.stderr)


class TestSdistAndPureWheel(unittest.TestCase):
    def test_sdist_carries_the_c_sources(self):
        be = backend()
        with tempfile.TemporaryDirectory() as tmp:
            name = be.build_sdist(tmp)
            with tarfile.open(os.path.join(tmp, name)) as tf:
                members = set(tf.getnames())
                tf.extractall(tmp)
            base = name[:-len(".tar.gz")]
            for rel in ("pyproject.toml", "PKG-INFO", "_build/loyalty_backend.py",
                        "loyalty/__init__.py", "loyalty/py.typed", "csrc/CMakeLists.txt",
                        "csrc/include/loyalty.h", "csrc/lib/libloyalty.map",
                        "csrc/cmake/JoinPaths.cmake", "csrc/loyalty.pc.in",
                        "csrc/examples/CMakeLists.txt"):
                self.assertIn(base + "/" + rel, members)
            self.assertFalse([m for m in members if "__pycache__" in m])
            if shutil.which("cmake") is None:
                return
            # The unpacked sdist configures on its own (the sources it needs are there).
            src = os.path.join(tmp, base, "csrc")
            p = subprocess.run(["cmake", "-S", src, "-B", os.path.join(tmp, "b"),
                                "-DLOY_BUILD_TESTS=OFF", "-DLOY_BUILD_CLI=OFF",
                                "-DLOY_BUILD_BENCH=OFF"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_pure_wheel_without_library(self):
        import zipfile
        be = backend()
        with tempfile.TemporaryDirectory() as tmp:
            name = be.build_wheel(tmp, {"bundle": "no"})
            self.assertTrue(name.endswith("-py3-none-any.whl"), name)
            with zipfile.ZipFile(os.path.join(tmp, name)) as zf:
                names = zf.namelist()
            self.assertIn("loyalty/py.typed", names)
            self.assertIn("loyalty/nps.py", names)
            self.assertFalse([n for n in names if ".so" in n])
            with self.assertRaises(ValueError):
                be.build_wheel(tmp, {"bundle": "maybe"})


if __name__ == "__main__":
    unittest.main()
