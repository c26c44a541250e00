/* SPDX-License-Identifier: MIT */
/*
 * html.c - the self-contained HTML report: inline CSS and SVG, no scripts,
 * no external resources, well-formed XML (every element closed, only the
 * five XML entities), so any XML parser can check it. The layout follows
 * the width of the window (desktop and phone): charts scale with their
 * viewBox, wide tables scroll inside their own box.
 */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "parse.h"
#include "report.h"
#include "svg.h"

#define TOP_CUSTOMERS 15

static const char css[] =
    "*{box-sizing:border-box;}\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,"
    "sans-serif;margin:0 auto;padding:1.2em;max-width:1000px;color:#222;"
    "line-height:1.4;}\n"
    "h1{font-size:1.7em;margin:0.2em 0;}\n"
    "h2{margin-top:1.8em;border-bottom:1px solid #ddd;font-size:1.3em;}\n"
    ".meta{color:#555;font-size:0.92em;}\n"
    ".scroll{overflow-x:auto;max-width:100%;}\n"
    "table{border-collapse:collapse;margin:0.6em 0;font-size:0.93em;}\n"
    "td,th{padding:4px 9px;border-bottom:1px solid #eee;text-align:right;"
    "white-space:nowrap;}\n"
    "td.w{white-space:normal;min-width:14em;text-align:left;}\n"
    "th{background:#f6f7f9;}\n"
    "td.l,th.l{text-align:left;}\n"
    "tr.chosen td{font-weight:bold;}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));"
    "gap:0.7em;margin:1em 0;}\n"
    ".card{border:1px solid #ddd;border-radius:6px;padding:0.5em 0.8em;"
    "overflow-wrap:anywhere;}\n"
    ".card b{display:block;font-size:1.35em;}\n"
    ".card span{color:#555;font-size:0.88em;}\n"
    ".warn{border-left:4px solid #e67e22;background:#fff6ec;padding:0.5em 1em;"
    "margin:1em 0;}\n"
    ".warn li{margin:0.2em 0;}\n"
    ".chart-box{max-width:680px;overflow-x:auto;}\n"
    "svg.chart{display:block;width:100%;min-width:500px;height:auto;margin:0.6em 0;}\n"
    "svg.chart text{font-size:12px;fill:#222;paint-order:stroke;stroke:#ffffff;"
    "stroke-width:3px;stroke-linejoin:round;}\n"
    "svg.chart text.cell{stroke:none;}\n"
    "svg.chart text.ct{font-size:14px;font-weight:bold;text-anchor:middle;}\n"
    "svg.chart text.head{font-weight:bold;}\n"
    "svg.chart text.band{font-size:14px;font-weight:bold;fill:#4a5a6a;}\n"
    "svg.chart text.axis-title{fill:#555;}\n"
    ".note{color:#555;font-size:0.9em;}\n"
    "@media (max-width:600px){body{padding:0.6em;}h1{font-size:1.4em;}"
    ".card b{font-size:1.15em;}}\n";

/* ---- small helpers ---------------------------------------------------------- */

static void
card(FILE *fp, const char *label, const char *value, const char *sub)
{
    fputs("<div class=\"card\">", fp);
    xml_text(fp, label);
    fputs("<b>", fp);
    xml_text(fp, value);
    fputs("</b>", fp);
    if (sub != NULL) {
        fputs("<span>", fp);
        xml_text(fp, sub);
        fputs("</span>", fp);
    }
    fputs("</div>\n", fp);
}

static void
td(FILE *fp, int left, const char *s)
{
    fputs(left ? "<td class=\"l\">" : "<td>", fp);
    xml_text(fp, s);
    fputs("</td>", fp);
}

static void
tdf(FILE *fp, double v, int dec)
{
    char buf[64];
    td(fp, 0, fmt_grouped(buf, sizeof buf, v, dec));
}

static void
tdm(FILE *fp, double v, const char *cur)
{
    char buf[80];
    td(fp, 0, fmt_money(buf, sizeof buf, v, cur, 2));
}

static void
th_row(FILE *fp, const char *const *names, const int *left, int n)
{
    int i;
    fputs("<tr>", fp);
    for (i = 0; i < n; i++) {
        fputs(left[i] ? "<th class=\"l\">" : "<th>", fp);
        xml_text(fp, names[i]);
        fputs("</th>", fp);
    }
    fputs("</tr>\n", fp);
}

