# SPDX-License-Identifier: MIT
"""High-precision references (mpmath, 40 digits) for the extreme-parameter
regression tests of the lifetime models (tests/test_limits.c). Run with
Debian's python3:  /usr/bin/python3 tests/ref/btyd_ref.py
and paste the printed values; each line names the case it checks."""
import mpmath as mp

mp.mp.dps = 40


def beta_expect(a, b, f):
    """E[f(p)], p ~ Beta(a, b), by quadrature split around the bulk."""
    a, b = mp.mpf(a), mp.mpf(b)
    lb = mp.log(mp.beta(a, b))
    dens = lambda p: mp.exp((a - 1) * mp.log(p) + (b - 1) * mp.log1p(-p) - lb)
    if a > 50 and b > 50:
        m = a / (a + b)
        sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        pts = [max(m - 60 * sd, mp.mpf(0)), m - 10 * sd, m - 3 * sd, m, m + 3 * sd,
               m + 10 * sd, min(m + 60 * sd, mp.mpf(1))]
        return mp.quad(lambda p: f(p) * dens(p), pts)
    # each half with p = u^(1/a) (resp. 1 - p = v^(1/b)), which removes
    # the end-point singularity of the density; f may still vary fast
    # near the ends, hence the geometric break points
    half = mp.mpf(1) / 2
    pts_a = [0] + [half ** a * mp.mpf(10) ** (-k) for k in range(30, 0, -1)] + [half ** a]
    pts_b = [0] + [half ** b * mp.mpf(10) ** (-k) for k in range(30, 0, -1)] + [half ** b]
    lo = mp.quad(lambda u: f(u ** (1 / a)) * (1 - u ** (1 / a)) ** (b - 1), pts_a) / a
    hi = mp.quad(lambda v: f(1 - v ** (1 / b)) * (1 - v ** (1 / b)) ** (a - 1), pts_b) / b
    return (lo + hi) / mp.beta(a, b)


def bg_enew(r, al, a, b, t):
    r, al, t = mp.mpf(r), mp.mpf(al), mp.mpf(t)
    return beta_expect(a, b, lambda p: -mp.expm1(-r * mp.log1p(p * t / al)) / p)


def bg_loglik(r, al, a, b, x, tx, T):
    r, al, a, b, x, tx, T = map(mp.mpf, (r, al, a, b, x, tx, T))
    lb = lambda u, v: mp.log(mp.beta(u, v))
    head = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al)
    t1 = lb(a, b + x) - lb(a, b) - (r + x) * mp.log(al + T)
    if x == 0:
        return head + t1
    t2 = lb(a + 1, b + x - 1) - lb(a, b) - (r + x) * mp.log(al + tx)
    return head + mp.log(mp.exp(t1) + mp.exp(t2))


def bg_palive(r, al, a, b, x, tx, T):
    r, al, a, b, x, tx, T = map(mp.mpf, (r, al, a, b, x, tx, T))
    if x == 0:
        return mp.mpf(1)
    u = mp.log(a) - mp.log(b + x - 1) + (r + x) * (mp.log(al + T) - mp.log(al + tx))
    return 1 / (1 + mp.exp(u))


def bg_cet(r, al, a, b, x, tx, T, t):
    return bg_palive(r, al, a, b, x, tx, T) * bg_enew(mp.mpf(r) + x, mp.mpf(al) + T, a,
                                                     mp.mpf(b) + x, t)


def pnbd_loglik(r, al, s, be, x, tx, T):
    """Pareto/NBD ln L by its defining integral over the time of death."""
    r, al, s, be, x, tx, T = map(mp.mpf, (r, al, s, be, x, tx, T))
    head = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be)
    alive = -(r + x) * mp.log(al + T) - s * mp.log(be + T)
    if tx == T:
        return head + alive
    f = lambda u: s * mp.exp(-(r + x) * mp.log(al + u) - (s + 1) * mp.log(be + u) - alive)
    D = T - tx
    pts = [tx] + [tx + D * mp.mpf(10) ** (-k) for k in range(12, 0, -1)] + [T]
    return head + alive + mp.log1p(mp.quad(f, pts))


def poisson_loglik(lam, x, T):
    lam, x, T = mp.mpf(lam), mp.mpf(x), mp.mpf(T)
    return x * mp.log(lam) - lam * T


def rf(a, n):
    """Rising factorial (a)_n for a whole n by its product (mpmath's rf
    returns 1 for a = 1e200)."""
    return mp.fprod([a + j for j in range(int(n))]) if n > 0 else mp.mpf(1)


def bgbb_lnl(al, be, ga, de, x, tx, n):
    """Beta ratios as rising factorials (exact for huge parameters)."""
    al, be, ga, de = map(mp.mpf, (al, be, ga, de))
    A = lambda xx, m: rf(al, xx) * rf(be, m) / rf(al + be, xx + m)
    G = lambda m: rf(de, m) / rf(ga + de, m)
    G1 = lambda m: ga * rf(de, m) / rf(ga + de, m + 1)
    terms = [A(x, n - x) * G(n)]
    for i in range(0, n - tx):
        terms.append(A(x, tx - x + i) * G1(tx + i))
    return mp.log(mp.fsum(terms))


