/* SPDX-License-Identifier: MIT */
/*
 * trinomial.c - the exact distribution of X = P - D when n answers fall
 * into (D, A, P) with probabilities (d0, a0, p0): exact funnel tails and
 * exact funnel limits.
 *
 * With h_j = P(X = j - n), j = 0..2n, the generating function is
 * z^n E[z^X] = (d0 + a0 z + p0 z^2)^n = g(z)^n. Differentiating,
 * g(z) H'(z) = n g'(z) H(z) for H = g^n, and comparing the coefficients
 * of z^j gives the three-term recurrence (derived)
 *   d0 (j+1) h_{j+1} = a0 (n - j) h_j + p0 (2n - j + 1) h_{j-1},
 * started from h_{-1} = 0, h_0 = d0^n. For j <= n every term on the right
 * is positive, so each step adds two positive products: no cancellation,
 * and the relative error grows by a few ulps per step whatever the
 * shares. For j > n the a0 term turns negative, so the upper half is
 * computed by the mirror recurrence (swap d0 and p0, j -> 2n - j) from
 * h_2n = p0^n downwards, which is positive there. Each half is O(n)
 * with O(1) memory; tails are sums of positive terms of the two halves.
 *
 * Values are carried scaled (h_0 = 1) with a separate log scale, rescaled
 * when they grow past 1e250, so neither d0^n underflowing nor the climb
 * to the mode overflowing loses anything. The O(n^2) double sum over
 * (P, D) in log space in tests/test_consistency_exact.c is the oracle.
 *
 * MODELS.md 13.2 describes an equivalent O(n) route (condition on P + D
 * and sum binomial distribution functions); the recurrence needs no
 * incomplete beta function and keeps relative accuracy deep in the tails.
 */
#include "consistency/consistency_internal.h"

#define BIG 1e250
#define LOG_BIG 575.64627324851142 /* ln(1e250) */

/* One half of the distribution: g_k for k = 0..kmax with
 * lead (k+1) g_{k+1} = mid (n - k) g_k + other (2n - k + 1) g_{k-1}. */
typedef struct walker {
    double lead, mid, other, n;
    uint64_t k;
    double prev, cur;  /* g_{k-1}, g_k, scaled */
    double log_scale;  /* true value = scaled * exp(log_scale) */
} walker;

static void
walker_init(walker *w, uint64_t n, double lead, double mid, double other)
{
    w->lead = lead;
    w->mid = mid;
    w->other = other;
    w->n = (double)n;
    w->k = 0;
    w->prev = 0.0;
    w->cur = 1.0;
    w->log_scale = (double)n * log(lead);
}

/* Advance to g_{k+1}; returns the factor the scaled values were multiplied
 * by (1, or 1/BIG after a rescale), for the caller's running sums. */
static double
walker_step(walker *w)
{
    double k = (double)w->k;
    double next = (w->mid * (w->n - k) * w->cur
                   + w->other * (2.0 * w->n - k + 1.0) * w->prev)
                  * (1.0 / (w->lead * (k + 1.0)));
    w->prev = w->cur;
    w->cur = next;
    w->k++;
    if (next > BIG) {
        w->prev /= BIG;
        w->cur /= BIG;
        w->log_scale += LOG_BIG;
        return 1.0 / BIG;
    }
    return 1.0;
}

/* ln of a scaled sum (-inf for an empty or zero sum). */
static double
log_of(double s, double log_scale)
{
    return s > 0.0 ? log(s) + log_scale : -HUGE_VAL;
}

static double
log_add(double u, double v)
{
    double m = fmax(u, v);
    if (m == -HUGE_VAL)
        return m;
    return m + log1p(exp(-fabs(u - v)));
}

/*
 * Sums over one half, g_0..g_kmax: *below = ln sum_{k <= cut} g_k and
 * *above = ln sum_{k >= cut} g_k (both include k = cut; -inf when empty).
 * `lead` = 0 means the half holds no mass except possibly g_n
 * (= mid^n) when kmax = n.
 */
static void
half_sums(double *below, double *above, uint64_t n, uint64_t kmax,
          uint64_t cut, double lead, double mid, double other)
{
    walker w;
    double sb = 0.0, sa = 0.0;
    *below = *above = -HUGE_VAL;
    if (lead == 0.0) {
        if (kmax == n && mid > 0.0) {
            double l = (double)n * log(mid);
            if (cut >= n)
                *below = l;
            if (cut <= n)
                *above = l;
        }
        return;
    }
    walker_init(&w, n, lead, mid, other);
    for (;;) {
        if (w.k <= cut)
            sb += w.cur;
        if (w.k >= cut)
            sa += w.cur;
        if (w.k == kmax)
            break;
        {
            double f = walker_step(&w);
            sb *= f;
            sa *= f;
        }
    }
    *below = log_of(sb, w.log_scale);
    *above = log_of(sa, w.log_scale);
}

