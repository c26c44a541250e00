/* SPDX-License-Identifier: MIT */
/*
 * cmd_segment.c - `loyalty segment`: ABC analysis and the ABC x loyalty
 * matrix (MODELS.md sections 7 and 8).
 *
 * The library classifies the values (fixed cut-offs or the computed ABC),
 * classifies the scores and estimates the NPS of each value class; the
 * matrix cells are sums over those classes. Customers without an answer
 * form their own column, never counted as passives.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

static const char *const abc_names[3] = {"A", "B", "C"};

/* Cell names (MODELS.md section 8; loyalty order D, A, P, none). The
 * actions come from the library (loy_segment_cross). */
static const char *const labels[3][4] = {
    {"Critical risk", "Vulnerable core", "Champions", "A, no answer"},
    {"At risk", "Core", "Growth advocates", "B, no answer"},
    {"Let go / selective", "Maintain", "Low-value advocates", "C, no answer"}};

const char *
seg_label(int abc, int loyalty)
{
    return labels[abc][loyalty < 0 ? SEG_NO_RESPONSE : loyalty];
}

/* Descriptions of the library's LOY_ACTION_* codes (MODELS.md 8). */
const char *
seg_action_text(int32_t action)
{
    switch (action) {
    case LOY_ACTION_PROTECT_LEVERAGE:
        return "protect and leverage: references, referral asks, expansion";
    case LOY_ACTION_SECURE:
        return "secure: value-realisation plan, executive sponsor";
    case LOY_ACTION_RESCUE:
        return "rescue now: closed loop within 48 h, escalation, root cause";
    case LOY_ACTION_GROW_WALLET:
        return "grow share of wallet: up-/cross-sell, referral programme";
    case LOY_ACTION_NURTURE:
        return "nurture and activate: adoption programmes";
    case LOY_ACTION_RECOVER:
        return "recover at moderate cost";
    case LOY_ACTION_CHEAP_LEVERAGE:
        return "cheap leverage: reviews, referrals; control cost";
    case LOY_ACTION_MAINTAIN:
        return "maintain: low-cost digital service";
    case LOY_ACTION_LET_GO:
        return "let go / selective: fix systemic causes, price for cost-to-serve";
    case LOY_ACTION_DEVELOP:
        return "develop: invest to grow the share of wallet";
    case LOY_ACTION_HARVEST:
        return "harvest: maintain at low cost";
    case LOY_ACTION_REACH_OUT:
        return "reach out and get a reading";
    default:
        return "";
    }
}

/* Library column of a loyalty class (LOY_CLASS_* or -1). */
static int
lib_column(int loyalty)
{
    return loyalty == LOY_CLASS_PROMOTER ? LOY_SEGMENT_COL_PROMOTER
           : loyalty == LOY_CLASS_PASSIVE ? LOY_SEGMENT_COL_PASSIVE
           : loyalty == LOY_CLASS_DETRACTOR ? LOY_SEGMENT_COL_DETRACTOR
           : LOY_SEGMENT_COL_NO_RESPONSE;
}

int32_t
seg_action_code(const seg_data *d, int abc, int loyalty)
{
    int32_t act = LOY_ACTION_NONE;
    uint32_t cell = (uint32_t)LOY_SEGMENT_CELL(abc, lib_column(loyalty), 0);
    loy_segment_cell_action(&act, cell, d->with_potential);
    return act;
}

const char *
seg_action(const seg_data *d, int abc, int loyalty)
{
    return seg_action_text(seg_action_code(d, abc, loyalty));
}

const char *
seg_loyalty_name(int loyalty)
{
    static const char *const names[4] = {"detractor", "passive", "promoter",
                                         "no response"};
    return names[loyalty < 0 ? SEG_NO_RESPONSE : loyalty];
}

static int
classify_values(const seg_input *in, seg_data *d, size_t *bad)
{
    if (d->computed) {
        d->comp.struct_size = sizeof d->comp;
        return loy_abc_computed_classify(d->abc, &d->comp, d->value, d->n, 0, bad);
    }
    d->fixed.struct_size = sizeof d->fixed;
    return loy_abc_classify(d->abc, &d->fixed, d->value, d->n, in->cut_a,
                            in->cut_b, in->flags, bad);
}