def bgbb_cet(al, be, ga, de, x, tx, n, nstar):
    al, be, ga, de = map(mp.mpf, (al, be, ga, de))
    ll = bgbb_lnl(al, be, ga, de, x, tx, n)
    A = rf(al, x + 1) * rf(be, n - x) / rf(al + be, n + 1)
    s = mp.fsum(rf(de, n + k) / rf(ga + de, n + k) for k in range(1, nstar + 1))
    return A * s / mp.exp(ll)


def bg_clv_finite(r, al, a, b, x, tx, T, delta, H):
    """integral_0^H e^(-delta t) dCET(t): P(alive) E_p[int (k/B)(1+pt/B)^-(k+1) e^-dt dt]"""
    r, al, a, b, x, tx, T, delta, H = map(mp.mpf, (r, al, a, b, x, tx, T, delta, H))
    k, B = r + x, al + T
    pa = bg_palive(r, al, a, b, x, tx, T)

    def inner(p):
        # int_0^H e^(-delta t) (k/B)(1 + p t/B)^-(k+1) dt in closed form:
        # (k/p) e^w w^k [Gamma(-k, w) - Gamma(-k, w (1 + p H/B))], w = delta B/p
        w = delta * B / p
        if H == mp.inf:  # e^w w^k Gamma(-k, w) = int_0^inf (1+u)^-(k+1) e^(-w u) du
            g = lambda u: mp.exp(-(k + 1) * mp.log1p(u) - w * u)
            return k / p * mp.quad(g, [0, 1 / k, 10 / k, 100 / k, 1, mp.inf])
        up = mp.gammainc(-k, w) - mp.gammainc(-k, w * (1 + p * H / B))
        return k / p * mp.exp(w + k * mp.log(w)) * up
    return pa * beta_expect(a, b + x, inner)


class _Out(list):
    """Prints each case as soon as it is computed."""
    def append(self, item):
        print('%-55s %s' % (item[0], mp.nstr(item[1], 20)), flush=True)


if __name__ == '__main__':
    out = _Out()
    out.append(('bg_enew r80 a1 a2 b0.1 t100', bg_enew(80, 1, 2, 0.1, 100)))
    out.append(('bg_enew r100 al100 a2 b5 t1000', bg_enew(100, 100, 2, 5, 1000)))
    out.append(('bg_cet r100 al100 a2 b5 x3 tx20 T30 t1000',
                bg_cet(100, 100, 2, 5, 3, 20, 30, 1000)))
    out.append(('bg_enew r0.5 al5 a5.7e8 b1e9 t52', bg_enew(0.5, 5, 5.7e8, 1.0e9, 52)))
    out.append(('bg_cet r0.5 al5 a5.7e8 b1e9 x4 tx30 T50 t52',
                bg_cet(0.5, 5, 5.7e8, 1.0e9, 4, 30, 50, 52)))
    for e in (12, 14, 16, 20):
        r = mp.mpf(10) ** e
        lam = mp.mpf('0.37')
        out.append(('bg_loglik r1e%d al=r/0.37 a0.5 b2 x7 tx13.5 T20' % e,
                    bg_loglik(r, r / lam, 0.5, 2, 7, 13.5, 20)))
    out.append(('bgbb_lnl gamma1e200 (1.2,0.75,1e200,2.8) x3 tx5 n6',
                bgbb_lnl(1.2, 0.75, mp.mpf('1e200'), 2.8, 3, 5, 6)))
    out.append(('bgbb_cet (0.5,2,260,0.01) x=tx=n=2000 n*=18',
                bgbb_cet(0.5, 2, 260, 0.01, 2000, 2000, 2000, 18)))
    out.append(('pnbd_loglik (0.5,1e9,0.5,1e-3) x2 tx5 T30',
                pnbd_loglik(0.5, 1e9, 0.5, 1e-3, 2, 5, 30)))
    for e in (8, 12, 16, 20):
        r = mp.mpf(10) ** e
        out.append(('pnbd_loglik r1e%d al=r/0.37 s0.6 be12 x7 tx13.5 T20' % e,
                    pnbd_loglik(r, r / mp.mpf('0.37'), 0.6, 12, 7, 13.5, 20)))
        out.append(('pnbd_loglik (0.55,10.6) s1e%d be=s/0.05 x7 tx13.5 T20' % e,
                    pnbd_loglik(0.55, 10.6, r, r / mp.mpf('0.05'), 7, 13.5, 20)))
    d = mp.log(mp.mpf('1.1')) / 52
    out.append(('bg_clv r100 al100 a2 b5 x3 tx20 T30 delta=ln1.1/52 H520',
                bg_clv_finite(100, 100, 2, 5, 3, 20, 30, d, 520)))
    out.append(('bg_clv cdnow x1e5 tx39 T39 delta=ln1.1/52 H=inf',
                bg_clv_finite(0.243, 4.414, 0.793, 2.426, 100000, 39, 39, d, mp.inf)))
