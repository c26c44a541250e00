/* SPDX-License-Identifier: MIT */
/*
 * svg.c - inline SVG charts (see svg.h). Plain SVG 1.1 elements only.
 *
 * Geometry: every chart is W wide in its own units, with the plot area
 * inside the margins; text is 12 units (the title 14), so labels are
 * placed with text_width() estimates and enough room to spare.
 */
#include "svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define W 640
#define H 320
#define ML 64    /* margins: left, right, top, bottom */
#define MR 24
#define MT 52
#define MB 48
#define FONT 12.0

#define BLUE "#1f5fa8"
#define RED "#c0392b"
#define GREEN "#2e8b57"
#define GREY "#9aa5b1"
#define AXIS "#333333"
#define GRID "#e5e5e5"

void
xml_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, fp);
        }
    }
}

static void
svg_begin(FILE *fp, const char *id, const char *title, int w, int h)
{
    fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" "
            "class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "preserveAspectRatio=\"xMinYMin meet\">\n<title>", id, w, h);
    xml_text(fp, title);
    fprintf(fp, "</title>\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
            "fill=\"#ffffff\"/>\n<text x=\"%d\" y=\"20\" class=\"ct\">", w, h, w / 2);
    xml_text(fp, title);
    fputs("</text>\n", fp);
}

static void
svg_end(FILE *fp)
{
    fputs("</svg>\n", fp);
}

static void
text_at(FILE *fp, double x, double y, const char *anchor, const char *s)
{
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
    xml_text(fp, s);
    fputs("</text>\n", fp);
}

static void
text_cls(FILE *fp, double x, double y, const char *anchor, const char *cls,
         const char *s)
{
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x,
            y, anchor, cls);
    xml_text(fp, s);
    fputs("</text>\n", fp);
}

static void
line(FILE *fp, double x1, double y1, double x2, double y2, const char *style)
{
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n",
            x1, y1, x2, y2, style);
}

static void
rect(FILE *fp, double x, double y, double w, double h, const char *fill)
{
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"%s\"/>\n", x, y, w > 0 ? w : 0, h > 0 ? h : 0, fill);
}

/* Text cut to at most `px` wide, with an ellipsis. */
static const char *
fit_text(const char *s, double px, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (text_width(s, FONT) <= px || size < 8)
        return s;
    if (n >= size - 4)
        n = size - 4;
    memcpy(buf, s, n);
    buf[n] = '\0';
    while (n > 1 && text_width(buf, FONT) + 8 > px) {
        buf[--n] = '\0';
        while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
            buf[--n] = '\0';        /* keep UTF-8 whole */
        if (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0xC0)
            buf[--n] = '\0';
    }
    strcat(buf, "\xE2\x80\xA6");
    return buf;
}

/* A legend entry: a swatch (box or line) and its text; returns the x
 * after it. */
static double
legend_item(FILE *fp, double x, double y, const char *color, int as_line,
            const char *dash, const char *label)
{
    if (as_line)
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"2.5\"%s%s%s/>\n", x, y - 4, x + 22,
                y - 4, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                dash ? "\"" : "");
    else
        fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
                "fill=\"%s\" class=\"swatch\"/>\n", x, y - 10, color);
    x += as_line ? 28 : 17;
    text_at(fp, x, y, "start", label);
    return x + text_width(label, FONT) + 16;
}

typedef struct legend_spec {
    const char *color;
    int as_line;
    const char *dash;
    const char *label;
} legend_spec;

/* A row of legend entries ending at x_right. */
static void
legend_row(FILE *fp, double x_right, double y, const legend_spec *it, int n)
{
    double w = 0, x;
    int k;
    for (k = 0; k < n; k++)
        w += (it[k].as_line ? 28 : 17) + text_width(it[k].label, FONT) + 16;
    x = x_right - (w - 16);
    for (k = 0; k < n; k++)
        x = legend_item(fp, x, y, it[k].color, it[k].as_line, it[k].dash, it[k].label);
}

/* Horizontal grid lines and labels of a y axis from 0 to top. */
static void
y_axis(FILE *fp, double top, double step, double x0, double x1, double y0,
       double h, int percent, const char *currency)
{
    double v;
    char buf[48];
    for (v = 0; v <= top * (1 + 1e-9); v += step) {
        double y = y0 - v / top * h;
        line(fp, x0, y, x1, y, v == 0 ? "stroke=\"" AXIS "\"" : "stroke=\"" GRID "\"");
        if (percent)
            snprintf(buf, sizeof buf, "%.0f%%", 100 * v);
        else
            fmt_money_short(buf, sizeof buf, v, currency);
        text_at(fp, x0 - 6, y + 4, "end", buf);
    }
}

/* ---- NPS by group ---------------------------------------------------------- */

#define NPS_ML 150   /* room for group names */

