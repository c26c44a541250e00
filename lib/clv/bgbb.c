/* SPDX-License-Identifier: MIT */
/*
 * bgbb.c - the BG/BB model (Fader, Hardie & Shang 2010) for discrete
 * transaction opportunities: likelihood, fit, P(alive), conditional and
 * unconditional expectations, PMF and DERT.
 *
 * Notation: a customer had n opportunities, transacted at x of them, the
 * last at opportunity t_x (0 if never). p ~ Beta(alpha, beta) is the
 * transaction probability of a live customer and theta ~ Beta(gamma, delta)
 * the dropout probability at the start of each opportunity. Two families of
 * beta ratios appear everywhere:
 *   A(x, m)  = B(alpha + x, beta + m) / B(alpha, beta)
 *   G(m)     = B(gamma, delta + m) / B(gamma, delta)    P(alive at m)
 *   G1(m)    = B(gamma + 1, delta + m) / B(gamma, delta) P(drop at m + 1)
 * All are evaluated as sums of ln Gamma(base + k) - ln Gamma(base) over
 * the six bases; those offsets come from small tables built by the
 * recurrence (one log per entry instead of one lgamma), which is what
 * makes a fit on a few dozen patterns take microseconds, and they never
 * subtract two large ln Gamma values, so a base of 1e200 (where ln Gamma
 * is 4.6e202 and one ulp is worth 1e187) is as accurate as a base of 1.
 */
#include "clv/bgbb_internal.h"
#include "numeric/fitcore.h"
#include "numeric/parallel.h"
#include "clv/patterns.h"
#include "numeric/specfun.h"
#include "clv/limits.h"

#include <stdlib.h>

#define BGBB_NPAR 4
/* Largest n (and horizon) accepted: the likelihood costs O(n - t_x). */
#define BGBB_MAX_OPP 1e7
/* Offsets tabulated per base; larger offsets call lgamma/digamma. */
#define BGBB_TAB 256
/* Horizons up to this many opportunities are summed term by term. */
#define BGBB_DIRECT_SUM 100000.0
/* |gamma - 1| below which the closed forms switch to their limits. */
#define BGBB_GAMMA1_EPS 1e-8

/* ln Gamma(base + k) - ln Gamma(base) and psi(base + k) - psi(base) for
 * integer k >= 0. */
typedef struct lgtab {
    double base;
    size_t len;
    int has_psi;
    double lg[BGBB_TAB];
    double psi[BGBB_TAB];
} lgtab;

/* The five bases of the model: alpha, beta, alpha+beta, delta,
 * gamma+delta (gamma enters only as ln gamma and 1/gamma). */
typedef struct bgbb_tabs {
    lgtab a, b, ab, d, gd;
    double gamma, delta;
} bgbb_tabs;

static void
lgtab_build(lgtab *t, double base, double max_offset, int with_psi)
{
    size_t k, len = max_offset + 1.0 < (double)BGBB_TAB
                        ? (size_t)max_offset + 1 : BGBB_TAB;
    t->base = base;
    t->len = len;
    t->has_psi = with_psi;
    t->lg[0] = 0.0;
    for (k = 1; k < len; k++)
        t->lg[k] = t->lg[k - 1] + log(base + (double)(k - 1));
    if (!with_psi)
        return;
    t->psi[0] = 0.0;
    for (k = 1; k < len; k++)
        t->psi[k] = t->psi[k - 1] + 1.0 / (base + (double)(k - 1));
}

static double
lgtab_lg(const lgtab *t, double k)
{
    return k < (double)t->len ? t->lg[(size_t)k]
                              : loy__lgamma_diff(t->base, k);
}

static double
lgtab_psi(const lgtab *t, double k)
{
    return k < (double)t->len ? t->psi[(size_t)k]
                              : loy__digamma(t->base + k)
                                    - loy__digamma(t->base);
}

