/* SPDX-License-Identifier: MIT */
/*
 * specfun.h - special functions shared by the lifetime models (internal).
 *
 * Accuracy and method of each function are documented in specfun.c and
 * tested in tests/test_specfun.c against brute-force sums, quadrature and
 * recurrences.
 */
#ifndef LOY_SPECFUN_H
#define LOY_SPECFUN_H

#include "core/internal.h"

/* ln Gamma(x) for x > 0, thread-safe (no signgam). */
double loy__lgamma(double x);

/* Portable ln Gamma (used when lgamma_r is unavailable; also a test
 * oracle). */
double loy__lgamma_portable(double x);

/* ln Gamma(x + d) - ln Gamma(x) for x > 0, x + d > 0, accurate also when
 * x is large (no cancellation of two big lgammas). */
double loy__lgamma_diff(double x, double d);

/* ln Gamma(x + d) - ln Gamma(x) - d ln x for x > 0, d >= 0: the log of
 * the rising factorial (x)_d / x^d, accurate (absolute error ~ d eps) for
 * any x up to 1e300, where x^d and (x)_d agree to many digits. */
double loy__lgamma_diff_scaled(double x, double d);

/* ln B(a, b) for a, b > 0 (accurate also for large a, b). */
double loy__lbeta(double a, double b);

/* digamma psi(x) for x > 0. */
double loy__digamma(double x);

/* Log-sum-exp ln(e^u + e^v), with -inf handled (LSE(-inf, v) = v). */
double loy__lse(double u, double v);

/* ln(e^u - e^v) for u > v (LDE). Returns -inf when u == v. */
double loy__lde(double u, double v);

/* 1 / (1 + e^u), evaluated without overflow. */
double loy__expit_neg(double u);

/*
 * Gauss hypergeometric 2F1(a, b; c; z) for real parameters, z in [0, 1),
 * c not 0 or a negative integer. Evaluated as a series in log scale with an
 * iteration cap: *out receives ln|2F1| and *sign its sign (+1/-1).
 * Returns LOY_OK, LOY_EDOMAIN for bad arguments, LOY_ENOCONV when the
 * cap is reached.
 */
#define LOY__HYP2F1_MAX_TERMS 2000000.0 /* series iteration cap */

int loy__log_hyp2f1(double a, double b, double c, double z,
                    double *out, int *sign);

/* 2F1 as a plain value (overflow reported as LOY_ENOCONV). */
int loy__hyp2f1(double a, double b, double c, double z, double *out);

/*
 * Upper incomplete gamma Gamma(a, z) for any real a and z > 0 (for a <= 0
 * by downward recurrence from (0, 1) or from E1(z)). Returns the value in
 * log scale with sign, since Gamma(a, z) can be negative for non-integer
 * a < 0 ... (see specfun.c); *out = ln|Gamma(a,z)|.
 */
int loy__log_gamma_upper(double a, double z, double *out, int *sign);

/*
 * e^z z^-a Gamma(a, z) for any real a and z > 0, without forming e^z or
 * Gamma(a, z) (which overflow or cancel for large z): the continued
 * fraction gives it directly. It behaves as (1 + (a-1)/z + ...)/z for
 * large z; U(s, s, z) = z^(1-s) e^z Gamma(1-s, z) is z times it at
 * a = 1 - s.
 */
int loy__gamma_upper_scaled(double a, double z, double *out);

/* Regularised incomplete beta I_x(a, b), a, b > 0, x in [0, 1]. */
int loy__betainc(double a, double b, double x, double *out);

#endif /* LOY_SPECFUN_H */
