/* SPDX-License-Identifier: MIT */
/*
 * cmd_bgbb.c - `loyalty bgbb`: the BG/BB model for discrete opportunities
 * (yearly donations, annual events, seasons; MODELS.md 6.4): fit, and per
 * customer (or pattern) P(alive) at the next opportunity, the expected
 * transactions over the next opportunities and the discounted expected
 * residual transactions (DERT).
 *
 * Input: one row per customer or per pattern with x (or frequency),
 * t_x (or recency), n (or periods, opportunities) and optional weights
 * (how many customers share the row) and id.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

typedef struct bgbb_file {
    double *col[4];         /* x, t_x, n, weight */
    char **id;              /* row names (NULL: row number) */
    size_t n, cap;
} bgbb_file;

static const char *const names_x[] = {"x", "frequency", NULL};
static const char *const names_tx[] = {"t_x", "recency", NULL};
static const char *const names_n[] = {"n", "periods", "opportunities", "n_opp", NULL};
static const char *const names_w[] = {"weights", "weight", "count", "customers", NULL};
static const char *const names_id[] = {"customer_id", "id", NULL};

static void
file_free(bgbb_file *f)
{
    size_t i;
    int k;
    for (k = 0; k < 4; k++)
        free(f->col[k]);
    for (i = 0; f->id != NULL && i < f->n; i++)
        free(f->id[i]);
    free(f->id);
}

static int
file_push(bgbb_file *f, const double *v, const char *id, size_t len)
{
    int k;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 256;
        char **ni = realloc(f->id, cap * sizeof *ni);
        if (ni == NULL)
            return -1;
        f->id = ni;
        for (k = 0; k < 4; k++) {
            double *nc = realloc(f->col[k], cap * sizeof *nc);
            if (nc == NULL)
                return -1;
            f->col[k] = nc;
        }
        f->cap = cap;
    }
    f->id[f->n] = NULL;
    if (id != NULL) {
        if ((f->id[f->n] = malloc(len + 1)) == NULL)
            return -1;
        memcpy(f->id[f->n], id, len);
        f->id[f->n][len] = '\0';
    }
    for (k = 0; k < 4; k++)
        f->col[k][f->n] = v[k];
    f->n++;
    return 0;
}

static int
bgbb_row(bgbb_file *f, const csv_reader *r, badrows *b, const long *col,
         const char *const *colname)
{
    double v[4] = {0.0, 0.0, 0.0, 1.0};
    const char *id = NULL;
    size_t len = 0;
    int k;
    for (k = 0; k < 4; k++) {
        int rc = col[k] < 0 ? 0 : cli_field_number(r, b, col[k], colname[k], &v[k]);
        if (rc == -2)
            badrow(b, csv_line(r), "blank value in column '%s'", colname[k]);
        if (rc != 0)
            return 0;
    }
    if (v[0] < 0 || v[0] != floor(v[0]) || v[1] != floor(v[1]) || v[2] != floor(v[2])
        || v[2] > 1e7 || v[0] > v[1] || v[1] > v[2] || (v[0] == 0 && v[1] != 0)
        || (v[0] > 0 && v[1] < 1) || !(v[3] >= 0)) {
        badrow(b, csv_line(r), "inconsistent row (whole numbers x <= t_x <= n, "
               "t_x = 0 exactly when x = 0, weight >= 0)");
        return 0;
    }
    if (col[4] >= 0 && (id = cli_field_text(r, b, col[4], colname[4], &len)) == NULL)
        return 0;
    return file_push(f, v, id, len);
}