/* Tables covering offsets 0..max_offset (larger ones are computed). */
static void
tabs_build(bgbb_tabs *T, const double *p, double max_offset, int with_psi)
{
    lgtab_build(&T->a, p[0], max_offset, with_psi);
    lgtab_build(&T->b, p[1], max_offset, with_psi);
    lgtab_build(&T->ab, p[0] + p[1], max_offset, with_psi);
    lgtab_build(&T->d, p[3], max_offset, with_psi);
    lgtab_build(&T->gd, p[2] + p[3], max_offset + 1.0, with_psi);
    T->gamma = p[2];
    T->delta = p[3];
}

/* ln A(x, m) and, if da is not NULL, its derivatives (alpha, beta). */
static double
ln_a(const bgbb_tabs *T, double x, double m, double *da)
{
    if (da != NULL) {
        double ps = lgtab_psi(&T->ab, x + m);
        da[0] = lgtab_psi(&T->a, x) - ps;
        da[1] = lgtab_psi(&T->b, m) - ps;
    }
    return lgtab_lg(&T->a, x) + lgtab_lg(&T->b, m) - lgtab_lg(&T->ab, x + m);
}

/*
 * ln G(m) (shift 0) or ln G1(m) (shift 1) and derivatives (gamma, delta):
 * G1(m) = G(m) gamma/(gamma+delta+m), its log written as
 * -ln(1 + (delta+m)/gamma) so that a huge gamma loses nothing.
 */
static double
ln_g(const bgbb_tabs *T, double m, int shift, double *dg)
{
    double l = lgtab_lg(&T->d, m) - lgtab_lg(&T->gd, m);
    if (dg != NULL) {
        double pg = lgtab_psi(&T->gd, m);
        dg[0] = -pg;
        dg[1] = lgtab_psi(&T->d, m) - pg;
        if (shift) {
            double c = 1.0 / (T->gd.base + m);
            dg[0] += 1.0 / T->gamma - c;
            dg[1] -= c;
        }
    }
    if (shift)
        l -= log1p((T->delta + m) / T->gamma);
    return l;
}

/* One log term of L with its gradient w.r.t. the natural parameters. */
static double
term(const bgbb_tabs *T, double x, double m, double gm, int shift, double *g)
{
    double l = ln_a(T, x, m, g);
    return l + ln_g(T, gm, shift, g != NULL ? g + 2 : NULL);
}

/*
 * ln L of one customer (x, t_x, n) as the LSE of its n - t_x + 1 terms;
 * with grad != NULL also d ln L / d(alpha, beta, gamma, delta). The terms
 * of the sum over i decrease in i, so the largest term is one of the first
 * two and later terms can be dropped once the rest cannot matter.
 */
static double
row_loglik(const bgbb_tabs *T, double x, double tx, double n, double *grad)
{
    double g0[BGBB_NPAR], gi[BGBB_NPAR], *pg0 = grad ? g0 : NULL;
    double *pgi = grad ? gi : NULL, lmax, s, i;
    double l0 = term(T, x, n - x, n, 0, pg0);
    double l1 = tx < n ? term(T, x, tx - x, tx, 1, pgi) : -HUGE_VAL;
    int j;
    lmax = l0 > l1 ? l0 : l1;
    s = exp(l0 - lmax);
    for (j = 0; grad != NULL && j < BGBB_NPAR; j++)
        grad[j] = s * g0[j];
    for (i = 0.0; tx + i < n; i++) {
        double li = i == 0.0 ? l1 : term(T, x, tx - x + i, tx + i, 1, pgi);
        double e = exp(li - lmax);
        s += e;
        for (j = 0; grad != NULL && j < BGBB_NPAR; j++)
            grad[j] += e * gi[j];
        if (e * (n - tx - i) < 1e-17 * s)
            break;
    }
    for (j = 0; grad != NULL && j < BGBB_NPAR; j++)
        grad[j] /= s;
    /* L is a probability: rounding must not lift ln L above 0 */
    return fmin(lmax + log(s), 0.0);
}

