/* SPDX-License-Identifier: MIT */
/*
 * cmd_nps.c - `loyalty nps`: NPS with intervals, overall and per group.
 *
 * Scores are tallied per group as histograms of the values 0..10 while the
 * file streams by (memory grows with the number of groups only), then the
 * library turns each histogram into a tally and an interval.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "keydrivers.h"
#include "parse.h"

#define ALL_NAME "(all)"

int
nps_parse_method(const char *s, uint32_t *method)
{
    if (strcmp(s, "wald") == 0)
        *method = LOY_NPS_WALD;
    else if (strcmp(s, "adjusted") == 0 || strcmp(s, "adjusted-wald") == 0)
        *method = LOY_NPS_ADJUSTED_WALD;
    else if (strcmp(s, "score") == 0 || strcmp(s, "tango") == 0)
        *method = LOY_NPS_SCORE;
    else
        return -1;
    return 0;
}

const char *
nps_method_name(uint32_t method)
{
    return method == LOY_NPS_WALD ? "wald"
           : method == LOY_NPS_SCORE ? "score" : "adjusted";
}

const char *
nps_flags_text(uint32_t flags, char *buf, size_t size)
{
    buf[0] = '\0';
    if (flags & LOY_NPS_SMALL_SAMPLE)
        snprintf(buf + strlen(buf), size - strlen(buf), "small");
    if (flags & LOY_NPS_CLIPPED)
        snprintf(buf + strlen(buf), size - strlen(buf), "%sclipped",
                 buf[0] ? "|" : "");
    if (flags & LOY_NPS_DEGENERATE)
        snprintf(buf + strlen(buf), size - strlen(buf), "%sdegenerate",
                 buf[0] ? "|" : "");
    return buf;
}

static void
group_init(nps_group *g, const char *name)
{
    loy_nps_wtally wt = LOY_NPS_WTALLY_INIT;
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    memset(g, 0, sizeof *g);
    g->name = name;
    g->wtally = wt;
    g->tally = t;
    g->res.struct_size = sizeof g->res;
    g->wres.struct_size = sizeof g->wres;
}

/* Index in d->groups of the group called name (created if new). */
static int
group_index(nps_data *d, const char *name, size_t len, size_t *gi)
{
    uint64_t idx;
    int is_new;
    if (idmap_intern(d->names, name, len, &idx, &is_new) != 0)
        return -1;
    *gi = (size_t)idx + 1;
    if (is_new) {
        nps_group *ng = realloc(d->groups, (*gi + 1) * sizeof *ng);
        if (ng == NULL)
            return -1;
        d->groups = ng;
        group_init(&ng[*gi], idmap_name(d->names, idx));
        d->n_groups = *gi + 1;
    }
    return 0;
}

static int
add_weighted(const nps_data *d, nps_group *g, int32_t iscore, double w,
             const nps_input *in)
{
    loy_nps_wtally one = LOY_NPS_WTALLY_INIT;
    double score = (double)iscore;
    int rc = loy_nps_wtally_f64(&one, &score, &w, 1,
                                in->scale != NULL ? in->scale->b : NULL, 0, NULL);
    (void)d;
    if (rc == LOY_OK)
        rc = loy_nps_wtally_merge(&g->wtally, &one);
    return rc;
}

typedef struct nps_cols {
    long score, group, weight, id;
} nps_cols;

/* The respondent's latest answer (later rows win); -1 on OOM. */
static int
remember_answer(nps_data *d, const csv_reader *r, badrows *b, const nps_input *in,
                long col, int32_t score)
{
    char buf[256];
    const char *id;
    size_t len;
    uint64_t idx;
    int is_new;
    const char *raw = cli_field_text(r, b, col, in->id_col, &len);
    if (raw == NULL)
        return 0;
    len = idnorm_apply(in->id_norm, raw, len, buf, sizeof buf, &id);
    if (field_blank(id, len)) {
        d->resp_blank_id++;
        return 0;
    }
    if (idmap_intern(d->resp, id, len, &idx, &is_new) != 0)
        return -1;
    if (idx >= d->resp_cap) {
        size_t cap = d->resp_cap ? 2 * d->resp_cap : 1024;
        int32_t *ns = realloc(d->resp_score, cap * sizeof *ns);
        if (ns == NULL)
            return -1;
        d->resp_score = ns;
        d->resp_cap = cap;
    }
    if (is_new || score != INT32_MIN)
        d->resp_score[idx] = score;
    return 0;
}

