/* SPDX-License-Identifier: MIT */
/*
 * keydrivers.c - key-driver analysis of a survey (`loyalty drivers` and the
 * report's section): which rated attributes move the outcome (the 0-10
 * likelihood to recommend, promoter or not, or the NPS class), and where
 * to act first (importance crossed with today's performance).
 *
 * The rows (outcome, attribute ratings, weight) are kept in memory, since
 * the logistic and ordinal models need them; the linear analysis runs on
 * the library's moment tally. Importance is the LMG share (Shapley value
 * of R^2, general dominance), performance the mean rating on 0-100, and
 * the opportunity importance x (100 - performance) / 100 ranks the
 * attributes to work on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keydrivers.h"
#include "parse.h"

#define MAX_DRIVERS 64

void
drivers_data_free(drivers_data *d)
{
    size_t j;
    for (j = 0; d->names != NULL && j < d->p; j++)
        free(d->names[j]);
    free(d->z);
    free(d->w);
    free(d->names);
    free(d->col);
    loy_drivers_result_free(d->res);
    loy_drivers_result_free(d->prca);
    free(d->share);
    free(d->rw_share);
    free(d->beta_std);
    free(d->pvalue);
    free(d->lower);
    free(d->upper);
    free(d->performance);
    free(d->top_box);
    free(d->opportunity);
    free(d->quadrant);
    free(d->kano);
    memset(d, 0, sizeof *d);
}

int
drivers_columns(const char *cmd, const csv_reader *r, const drivers_input *in,
                drivers_data *d)
{
    const char *s = in->drivers;
    size_t p = 0;
    d->col = malloc((MAX_DRIVERS + 2) * sizeof *d->col);
    d->names = calloc(MAX_DRIVERS, sizeof *d->names);
    if (d->col == NULL || d->names == NULL)
        return -1;
    if ((d->col[0] = cli_column(cmd, r, in->outcome, "outcome")) < 0)
        return -1;
    while (*s && p < MAX_DRIVERS) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        char name[128];
        if (len == 0 || len >= sizeof name) {
            cli_error(cmd, "bad --drivers list '%s'", in->drivers);
            return -1;
        }
        memcpy(name, s, len);
        name[len] = '\0';
        if ((d->col[1 + p] = cli_column(cmd, r, name, "drivers")) < 0)
            return -1;
        {
            const char *h = csv_column_name(r, (size_t)d->col[1 + p]);
            if ((d->names[p] = malloc(strlen(h) + 1)) == NULL)
                return -1;
            strcpy(d->names[p], h);
        }
        d->p = ++p;
        s = comma ? comma + 1 : s + len;
    }
    if (p == 0 || *s) {
        cli_error(cmd, "--drivers needs 1 to %d columns", MAX_DRIVERS);
        return -1;
    }
    d->wcol = in->weight_col ? cli_column(cmd, r, in->weight_col, "weight-column")
                             : -1;
    return in->weight_col && d->wcol < 0 ? -1 : 0;
}

int
drivers_row(const csv_reader *r, badrows *b, drivers_data *d)
{
    size_t k = d->p + 1, j;
    double v[MAX_DRIVERS + 1], w = 1.0;
    for (j = 0; j < k; j++) {
        int rc = cli_field_number(r, b, d->col[j], csv_column_name(r, (size_t)d->col[j]),
                                  &v[j]);
        if (rc == -1)
            return 0;
        if (rc == -2)
            v[j] = CLI_NAN;     /* missing: the analysis drops or pairs it */
    }
    if (d->wcol >= 0) {
        int rc = cli_field_number(r, b, d->wcol, csv_column_name(r, (size_t)d->wcol), &w);
        if (rc != 0 || !(w >= 0)) {
            if (rc == 0 || rc == -2)
                badrow(b, csv_line(r), "weight must be a number >= 0");
            return 0;
        }
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        double *nz = realloc(d->z, cap * k * sizeof *nz), *nw;
        if (nz == NULL)
            return -1;
        d->z = nz;
        if ((nw = realloc(d->w, cap * sizeof *nw)) == NULL)
            return -1;
        d->w = nw;
        d->cap = cap;
    }
    memcpy(d->z + d->n * k, v, k * sizeof *v);
    d->w[d->n++] = w;
    return 0;
}