/* ---------------------------------------------------------------------
 * Validation
 * ------------------------------------------------------------------- */

static int
check_params(const double *p)
{
    int j;
    LOY__REQUIRE(p != NULL, LOY_EINVAL);
    for (j = 0; j < BGBB_NPAR; j++)
        LOY__REQUIRE(loy__finite(p[j]), LOY_ENONFINITE);
    for (j = 0; j < BGBB_NPAR; j++)
        LOY__REQUIRE(p[j] > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

/* A count: finite (ENONFINITE), whole, in [0, BGBB_MAX_OPP] (ESCALE). */
static int
check_count(double v)
{
    LOY__REQUIRE(loy__finite(v), LOY_ENONFINITE);
    LOY__REQUIRE(v >= 0.0 && v <= BGBB_MAX_OPP && v == floor(v), LOY_ESCALE);
    return LOY_OK;
}

static int
check_row(double x, double tx, double n)
{
    LOY__TRY(check_count(x));
    LOY__TRY(check_count(tx));
    LOY__TRY(check_count(n));
    LOY__REQUIRE(x <= n && tx <= n, LOY_EINCONSISTENT);
    /* x transactions need at least x opportunities up to the last one;
     * no transaction means no last opportunity */
    LOY__REQUIRE(x == 0.0 ? tx == 0.0 : tx >= x, LOY_EINCONSISTENT);
    return LOY_OK;
}

/* Validate rows (and weights if given); the largest n into *nmax. */
static int
check_rows(const double *x, const double *tx, const double *n,
           const double *w, size_t count, double *nmax, size_t *err_index)
{
    size_t i;
    *nmax = 0.0;
    for (i = 0; i < count; i++) {
        int rc = check_row(x[i], tx[i], n[i]);
        if (rc == LOY_OK && w != NULL)
            rc = loy__check_range(w[i], 0.0, INFINITY);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        if (n[i] > *nmax)
            *nmax = n[i];
    }
    return LOY_OK;
}

/* Common entry checks of the per-customer functions. */
static int
check_call(const double *out, const double *params, const double *x,
           const double *tx, const double *n, size_t count, double *nmax,
           size_t *err_index)
{
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && x != NULL && tx != NULL && n != NULL,
                 LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__REQUIRE(count > 0, LOY_EEMPTY);
    return check_rows(x, tx, n, NULL, count, nmax, err_index);
}

/* ---------------------------------------------------------------------
 * Likelihood and fit
 * ------------------------------------------------------------------- */

typedef struct bgbb_data {
    const double *x, *tx, *n, *w;
    size_t count;
    double nmax;
    uint32_t threads; /* loy_fit_options::threads */
} bgbb_data;

/* One evaluation's shared inputs (tables built before the split). */
typedef struct bgbb_eval {
    const bgbb_data *D;
    const bgbb_tabs *T;
    int grad;
} bgbb_eval;

#define BGBB_SUM_BLOCK 512u

/* Sums over rows [i0, i1): one block of loy__par_sum. */
static int
bgbb_sum_range(void *ctx, size_t i0, size_t i1, double *acc)
{
    const bgbb_eval *e = ctx;
    const bgbb_data *D = e->D;
    double gr[BGBB_NPAR];
    size_t i, j;
    for (i = i0; i < i1; i++) {
        double wi = D->w != NULL ? D->w[i] : 1.0;
        if (wi == 0.0)
            continue;
        acc[0] += wi * row_loglik(e->T, D->x[i], D->tx[i], D->n[i],
                                  e->grad ? gr : NULL);
        for (j = 0; e->grad && j < BGBB_NPAR; j++)
            acc[j + 1] += wi * gr[j];
    }
    return LOY_OK;
}

static int
data_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const bgbb_data *D = ctx;
    bgbb_tabs T;
    bgbb_eval e;
    double sum[BGBB_NPAR + 1];
    size_t j;
    tabs_build(&T, p, D->nmax + 1.0, g != NULL);
    e.D = D;
    e.T = &T;
    e.grad = g != NULL;
    LOY__TRY(loy__par_sum(D->threads, D->count, BGBB_SUM_BLOCK,
                          BGBB_NPAR + 1, bgbb_sum_range, &e, sum));
    *ll = sum[0];
    for (j = 0; g != NULL && j < k; j++)
        g[j] = p[j] * sum[j + 1];
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

int
loy_bgbb_loglik(double *ll_out, const double params[4], const double *x,
                const double *t_x, const double *n_opp, const double *w,
                size_t n, size_t *err_index)
{
    bgbb_data D = {x, t_x, n_opp, w, n, 0.0, 1u};
    double ll;
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(ll_out != NULL && x != NULL && t_x != NULL && n_opp != NULL,
                 LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(check_rows(x, t_x, n_opp, w, n, &D.nmax, err_index));
    for (i = 0; w != NULL && i < n && w[i] == 0.0; i++)
        ;
    LOY__REQUIRE(i < n, LOY_EEMPTY);
    LOY__TRY(data_loglik(&D, params, BGBB_NPAR, &ll, NULL));
    *ll_out = ll;
    return LOY_OK;
}

/* Compress rows unless the caller's flags say otherwise. */
static int
want_compress(const loy_fit_options *opts, const double *x, const double *tx,
              const double *n, size_t count)
{
    uint32_t flags = 0u;
    if (opts != NULL && opts->struct_size >= offsetof(loy_fit_options, flags)
                                                 + sizeof opts->flags)
        flags = opts->flags;
    if (flags & LOY_FIT_NO_COMPRESS)
        return 0;
    if (flags & LOY_FIT_COMPRESS)
        return 1;
    return loy__patterns_worth_it(x, tx, n, count);
}

static int
run_fit(bgbb_data *D, double total_w, const loy_fit_options *opts,
        double *params_out, loy_fit_report *report)
{
    static const double start[BGBB_NPAR] = {1.0, 1.0, 1.0, 1.0};
    loy__fit_problem prob;
    loy__fit_limit lims[LOY__MAX_LIMITS];
    prob.loglik = data_loglik;
    prob.ctx = D;
    prob.k = BGBB_NPAR;
    prob.total_weight = total_w;
    prob.n_rows = (uint64_t)D->count;
    prob.default_start = start;
    prob.limits = lims;
    prob.n_limits = loy__limits_two(lims, LOY__MIX_BETA, LOY__MIX_BETA);
    return loy__fit_ml(&prob, opts, params_out, report);
}

int
loy_bgbb_fit(double params_out[4], const double *x, const double *t_x,
             const double *n_opp, const double *w, size_t n,
             const loy_fit_options *opts, loy_fit_report *report,
             size_t *err_index)
{
    bgbb_data D = {x, t_x, n_opp, w, n, 0.0, 1u};
    loy__patterns pat;
    double total = 0.0;
    size_t i;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(params_out != NULL && x != NULL && t_x != NULL
                 && n_opp != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(check_rows(x, t_x, n_opp, w, n, &D.nmax, err_index));
    D.threads = loy__fit_threads(opts);
    for (i = 0; i < n; i++)
        total += w != NULL ? w[i] : 1.0;
    LOY__REQUIRE(total > 0.0, LOY_EEMPTY);
    LOY__REQUIRE(loy__finite(total), LOY_ESCALE);
    if (!want_compress(opts, x, t_x, n_opp, n))
        return run_fit(&D, total, opts, params_out, report);
    LOY__TRY(loy__patterns_build(&pat, x, t_x, n_opp, w, n));
    D.x = pat.x;
    D.tx = pat.tx;
    D.n = pat.T;
    D.w = pat.w;
    D.count = pat.n;
    rc = run_fit(&D, total, opts, params_out, report);
    loy__patterns_free(&pat);
    return rc;
}

/* ---------------------------------------------------------------------
 * Per-customer quantities
 * ------------------------------------------------------------------- */

/*
 * Per-customer values of a batch, computed once per pattern (x, t_x, n)
 * for n < BGBB_MEMO_N when the batch has BGBB_MEMO_ROWS rows or more: a
 * cohort observed over a few opportunities has a few dozen patterns among
 * its customers, and each value costs a likelihood (a sum over the
 * opportunities after t_x). The same function gives every row its value,
 * so the values (and the first failing row) are those of the row-by-row
 * loop; without memory for the memo the loop runs row by row.
 */
#define BGBB_MEMO_N 64u
#define BGBB_MEMO_ROWS 2048u

/* One row's value into *out (also on failure, for callers that keep
 * partial values); LOY_OK or a status. */
typedef int (*bgbb_row_fn)(const void *ctx, double x, double tx, double n,
                           double *out);

/*
 * out[i] of rows [0, count) in order; at the first row whose status is not
 * LOY_OK that status and its index. That row's value is written when
 * keep_partial is set and its status is LOY_ENOCONV.
 */
static int
bgbb_each(bgbb_row_fn f, const void *ctx, const double *x, const double *tx,
          const double *n, size_t count, int keep_partial, double *out,
          size_t *err_index)
{
    const size_t keys = (size_t)BGBB_MEMO_N * BGBB_MEMO_N * BGBB_MEMO_N;
    uint32_t *slot = NULL; /* pattern number + 1, 0: not seen */
    double *val = NULL;
    int *st = NULL, rc = LOY_OK;
    size_t i, used = 0, cap = count < keys ? count : keys;
    if (count >= BGBB_MEMO_ROWS) {
        slot = calloc(keys, sizeof *slot);
        val = malloc(cap * sizeof *val);
        st = malloc(cap * sizeof *st);
    }
    if (slot == NULL || val == NULL || st == NULL) {
        free(slot);
        free(val);
        free(st);
        slot = NULL;
    }
    for (i = 0; i < count; i++) {
        double v = 0.0;
        if (slot != NULL && n[i] < (double)BGBB_MEMO_N) {
            size_t key = ((size_t)n[i] * BGBB_MEMO_N + (size_t)tx[i])
                             * BGBB_MEMO_N
                         + (size_t)x[i];
            if (slot[key] == 0) {
                st[used] = f(ctx, x[i], tx[i], n[i], &val[used]);
                slot[key] = (uint32_t)++used;
            }
            v = val[slot[key] - 1];
            rc = st[slot[key] - 1];
        } else {
            rc = f(ctx, x[i], tx[i], n[i], &v);
        }
        if (rc == LOY_OK || (keep_partial && rc == LOY_ENOCONV))
            out[i] = v;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            break;
        }
    }
    if (slot != NULL) {
        free(slot);
        free(val);
        free(st);
    }
    return rc;
}

/* What the per-row functions below share. */
typedef struct bgbb_pred {
    const bgbb_tabs *T;
    const double *params;
    double arg; /* m, n_star or the discount factor v */
} bgbb_pred;

static int
palive_row(const void *ctx, double x, double tx, double n, double *out)
{
    const bgbb_pred *c = ctx;
    double ll = row_loglik(c->T, x, tx, n, NULL);
    double la = ln_a(c->T, x, n - x, NULL) + ln_g(c->T, n + c->arg, 0, NULL);
    double pa = exp(la - ll);
    *out = pa < 1.0 ? pa : 1.0;
    return LOY_OK;
}

int
loy_bgbb_palive(double *out, const double params[4], const double *x,
                const double *t_x, const double *n_opp, size_t n, double m,
                size_t *err_index)
{
    bgbb_tabs T;
    bgbb_pred c;
    double nmax;
    LOY__TRY(check_call(out, params, x, t_x, n_opp, n, &nmax, err_index));
    LOY__TRY(check_count(m));
    tabs_build(&T, params, nmax + m, 0);
    c.T = &T;
    c.params = params;
    c.arg = m;
    return bgbb_each(palive_row, &c, x, t_x, n_opp, n, 0, out, err_index);
}

/*
 * ln sum_{k=1}^{N} G(n0 + k), the log of the expected number of
 * opportunities at which a customer alive at n0 is still alive, over the
 * next N (in logs: the sum underflows long before its uses do). Short
 * horizons are summed as G(n0+1) times the sum of the products of the
 * ratios G(m+1)/G(m) = (delta+m)/(gamma+delta+m), which is exact at
 * gamma = 1 too; long ones use the telescoping closed form
 *   delta/(gamma-1) Gamma(gamma+delta)/Gamma(1+delta) [h(n0) - h(n0+N)],
 *   h(m) = Gamma(1+delta+m)/Gamma(gamma+delta+m),
 * or its gamma -> 1 limit delta (psi(1+delta+n0+N) - psi(1+delta+n0)).
 * Gamma(gamma+delta)/Gamma(1+delta) h(n0) = exp(lh) below.
 */
static double
ln_alive_sum(const bgbb_tabs *T, double gam, double del, double n0, double N)
{
    double s = 0.0, gk = 1.0, k, dh, lh;
    if (N <= BGBB_DIRECT_SUM) {
        for (k = 1.0; k <= N && gk > 1e-17 * s; k++) {
            s += gk;
            gk *= (del + n0 + k) / (gam + del + n0 + k);
        }
        return ln_g(T, n0 + 1.0, 0, NULL) + log(s);
    }
    if (fabs(gam - 1.0) < BGBB_GAMMA1_EPS)
        return log(del) + log(loy__digamma(1.0 + del + n0 + N)
                              - loy__digamma(1.0 + del + n0));
    /* ln h differences as differences of lgamma_diff(., gamma - 1):
     * each is O(gamma - 1), so nothing large cancels near gamma = 1 */
    dh = loy__lgamma_diff(1.0 + del + n0, gam - 1.0)
         - loy__lgamma_diff(1.0 + del + n0 + N, gam - 1.0);
    lh = loy__lgamma_diff(1.0 + del, gam - 1.0)
         - loy__lgamma_diff(1.0 + del + n0, gam - 1.0);
    return log(del / fabs(gam - 1.0)) + lh + log(fabs(expm1(dh)));
}

static int
expected_row(const void *ctx, double x, double tx, double n, double *out)
{
    const bgbb_pred *c = ctx;
    double ll = row_loglik(c->T, x, tx, n, NULL);
    double la = ln_a(c->T, x + 1.0, n - x, NULL), v = 0.0;
    if (c->arg > 0.0)
        v = exp(la - ll + ln_alive_sum(c->T, c->params[2], c->params[3], n,
                                       c->arg));
    /* at most one transaction per opportunity: v <= n_star */
    *out = fmin(v, c->arg);
    return loy__finite(v) ? LOY_OK : LOY_ENOCONV;
}

int
loy_bgbb_expected(double *out, const double params[4], const double *x,
                  const double *t_x, const double *n_opp, size_t n,
                  double n_star, size_t *err_index)
{
    bgbb_tabs T;
    bgbb_pred c;
    double nmax;
    LOY__TRY(check_call(out, params, x, t_x, n_opp, n, &nmax, err_index));
    LOY__TRY(check_count(n_star));
    tabs_build(&T, params, nmax + 1.0, 0);
    c.T = &T;
    c.params = params;
    c.arg = n_star;
    return bgbb_each(expected_row, &c, x, t_x, n_opp, n, 0, out, err_index);
}

/* Validate an array of horizons, reporting the first bad one. */
static int
check_horizons(const double *h, size_t count, double *hmax, size_t *err_index)
{
    size_t i;
    *hmax = 0.0;
    for (i = 0; i < count; i++) {
        int rc = check_count(h[i]);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        if (h[i] > *hmax)
            *hmax = h[i];
    }
    return LOY_OK;
}

int
loy_bgbb_expected_new(double *out, const double params[4],
                      const double *n_opp, size_t n, size_t *err_index)
{
    bgbb_tabs T;
    double hmax, pbar;
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && n_opp != NULL, LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(check_horizons(n_opp, n, &hmax, err_index));
    tabs_build(&T, params, 1.0, 0);
    pbar = params[0] / (params[0] + params[1]);
    for (i = 0; i < n; i++) {
        double v = n_opp[i] == 0.0
                       ? 0.0
                       : pbar * exp(ln_alive_sum(&T, params[2], params[3],
                                                 0.0, n_opp[i]));
        if (!loy__finite(v)) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        out[i] = fmin(v, n_opp[i]);
    }
    return LOY_OK;
}

/*
 * P(X(n) = x): the customer is alive through n and transacts x times, or
 * drops out at opportunity i + 1 (i = x..n-1) after x transactions among
 * the first i opportunities. Summed in log space; O(n - x).
 */
static double
pmf_one(const bgbb_tabs *T, double n, double x)
{
    double i, lc = 0.0, acc;
    if (x > n)
        return 0.0;
    acc = loy__lgamma(n + 1.0) - loy__lgamma(x + 1.0)
          - loy__lgamma(n - x + 1.0) + ln_a(T, x, n - x, NULL)
          + ln_g(T, n, 0, NULL);
    for (i = x; i < n; i++) {
        if (i > x)
            lc += log(i / (i - x)); /* ln C(i, x) from ln C(i - 1, x) */
        acc = loy__lse(acc, lc + ln_a(T, x, i - x, NULL)
                                + ln_g(T, i, 1, NULL));
    }
    return exp(acc);
}

int
loy_bgbb_pmf(double *out, const double params[4], const double *n_opp,
             const double *x, size_t n, size_t *err_index)
{
    bgbb_tabs T;
    double hmax, xmax;
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && n_opp != NULL && x != NULL, LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(check_horizons(n_opp, n, &hmax, err_index));
    LOY__TRY(check_horizons(x, n, &xmax, err_index));
    tabs_build(&T, params, hmax + 1.0, 0);
    for (i = 0; i < n; i++) {
        double v = pmf_one(&T, n_opp[i], x[i]);
        if (!loy__finite(v)) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        out[i] = fmin(v, 1.0);
    }
    return LOY_OK;
}

static int
dert_row(const void *ctx, double x, double tx, double n, double *out)
{
    const bgbb_pred *c = ctx;
    const double *p = c->params;
    double ll = row_loglik(c->T, x, tx, n, NULL), f = 0.0, v = c->arg;
    int rc = loy__beta_geom_sum(p[2], p[3] + n + 1.0, v, &f);
    *out = exp(ln_a(c->T, x + 1.0, n - x, NULL)
               + ln_g(c->T, n + 1.0, 0, NULL) - ll + log(v * f));
    if (rc == LOY_OK && !loy__finite(*out))
        rc = LOY_ENOCONV;
    return rc;
}

int
loy_bgbb_dert(double *out, const double params[4], const double *x,
              const double *t_x, const double *n_opp, size_t n, double d,
              size_t *err_index)
{
    bgbb_tabs T;
    bgbb_pred c;
    double nmax;
    LOY__TRY(check_call(out, params, x, t_x, n_opp, n, &nmax, err_index));
    LOY__REQUIRE(loy__finite(d), LOY_ENONFINITE);
    LOY__REQUIRE(d >= 0.0, LOY_EDOMAIN);
    /* undiscounted, the expected remaining lifetime is finite only for
     * gamma > 1 */
    LOY__REQUIRE(d > 0.0 || params[2] > 1.0, LOY_EDOMAIN);
    tabs_build(&T, params, nmax + 1.0, 0);
    c.T = &T;
    c.params = params;
    c.arg = 1.0 / (1.0 + d);
    /* the partial sum on LOY_ENOCONV, as documented */
    return bgbb_each(dert_row, &c, x, t_x, n_opp, n, 1, out, err_index);
}
