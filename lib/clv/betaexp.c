/* SPDX-License-Identifier: MIT */
/*
 * betaexp.c - E[f(p)] for p ~ Beta(a, b), the mean over the dropout
 * probability behind every BG/NBD expectation when its hypergeometric
 * series is poorly conditioned (large shapes, large r), and behind the
 * infinite-horizon CLV.
 *
 * Three regimes, each with bounded work:
 *  - a, b >= 1e24: the beta is a point mass to working precision (the
 *    relative spread of p and of 1 - p below 1e-12): f at the mean. A
 *    large a + b alone is not enough: Beta(0.5, 1e30) spreads p over
 *    decades, where f (1/p-like) is far from linear.
 *  - a, b >= 1: the density of y = logit(p) is a smooth log-concave bell
 *    (mode ln(a/b), width sqrt(1/a + 1/b)) analytic in the strip
 *    |Im y| < pi, where the trapezoidal rule converges geometrically: the
 *    rule with step h is compared with step h/2 until they agree to 1e-13
 *    (at most 4 halvings, 6000 nodes). The weights are normalised by their
 *    own sum, which removes the error of the normalising constant and of
 *    the log-density (whose terms are of size a + b) to first order, so a
 *    bell a few 1e-12 wide is as accurate as a wide one.
 *  - otherwise (a or b below 1: mass at an end point): tanh-sinh in p,
 *    refined level by level until two levels agree to 1e-13, after
 *    subtracting the linear interpolant of f between the ends that carry
 *    a singular density: the integrand is then O(p^a) there and the mean
 *    of the interpolant is exact. This keeps the result exact to working
 *    precision as a -> 0 (no dropout), where the density's mass sits
 *    below any representable p. The log-density is formed from the
 *    node's abscissa, not from the rounded p and q (b ~ 1e17 puts the
 *    mass where 1 - p rounds to 1). Ten levels (at most ~25000 nodes): a
 *    huge r makes f a step at p ~ alpha/(r t), which needs the finest
 *    two. No agreement: LOY_ENOCONV, never the last sum.
 * f receives p and 1 - p (formed directly, not by subtraction) and must
 * accept the end points p = 0 and p = 1 (its limits there).
 */
#include "clv/bgnbd_internal.h"

#include "numeric/specfun.h"

#define BE_POINT_MASS 1e24
#define BE_TOL 1e-13
#define BE_MAX_NODES 6000
#define BE_TS_EDGE 633.0 /* -ln of the outermost tanh-sinh node's p */
#define BE_TAIL 50.0 /* log-weights below the mode's by this are dropped */

/* Trapezoidal sums of f * w over y = y0 + j h, j in [-J, J]: *all over
 * every node, *even over even j; NaN in *all when too many nodes. */
static void
logit_sums(double a, double b, loy__beta_fn f, void *ctx, double h,
           double *all, double *even)
{
    double y0 = log(a) - log(b), p0 = a / (a + b), ab = a + b;
    double sw = 0.0, swe = 0.0, s = 0.0, se = 0.0;
    int dir, j, nodes = 0;
    for (dir = -1; dir <= 1; dir += 2) {
        for (j = dir < 0 ? 0 : 1;; j++) {
            double d = dir * j * h, y = y0 + d;
            /* log-weight relative to the mode: a d - (a+b) ln(1 + p0 (e^d - 1)) */
            double lw = a * d - ab * log1p(p0 * expm1(d)), w, v;
            if (lw < -BE_TAIL || ++nodes > BE_MAX_NODES)
                break;
            w = exp(lw);
            v = w * f(ctx, 1.0 / (1.0 + exp(-y)), 1.0 / (1.0 + exp(y)));
            sw += w;
            s += v;
            if ((j & 1) == 0) {
                swe += w;
                se += v;
            }
        }
    }
    *all = nodes > BE_MAX_NODES ? (double)NAN : s / sw;
    *even = se / swe;
}

static int
logit_expect(double a, double b, loy__beta_fn f, void *ctx, double *out)
{
    double h = 0.6 * sqrt(1.0 / a + 1.0 / b), all = 0.0, even = 0.0;
    int level;
    for (level = 0; level < 5; level++, h *= 0.5) {
        logit_sums(a, b, f, ctx, h, &all, &even);
        if (!loy__finite(all))
            break;
        if (fabs(all - even) <= BE_TOL * fabs(all)) {
            *out = all;
            return LOY_OK;
        }
    }
    return LOY_ENOCONV;
}

