/* SPDX-License-Identifier: MIT */
/*
 * lifetime.c - choose, fit and apply a lifetime model (the computations of
 * `loyalty clv`, also used by `report` and `customers`).
 *
 * Model choice (--model auto, the default). BG/NBD lets a customer leave
 * only right after a purchase, so every customer without a repeat purchase
 * keeps P(alive) = 1; MBG/NBD and Pareto/NBD do not. Which assumption the
 * data support is an empirical question, answered here the way the
 * literature validates these models (Fader, Hardie & Lee 2005; Batislam
 * et al. 2007): by forecasting a holdout period.
 *   1. Holdout. When the user gave --calibration-end, or the log spans at
 *      least HOLDOUT_MIN_DAYS so that its last third can be held out, each
 *      model is fitted on the calibration part and predicts every
 *      customer's holdout purchases (conditional expectation). The model
 *      with the lowest root mean squared error per customer wins: the
 *      prediction is a conditional mean, and the mean squared error is the
 *      loss a conditional mean minimises. The naive forecast x/T times the
 *      holdout length is shown as a benchmark.
 *   2. Otherwise (a summary file without dates, or a short log) the lowest
 *      BIC = -2 ln L + k ln n on the whole history wins (k = 4, or the
 *      parameters of the reduced model when the fit sits at a limit of its
 *      family).
 * Fits that failed are out; a fit that did not converge is chosen only if
 * no converged one is left. The predictions then use the chosen model fitted
 * to the whole history (with an automatic split) or to the calibration
 * period (with --calibration-end, as before). If its predictions fail, the
 * next model in the ranking takes over, with a warning.
 *
 * CLV by monthly discounted cash flow (MODELS.md 6.6):
 *   CLV = sum_{i=1..H} margin * spend * [CET(i f) - CET((i-1) f)] / (1+d)^i
 * with f model time units per month and CET the conditional expected
 * purchases; spend per purchase from the Gamma-Gamma model fitted on the
 * repeat buyers (the observed mean repeat-purchase value if it fails), or
 * a fixed margin per purchase with --margin-absolute.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"
#include "progress.h"

#define HOLDOUT_MIN_DAYS 91     /* 13 weeks of history for a split */
#define HOLDOUT_MIN_FIT 30      /* calibration customers needed */
#define HOLDOUT_MIN_PURCHASES 10
#define POOR_HOLDOUT 0.2        /* aggregate holdout error called poor */
#define HOLDOUT_SAMPLE 50000    /* customers the comparison fits at most */

typedef int (*fit_fn)(double *, const double *, const double *, const double *,
                      const double *, size_t, const loy_fit_options *,
                      loy_fit_report *, size_t *);
typedef int (*expected_fn)(double *, const double *, const double *,
                           const double *, const double *, size_t, double,
                           size_t *);
typedef int (*score_fn)(double *, double *, const double *, const double *,
                        const double *, const double *, size_t, double,
                        const loy_predict_options *, size_t *);

typedef struct model {
    const char *name;
    const char *title;
    const char *params[4];
    fit_fn fit;
    expected_fn expected;
    score_fn score; /* P(alive) and CET on --threads threads */
} model;

/* Order of the table: the order of the comparison's rows. */
static const model models[N_MODELS] = {
    {"bgnbd", "BG/NBD", {"r", "alpha", "a", "b"}, loy_bgnbd_fit,
     loy_bgnbd_expected, loy_bgnbd_score},
    {"mbgnbd", "MBG/NBD", {"r", "alpha", "a", "b"}, loy_mbgnbd_fit,
     loy_mbgnbd_expected, loy_mbgnbd_score},
    {"pnbd", "Pareto/NBD", {"r", "alpha", "s", "beta"}, loy_pnbd_fit,
     loy_pnbd_expected, loy_pnbd_score},
};

const char *
model_key(int k)
{
    return models[k].name;
}