void
loy__trinomial_tails(double *lower, double *upper, uint64_t n, int64_t x,
                     double p0, double d0)
{
    double a0 = fmax(0.0, 1.0 - p0 - d0);
    uint64_t j = (uint64_t)(x + (int64_t)n); /* 0..2n */
    double up_below, up_above, dn_below, dn_above;
    /* Lower half j = 0..n (k = j); upper half j = n+1..2n (k = 2n - j,
     * k = 0..n-1), mirrored shares. */
    half_sums(&up_below, &up_above, n, n, j, d0, a0, p0);
    if (n >= 1 && p0 > 0.0)
        half_sums(&dn_below, &dn_above, n, n - 1, 2 * n - j, p0, a0, d0);
    else
        dn_below = dn_above = -HUGE_VAL;
    /* P(X <= x): j' <= j in the lower half plus k >= 2n - j upstairs. */
    *lower = fmin(1.0, exp(log_add(up_below, dn_above)));
    *upper = fmin(1.0, exp(log_add(up_above, dn_below)));
}

/* r_q (as a j index), F(r_q) and P(X = r_q) of a quantile search. */
typedef struct qsearch {
    int found;
    double r;    /* r_q as j index */
    double f_r;  /* F at r_q */
    double h_r;  /* P(X = r_q) */
} qsearch;

/* Lower half: F(j) = sum_{i <= j} h_i, stop at the first F(j) >= q. */
static void
search_lower(qsearch *s, uint64_t n, double q, double d0, double a0,
             double p0)
{
    walker w;
    double sum = 0.0, scale;
    s->found = 0;
    if (d0 == 0.0) {
        double hn = a0 > 0.0 ? exp((double)n * log(a0)) : 0.0;
        if (hn >= q) {
            s->found = 1;
            s->r = (double)n;
            s->f_r = hn;
            s->h_r = hn;
        }
        return;
    }
    walker_init(&w, n, d0, a0, p0);
    scale = exp(w.log_scale);
    for (;;) {
        double f;
        sum += w.cur;
        if (sum * scale >= q) {
            s->found = 1;
            s->r = (double)w.k;
            s->f_r = sum * scale;
            s->h_r = w.cur * scale;
            return;
        }
        if (w.k == n)
            return;
        f = walker_step(&w);
        if (f != 1.0) {
            sum *= f;
            scale = exp(w.log_scale);
        }
    }
}

/* Upper half j = 2n..n+1: U(j) = sum_{i >= j} h_i; F(j) = 1 - U(j+1).
 * r_q is the smallest j with U(j+1) <= 1 - q; walking down, it is the
 * j where U(j) first exceeds 1 - q. */
static void
search_upper(qsearch *s, uint64_t n, double q, double d0, double a0,
             double p0)
{
    walker w;
    double sum = 0.0, prev_true = 0.0, scale;
    s->found = 0;
    if (p0 == 0.0)
        return;
    walker_init(&w, n, p0, a0, d0);
    scale = exp(w.log_scale);
    for (;;) {
        double f;
        sum += w.cur;
        if (sum * scale > 1.0 - q) {
            s->found = 1;
            s->r = 2.0 * (double)n - (double)w.k;
            s->f_r = 1.0 - prev_true;
            s->h_r = w.cur * scale;
            return;
        }
        prev_true = sum * scale;
        if (w.k + 1 >= n)
            return;
        f = walker_step(&w);
        if (f != 1.0) {
            sum *= f;
            scale = exp(w.log_scale);
        }
    }
}

double
loy__trinomial_limit(uint64_t n, double q, double p0, double d0)
{
    double a0 = fmax(0.0, 1.0 - p0 - d0);
    double step = a0 > 0.0 ? 1.0 : 2.0;
    double lo_mass, dummy, alpha;
    qsearch s;
    /* Mass of the lower half, j <= n, decides where r_q lies. */
    half_sums(&lo_mass, &dummy, n, n, n, d0, a0, p0);
    if (exp(lo_mass) >= q)
        search_lower(&s, n, q, d0, a0, p0);
    else
        search_upper(&s, n, q, d0, a0, p0);
    if (!s.found) {
        /* Only rounding can get here: the two halves' masses straddle q
         * by an ulp. The quantile is then the first point of the upper
         * half, without interpolation. */
        s.r = (double)n + (p0 > 0.0 ? 1.0 : 0.0);
        s.f_r = q;
        s.h_r = 1.0;
    }
    alpha = s.h_r > 0.0 ? (s.f_r - q) / s.h_r : 0.0;
    alpha = fmin(fmax(alpha, 0.0), 1.0);
    return (s.r - (double)n - alpha * step) / (double)n;
}