/* Read one data row into its group and the overall row; -1 on OOM. */
static int
nps_row(nps_data *d, const csv_reader *r, badrows *b, const nps_input *in,
        const nps_cols *c)
{
    size_t gi = 0, glen = 0;
    const char *gname = NULL;
    double w = 1.0;
    int32_t iscore = 0;
    int cls = scale_classify(in->scale, r, b, c->score, in->score_col, &iscore);
    int rc = cls >= 0 ? 0 : cls == -1 ? -2 : -1;
    if (in->drivers != NULL && drivers_row(r, b, in->drivers) != 0)
        return -1;
    if (c->group >= 0 && (gname = cli_field_text(r, b, c->group, in->group_col,
                                                 &glen)) == NULL)
        return 0;
    if (rc == -1)
        return 0;
    if (c->weight >= 0 && rc == 0) {
        int wrc = cli_field_number(r, b, c->weight, in->weight_col, &w);
        if (wrc == -2)
            badrow(b, csv_line(r), "blank weight in column '%s'", in->weight_col);
        if (wrc == 0 && w < 0.0)
            badrow(b, csv_line(r), "negative weight in column '%s'", in->weight_col);
        if (wrc != 0 || w < 0.0)
            return 0;
    }
    if (c->id >= 0 && remember_answer(d, r, b, in, c->id,
                                      rc == 0 ? iscore : INT32_MIN) != 0)
        return -1;
    if (gname != NULL) {
        if (field_blank(gname, glen))
            gname = "(blank)", glen = strlen(gname);
        if (group_index(d, gname, glen, &gi) != 0)
            return -1;
    }
    if (rc == -2) {
        d->groups[0].blank++;
        if (gi)
            d->groups[gi].blank++;
        return 0;
    }
    d->groups[0].hist[iscore - d->lo]++;
    if (gi)
        d->groups[gi].hist[iscore - d->lo]++;
    if (d->weighted && (add_weighted(d, &d->groups[0], iscore, w, in) != LOY_OK
                        || (gi && add_weighted(d, &d->groups[gi], iscore, w, in)
                                      != LOY_OK)))
        return -1;
    return 0;
}

static int
nps_columns(const char *cmd, const csv_reader *r, const nps_input *in,
            nps_cols *c)
{
    c->group = c->weight = c->id = -1;
    if ((c->score = cli_column(cmd, r, in->score_col, "score-column")) < 0)
        return -1;
    if (in->id_col != NULL
        && (c->id = cli_column(cmd, r, in->id_col, "survey-id-column")) < 0)
        return -1;
    if (in->drivers != NULL && drivers_columns(cmd, r, in->drivers_in, in->drivers) != 0)
        return -1;
    if (in->group_col != NULL
        && (c->group = cli_column(cmd, r, in->group_col, "group-column")) < 0)
        return -1;
    if (in->weight_col != NULL
        && (c->weight = cli_column(cmd, r, in->weight_col, "weight-column")) < 0)
        return -1;
    return 0;
}

static int
read_survey(const char *cmd, const nps_input *in, nps_data *d)
{
    nps_cols c;
    badrows b;
    int rc;
    csv_reader *r = cli_open_csv(cmd, in->path, in->dialect);
    if (r == NULL)
        return EXIT_DATA;
    if (nps_columns(cmd, r, in, &c) != 0) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, in->path, in->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (nps_row(d, r, &b, in, &c) != 0) {
            rc = -2;
            break;
        }
    if (rc == -1)
        cli_error(cmd, "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  csv_error(r));
    else if (rc == -2)
        cli_error(cmd, "out of memory");
    csv_close(r);
    d->bad_rows = b.count;
    if (rc != 0)
        return EXIT_DATA;
    return badrows_finish(&b, cmd);
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const nps_group *)a)->name, ((const nps_group *)b)->name);
}