static void
nps_row_svg(FILE *fp, const nps_group *g, double y, int weighted)
{
    double v = weighted ? g->wres.nps : g->res.nps;
    double lo = weighted ? g->wres.lower : g->res.lower;
    double hi = weighted ? g->wres.upper : g->res.upper;
    double scale = (W - NPS_ML - MR) / 2.0, x0 = NPS_ML + scale;
    char buf[64], name[64];
    double wlabel;
    text_at(fp, NPS_ML - 10, y + 4, "end", fit_text(g->name, NPS_ML - 16, name,
                                                    sizeof name));
    if (g->status != LOY_OK)
        return;
    line(fp, x0 + lo * scale, y, x0 + hi * scale, y,
         "stroke=\"" BLUE "\" stroke-width=\"2\"");
    line(fp, x0 + lo * scale, y - 6, x0 + lo * scale, y + 6, "stroke=\"" BLUE "\"");
    line(fp, x0 + hi * scale, y - 6, x0 + hi * scale, y + 6, "stroke=\"" BLUE "\"");
    fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n",
            x0 + v * scale, y, v >= 0 ? GREEN : RED);
    snprintf(buf, sizeof buf, "%+.1f [%+.1f, %+.1f]", 100 * v, 100 * lo, 100 * hi);
    wlabel = text_width(buf, FONT);
    /* right of the bar; left of it near the right edge; else above it */
    if (x0 + hi * scale + 8 + wlabel < W - 4)
        text_at(fp, x0 + hi * scale + 8, y + 4, "start", buf);
    else if (x0 + lo * scale - 8 - wlabel > NPS_ML + 2)
        text_at(fp, x0 + lo * scale - 8, y + 4, "end", buf);
    else
        text_at(fp, x0 + v * scale, y - 9, "middle", buf);
}

void
svg_nps(FILE *fp, const nps_data *d)
{
    int h = MT + MB + 36 * (int)d->n_groups;
    double scale = (W - NPS_ML - MR) / 2.0, x0 = NPS_ML + scale;
    size_t i;
    int k;
    svg_begin(fp, "chart-nps", "NPS by group with 95% intervals (points)", W, h);
    for (k = -100; k <= 100; k += 50) {
        char buf[16];
        double x = x0 + k / 100.0 * scale;
        line(fp, x, MT - 6, x, h - MB, k == 0 ? "stroke=\"" AXIS "\"" : "stroke=\"" GRID "\"");
        snprintf(buf, sizeof buf, "%+d", k);
        text_at(fp, x, h - MB + 16, "middle", k == 0 ? "0" : buf);
    }
    for (i = 0; i < d->n_groups; i++)
        nps_row_svg(fp, &d->groups[i], MT + 14 + 36.0 * (double)i, d->weighted);
    text_at(fp, x0, h - 10, "middle", "NPS (points, -100 to +100)");
    svg_end(fp);
}

/* ---- score distribution ------------------------------------------------------ */

void
svg_scores(FILE *fp, const nps_data *d, const int32_t *breaks)
{
    const nps_group *all = &d->groups[0];
    int32_t lo = d->lo, hi = d->hi, v;
    int32_t dmax = breaks ? breaks[1] : 6, pmax = breaks ? breaks[2] : 8;
    uint64_t max = 1;
    double top, step, bw, ph = H - MT - MB;
    char buf[32];
    int nb = hi - lo + 1, every;
    for (v = lo; v <= hi; v++)
        max = all->hist[v - lo] > max ? all->hist[v - lo] : max;
    step = nice_step((double)max, 4, &top);
    if (step < 1)
        step = 1, top = ceil((double)max);
    bw = (W - ML - MR) / (double)nb;
    static const legend_spec leg[3] = {{RED, 0, NULL, "detractors"},
                                       {GREY, 0, NULL, "passives"},
                                       {GREEN, 0, NULL, "promoters"}};
    svg_begin(fp, "chart-scores", "Answers per score", W, H);
    legend_row(fp, W - MR, 42, leg, 3);
    y_axis(fp, top, step, ML, W - MR, H - MB, ph, 0, NULL);
    /* label every score while they fit, else every 2nd, 5th or 10th */
    every = bw >= 22 ? 1 : bw * 2 >= 22 ? 2 : bw * 5 >= 22 ? 5 : 10;
    for (v = lo; v <= hi; v++) {
        double hgt = (double)all->hist[v - lo] / top * ph;
        double bx = ML + (v - lo) * bw;
        rect(fp, bx + bw * 0.12, H - MB - hgt, bw * 0.76, hgt,
             v <= dmax ? RED : v <= pmax ? GREY : GREEN);
        if ((v - lo) % every == 0) {
            snprintf(buf, sizeof buf, "%d", (int)v);
            text_at(fp, bx + bw / 2, H - MB + 16, "middle", buf);
        }
    }
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", "score");
    text_cls(fp, 8, MT - 14, "start", "axis-title", "answers");
    svg_end(fp);
}

/* ---- ABC curve ------------------------------------------------------------- */

static double
px_x(double f)
{
    return ML + f * (W - ML - MR);
}

static double
px_y(double f)
{
    return H - MB - f * (H - MT - MB);
}

static void
polyline(FILE *fp, const double *x, const double *y, size_t n, size_t step,
         const char *style)
{
    size_t i;
    fputs("<polyline fill=\"none\" points=\"", fp);
    for (i = 0; i < n; i += step)
        fprintf(fp, "%.1f,%.1f ", px_x(x[i]), px_y(y[i]));
    if (n > 0 && (n - 1) % step != 0)
        fprintf(fp, "%.1f,%.1f", px_x(x[n - 1]), px_y(y[n - 1]));
    fprintf(fp, "\" %s/>\n", style);
}

