/* SPDX-License-Identifier: MIT */
/*
 * html.c - the self-contained HTML report: inline CSS and SVG, no scripts,
 * no external resources, well-formed XML (every element closed, only the
 * five XML entities), so any XML parser can check it.
 */
#include <math.h>
#include <string.h>

#include "parse.h"
#include "report.h"
#include "svg.h"

static const char css[] =
    "body{font-family:system-ui,Helvetica,Arial,sans-serif;margin:2em auto;"
    "max-width:980px;color:#222;}\n"
    "h1{font-size:1.6em;}h2{margin-top:1.8em;border-bottom:1px solid #ddd;}\n"
    "table{border-collapse:collapse;margin:0.8em 0;}\n"
    "td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right;}\n"
    "td.l,th.l{text-align:left;}\n"
    ".cards{display:flex;gap:1em;flex-wrap:wrap;}\n"
    ".card{border:1px solid #ddd;border-radius:6px;padding:0.6em 1em;}\n"
    ".card b{display:block;font-size:1.5em;}\n"
    "svg.chart text{font-size:12px;fill:#222;}\n"
    "svg.chart text.ct{font-size:14px;font-weight:bold;text-anchor:middle;}\n"
    ".note{color:#666;font-size:0.9em;}\n";

static void
card(FILE *fp, const char *label, const char *value)
{
    fputs("<div class=\"card\">", fp);
    xml_text(fp, label);
    fputs("<b>", fp);
    xml_text(fp, value);
    fputs("</b></div>\n", fp);
}

static void
cards(FILE *fp, const report_data *r)
{
    const nps_group *all = &r->nps.groups[0];
    char buf[64];
    fputs("<div class=\"cards\">\n", fp);
    snprintf(buf, sizeof buf, "%+.1f [%+.1f, %+.1f]", 100 * all->res.nps,
             100 * all->res.lower, 100 * all->res.upper);
    card(fp, "NPS (95% interval)", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)all->res.n);
    card(fp, "survey answers", buf);
    snprintf(buf, sizeof buf, "%zu", r->log.n);
    card(fp, "customers in the log", buf);
    snprintf(buf, sizeof buf, "%.0f", r->total_revenue);
    card(fp, "revenue", buf);
    snprintf(buf, sizeof buf, "%.1f%%", 100 * r->seg.revenue_at_risk
                                        / (r->total_revenue > 0 ? r->total_revenue : 1));
    card(fp, "revenue of detractors", buf);
    fputs("</div>\n", fp);
}

static void
td(FILE *fp, const char *cls, const char *s)
{
    fprintf(fp, "<td%s>", cls ? " class=\"l\"" : "");
    xml_text(fp, s);
    fputs("</td>", fp);
}

static void
tdf(FILE *fp, double v, int dec)
{
    if (isfinite(v))
        fprintf(fp, "<td>%.*f</td>", dec, v);
    else
        fputs("<td>n/a</td>", fp);
}

static void
nps_table(FILE *fp, const nps_data *d)
{
    size_t i;
    fputs("<table id=\"table-nps\"><tr><th class=\"l\">group</th><th>n</th>"
          "<th>detractors</th><th>passives</th><th>promoters</th><th>NPS</th>"
          "<th>lower</th><th>upper</th></tr>\n", fp);
    for (i = 0; i < d->n_groups; i++) {
        const nps_group *g = &d->groups[i];
        int ok = g->status == LOY_OK;
        fputs("<tr>", fp);
        td(fp, "l", g->name);
        fprintf(fp, "<td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>",
                (unsigned long long)g->tally.detractors + g->tally.passives
                    + g->tally.promoters,
                (unsigned long long)g->tally.detractors,
                (unsigned long long)g->tally.passives,
                (unsigned long long)g->tally.promoters);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.nps : g->res.nps) : CLI_NAN, 1);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.lower : g->res.lower) : CLI_NAN, 1);
        tdf(fp, ok ? 100 * (d->weighted ? g->wres.upper : g->res.upper) : CLI_NAN, 1);
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