const char *
model_title(int k)
{
    return models[k].title;
}

static int
find_model(const char *name)
{
    int k;
    for (k = 0; k < N_MODELS; k++)
        if (strcmp(models[k].name, name) == 0)
            return k;
    return -1;
}

int
model_known(const char *name)
{
    return strcmp(name, "auto") == 0 || find_model(name) >= 0;
}

/* ---- the fit arrays ------------------------------------------------------ */

typedef struct fit_set {
    size_t n;
    double *x, *t_x, *T;
    size_t *row;
} fit_set;

static void
fit_set_free(fit_set *f)
{
    free(f->x);
    free(f->t_x);
    free(f->T);
    free(f->row);
    memset(f, 0, sizeof *f);
}

/* Customers first seen at the very end (T = 0) cannot be fitted. */
static int
fit_set_make(fit_set *f, const log_data *log)
{
    size_t i, m = log->n ? log->n : 1;
    memset(f, 0, sizeof *f);
    f->x = malloc(m * sizeof *f->x);
    f->t_x = malloc(m * sizeof *f->t_x);
    f->T = malloc(m * sizeof *f->T);
    f->row = malloc(m * sizeof *f->row);
    if (!f->x || !f->t_x || !f->T || !f->row) {
        fit_set_free(f);
        return -1;
    }
    for (i = 0; i < log->n; i++) {
        if (!(log->T[i] > 0))
            continue;
        f->x[f->n] = log->x[i];
        f->t_x[f->n] = log->t_x[i];
        f->T[f->n] = log->T[i];
        f->row[f->n++] = i;
    }
    return 0;
}

/* ---- fitting and judging one model ---------------------------------------- */

/* A parameter at the edge of its range, where the likelihood is flat: the
 * data sit at a limit of the model family (no dropout, no heterogeneity). */
static int
at_boundary(const model_fit *f)
{
    int k;
    for (k = 0; k < 4; k++) {
        double p = f->params[k], se = f->report.se[k];
        if (!(p > 1e-4 && p < 1e5))
            return 1;
        if (isfinite(se) && se > 1e3 * p)
            return 1;
    }
    return 0;
}

/* Free parameters of a fit: 4, or those of the reduced model at a limit. */
static unsigned
n_params(const model_fit *f)
{
#ifdef LOY_FIT_REPORT_LIMIT
    if (f->report.flags & LOY_FIT_REPORT_LIMIT)
        return f->report.n_reduced;
#endif
    (void)f;
    return 4;
}

static void
fit_one(int k, const fit_set *fs, const clv_input *in, model_fit *f)
{
    loy_fit_options opts = LOY_FIT_OPTIONS_INIT;
    int j;
    opts.penalty = in->penalty;
    opts.threads = in->threads;
    memset(f, 0, sizeof *f);
    f->report.struct_size = sizeof f->report;
    f->status = models[k].fit(f->params, fs->x, fs->t_x, fs->T, NULL, fs->n, &opts,
                              &f->report, NULL);
    f->ho_rmse = f->ho_mae = f->ho_predicted = f->ho_actual = CLI_NAN;
    f->bic = CLI_NAN;
    if (f->status != LOY_OK && f->status != LOY_ENOCONV)
        return;
    f->bic = -2.0 * f->report.loglik + (double)n_params(f) * log((double)fs->n);
    if (!isfinite(f->bic))
        f->status = LOY_ENONFINITE;
    if (f->status == LOY_ENOCONV)
        f->warn |= FITW_NOCONV;
#ifdef LOY_FIT_REPORT_LIMIT
    /* The library (1.1) recognises the limits of each model family and
     * flags boundaries, missing standard errors and caps itself. */
    f->limit = f->report.limit;
    if (f->report.flags & LOY_FIT_REPORT_LIMIT)
        f->warn |= FITW_LIMIT;
    if (f->report.flags & LOY_FIT_REPORT_BOUNDARY)
        f->warn |= FITW_BOUNDARY;
    if (f->report.flags & LOY_FIT_REPORT_NO_SE)
        f->warn |= FITW_NO_SE;
    if (f->report.flags & (LOY_FIT_REPORT_MAX_ITER | LOY_FIT_REPORT_MAX_EVALS))
        f->warn |= FITW_NOCONV;
    if (f->warn & FITW_LIMIT)
        return;     /* the limit's parameters are infinite by design */
#endif
    for (j = 0; j < 4; j++)
        if (!isfinite(f->report.se[j]))
            f->warn |= FITW_NO_SE;
    if (at_boundary(f))
        f->warn |= FITW_BOUNDARY;
}

