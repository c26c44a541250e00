/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_hode.c - the BG/NBD CET's bracket B(z) expanded about a point z0
 * far from 0, for the batch tables' Taylor buckets (bgnbd_batch.c).
 *
 * E_new = C B(z), B = phi(z) - (1-z)^e H(z), e = a - 1,
 * phi = -expm1(e ln(1-z))/e, H = sum_{k>=1} G_k z^k (bgnbd.c). The
 * tables expand B about bucket centres from its power series at 0, which
 * needs z^k to vanish within the K tabulated terms: z up to about 0.8.
 * Customers with a short history and a long horizon have z nearer 1
 * (z = t/(alpha + T + t)), and each of them then took the per-customer
 * series of thousands of terms, or quadrature: ten to a thousand times
 * the time of a batch. Here H and H' at z0 come from the power series
 * summed as far as it needs (one sum per batch and x, not per customer),
 * and the Taylor coefficients of H about z0 from the ODE it satisfies.
 * F = 1 + e H is Gauss's 2F1(A, e; C; z), so
 *   z(1-z) H'' + [C - (A + a) z] H' - A e H = A,
 * and with h = z - z0, H = sum_n H_n h^n:
 *   H_(n+2) = [A [n = 0] - (p1 n + q0)(n+1) H_(n+1)
 *              - (q1 n - n(n-1) - A e) H_n] / (p0 (n+2)(n+1)),
 *   p0 = z0 (1 - z0), p1 = 1 - 2 z0, q0 = C - (A + a) z0, q1 = -(A + a).
 * No division by e anywhere, so a = 1 needs no special case.
 * test_bgnbd.c holds the tables built this way to the per-customer
 * series (to 1e-13, where that series is accurate).
 */
#include "clv/bgnbd_internal.h"

/* Terms past the table: the power series at z0 = 1 - 1e-4 needs about
 * 4e5 (z^k below 1e-17); beyond, the caller keeps the slow path. */
#define HODE_MAX_TERMS 1000000u
#define HODE_TOL 1e-17

int
loy__bg_h_direct(double A, double a, double C, double z, const double *G,
                 size_t K, double *H, double *dH)
{
    double s = 0.0, ds = 0.0, g = 0.0, zk = 1.0; /* zk = z^(k-1) */
    double tol = HODE_TOL * (1.0 - z) * (1.0 - z), sz = sqrt(z);
    size_t k;
    for (k = 1; k <= HODE_MAX_TERMS; k++) {
        double kk = (double)k, term, dterm;
        g = k <= K ? G[k]
                   : g * (A + kk - 1.0) * (a + kk - 2.0)
                         / ((C + kk - 1.0) * kk);
        dterm = kk * g * zk;
        zk *= z;
        term = g * zk;
        s += term;
        ds += dterm;
        /* the terms keep one sign after the first (A > -1); once the
         * term ratio is below sqrt(z), and falling (it tends to z), the
         * tails of H and H' are below 2/(1-z)^2 times the last terms */
        if (k >= 8 && fabs(term) <= tol * fabs(s)
            && fabs(dterm) <= tol * fabs(ds)
            && (A + kk) * (a + kk - 1.0) * z * (kk + 2.0)
                   <= sz * (C + kk) * (kk + 1.0) * (kk + 1.0))
            break;
    }
    if (k > HODE_MAX_TERMS || !loy__finite(s) || !loy__finite(ds))
        return LOY_ENOCONV;
    *H = s;
    *dH = ds;
    return LOY_OK;
}

void
loy__bg_h_taylor(double A, double a, double C, double z0, double H,
                 double dH, size_t n, double *h)
{
    double e = a - 1.0, p0 = z0 * (1.0 - z0), p1 = 1.0 - 2.0 * z0;
    double q0 = C - (A + a) * z0, q1 = -(A + a);
    size_t k;
    h[0] = H;
    if (n > 1)
        h[1] = dH;
    for (k = 0; k + 2 < n; k++) {
        double kk = (double)k;
        double r = (k == 0 ? A : 0.0) - (p1 * kk + q0) * (kk + 1.0) * h[k + 1]
                   - (q1 * kk - kk * (kk - 1.0) - A * e) * h[k];
        h[k + 2] = r / (p0 * (kk + 2.0) * (kk + 1.0));
    }
}

double
loy__bg_bracket_at(double a, double z0, const double *h, size_t m, double *b)
{
    double e = a - 1.0, v = 1.0 - z0, L = log1p(-z0), w = exp(e * L);
    double phi0 = e == 0.0 ? -L : -expm1(e * L) / e;
    double psi[64], phi, vi = 1.0 / v;
    size_t n, k;
    if (m > 64)
        m = 64;
    /* B_n = phi_n - v^e sum_k psi_k v^-k H_(n-k): phi_n = v^(e-n)
     * (1-e)_(n-1)/n! (n >= 1) and psi_k = (-e)_k/k!, the coefficients
     * of (1 - z)^e = v^e (1 - h/v)^e */
    b[0] = phi0 - w * h[0];
    psi[0] = 1.0;
    phi = w;
    for (n = 1; n < m; n++) {
        double nn = (double)n, conv = 0.0, vk = 1.0;
        psi[n] = psi[n - 1] * (nn - 1.0 - e) / nn;
        phi *= (n == 1 ? 1.0 : (nn - 1.0 - e) / nn) * vi;
        for (k = 0; k <= n; k++) {
            conv += psi[k] * vk * h[n - k];
            vk *= vi;
        }
        b[n] = phi - w * conv;
    }
    return fabs(b[0]) > 0.0 ? (fabs(phi0) + w * fabs(h[0])) / fabs(b[0])
                            : (double)INFINITY;
}