static void
matrix_table(FILE *fp, const seg_data *s)
{
    static const char *const abc[3] = {"A", "B", "C"};
    int a, l;
    fputs("<table id=\"table-matrix\"><tr><th class=\"l\">class</th>"
          "<th class=\"l\">loyalty</th><th>customers</th><th>revenue %</th>"
          "<th class=\"l\">segment</th><th class=\"l\">action</th></tr>\n", fp);
    for (a = 0; a < 3; a++)
        for (l = 0; l < 4; l++) {
            int lc = l == SEG_NO_RESPONSE ? -1 : l;
            fputs("<tr>", fp);
            td(fp, "l", abc[a]);
            td(fp, "l", seg_loyalty_name(lc));
            fprintf(fp, "<td>%llu</td>", (unsigned long long)s->cell[a][l].count);
            tdf(fp, 100 * s->cell[a][l].revenue_share, 1);
            td(fp, "l", seg_label(a, lc));
            td(fp, "l", seg_action(s, a, lc));
            fputs("</tr>\n", fp);
        }
    fputs("</table>\n", fp);
}

static void
heading(FILE *fp, const char *title, const char *note)
{
    fputs("<h2>", fp);
    xml_text(fp, title);
    fputs("</h2>\n", fp);
    if (note != NULL) {
        fputs("<p class=\"note\">", fp);
        xml_text(fp, note);
        fputs("</p>\n", fp);
    }
}

static void
sections(FILE *fp, const report_data *r)
{
    heading(fp, "Net Promoter Score", "Adjusted-Wald 95% intervals; blank "
            "answers are non-responses, not passives.");
    svg_nps(fp, &r->nps);
    nps_table(fp, &r->nps);
    heading(fp, "ABC analysis", "Customers ranked by revenue in the purchase log.");
    svg_abc(fp, &r->seg);
    heading(fp, "Segmentation: value x loyalty", "Loyalty from each customer's "
            "latest survey answer; customers without one form their own column.");
    svg_matrix(fp, &r->seg);
    matrix_table(fp, &r->seg);
    if (r->clv_status == 0) {
        heading(fp, "Customer lifetime value", "BG/NBD purchases and Gamma-Gamma "
                "spend, 12 months, 1% monthly discount (revenue, not margin).");
        svg_histogram(fp, "chart-clv", "Distribution of CLV per customer (12 months)",
                      r->clv.clv, r->clv.n, "CLV per customer");
    } else {
        heading(fp, "Customer value", "The lifetime model failed: revenue per "
                "customer over the observation window instead of CLV.");
        svg_histogram(fp, "chart-clv", "Distribution of revenue per customer",
                      r->seg.value, r->seg.n, "revenue per customer");
    }
    heading(fp, "Retention", "Share of customers still buying m months after "
            "their first purchase, among customers observed for m months (blue), "
            "and the sBG model fitted to monthly tenures (red, dashed).");
    svg_curve(fp, "chart-retention", "Retention curve", r->ret_month, r->ret_share,
              r->sbg_status == LOY_OK ? r->sbg_curve : NULL, r->ret_n,
              "months since the first purchase", "observed (blue)", "sBG model (red)");
}

int
html_report(FILE *fp, const report_data *r)
{
    char date[32];
    format_date(r->log.obs_end, date, sizeof date);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<title>Loyalty report</title>\n<style>\n", fp);
    fputs(css, fp);
    fputs("</style>\n</head>\n<body>\n<h1>Loyalty report</h1>\n<p class=\"note\">Survey: ", fp);
    xml_text(fp, r->survey_path);
    fputs("; purchases: ", fp);
    xml_text(fp, r->purchases_path);
    fprintf(fp, "; observation end %s; libloyalty %s.</p>\n", date,
            loy_version_string());
    cards(fp, r);
    sections(fp, r);
    fputs("</body>\n</html>\n", fp);
    return ferror(fp) ? -1 : 0;
}
