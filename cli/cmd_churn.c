/* SPDX-License-Identifier: MIT */
/*
 * cmd_churn.c - `loyalty churn-cost`: churn cost and loyalty economics
 * (MODELS.md section 9) from parameters, and the value gap between
 * loyalty classes from a customer file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

typedef struct churn_args {
    double customers, churn, retention, margin, discount, growth;
    double new_customers, acquisition_cost, move, level;
    unsigned renewals, cohorts;
    int has_customers, has_churn, has_retention, has_margin;
    const char *sbg, *values, *value_col, *score_col;
    score_scale scale;
} churn_args;

static void
print_cost(out_w *o, const char *key, const char *title, const loy_churn_cost *c)
{
    out_section(o, key, title);
    out_num(o, "customers_lost", "customers lost", c->customers_lost, 1);
    out_num(o, "margin_lost", "margin lost per period", c->margin_lost, 2);
    out_num(o, "value_lost", "lifetime value lost", c->value_lost, 2);
    out_num(o, "value_lost_undiscounted", "lifetime value lost, undiscounted",
            c->value_lost_undiscounted, 2);
    out_num(o, "value_per_lost", "value per lost customer", c->value_per_lost, 2);
    out_num(o, "clv_existing", "CLV of an existing customer", c->clv_existing, 2);
    out_section_end(o);
}

static int
run_simple(out_w *o, const churn_args *a)
{
    loy_churn_cost c;
    double churn = a->has_churn ? a->churn : 1.0 - a->retention;
    int rc;
    c.struct_size = sizeof c;
    rc = loy_churn_cost_simple(&c, a->customers, churn, a->margin, a->discount);
    if (rc != LOY_OK) {
        cli_lib_error("churn-cost", "churn cost", rc);
        return EXIT_DATA;
    }
    print_cost(o, "churn_cost", "Churn cost (constant churn)", &c);
    return 0;
}

static void
print_base(out_w *o, const loy_base_value *v, double eq, double dv)
{
    out_section(o, "base", "Value of the customer base");
    out_num(o, "clv_existing", "CLV of an existing customer", v->clv_existing, 2);
    out_num(o, "clv_new", "CLV of a new customer, net", v->clv_new, 2);
    out_num(o, "current_value", "current customers", v->current_value, 2);
    out_num(o, "future_value", "future cohorts, net", v->future_value, 2);
    out_num(o, "total", "total", v->total, 2);
    out_num(o, "elasticity_retention", "elasticity: retention", v->elasticity_retention, 3);
    out_num(o, "elasticity_margin", "elasticity: margin", v->elasticity_margin, 3);
    out_num(o, "elasticity_discount", "elasticity: discount rate", v->elasticity_discount, 3);
    out_num(o, "elasticity_acquisition", "elasticity: acquisition cost",
            v->elasticity_acquisition, 3);
    out_pts(o, "margin_equivalent_of_1pt_retention",
            "1 pt retention = margin +%", eq);
    out_num(o, "value_of_1pt_retention", "value of 1 pt retention", dv, 2);
    out_section_end(o);
}

static int
run_base(out_w *o, const churn_args *a)
{
    loy_base_params p = LOY_BASE_PARAMS_INIT;
    loy_base_value v;
    double eq = CLI_NAN, dv = CLI_NAN;
    int rc;
    p.customers = a->customers;
    p.margin = a->margin;
    p.retention = a->has_retention ? a->retention : 1.0 - a->churn;
    p.discount = a->discount;
    p.growth = a->growth;
    p.new_customers = a->new_customers;
    p.acquisition_cost = a->acquisition_cost;
    p.cohorts = a->cohorts;
    v.struct_size = sizeof v;
    rc = loy_churn_base_value(&v, &p);
    if (rc == LOY_OK && p.retention + 0.01 <= 1.0)
        rc = loy_churn_retention_margin_equivalent(&eq, &dv, &p, 0.01);
    if (rc != LOY_OK && rc != LOY_EDEGENERATE) {
        cli_lib_error("churn-cost", "base value", rc);
        return EXIT_DATA;
    }
    print_base(o, &v, eq, dv);
    return 0;
}

static int
run_sbg(out_w *o, const churn_args *a)
{
    double params[2];
    const char *end = strchr(a->sbg, ',');
    loy_churn_cost c;
    int rc;
    if (end == NULL || parse_double(end + 1, strlen(end + 1), &params[1]) != 0
        || parse_double(a->sbg, (size_t)(end - a->sbg), &params[0]) != 0) {
        cli_error("churn-cost", "--sbg needs ALPHA,BETA");
        return EXIT_USAGE;
    }
    c.struct_size = sizeof c;
    rc = loy_churn_cost_sbg(&c, params, a->customers, a->renewals, a->margin,
                            a->discount);
    if (rc != LOY_OK) {
        cli_lib_error("churn-cost", "sBG churn cost", rc);
        return EXIT_DATA;
    }
    print_cost(o, "sbg", "Churn cost (sBG, heterogeneous churn)", &c);
    return 0;
}

/* ---- value by loyalty class from a customer file ------------------------- */