/* ln(1 + e^x) without overflow: -ln p and -ln q of the node at u. */
static double
softplus(double x)
{
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/*
 * Whether the Beta(a, b) mass beyond the outermost node at the end with
 * shape a (p < e^-BE_TS_EDGE, mass about (e^-BE_TS_EDGE b)^a / (a G(a)))
 * can matter at 1e-16: only then is f's value at that end subtracted.
 * Subtracting it elsewhere would trade a singularity the rule handles for
 * a cancellation it cannot: f(0) = r t / alpha can exceed E[f] by 1e9.
 */
static int
end_needs_limit(double a, double b)
{
    return a < 1.0 && a * (BE_TS_EDGE - log(fmax(b, 1.0))) < 40.0;
}

/*
 * tanh-sinh over p of (f - L) times the density, L the interpolant
 * through the ends whose mass the nodes miss (f0 at p = 0, f1 at p = 1,
 * above); *out = E[L] + that.
 */
static int
tanh_sinh_expect(double a, double b, loy__beta_fn f, void *ctx, double *out)
{
    const double hpi = 1.5707963267948966;
    double lbeta = loy__lbeta(a, b), h = 0.25, sum = 0.0, prev = 0.0;
    double f0 = 0.0, f1 = 0.0, mean = 0.0;
    int level, converged = 0, at0 = end_needs_limit(a, b);
    int at1 = end_needs_limit(b, a), use_l = at0 || at1;
    if (at0)
        f0 = f(ctx, 0.0, 1.0);
    if (at1)
        f1 = f(ctx, 1.0, 0.0);
    if (!at0)
        f0 = f1; /* one end: L is the constant f there */
    if (!at1)
        f1 = f0;
    if (use_l)
        mean = f0 * (b / (a + b)) + f1 * (a / (a + b));
    for (level = 0; level < 10; level++, h *= 0.5) {
        double s, acc = 0.0;
        for (s = -6.0; s <= 6.0; s += h) {
            double u = hpi * sinh(s), ch = cosh(u), w, p, q, v, ld;
            if (level > 0 && fmod(fabs(s) / h, 2.0) < 0.5)
                continue; /* node of a coarser level, already summed */
            w = hpi * cosh(s) / (ch * ch) * 0.5;
            p = 1.0 / (1.0 + exp(-2.0 * u));
            q = 1.0 / (1.0 + exp(2.0 * u));
            if (!(p > 0.0 && q > 0.0))
                continue;
            v = f(ctx, p, q);
            if (use_l)
                v -= f0 * q + f1 * p;
            /* ln p and ln q from u, not from the rounded p and q: q = 1
             * - p rounds to 1 below p = 1e-16, where (b - 1) ln q still
             * matters when b is huge (the mass sits at p ~ a/b) */
            ld = -(a - 1.0) * softplus(-2.0 * u)
                 - (b - 1.0) * softplus(2.0 * u) - lbeta;
            /* the node's weight times the density first: each can be far
             * from 1 (w ~ p near p = 0, the density ~ 1/p), their product
             * is not; w times a small f first underflowed (f ~ 1e-175 at
             * a node where w ~ 1e-134 gave a subnormal sum that never
             * settled: LOY_ENOCONV for a computable CLV) */
            acc += v * (w * exp(ld));
        }
        sum = level == 0 ? acc * h : 0.5 * sum + acc * h;
        if (level > 2 && fabs(sum - prev) <= BE_TOL * fabs(sum + mean)) {
            converged = 1;
            break;
        }
        prev = sum;
    }
    *out = mean + sum;
    return converged && loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
}

int
loy__beta_expect(double a, double b, loy__beta_fn f, void *ctx, double *out)
{
    if (a >= BE_POINT_MASS && b >= BE_POINT_MASS) {
        *out = f(ctx, a / (a + b), b / (a + b));
        return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
    }
    if (a >= 1.0 && b >= 1.0 && logit_expect(a, b, f, ctx, out) == LOY_OK)
        return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
    return tanh_sinh_expect(a, b, f, ctx, out);
}