/* x axis in % of customers, y in % of value. */
static void
unit_axes(FILE *fp, const char *xlabel, const char *ylabel)
{
    char buf[32];
    int k;
    for (k = 0; k <= 5; k++) {
        double f = k / 5.0;
        line(fp, ML, px_y(f), W - MR, px_y(f), k ? "stroke=\"" GRID "\"" : "stroke=\"" AXIS "\"");
        snprintf(buf, sizeof buf, "%d%%", k * 20);
        text_at(fp, ML - 6, px_y(f) + 4, "end", buf);
        /* the origin's x label starts at the axis, clear of the y label */
        text_at(fp, px_x(f), H - MB + 16, k == 0 ? "start" : "middle", buf);
    }
    line(fp, ML, MT, ML, H - MB, "stroke=\"" AXIS "\"");
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", xlabel);
    text_cls(fp, 8, MT - 14, "start", "axis-title", ylabel);
}

void
svg_abc(FILE *fp, const seg_data *s)
{
    static const char *const names[3] = {"A", "B", "C"};
    static const char *const fills[3] = {"#dbe8f6", "#eef3f9", "#f7f9fb"};
    size_t step = s->n > 800 ? s->n / 800 : 1, k = 0;
    double xs[4], ys[4];
    int a;
    svg_begin(fp, "chart-abc", "ABC curve: share of value held by the top customers",
              W, H);
    xs[0] = ys[0] = 0.0;
    for (a = 0; a < 3; a++) {
        uint64_t cnt = s->computed ? s->comp.count[a] : s->fixed.count[a];
        k += (size_t)cnt;
        if (k > s->n)
            k = s->n;
        xs[a + 1] = s->curve_x[k];
        ys[a + 1] = s->curve_y[k];
    }
    /* class bands behind the curve, with their letter when there is room */
    for (a = 0; a < 3; a++) {
        double x0 = px_x(xs[a]), x1 = px_x(xs[a + 1]);
        rect(fp, x0, MT, x1 - x0, H - MT - MB, fills[a]);
        if (x1 - x0 >= 18)
            text_cls(fp, (x0 + x1) / 2, H - MB - 8, "middle", "band", names[a]);
    }
    unit_axes(fp, "share of customers (ranked by value)", "share of value");
    line(fp, px_x(0), px_y(0), px_x(1), px_y(1),
         "stroke=\"#bbbbbb\" stroke-dasharray=\"4 4\"");
    polyline(fp, s->curve_x, s->curve_y, s->n + 1, step,
             "stroke=\"" BLUE "\" stroke-width=\"2\"");
    /* what the bands mean, as a legend in the lower right, clear of the
     * curve (which runs through the upper left) */
    for (a = 0; a < 3; a++) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s: %.0f%% of customers, %.0f%% of value",
                 names[a], 100 * (xs[a + 1] - xs[a]), 100 * (ys[a + 1] - ys[a]));
        fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" "
                "fill=\"%s\" stroke=\"#8899aa\" class=\"swatch\"/>\n", W - MR - 262,
                H - MB - 78 + 18.0 * a - 10, fills[a]);
        text_at(fp, W - MR - 244, H - MB - 78 + 18.0 * a, "start", buf);
    }
    svg_end(fp);
}

/* ---- matrix heat map -------------------------------------------------------- */

/* How urgent a cell's action is: the colour of the cell and its legend. */
typedef struct urgency {
    const char *fill, *ink, *label;
} urgency;

static const urgency urgencies[5] = {
    {"#c0392b", "#ffffff", "act now"},
    {"#e67e22", "#ffffff", "act soon"},
    {"#f6d365", "#222222", "find out"},
    {"#7bc67b", "#222222", "keep and grow"},
    {"#e3e7ec", "#222222", "maintain"}};

static int
urgency_of(int32_t action)
{
    switch (action) {
    case LOY_ACTION_RESCUE:
        return 0;
    case LOY_ACTION_SECURE:
    case LOY_ACTION_RECOVER:
        return 1;
    case LOY_ACTION_REACH_OUT:
        return 2;
    case LOY_ACTION_PROTECT_LEVERAGE:
    case LOY_ACTION_GROW_WALLET:
    case LOY_ACTION_CHEAP_LEVERAGE:
    case LOY_ACTION_DEVELOP:
        return 3;
    default:
        return 4;
    }
}

#define MX_ML 112

static void
heat_cell(FILE *fp, const seg_data *s, int a, int lc, double x, double y,
          double cw, double ch, const char *currency)
{
    int l = lc == SEG_NO_RESPONSE ? -1 : lc;
    const seg_cell *c = &s->cell[a][lc];
    const urgency *u = &urgencies[urgency_of(seg_action_code(s, a, l))];
    char buf[80], num[48], fit[64];
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n",
            x, y, cw, ch, u->fill);
    fprintf(fp, "<g fill=\"%s\">\n", u->ink);
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
            "font-weight=\"bold\" fill=\"%s\" class=\"cell\">", x + cw / 2, y + 19,
            u->ink);
    xml_text(fp, fit_text(seg_label(a, l), (cw - 12) / 1.15, fit, sizeof fit));
    fputs("</text>\n", fp);
    fmt_grouped(num, sizeof num, (double)c->count, 0);
    snprintf(buf, sizeof buf, "%s customers", num);
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
            "class=\"cell\">", x + cw / 2, y + 37, u->ink);
    xml_text(fp, fit_text(buf, cw - 10, fit, sizeof fit));
    fputs("</text>\n", fp);
    snprintf(buf, sizeof buf, "%.1f%% of revenue", 100 * c->revenue_share);
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
            "class=\"cell\">", x + cw / 2, y + 54, u->ink);
    xml_text(fp, fit_text(buf, cw - 10, fit, sizeof fit));
    fputs("</text>\n</g>\n", fp);
    (void)currency;
}

