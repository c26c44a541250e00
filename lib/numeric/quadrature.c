/* SPDX-License-Identifier: MIT */
/*
 * quadrature.c - Gauss-Legendre rules for the Nystrom solutions of the
 * run-length integral equations (lib/consistency/arl_*.c).
 *
 * The nodes are the roots of the Legendre polynomial P_n, found by
 * Newton's method on the three-term recurrence
 *   P_{k+1}(t) = ((2k+1) t P_k(t) - k P_{k-1}(t)) / (k+1),
 *   P_n'(t) = n (t P_n(t) - P_{n-1}(t)) / (t^2 - 1),
 * started from Tricomi's approximation
 *   t_i = (1 - (n-1)/(8n^3)) cos(pi (i - 1/4) / (n + 1/2)),
 * which is within O(n^-4) of the root, so that two or three quadratic
 * steps reach double precision. The weights are 2 / ((1 - t^2) P_n'(t)^2).
 * Only half the roots are computed (the rule is symmetric), and they are
 * stepped together, GROUP at a time: the recurrence is one long chain of
 * dependent multiplications per root, and independent roots side by side
 * keep the floating-point units busy (the ARL's cost was dominated by this
 * before).
 */
#include "numeric/quadrature.h"

#define PI 3.14159265358979323846
#define GROUP 8

/* P_n and P_{n-1} at the m <= GROUP points t. */
static void
legendre_group(const double *t, size_t m, size_t n, double *pn, double *pn1)
{
    double p0[GROUP], p1[GROUP];
    size_t k, r;
    for (r = 0; r < m; r++) {
        p0[r] = 1.0;
        p1[r] = t[r];
    }
    for (k = 1; k < n; k++) {
        const double a = (double)(2 * k + 1) / (double)(k + 1);
        const double b = (double)k / (double)(k + 1);
        for (r = 0; r < m; r++) {
            double p2 = a * t[r] * p1[r] - b * p0[r];
            p0[r] = p1[r];
            p1[r] = p2;
        }
    }
    for (r = 0; r < m; r++) {
        pn[r] = n == 0 ? 1.0 : p1[r];
        pn1[r] = n == 0 ? 0.0 : p0[r];
    }
}

/* Roots i0 .. i0+m-1 (largest first) to full precision; their weights. */
static void
roots_group(double *t, double *w, size_t i0, size_t m, size_t n)
{
    const double nd = (double)n;
    const double shrink = 1.0 - (nd - 1.0) / (8.0 * nd * nd * nd);
    double pn[GROUP], pn1[GROUP];
    size_t r;
    int it, done = 0;
    for (r = 0; r < m; r++)
        t[r] = shrink * cos(PI * ((double)(i0 + r) + 0.75) / (nd + 0.5));
    for (it = 0; it < 20 && !done; it++) {
        legendre_group(t, m, n, pn, pn1);
        done = 1;
        for (r = 0; r < m; r++) {
            double dp = nd * (t[r] * pn[r] - pn1[r]) / (t[r] * t[r] - 1.0);
            double step = pn[r] / dp;
            t[r] -= step;
            if (fabs(step) > 1e-15 * (1.0 + fabs(t[r])))
                done = 0;
        }
    }
    legendre_group(t, m, n, pn, pn1);
    for (r = 0; r < m; r++) {
        double dp = nd * (t[r] * pn[r] - pn1[r]) / (t[r] * t[r] - 1.0);
        w[r] = 2.0 / ((1.0 - t[r] * t[r]) * dp * dp);
    }
}

void
loy__gauss_legendre(double *x, double *w, size_t n, double a, double b)
{
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    size_t i, m = (n + 1) / 2;
    for (i = 0; i < m; i += GROUP) {
        double t[GROUP], wt[GROUP];
        size_t r, g = m - i < GROUP ? m - i : GROUP;
        roots_group(t, wt, i, g, n);
        for (r = 0; r < g; r++) {
            /* t decreases with i: fill from both ends towards the middle. */
            x[i + r] = mid - half * t[r];
            x[n - 1 - i - r] = mid + half * t[r];
            w[i + r] = w[n - 1 - i - r] = half * wt[r];
        }
    }
    if (n % 2 == 1)
        x[m - 1] = mid; /* the middle root is 0 exactly */
}