typedef struct class_file {
    double *value;
    int8_t *cls;
    size_t n, cap;
} class_file;

static int
class_push(class_file *f, double v, int8_t cls)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        double *nv = realloc(f->value, cap * sizeof *nv);
        int8_t *nc;
        if (nv == NULL)
            return -1;
        f->value = nv;
        if ((nc = realloc(f->cls, cap)) == NULL)
            return -1;
        f->cls = nc;
        f->cap = cap;
    }
    f->value[f->n] = v;
    f->cls[f->n] = cls;
    f->n++;
    return 0;
}

static int
class_row(class_file *f, const csv_reader *r, badrows *b, const churn_args *a,
          const long *col)
{
    double v;
    int32_t score;
    int rc = cli_field_number(r, b, col[0], a->value_col, &v);
    int cls;
    if (rc == -2)
        badrow(b, csv_line(r), "blank value in column '%s'", a->value_col);
    if (rc != 0)
        return 0;
    cls = scale_classify(&a->scale, r, b, col[1], a->score_col, &score);
    if (cls == -2)
        return 0;
    return class_push(f, v, (int8_t)cls);
}

static int
read_classes(const churn_args *a, const cli_common *c, class_file *f)
{
    long col[2];
    badrows b;
    int rc;
    csv_reader *r = cli_open_csv("churn-cost", a->values, &c->dialect);
    if (r == NULL)
        return EXIT_DATA;
    if ((col[0] = cli_column("churn-cost", r, a->value_col, "value-column")) < 0
        || (col[1] = cli_column("churn-cost", r, a->score_col, "score-column")) < 0) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, a->values, c->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (class_row(f, r, &b, a, col) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("churn-cost", "%s:%llu: %s", a->values,
                  (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    return rc < 0 ? EXIT_DATA : badrows_finish(&b, "churn-cost");
}

static void
print_moves(out_w *o, const loy_class_value *cv, double k)
{
    static const out_col cols[] = {
        {"from", 10, 0, 0}, {"to", 10, 0, 0}, {"customers", 0, 0, 0},
        {"gain", 12, 2, 0}, {"lower", 12, 2, 0}, {"upper", 12, 2, 0}};
    static const int moves[3][2] = {{0, 1}, {0, 2}, {1, 2}};
    int i;
    out_table(o, "moves", "Value of moving customers between classes", 0, cols, 6);
    for (i = 0; i < 3; i++) {
        double g = CLI_NAN, lo = CLI_NAN, hi = CLI_NAN;
        if (loy_churn_move_value(&g, &lo, &hi, cv, k, moves[i][0], moves[i][1])
            != LOY_OK)
            g = lo = hi = CLI_NAN;
        out_cell_str(o, seg_loyalty_name(moves[i][0]));
        out_cell_str(o, seg_loyalty_name(moves[i][1]));
        out_cell_num(o, k);
        out_cell_num(o, g);
        out_cell_num(o, lo);
        out_cell_num(o, hi);
    }
    out_table_end(o);
}

static int
run_classes(out_w *o, const churn_args *a, const cli_common *c)
{
    static const out_col cols[] = {
        {"loyalty", 10, 0, 0}, {"customers", 0, 0, 0}, {"mean", 10, 2, 0},
        {"se", 8, 2, 0}, {"lower", 10, 2, 0}, {"upper", 10, 2, 0}};
    class_file f = {0};
    loy_class_value cv;
    int rc = read_classes(a, c, &f), k;
    if (rc == 0) {
        cv.struct_size = sizeof cv;
        rc = loy_churn_class_value(&cv, f.value, f.cls, f.n, a->level, NULL);
        if (rc != LOY_OK)
            cli_lib_error("churn-cost", "value by loyalty class", rc);
        rc = rc == LOY_OK ? 0 : EXIT_DATA;
    }
    if (rc == 0) {
        out_table(o, "class_value", "Value by loyalty class", 1, cols, 6);
        for (k = 0; k < 3; k++) {
            out_cell_str(o, seg_loyalty_name(k));
            out_cell_int(o, (int64_t)cv.n[k]);
            out_cell_num(o, cv.mean[k]);
            out_cell_num(o, cv.se[k]);
            out_cell_num(o, cv.lower[k]);
            out_cell_num(o, cv.upper[k]);
        }
        out_table_end(o);
        print_moves(o, &cv, a->move);
    }
    free(f.value);
    free(f.cls);
    return rc;
}

static const cmd_help churn_help = {
    "churn-cost", "loyalty churn-cost [OPTIONS]",
    "Churn cost and loyalty economics. From parameters: customers lost,\n"
    "margin and lifetime value lost (constant churn, or an sBG model with\n"
    "--sbg), and the value of the customer base with its elasticities and the\n"
    "margin increase worth one point of retention. From a customer file\n"
    "(--values FILE with a value and a 0-10 score per customer): the mean\n"
    "value of detractors, passives and promoters and the value of moving\n"
    "--move customers between them.",
    "Rates are per period (the same period as the margin).\n"
    "Example: loyalty churn-cost --customers 10000 --churn 0.2 --margin 100\n"
    "         --discount 0.1\n"
    "Exit status: 0 success, 1 bad data or parameters, 2 usage."};

/* A churn or retention rate per period: a fraction in [0, 1]. */
static int
check_fraction(const char *option, double v, int given)
{
    if (!given || (v >= 0.0 && v <= 1.0))
        return 0;
    if (v > 1.0 && v <= 100.0)
        cli_error("churn-cost", "--%s %g: give the %s as a fraction per period "
                  "(%g for %g%%), not in percent", option, v, option, v / 100.0, v);
    else
        cli_error("churn-cost", "--%s %g: the %s per period must be in [0, 1]",
                  option, v, option);
    return EXIT_USAGE;
}

static int
churn_check(const churn_args *a, int nothing)
{
    int rc;
    if (nothing) {
        cli_error("churn-cost", "give --customers, --churn (or --retention) and "
                  "--margin, or --values FILE (see --help)");
        return EXIT_USAGE;
    }
    if (a->has_churn && a->has_retention) {
        cli_error("churn-cost", "give --churn or --retention, not both");
        return EXIT_USAGE;
    }
    if ((rc = check_fraction("churn", a->churn, a->has_churn)) != 0
        || (rc = check_fraction("retention", a->retention, a->has_retention)) != 0
        || (rc = cli_check_rate("churn-cost", "discount", a->discount, "period")) != 0
        || (rc = cli_check_level("churn-cost", "level", a->level)) != 0)
        return rc;
    if (a->has_customers && !(a->customers >= 0)) {
        cli_error("churn-cost", "--customers %g: must be >= 0", a->customers);
        return EXIT_USAGE;
    }
    return 0;
}

int
cmd_churn(int argc, char **argv)
{
    cli_common c = {0};
    churn_args a = {0};
    const char *pos[1];
    size_t npos;
    int rc, params;
    out_w o;
    opt_spec specs[] = {
        {"customers", OPT_NUM, &a.customers, &a.has_customers, "N", "customers at the start of the period"},
        {"churn", OPT_NUM, &a.churn, &a.has_churn, "C", "churn per period (fraction)"},
        {"retention", OPT_NUM, &a.retention, &a.has_retention, "R", "retention per period (instead of --churn)"},
        {"margin", OPT_NUM, &a.margin, &a.has_margin, "M", "margin per customer per period"},
        {"discount", OPT_NUM, &a.discount, NULL, "I", "discount rate per period (default 0.10)"},
        {"growth", OPT_NUM, &a.growth, NULL, "G", "margin growth per period (default 0)"},
        {"new-customers", OPT_NUM, &a.new_customers, NULL, "N", "customers acquired per period (default 0)"},
        {"acquisition-cost", OPT_NUM, &a.acquisition_cost, NULL, "C", "cost per acquired customer (default 0)"},
        {"cohorts", OPT_UINT, &a.cohorts, NULL, "K", "future cohorts counted (default 0 = all)"},
        {"sbg", OPT_STR, &a.sbg, NULL, "ALPHA,BETA", "churn cost under a fitted sBG model"},
        {"renewals", OPT_UINT, &a.renewals, NULL, "K", "renewals made so far (sBG; default 0)"},
        {"values", OPT_STR, &a.values, NULL, "FILE", "customer file: value by loyalty class"},
        {"value-column", OPT_STR, &a.value_col, NULL, "NAME", "value column of --values (default 'revenue')"},
        {"score-column", OPT_STR, &a.score_col, NULL, "NAME", "score column of --values (default 'score')"},
        {"move", OPT_NUM, &a.move, NULL, "K", "customers moved between classes (default 100)"},
        {"level", OPT_NUM, &a.level, NULL, "L", "confidence level (default 0.95)"},
        SCALE_SPEC(a.scale), CLI_COMMON_SPECS(c)};
    a.discount = 0.10;
    a.move = 100.0;
    a.level = 0.95;
    a.value_col = "revenue";
    a.score_col = "score";
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &churn_help,
                    pos, 0, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "churn-cost")) != 0
        || (rc = scale_finish("churn-cost", &a.scale)) != 0)
        return rc;
    params = a.has_customers && (a.has_churn || a.has_retention) && a.has_margin;
    if ((rc = churn_check(&a, !params && a.values == NULL)) != 0)
        return rc;
    out_init(&o, stdout, c.format);
    out_begin(&o, "churn-cost");
    if (params && (rc = run_simple(&o, &a)) == 0)
        rc = run_base(&o, &a);
    if (rc == 0 && params && a.sbg != NULL)
        rc = run_sbg(&o, &a);
    if (rc == 0 && a.values != NULL)
        rc = run_classes(&o, &a, &c);
    out_end(&o);
    return rc;
}
