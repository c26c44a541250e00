# SPDX-License-Identifier: MIT
"""numpy baseline of the purchase-log summary (MODELS.md section 5).

Usage: rfm_numpy.py LOG OUT OBS_END PERIOD_LENGTH PERIOD_ORIGIN FREQ_MULT REPS

LOG holds n rows as three raw arrays back to back: uint64 ids, int64 times,
float64 amounts (n = size / 24). The summary (daily or any period, without
a calibration split) is computed with a lexsort on (id, period) -- the way
pandas-free numpy code does it -- REPS times; the best time in seconds is
printed first on stdout. The result is written to OUT as raw arrays:
uint64 ids, then float64 x, t_x, T, monetary, so that the C benchmark can
check that both computed the same thing.
"""
import sys
import time

import numpy as np


def summary(ids, t, v, obs_end, length, origin, fm):
    p = (t - origin) // length
    obs_p = (obs_end - origin) // length
    keep = p <= obs_p
    ids, p, v = ids[keep], p[keep], v[keep]
    order = np.lexsort((p, ids))
    ids, p, v = ids[order], p[order], v[order]
    # merge rows of the same (customer, period)
    new = np.empty(len(ids), dtype=bool)
    new[0] = True
    new[1:] = (ids[1:] != ids[:-1]) | (p[1:] != p[:-1])
    starts = np.flatnonzero(new)
    vsum = np.add.reduceat(v, starts)
    gid, gp = ids[starts], p[starts]
    # per customer
    cnew = np.empty(len(gid), dtype=bool)
    cnew[0] = True
    cnew[1:] = gid[1:] != gid[:-1]
    cstarts = np.flatnonzero(cnew)
    cends = np.append(cstarts[1:], len(gid))
    k = cends - cstarts
    first = gp[cstarts]
    last = gp[cends - 1]
    rep = np.add.reduceat(vsum, cstarts) - vsum[cstarts]
    x = (k - 1).astype(np.float64)
    mon = np.where(k > 1, rep / np.maximum(k - 1, 1), 0.0)
    return (gid[cstarts], x, (last - first) / fm, (obs_p - first) / fm, mon)


def main():
    path, out = sys.argv[1], sys.argv[2]
    obs_end, length, origin = (int(a) for a in sys.argv[3:6])
    fm = float(sys.argv[6])
    reps = int(sys.argv[7])
    raw = np.fromfile(path, dtype=np.uint8)
    n = raw.size // 24
    ids = raw[: 8 * n].view(np.uint64)
    t = raw[8 * n: 16 * n].view(np.int64)
    v = raw[16 * n: 24 * n].view(np.float64)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        res = summary(ids, t, v, obs_end, length, origin, fm)
        best = min(best, time.perf_counter() - t0)
    print(best)
    with open(out, "wb") as f:
        for a in res:
            a.tofile(f)


if __name__ == "__main__":
    main()