void
svg_matrix(FILE *fp, const seg_data *s, const char *currency)
{
    static const char *const cols[4] = {"promoter", "passive", "detractor",
                                        "no answer"};
    static const int col_of[4] = {2, 1, 0, 3};  /* P, A, D, none */
    static const char *const rows[3] = {"A (top value)", "B", "C"};
    double cw = (W - MX_ML - MR) / 4.0, ch = 64;
    legend_spec leg[5];
    int a, l, k, h = MT + 24 + 3 * 64 + 46;
    svg_begin(fp, "chart-matrix", "Value x loyalty: where to act", W, h);
    for (l = 0; l < 4; l++)
        text_cls(fp, MX_ML + cw * (l + 0.5), MT + 14, "middle", "head", cols[l]);
    for (a = 0; a < 3; a++) {
        text_cls(fp, MX_ML - 8, MT + 24 + ch * (a + 0.5) + 4, "end", "head", rows[a]);
        for (l = 0; l < 4; l++)
            heat_cell(fp, s, a, col_of[l], MX_ML + cw * l, MT + 24 + ch * a, cw, ch,
                      currency);
    }
    /* legend: the urgency colours, most urgent first */
    for (k = 0; k < 5; k++) {
        leg[k].color = urgencies[k].fill;
        leg[k].as_line = 0;
        leg[k].dash = NULL;
        leg[k].label = urgencies[k].label;
    }
    legend_row(fp, W - MR, h - 14, leg, 5);
    svg_end(fp);
}

/* ---- histogram ---------------------------------------------------------------- */

static int
cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Upper end of the histogram: the 98th percentile, so that a few huge
 * values do not squash the rest into one bar (they go to the last bar). */
static double
hist_top(const double *v, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c), top;
    size_t i, m = 0;
    if (c == NULL)
        return 1.0;
    for (i = 0; i < n; i++)
        if (isfinite(v[i]))
            c[m++] = v[i];
    qsort(c, m, sizeof *c, cmp_dbl);
    top = m ? c[(size_t)(0.98 * (double)(m - 1))] : 0.0;
    free(c);
    return top > 0 ? top : 1.0;
}

void
svg_histogram(FILE *fp, const char *id, const char *title, const double *v,
              size_t n, const char *xlabel, const char *currency)
{
    enum { MAXBINS = 40 };
    uint64_t count[MAXBINS + 1] = {0}, max = 1, over = 0;
    double step, top, ystep, ytop, bw, ph = H - MT - MB, t;
    double bin_w;
    char buf[48];
    size_t i;
    int b, nbins;
    /* ticks at nice steps; bins split each tick interval in 1, 2 or 5 */
    step = nice_step(hist_top(v, n), 5, &top);
    nbins = (int)(top / step + 0.5);
    nbins *= nbins <= 4 ? 5 : nbins <= 8 ? 4 : 2;
    if (nbins > MAXBINS)
        nbins = MAXBINS;
    bin_w = top / nbins;
    for (i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (v[i] >= top) {
            over++;
            b = nbins - 1;
        } else {
            b = v[i] <= 0 ? 0 : (int)(v[i] / bin_w);
            if (b >= nbins)
                b = nbins - 1;
        }
        count[b]++;
    }
    for (b = 0; b < nbins; b++)
        max = count[b] > max ? count[b] : max;
    ystep = nice_step((double)max, 4, &ytop);
    if (ystep < 1)
        ystep = 1, ytop = ceil((double)max);
    bw = (W - ML - MR) / (double)nbins;
    svg_begin(fp, id, title, W, H);
    y_axis(fp, ytop, ystep, ML, W - MR, H - MB, ph, 0, NULL);
    for (b = 0; b < nbins; b++) {
        double hgt = (double)count[b] / ytop * ph;
        rect(fp, ML + b * bw + 1, H - MB - hgt, bw - 2, hgt, BLUE);
    }
    for (t = 0; t <= top * (1 + 1e-9); t += step) {
        double x = ML + t / top * (W - ML - MR);
        fmt_money_short(buf, sizeof buf, t, currency);
        if (t + step > top * (1 + 1e-9) && over > 0)
            strcat(buf, "+");
        text_at(fp, x, H - MB + 16, t == 0 ? "start" : t + step > top * (1 + 1e-9)
                                                          ? "end" : "middle", buf);
    }
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", xlabel);
    text_cls(fp, 8, MT - 14, "start", "axis-title", "customers");
    if (over > 0) {
        fmt_grouped(buf, sizeof buf, (double)over, 0);
        strcat(buf, " above the axis: in the last bar");
        text_at(fp, W - MR, MT - 14, "end", buf);
    }
    svg_end(fp);
}

/* ---- retention ------------------------------------------------------------------- */

