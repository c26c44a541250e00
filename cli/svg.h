/* SPDX-License-Identifier: MIT */
/*
 * svg.h - the inline SVG charts of the HTML report.
 *
 * Every chart is a self-contained <svg> element with an id (chart-nps,
 * chart-abc, chart-matrix, chart-clv, chart-retention) and a <title>, in
 * well-formed XML (text is escaped), so the page needs no scripts or
 * external files.
 */
#ifndef LOYCLI_SVG_H
#define LOYCLI_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "analysis.h"

/* Write text with &, <, >, " escaped for XML/HTML. */
void xml_text(FILE *fp, const char *s);

/* NPS per group with interval bars (overall first). */
void svg_nps(FILE *fp, const nps_data *d);
/* The ABC curve with the A/B/C class boundaries. */
void svg_abc(FILE *fp, const seg_data *s);
/* ABC x loyalty matrix as a heat map of revenue shares. */
void svg_matrix(FILE *fp, const seg_data *s);
/* Histogram of values (e.g. CLV per customer). */
void svg_histogram(FILE *fp, const char *id, const char *title,
                   const double *v, size_t n, const char *xlabel);
/* A curve y(x), with an optional second (model) curve y2, both in [0, 1]. */
void svg_curve(FILE *fp, const char *id, const char *title, const double *x,
               const double *y, const double *y2, size_t n,
               const char *xlabel, const char *label1, const char *label2);

#endif