/* Holdout purchases predicted for the fitted customers against those seen. */
static void
judge_holdout(int k, const fit_set *fs, const log_data *log, double duration,
              model_fit *f)
{
    double *cet = malloc((fs->n ? fs->n : 1) * sizeof *cet);
    double se = 0.0, ae = 0.0, pred = 0.0, act = 0.0;
    size_t i;
    int rc;
    if (cet == NULL)
        return;
    rc = models[k].expected(cet, f->params, fs->x, fs->t_x, fs->T, fs->n,
                            duration, NULL);
    for (i = 0; rc == LOY_OK && i < fs->n; i++) {
        double a = log->x_holdout[fs->row[i]], e = cet[i] - a;
        if (!isfinite(cet[i])) {
            rc = LOY_ENONFINITE;
            break;
        }
        se += e * e;
        ae += fabs(e);
        pred += cet[i];
        act += a;
    }
    free(cet);
    if (rc != LOY_OK || fs->n == 0) {
        f->warn |= FITW_PREDICT;
        return;
    }
    f->ho_rmse = sqrt(se / (double)fs->n);
    f->ho_mae = ae / (double)fs->n;
    f->ho_predicted = pred;
    f->ho_actual = act;
    if (act > 0 && fabs(pred - act) > POOR_HOLDOUT * act)
        f->warn |= FITW_HOLDOUT;
}

/* The naive forecast: each customer keeps buying at the observed rate. */
static double
naive_rmse(const fit_set *fs, const log_data *log, double duration)
{
    double se = 0.0;
    size_t i;
    for (i = 0; i < fs->n; i++) {
        double e = fs->x[i] / fs->T[i] * duration - log->x_holdout[fs->row[i]];
        se += e * e;
    }
    return fs->n ? sqrt(se / (double)fs->n) : CLI_NAN;
}

static int
usable(const model_fit *f)
{
    return f->status == LOY_OK || f->status == LOY_ENOCONV;
}

/* The criterion of model k: holdout RMSE or BIC (NaN when missing). */
static double
criterion(const clv_data *d, int k)
{
    if (d->choice == CHOICE_HOLDOUT)
        return d->split_auto ? d->cal_fits[k].ho_rmse : d->fits[k].ho_rmse;
    return d->fits[k].bic;
}

/* The fit that speaks for model k in the ranking: the whole-log fit, or
 * the calibration fit while the whole log is not fitted yet. */
static const model_fit *
rank_fit(const clv_data *d, int k)
{
    return d->fitted[k] ? &d->fits[k] : &d->cal_fits[k];
}

/* a ranks before b: converged first, then with a criterion, then lower. */
static int
ranks_before(const clv_data *d, int a, int b)
{
    int na = (rank_fit(d, a)->warn & FITW_NOCONV) != 0;
    int nb = (rank_fit(d, b)->warn & FITW_NOCONV) != 0;
    double ca = criterion(d, a), cb = criterion(d, b);
    if (na != nb)
        return na < nb;
    if (isfinite(ca) != isfinite(cb))
        return isfinite(ca);
    return ca < cb || (!(cb < ca) && a < b);
}

/* Rank the usable tried models, best first, into order[]; returns how
 * many there are. */
