# SPDX-License-Identifier: MIT
"""The raw ctypes layer of the consistency module: the struct mirrors have
the C layout (defaults read back through the *_init functions, outputs
land in the right arrays) and a few published values come through."""

import ctypes
import unittest

from loyalty import _consistency_ffi as ffi


def doubles(n, fill=-1.0):
    return (ctypes.c_double * n)(*([fill] * n))


class TestConsistencyFFI(unittest.TestCase):
    def test_option_defaults(self):
        o = ffi.FunnelOptions()
        self.assertEqual(ffi.funnel_options_init(ctypes.byref(o)), 0)
        self.assertEqual(o.struct_size, ctypes.sizeof(ffi.FunnelOptions))
        self.assertEqual(list(o.levels), [0.95, 0.998])
        self.assertAlmostEqual(o.winsor, 0.1)
        self.assertAlmostEqual(o.alpha, 0.05)
        c = ffi.ChartOptions()
        self.assertEqual(ffi.chart_options_init(ctypes.byref(c)), 0)
        self.assertEqual((c.limit, c.ewma_lambda, c.ewma_limit, c.cusum_k,
                          c.cusum_h), (3.0, 0.2, 3.0, 0.5, 5.0))
        a = ffi.ArlOptions()
        self.assertEqual(ffi.arl_options_init(ctypes.byref(a)), 0)
        self.assertEqual(a.struct_size, ctypes.sizeof(ffi.ArlOptions))

    def test_arl(self):
        v = ctypes.c_double()
        self.assertEqual(ffi.arl_cusum(ctypes.byref(v), 0.5, 4.0, 0.0,
                                       ffi.ARL_TWO_SIDED, None), 0)
        self.assertAlmostEqual(v.value, 167.683788814, places=8)
        self.assertEqual(ffi.arl_ewma_limit(ctypes.byref(v), 0.1,
                                            368.993733980588,
                                            ffi.ARL_TWO_SIDED, None), 0)
        self.assertAlmostEqual(v.value, 2.7, places=9)
        self.assertEqual(ffi.arl_ewma(ctypes.byref(v), 0.0, 3.0, 0.0, 0, None),
                         -5)  # LOY_EDOMAIN

    def test_funnel_outputs(self):
        counts = (ctypes.c_uint64 * 9)(20, 30, 50, 0, 0, 0, 50, 30, 20)
        r = ffi.FunnelResult.new()
        z, flags = doubles(3), (ctypes.c_uint32 * 3)()
        u = ffi.FunnelUnits.new(z=z, flags=flags)
        self.assertEqual(ffi.funnel_compute(ctypes.byref(r), ctypes.byref(u),
                                            counts, 3, 3, None, None), 0)
        self.assertEqual(r.n_used, 2)
        self.assertAlmostEqual(r.target, 0.0)
        self.assertEqual(flags[1], ffi.FUNNEL_EMPTY)
        self.assertEqual(z[1], -1.0)  # not written
        self.assertAlmostEqual(z[0], -z[2])

    def test_chart_outputs(self):
        t = 30
        counts = (ctypes.c_uint64 * (3 * t))()
        for i in range(t):
            counts[3 * i: 3 * i + 3] = [20, 30, 50] if i < 20 else [45, 30, 25]
        codes = (ctypes.c_uint32 * t)()
        first = (ctypes.c_size_t * 1)()
        p = ffi.ChartPoints.new(codes=codes)
        u = ffi.ChartUnits.new(first_cusum=first)
        o = ffi.ChartOptions.new()
        ffi.chart_options_init(ctypes.byref(o))
        o.baseline_length = 20
        o.target = ffi.CHART_TARGET_FIXED
        o.target_promoters, o.target_detractors = 0.5, 0.2
        self.assertEqual(ffi.chart_compute(ctypes.byref(u), ctypes.byref(p),
                                           counts, 1, t, 3, ctypes.byref(o),
                                           None), 0)
        self.assertEqual(first[0], 20)
        self.assertTrue(codes[20] & ffi.SIGNAL_CUSUM_LOW)
        self.assertTrue(codes[0] & ffi.SIGNAL_BASELINE)


if __name__ == "__main__":
    unittest.main()
