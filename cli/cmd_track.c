/* SPDX-License-Identifier: MIT */
/*
 * cmd_track.c - `loyalty track`: which units differ for real, and when did
 * the NPS move? Prints the funnel of units with the consistency figure,
 * the control charts of the periods with their signals in words, the
 * first signal per unit, the change against a year before and the
 * top-box trend (computed in track.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "track.h"

static void
add_word(char *buf, size_t size, const char *w)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", w);
}

const char *
track_signal_text(const track_data *d, uint32_t code, char *buf, size_t size)
{
    buf[0] = '\0';
    if (code & LOY_SIGNAL_GAP) {
        add_word(buf, size, "no answers");
        return buf;
    }
    if (d->charts & TRACK_SHEWHART) {
        if (code & LOY_SIGNAL_SHEWHART_LOW)
            add_word(buf, size, "Shewhart low");
        if (code & LOY_SIGNAL_SHEWHART_HIGH)
            add_word(buf, size, "Shewhart high");
    }
    if (d->charts & TRACK_LANEY) {
        if (code & LOY_SIGNAL_LANEY_LOW)
            add_word(buf, size, "Laney low");
        if (code & LOY_SIGNAL_LANEY_HIGH)
            add_word(buf, size, "Laney high");
    }
    if (d->charts & TRACK_EWMA) {
        if (code & LOY_SIGNAL_EWMA_LOW)
            add_word(buf, size, "EWMA low");
        if (code & LOY_SIGNAL_EWMA_HIGH)
            add_word(buf, size, "EWMA high");
    }
    if (d->charts & TRACK_CUSUM) {
        if (code & LOY_SIGNAL_CUSUM_LOW)
            add_word(buf, size, "CUSUM low");
        if (code & LOY_SIGNAL_CUSUM_HIGH)
            add_word(buf, size, "CUSUM high");
    }
    if ((d->charts & TRACK_RUNS) && (code & LOY_SIGNAL_LONG_RUN))
        add_word(buf, size, (code & LOY_SIGNAL_BELOW) ? "long run below"
                                                      : "long run above");
    return buf;
}

const char *
track_funnel_text(const track_data *d, uint32_t flags, char *buf, size_t size)
{
    char w[64];
    buf[0] = '\0';
    if (flags & LOY_FUNNEL_EMPTY) {
        add_word(buf, size, "no answers");
        return buf;
    }
    if (flags & LOY_FUNNEL_OUTSIDE_OUTER) {
        snprintf(w, sizeof w, "%s the %g%% limits", (flags & LOY_FUNNEL_BELOW)
                 ? "below" : "above", 100 * d->fit.levels[1]);
        add_word(buf, size, w);
    } else if (flags & LOY_FUNNEL_OUTSIDE_INNER) {
        snprintf(w, sizeof w, "%s the %g%% limits", (flags & LOY_FUNNEL_BELOW)
                 ? "below" : "above", 100 * d->fit.levels[0]);
        add_word(buf, size, w);
    }
    if (flags & LOY_FUNNEL_EXACT_OUTER) {
        snprintf(w, sizeof w, "exact %g%%", 100 * d->fit.levels[1]);
        add_word(buf, size, w);
    } else if (flags & LOY_FUNNEL_EXACT_INNER) {
        snprintf(w, sizeof w, "exact %g%%", 100 * d->fit.levels[0]);
        add_word(buf, size, w);
    }
    if (flags & LOY_FUNNEL_BONFERRONI)
        add_word(buf, size, "Bonferroni");
    if (flags & LOY_FUNNEL_FDR)
        add_word(buf, size, "FDR");
    if (flags & LOY_FUNNEL_DEGENERATE)
        add_word(buf, size, "one class only");
    return buf;
}

static const char *
period_or_none(const track_data *d, size_t t, char *buf, size_t size)
{
    if (t == LOY_NO_INDEX)
        return "none";
    return track_period_label(d, t, buf, size);
}

static uint64_t
row_n(const track_data *d, size_t u)
{
    const uint64_t *t = d->totals + 3 * u;
    return t[0] + t[1] + t[2];
}

/* ---- sections ---------------------------------------------------------------- */