static int
rank_models(const clv_data *d, int order[N_MODELS])
{
    int n = 0, k, i, j;
    for (k = 0; k < N_MODELS; k++)
        if (d->tried[k] && usable(rank_fit(d, k)))
            order[n++] = k;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && ranks_before(d, order[j], order[j - 1]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    return n;
}

/* ---- the comparison -------------------------------------------------------- */

/* Split the log's last third off as a holdout, if it is long enough. */
static int
auto_split(const char *cmd, const clv_input *in, const log_data *log, clv_data *d,
           progress *pg)
{
    int64_t span = log->obs_end - log->min_date, hold;
    log_data cal;
    fit_set fs;
    size_t i;
    double purchases = 0.0;
    int k, rc;
    if (log->row_id == NULL || log->n_rows == 0) {
        snprintf(d->why_bic, sizeof d->why_bic, "no purchase dates (a summary file)");
        return 0;
    }
    if (span < HOLDOUT_MIN_DAYS) {
        snprintf(d->why_bic, sizeof d->why_bic, "the log spans %lld days, fewer "
                 "than %d for a holdout", (long long)span, HOLDOUT_MIN_DAYS);
        return 0;
    }
    hold = span / 3;
    if (log->period_length == 7)
        hold = hold / 7 * 7;
    d->split_end = log->obs_end - hold;
    if ((rc = log_calibrate(cmd, log, d->split_end, &cal)) != 0)
        return rc;
    if (fit_set_make(&fs, &cal) != 0) {
        log_data_free(&cal);
        return -1;
    }
    if (fs.n > HOLDOUT_SAMPLE) {
        /* The comparison needs the ranking, not the last digit: every k-th
         * customer (in order of first purchase) keeps its cost bounded. */
        size_t stride = (fs.n + HOLDOUT_SAMPLE - 1) / HOLDOUT_SAMPLE, j = 0;
        for (i = 0; i < fs.n; i += stride, j++) {
            fs.x[j] = fs.x[i];
            fs.t_x[j] = fs.t_x[i];
            fs.T[j] = fs.T[i];
            fs.row[j] = fs.row[i];
        }
        d->ho_sampled = fs.n;
        fs.n = j;
    }
    for (i = 0; i < fs.n; i++)
        purchases += cal.x_holdout[fs.row[i]];
    if (fs.n < HOLDOUT_MIN_FIT || purchases < HOLDOUT_MIN_PURCHASES) {
        snprintf(d->why_bic, sizeof d->why_bic, "too few customers (%zu) or "
                 "holdout purchases (%.0f) after a split at two thirds", fs.n,
                 purchases);
    } else {
        d->choice = CHOICE_HOLDOUT;
        d->split_auto = 1;
        d->ho_duration = cal.info.duration_holdout;
        d->ho_customers = fs.n;
        d->naive_rmse = naive_rmse(&fs, &cal, d->ho_duration);
        for (k = 0; k < N_MODELS; k++) {
            if (!d->tried[k])
                continue;
            progress_step(pg, "holdout test: fitting %s (%d of %d)",
                          models[k].title, k + 1, N_MODELS);
            fit_one(k, &fs, in, &d->cal_fits[k]);
            if (usable(&d->cal_fits[k]))
                judge_holdout(k, &fs, &cal, d->ho_duration, &d->cal_fits[k]);
        }
    }
    fit_set_free(&fs);
    log_data_free(&cal);
    return 0;
}

/* ---- predictions ----------------------------------------------------------- */

/* Gamma-Gamma on the repeat buyers; the spend per purchase of every
 * customer from it when it fits (else the observed means stay). */
static void
spend_model(const log_data *log, clv_data *d)
{
    size_t m = log->n ? log->n : 1, i, k = 0;
    double *x = malloc(m * sizeof *x), *mon = malloc(m * sizeof *mon);
    double *zeros = calloc(m, sizeof *zeros), *out = malloc(m * sizeof *out);
    double sum = 0.0;
    uint64_t cnt = 0;
    for (i = 0; i < log->n; i++)
        if (log->x[i] > 0) {
            sum += log->monetary[i];
            cnt++;
        }
    d->spend_mean = cnt ? sum / (double)cnt : CLI_NAN;
    for (i = 0; i < log->n; i++)
        d->spend[i] = log->x[i] > 0 ? log->monetary[i] : d->spend_mean;
    d->gg_status = LOY_ENOMEM;
    d->gg_report.struct_size = sizeof d->gg_report;
    d->spend_corr = CLI_NAN;
    if (x != NULL && mon != NULL && zeros != NULL && out != NULL) {
        for (i = 0; i < log->n; i++)
            if (log->x[i] > 0 && log->monetary[i] > 0) {
                x[k] = log->x[i];
                mon[k++] = log->monetary[i];
            }
        d->n_gg = k;
        d->gg_status = loy_ggamma_fit(d->gg, x, mon, NULL, k, NULL, &d->gg_report,
                                      NULL);
        if (loy_ggamma_correlation(&d->spend_corr, x, mon, k, NULL) != LOY_OK)
            d->spend_corr = CLI_NAN;
    }
    if (d->gg_status == LOY_OK)
        d->gg_status = loy_ggamma_population_mean(&d->gg_mean, d->gg);
    if (d->gg_status == LOY_OK) {
        for (i = 0; i < log->n; i++)
            zeros[i] = log->x[i] > 0 ? log->monetary[i] : 0.0;
        d->gg_status = loy_ggamma_expected_spend(out, d->gg, log->x, zeros,
                                                 log->n, NULL);
    }
    for (i = 0; d->gg_status == LOY_OK && i < log->n; i++)
        d->spend[i] = out[i];
    free(x);
    free(mon);
    free(zeros);
    free(out);
}

/* Customers with the same (x, t_x, T) have the same predictions: the
 * distinct histories (often a quarter of the customers or fewer) are
 * predicted once each. */
typedef struct patterns {
    size_t n;               /* distinct histories */
    double *x, *t_x, *T;
    size_t *of;             /* pattern of each fitted customer */
} patterns;

typedef struct history {
    double x, t_x, T;
    size_t i;               /* fitted customer */
} history;

static int
by_history(const void *pa, const void *pb)
{
    const history *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->t_x != b->t_x)
        return a->t_x < b->t_x ? -1 : 1;
    if (a->T != b->T)
        return a->T < b->T ? -1 : 1;
    return 0;
}