static int
read_file(const char *path, const cli_common *c, const char *id_col, bgbb_file *f)
{
    const char *const *names[4] = {names_x, names_tx, names_n, names_w};
    const char *colname[5];
    long col[5];
    badrows b;
    int rc, k;
    csv_reader *r = cli_open_csv("bgbb", path, &c->dialect);
    if (r == NULL)
        return EXIT_DATA;
    for (k = 0; k < 4; k++) {
        colname[k] = names[k][0];
        col[k] = cli_column_any(r, names[k], &colname[k]);
        if (k < 3 && col[k] < 0) {
            cli_column("bgbb", r, names[k][0], NULL);
            csv_close(r);
            return EXIT_DATA;
        }
    }
    colname[4] = id_col ? id_col : "customer_id";
    col[4] = id_col ? cli_column("bgbb", r, id_col, "id-column")
                    : cli_column_any(r, names_id, &colname[4]);
    if (id_col != NULL && col[4] < 0) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, path, c->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (bgbb_row(f, r, &b, col, colname) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error("bgbb", "%s:%llu: %s", path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    if (rc < 0 || (rc = badrows_finish(&b, "bgbb")) != 0)
        return EXIT_DATA;
    if (f->n == 0) {
        cli_error("bgbb", "%s: no rows", path);
        return EXIT_DATA;
    }
    return 0;
}

static const cmd_help bgbb_help = {
    "bgbb", "loyalty bgbb [OPTIONS] FILE",
    "The BG/BB model for purchases at discrete opportunities (yearly\n"
    "donations, annual events): while alive, a customer transacts at each\n"
    "opportunity with a probability that varies as Beta(alpha, beta), and\n"
    "drops out after each with a probability that varies as Beta(gamma,\n"
    "delta). Prints the fit with standard errors and, per row, P(alive) at\n"
    "the next opportunity, the expected transactions over the next\n"
    "--opportunities, and DERT (discounted expected residual transactions;\n"
    "with --margin, the residual value).",
    "FILE: one row per customer or per pattern with columns x (or frequency:\n"
    "opportunities with a transaction), t_x (or recency: the last of them, 0\n"
    "if none) and n (or periods: opportunities observed), optional weights\n"
    "(customers sharing the row) and an id column (customer_id or id).\n"
    "Example: loyalty bgbb --opportunities 5 donations.csv\n"
    "Exit status: 0 success, 1 bad data or failed fit, 2 usage."};

int
cmd_bgbb(int argc, char **argv)
{
    static const out_col pcols[] = {
        {"parameter", 9, 0, 0}, {"estimate", 10, 4, 0}, {"se", 10, 4, 0}};
    static const out_col cols[] = {
        {"id", 12, 0, 0}, {"x", 4, 0, 0}, {"t_x", 4, 0, 0}, {"n", 4, 0, 0},
        {"weight", 6, 0, 0}, {"p_alive", 7, 3, 0}, {"expected", 8, 3, 0},
        {"dert", 8, 3, 0}, {"value", 9, 2, 0}};
    static const char *const pnames[4] = {"alpha", "beta", "gamma", "delta"};
    cli_common c;
    bgbb_file f;
    const char *pos[1], *id_col = NULL;
    double params[4], discount = 0.1, margin = 0.0, nstar = 5.0;
    double *pa = NULL, *ex = NULL, *dert = NULL, sw = 0, s_alive = 0, s_exp = 0;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t npos, i, shown;
    int rc, fit_rc, have_margin = 0, k;
    out_w o;
    opt_spec specs[] = {
        {"opportunities", OPT_NUM, &nstar, NULL, "N", "future opportunities of the forecast (default 5)"},
        {"discount", OPT_NUM, &discount, NULL, "D", "discount rate per opportunity for DERT (default 0.1)"},
        {"margin", OPT_NUM, &margin, &have_margin, "M", "margin per transaction: residual value = M x DERT"},
        {"id-column", OPT_STR, &id_col, NULL, "NAME|N", "row names (default customer_id or id if present)"},
        CLI_LIST_SPECS(c), CLI_COMMON_SPECS(c)};
    memset(&c, 0, sizeof c);
    memset(&f, 0, sizeof f);
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &bgbb_help, pos,
                    1, &npos);
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "bgbb")) != 0
        || (rc = cli_check_rate("bgbb", "discount", discount, "opportunity")) != 0)
        return rc;
    if (npos != 1 || !(nstar >= 0) || nstar != floor(nstar) || nstar > 1e6) {
        cli_error("bgbb", npos != 1 ? "need one FILE (see loyalty bgbb --help)"
                  : "--opportunities must be a whole number >= 0");
        return EXIT_USAGE;
    }
    if ((rc = read_file(pos[0], &c, id_col, &f)) != 0) {
        file_free(&f);
        return rc;
    }
    fit_rc = loy_bgbb_fit(params, f.col[0], f.col[1], f.col[2], f.col[3], f.n, NULL,
                          &rep, NULL);
    if (fit_rc != LOY_OK && fit_rc != LOY_ENOCONV) {
        cli_lib_error("bgbb", "BG/BB fit", fit_rc);
        file_free(&f);
        return EXIT_DATA;
    }
    if (fit_rc == LOY_ENOCONV)
        cli_warn("bgbb", "the BG/BB fit did not converge; results use the best "
                 "point found");
    pa = malloc(f.n * sizeof *pa);
    ex = malloc(f.n * sizeof *ex);
    dert = malloc(f.n * sizeof *dert);
    rc = pa && ex && dert ? LOY_OK : LOY_ENOMEM;
    if (rc == LOY_OK)
        rc = loy_bgbb_palive(pa, params, f.col[0], f.col[1], f.col[2], f.n, 1.0, NULL);
    if (rc == LOY_OK)
        rc = loy_bgbb_expected(ex, params, f.col[0], f.col[1], f.col[2], f.n, nstar,
                               NULL);
    if (rc == LOY_OK)
        rc = loy_bgbb_dert(dert, params, f.col[0], f.col[1], f.col[2], f.n, discount,
                           NULL);
    if (rc != LOY_OK) {
        cli_lib_error("bgbb", "prediction", rc);
        rc = EXIT_DATA;
    } else {
        for (i = 0; i < f.n; i++) {
            sw += f.col[3][i];
            s_alive += f.col[3][i] * pa[i];
            s_exp += f.col[3][i] * ex[i];
        }
        out_init(&o, stdout, c.format);
        out_begin(&o, "bgbb");
        out_section(&o, "fit", "BG/BB");
        out_str(&o, "file", "file", pos[0]);
        out_str(&o, "status", "status", fit_rc == LOY_OK ? "converged" : "NOT converged");
        out_num(&o, "customers", "customers (sum of weights)", sw, 0);
        out_int(&o, "rows", "rows", (int64_t)f.n);
        out_num(&o, "loglik", "log-likelihood", rep.loglik, 3);
        out_num(&o, "expected_alive", "expected alive, next opportunity", s_alive, 1);
        out_num(&o, "expected_transactions", "expected transactions ahead",
                s_exp, 1);
        out_num(&o, "opportunities", "opportunities ahead", nstar, 0);
        out_num(&o, "discount", "discount rate per opportunity", discount, 4);
        out_section_end(&o);
        out_table(&o, "parameters", "Parameters", 0, pcols, 3);
        for (k = 0; k < 4; k++) {
            out_cell_str(&o, pnames[k]);
            out_cell_num(&o, params[k]);
            out_cell_num(&o, rep.se[k]);
        }
        out_table_end(&o);
        shown = cli_rows_shown(&c, f.n);
        out_table(&o, "rows", "Per row (expected: transactions over the next "
                  "opportunities; value: margin x DERT)", 1, cols, 9);
        for (i = 0; i < shown; i++) {
            char rowname[32];
            snprintf(rowname, sizeof rowname, "%zu", i + 1);
            out_cell_str(&o, f.id[i] ? f.id[i] : rowname);
            out_cell_num(&o, f.col[0][i]);
            out_cell_num(&o, f.col[1][i]);
            out_cell_num(&o, f.col[2][i]);
            out_cell_num(&o, f.col[3][i]);
            out_cell_num(&o, pa[i]);
            out_cell_num(&o, ex[i]);
            out_cell_num(&o, dert[i]);
            out_cell_num(&o, have_margin ? margin * dert[i] : CLI_NAN);
        }
        out_table_end(&o);
        cli_rows_note(&o, shown, f.n);
        out_end(&o);
        rc = 0;
    }
    free(pa);
    free(ex);
    free(dert);
    file_free(&f);
    return rc;
}