static void
print_input(out_w *o, const track_data *d, const track_input *in, const char *key)
{
    static const char *const pn[3] = {"week", "month", "quarter"};
    char a[32], b[32], buf[96];
    out_section(o, key, "Consistency over units and time");
    out_str(o, "file", "file", in->path);
    out_str(o, "score_column", "score column", in->score_col);
    out_str(o, "date_column", "date column", in->date_col);
    out_str(o, "unit_column", "unit column", in->unit_col ? in->unit_col : "(none)");
    out_str(o, "period", "period", pn[d->period]);
    out_int(o, "periods", "periods", (int64_t)d->n_periods);
    out_str(o, "first_period", "first period", track_period_label(d, 0, a, sizeof a));
    out_str(o, "last_period", "last period",
            track_period_label(d, d->n_periods - 1, b, sizeof b));
    snprintf(buf, sizeof buf, "%s to %s (%zu periods)",
             track_period_label(d, d->base_start, a, sizeof a),
             track_period_label(d, d->base_start + d->base_len - 1, b, sizeof b),
             d->base_len);
    out_str(o, "baseline", "baseline (limits from)", buf);
    out_str(o, "target", "target", in->target ? in->target : "pooled");
    out_int(o, "answers", "answers", (int64_t)d->answers);
    out_int(o, "blank_scores", "rows without a score", (int64_t)d->blank);
    out_int(o, "undated", "answers without a date", (int64_t)d->undated);
    out_int(o, "bad_rows_skipped", "bad rows skipped", (int64_t)d->bad_rows);
    out_section_end(o);
}

static void
print_consistency(out_w *o, const track_data *d)
{
    const loy_funnel_result *f = &d->fit;
    char buf[96], l0[64], l1[64];
    snprintf(l0, sizeof l0, "units outside %g%% limits", 100 * f->levels[0]);
    snprintf(l1, sizeof l1, "units outside %g%% limits", 100 * f->levels[1]);
    out_section(o, "consistency", "Consistency of the units (funnel)");
    out_int(o, "units", "units", (int64_t)d->n_units);
    out_int(o, "units_with_answers", "units with answers", (int64_t)f->n_used);
    out_pts(o, "target", "target NPS (points)", f->target);
    out_pts(o, "tau", "tau (SD of true NPS, points)", f->tau);
    out_pts(o, "i2", "I2 (spread that is real, %)", f->i2);
    out_num(o, "q", "Cochran's Q", f->q_stat, 2);
    out_num(o, "phi", "dispersion phi", f->phi, 3);
    out_num(o, "inner_level", "inner level", f->levels[0], 3);
    out_num(o, "outer_level", "outer level", f->levels[1], 3);
    out_int(o, "outside_inner", l0, (int64_t)f->n_outside[0]);
    out_int(o, "outside_outer", l1, (int64_t)f->n_outside[1]);
    out_int(o, "bonferroni", "Bonferroni flags", (int64_t)f->n_bonferroni);
    out_int(o, "fdr", "FDR discoveries (B-H)", (int64_t)f->n_fdr);
    out_str(o, "first_signal", "first signal (whole company)",
            period_or_none(d, d->first_signal[0], buf, sizeof buf));
    out_section_end(o);
}

static const out_col unit_cols[] = {
    {"unit", 12, 0, 0}, {"n", 6, 0, 0}, {"nps", 7, 1, 1}, {"z", 6, 2, 0},
    {"lower_inner", 0, 1, 1}, {"upper_inner", 0, 1, 1}, {"lower_outer", 0, 1, 1},
    {"upper_outer", 0, 1, 1}, {"shrunk", 7, 1, 1}, {"p_value", 8, 4, 0},
    {"flags", 24, 0, 0}, {"first_signal", 12, 0, 0}, {"signal_chart", 0, 0, 0}};