static void
estimate_group(nps_group *g, const nps_input *in, const nps_data *d)
{
    int weighted = d->weighted;
    g->status = loy_nps_tally_hist(&g->tally, g->hist, (size_t)(d->hi - d->lo + 1),
                                   in->scale != NULL ? in->scale->b : NULL);
    if (g->status != LOY_OK)
        return;
    if (weighted)
        g->status = loy_nps_westimate(&g->wres, &g->wtally, in->level);
    else
        g->status = loy_nps_estimate(&g->res, &g->tally, in->method, in->level,
                                     NULL);
}

int
nps_run(const char *cmd, const nps_input *in, nps_data *d)
{
    size_t i;
    int rc;
    memset(d, 0, sizeof *d);
    d->weighted = in->weight_col != NULL;
    d->lo = in->scale != NULL && in->scale->b != NULL ? in->scale->b[0] : 0;
    d->hi = in->scale != NULL && in->scale->b != NULL ? in->scale->b[3] : 10;
    d->names = idmap_new();
    d->groups = malloc(sizeof *d->groups);
    if (in->id_col != NULL && (d->resp = idmap_new()) == NULL) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    if (d->names == NULL || d->groups == NULL) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    group_init(&d->groups[0], ALL_NAME);
    d->n_groups = 1;
    if ((rc = read_survey(cmd, in, d)) != 0)
        return rc;
    qsort(d->groups + 1, d->n_groups - 1, sizeof *d->groups, by_name);
    for (i = 0; i < d->n_groups; i++)
        estimate_group(&d->groups[i], in, d);
    if (d->groups[0].status == LOY_EEMPTY) {
        cli_error(cmd, "%s: no scores in the file (column '%s' is blank in "
                  "every row)", in->path, in->score_col);
        return EXIT_DATA;
    }
    if (d->groups[0].status != LOY_OK) {
        cli_lib_error(cmd, "NPS", d->groups[0].status);
        return EXIT_DATA;
    }
    return 0;
}

void
nps_data_free(nps_data *d)
{
    free(d->groups);
    idmap_free(d->names);
    idmap_free(d->resp);
    free(d->resp_score);
    memset(d, 0, sizeof *d);
}

/* ---- printing ------------------------------------------------------------ */

static const out_col plain_cols[] = {
    {"group", 12, 0, 0}, {"n", 6, 0, 0}, {"detractors", 0, 0, 0},
    {"passives", 0, 0, 0}, {"promoters", 0, 0, 0}, {"blank", 6, 0, 0},
    {"nps", 7, 1, 1}, {"se", 6, 1, 1}, {"lower", 7, 1, 1}, {"upper", 7, 1, 1},
    {"flags", 10, 0, 0}};

static const out_col weighted_cols[] = {
    {"group", 12, 0, 0}, {"n", 6, 0, 0}, {"sum_w", 10, 2, 0},
    {"n_eff", 8, 1, 0}, {"deff", 6, 3, 0}, {"nps", 7, 1, 1},
    {"se_kish", 7, 1, 1}, {"se_lin", 7, 1, 1}, {"lower", 7, 1, 1},
    {"upper", 7, 1, 1}, {"flags", 10, 0, 0}};

static void
print_plain_row(out_w *o, const nps_group *g)
{
    char fl[64];
    int ok = g->status == LOY_OK;
    out_cell_str(o, g->name);
    out_cell_int(o, (int64_t)g->res.n);
    out_cell_int(o, (int64_t)g->tally.detractors);
    out_cell_int(o, (int64_t)g->tally.passives);
    out_cell_int(o, (int64_t)g->tally.promoters);
    out_cell_int(o, (int64_t)g->blank);
    out_cell_num(o, ok ? g->res.nps : CLI_NAN);
    out_cell_num(o, ok ? g->res.se : CLI_NAN);
    out_cell_num(o, ok ? g->res.lower : CLI_NAN);
    out_cell_num(o, ok ? g->res.upper : CLI_NAN);
    out_cell_str(o, ok ? nps_flags_text(g->res.flags, fl, sizeof fl) : "empty");
}

