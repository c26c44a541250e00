/* SPDX-License-Identifier: MIT */
/*
 * svg.c - inline SVG charts (see svg.h). Plain SVG 1.1 elements only.
 */
#include "svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 640
#define H 320
#define ML 110   /* margins: left, right, top, bottom */
#define MR 20
#define MT 34
#define MB 44

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
            "class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "role=\"img\">\n<title>", id, w, h, w, h);
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
line(FILE *fp, double x1, double y1, double x2, double y2, const char *style)
{
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n",
            x1, y1, x2, y2, style);
}

/* Axis from 0..1 mapped to pixels, with ticks every 0.2 (labels in %). */
static void
unit_axes(FILE *fp, const char *xlabel, const char *ylabel)
{
    char buf[32];
    int k;
    for (k = 0; k <= 5; k++) {
        double f = k / 5.0, x = ML + f * (W - ML - MR), y = H - MB - f * (H - MT - MB);
        line(fp, ML, y, W - MR, y, "stroke=\"#e5e5e5\"");
        snprintf(buf, sizeof buf, "%d%%", k * 20);
        text_at(fp, ML - 6, y + 4, "end", buf);
        text_at(fp, x, H - MB + 16, "middle", buf);
    }
    line(fp, ML, H - MB, W - MR, H - MB, "stroke=\"#333333\"");
    line(fp, ML, MT, ML, H - MB, "stroke=\"#333333\"");
    text_at(fp, (ML + W - MR) / 2.0, H - 8, "middle", xlabel);
    text_at(fp, 14, MT - 8, "start", ylabel);
}

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

/* ---- NPS by group ---------------------------------------------------------- */

static void
nps_row_svg(FILE *fp, const nps_group *g, double y, int weighted)
{
    double v = weighted ? g->wres.nps : g->res.nps;
    double lo = weighted ? g->wres.lower : g->res.lower;
    double hi = weighted ? g->wres.upper : g->res.upper;
    double scale = (W - ML - MR) / 2.0, x0 = ML + scale;
    char buf[64];
    text_at(fp, ML - 8, y + 4, "end", g->name);
    if (g->status != LOY_OK)
        return;
    line(fp, x0 + lo * scale, y, x0 + hi * scale, y,
         "stroke=\"#1f5fa8\" stroke-width=\"2\"");
    line(fp, x0 + lo * scale, y - 6, x0 + lo * scale, y + 6, "stroke=\"#1f5fa8\"");
    line(fp, x0 + hi * scale, y - 6, x0 + hi * scale, y + 6, "stroke=\"#1f5fa8\"");
    fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n",
            x0 + v * scale, y, v >= 0 ? "#2e8b57" : "#c0392b");
    snprintf(buf, sizeof buf, "%+.1f [%+.1f, %+.1f]", 100 * v, 100 * lo, 100 * hi);
    /* The label goes right of the bar, or left of it near the right edge. */
    if (x0 + hi * scale + 8 + 130 < W)
        text_at(fp, x0 + hi * scale + 8, y + 4, "start", buf);
    else
        text_at(fp, x0 + lo * scale - 8, y + 4, "end", buf);
}

void
svg_nps(FILE *fp, const nps_data *d)
{
    int h = MT + MB + 34 * (int)d->n_groups;
    double scale = (W - ML - MR) / 2.0, x0 = ML + scale;
    size_t i;
    int k;
    svg_begin(fp, "chart-nps", "NPS by group with confidence intervals (points)",
              W, h);
    for (k = -100; k <= 100; k += 50) {
        char buf[16];
        double x = x0 + k / 100.0 * scale;
        line(fp, x, MT, x, h - MB, k == 0 ? "stroke=\"#333333\"" : "stroke=\"#e5e5e5\"");
        snprintf(buf, sizeof buf, "%+d", k);
        text_at(fp, x, h - MB + 16, "middle", k == 0 ? "0" : buf);
    }
    for (i = 0; i < d->n_groups; i++)
        nps_row_svg(fp, &d->groups[i], MT + 20 + 34.0 * (double)i, d->weighted);
    text_at(fp, x0, h - 8, "middle", "NPS (points, -100 to +100)");
    svg_end(fp);
}

