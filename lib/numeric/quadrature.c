/* SPDX-License-Identifier: MIT */
/*
 * quadrature.c - Gauss-Legendre rules for the Nystrom solutions of the
 * run-length integral equations (lib/consistency/arl_*.c).
 *
 * The nodes are the roots of the Legendre polynomial P_n. Each root is
 * found by Newton's method, with P_n and P_n' from the recurrence
 *   (k+1) P_{k+1}(t) = (2k+1) t P_k(t) - k P_{k-1}(t),
 *   P_n'(t) = n (t P_n(t) - P_{n-1}(t)) / (t^2 - 1),
 * started from cos(pi (i - 1/4) / (n + 1/2)) (Tricomi), which lies close
 * enough for quadratic convergence from the first step. The weights are
 * 2 / ((1 - t^2) P_n'(t)^2). Only half the roots are computed: the rule is
 * symmetric about 0.
 */
#include "numeric/quadrature.h"

#define PI 3.14159265358979323846

/* P_n(t) and P_n'(t). */
static void
legendre(double t, size_t n, double *p, double *dp)
{
    double p0 = 1.0, p1 = t;
    size_t k;
    if (n == 0) {
        *p = 1.0;
        *dp = 0.0;
        return;
    }
    for (k = 1; k < n; k++) {
        double p2 = ((double)(2 * k + 1) * t * p1 - (double)k * p0)
                    / (double)(k + 1);
        p0 = p1;
        p1 = p2;
    }
    *p = p1;
    *dp = (double)n * (t * p1 - p0) / (t * t - 1.0);
}

void
loy__gauss_legendre(double *x, double *w, size_t n, double a, double b)
{
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    size_t i, m = (n + 1) / 2;
    for (i = 0; i < m; i++) {
        double t = cos(PI * ((double)i + 0.75) / ((double)n + 0.5));
        double p, dp = 1.0;
        int it;
        for (it = 0; it < 100; it++) {
            double step;
            legendre(t, n, &p, &dp);
            step = p / dp;
            t -= step;
            if (fabs(step) <= 1e-16 * (1.0 + fabs(t)))
                break;
        }
        legendre(t, n, &p, &dp);
        /* t decreases with i: fill from both ends towards the middle. */
        x[i] = mid - half * t;
        x[n - 1 - i] = mid + half * t;
        w[i] = w[n - 1 - i] = 2.0 * half / ((1.0 - t * t) * dp * dp);
    }
    if (n % 2 == 1)
        x[m - 1] = mid; /* the middle root is 0 exactly */
}
