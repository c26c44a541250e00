# SPDX-License-Identifier: MIT
"""Zero-copy: contiguous numpy arrays (and writable buffers) of the right
dtype reach the C function at their own address; other inputs are
converted once, with the same results."""

import array
import ctypes
import tracemalloc
import unittest

from loyalty import nps, segment
from loyalty import _arrays
from loyalty._arrays import have_numpy, as_input

if have_numpy():
    import numpy as np


def address(ptr):
    """Address a ctypes pointer (or None) points at."""
    return ctypes.cast(ptr, ctypes.c_void_p).value


class Spy:
    """Wraps a declared C function and records the address of one argument."""

    def __init__(self, module, name, arg):
        self.module, self.name, self.arg = module, name, arg
        self.real = getattr(module, name)
        self.seen = []

    def __enter__(self):
        def spy(*args):
            self.seen.append(address(args[self.arg]))
            return self.real(*args)
        setattr(self.module, self.name, spy)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.real)


@unittest.skipUnless(have_numpy(), "numpy not installed")
class TestNumpyZeroCopy(unittest.TestCase):
    def test_pointer_identity_tally(self):
        rng = np.random.default_rng(1)
        for dtype, fn in (("uint8", "_tally_u8"), ("int32", "_tally_i32"),
                          ("float64", "_tally_f64")):
            a = rng.integers(0, 11, size=1000).astype(dtype)
            with Spy(nps, fn, 1) as spy:
                t = nps.tally(a)
            self.assertEqual(spy.seen, [a.ctypes.data], dtype)
            self.assertEqual(t.n, 1000)

    def test_converted_inputs_are_copies_with_same_result(self):
        a = np.arange(2000, dtype=np.uint8) % 11
        want = nps.tally(a)
        strided = np.repeat(a, 2)[::2]  # non-contiguous view
        self.assertFalse(strided.flags.c_contiguous)
        with Spy(nps, "_tally_u8", 1) as spy:
            self.assertEqual(nps.tally(strided), want)
        self.assertNotEqual(spy.seen[0], strided.ctypes.data)
        wide = a.astype(np.int64)  # other dtype: converted once to float64
        with Spy(nps, "_tally_f64", 1) as spy:
            self.assertEqual(nps.tally(wide), want)
        self.assertNotEqual(spy.seen[0], wide.ctypes.data)

    def test_array_like_through_numpy(self):
        # pandas Series and other __array__ objects go through numpy as views
        class Column:
            def __init__(self, values):
                self.values = values

            def __array__(self, dtype=None):
                return np.asarray(self.values, dtype=dtype)

        a = (np.arange(300) % 11).astype(np.uint8)
        with Spy(nps, "_tally_u8", 1) as spy:
            t = nps.tally(Column(a))
        self.assertEqual(spy.seen, [a.ctypes.data])
        self.assertEqual(t, nps.tally(list(a)))

    def test_pointer_identity_segment(self):
        v = np.linspace(1.0, 100.0, 500)
        vc, _ = segment.abc(v)
        loy = (np.arange(500) % 4 - 1).astype(np.int32)
        with Spy(segment, "_classify", 2) as spy:
            segment.abc(v)
        self.assertEqual(spy.seen, [v.ctypes.data])
        seen = []
        real = segment._cross

        def spy_cross(res, cells, inp, idx):
            s = inp._obj
            seen.extend([address(s.value), address(s.value_class), address(s.loyalty)])
            return real(res, cells, inp, idx)
        segment._cross = spy_cross
        try:
            segment.cross(v, vc, loy)
        finally:
            segment._cross = real
        self.assertEqual(seen, [v.ctypes.data, vc.ctypes.data, loy.ctypes.data])

    def test_grouped_pointer_identity(self):
        s = (np.arange(1000) % 11).astype(np.uint8)
        g = (np.arange(1000) % 5).astype(np.uint32)
        seen = []
        real = nps._grouped_u8

        def spy(counts, n_groups, sp, gp, *rest):
            seen.extend([address(sp), address(gp)])
            return real(counts, n_groups, sp, gp, *rest)
        nps._grouped_u8 = spy
        try:
            nps.grouped(s, g, 5)
        finally:
            nps._grouped_u8 = real
        self.assertEqual(seen, [s.ctypes.data, g.ctypes.data])

    def test_no_allocation_proportional_to_n(self):
        n = 20_000_000
        big = np.zeros(n, dtype=np.uint8)
        big[::3] = 9
        tracemalloc.start()
        try:
            t = nps.tally(big)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(t.promoters, (n + 2) // 3)
        self.assertLess(peak, 1 << 20)  # far below the 20 MB a copy would take
        # a converted input does allocate (numpy reports to tracemalloc)
        small = np.zeros(1_000_000, dtype=np.int16)
        tracemalloc.start()
        try:
            nps.tally(small)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertGreaterEqual(peak, 8 * 1_000_000)

    def test_output_written_in_place(self):
        # per-customer outputs are fresh numpy arrays the C code wrote into
        ptr, out = _arrays.new_output(4, ctypes.c_uint8)
        self.assertEqual(address(ptr), out.ctypes.data)
        cls, _ = segment.abc(np.array([1.0, 2.0, 50.0, 3.0]))
        self.assertIsInstance(cls, np.ndarray)
        self.assertEqual(cls.dtype, np.uint8)


class TestBufferZeroCopy(unittest.TestCase):
    def test_array_array_shared(self):
        a = array.array("d", [1.0, 2.0, 3.0])
        ptr, n, keep = as_input(a, ctypes.c_double)
        self.assertEqual((address(ptr), n), (a.buffer_info()[0], 3))
        b = array.array("B", [1, 9, 9])
        with Spy(nps, "_tally_u8", 1) as spy:
            nps.tally(b)
        self.assertEqual(spy.seen, [b.buffer_info()[0]])

    def test_bytes_and_bytearray_shared(self):
        raw = bytes([1, 9, 7, 10])
        with Spy(nps, "_tally_u8", 1) as spy:
            t = nps.tally(raw)
        self.assertEqual(spy.seen, [address(ctypes.c_char_p(raw))])
        self.assertEqual((t.detractors, t.passives, t.promoters), (1, 1, 2))
        ba = bytearray(raw)
        with Spy(nps, "_tally_u8", 1) as spy:
            nps.tally(ba)
        self.assertEqual(spy.seen, [ctypes.addressof((ctypes.c_char * 4).from_buffer(ba))])

    def test_list_converted_once(self):
        ptr, n, keep = as_input([1, 2, 3], ctypes.c_double)
        self.assertIsInstance(keep, ctypes.Array)
        self.assertEqual(list(keep), [1.0, 2.0, 3.0])


if __name__ == "__main__":
    unittest.main()