static void
print_weighted_row(out_w *o, const nps_group *g)
{
    char fl[64];
    int ok = g->status == LOY_OK;
    out_cell_str(o, g->name);
    out_cell_int(o, (int64_t)g->wres.n);
    out_cell_num(o, ok ? g->wres.sum_w : CLI_NAN);
    out_cell_num(o, ok ? g->wres.n_eff : CLI_NAN);
    out_cell_num(o, ok ? g->wres.deff : CLI_NAN);
    out_cell_num(o, ok ? g->wres.nps : CLI_NAN);
    out_cell_num(o, ok ? g->wres.se_kish : CLI_NAN);
    out_cell_num(o, ok ? g->wres.se_lin : CLI_NAN);
    out_cell_num(o, ok ? g->wres.lower : CLI_NAN);
    out_cell_num(o, ok ? g->wres.upper : CLI_NAN);
    out_cell_str(o, ok ? nps_flags_text(g->wres.flags, fl, sizeof fl) : "empty");
}

/* What the flags column means, under the table, for the flags shown. */
static void
print_flags_legend(out_w *o, const nps_data *d)
{
    uint32_t all = 0;
    int empty = 0;
    size_t i;
    for (i = 0; i < d->n_groups; i++) {
        const nps_group *g = &d->groups[i];
        if (g->status != LOY_OK)
            empty = 1;
        else
            all |= d->weighted ? g->wres.flags : g->res.flags;
    }
    if (all == 0 && !empty)
        return;
    out_note(o, "");
    out_note(o, "flags:");
    if (all & LOY_NPS_SMALL_SAMPLE)
        out_note(o, "  small       fewer than 30 answers (effective): the "
                 "interval is rough, read it as a range, not a number");
    if (all & LOY_NPS_CLIPPED)
        out_note(o, "  clipped     the interval ran past -100 or +100 and "
                 "was cut there");
    if (all & LOY_NPS_DEGENERATE)
        out_note(o, "  degenerate  every answer in one class: no spread, so "
                 "the standard error is 0");
    if (empty)
        out_note(o, "  empty       no scores in this group");
}

static void
print_nps_table(out_w *o, const nps_data *d)
{
    size_t i;
    if (d->weighted)
        out_table(o, "groups", "NPS by group (weighted; points, interval on "
                  "the linearised SE)", 1, weighted_cols, 11);
    else
        out_table(o, "groups", "NPS by group (points)", 1, plain_cols, 11);
    for (i = 0; i < d->n_groups; i++) {
        if (d->weighted)
            print_weighted_row(o, &d->groups[i]);
        else
            print_plain_row(o, &d->groups[i]);
    }
    out_table_end(o);
    print_flags_legend(o, d);
}

static const nps_group *
find_group(const nps_data *d, const char *name)
{
    size_t i;
    for (i = 1; i < d->n_groups; i++)
        if (strcmp(d->groups[i].name, name) == 0)
            return &d->groups[i];
    return NULL;
}

/* --compare A,B: difference of two groups. */
static int
print_compare(out_w *o, const char *cmd, const nps_data *d,
              const nps_input *in, const char *spec)
{
    char a[256];
    const char *comma = strchr(spec, ',');
    const nps_group *ga, *gb;
    loy_nps_diff diff;
    int rc;
    if (comma == NULL || (size_t)(comma - spec) >= sizeof a) {
        cli_error(cmd, "--compare needs two groups: GROUP_A,GROUP_B");
        return EXIT_USAGE;
    }
    memcpy(a, spec, (size_t)(comma - spec));
    a[comma - spec] = '\0';
    ga = find_group(d, a);
    gb = find_group(d, comma + 1);
    if (ga == NULL || gb == NULL) {
        cli_error(cmd, "--compare: no group '%s'", ga == NULL ? a : comma + 1);
        return EXIT_DATA;
    }
    diff.struct_size = sizeof diff;
    rc = loy_nps_compare(&diff, &ga->tally, &gb->tally,
                         in->method == LOY_NPS_SCORE ? LOY_NPS_ADJUSTED_WALD
                                                     : in->method,
                         in->level, NULL);
    if (rc != LOY_OK && rc != LOY_EDEGENERATE) {
        cli_lib_error(cmd, "--compare", rc);
        return EXIT_DATA;
    }
    out_section(o, "compare", "Comparison (first minus second group)");
    out_str(o, "group_a", "first group", ga->name);
    out_str(o, "group_b", "second group", gb->name);
    out_str(o, "method", "method", nps_method_name(diff.method));
    out_pts(o, "diff", "difference (points)", diff.diff);
    out_pts(o, "se", "standard error (points)", diff.se);
    out_num(o, "z", "z statistic", diff.z_stat, 3);
    out_num(o, "p_value", "p-value (two-sided)", diff.p_value, 4);
    out_pts(o, "lower", "interval lower (points)", diff.lower);
    out_pts(o, "upper", "interval upper (points)", diff.upper);
    out_section_end(o);
    return 0;
}