static void
print_units(out_w *o, const track_data *d, int primary)
{
    char title[200], fl[160], p[32];
    size_t u;
    snprintf(title, sizeof title, "Units against the target (funnel; NPS in points, "
             "limits at the unit's size: inner %g%%, outer %g%%)",
             100 * d->fit.levels[0], 100 * d->fit.levels[1]);
    out_table(o, "units", title, primary, unit_cols, 13);
    for (u = 0; u < d->n_units; u++) {
        out_cell_str(o, d->names[u + 1]);
        out_cell_int(o, (int64_t)row_n(d, u + 1));
        out_cell_num(o, d->f_nps[u]);
        out_cell_num(o, d->f_z[u]);
        out_cell_num(o, d->f_lim[0][u]);
        out_cell_num(o, d->f_lim[1][u]);
        out_cell_num(o, d->f_lim[2][u]);
        out_cell_num(o, d->f_lim[3][u]);
        out_cell_num(o, d->f_shrunk[u]);
        out_cell_num(o, d->f_p[u]);
        out_cell_str(o, track_funnel_text(d, d->f_flags[u], fl, sizeof fl));
        out_cell_str(o, period_or_none(d, d->first_signal[u + 1], p, sizeof p));
        out_cell_str(o, track_first_chart(d, u + 1));
    }
    out_table_end(o);
    out_note(o, "z: distance from the target in standard errors; shrunk: the NPS "
             "pulled towards the mean as far as the unit's size warrants (fair "
             "ranking of small units); FDR: a Benjamini-Hochberg discovery at 5%.");
}

static const out_col period_cols[] = {
    {"unit", 12, 0, 0}, {"period", 8, 0, 0}, {"start", 10, 0, 0}, {"n", 5, 0, 0},
    {"nps", 7, 1, 1}, {"centre", 7, 1, 1}, {"lower", 7, 1, 1}, {"upper", 7, 1, 1},
    {"laney_lower", 0, 1, 1}, {"laney_upper", 0, 1, 1}, {"ewma", 7, 1, 1},
    {"ewma_lower", 0, 1, 1}, {"ewma_upper", 0, 1, 1}, {"cusum_up", 0, 2, 0},
    {"cusum_down", 0, 2, 0}, {"baseline", 0, 0, 0}, {"signals", 12, 0, 0}};

static void
print_period_rows(out_w *o, const track_data *d, size_t u)
{
    char p[32], s[32], sig[200];
    size_t t;
    for (t = 0; t < d->n_periods; t++) {
        size_t i = u * d->n_periods + t;
        const uint64_t *c = d->counts + 3 * i;
        out_cell_str(o, d->names[u]);
        out_cell_str(o, track_period_label(d, t, p, sizeof p));
        format_date(track_period_start(d, t), s, sizeof s);
        out_cell_str(o, s);
        out_cell_int(o, (int64_t)(c[0] + c[1] + c[2]));
        out_cell_num(o, d->p_nps[i]);
        out_cell_num(o, (d->p_codes[i] & LOY_SIGNAL_GAP) ? CLI_NAN : d->c_centre[u]);
        out_cell_num(o, d->p_lo[i]);
        out_cell_num(o, d->p_hi[i]);
        out_cell_num(o, d->p_llo[i]);
        out_cell_num(o, d->p_lhi[i]);
        out_cell_num(o, d->p_ewma[i]);
        out_cell_num(o, d->p_elo[i]);
        out_cell_num(o, d->p_ehi[i]);
        out_cell_num(o, d->p_cup[i]);
        out_cell_num(o, d->p_clo[i]);
        out_cell_str(o, (d->p_codes[i] & LOY_SIGNAL_BASELINE) ? "yes" : "no");
        out_cell_str(o, track_signal_text(d, d->p_codes[i], sig, sizeof sig));
    }
}

static void
print_periods(out_w *o, const track_data *d, int by_unit, int primary)
{
    size_t u;
    out_table(o, "periods", "NPS per period with control limits (points; lower/upper "
              "Shewhart, then Laney and EWMA; CUSUM in standard errors)", primary,
              period_cols, 17);
    for (u = 0; u < (by_unit ? d->n_rows : 1); u++)
        print_period_rows(o, d, u);
    out_table_end(o);
}

