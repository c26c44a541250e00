# SPDX-License-Identifier: MIT
"""Core of the binding: loading, versions, errors, array conversion."""

import array
import ctypes
import os
import re
import subprocess
import sys
import tempfile
import unittest

import loyalty
from loyalty import errors, _arrays
from loyalty._lib import lib


def import_in_subprocess(env_changes, code="import loyalty"):
    """Run ``code`` in a fresh interpreter importing the package from the
    source tree; env_changes: variables to set (None removes one)."""
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd=os.path.dirname(os.path.dirname(loyalty.__file__)))


BUNDLED = os.path.join(os.path.dirname(loyalty.__file__), "libloyalty.so.1")


class TestLoading(unittest.TestCase):
    def test_versions_match_library(self):
        self.assertEqual(loyalty.abi_version(), loyalty.ABI_VERSION)
        v = loyalty.version()
        major, minor, patch = (int(p) for p in v.split("."))
        self.assertEqual(loyalty.version_number(), major * 10000 + minor * 100 + patch)

    def test_package_version_follows_the_c_header(self):
        header = os.path.join(os.path.dirname(loyalty.__file__), "..", "..", "..",
                              "include", "loyalty", "common.h")
        if not os.path.exists(header):
            self.skipTest("not in a source checkout")
        text = open(header).read()
        want = ".".join(re.search(r"#define LOY_VERSION_%s (\d+)" % part, text).group(1)
                        for part in ("MAJOR", "MINOR", "PATCH"))
        self.assertEqual(loyalty.__version__, want)

    def test_explicit_path_is_obeyed_or_fails(self):
        proc = import_in_subprocess({"LIBLOYALTY_PATH": "/nonexistent/libloyalty.so.1"})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("LIBLOYALTY_PATH=/nonexistent/libloyalty.so.1", proc.stderr)
        self.assertIn("unset LIBLOYALTY_PATH", proc.stderr)
        proc = import_in_subprocess(
            {"LIBLOYALTY_PATH": loyalty.library_path},
            "import loyalty; print(loyalty.library_source, loyalty.library_path)")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.split(), ["LIBLOYALTY_PATH", loyalty.library_path])

    def test_failure_lists_every_place_tried_and_what_to_do(self):
        if os.path.exists(BUNDLED):
            self.skipTest("a library is bundled in the source tree (editable install)")
        proc = import_in_subprocess({"LIBLOYALTY_PATH": None, "LD_LIBRARY_PATH": None})
        if proc.returncode == 0:
            self.skipTest("a system-wide libloyalty is installed")
        self.assertIn("system library libloyalty.so.1", proc.stderr)
        self.assertIn("bundled copy %s: not present" % BUNDLED, proc.stderr)
        self.assertIn("pip install bindings/python", proc.stderr)
        self.assertIn("LIBLOYALTY_PATH=/path/to/build/libloyalty.so.1", proc.stderr)

    def test_system_library_found_by_the_loader(self):
        folder = os.path.dirname(os.path.realpath(loyalty.library_path))
        if not os.path.exists(os.path.join(folder, "libloyalty.so.1")):
            self.skipTest("no libloyalty.so.1 beside the loaded library")
        proc = import_in_subprocess(
            {"LIBLOYALTY_PATH": None, "LD_LIBRARY_PATH": folder},
            "import loyalty; print(loyalty.library_source, loyalty.library_path)")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        source, path = proc.stdout.split()
        self.assertEqual(source, "system")
        self.assertEqual(os.path.dirname(path), folder)  # the file found, not the soname

    def test_a_wrong_system_library_is_skipped(self):
        import ctypes.util
        libm = ctypes.util.find_library("m")
        if not libm or os.path.exists(BUNDLED):
            self.skipTest("needs libm and no bundled copy")
        with tempfile.TemporaryDirectory() as tmp:
            # Something the loader finds under our SONAME that is not libloyalty.
            target = ctypes.CDLL(libm)._name
            os.symlink(target if os.path.isabs(target) else "/lib/x86_64-linux-gnu/" + target,
                       os.path.join(tmp, "libloyalty.so.1"))
            proc = import_in_subprocess({"LIBLOYALTY_PATH": None, "LD_LIBRARY_PATH": tmp})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("not libloyalty", proc.stderr)
        self.assertIn("bundled copy", proc.stderr)  # and the search went on


class TestErrors(unittest.TestCase):
    def test_codes_map_to_families(self):
        cases = {errors.EINVAL: errors.BadInputError, errors.ESCALE: errors.BadInputError,
                 errors.EDOMAIN: errors.DomainError,
                 errors.ENOCONV: errors.NotConvergedError,
                 errors.ENOMEM: errors.OutOfMemoryError}
        for code, cls in cases.items():
            exc = errors.error_for(code, index=3)
            self.assertIsInstance(exc, cls)
            self.assertIsInstance(exc, loyalty.LoyaltyError)
            self.assertEqual(exc.code, code)
            self.assertEqual(exc.index, 3)
            self.assertEqual(exc.message, loyalty.strerror(code))
        self.assertIsInstance(errors.error_for(errors.EDOMAIN), ValueError)
        self.assertIsNone(errors.error_for(errors.EINVAL, errors.NO_INDEX).index)
        self.assertEqual(errors.error_for(-999).name, "LOY_EUNKNOWN")

    def test_strerror(self):
        self.assertEqual(loyalty.strerror(-1), "invalid argument")
        self.assertEqual(loyalty.strerror(12345), "unknown error")


class TestArrays(unittest.TestCase):
    def test_list_is_copied_once(self):
        ptr, n, keep = _arrays.as_input([1.0, 2.5, 3.0], ctypes.c_double)
        self.assertEqual(n, 3)
        self.assertEqual(ptr[1], 2.5)

    def test_array_array_is_shared(self):
        a = array.array("d", [1.0, 2.0])
        ptr, n, keep = _arrays.as_input(a, ctypes.c_double)
        ptr[0] = 42.0  # writes through: no copy was made
        self.assertEqual(a[0], 42.0)

    @unittest.skipUnless(_arrays.have_numpy(), "numpy not installed")
    def test_numpy_contiguous_is_shared(self):
        import numpy as np
        a = np.arange(5, dtype=np.float64)
        ptr, n, keep = _arrays.as_input(a, ctypes.c_double)
        self.assertEqual(ctypes.addressof(ptr.contents), a.ctypes.data)
        b = a[::2]  # not contiguous: converted once
        ptr2, n2, keep2 = _arrays.as_input(b, ctypes.c_double)
        self.assertEqual(n2, 3)
        self.assertNotEqual(ctypes.addressof(ptr2.contents), b.ctypes.data)


if __name__ == "__main__":
    unittest.main()