void
svg_retention(FILE *fp, const double *x, const double *y, const double *y2,
              size_t n)
{
    double xmax = n > 1 ? x[n - 1] : 1.0, step, top, m;
    double *xs = malloc((n ? n : 1) * sizeof *xs);
    char buf[32];
    size_t i;
    static const legend_spec leg[2] = {{BLUE, 1, NULL, "observed (Kaplan-Meier)"},
                                       {RED, 1, "6 4", "sBG model"}};
    svg_begin(fp, "chart-retention", "Retention: share of customers still active",
              W, H);
    legend_row(fp, W - MR, 42, leg, y2 != NULL ? 2 : 1);
    y_axis(fp, 1.0, 0.2, ML, W - MR, H - MB, H - MT - MB, 1, NULL);
    step = nice_step(xmax, 6, &top);
    if (step < 1)
        step = 1, top = ceil(xmax);
    if (step > 2 && step < 3)
        step = 3, top = ceil(xmax / 3) * 3;     /* months: 3, not 2.5 */
    if (top <= 0)
        top = 1;
    for (m = 0; m <= top * (1 + 1e-9); m += step) {
        snprintf(buf, sizeof buf, "%.0f", m);
        text_at(fp, ML + m / top * (W - ML - MR), H - MB + 16, "middle", buf);
    }
    if (xs != NULL && n > 0) {
        for (i = 0; i < n; i++)
            xs[i] = x[i] / top;
        polyline(fp, xs, y, n, 1, "stroke=\"" BLUE "\" stroke-width=\"2.5\"");
        if (y2 != NULL)
            polyline(fp, xs, y2, n, 1, "stroke=\"" RED "\" stroke-width=\"2\" "
                     "stroke-dasharray=\"6 4\"");
    }
    free(xs);
    line(fp, ML, MT, ML, H - MB, "stroke=\"" AXIS "\"");
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", "months since the first purchase");
    text_cls(fp, 8, MT - 14, "start", "axis-title", "still active");
    svg_end(fp);
}

/* ---- key drivers -------------------------------------------------------------- */

#define DRV_ML 150

static const char *
quadrant_color(int32_t q)
{
    switch (q) {
    case LOY_IPA_PRIORITY_FIX: return "#c0392b";
    case LOY_IPA_KEY_STRENGTH: return GREEN;
    case LOY_IPA_SECONDARY_STRENGTH: return "#7bc67b";
    default: return GREY;
    }
}

void
svg_drivers(FILE *fp, const drivers_data *d)
{
    static const legend_spec leg[4] = {
        {"#c0392b", 0, NULL, "priority fix"}, {GREEN, 0, NULL, "key strength"},
        {"#7bc67b", 0, NULL, "secondary strength"}, {GREY, 0, NULL, "low priority"}};
    size_t order[64], i;
    double max = 0.0, step, top, x;
    int h = MT + MB + 30 * (int)d->p;
    char buf[64], name[64];
    drivers_order(d, order);
    for (i = 0; i < d->p; i++)
        max = d->share[i] > max ? d->share[i] : max;
    step = nice_step(max, 4, &top);
    svg_begin(fp, "chart-drivers", "Key drivers: importance (share of what the "
              "drivers explain)", W, h);
    legend_row(fp, W - MR, 42, leg, 4);
    for (x = 0; x <= top * (1 + 1e-9); x += step) {
        double px = DRV_ML + x / top * (W - DRV_ML - MR - 60);
        line(fp, px, MT + 4, px, h - MB, x == 0 ? "stroke=\"" AXIS "\"" : "stroke=\"" GRID "\"");
        snprintf(buf, sizeof buf, "%.0f%%", 100 * x);
        text_at(fp, px, h - MB + 16, "middle", buf);
    }
    for (i = 0; i < d->p; i++) {
        size_t j = order[i];
        double y = MT + 12 + 30.0 * (double)i, w = d->share[j] / top * (W - DRV_ML - MR - 60);
        text_at(fp, DRV_ML - 8, y + 13, "end", fit_text(d->names[j], DRV_ML - 14, name,
                                                        sizeof name));
        rect(fp, DRV_ML, y, w, 18, quadrant_color(d->quadrant[j]));
        snprintf(buf, sizeof buf, "%.1f%%", 100 * d->share[j]);
        text_at(fp, DRV_ML + w + 6, y + 13, "start", buf);
    }
    text_at(fp, DRV_ML + (W - DRV_ML - MR - 60) / 2.0, h - 10, "middle",
            "importance (most opportunity first)");
    svg_end(fp);
}

/* ---- consistency: NPS over time ------------------------------------------------- */

#define ORANGE "#e67e22"
#define LIGHT "#f1f4f8"

/* A nice axis over [lo, hi] (NPS as fractions): ticks every *step from
 * *a to *b. */
static void
range_axis(double lo, double hi, int ticks, double *a, double *b, double *step)
{
    double top;
    if (!(hi > lo))
        lo -= 0.05, hi += 0.05;
    *step = nice_step(hi - lo, ticks, &top);
    *a = floor(lo / *step + 1e-9) * *step;
    *b = ceil(hi / *step - 1e-9) * *step;
    if (*b - *a < *step)
        *b = *a + *step;
}

static void
nps_y_axis(FILE *fp, double a, double b, double step, double x0, double x1,
           double y0, double h)
{
    double v;
    char buf[32];
    for (v = a; v <= b + step * 1e-6; v += step) {
        double y = y0 - (v - a) / (b - a) * h, pts = 100 * v;
        if (fabs(pts) < 1e-9)
            pts = 0;
        line(fp, x0, y, x1, y, fabs(pts) < 1e-9 ? "stroke=\"" AXIS "\""
                                                 : "stroke=\"" GRID "\"");
        snprintf(buf, sizeof buf, pts > 0 ? "%+.0f" : "%.0f", pts);
        text_at(fp, x0 - 6, y + 4, "end", buf);
    }
}

