# SPDX-License-Identifier: MIT
"""Core of the binding: loading, versions, errors, array conversion."""

import array
import ctypes
import os
import subprocess
import sys
import unittest

import loyalty
from loyalty import errors, _arrays
from loyalty._lib import lib


class TestLoading(unittest.TestCase):
    def test_versions_match_library(self):
        self.assertEqual(loyalty.abi_version(), loyalty.ABI_VERSION)
        v = loyalty.version()
        major, minor, patch = (int(p) for p in v.split("."))
        self.assertEqual(loyalty.version_number(), major * 10000 + minor * 100 + patch)

    def test_failure_lists_every_place_tried(self):
        env = dict(os.environ, LIBLOYALTY_PATH="/nonexistent/libloyalty.so.1",
                   LD_LIBRARY_PATH="")
        code = "import loyalty"
        proc = subprocess.run([sys.executable, "-c", code], env=env,
                              capture_output=True, text=True,
                              cwd=os.path.dirname(os.path.dirname(loyalty.__file__)))
        if proc.returncode == 0:
            self.skipTest("a system-wide libloyalty is installed")
        self.assertIn("LIBLOYALTY_PATH: /nonexistent/libloyalty.so.1", proc.stderr)
        self.assertIn("package directory", proc.stderr)
        self.assertIn("versioned SONAME", proc.stderr)


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