/* The ABC x loyalty matrix from the library; cells summed over the
 * potential levels for the 3 x 4 views. */
static int
cross(const seg_input *in, const double *potential, seg_data *d, size_t *bad)
{
    loy_segment_input si = LOY_SEGMENT_INPUT_INIT;
    size_t i;
    int a, l, rc;
    for (i = 0; i < d->n; i++) {
        d->loy32[i] = d->loyalty[i] < 0 ? LOY_SEGMENT_NO_ANSWER : d->loyalty[i];
        if (potential != NULL) {
            double s = potential[i] > 0 ? d->value[i] / potential[i] : 1.0;
            d->sow[i] = !(s >= 0) ? 0.0 : s > 1.0 ? 1.0 : s;
        }
    }
    si.n = d->n;
    si.value = d->value;
    si.value_class = d->abc;
    si.loyalty = d->loy32;
    si.potential = potential != NULL ? d->sow : NULL;
    si.potential_threshold = 0.5;
    si.nps_level = in->level;
    si.nps_method = LOY_NPS_ADJUSTED_WALD;
    si.flags = LOY_SEGMENT_CLAMP_NEGATIVE | (potential != NULL ? LOY_SEGMENT_SOW : 0u);
    d->res.struct_size = sizeof d->res;
    rc = loy_segment_cross(&d->res, d->cells, &si, bad);
    if (rc != LOY_OK)
        return rc;
    d->with_potential = d->res.with_potential;
    d->revenue_at_risk = d->res.value_at_risk;
    for (a = 0; a < 3; a++)
        for (l = 0; l < 4; l++) {
            int lvl, c;
            for (lvl = 0; lvl < 2; lvl++) {
                c = LOY_SEGMENT_CELL(a, lib_column(l == SEG_NO_RESPONSE ? -1 : l), lvl);
                d->cell[a][l].count += d->res.count[c];
                d->cell[a][l].revenue += d->res.value[c];
                d->cell[a][l].revenue_share += d->res.value_share[c];
            }
        }
    return LOY_OK;
}

static int
cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Points of the ABC curve: share of customers vs share of value. */
static int
abc_curve(seg_data *d)
{
    double *sorted = malloc(d->n * sizeof *sorted), total = 0.0, cum = 0.0;
    size_t i;
    d->curve_x = malloc((d->n + 1) * sizeof *d->curve_x);
    d->curve_y = malloc((d->n + 1) * sizeof *d->curve_y);
    if (sorted == NULL || d->curve_x == NULL || d->curve_y == NULL) {
        free(sorted);
        return -1;
    }
    for (i = 0; i < d->n; i++)
        total += (sorted[i] = d->value[i] > 0.0 ? d->value[i] : 0.0);
    qsort(sorted, d->n, sizeof *sorted, cmp_double_desc);
    d->curve_x[0] = d->curve_y[0] = 0.0;
    for (i = 0; i < d->n; i++) {
        cum += sorted[i];
        d->curve_x[i + 1] = (double)(i + 1) / (double)d->n;
        d->curve_y[i + 1] = cum / total;
    }
    free(sorted);
    return 0;
}

static int
seg_alloc(seg_data *d, size_t n, int with_potential)
{
    size_t m = n ? n : 1;
    d->abc = malloc(m);
    d->cells = malloc(m);
    d->loy32 = malloc(m * sizeof *d->loy32);
    d->sow = with_potential ? malloc(m * sizeof *d->sow) : NULL;
    return d->abc && d->cells && d->loy32 && (d->sow || !with_potential) ? 0 : -1;
}

