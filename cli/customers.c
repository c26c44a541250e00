/* SPDX-License-Identifier: MIT */
/*
 * customers.c - the per-customer action list ("who to call") of `loyalty
 * customers` and `loyalty report`.
 *
 * One row per customer of the purchase log: value class (ABC of revenue),
 * loyalty class and last score, P(alive), expected purchases and CLV from
 * the lifetime model, the ABC x loyalty segment and its action, and the
 * value at risk, defined as
 *     value if still active x probability of losing it,
 * where the value if still active is V = CLV / P(alive) (the CLV a customer
 * known to be active would have: the model's CLV already counts the chance
 * that the customer has silently left), and the probability of losing it
 * is 1 - P(alive), or 1 for a detractor, whose value the ABC x loyalty
 * rules treat as at risk whatever the purchase pattern says (MODELS.md 8).
 * The sum over non-detractors is the library's silent-churn value lost
 * (loy_churn_silent with V as the value). Without a lifetime model the
 * value at risk is the revenue of detractors, as in `loyalty segment`.
 * The priority is the value at risk that a call can still save: value at
 * risk x P(alive) (= CLV for a detractor, CLV x (1 - P(alive)) for the
 * others), since a customer almost surely gone has all of the value at
 * risk and little left to save. Rows are sorted by priority, then value at
 * risk, then revenue.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Below this P(alive) a customer is called lapsing: win back first. */
#define LAPSING 0.5