static void
heading(FILE *fp, const char *id, const char *title, const char *note)
{
    fprintf(fp, "<h2 id=\"%s\">", id);
    xml_text(fp, title);
    fputs("</h2>\n", fp);
    if (note != NULL) {
        fputs("<p class=\"note\">", fp);
        xml_text(fp, note);
        fputs("</p>\n", fp);
    }
}

static void
chart_open(FILE *fp)
{
    fputs("<div class=\"chart-box\">\n", fp);
}

static void
chart_close(FILE *fp)
{
    fputs("</div>\n", fp);
}

/* ---- header and summary cards ------------------------------------------------ */

static void
header(FILE *fp, const report_data *r)
{
    char date[32], num[48], num2[48];
    format_date(r->log.obs_end, date, sizeof date);
    fputs("<h1>", fp);
    xml_text(fp, r->title);
    fputs("</h1>\n<p class=\"meta\">", fp);
    if (r->have_survey) {
        fputs("Survey: ", fp);
        xml_text(fp, cli_basename(r->survey_path));
        fprintf(fp, " (%s answers); ", fmt_grouped(num, sizeof num,
                                                   (double)r->nps.groups[0].res.n, 0));
    }
    fputs("purchases: ", fp);
    xml_text(fp, cli_basename(r->purchases_path));
    fprintf(fp, " (%s rows, %s customers); observation end %s; libloyalty %s.</p>\n",
            fmt_grouped(num, sizeof num, (double)r->log.rows, 0),
            fmt_grouped(num2, sizeof num2, (double)r->log.n, 0), date,
            loy_version_string());
}

static void
warnings(FILE *fp, const report_data *r)
{
    size_t i;
    if (r->n_warnings == 0)
        return;
    fputs("<div class=\"warn\" id=\"warnings\"><b>Read before use</b>\n<ul>\n", fp);
    for (i = 0; i < r->n_warnings; i++) {
        fputs("<li>", fp);
        xml_text(fp, r->warnings[i]);
        fputs("</li>\n", fp);
    }
    fputs("</ul></div>\n", fp);
}

static void
cards(FILE *fp, const report_data *r)
{
    const char *cur = r->currency;
    char buf[96], sub[96];
    fputs("<div class=\"cards\" id=\"cards\">\n", fp);
    if (r->have_survey) {
        const nps_group *all = &r->nps.groups[0];
        snprintf(buf, sizeof buf, "%+.1f", 100 * (r->nps.weighted ? all->wres.nps
                                                                  : all->res.nps));
        snprintf(sub, sizeof sub, "95%% interval %+.1f to %+.1f",
                 100 * (r->nps.weighted ? all->wres.lower : all->res.lower),
                 100 * (r->nps.weighted ? all->wres.upper : all->res.upper));
        card(fp, "NPS", buf, sub);
    }
    fmt_grouped(buf, sizeof buf, (double)r->log.n, 0);
    if (r->have_survey)
        snprintf(sub, sizeof sub, "%.0f%% with a survey score",
                 r->log.n ? 100.0 * (double)r->matched / (double)r->log.n : 0.0);
    card(fp, "customers", buf, r->have_survey ? sub : NULL);
    card(fp, "revenue", fmt_money(buf, sizeof buf, r->total_revenue, cur, 0),
         "in the observation window");
    if (r->clv_status == 0) {
        snprintf(sub, sizeof sub, "next %.0f months, %s", r->clv_in.horizon,
                 model_title(r->clv.chosen));
        card(fp, "customer lifetime value", fmt_money(buf, sizeof buf, r->clv_total,
                                                      cur, 0), sub);
    }
    snprintf(sub, sizeof sub, "%s customers", fmt_grouped(buf, sizeof buf,
                                                       (double)r->at_risk_customers, 0));
    card(fp, "value at risk", fmt_money(buf, sizeof buf, r->var_total, cur, 0), sub);
    if (r->clv_status == 0 && r->silent_status == LOY_OK) {
        snprintf(sub, sizeof sub, "of %s: P(alive) below 50%%",
                 fmt_grouped(buf, sizeof buf, (double)r->clv.n_fit, 0));
        card(fp, "likely lapsed", fmt_grouped(buf, sizeof buf, r->silent.likely_lost, 0),
             sub);
    }
    fputs("</div>\n", fp);
}

/* ---- NPS ---------------------------------------------------------------------- */