static void
patterns_free(patterns *p)
{
    free(p->x);
    free(p->t_x);
    free(p->T);
    free(p->of);
}

static int
patterns_make(patterns *p, const clv_data *d)
{
    size_t m = d->n_fit ? d->n_fit : 1, i;
    history *h = malloc(m * sizeof *h);
    memset(p, 0, sizeof *p);
    p->x = malloc(m * sizeof *p->x);
    p->t_x = malloc(m * sizeof *p->t_x);
    p->T = malloc(m * sizeof *p->T);
    p->of = malloc(m * sizeof *p->of);
    if (h == NULL || !p->x || !p->t_x || !p->T || !p->of) {
        free(h);
        patterns_free(p);
        return -1;
    }
    for (i = 0; i < d->n_fit; i++) {
        h[i].x = d->x[i];
        h[i].t_x = d->t_x[i];
        h[i].T = d->T[i];
        h[i].i = i;
    }
    qsort(h, d->n_fit, sizeof *h, by_history);
    for (i = 0; i < d->n_fit; i++) {
        if (p->n == 0 || by_history(&h[i - 1], &h[i]) != 0) {
            p->x[p->n] = h[i].x;
            p->t_x[p->n] = h[i].t_x;
            p->T[p->n] = h[i].T;
            p->n++;
        }
        p->of[h[i].i] = p->n - 1;
    }
    free(h);
    return 0;
}