static int
by_priority(const void *pa, const void *pb)
{
    const cust_row *a = pa, *b = pb;
    double pa_ = isfinite(a->priority) ? a->priority : -1.0;
    double pb_ = isfinite(b->priority) ? b->priority : -1.0;
    double va = isfinite(a->value_at_risk) ? a->value_at_risk : -1.0;
    double vb = isfinite(b->value_at_risk) ? b->value_at_risk : -1.0;
    if (pa_ != pb_)
        return pa_ < pb_ ? 1 : -1;
    if (va != vb)
        return va < vb ? 1 : -1;
    if (a->revenue != b->revenue)
        return a->revenue < b->revenue ? 1 : -1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Summary row of each log customer (SIZE_MAX if not in the summary, e.g.
 * first seen in a holdout). */
static size_t *
rows_by_index(const report_data *r, size_t n)
{
    size_t *row = malloc((n ? n : 1) * sizeof *row), i;
    if (row == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        row[i] = SIZE_MAX;
    for (i = 0; i < r->log.n; i++)
        if (r->log.id[i] < n)
            row[r->log.id[i]] = i;
    return row;
}

static void
value_at_risk(cust_row *c, int have_model)
{
    if (!have_model || !isfinite(c->clv)) {
        c->value_alive = CLI_NAN;
        c->value_at_risk = c->loyalty == LOY_CLASS_DETRACTOR ? c->revenue : 0.0;
        c->priority = c->value_at_risk;
        return;
    }
    /* P(alive) that small leaves no value to speak of: CLV is ~0 too */
    c->value_alive = c->p_alive > 1e-9 ? c->clv / c->p_alive : 0.0;
    c->value_at_risk = c->loyalty == LOY_CLASS_DETRACTOR
                       ? c->value_alive : (1.0 - c->p_alive) * c->value_alive;
    c->priority = c->value_at_risk * c->p_alive;
}

int
customers_build(report_data *r)
{
    size_t n = (size_t)idmap_count(r->log.ids), i;
    size_t *row = rows_by_index(r, n);
    int have_model = r->clv_status == 0;
    r->cust = malloc((n ? n : 1) * sizeof *r->cust);
    if (row == NULL || r->cust == NULL) {
        free(row);
        return -1;
    }
    r->n_cust = n;
    r->clv_total = r->var_total = 0.0;
    r->at_risk_customers = 0;
    for (i = 0; i < n; i++) {
        cust_row *c = &r->cust[i];
        size_t s = row[i];
        c->idx = i;
        c->abc = r->seg.abc[i];
        c->loyalty = r->loyalty[i];
        c->score = r->score[i];
        c->revenue = r->log.revenue[i];
        c->p_alive = c->expected = c->clv = CLI_NAN;
        if (have_model && s != SIZE_MAX) {
            c->p_alive = r->clv.p_alive[s];
            c->expected = r->clv.expected[s];
            c->clv = r->clv.clv[s];
        }
        c->action = r->seg.res.action[r->seg.cells[i]];
        value_at_risk(c, have_model);
        if (isfinite(c->clv))
            r->clv_total += c->clv;
        r->var_total += c->value_at_risk;
        r->at_risk_customers += c->value_at_risk > 0;
    }
    free(row);
    qsort(r->cust, n, sizeof *r->cust, by_priority);
    return 0;
}

const char *
customer_action(const cust_row *c)
{
    static const struct { int32_t code; const char *name; } names[] = {
        {LOY_ACTION_PROTECT_LEVERAGE, "protect"}, {LOY_ACTION_SECURE, "secure"},
        {LOY_ACTION_RESCUE, "rescue"}, {LOY_ACTION_GROW_WALLET, "grow"},
        {LOY_ACTION_NURTURE, "nurture"}, {LOY_ACTION_RECOVER, "recover"},
        {LOY_ACTION_CHEAP_LEVERAGE, "leverage"}, {LOY_ACTION_MAINTAIN, "maintain"},
        {LOY_ACTION_LET_GO, "let go"}, {LOY_ACTION_DEVELOP, "develop"},
        {LOY_ACTION_HARVEST, "harvest"}, {LOY_ACTION_REACH_OUT, "reach out"}};
    size_t i;
    if (isfinite(c->p_alive) && c->p_alive < LAPSING
        && c->action != LOY_ACTION_LET_GO && c->action != LOY_ACTION_RECOVER)
        return "win back";
    for (i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].code == c->action)
            return names[i].name;
    return loy_segment_action_name(c->action);
}

static const out_col cols[] = {
    {"rank", 5, 0, 0}, {"customer_id", 12, 0, 0}, {"value_class", 5, 0, 0},
    {"loyalty", 11, 0, 0}, {"last_score", 5, 0, 0}, {"revenue", 10, 2, 0},
    {"p_alive", 7, 3, 0}, {"expected_purchases", 8, 2, 0}, {"clv", 10, 2, 0},
    {"value_at_risk", 10, 2, 0}, {"priority", 10, 2, 0}, {"segment", 19, 0, 0},
    {"action", 9, 0, 0}, {"what_to_do", 0, 0, 0}};

static const char *
what_to_do(const cust_row *c)
{
    if (strcmp(customer_action(c), "win back") == 0)
        return "win back: likely lapsed (P(alive) < 0.5); reactivation offer, "
               "ask why they stopped";
    return seg_action_text(c->action);
}

void
customers_print(out_w *o, const report_data *r, size_t shown, int primary)
{
    static const char *const abc[3] = {"A", "B", "C"};
    size_t i;
    /* the long description only where a table may be wide: csv and json */
    out_table(o, "customers", "Customers by priority (value at risk that a call "
              "can still save)", primary, cols, o->format == OUT_TEXT ? 13 : 14);
    for (i = 0; i < shown && i < r->n_cust; i++) {
        const cust_row *c = &r->cust[i];
        out_cell_int(o, (int64_t)i + 1);
        out_cell_str(o, idmap_name(r->log.ids, c->idx));
        out_cell_str(o, abc[c->abc]);
        out_cell_str(o, seg_loyalty_name(c->loyalty));
        if (c->score == INT32_MIN)
            out_cell_num(o, CLI_NAN);   /* blank, null or n/a */
        else
            out_cell_int(o, c->score);
        out_cell_num(o, c->revenue);
        out_cell_num(o, c->p_alive);
        out_cell_num(o, c->expected);
        out_cell_num(o, c->clv);
        out_cell_num(o, c->value_at_risk);
        out_cell_num(o, c->priority);
        out_cell_str(o, seg_label(c->abc, c->loyalty));
        out_cell_str(o, customer_action(c));
        if (o->format != OUT_TEXT)
            out_cell_str(o, what_to_do(c));
    }
    out_table_end(o);
}

int
customers_write_csv(const char *cmd, const char *path, const report_data *r)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    out_w o;
    int bad;
    if (fp == NULL) {
        cli_error(cmd, "%s: cannot write: %s", path, strerror(errno));
        return EXIT_DATA;
    }
    out_init(&o, fp, OUT_CSV);
    customers_print(&o, r, r->n_cust, 1);
    bad = ferror(fp);
    if (fp != stdout)
        bad |= fclose(fp) != 0;
    if (bad) {
        cli_error(cmd, "%s: write error", path);
        return EXIT_DATA;
    }
    return 0;
}