static void
nps_table(FILE *fp, const nps_data *d)
{
    static const char *const names[9] = {"group", "answers", "detractors", "passives",
                                         "promoters", "NPS", "lower", "upper", "note"};
    static const int left[9] = {1, 0, 0, 0, 0, 0, 0, 0, 1};
    size_t i;
    fputs("<div class=\"scroll\"><table id=\"table-nps\">\n", fp);
    th_row(fp, names, left, 9);
    for (i = 0; i < d->n_groups; i++) {
        const nps_group *g = &d->groups[i];
        int ok = g->status == LOY_OK;
        uint32_t fl = d->weighted ? g->wres.flags : g->res.flags;
        fputs("<tr>", fp);
        td(fp, 1, g->name);
        tdf(fp, (double)(g->tally.detractors + g->tally.passives + g->tally.promoters), 0);
        tdf(fp, (double)g->tally.detractors, 0);
        tdf(fp, (double)g->tally.passives, 0);
        tdf(fp, (double)g->tally.promoters, 0);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.nps : g->res.nps) : CLI_NAN, 1);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.lower : g->res.lower) : CLI_NAN, 1);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.upper : g->res.upper) : CLI_NAN, 1);
        td(fp, 1, !ok ? "no answers" : (fl & LOY_NPS_SMALL_SAMPLE)
                   ? "fewer than 30 answers: a rough range" : "");
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void
nps_section(FILE *fp, const report_data *r)
{
    char note[300];
    heading(fp, "nps", "Net Promoter Score", "95% intervals (adjusted Wald unless "
            "another method was chosen); blank answers are non-responses, not "
            "passives.");
    chart_open(fp);
    svg_nps(fp, &r->nps);
    chart_close(fp);
    nps_table(fp, &r->nps);
    snprintf(note, sizeof note, "Answers per score on the %d-%d scale; %llu rows "
             "had no answer.", (int)r->nps.lo, (int)r->nps.hi,
             (unsigned long long)r->nps.groups[0].blank);
    fputs("<p class=\"note\">", fp);
    xml_text(fp, note);
    fputs("</p>\n", fp);
    chart_open(fp);
    svg_scores(fp, &r->nps, r->scale.b);
    chart_close(fp);
}

static void
join_section(FILE *fp, const report_data *r)
{
    static const char *const names[2] = {"", "customers"};
    static const int left[2] = {1, 0};
    heading(fp, "join", "Survey matched to purchases", "Scores join the purchase "
            "log by customer id (the latest answer wins); customers without a "
            "score form the 'no answer' column.");
    fputs("<div class=\"scroll\"><table id=\"table-join\">\n", fp);
    th_row(fp, names, left, 2);
    fputs("<tr>", fp);
    td(fp, 1, "survey customers with a score");
    tdf(fp, (double)r->respondents, 0);
    fputs("</tr>\n<tr>", fp);
    td(fp, 1, "found in the purchase log (matched)");
    tdf(fp, (double)r->matched, 0);
    fputs("</tr>\n<tr>", fp);
    td(fp, 1, "not found in the purchase log");
    tdf(fp, (double)r->unmatched, 0);
    fputs("</tr>\n<tr>", fp);
    td(fp, 1, "log customers without a score");
    tdf(fp, (double)r->customers_no_answer, 0);
    fputs("</tr>\n</table></div>\n", fp);
}

/* ---- consistency over units and time ------------------------------------------------ */

/* "branches" from "branch": the unit column's name as a plural noun. */
static const char *
plural(const char *word, char *buf, size_t size)
{
    size_t n = strlen(word);
    int es = n > 0 && (word[n - 1] == 's' || word[n - 1] == 'x'
                       || (n > 1 && word[n - 1] == 'h'
                           && (word[n - 2] == 'c' || word[n - 2] == 's')));
    snprintf(buf, size, "%s%s", word, es ? "es" : "s");
    return buf;
}