/* The smallest usual rating scale holding every rating seen. */
static void
guess_scale(drivers_data *d)
{
    static const int32_t scales[5][2] = {{1, 5}, {1, 7}, {0, 10}, {1, 10}, {0, 100}};
    double lo = INFINITY, hi = -INFINITY;
    size_t i, j, k = d->p + 1;
    int s;
    for (i = 0; i < d->n; i++)
        for (j = 1; j < k; j++) {
            double v = d->z[i * k + j];
            if (v == v) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
    for (s = 0; s < 5; s++)
        if (lo >= scales[s][0] && hi <= scales[s][1])
            break;
    if (s == 5) {
        d->lo = (int32_t)floor(lo);
        d->hi = (int32_t)ceil(hi);
    } else {
        d->lo = scales[s][0];
        d->hi = scales[s][1];
    }
}

/* The outcome as the model needs it: the rating (linear), promoter 0/1
 * (logistic), the NPS class 0/1/2 (ordinal). */
static void
recode_outcome(drivers_data *d, const drivers_input *in)
{
    int32_t dmax = in->breaks ? in->breaks[1] : 6, pmax = in->breaks ? in->breaks[2] : 8;
    size_t i, k = d->p + 1;
    for (i = 0; i < d->n && d->model != LOY_DRIVERS_MODEL_LINEAR; i++) {
        double y = d->z[i * k];
        if (y != y)
            continue;
        d->z[i * k] = d->model == LOY_DRIVERS_MODEL_LOGISTIC ? (double)(y > pmax)
                      : y <= dmax ? 0.0 : y <= pmax ? 1.0 : 2.0;
    }
}

static int
get_metric(double *out, size_t len, const loy_drivers_result *r, uint32_t metric,
           uint32_t stat)
{
    size_t have = 0;
    int rc = loy_drivers_result_get(out, len, &have, r, metric, stat);
    return rc == LOY_OK && have == len ? LOY_OK : rc == LOY_OK ? LOY_EINVAL : rc;
}

static int
run_model(const char *cmd, drivers_data *d, const drivers_input *in)
{
    loy_drivers_spec spec = LOY_DRIVERS_SPEC_INIT;
    loy_drivers_options opts = LOY_DRIVERS_OPTIONS_INIT;
    size_t drv[MAX_DRIVERS], j, bad = LOY_NO_INDEX, k = d->p + 1;
    uint64_t *ids = NULL;
    loy_moments *t = NULL;
    int rc;
    for (j = 0; j < d->p; j++)
        drv[j] = j + 1;
    spec.outcome = 0;
    spec.drivers = drv;
    spec.n_drivers = d->p;
    opts.level = in->level;
    if (d->p > 16)
        opts.flags |= LOY_DRIVERS_SAMPLE;
    if (d->model == LOY_DRIVERS_MODEL_LINEAR) {
        rc = loy_moments_new(&t, k, in->pairwise ? LOY_MOMENTS_PAIRWISE
                                                  : LOY_MOMENTS_LISTWISE);
        if (rc == LOY_OK && in->bootstrap > 0) {
            rc = loy_moments_set_bootstrap(t, in->bootstrap, 20240101u);
            ids = malloc((d->n ? d->n : 1) * sizeof *ids);
            if (ids == NULL)
                rc = LOY_ENOMEM;
            for (j = 0; rc == LOY_OK && j < d->n; j++)
                ids[j] = j;
            opts.flags |= LOY_DRIVERS_BOOTSTRAP;
        }
        if (rc == LOY_OK)
            rc = loy_moments_add(t, d->z, d->n, k, 1, d->w, ids, &bad);
        if (rc == LOY_OK)
            rc = loy_drivers_linear(&d->res, t, &spec, &opts, &bad);
        loy_moments_free(t);
        free(ids);
    } else {
        opts.flags |= LOY_DRIVERS_LISTWISE;
        opts.index = LOY_DRIVERS_NAGELKERKE;
        rc = (d->model == LOY_DRIVERS_MODEL_LOGISTIC ? loy_drivers_logistic
                                                     : loy_drivers_ordinal)(
            &d->res, d->z, d->n, k, k, 1, d->w, &spec, &opts, &bad);
        if (rc == LOY_ENOCONV) {
            cli_warn(cmd, "a model did not converge (the outcome is perfectly "
                     "separated by a driver?); results use the best points");
            rc = LOY_OK;
        }
    }
    if (rc != LOY_OK) {
        if (rc == LOY_EDEGENERATE && bad != LOY_NO_INDEX && bad < k)
            cli_error(cmd, "driver analysis: column '%s' is constant or a linear "
                      "combination of others", bad == 0 ? in->outcome : d->names[bad - 1]);
        else if (rc == LOY_EDEGENERATE)
            cli_error(cmd, "driver analysis: too few complete rows (%zu) for %zu "
                      "drivers", d->n, d->p);
        else
            cli_lib_error(cmd, "driver analysis", rc);
        return EXIT_DATA;
    }
    return 0;
}

static int
alloc_out(drivers_data *d)
{
    size_t p = d->p;
    d->share = calloc(p, sizeof *d->share);
    d->rw_share = calloc(p, sizeof *d->rw_share);
    d->beta_std = calloc(p, sizeof *d->beta_std);
    d->pvalue = calloc(p, sizeof *d->pvalue);
    d->lower = malloc(p * sizeof *d->lower);
    d->upper = malloc(p * sizeof *d->upper);
    d->performance = calloc(p, sizeof *d->performance);
    d->top_box = calloc(p, sizeof *d->top_box);
    d->opportunity = calloc(p, sizeof *d->opportunity);
    d->quadrant = calloc(p, sizeof *d->quadrant);
    d->kano = calloc(p, sizeof *d->kano);
    return d->share && d->rw_share && d->beta_std && d->pvalue && d->lower
           && d->upper && d->performance && d->top_box && d->opportunity
           && d->quadrant && d->kano ? 0 : -1;
}

/* Importance-performance: histograms of the ratings, then the library. */
static int
ipa(drivers_data *d)
{
    size_t L = (size_t)(d->hi - d->lo + 1), k = d->p + 1;
    double *hist = calloc(d->p * L, sizeof *hist);
    int rc;
    if (hist == NULL)
        return LOY_ENOMEM;
    rc = loy_drivers_hist_add(hist, d->p, d->lo, d->hi, d->z + 1, d->n, k, 1, d->w,
                              1, NULL);
    if (rc == LOY_OK)
        rc = loy_drivers_ipa(d->performance, d->top_box, NULL, d->quadrant,
                             d->opportunity, NULL, d->share, hist, d->p, d->lo,
                             d->hi, NULL, NULL);
    free(hist);
    return rc;
}

/* Penalty-reward contrasts: basic, performance and excitement factors. */
static int
prca(drivers_data *d, const drivers_input *in)
{
    loy_moments *t = NULL;
    size_t k = d->p + 1, i;
    double *y = malloc((d->n ? d->n : 1) * sizeof *y);
    double low = d->hi == 10 && d->lo == 0 ? 6.0 : d->lo + floor((d->hi - d->lo) / 4.0);
    double high = d->hi == 10 && d->lo == 0 ? 9.0 : (double)d->hi;
    size_t len;
    int rc = y != NULL ? loy_moments_new(&t, 2 * d->p + 1, LOY_MOMENTS_LISTWISE)
                       : LOY_ENOMEM;
    for (i = 0; rc == LOY_OK && i < d->n; i++)
        y[i] = d->z[i * k];
    if (rc == LOY_OK)
        rc = loy_drivers_prca_add(t, y, d->z + 1, d->n, d->p, k, 1, d->w, NULL, low,
                                  high, NULL);
    if (rc == LOY_OK)
        rc = loy_drivers_prca(&d->prca, t, d->p, 1.0 - in->level, NULL);
    if (rc == LOY_OK)
        rc = loy_drivers_result_kano(d->kano, d->p, &len, d->prca);
    loy_moments_free(t);
    free(y);
    return rc;
}

int
drivers_analyse(const char *cmd, drivers_data *d, const drivers_input *in)
{
    size_t j;
    int rc;
    if (d->n == 0) {
        cli_error(cmd, "driver analysis: no rows");
        return EXIT_DATA;
    }
    d->model = in->model;
    guess_scale(d);
    if (in->scale_lo < in->scale_hi) {
        d->lo = in->scale_lo;
        d->hi = in->scale_hi;
    }
    if (alloc_out(d) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    if (in->prca && (rc = prca(d, in)) != LOY_OK) {
        cli_warn(cmd, "penalty-reward analysis unavailable (%s): an attribute "
                 "needs both low and high ratings", loy_strerror(rc));
        d->prca_failed = 1;
    }
    recode_outcome(d, in);
    if ((rc = run_model(cmd, d, in)) != 0)
        return rc;
    d->summary.struct_size = sizeof d->summary;
    loy_drivers_result_summary(&d->summary, d->res);
    if (get_metric(d->share, d->p, d->res, LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_ESTIMATE)
        != LOY_OK) {
        cli_error(cmd, "driver analysis: the drivers explain nothing (R\xC2\xB2 = 0)");
        return EXIT_DATA;
    }
    if (get_metric(d->rw_share, d->p, d->res, LOY_DRIVERS_RW_SHARE,
                   LOY_DRIVERS_ESTIMATE) != LOY_OK)
        for (j = 0; j < d->p; j++)
            d->rw_share[j] = CLI_NAN;
    if (get_metric(d->beta_std, d->p, d->res, LOY_DRIVERS_BETA_STD,
                   LOY_DRIVERS_ESTIMATE) != LOY_OK
        || get_metric(d->pvalue, d->p, d->res, LOY_DRIVERS_P,
                      LOY_DRIVERS_ESTIMATE) != LOY_OK)
        for (j = 0; j < d->p; j++)
            d->beta_std[j] = d->pvalue[j] = CLI_NAN;
    d->have_ci = get_metric(d->lower, d->p, d->res, LOY_DRIVERS_LMG_SHARE,
                            LOY_DRIVERS_LOWER) == LOY_OK
                 && get_metric(d->upper, d->p, d->res, LOY_DRIVERS_LMG_SHARE,
                               LOY_DRIVERS_UPPER) == LOY_OK;
    if ((rc = ipa(d)) != LOY_OK) {
        cli_lib_error(cmd, "importance-performance", rc);
        return EXIT_DATA;
    }
    return 0;
}

const char *
drivers_model_name(uint32_t model)
{
    return model == LOY_DRIVERS_MODEL_LOGISTIC ? "logistic (promoter or not)"
           : model == LOY_DRIVERS_MODEL_ORDINAL ? "ordinal (detractor < passive < promoter)"
           : "linear (the rating)";
}

/* Drivers in order of opportunity (where to act first). */
void
drivers_order(const drivers_data *d, size_t *order)
{
    size_t i, j;
    for (i = 0; i < d->p; i++)
        order[i] = i;
    for (i = 1; i < d->p; i++)
        for (j = i; j > 0 && d->opportunity[order[j]] > d->opportunity[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

void
drivers_print(out_w *o, const drivers_data *d, const drivers_input *in)
{
    static const out_col cols[] = {
        {"driver", 16, 0, 0}, {"importance", 10, 1, 1}, {"lower", 6, 1, 1},
        {"upper", 6, 1, 1}, {"relative_weight", 0, 1, 1}, {"beta_std", 8, 3, 0},
        {"p_value", 7, 4, 0}, {"performance", 11, 1, 0}, {"top_box", 7, 1, 1},
        {"opportunity", 11, 2, 0}, {"quadrant", 18, 0, 0}, {"kano", 11, 0, 0}};
    size_t order[MAX_DRIVERS], i;
    char scale[32];
    out_section(o, "drivers_fit", "Key drivers");
    out_str(o, "outcome", "outcome", in->outcome);
    out_str(o, "model", "model", drivers_model_name(d->model));
    out_int(o, "rows", "rows used", (int64_t)d->summary.n);
    out_num(o, "r2", d->model == LOY_DRIVERS_MODEL_LINEAR ? "R squared"
            : "R squared (Nagelkerke)", d->summary.r2, 3);
    if (d->model == LOY_DRIVERS_MODEL_LINEAR)
        out_num(o, "r2_adj", "adjusted R squared", d->summary.r2_adj, 3);
    out_num(o, "p_value", "p-value of the model", d->summary.f_p, 4);
    snprintf(scale, sizeof scale, "%d-%d", (int)d->lo, (int)d->hi);
    out_str(o, "scale", "rating scale of the drivers", scale);
    out_str(o, "importance", "importance", d->summary.flags & LOY_DRIVERS_SAMPLED
            ? "LMG share (Shapley value of R squared, sampled)"
            : "LMG share (Shapley value of R squared)");
    out_section_end(o);
    drivers_order(d, order);
    out_table(o, "drivers", "Drivers, most opportunity first (importance and top box "
              "in %; performance 0-100)", 1, cols, 12);
    for (i = 0; i < d->p; i++) {
        size_t j = order[i];
        out_cell_str(o, d->names[j]);
        out_cell_num(o, d->share[j]);
        out_cell_num(o, d->have_ci ? d->lower[j] : CLI_NAN);
        out_cell_num(o, d->have_ci ? d->upper[j] : CLI_NAN);
        out_cell_num(o, d->rw_share[j]);
        out_cell_num(o, d->beta_std[j]);
        out_cell_num(o, d->pvalue[j]);
        out_cell_num(o, d->performance[j]);
        out_cell_num(o, d->top_box[j]);
        out_cell_num(o, d->opportunity[j]);
        out_cell_str(o, loy_drivers_quadrant_name(d->quadrant[j]));
        out_cell_str(o, d->prca && !d->prca_failed ? loy_drivers_kano_name(d->kano[j])
                                                    : "");
    }
    out_table_end(o);
    out_note(o, "");
    out_note(o, "opportunity = importance x (100 - performance) / 100: work on the "
             "top rows first;");
    out_note(o, "priority fix = important and below the average performance.");
}

/* ---- the command ------------------------------------------------------------- */

static const cmd_help drivers_help = {
    "drivers", "loyalty drivers --drivers A,B,C [OPTIONS] FILE",
    "Key-driver analysis of a survey: how much of the outcome (by default\n"
    "the 0-10 'score') each rated attribute explains (LMG share: the\n"
    "Shapley value of R squared, which does not depend on the order of the\n"
    "attributes), its standardized coefficient and p-value, today's\n"
    "performance (mean rating on 0-100), the importance-performance\n"
    "quadrant, and the opportunity importance x (100 - performance) that\n"
    "ranks where to act first. With --prca, also the Kano class from a\n"
    "penalty-reward contrast analysis.",
    "Models: linear (the rating; default), logistic (promoter or not) or\n"
    "ordinal (detractor < passive < promoter; --breaks sets the classes).\n"
    "Blank ratings are missing: the row is dropped (listwise) or, with\n"
    "--pairwise, every pair of columns uses the rows where both are there.\n"
    "--bootstrap B adds percentile intervals of the importance. The rating\n"
    "scale of the attributes is the smallest of 1-5, 1-7, 0-10, 1-10, 0-100\n"
    "that holds them, or --scale LO,HI.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_drivers(int argc, char **argv)
{
    cli_common c;
    drivers_input in;
    drivers_data d;
    score_scale sc;
    const char *pos[1], *model = "linear", *scale = NULL;
    size_t npos;
    badrows b;
    csv_reader *r = NULL;
    int rc;
    out_w o;
    memset(&c, 0, sizeof c);
    memset(&in, 0, sizeof in);
    memset(&d, 0, sizeof d);
    memset(&sc, 0, sizeof sc);
    in.outcome = "score";
    in.level = 0.95;
    {
        opt_spec specs[] = {
            {"drivers", OPT_STR, &in.drivers, NULL, "A,B,C", "the rated attributes (columns, by name or number)"},
            {"outcome", OPT_STR, &in.outcome, NULL, "NAME|N", "the outcome column (default 'score', 0-10)"},
            {"model", OPT_STR, &model, NULL, "M", "linear (default), logistic or ordinal"},
            {"weight-column", OPT_STR, &in.weight_col, NULL, "NAME|N", "survey weights"},
            {"scale", OPT_STR, &scale, NULL, "LO,HI", "rating scale of the drivers (default: guessed)"},
            {"pairwise", OPT_FLAG, &in.pairwise, NULL, NULL, "pairwise deletion of blank ratings (linear)"},
            {"bootstrap", OPT_UINT, &in.bootstrap, NULL, "B", "bootstrap replicates for intervals (linear; default 0)"},
            {"prca", OPT_FLAG, &in.prca, NULL, NULL, "also Kano classes by penalty-reward contrasts"},
            {"level", OPT_NUM, &in.level, NULL, "L", "confidence level (default 0.95)"},
            SCALE_SPEC(sc), CLI_COMMON_SPECS(c)};
        rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &drivers_help,
                        pos, 1, &npos);
    }
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "drivers")) != 0
        || (rc = scale_finish("drivers", &sc)) != 0
        || (rc = cli_check_level("drivers", "level", in.level)) != 0
        || (rc = drivers_parse_model("drivers", model, &in.model)) != 0)
        return rc;
    if (scale != NULL) {
        int32_t v[2];
        if (parse_int_list(scale, v, 2) != 2 || v[0] >= v[1] || v[1] - v[0] > 1000) {
            cli_error("drivers", "bad --scale '%s' (LO,HI with LO < HI)", scale);
            return EXIT_USAGE;
        }
        in.scale_lo = v[0];
        in.scale_hi = v[1];
    }
    if (npos != 1 || in.drivers == NULL || in.bootstrap > 10000
        || (in.bootstrap > 0 && in.model != LOY_DRIVERS_MODEL_LINEAR)) {
        cli_error("drivers", npos != 1 ? "need one FILE (see loyalty drivers --help)"
                  : in.drivers == NULL ? "need --drivers A,B,C (the rated attributes)"
                  : "--bootstrap takes up to 10000 replicates, with the linear model");
        return EXIT_USAGE;
    }
    in.breaks = sc.b;
    if ((r = cli_open_csv("drivers", pos[0], &c.dialect)) == NULL)
        return EXIT_DATA;
    rc = drivers_columns("drivers", r, &in, &d) != 0 ? EXIT_DATA : 0;
    badrows_init(&b, pos[0], c.skip_bad);
    while (rc == 0 && (rc = csv_next(r)) == 1)
        rc = drivers_row(r, &b, &d) != 0 ? -2 : 0;
    if (rc < 0)
        cli_error("drivers", "%s:%llu: %s", pos[0], (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    if (rc == 0)
        rc = badrows_finish(&b, "drivers");
    else if (rc < 0)
        rc = EXIT_DATA;
    if (rc == 0)
        rc = drivers_analyse("drivers", &d, &in);
    if (rc == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "drivers");
        drivers_print(&o, &d, &in);
        out_end(&o);
    }
    drivers_data_free(&d);
    return rc;
}

int
drivers_parse_model(const char *cmd, const char *s, uint32_t *model)
{
    if (strcmp(s, "linear") == 0)
        *model = LOY_DRIVERS_MODEL_LINEAR;
    else if (strcmp(s, "logistic") == 0)
        *model = LOY_DRIVERS_MODEL_LOGISTIC;
    else if (strcmp(s, "ordinal") == 0)
        *model = LOY_DRIVERS_MODEL_ORDINAL;
    else {
        cli_error(cmd, "unknown --model '%s' (linear, logistic or ordinal)", s);
        return EXIT_USAGE;
    }
    return 0;
}