static const char *
chart_status_text(uint32_t f, char *buf, size_t size)
{
    buf[0] = '\0';
    if (f & LOY_CHART_NO_BASELINE)
        add_word(buf, size, "no answers in the baseline: not charted");
    if (f & LOY_CHART_DEGENERATE)
        add_word(buf, size, "one answer class in the baseline: not charted");
    if (f & LOY_CHART_NO_LANEY)
        add_word(buf, size, "no Laney chart");
    if (f & LOY_CHART_LONG_RUN)
        add_word(buf, size, "long run");
    if (f & LOY_CHART_FEW_CROSSINGS)
        add_word(buf, size, "few crossings");
    return buf;
}

static const out_col signal_cols[] = {
    {"unit", 12, 0, 0}, {"centre", 7, 1, 1}, {"points", 6, 0, 0},
    {"first_signal", 12, 0, 0}, {"signal_chart", 0, 0, 0},
    {"first_shewhart", 0, 0, 0}, {"first_laney", 0, 0, 0}, {"first_ewma", 0, 0, 0},
    {"first_cusum", 0, 0, 0}, {"first_run", 0, 0, 0}, {"longest_run", 0, 0, 0}, {"run_limit", 0, 0, 0},
    {"crossings", 0, 0, 0}, {"crossings_limit", 0, 0, 0}, {"status", 12, 0, 0}};

static void
print_signals(out_w *o, const track_data *d)
{
    char b[6][32], st[200];
    size_t u, k;
    out_table(o, "signals", "First signal per unit (charts against the baseline; "
              "runs: longest run on one side and crossings of the centre line)", 0,
              signal_cols, 15);
    for (u = 0; u < d->n_rows; u++) {
        int charted = !(d->c_flags[u] & (LOY_CHART_NO_BASELINE | LOY_CHART_DEGENERATE));
        out_cell_str(o, d->names[u]);
        out_cell_num(o, d->c_centre[u]);
        out_cell_int(o, (int64_t)d->c_points[u]);
        out_cell_str(o, period_or_none(d, d->first_signal[u], b[5], sizeof b[5]));
        out_cell_str(o, track_first_chart(d, u));
        for (k = 0; k < 5; k++)
            out_cell_str(o, period_or_none(d, d->c_first[k][u], b[k], sizeof b[k]));
        out_cell_num(o, charted ? (double)d->c_run[u] : CLI_NAN);
        out_cell_num(o, charted ? (double)d->c_run_limit[u] : CLI_NAN);
        out_cell_num(o, charted ? (double)d->c_cross[u] : CLI_NAN);
        out_cell_num(o, charted ? (double)d->c_cross_limit[u] : CLI_NAN);
        out_cell_str(o, chart_status_text(d->c_flags[u], st, sizeof st));
    }
    out_table_end(o);
}

static const out_col change_cols[] = {
    {"unit", 12, 0, 0}, {"period", 8, 0, 0}, {"compared_with", 0, 0, 0},
    {"n", 5, 0, 0}, {"n_before", 0, 0, 0}, {"nps", 7, 1, 1}, {"nps_before", 0, 1, 1},
    {"change", 7, 1, 1}, {"lower", 7, 1, 1}, {"upper", 7, 1, 1},
    {"p_value", 8, 4, 0}, {"note", 10, 0, 0}};