static void
consistency_cards(FILE *fp, const track_data *d, const char *units)
{
    char buf[96], sub[200], lab[32];
    size_t u, shown = 0, len = 0;
    fputs("<div class=\"cards\" id=\"cards-consistency\">\n", fp);
    if (d->funnel_status == LOY_OK) {
        snprintf(buf, sizeof buf, "%.1f points", 100 * d->fit.tau);
        snprintf(sub, sizeof sub, "SD of the %s' true NPS (target %+.1f)", units,
                 100 * d->fit.target);
        card(fp, "consistency (tau)", buf, sub);
        snprintf(buf, sizeof buf, "%.0f%%", 100 * d->fit.i2);
        snprintf(sub, sizeof sub, "of the spread between %s is real, not chance",
                 units);
        card(fp, "I\xC2\xB2", buf, sub);
        snprintf(buf, sizeof buf, "%zu of %zu", d->fit.n_outside[1], d->fit.n_used);
        len = (size_t)snprintf(sub, sizeof sub, "outside the %g%% limits",
                               100 * d->fit.levels[1]);
        for (u = 0; u < d->n_units && len < sizeof sub - 40; u++)
            if (d->f_flags[u] & LOY_FUNNEL_OUTSIDE_OUTER)
                len += (size_t)snprintf(sub + len, sizeof sub - len, "%s %.30s",
                                        shown++ ? "," : ":", d->names[u + 1]);
        card(fp, "outside the funnel", buf, sub);
    }
    if (d->first_signal[0] != LOY_NO_INDEX) {
        snprintf(sub, sizeof sub, "whole company, %s chart", track_first_chart(d, 0));
        card(fp, "first signal", track_period_label(d, d->first_signal[0], lab,
                                                    sizeof lab), sub);
    } else {
        card(fp, "first signal", "none", "whole company, after the baseline");
    }
    fputs("</div>\n", fp);
}