/* Polyline of v over the periods, broken at gaps (NaN). */
static void
series(FILE *fp, const double *v, size_t n, double x0, double dx, double a,
       double b, double y0, double h, const char *style)
{
    size_t t = 0;
    while (t < n) {
        size_t s;
        while (t < n && !isfinite(v[t]))
            t++;
        if (t >= n)
            break;
        fputs("<polyline fill=\"none\" points=\"", fp);
        for (s = t; t < n && isfinite(v[t]); t++)
            fprintf(fp, "%.1f,%.1f ", x0 + dx * (double)t,
                    y0 - (v[t] - a) / (b - a) * h);
        if (t - s == 1)     /* a lone point: a short tick so it shows */
            fprintf(fp, "%.1f,%.1f ", x0 + dx * (double)s + 0.1,
                    y0 - (v[s] - a) / (b - a) * h);
        fprintf(fp, "\" %s/>\n", style);
    }
}

typedef struct box {
    double l, t, r, b;
} box;

static int
boxes_meet(const box *p, const box *q)
{
    return p->l < q->r + 2 && q->l < p->r + 2 && p->t < q->b + 2 && q->t < p->b + 2;
}

void
svg_track_time(FILE *fp, const track_data *d, size_t u, const char *title)
{
    size_t T = d->n_periods, t, every, i0 = u * T;
    const double *nps = d->p_nps + i0, *lo = d->p_lo + i0, *hi = d->p_hi + i0;
    const double *ew = d->p_ewma + i0;
    /* room for half a period label at both ends */
    double x0 = ML + 32, x1 = W - MR - 32, y0 = H - MB, ph = H - MT - MB;
    double dx = T > 1 ? (x1 - x0) / (double)(T - 1) : 0, vlo = 1, vhi = -1;
    double a, b, step, lw, plo = 1, phi = -1;
    char buf[64], lab[32];
    box base_box = {0, 0, 0, 0};
    int charted = !(d->c_flags[u] & (LOY_CHART_NO_BASELINE | LOY_CHART_DEGENERATE));
    static const legend_spec leg[5] = {
        {BLUE, 1, NULL, "NPS"}, {GREY, 1, NULL, "centre"},
        {GREY, 1, "5 4", "control limits"}, {GREEN, 1, NULL, "EWMA"},
        {RED, 0, NULL, "signal"}};
    if (T == 1)
        x0 = x1 = (ML + W - MR) / 2.0;
    for (t = 0; t < T; t++) {
        const double *vs[4] = {nps, ew, lo, hi};
        int k;
        for (k = 0; k < 4; k++)
            if (isfinite(vs[k][t])) {
                vlo = vs[k][t] < vlo ? vs[k][t] : vlo;
                vhi = vs[k][t] > vhi ? vs[k][t] : vhi;
                if (k < 2) {
                    plo = vs[k][t] < plo ? vs[k][t] : plo;
                    phi = vs[k][t] > phi ? vs[k][t] : phi;
                }
            }
    }
    if (vlo > vhi)
        vlo = -0.1, vhi = 0.1;
    /* the limits of tiny periods are wide: show them up to 20 points beyond
     * the data, cut off there */
    if (plo <= phi) {
        vlo = vlo < plo - 0.2 ? plo - 0.2 : vlo;
        vhi = vhi > phi + 0.2 ? phi + 0.2 : vhi;
    }
    range_axis(vlo, vhi, 5, &a, &b, &step);
    svg_begin(fp, "chart-nps-time", title, W, H);
    legend_row(fp, W - MR, 42, leg, 5);
    /* the baseline window, shaded */
    if (d->base_len > 0) {
        double bx0 = x0 + dx * ((double)d->base_start - 0.5);
        double bx1 = x0 + dx * ((double)(d->base_start + d->base_len - 1) + 0.5);
        bx0 = bx0 < ML ? ML : bx0;
        bx1 = bx1 > W - MR ? W - MR : bx1;
        rect(fp, bx0, MT, bx1 - bx0, ph, LIGHT);
        if (bx1 - bx0 > text_width("baseline", FONT) + 8) {
            text_at(fp, bx0 + 4, MT + 14, "start", "baseline");
            base_box = (box){bx0 + 4, MT + 2, bx0 + 4 + text_width("baseline", FONT),
                             MT + 17};
        }
    }
    nps_y_axis(fp, a, b, step, ML, W - MR, y0, ph);
    line(fp, ML, MT, ML, y0, "stroke=\"" AXIS "\"");
    fprintf(fp, "<clipPath id=\"clip-nps-time\"><rect x=\"%d\" y=\"%d\" "
            "width=\"%d\" height=\"%d\"/></clipPath>\n<g clip-path=\"url(#clip-"
            "nps-time)\">\n", ML, MT, W - ML - MR, H - MT - MB);
    if (charted) {
        double cy = y0 - (d->c_centre[u] - a) / (b - a) * ph;
        line(fp, x0, cy, x1, cy, "stroke=\"" GREY "\" stroke-width=\"1.5\"");
        series(fp, lo, T, x0, dx, a, b, y0, ph, "stroke=\"" GREY "\" "
               "stroke-dasharray=\"5 4\"");
        series(fp, hi, T, x0, dx, a, b, y0, ph, "stroke=\"" GREY "\" "
               "stroke-dasharray=\"5 4\"");
        series(fp, ew, T, x0, dx, a, b, y0, ph, "stroke=\"" GREEN "\" "
               "stroke-width=\"1.5\"");
    }
    series(fp, nps, T, x0, dx, a, b, y0, ph, "stroke=\"" BLUE "\" stroke-width=\"2\"");
    for (t = 0; t < T; t++) {
        char sig[200];
        if (!isfinite(nps[t]))
            continue;
        track_signal_text(d, d->p_codes[i0 + t], sig, sizeof sig);
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">"
                "<title>", x0 + dx * (double)t, y0 - (nps[t] - a) / (b - a) * ph,
                sig[0] ? "5" : "3", sig[0] ? RED : BLUE);
        snprintf(buf, sizeof buf, "%s: %+.1f", track_period_label(d, t, lab, sizeof lab),
                 100 * nps[t]);
        xml_text(fp, buf);
        if (sig[0]) {
            fputs(" (", fp);
            xml_text(fp, sig);
            fputs(")", fp);
        }
        fputs("</title></circle>\n", fp);
    }
    fputs("</g>\n", fp);
    /* the first signal after the baseline: a marker line and its label */
    if (d->first_signal[u] != LOY_NO_INDEX) {
        double fx = x0 + dx * (double)d->first_signal[u];
        box fb;
        const char *anchor = "start";
        double tx = fx + 4, ty = MT + 14;
        snprintf(buf, sizeof buf, "first signal %s",
                 track_period_label(d, d->first_signal[u], lab, sizeof lab));
        lw = text_width(buf, FONT);
        if (tx + lw > W - MR - 2) {
            tx = fx - 4;
            anchor = "end";
        }
        fb = (box){anchor[0] == 's' ? tx : tx - lw, ty - 12, anchor[0] == 's' ? tx + lw
                   : tx, ty + 3};
        if (boxes_meet(&fb, &base_box))
            ty += 16;
        line(fp, fx, MT, fx, y0, "stroke=\"" RED "\" stroke-dasharray=\"2 3\"");
        text_at(fp, tx, ty, anchor, buf);
    }
    /* period labels: every k-th, as many as fit */
    lw = text_width("2025-W52", FONT) + 14;
    every = T > 1 && dx > 0 ? (size_t)ceil(lw / dx) : 1;
    if (every < 1)
        every = 1;
    for (t = 0; t < T; t += every)
        text_at(fp, x0 + dx * (double)t, y0 + 16, "middle",
                track_period_label(d, t, lab, sizeof lab));
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", d->period == TRACK_WEEK
            ? "week" : d->period == TRACK_MONTH ? "month" : "quarter");
    text_cls(fp, 8, MT - 14, "start", "axis-title", "NPS");
    svg_end(fp);
}