/* ---- ABC curve ------------------------------------------------------------- */

void
svg_abc(FILE *fp, const seg_data *s)
{
    static const char *const names[3] = {"A", "B", "C"};
    size_t step = s->n > 800 ? s->n / 800 : 1, k = 0;
    double cum = 0.0;
    int a;
    svg_begin(fp, "chart-abc", "ABC curve: share of value held by the top customers",
              W, H);
    unit_axes(fp, "share of customers (ranked by value)", "share of value");
    line(fp, px_x(0), px_y(0), px_x(1), px_y(1), "stroke=\"#bbbbbb\" stroke-dasharray=\"4 4\"");
    polyline(fp, s->curve_x, s->curve_y, s->n + 1, step,
             "stroke=\"#1f5fa8\" stroke-width=\"2\"");
    for (a = 0; a < 2; a++) {
        uint64_t cnt = s->computed ? s->comp.count[a] : s->fixed.count[a];
        double x;
        char buf[48];
        k += (size_t)cnt;
        cum = s->curve_y[k];
        x = px_x(s->curve_x[k]);
        line(fp, x, px_y(0), x, px_y(cum), "stroke=\"#c0392b\" stroke-dasharray=\"3 3\"");
        snprintf(buf, sizeof buf, "%s|%s at %.0f%% / %.0f%%", names[a], names[a + 1],
                 100 * s->curve_x[k], 100 * cum);
        text_at(fp, x + 4, px_y(cum) + 14 + 14 * a, "start", buf);
    }
    svg_end(fp);
}

/* ---- matrix heat map -------------------------------------------------------- */

static void
heat_cell(FILE *fp, const seg_data *s, int a, int l, double x, double y,
          double cw, double ch, double max_share)
{
    static const int col_of[4] = {2, 1, 0, 3};  /* promoter, passive, detractor, none */
    int lc = col_of[l];
    const seg_cell *c = &s->cell[a][lc];
    double t = max_share > 0 ? c->revenue_share / max_share : 0.0;
    char buf[64];
    int shade = 255 - (int)(t * 190.0);
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"rgb(%d,%d,255)\" stroke=\"#ffffff\"/>\n",
            x, y, cw, ch, shade, shade + (255 - shade) / 3);
    text_at(fp, x + cw / 2, y + 18, "middle", seg_label(a, lc == SEG_NO_RESPONSE ? -1 : lc));
    snprintf(buf, sizeof buf, "%llu customers", (unsigned long long)c->count);
    text_at(fp, x + cw / 2, y + 34, "middle", buf);
    snprintf(buf, sizeof buf, "%.1f%% of revenue", 100 * c->revenue_share);
    text_at(fp, x + cw / 2, y + 50, "middle", buf);
}

void
svg_matrix(FILE *fp, const seg_data *s)
{
    static const char *const cols[4] = {"promoter", "passive", "detractor",
                                        "no response"};
    static const char *const rows[3] = {"A (top value)", "B", "C"};
    double cw = (W - ML - MR) / 4.0, ch = 64, max_share = 0.0;
    int a, l, h = MT + 24 + 3 * 64 + 10;
    svg_begin(fp, "chart-matrix", "ABC x loyalty matrix (shade: share of revenue)",
              W, h);
    for (a = 0; a < 3; a++)
        for (l = 0; l < 4; l++)
            if (s->cell[a][l].revenue_share > max_share)
                max_share = s->cell[a][l].revenue_share;
    for (l = 0; l < 4; l++)
        text_at(fp, ML + cw * (l + 0.5), MT + 14, "middle", cols[l]);
    for (a = 0; a < 3; a++) {
        text_at(fp, ML - 8, MT + 24 + ch * (a + 0.5) + 4, "end", rows[a]);
        for (l = 0; l < 4; l++)
            heat_cell(fp, s, a, l, ML + cw * l, MT + 24 + ch * a, cw, ch, max_share);
    }
    svg_end(fp);
}