/* P(alive), expected purchases and discounted CLV of the fitted rows with
 * model k; LOY_OK or the library's status (nothing written then). */
static int
predict(int k, const double *params, const clv_input *in, clv_data *d)
{
    size_t j, i, months = (size_t)ceil(in->horizon), m;
    double *pa = NULL, *prev = NULL, *cur = NULL, *value = NULL;
    const model *md = &models[k];
    loy_predict_options po = LOY_PREDICT_OPTIONS_INIT;
    patterns pt;
    int rc;
    po.threads = in->threads;
    if (patterns_make(&pt, d) != 0)
        return LOY_ENOMEM;
    m = pt.n ? pt.n : 1;
    pa = malloc(m * sizeof *pa);
    prev = calloc(m, sizeof *prev);
    cur = malloc(m * sizeof *cur);
    value = calloc(m, sizeof *value);
    rc = pa && prev && cur && value ? LOY_OK : LOY_ENOMEM;
    if (rc == LOY_OK)
        rc = md->score(pa, NULL, params, pt.x, pt.t_x, pt.T, pt.n, 0.0, &po,
                       NULL);
    for (i = 1; rc == LOY_OK && i <= months; i++) {
        double t = (i < months ? (double)i : in->horizon) * in->per_month;
        double disc = pow(1.0 + in->discount, (double)i);
        rc = md->score(NULL, cur, params, pt.x, pt.t_x, pt.T, pt.n, t, &po,
                       NULL);
        for (j = 0; rc == LOY_OK && j < pt.n; j++) {
            if (!isfinite(cur[j]) || !isfinite(pa[j])) {
                rc = LOY_ENONFINITE;
                break;
            }
            value[j] += (cur[j] - prev[j]) / disc;
            prev[j] = cur[j];
        }
    }
    for (j = 0; rc == LOY_OK && j < d->n_fit; j++) {
        size_t r = d->row[j], q = pt.of[j];
        double per = in->margin_absolute ? in->margin : in->margin * d->spend[r];
        d->p_alive[r] = pa[q];
        d->expected[r] = prev[q];
        d->clv[r] = per * value[q];
    }
    patterns_free(&pt);
    free(pa);
    free(prev);
    free(cur);
    free(value);
    return rc;
}

/* With a calibration split given by the user: predicted vs actual holdout
 * purchases of the chosen model. */
static void
holdout_totals(const log_data *log, clv_data *d)
{
    const model_fit *f = &d->fits[d->chosen];
    d->holdout_predicted = f->ho_predicted;
    d->holdout_actual = f->ho_actual;
    (void)log;
}

/* ---- entry point ----------------------------------------------------------- */

static int
clv_alloc(clv_data *d, size_t n)
{
    size_t m = n ? n : 1, i;
    d->p_alive = malloc(m * sizeof *d->p_alive);
    d->expected = malloc(m * sizeof *d->expected);
    d->spend = malloc(m * sizeof *d->spend);
    d->clv = malloc(m * sizeof *d->clv);
    if (!d->p_alive || !d->expected || !d->spend || !d->clv)
        return -1;
    for (i = 0; i < n; i++)
        d->p_alive[i] = d->expected[i] = d->clv[i] = CLI_NAN;
    return 0;
}

static void
adopt_fit_set(clv_data *d, fit_set *fs)
{
    size_t i;
    d->x = fs->x;
    d->t_x = fs->t_x;
    d->T = fs->T;
    d->row = fs->row;
    d->n_fit = fs->n;
    for (i = 0; i < fs->n; i++)
        d->one_time_buyers += fs->x[i] == 0;
    memset(fs, 0, sizeof *fs);
}