/* ---- consistency: the funnel of units --------------------------------------------- */

#define FUNNEL_STEPS 60

static void
funnel_curve(FILE *fp, const track_data *d, double level, double xmax, double a,
             double b, const char *style)
{
    uint64_t sizes[FUNNEL_STEPS];
    double lo[FUNNEL_STEPS], hi[FUNNEL_STEPS], pw = W - ML - MR, ph = H - MT - MB;
    size_t k, m = 0;
    int side;
    for (k = 0; k < FUNNEL_STEPS; k++) {
        /* denser where the funnel bends: quadratic spacing from n = 1 */
        double f = (double)(k + 1) / FUNNEL_STEPS;
        uint64_t n = (uint64_t)ceil(f * f * xmax);
        if (n < 1)
            n = 1;
        if (m == 0 || n > sizes[m - 1])
            sizes[m++] = n;
    }
    if (loy_funnel_limits(lo, hi, &d->fit, sizes, m, level, d->limits_method,
                          NULL) != LOY_OK)
        return;
    for (side = 0; side < 2; side++) {
        const double *v = side ? hi : lo;
        fputs("<polyline fill=\"none\" points=\"", fp);
        for (k = 0; k < m; k++) {
            double y = v[k] < a - 0.5 ? a - 0.5 : v[k] > b + 0.5 ? b + 0.5 : v[k];
            fprintf(fp, "%.1f,%.1f ", ML + (double)sizes[k] / xmax * pw,
                    H - MB - (y - a) / (b - a) * ph);
        }
        fprintf(fp, "\" %s/>\n", style);
    }
}