int
seg_run(const char *cmd, const seg_input *in, const double *value,
        const int8_t *loyalty, const double *potential, size_t n, seg_data *d)
{
    size_t bad = LOY_NO_INDEX;
    int rc;
    memset(d, 0, sizeof *d);
    d->n = n;
    d->value = value;
    d->loyalty = loyalty;
    d->computed = strcmp(in->method, "computed") == 0;
    if (seg_alloc(d, n, potential != NULL) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    rc = classify_values(in, d, &bad);
    if (rc == LOY_OK)
        rc = cross(in, potential, d, &bad);
    if (rc != LOY_OK) {
        cli_lib_error(cmd, "segmentation", rc);
        return EXIT_DATA;
    }
    if (abc_curve(d) != 0) {
        cli_error(cmd, "out of memory");
        return EXIT_DATA;
    }
    return 0;
}

void
seg_data_free(seg_data *d)
{
    free(d->abc);
    free(d->cells);
    free(d->loy32);
    free(d->sow);
    free(d->curve_x);
    free(d->curve_y);
    memset(d, 0, sizeof *d);
}

/* ---- printing ------------------------------------------------------------ */

static void
print_abc(out_w *o, const seg_data *d, const seg_input *in)
{
    static const out_col cols[] = {
        {"class", 6, 0, 0}, {"customers", 0, 0, 0}, {"customer_share", 0, 1, 1},
        {"value", 12, 2, 0}, {"value_share", 0, 1, 1}};
    int a;
    out_section(o, "abc", "ABC analysis");
    out_str(o, "method", "method", d->computed ? "computed (Ultsch & Loetsch)"
                                               : "fixed cut-offs");
    out_int(o, "customers", "customers", (int64_t)d->n);
    if (d->computed) {
        out_num(o, "ab_limit", "A: value above", d->comp.ab_limit, 2);
        out_num(o, "bc_limit", "C: value below", d->comp.bc_limit, 2);
        out_pts(o, "gini", "Gini (%)", d->comp.gini);
    } else {
        out_pts(o, "cut_a", "cut-off A (% of value)", d->fixed.cut_a);
        out_pts(o, "cut_b", "cut-off B (% of value)", d->fixed.cut_b);
        out_str(o, "rule", "boundary rule",
                d->fixed.rule == LOY_ABC_RULE_BEFORE ? "before" : "after");
        out_str(o, "basis", "basis", d->fixed.basis == LOY_ABC_BASIS_COUNT ? "count" : "value");
        out_num(o, "threshold_ab", "A: value at least", d->fixed.threshold_ab, 2);
        out_num(o, "threshold_bc", "B: value at least", d->fixed.threshold_bc, 2);
    }
    out_num(o, "revenue_at_risk", "revenue of detractors", d->revenue_at_risk, 2);
    out_section_end(o);
    out_table(o, "classes", "Value classes", 0, cols, 5);
    for (a = 0; a < 3; a++) {
        uint64_t cnt = d->computed ? d->comp.count[a] : d->fixed.count[a];
        out_cell_str(o, abc_names[a]);
        out_cell_int(o, (int64_t)cnt);
        out_cell_num(o, (double)cnt / (double)d->n);
        out_cell_num(o, d->computed ? d->comp.value[a] : d->fixed.value[a]);
        out_cell_num(o, d->computed ? d->comp.value_share[a] : d->fixed.value_share[a]);
    }
    out_table_end(o);
    (void)in;
}

static void
print_class_nps(out_w *o, const seg_data *d)
{
    static const out_col cols[] = {
        {"class", 6, 0, 0}, {"respondents", 0, 0, 0}, {"nps", 7, 1, 1},
        {"lower", 7, 1, 1}, {"upper", 7, 1, 1}, {"revenue_weighted_nps", 0, 1, 1},
        {"value_at_risk", 0, 2, 0}};
    const loy_segment_result *r = &d->res;
    int a;
    out_table(o, "class_nps", "NPS per value class (adjusted Wald; points)", 0,
              cols, 7);
    for (a = 0; a < 3; a++) {
        int ok = r->class_nps_defined[a];
        out_cell_str(o, abc_names[a]);
        out_cell_int(o, (int64_t)r->class_respondents[a]);
        out_cell_num(o, ok ? r->class_nps[a] : CLI_NAN);
        out_cell_num(o, ok ? r->class_nps_lower[a] : CLI_NAN);
        out_cell_num(o, ok ? r->class_nps_upper[a] : CLI_NAN);
        out_cell_num(o, r->class_rw_nps_defined[a] ? r->class_rw_nps[a] : CLI_NAN);
        out_cell_num(o, r->class_value_at_risk[a]);
    }
    out_table_end(o);
}

static void
matrix_row(out_w *o, const seg_data *d, int a, int l, int lvl)
{
    const loy_segment_result *r = &d->res;
    int lc = l == SEG_NO_RESPONSE ? -1 : l;
    int c = LOY_SEGMENT_CELL(a, lib_column(lc), lvl);
    out_cell_str(o, abc_names[a]);
    out_cell_str(o, seg_loyalty_name(lc));
    if (d->with_potential)
        out_cell_str(o, lvl == LOY_SEGMENT_DEVELOP ? "develop" : "harvest");
    out_cell_int(o, (int64_t)r->count[c]);
    out_cell_num(o, r->value[c]);
    out_cell_num(o, r->value_share[c]);
    out_cell_str(o, r->small[c] ? "yes" : "no");
    out_cell_str(o, seg_label(a, lc));
    out_cell_str(o, loy_segment_action_name(r->action[c]));
    out_cell_str(o, seg_action_text(r->action[c]));
}

static void
print_matrix(out_w *o, const seg_data *d)
{
    static const out_col plain[] = {
        {"class", 6, 0, 0}, {"loyalty", 11, 0, 0}, {"customers", 0, 0, 0},
        {"revenue", 12, 2, 0}, {"revenue_share", 0, 1, 1}, {"small", 5, 0, 0},
        {"label", 19, 0, 0}, {"action", 16, 0, 0}, {"what", 0, 0, 0}};
    static const out_col split[] = {
        {"class", 6, 0, 0}, {"loyalty", 11, 0, 0}, {"level", 7, 0, 0},
        {"customers", 0, 0, 0}, {"revenue", 12, 2, 0}, {"revenue_share", 0, 1, 1},
        {"small", 5, 0, 0}, {"label", 19, 0, 0}, {"action", 16, 0, 0},
        {"what", 0, 0, 0}};
    int a, l, lvl;
    out_table(o, "matrix", "ABC x loyalty matrix (revenue share in %; small: "
              "fewer than 30 customers)", 0, d->with_potential ? split : plain,
              d->with_potential ? 10 : 9);
    for (lvl = 0; lvl < (d->with_potential ? 2 : 1); lvl++)
        for (a = 0; a < 3; a++)
            for (l = 0; l < 4; l++)
                matrix_row(o, d, a, l, lvl);
    out_table_end(o);
}

void
seg_print(out_w *o, const seg_data *d, const seg_input *in)
{
    print_abc(o, d, in);
    print_class_nps(o, d);
    print_matrix(o, d);
}

/* ---- the segment command's input file ------------------------------------ */

typedef struct seg_file {
    idmap *ids;
    double *value, *potential;
    int8_t *loyalty;
    size_t n, cap;
    int has_potential;
} seg_file;

typedef struct seg_names {
    const char *id, *value, *score, *potential;
    const score_scale *scale;
} seg_names;

static int
seg_grow(seg_file *f)
{
    size_t cap = f->cap ? 2 * f->cap : 1024;
    double *v = realloc(f->value, cap * sizeof *v);
    double *p;
    int8_t *l;
    if (v == NULL)
        return -1;
    f->value = v;
    if ((p = realloc(f->potential, cap * sizeof *p)) == NULL)
        return -1;
    f->potential = p;
    if ((l = realloc(f->loyalty, cap * sizeof *l)) == NULL)
        return -1;
    f->loyalty = l;
    f->cap = cap;
    return 0;
}

static int
seg_row(seg_file *f, const csv_reader *r, badrows *b, const seg_names *nm,
        const long *col)
{
    size_t len;
    uint64_t idx;
    int is_new, cls;
    int32_t score;
    double v, p = CLI_NAN;
    const char *id = cli_field_text(r, b, col[0], nm->id, &len);
    int rc;
    if (id == NULL)
        return 0;
    rc = cli_field_number(r, b, col[1], nm->value, &v);
    if (rc == -2)
        badrow(b, csv_line(r), "blank value in column '%s'", nm->value);
    if (rc != 0 || (cls = scale_classify(nm->scale, r, b, col[2], nm->score,
                                         &score)) == -2)
        return 0;
    if (col[3] >= 0 && (rc = cli_field_number(r, b, col[3], nm->potential, &p)) == -1)
        return 0;
    if (idmap_intern(f->ids, id, len, &idx, &is_new) != 0)
        return -1;
    if (!is_new) {
        badrow(b, csv_line(r), "customer '%s' appears twice", id);
        return 0;
    }
    if (f->n == f->cap && seg_grow(f) != 0)
        return -1;
    f->value[f->n] = v;
    f->potential[f->n] = p;
    f->loyalty[f->n] = (int8_t)cls;
    f->n++;
    return 0;
}

static int
seg_read(const char *path, const cli_common *c, const seg_names *nm, seg_file *f)
{
    long col[4] = {-1, -1, -1, -1};
    badrows b;
    int rc;
    csv_reader *r = cli_open_csv("segment", path, &c->dialect);
    if (r == NULL)
        return EXIT_DATA;
    if ((col[0] = cli_column("segment", r, nm->id, "id-column")) < 0
        || (col[1] = cli_column("segment", r, nm->value, "value-column")) < 0
        || (col[2] = cli_column("segment", r, nm->score, "score-column")) < 0
        || (nm->potential != NULL
            && (col[3] = cli_column("segment", r, nm->potential, "potential-column")) < 0)) {
        csv_close(r);
        return EXIT_DATA;
    }
    f->has_potential = col[3] >= 0;
    badrows_init(&b, path, c->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (seg_row(f, r, &b, nm, col) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("segment", "%s:%llu: %s", path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    if (rc < 0)
        return EXIT_DATA;
    return badrows_finish(&b, "segment");
}

static void
print_customers(out_w *o, const seg_data *d, const seg_file *f,
                const cli_common *c)
{
    static const out_col cols[] = {
        {"customer_id", 12, 0, 0}, {"value", 10, 2, 0}, {"abc", 3, 0, 0},
        {"loyalty", 11, 0, 0}, {"segment", 19, 0, 0}, {"action", 16, 0, 0},
        {"share_of_wallet", 0, 1, 1}};
    size_t i, shown = cli_rows_shown(c, f->n);
    out_table(o, "customers", "Customers", 1, cols, f->has_potential ? 7 : 6);
    for (i = 0; i < shown; i++) {
        double sow = f->potential[i] > 0 ? f->value[i] / f->potential[i] : CLI_NAN;
        out_cell_str(o, idmap_name(f->ids, i));
        out_cell_num(o, f->value[i]);
        out_cell_str(o, abc_names[d->abc[i]]);
        out_cell_str(o, seg_loyalty_name(f->loyalty[i]));
        out_cell_str(o, seg_label(d->abc[i], f->loyalty[i]));
        out_cell_str(o, loy_segment_action_name(d->res.action[d->cells[i]]));
        if (f->has_potential)
            out_cell_num(o, sow);
    }
    out_table_end(o);
    cli_rows_note(o, shown, f->n);
}

static const cmd_help segment_help = {
    "segment", "loyalty segment [OPTIONS] FILE",
    "ABC analysis of customer values and the ABC x loyalty matrix: value\n"
    "class (A, B, C) against the loyalty class of the customer's score\n"
    "(detractor 0-6, passive 7-8, promoter 9-10; blank = no response, a\n"
    "column of its own), with counts, revenue shares, the NPS of each value\n"
    "class and the recommended action per cell. FILE has one row per\n"
    "customer: id, value (revenue or margin), score, optional potential.",
    "Methods: fixed (cut-offs --cut-a/--cut-b of cumulative value, default\n"
    "0.80/0.95, boundary rule --rule after|before, --basis value|count) or\n"
    "computed (Ultsch & Loetsch 2015). With a potential column the share of\n"
    "wallet value/potential splits customers into develop (< 50%) and\n"
    "maintain. Text shows shares and NPS in %/points; csv/json fractions.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

static int
seg_options(const char *rule, const char *basis, seg_input *in)
{
    if (strcmp(in->method, "fixed") != 0 && strcmp(in->method, "computed") != 0)
        return -1;
    if (strcmp(rule, "before") == 0)
        in->flags |= LOY_ABC_BEFORE;
    else if (strcmp(rule, "after") != 0)
        return -1;
    if (strcmp(basis, "count") == 0)
        in->flags |= LOY_ABC_COUNT;
    else if (strcmp(basis, "value") != 0)
        return -1;
    return 0;
}

int
cmd_segment(int argc, char **argv)
{
    cli_common c = {0};
    seg_input in = {"fixed", LOY_ABC_DEFAULT_CUT_A, LOY_ABC_DEFAULT_CUT_B, 0, 0.95};
    score_scale sc = {0};
    seg_names nm = {"customer_id", "revenue", "score", NULL, NULL};
    seg_file f = {0};
    seg_data d;
    const char *rule = "after", *basis = "value", *pos[1];
    size_t npos;
    int rc;
    out_w o;
    opt_spec specs[] = {
        {"id-column", OPT_STR, &nm.id, NULL, "NAME", "customer id column (default 'customer_id')"},
        {"value-column", OPT_STR, &nm.value, NULL, "NAME", "value column (default 'revenue')"},
        {"score-column", OPT_STR, &nm.score, NULL, "NAME", "0-10 score column, blank = no response (default 'score')"},
        {"potential-column", OPT_STR, &nm.potential, NULL, "NAME", "optional potential (category spend) column"},
        {"method", OPT_STR, &in.method, NULL, "M", "fixed or computed (default fixed)"},
        {"cut-a", OPT_NUM, &in.cut_a, NULL, "F", "cut-off of class A (default 0.80)"},
        {"cut-b", OPT_NUM, &in.cut_b, NULL, "F", "cut-off of class B (default 0.95)"},
        {"rule", OPT_STR, &rule, NULL, "R", "boundary rule: after or before (default after)"},
        {"basis", OPT_STR, &basis, NULL, "B", "value or count (default value)"},
        {"level", OPT_NUM, &in.level, NULL, "L", "confidence level (default 0.95)"},
        SCALE_SPEC(sc), CLI_LIST_SPECS(c), CLI_COMMON_SPECS(c)};
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs,
                    &segment_help, pos, 1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "segment")) != 0
        || (rc = scale_finish("segment", &sc)) != 0
        || (rc = cli_check_level("segment", "level", in.level)) != 0)
        return rc;
    nm.scale = &sc;
    if (npos != 1 || seg_options(rule, basis, &in) != 0) {
        cli_error("segment", npos != 1 ? "need one FILE (see loyalty segment --help)"
                  : "unknown --method, --rule or --basis");
        return EXIT_USAGE;
    }
    if ((f.ids = idmap_new()) == NULL)
        return EXIT_DATA;
    rc = seg_read(pos[0], &c, &nm, &f);
    if (rc == 0 && f.n == 0) {
        cli_error("segment", "%s: no customers", pos[0]);
        rc = EXIT_DATA;
    }
    if (rc == 0 && (rc = seg_run("segment", &in, f.value, f.loyalty,
                                 f.has_potential ? f.potential : NULL, f.n,
                                 &d)) == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "segment");
        seg_print(&o, &d, &in);
        print_customers(&o, &d, &f, &c);
        out_end(&o);
    }
    if (rc == 0)
        seg_data_free(&d);
    idmap_free(f.ids);
    free(f.value);
    free(f.potential);
    free(f.loyalty);
    return rc;
}