/* The models to try: the one named, or all three. */
static void
select_candidates(const clv_input *in, clv_data *d)
{
    int k, named = find_model(in->model);
    for (k = 0; k < N_MODELS; k++) {
        d->tried[k] = named < 0 || k == named;
        d->fits[k].bic = d->fits[k].ho_rmse = d->fits[k].ho_mae = CLI_NAN;
        d->fits[k].ho_predicted = d->fits[k].ho_actual = CLI_NAN;
        d->cal_fits[k] = d->fits[k];
    }
}

/* Fit model k to the data the predictions use (once). */
static void
fit_full(int k, const clv_input *in, clv_data *d, progress *pg)
{
    fit_set fs = {d->n_fit, d->x, d->t_x, d->T, d->row};
    if (d->fitted[k])
        return;
    progress_step(pg, "fitting %s", models[k].title);
    fit_one(k, &fs, in, &d->fits[k]);
    d->fitted[k] = 1;
}

static void
fit_all(const clv_input *in, clv_data *d, progress *pg)
{
    int k;
    for (k = 0; k < N_MODELS; k++)
        if (d->tried[k])
            fit_full(k, in, d, pg);
}

/* Set up the comparison (holdout or BIC) for the chosen models. */
static int
compare(const char *cmd, const clv_input *in, const log_data *log, clv_data *d,
        progress *pg)
{
    fit_set fs = {d->n_fit, d->x, d->t_x, d->T, d->row};
    int k, rc;
    d->choice = strcmp(in->model, "auto") != 0 ? CHOICE_NAMED : CHOICE_BIC;
    if (log->calibration || d->choice == CHOICE_NAMED)
        fit_all(in, d, pg);
    if (log->calibration) {
        /* the user's split: the models were fitted on the calibration part */
        d->ho_duration = log->info.duration_holdout;
        d->ho_customers = d->n_fit;
        d->split_end = log->cal_end;
        d->naive_rmse = naive_rmse(&fs, log, d->ho_duration);
        for (k = 0; k < N_MODELS; k++)
            if (d->tried[k] && usable(&d->fits[k]))
                judge_holdout(k, &fs, log, d->ho_duration, &d->fits[k]);
        if (d->choice == CHOICE_BIC)
            d->choice = CHOICE_HOLDOUT;
        return 0;
    }
    if (d->choice == CHOICE_NAMED)
        return 0;
    if ((rc = auto_split(cmd, in, log, d, pg)) < 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    /* With a holdout ranking on a large base, only the models that are
     * needed get fitted to the whole log (choose_and_predict); otherwise
     * all of them, for the BIC and the table. */
    if (rc == 0 && d->choice == CHOICE_HOLDOUT) {
        int usable_cal = 0;
        for (k = 0; k < N_MODELS; k++)
            usable_cal += d->tried[k] && usable(&d->cal_fits[k])
                          && isfinite(d->cal_fits[k].ho_rmse);
        if (usable_cal == 0) {
            d->choice = CHOICE_BIC;
            d->split_auto = 0;
            snprintf(d->why_bic, sizeof d->why_bic, "no model could be fitted "
                     "to the calibration part");
        }
    }
    if (rc == 0 && !(d->choice == CHOICE_HOLDOUT && d->n_fit > HOLDOUT_SAMPLE))
        fit_all(in, d, pg);
    return rc;
}

/* Predict with the best model whose predictions work. */
static int
choose_and_predict(const char *cmd, const clv_input *in, clv_data *d,
                   progress *pg)
{
    int order[N_MODELS], n = rank_models(d, order), i, rc = LOY_EDEGENERATE;
    for (i = 0; i < n; i++) {
        fit_full(order[i], in, d, pg);
        if (!usable(&d->fits[order[i]])) {
            rc = d->fits[order[i]].status;
            d->n_fallback++;
            cli_warn(cmd, "%s: the fit to the whole log failed (%s)%s",
                     models[order[i]].title, loy_strerror(rc),
                     i + 1 < n ? "; using the next model" : "");
            continue;
        }
        progress_step(pg, "predicting with %s", models[order[i]].title);
        rc = predict(order[i], d->fits[order[i]].params, in, d);
        if (rc == LOY_OK) {
            d->chosen = order[i];
            break;
        }
        d->fits[order[i]].warn |= FITW_PREDICT;
        d->n_fallback++;
        cli_warn(cmd, "%s: predictions failed (%s)%s", models[order[i]].title,
                 loy_strerror(rc), i + 1 < n ? "; using the next model" : "");
    }
    if (n == 0) {
        for (i = 0; i < N_MODELS; i++)
            if (d->tried[i])
                cli_lib_error(cmd, models[i].title, d->fits[i].status);
        return EXIT_DATA;
    }
    if (rc != LOY_OK) {
        cli_error(cmd, "no lifetime model gives usable predictions");
        return EXIT_DATA;
    }
    memcpy(d->params, d->fits[d->chosen].params, sizeof d->params);
    memcpy(d->param_names, models[d->chosen].params, sizeof d->param_names);
    d->report = d->fits[d->chosen].report;
    d->fit_status = d->fits[d->chosen].status;
    return 0;
}

int
clv_run(const char *cmd, const clv_input *in, const log_data *log, clv_data *d)
{
    fit_set fs;
    progress pg;
    int rc;
    memset(d, 0, sizeof *d);
    d->naive_rmse = CLI_NAN;
    d->n = log->n;
    if (clv_alloc(d, log->n) != 0 || fit_set_make(&fs, log) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    adopt_fit_set(d, &fs);
    if (d->n_fit == 0) {
        cli_error(cmd, "no customer with T > 0 to fit (every customer was first "
                  "seen at the observation end)");
        return EXIT_DATA;
    }
    progress_init(&pg, cmd);
    select_candidates(in, d);
    rc = compare(cmd, in, log, d, &pg);
    if (rc == 0) {
        progress_step(&pg, "fitting the spend model");
        spend_model(log, d);
        rc = choose_and_predict(cmd, in, d, &pg);
    }
    progress_clear(&pg);
    if (rc != 0)
        return rc;
    if (d->gg_status != LOY_OK && !in->margin_absolute)
        cli_warn(cmd, "Gamma-Gamma spend model unavailable (%s); using each "
                 "customer's observed mean spend", loy_strerror(d->gg_status));
    if (log->calibration)
        holdout_totals(log, d);
    return 0;
}

void
clv_data_free(clv_data *d)
{
    free(d->x);
    free(d->t_x);
    free(d->T);
    free(d->row);
    free(d->p_alive);
    free(d->expected);
    free(d->spend);
    free(d->clv);
    memset(d, 0, sizeof *d);
}

const char *
clv_choice_text(const clv_data *d, char *buf, size_t size)
{
    const model_fit *f = d->split_auto ? &d->cal_fits[d->chosen]
                                       : &d->fits[d->chosen];
    size_t n;
    switch (d->choice) {
    case CHOICE_NAMED:
        snprintf(buf, size, "%s, as named with --model", models[d->chosen].title);
        break;
    case CHOICE_HOLDOUT:
        snprintf(buf, size, "%s: lowest holdout error (RMSE %.3f purchases per "
                 "customer; naive forecast %.3f)", models[d->chosen].title,
                 f->ho_rmse, d->naive_rmse);
        break;
    default:
        snprintf(buf, size, "%s: lowest BIC (%.1f); no holdout test: %s",
                 models[d->chosen].title, d->fits[d->chosen].bic, d->why_bic);
    }
    n = strlen(buf);
    if (d->n_fallback > 0 && n < size)
        snprintf(buf + n, size - n, "; the %zu model%s ranked before it gave no "
                 "usable predictions", d->n_fallback, d->n_fallback == 1 ? "" : "s");
    return buf;
}
