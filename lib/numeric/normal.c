/* SPDX-License-Identifier: MIT */
/*
 * normal.c - the standard normal distribution function and its quantile.
 *
 * The CDF goes through erfc so that the far lower tail keeps its relative
 * accuracy; the quantile is Wichura's AS241 (PPND16): a rational
 * approximation in three regions (centre, tail, far tail) with relative
 * error about 1e-16. The coefficients are the published ones of the paper.
 */
#include "core/internal.h"
#include "numeric/normal.h"

/* 1/sqrt(2); M_SQRT1_2 is not ISO C. */
#define LOY__SQRT1_2 0.70710678118654752440

/* Horner evaluation of a degree-7 polynomial c[0] + c[1] x + ... */
static double
poly7(const double *c, double x)
{
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x
             + c[2]) * x + c[1]) * x + c[0];
}

/* Central region |p - 0.5| <= 0.425: ratio of polynomials in r = q^2. */
static double
ppnd_central(double q)
{
    static const double a[8] = {
        3.3871328727963666080e0, 1.3314166789178437745e+2,
        1.9715909503065514427e+3, 1.3731693765509461125e+4,
        4.5921953931549871457e+4, 6.7265770927008700853e+4,
        3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[8] = {
        1.0, 4.2313330701600911252e+1,
        6.8718700749205790830e+2, 5.3941960214247511077e+3,
        2.1213794301586595867e+4, 3.9307895800092710610e+4,
        2.8729085735721942674e+4, 5.2264952788528545610e+3};
    double r = 0.180625 - q * q;
    return q * poly7(a, r) / poly7(b, r);
}

/* Tails: r = sqrt(-ln(min(p, 1-p))), two fits split at r = 5. */
static double
ppnd_tail(double r)
{
    static const double c[8] = {
        1.42343711074968357734e0, 4.63033784615654529590e0,
        5.76949722146069140550e0, 3.64784832476320460504e0,
        1.27045825245236838258e0, 2.41780725177450611770e-1,
        2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {
        1.0, 2.05319162663775882187e0,
        1.67638483018380384940e0, 6.89767334985100004550e-1,
        1.48103976427480074590e-1, 1.51986665636164571966e-2,
        5.47593808499534494600e-4, 1.05075007164441684324e-9};
    static const double e[8] = {
        6.65790464350110377720e0, 5.46378491116411436990e0,
        1.78482653991729133580e0, 2.96560571828504891230e-1,
        2.65321895265761230930e-2, 1.24266094738807843860e-3,
        2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {
        1.0, 5.99832206555887937690e-1,
        1.36929880922735805310e-1, 1.48753612908506148525e-2,
        7.86869131145613259100e-4, 1.84631831751005468180e-5,
        1.42151175831644588870e-7, 2.04426310338993978564e-15};
    if (r <= 5.0) {
        r -= 1.6;
        return poly7(c, r) / poly7(d, r);
    }
    r -= 5.0;
    return poly7(e, r) / poly7(f, r);
}

double
loy__normal_quantile(double p)
{
    double q = p - 0.5, x;
    if (fabs(q) <= 0.425)
        return ppnd_central(q);
    x = ppnd_tail(sqrt(-log(q < 0.0 ? p : 1.0 - p)));
    return q < 0.0 ? -x : x;
}

double
loy__normal_cdf(double x)
{
    return 0.5 * erfc(-x * LOY__SQRT1_2);
}

double
loy__normal_sf(double x)
{
    return 0.5 * erfc(x * LOY__SQRT1_2);
}

int
loy__normal_crit(double *z, double level)
{
    LOY__REQUIRE(!isnan(level), LOY_ENONFINITE);
    LOY__REQUIRE(level > 0.0 && level < 1.0, LOY_EDOMAIN);
    /* (1 + level)/2 is exact enough; the upper quantile is the symmetric
     * image of the lower one, which AS241 computes without cancellation. */
    *z = -loy__normal_quantile(0.5 * (1.0 - level));
    return LOY_OK;
}

int
loy_normal_cdf(double *out, double x)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__finite(x), LOY_ENONFINITE);
    *out = loy__normal_cdf(x);
    return LOY_OK;
}

int
loy_normal_quantile(double *out, double p)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__REQUIRE(!isnan(p), LOY_ENONFINITE);
    LOY__REQUIRE(p > 0.0 && p < 1.0, LOY_EDOMAIN);
    *out = loy__normal_quantile(p);
    return LOY_OK;
}