static void
print_change(out_w *o, const track_data *d)
{
    char title[160], a[32], b[32];
    size_t u, t = d->n_periods - 1;
    snprintf(title, sizeof title, "Latest period against %zu periods before "
             "(points, Wald interval)", d->lag);
    out_table(o, "change", title, 0, change_cols, 12);
    for (u = 0; u < d->n_rows; u++) {
        size_t i = u * d->n_periods + t;
        const uint64_t *c = d->counts + 3 * i;
        const uint64_t *c0 = t >= d->lag ? c - 3 * d->lag : NULL;
        uint32_t f = d->g_flags[i];
        int none = (f & LOY_CHANGE_NONE) != 0;
        out_cell_str(o, d->names[u]);
        out_cell_str(o, track_period_label(d, t, a, sizeof a));
        out_cell_str(o, t >= d->lag ? track_period_label(d, t - d->lag, b, sizeof b)
                                    : "none");
        out_cell_int(o, (int64_t)(c[0] + c[1] + c[2]));
        out_cell_num(o, c0 ? (double)(c0[0] + c0[1] + c0[2]) : CLI_NAN);
        out_cell_num(o, d->p_nps[i]);
        out_cell_num(o, c0 ? d->p_nps[i - d->lag] : CLI_NAN);
        out_cell_num(o, none ? CLI_NAN : d->g_diff[i]);
        out_cell_num(o, none ? CLI_NAN : d->g_lo[i]);
        out_cell_num(o, none ? CLI_NAN : d->g_hi[i]);
        out_cell_num(o, none ? CLI_NAN : d->g_p[i]);
        out_cell_str(o, t < d->lag ? "series too short"
                        : none ? "no answers in one period"
                        : (f & LOY_NPS_SMALL_SAMPLE) ? "small sample" : "");
    }
    out_table_end(o);
}

static const out_col trend_cols[] = {
    {"unit", 12, 0, 0}, {"periods", 7, 0, 0}, {"slope", 8, 4, 0},
    {"lower", 8, 4, 0}, {"upper", 8, 4, 0}, {"p_value", 8, 4, 0},
    {"topbox_first", 0, 1, 1}, {"topbox_last", 0, 1, 1}, {"note", 10, 0, 0}};

static void
print_trend(out_w *o, const track_data *d)
{
    size_t u;
    out_table(o, "topbox_trend", "Top-box trend: share of 9-10 among 9-10 and 7-8 "
              "answers (slope in log-odds per period; shares in %)", 0,
              trend_cols, 9);
    for (u = 0; u < d->n_rows; u++) {
        uint32_t f = d->t_flags[u];
        out_cell_str(o, d->names[u]);
        out_cell_int(o, (int64_t)d->t_periods[u]);
        out_cell_num(o, d->t_slope[u]);
        out_cell_num(o, d->t_lo[u]);
        out_cell_num(o, d->t_hi[u]);
        out_cell_num(o, d->t_p[u]);
        out_cell_num(o, d->t_first[u]);
        out_cell_num(o, d->t_last[u]);
        out_cell_str(o, (f & LOY_TREND_EMPTY) ? "too few periods"
                        : (f & LOY_TREND_SEPARATED) ? "all or none top-box"
                        : !(d->t_p[u] <= 0.05) ? "no clear trend"
                        : d->t_slope[u] > 0 ? "9-10s gaining" : "9-10s losing");
    }
    out_table_end(o);
}

/* Average run lengths of the charts as configured: how many periods pass,
 * on average, before a false alarm, and before a drop of one standard error
 * of a period's NPS is seen (each period standardised by its own size). */
static double
arl_or_nan(int rc, double v)
{
    return rc == LOY_OK ? v : CLI_NAN;
}

static void
print_design(out_w *o, const track_input *in)
{
    const loy_chart_options *c = &in->chart;
    double v0 = 0, v1 = 0, L = c->limit;
    int r0, r1;
    out_section(o, "design", "Chart design (average run length in periods, in "
                "control and after a drop of one standard error)");
    out_num(o, "shewhart_arl0", "Shewhart: false alarm every",
            1.0 / erfc(L / sqrt(2.0)), 0);
    out_num(o, "shewhart_arl1", "Shewhart: a 1-SE drop seen after",
            1.0 / (0.5 * erfc((L - 1) / sqrt(2.0)) + 0.5 * erfc((L + 1) / sqrt(2.0))), 1);
    r0 = loy_arl_ewma(&v0, c->ewma_lambda, c->ewma_limit, 0.0, LOY_ARL_TWO_SIDED, NULL);
    r1 = loy_arl_ewma(&v1, c->ewma_lambda, c->ewma_limit, -1.0, LOY_ARL_TWO_SIDED, NULL);
    out_num(o, "ewma_arl0", "EWMA: false alarm every", arl_or_nan(r0, v0), 0);
    out_num(o, "ewma_arl1", "EWMA: a 1-SE drop seen after", arl_or_nan(r1, v1), 1);
    r0 = loy_arl_cusum(&v0, c->cusum_k, c->cusum_h, 0.0, LOY_ARL_TWO_SIDED, NULL);
    r1 = loy_arl_cusum(&v1, c->cusum_k, c->cusum_h, -1.0, LOY_ARL_TWO_SIDED, NULL);
    out_num(o, "cusum_arl0", "CUSUM: false alarm every", arl_or_nan(r0, v0), 0);
    out_num(o, "cusum_arl1", "CUSUM: a 1-SE drop seen after", arl_or_nan(r1, v1), 1);
    out_section_end(o);
}

