# SPDX-License-Identifier: MIT
"""Baseline for bench_specfun: scipy.special on the same arguments.

Usage: specfun_numpy.py <function> <n>; prints the best-of-5 seconds.
"""
import sys
import time

import numpy as np
from scipy import special


def args(name, n):
    u = (np.arange(n) + 0.5) / n
    if name == "hyp2f1":
        big_a = 0.5 + 300.0 * u
        return (np.ones(n), big_a + 1.0 - 1.6, big_a + 1.0, 0.95 * u)
    if name == "gammaupper":
        return (0.05 + 0.9 * u, 0.01 + 2.0 * u)
    if name == "betainc":
        return (0.5 + 10.0 * u, 2.0 + 5.0 * u, 0.05 + 0.9 * u)
    return (0.1 + 100.0 * u,)


def run(name, a):
    if name == "hyp2f1":
        return np.log(special.hyp2f1(*a))
    if name == "gammaupper":
        return np.log(special.gammaincc(a[0], a[1])) + special.gammaln(a[0])
    if name == "betainc":
        return special.betainc(*a)
    return special.gammaln(a[0])


def main():
    name, n = sys.argv[1], int(sys.argv[2])
    a = args(name, n)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        run(name, a)
        best = min(best, time.perf_counter() - t0)
    print(best)


main()