static void
print_header(out_w *o, const nps_data *d, const nps_input *in, const char *key)
{
    out_section(o, key, "NPS");
    out_str(o, "file", "file", in->path);
    out_str(o, "score_column", "score column", in->score_col);
    out_str(o, "method", "interval",
            d->weighted ? "wald (linearised SE)" : nps_method_name(in->method));
    out_num(o, "level", "level", in->level, 3);
    out_int(o, "bad_rows_skipped", "bad rows skipped", (int64_t)d->bad_rows);
    out_section_end(o);
}

void
nps_print(out_w *o, const nps_data *d, const nps_input *in, const char *key)
{
    print_header(o, d, in, key);
    print_nps_table(o, d);
}

static const cmd_help nps_help = {
    "nps", "loyalty nps [OPTIONS] FILE",
    "Net Promoter Score of the 0-10 scores in a CSV column: counts of\n"
    "detractors (0-6), passives (7-8) and promoters (9-10), the NPS and its\n"
    "confidence interval, overall (row \"(all)\") and per group. Blank scores\n"
    "are non-responses: counted in 'blank', never as passives.",
    "Text output shows NPS in points (-100..100); csv and json give fractions\n"
    "(-1..1). Methods: wald, adjusted (adjusted Wald, Rocks 2016; default),\n"
    "score (Tango). With --weight-column the NPS is weighted and the interval\n"
    "uses the linearised standard error. --compare uses the adjusted Wald for\n"
    "--method score. Other scales: --breaks 1,4,5,7 reads 1-7 answers with\n"
    "detractors 1-4, passives 5 and promoters 6-7.\n"
    "The flags column: small = fewer than 30 answers (the interval is rough),\n"
    "clipped = the interval was cut at -100 or +100, degenerate = every answer\n"
    "in one class (standard error 0), empty = no scores in the group.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_nps(int argc, char **argv)
{
    cli_common c = {0};
    nps_input in = {0};
    nps_data d;
    score_scale sc = {0};
    const char *method = "adjusted", *compare = NULL, *pos[1];
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {
        {"score-column", OPT_STR, &in.score_col, NULL, "NAME", "column of the 0-10 scores (default 'score')"},
        {"group-column", OPT_STR, &in.group_col, NULL, "NAME", "column of the groups (segments)"},
        {"weight-column", OPT_STR, &in.weight_col, NULL, "NAME", "column of survey weights"},
        {"method", OPT_STR, &method, NULL, "M", "interval: wald, adjusted or score"},
        {"level", OPT_NUM, &in.level, NULL, "L", "confidence level (default 0.95)"},
        {"compare", OPT_STR, &compare, NULL, "A,B", "compare the NPS of groups A and B"},
        SCALE_SPEC(sc),
        CLI_COMMON_SPECS(c)};
    in.score_col = "score";
    in.level = 0.95;
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &nps_help,
                    pos, 1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "nps")) != 0
        || (rc = scale_finish("nps", &sc)) != 0
        || (rc = cli_check_level("nps", "level", in.level)) != 0)
        return rc;
    if (npos != 1 || nps_parse_method(method, &in.method) != 0
        || (compare != NULL && (in.group_col == NULL || in.weight_col != NULL))) {
        cli_error("nps", npos != 1 ? "need one FILE (see loyalty nps --help)"
                  : compare != NULL ? "--compare needs --group-column and no weights"
                  : "unknown --method (wald, adjusted or score)");
        return EXIT_USAGE;
    }
    in.path = pos[0];
    in.dialect = &c.dialect;
    in.scale = &sc;
    in.skip_bad = c.skip_bad;
    if ((rc = nps_run("nps", &in, &d)) == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "nps");
        nps_print(&o, &d, &in, "input");
        if (compare != NULL)
            rc = print_compare(&o, "nps", &d, &in, compare);
        out_end(&o);
    }
    nps_data_free(&d);
    return rc;
}