static void
print_legend(out_w *o)
{
    out_note(o, "");
    out_note(o, "signals: Shewhart = a period outside the limits of its own size; "
             "Laney = the same with limits widened by the period-to-period spread "
             "(large samples); EWMA = the smoothed NPS outside its limits (small "
             "lasting shifts); CUSUM = the summed deviations passed the decision "
             "interval; long run = part of a run on one side of the centre line "
             "longer than chance allows (marked from the run's start). A first signal is the first one after the baseline "
             "(signals inside it are shown but mean the baseline itself was "
             "unsettled).");
}

void
track_print(out_w *o, const track_data *d, const track_input *in, int by_unit,
            const char *table, const char *key)
{
    int units_primary = table != NULL && strcmp(table, "units") == 0
                        && d->funnel_status == LOY_OK;
    print_input(o, d, in, key);
    if (d->funnel_status == LOY_OK) {
        print_consistency(o, d);
        print_units(o, d, units_primary);
    } else if (d->n_units > 0) {
        out_note(o, "");
        out_note(o, d->funnel_status == LOY_EDEGENERATE
                 ? "no funnel: every answer is in one class"
                 : "no funnel: fewer than one unit with answers");
    }
    print_periods(o, d, by_unit, table != NULL && !units_primary);
    print_legend(o);
    print_design(o, in);
    print_signals(o, d);
    print_change(o, d);
    print_trend(o, d);
}

/* ---- the command ----------------------------------------------------------------- */