/* ---- histogram ---------------------------------------------------------------- */

static int
cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Upper end of the histogram: the 99th percentile, so that a few huge
 * values do not squash the rest into one bar. */
static double
hist_top(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c), top;
    size_t i, m = 0;
    if (c == NULL)
        return 0.0;
    for (i = 0; i < n; i++)
        if (isfinite(v[i]))
            c[m++] = v[i];
    qsort(c, m, sizeof *c, cmp_dbl);
    top = m ? c[(size_t)(0.99 * (double)(m - 1))] : 0.0;
    free(c);
    return top > 0 ? top : 1.0;
}

void
svg_histogram(FILE *fp, const char *id, const char *title, const double *v,
              size_t n, const char *xlabel)
{
    enum { BINS = 30 };
    uint64_t count[BINS] = {0}, max = 1;
    double top = hist_top(v, n), bw = (W - ML - MR) / (double)BINS;
    char buf[48];
    size_t i;
    int b;
    for (i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        b = v[i] <= 0 ? 0 : v[i] >= top ? BINS - 1 : (int)(v[i] / top * BINS);
        count[b]++;
    }
    for (b = 0; b < BINS; b++)
        max = count[b] > max ? count[b] : max;
    svg_begin(fp, id, title, W, H);
    line(fp, ML, H - MB, W - MR, H - MB, "stroke=\"#333333\"");
    for (b = 0; b < BINS; b++) {
        double hgt = (double)count[b] / (double)max * (H - MT - MB);
        fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"#1f5fa8\"/>\n", ML + b * bw + 1, H - MB - hgt, bw - 2, hgt);
    }
    for (b = 0; b <= 3; b++) {
        snprintf(buf, sizeof buf, "%.0f%s", top * b / 3.0, b == 3 ? "+" : "");
        text_at(fp, ML + b * (W - ML - MR) / 3.0, H - MB + 16, "middle", buf);
    }
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)max);
    text_at(fp, ML - 6, MT + 4, "end", buf);
    text_at(fp, ML - 6, H - MB, "end", "0");
    text_at(fp, (ML + W - MR) / 2.0, H - 8, "middle", xlabel);
    text_at(fp, 14, MT - 8, "start", "customers");
    svg_end(fp);
}

/* ---- curve ---------------------------------------------------------------------- */

void
svg_curve(FILE *fp, const char *id, const char *title, const double *x,
          const double *y, const double *y2, size_t n, const char *xlabel,
          const char *label1, const char *label2)
{
    double xmax = n ? x[n - 1] : 1.0, *xs = malloc((n ? n : 1) * sizeof *xs);
    char buf[32];
    size_t i;
    int k;
    svg_begin(fp, id, title, W, H);
    unit_axes(fp, "", "share still active");
    if (xs != NULL && xmax > 0) {
        for (i = 0; i < n; i++)
            xs[i] = x[i] / xmax;
        polyline(fp, xs, y, n, 1, "stroke=\"#1f5fa8\" stroke-width=\"2\"");
        if (y2 != NULL)
            polyline(fp, xs, y2, n, 1,
                     "stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"5 3\"");
    }
    free(xs);
    fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
            ML, H - MB + 4, W - ML - MR, 16);
    for (k = 0; k <= 4; k++) {
        snprintf(buf, sizeof buf, "%.0f", xmax * k / 4.0);
        text_at(fp, px_x(k / 4.0), H - MB + 16, "middle", buf);
    }
    text_at(fp, (ML + W - MR) / 2.0, H - 8, "middle", xlabel);
    text_at(fp, W - MR - 4, MT + 4, "end", label1);
    if (y2 != NULL && label2 != NULL)
        text_at(fp, W - MR - 4, MT + 20, "end", label2);
    svg_end(fp);
}