void
svg_funnel(FILE *fp, const track_data *d, const char *unit_word)
{
    double xmax = 1, pw = W - ML - MR, ph = H - MT - MB, vlo = d->fit.target,
           vhi = d->fit.target, a, b, step, xtop, xstep, v;
    box placed[64];
    size_t np = 0, u, k;
    char buf[160], l0[48], l1[48], name[64];
    legend_spec leg[4];
    for (u = 0; u < d->n_units; u++) {
        const uint64_t *t = d->totals + 3 * (u + 1);
        double n = (double)(t[0] + t[1] + t[2]);
        xmax = n > xmax ? n : xmax;
        if (isfinite(d->f_nps[u])) {
            vlo = d->f_nps[u] < vlo ? d->f_nps[u] : vlo;
            vhi = d->f_nps[u] > vhi ? d->f_nps[u] : vhi;
        }
    }
    xstep = nice_step(xmax, 5, &xtop);
    /* room for the funnel's mouth down to a fifth of the largest unit */
    {
        uint64_t n5 = (uint64_t)ceil(xtop / 5);
        double lo1, hi1;
        if (loy_funnel_limits(&lo1, &hi1, &d->fit, &n5, 1, d->fit.levels[1],
                              d->limits_method, NULL) == LOY_OK) {
            vlo = lo1 < vlo ? lo1 : vlo;
            vhi = hi1 > vhi ? hi1 : vhi;
        }
    }
    vlo = vlo < -1 ? -1 : vlo;
    vhi = vhi > 1 ? 1 : vhi;
    range_axis(vlo, vhi, 5, &a, &b, &step);
    snprintf(buf, sizeof buf, "Funnel: NPS of each %s against its number of answers",
             unit_word);
    svg_begin(fp, "chart-funnel", buf, W, H);
    snprintf(l0, sizeof l0, "%g%% limits", 100 * d->fit.levels[0]);
    snprintf(l1, sizeof l1, "%g%% limits", 100 * d->fit.levels[1]);
    leg[0] = (legend_spec){GREY, 1, "5 4", l0};
    leg[1] = (legend_spec){AXIS, 1, NULL, l1};
    leg[2] = (legend_spec){ORANGE, 0, NULL, "outside inner"};
    leg[3] = (legend_spec){RED, 0, NULL, "outside outer"};
    legend_row(fp, W - MR, 42, leg, 4);
    nps_y_axis(fp, a, b, step, ML, W - MR, H - MB, ph);
    for (v = 0; v <= xtop * (1 + 1e-9); v += xstep) {
        double x = ML + v / xtop * pw;
        line(fp, x, H - MB, x, H - MB + 4, "stroke=\"" AXIS "\"");
        text_at(fp, x, H - MB + 16, v == 0 ? "start" : "middle",
                fmt_grouped(buf, sizeof buf, v, 0));
    }
    line(fp, ML, MT, ML, H - MB, "stroke=\"" AXIS "\"");
    fprintf(fp, "<clipPath id=\"clip-funnel\"><rect x=\"%d\" y=\"%d\" width=\"%d\" "
            "height=\"%d\"/></clipPath>\n<g clip-path=\"url(#clip-funnel)\">\n",
            ML, MT, W - ML - MR, H - MT - MB);
    line(fp, ML, H - MB - (d->fit.target - a) / (b - a) * ph, W - MR,
         H - MB - (d->fit.target - a) / (b - a) * ph,
         "stroke=\"" BLUE "\" stroke-width=\"1.5\"");
    funnel_curve(fp, d, d->fit.levels[0], xtop, a, b,
                 "stroke=\"" GREY "\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"");
    funnel_curve(fp, d, d->fit.levels[1], xtop, a, b,
                 "stroke=\"" AXIS "\" stroke-width=\"1.5\"");
    fputs("</g>\n", fp);
    /* the legend row and the title are off limits for labels */
    placed[np++] = (box){0, 0, W, MT};
    for (u = 0; u < d->n_units; u++) {
        const uint64_t *t = d->totals + 3 * (u + 1);
        uint32_t f = d->f_flags[u];
        double n = (double)(t[0] + t[1] + t[2]), x, y;
        const char *col = (f & LOY_FUNNEL_OUTSIDE_OUTER) ? RED
                          : (f & LOY_FUNNEL_OUTSIDE_INNER) ? ORANGE : BLUE;
        if (!isfinite(d->f_nps[u]))
            continue;
        x = ML + n / xtop * pw;
        y = H - MB - (d->f_nps[u] - a) / (b - a) * ph;
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>",
                x, y, col[1] == BLUE[1] ? "4" : "5.5", col);
        snprintf(buf, sizeof buf, "%s: %+.1f (%s answers, z %+.2f)", d->names[u + 1],
                 100 * d->f_nps[u], fmt_grouped(l0, sizeof l0, n, 0), d->f_z[u]);
        xml_text(fp, buf);
        fputs("</title></circle>\n", fp);
    }
    /* label the outliers, most extreme first, where no label is yet */
    for (k = 0; k < 2; k++)
        for (u = 0; u < d->n_units; u++) {
            const uint64_t *t = d->totals + 3 * (u + 1);
            uint32_t f = d->f_flags[u];
            double n = (double)(t[0] + t[1] + t[2]), x, y, w;
            int tries, side;
            if (!isfinite(d->f_nps[u]) || np >= sizeof placed / sizeof *placed
                || !(f & (k == 0 ? LOY_FUNNEL_OUTSIDE_OUTER : LOY_FUNNEL_OUTSIDE_INNER))
                || (k == 1 && (f & LOY_FUNNEL_OUTSIDE_OUTER)))
                continue;
            x = ML + n / xtop * pw;
            y = H - MB - (d->f_nps[u] - a) / (b - a) * ph;
            snprintf(buf, sizeof buf, "%s %+.1f",
                     fit_text(d->names[u + 1], 150, name, sizeof name), 100 * d->f_nps[u]);
            w = text_width(buf, FONT);
            for (tries = 0; tries < 12; tries++) {
                double ty = y + 4 + (tries / 2) * ((d->f_nps[u] < d->fit.target) ? -15.0 : 15.0);
                box bx;
                side = tries % 2;
                bx = side == 0 ? (box){x + 8, ty - 12, x + 8 + w, ty + 3}
                               : (box){x - 8 - w, ty - 12, x - 8, ty + 3};
                if (bx.l < ML + 2 || bx.r > W - 4 || bx.t < MT || bx.b > H - MB - 2)
                    continue;
                {
                    size_t j;
                    for (j = 0; j < np && !boxes_meet(&bx, &placed[j]); j++)
                        ;
                    if (j < np)
                        continue;
                }
                placed[np++] = bx;
                text_at(fp, side == 0 ? x + 8 : x - 8, ty, side == 0 ? "start" : "end",
                        buf);
                break;
            }
        }
    text_at(fp, (ML + W - MR) / 2.0, H - 10, "middle", "answers (the line: the target)");
    text_cls(fp, 8, MT - 14, "start", "axis-title", "NPS");
    svg_end(fp);
}