static const cmd_help track_help = {
    "track", "loyalty track [OPTIONS] FILE",
    "Consistency over units and time: which units (branches, agents,\n"
    "touchpoints) differ from the target for real, and when did the NPS move?\n"
    "From a survey with a score, a date and a unit column: a funnel of the\n"
    "units (NPS, z, limits at two levels for each unit's size, Bonferroni and\n"
    "FDR flags, the NPS shrunk for fair ranking) with the consistency figure\n"
    "(tau, the SD of the units' true NPS, and I2), control charts of the\n"
    "periods (Shewhart, Laney, EWMA, CUSUM, runs rules) with their signals in\n"
    "words, the first signal per unit, the latest period against a year\n"
    "before, the trend of 9-10 against 7-8 answers, and the average run\n"
    "lengths of the charts as configured.",
    "Periods are calendar weeks (Monday to Sunday, ISO numbers), months or\n"
    "quarters; periods without answers are gaps, not zeros. The limits come\n"
    "from the baseline: by default the first year of the series but at most\n"
    "half of it; --baseline 12 (periods) or --baseline 2024-01-01:2024-12-31.\n"
    "--target 30 compares with a fixed NPS of +30 (keeping the data's share\n"
    "of passives), --target 0.45,0.15 with promoter and detractor shares.\n"
    "A unit without answers is listed and flagged, never estimated.\n"
    "csv output writes the units table (--table periods: the periods).\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_track(int argc, char **argv)
{
    cli_common c = {0};
    track_input in;
    track_data d;
    score_scale sc = {0};
    const char *period = NULL, *charts = NULL, *levels = NULL, *od = NULL,
               *table = "units", *pos[1];
    int by_unit = 0, rc, no_unit = 0, lag_seen = 0;
    size_t npos;
    out_w o;
    memset(&in, 0, sizeof in);
    track_input_defaults(&in);
    {
        opt_spec specs[] = {
            {"score-column", OPT_STR, &in.score_col, NULL, "NAME|N", "column of the scores (default 'score')"},
            {"date-column", OPT_STR, &in.date_col, NULL, "NAME|N", "column of the answer dates (default 'date')"},
            {"unit-column", OPT_STR, &in.unit_col, NULL, "NAME|N", "column of the units (default: branch, unit, store, location, team or agent if present)"},
            {"no-units", OPT_FLAG, &no_unit, NULL, NULL, "whole company only, even if the file has a unit column"},
            {"period", OPT_STR, &period, NULL, "P", "week, month (default) or quarter"},
            {"baseline", OPT_STR, &in.baseline, NULL, "N|FROM:TO", "periods the limits come from (default: the first year, at most half)"},
            {"target", OPT_STR, &in.target, NULL, "NPS|P,D", "fixed target: NPS in points or promoter,detractor shares (default: pooled)"},
            {"levels", OPT_STR, &levels, NULL, "A,B", "funnel limit levels, inner and outer (default 0.95,0.998)"},
            {"level", OPT_NUM, &in.level, NULL, "L", "confidence level of the change and trend (default 0.95)"},
            {"overdispersion", OPT_STR, &od, NULL, "M", "funnel limits widened: none (default), additive or multiplicative"},
            {"exact", OPT_FLAG, &in.exact, NULL, NULL, "funnel limits and flags from exact trinomial tails"},
            {"charts", OPT_STR, &charts, NULL, "LIST", "signals that count: shewhart,laney,ewma,cusum,runs (default all)"},
            {"limit", OPT_NUM, &in.chart.limit, NULL, "K", "Shewhart and Laney limits in standard errors (default 3)"},
            {"lambda", OPT_NUM, &in.chart.ewma_lambda, NULL, "W", "EWMA weight in (0, 1] (default 0.2)"},
            {"ewma-limit", OPT_NUM, &in.chart.ewma_limit, NULL, "L", "EWMA limit in standard deviations (default 3)"},
            {"cusum-k", OPT_NUM, &in.chart.cusum_k, NULL, "K", "CUSUM reference value (default 0.5)"},
            {"cusum-h", OPT_NUM, &in.chart.cusum_h, NULL, "H", "CUSUM decision interval (default 5)"},
            {"lag", OPT_UINT, &in.lag, &lag_seen, "N", "compare the latest period with N periods before (default: a year)"},
            {"by-unit", OPT_FLAG, &by_unit, NULL, NULL, "per-period rows for every unit, not only the whole company"},
            {"table", OPT_STR, &table, NULL, "T", "csv output: units (default) or periods"},
            SCALE_SPEC(sc),
            CLI_COMMON_SPECS(c)};
        rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, &track_help,
                        pos, 1, &npos);
    }
    if (rc != 0)
        return rc == 1 ? 0 : EXIT_USAGE;
    if ((rc = cli_common_finish(&c, "track")) != 0 || (rc = scale_finish("track", &sc)) != 0
        || (rc = track_parse_options("track", &in, period, charts, levels, od)) != 0)
        return rc;
    if (npos != 1) {
        cli_error("track", "need one FILE (see loyalty track --help)");
        return EXIT_USAGE;
    }
    if (strcmp(table, "units") != 0 && strcmp(table, "periods") != 0) {
        cli_error("track", "unknown --table '%s' (units or periods)", table);
        return EXIT_USAGE;
    }
    if (no_unit && in.unit_col != NULL) {
        cli_error("track", "--no-units and --unit-column exclude each other");
        return EXIT_USAGE;
    }
    if (lag_seen && in.lag == 0) {
        cli_error("track", "--lag 0: give at least 1 period (default: a year)");
        return EXIT_USAGE;
    }
    in.path = pos[0];
    in.scale = &sc;
    in.dialect = &c.dialect;
    in.skip_bad = c.skip_bad;
    if (in.unit_col == NULL && !no_unit)
        in.unit_col = track_default_unit(in.path, &c.dialect);
    if ((rc = track_run("track", &in, &d)) == 0) {
        out_init(&o, stdout, c.format);
        out_begin(&o, "track");
        track_print(&o, &d, &in, by_unit, table, "input");
        out_end(&o);
    }
    track_data_free(&d);
    return rc;
}