static void
consistency_units(FILE *fp, const track_data *d, const char *unit)
{
    const char *const names[9] = {unit, "answers", "NPS", "z", "shrunk NPS",
                                  "inner limits", "outer limits", "verdict",
                                  "first signal"};
    static const int left[9] = {1, 0, 0, 0, 0, 0, 0, 1, 1};
    char buf[200], lab[32];
    size_t u;
    fputs("<div class=\"scroll\"><table id=\"table-consistency\">\n", fp);
    th_row(fp, names, left, 9);
    for (u = 0; u < d->n_units; u++) {
        const uint64_t *t = d->totals + 3 * (u + 1);
        int ok = isfinite(d->f_nps[u]);
        fputs("<tr>", fp);
        td(fp, 1, d->names[u + 1]);
        tdf(fp, (double)(t[0] + t[1] + t[2]), 0);
        tdf(fp, 100 * d->f_nps[u], 1);
        tdf(fp, d->f_z[u], 2);
        tdf(fp, 100 * d->f_shrunk[u], 1);
        if (ok)
            snprintf(buf, sizeof buf, "%+.1f to %+.1f", 100 * d->f_lim[0][u],
                     100 * d->f_lim[1][u]);
        td(fp, 0, ok ? buf : "n/a");
        if (ok)
            snprintf(buf, sizeof buf, "%+.1f to %+.1f", 100 * d->f_lim[2][u],
                     100 * d->f_lim[3][u]);
        td(fp, 0, ok ? buf : "n/a");
        track_funnel_text(d, d->f_flags[u], buf, sizeof buf);
        td(fp, 1, buf[0] ? buf : "within the limits");
        if (d->first_signal[u + 1] != LOY_NO_INDEX)
            snprintf(buf, sizeof buf, "%s (%s)", track_period_label(d,
                     d->first_signal[u + 1], lab, sizeof lab), track_first_chart(d, u + 1));
        td(fp, 1, d->first_signal[u + 1] != LOY_NO_INDEX ? buf : "none");
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

/* The periods of the whole company with a signal. */
static void
consistency_signals(FILE *fp, const track_data *d)
{
    static const char *const names[5] = {"period", "answers", "NPS", "centre",
                                         "signals"};
    static const int left[5] = {1, 0, 0, 0, 1};
    char sig[200], lab[32];
    size_t t, rows = 0;
    for (t = 0; t < d->n_periods; t++) {
        const uint64_t *c = d->counts + 3 * t;
        track_signal_text(d, d->p_codes[t], sig, sizeof sig);
        if (!sig[0] || (d->p_codes[t] & LOY_SIGNAL_GAP))
            continue;
        if (rows++ == 0) {
            fputs("<div class=\"scroll\"><table id=\"table-signals\">\n", fp);
            th_row(fp, names, left, 5);
        }
        fputs("<tr>", fp);
        td(fp, 1, track_period_label(d, t, lab, sizeof lab));
        tdf(fp, (double)(c[0] + c[1] + c[2]), 0);
        tdf(fp, 100 * d->p_nps[t], 1);
        tdf(fp, 100 * d->c_centre[0], 1);
        td(fp, 1, sig);
        fputs("</tr>\n", fp);
    }
    if (rows > 0)
        fputs("</table></div>\n", fp);
    else
        fputs("<p>No period of the whole company has a signal.</p>\n", fp);
}

static void
consistency_section(FILE *fp, const report_data *r)
{
    const track_data *d = &r->trk;
    const char *unit = r->trk_in.unit_col ? r->trk_in.unit_col : "unit";
    char units[64], note[600], a[32], b[32], title[160];
    const size_t last = d->n_periods - 1, i = last;
    plural(unit, units, sizeof units);
    snprintf(note, sizeof note, "Which differences between %s are real, and when "
             "did the NPS move? Control limits from the baseline %s to %s (shaded); "
             "a red point is a signal (Shewhart, Laney, EWMA, CUSUM or a long run "
             "on one side). The funnel compares each of the %s with the target: "
             "inside the limits, a difference is what chance alone would give a "
             "unit of that size.", units,
             track_period_label(d, d->base_start, a, sizeof a),
             track_period_label(d, d->base_start + d->base_len - 1, b, sizeof b),
             units);
    heading(fp, "consistency", "Consistency", note);
    consistency_cards(fp, d, units);
    snprintf(title, sizeof title, "NPS per %s, whole company, with control limits",
             d->period == TRACK_WEEK ? "week" : d->period == TRACK_MONTH ? "month"
             : "quarter");
    chart_open(fp);
    svg_track_time(fp, d, 0, title);
    chart_close(fp);
    consistency_signals(fp, d);
    if (!(d->g_flags[i] & LOY_CHANGE_NONE)) {
        snprintf(note, sizeof note, "%s against %s: %+.1f points (95%% interval "
                 "%+.1f to %+.1f).", track_period_label(d, last, a, sizeof a),
                 track_period_label(d, last - d->lag, b, sizeof b), 100 * d->g_diff[i],
                 100 * d->g_lo[i], 100 * d->g_hi[i]);
        fputs("<p>", fp);
        xml_text(fp, note);
        fputs("</p>\n", fp);
    }
    if (!(d->t_flags[0] & (LOY_TREND_EMPTY | LOY_TREND_SEPARATED))) {
        snprintf(note, sizeof note, "Top box: 9-10 answers were %.0f%% of the 7-10 "
                 "answers at the start and %.0f%% at the end (%s, p = %.2g).",
                 100 * d->t_first[0], 100 * d->t_last[0], !(d->t_p[0] <= 0.05)
                 ? "no clear trend" : d->t_slope[0] > 0 ? "gaining" : "losing",
                 d->t_p[0]);
        fputs("<p class=\"note\">", fp);
        xml_text(fp, note);
        fputs("</p>\n", fp);
    }
    if (d->funnel_status != LOY_OK) {
        fputs("<p>No funnel: fewer than two ", fp);
        xml_text(fp, units);
        fputs(" with answers, or no spread in the answers.</p>\n", fp);
        return;
    }
    chart_open(fp);
    svg_funnel(fp, d, unit);
    chart_close(fp);
    consistency_units(fp, d, unit);
    fputs("<p class=\"note\">Shrunk NPS: pulled towards the mean as far as the "
          "size warrants, for a fair ranking of small units. z: distance from the "
          "target in standard errors. FDR: a Benjamini-Hochberg discovery at 5%; "
          "Bonferroni: significant after correcting for the number of units.</p>\n",
          fp);
}

/* ---- key drivers ------------------------------------------------------------------ */

static void
drivers_section(FILE *fp, const report_data *r)
{
    static const char *const names[7] = {"driver", "importance", "performance",
                                         "top box", "quadrant", "opportunity",
                                         "effect"};
    static const int left[7] = {1, 0, 0, 0, 1, 0, 0};
    const drivers_data *d = &r->drv;
    size_t order[64], i;
    char note[400], buf[64];
    snprintf(note, sizeof note, "What moves the score: each rated attribute's share "
             "of what the attributes explain together (R\xC2\xB2 = %.2f, %s model, "
             "%llu answers), today's performance (mean rating on 0-100), and the "
             "opportunity importance x (100 - performance): work on the top rows "
             "first. Priority fix = important and below the average performance.",
             d->summary.r2, d->model == LOY_DRIVERS_MODEL_LINEAR ? "linear"
             : d->model == LOY_DRIVERS_MODEL_LOGISTIC ? "logistic" : "ordinal",
             (unsigned long long)d->summary.n);
    heading(fp, "drivers", "Key drivers", note);
    chart_open(fp);
    svg_drivers(fp, d);
    chart_close(fp);
    drivers_order(d, order);
    fputs("<div class=\"scroll\"><table id=\"table-drivers\">\n", fp);
    th_row(fp, names, left, 7);
    for (i = 0; i < d->p; i++) {
        size_t j = order[i];
        fputs("<tr>", fp);
        td(fp, 1, d->names[j]);
        snprintf(buf, sizeof buf, "%.1f%%", 100 * d->share[j]);
        td(fp, 0, buf);
        tdf(fp, d->performance[j], 1);
        snprintf(buf, sizeof buf, "%.0f%%", 100 * d->top_box[j]);
        td(fp, 0, buf);
        td(fp, 1, loy_drivers_quadrant_name(d->quadrant[j]));
        tdf(fp, 100 * d->opportunity[j], 1);
        td(fp, 0, !(d->pvalue[j] <= 0.05) ? "no clear effect"
                  : d->beta_std[j] > 0 ? "raises the score" : "lowers the score");
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

/* ---- segmentation ---------------------------------------------------------------- */

static void
matrix_table(FILE *fp, const report_data *r)
{
    static const char *const abc[3] = {"A", "B", "C"};
    static const char *const names[7] = {"class", "loyalty", "customers", "revenue",
                                         "revenue %", "segment", "action"};
    static const int left[7] = {1, 1, 0, 0, 0, 1, 1};
    const seg_data *s = &r->seg;
    int a, l;
    fputs("<div class=\"scroll\"><table id=\"table-matrix\">\n", fp);
    th_row(fp, names, left, 7);
    for (a = 0; a < 3; a++)
        for (l = 0; l < 4; l++) {
            int lc = l == SEG_NO_RESPONSE ? -1 : l;
            fputs("<tr>", fp);
            td(fp, 1, abc[a]);
            td(fp, 1, seg_loyalty_name(lc));
            tdf(fp, (double)s->cell[a][l].count, 0);
            tdm(fp, s->cell[a][l].revenue, r->currency);
            tdf(fp, 100 * s->cell[a][l].revenue_share, 1);
            td(fp, 1, seg_label(a, lc));
            fputs("<td class=\"w\">", fp);
            xml_text(fp, seg_action(s, a, lc));
            fputs("</td></tr>\n", fp);
        }
    fputs("</table></div>\n", fp);
}

static void
segment_section(FILE *fp, const report_data *r)
{
    heading(fp, "segments", "Value x loyalty: where to act", "Value class from "
            "revenue (A: the top customers holding 80% of it, B: the next 15%, C: "
            "the rest); loyalty from each customer's latest survey answer. The "
            "colour says how urgent the cell's action is.");
    chart_open(fp);
    svg_matrix(fp, &r->seg, r->currency);
    chart_close(fp);
    matrix_table(fp, r);
    heading(fp, "abc", "ABC analysis", "Customers ranked by revenue in the "
            "purchase log; the bands are the value classes.");
    chart_open(fp);
    svg_abc(fp, &r->seg);
    chart_close(fp);
}

/* ---- lifetime model, CLV and the action list ------------------------------------------ */

static void
model_table(FILE *fp, const report_data *r)
{
    static const char *const names[7] = {"model", "fit", "log-likelihood", "BIC",
                                         "holdout RMSE", "holdout predicted",
                                         "holdout actual"};
    static const int left[7] = {1, 1, 0, 0, 0, 0, 0};
    const clv_data *d = &r->clv;
    int k;
    fputs("<div class=\"scroll\"><table id=\"table-models\">\n", fp);
    th_row(fp, names, left, 7);
    for (k = 0; k < N_MODELS; k++) {
        const model_fit *f = &d->fits[k];
        const model_fit *h = d->split_auto ? &d->cal_fits[k] : f;
        int ok = d->fitted[k] && (f->status == LOY_OK || f->status == LOY_ENOCONV);
        char name[64];
        if (!d->tried[k])
            continue;
        snprintf(name, sizeof name, "%s%s", model_title(k),
                 k == d->chosen ? " (chosen)" : "");
        fputs(k == d->chosen ? "<tr class=\"chosen\">" : "<tr>", fp);
        td(fp, 1, name);
        td(fp, 1, !d->fitted[k] ? "holdout only" : f->status == LOY_OK ? "converged"
                  : f->status == LOY_ENOCONV ? "not converged" : loy_strerror(f->status));
        tdf(fp, ok ? f->report.loglik : CLI_NAN, 1);
        tdf(fp, f->bic, 1);
        tdf(fp, h->ho_rmse, 3);
        tdf(fp, h->ho_predicted, 0);
        tdf(fp, h->ho_actual, 0);
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void
value_table(FILE *fp, const report_data *r)
{
    static const char *const names[2] = {"", "value"};
    static const int left[2] = {1, 0};
    char buf[200];
    fputs("<div class=\"scroll\"><table id=\"table-value\">\n", fp);
    th_row(fp, names, left, 2);
    snprintf(buf, sizeof buf, "total CLV, next %.0f months", r->clv_in.horizon);
    fputs("<tr>", fp);
    td(fp, 1, buf);
    tdm(fp, r->clv_total, r->currency);
    fputs("</tr>\n<tr>", fp);
    td(fp, 1, "mean CLV per customer");
    tdm(fp, r->clv.n_fit ? r->clv_total / (double)r->clv.n_fit : CLI_NAN, r->currency);
    fputs("</tr>\n<tr>", fp);
    td(fp, 1, "value at risk (silent churn and detractors)");
    tdm(fp, r->var_total, r->currency);
    fputs("</tr>\n", fp);
    if (r->silent_status == LOY_OK) {
        fputs("<tr>", fp);
        td(fp, 1, "value lost to silent churn");
        tdm(fp, r->silent.value_lost, r->currency);
        fputs("</tr>\n<tr>", fp);
        td(fp, 1, "customers already gone (expected)");
        tdf(fp, r->silent.expected_lost, 0);
        fputs("</tr>\n<tr>", fp);
        td(fp, 1, "expected purchases in the horizon");
        {
            double sum = 0.0;
            size_t i;
            for (i = 0; i < r->clv.n; i++)
                if (isfinite(r->clv.expected[i]))
                    sum += r->clv.expected[i];
            tdf(fp, sum, 0);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void
clv_section(FILE *fp, const report_data *r)
{
    char why[300], note[400], warn[1200];
    if (r->clv_status != 0) {
        heading(fp, "clv", "Customer value", "No lifetime model could be fitted: "
                "revenue per customer over the observation window instead of CLV.");
        chart_open(fp);
        svg_histogram(fp, "chart-clv", "Revenue per customer", r->seg.value, r->seg.n,
                      "revenue per customer", r->currency);
        chart_close(fp);
        return;
    }
    snprintf(note, sizeof note, "Purchases from the lifetime model, spend per "
             "purchase from the Gamma-Gamma model; %.0f months, %.1f%% monthly "
             "discount, %s.", r->clv_in.horizon, 100 * r->clv_in.discount,
             r->clv_in.margin_absolute ? "a fixed margin per purchase"
             : r->clv_in.margin < 1 ? "margin" : "revenue (not margin)");
    heading(fp, "clv", "Customer lifetime value", note);
    fputs("<p>Model: ", fp);
    xml_text(fp, clv_choice_text(&r->clv, why, sizeof why));
    fputs(".</p>\n", fp);
    clv_warnings_text(&r->clv, warn, sizeof warn);
    if (warn[0] != '\0') {
        fputs("<p class=\"note\">Caveats: ", fp);
        xml_text(fp, warn);
        fputs(".</p>\n", fp);
    }
    model_table(fp, r);
    value_table(fp, r);
    fputs("<p class=\"note\">CLV is already weighted by the chance that each "
          "customer is still active; the value at risk is the value a customer "
          "would bring if still active, times the chance of losing it (all of it "
          "for a detractor), so the two are not parts of one total.</p>\n", fp);
    snprintf(note, sizeof note, "CLV per customer, next %.0f months",
             r->clv_in.horizon);
    chart_open(fp);
    svg_histogram(fp, "chart-clv", note, r->clv.clv, r->clv.n, "CLV per customer",
                  r->currency);
    chart_close(fp);
}

static void
customers_section(FILE *fp, const report_data *r)
{
    static const char *const abc[3] = {"A", "B", "C"};
    static const char *const names[9] = {"#", "customer", "value", "loyalty",
                                         "P(alive)", "CLV", "value at risk",
                                         "segment", "action"};
    static const int left[9] = {0, 1, 1, 1, 0, 0, 0, 1, 1};
    size_t i;
    char note[300];
    snprintf(note, sizeof note, "The first %d customers by priority: the value at "
             "risk (the value if still active times the chance of losing it: "
             "1 - P(alive), or all of it for a detractor) that a call can still "
             "save, i.e. times P(alive).%s", TOP_CUSTOMERS,
             r->customers_csv ? " Every customer is in the CSV written with this "
             "report." : " loyalty customers --all (or report --customers-csv) "
             "lists every customer.");
    heading(fp, "customers", "Customers to call first", note);
    fputs("<div class=\"scroll\"><table id=\"table-customers\">\n", fp);
    th_row(fp, names, left, 9);
    for (i = 0; i < r->n_cust && i < TOP_CUSTOMERS; i++) {
        const cust_row *c = &r->cust[i];
        char buf[32];
        fputs("<tr>", fp);
        tdf(fp, (double)(i + 1), 0);
        td(fp, 1, idmap_name(r->log.ids, c->idx));
        td(fp, 1, abc[c->abc]);
        if (c->score != INT32_MIN)
            snprintf(buf, sizeof buf, "%s (%d)", seg_loyalty_name(c->loyalty),
                     (int)c->score);
        else
            snprintf(buf, sizeof buf, "no answer");
        td(fp, 1, buf);
        if (isfinite(c->p_alive))
            snprintf(buf, sizeof buf, "%.0f%%", 100 * c->p_alive);
        else
            snprintf(buf, sizeof buf, "n/a");
        td(fp, 0, buf);
        tdm(fp, c->clv, r->currency);
        tdm(fp, c->value_at_risk, r->currency);
        td(fp, 1, seg_label(c->abc, c->loyalty));
        td(fp, 1, customer_action(c));
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

/* ---- retention and loyalty value ------------------------------------------------------- */

static void
retention_section(FILE *fp, const report_data *r)
{
    static const char *const names[4] = {"month", "customers observed",
                                         "still active", "sBG model"};
    static const int left[4] = {0, 0, 0, 0};
    size_t m;
    char note[400];
    snprintf(note, sizeof note, "Share of customers still active m months after "
             "their first purchase (a customer lapses after %d months without a "
             "purchase). Kaplan-Meier estimate: customers who joined recently count "
             "only for the months they were observed, so the curve does not fall "
             "just because the window ends; it stops where fewer than %d customers "
             "are observed. Dashed: the sBG model fitted to the same tenures.", 3,
             RETENTION_MIN_AT_RISK);
    heading(fp, "retention", "Retention", note);
    if (r->ret_n < 2) {
        fputs("<p>Too few customers observed for a month or more.</p>\n", fp);
        return;
    }
    chart_open(fp);
    svg_retention(fp, r->ret_month, r->ret_share,
                  r->sbg_status == LOY_OK ? r->sbg_curve : NULL, r->ret_n);
    chart_close(fp);
    fputs("<div class=\"scroll\"><table id=\"table-retention\">\n", fp);
    th_row(fp, names, left, 4);
    for (m = 0; m < r->ret_n; m += m < 3 ? 1 : m < 12 ? 3 : 6) {
        fputs("<tr>", fp);
        tdf(fp, (double)m, 0);
        tdf(fp, (double)r->ret_base[m], 0);
        tdf(fp, 100 * r->ret_share[m], 1);
        tdf(fp, r->sbg_status == LOY_OK ? 100 * r->sbg_curve[m] : CLI_NAN, 1);
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void
class_value_section(FILE *fp, const report_data *r)
{
    static const char *const names[5] = {"loyalty", "customers", "mean revenue",
                                         "lower", "upper"};
    static const int left[5] = {1, 0, 0, 0, 0};
    int k;
    if (!r->have_survey || r->class_value_status != LOY_OK)
        return;
    heading(fp, "loyalty-value", "Revenue by loyalty class", "Mean revenue per "
            "customer in the observation window with 95% intervals.");
    fputs("<div class=\"scroll\"><table id=\"table-loyalty-value\">\n", fp);
    th_row(fp, names, left, 5);
    for (k = 0; k < 3; k++) {
        fputs("<tr>", fp);
        td(fp, 1, seg_loyalty_name(k));
        tdf(fp, (double)r->class_value.n[k], 0);
        tdm(fp, r->class_value.mean[k], r->currency);
        tdm(fp, r->class_value.lower[k], r->currency);
        tdm(fp, r->class_value.upper[k], r->currency);
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

int
html_report(FILE *fp, const report_data *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<title>", fp);
    xml_text(fp, r->title);
    fputs("</title>\n<style>\n", fp);
    fputs(css, fp);
    fputs("</style>\n</head>\n<body>\n", fp);
    header(fp, r);
    warnings(fp, r);
    cards(fp, r);
    if (r->have_survey) {
        nps_section(fp, r);
        if (r->have_track && r->track_status == 0)
            consistency_section(fp, r);
        if (r->have_drivers && r->drivers_status == 0)
            drivers_section(fp, r);
        join_section(fp, r);
    }
    segment_section(fp, r);
    clv_section(fp, r);
    customers_section(fp, r);
    retention_section(fp, r);
    class_value_section(fp, r);
    fputs("</body>\n</html>\n", fp);
    return ferror(fp) ? -1 : 0;
}
