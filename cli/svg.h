/* SPDX-License-Identifier: MIT */
/*
 * svg.h - the inline SVG charts of the HTML report.
 *
 * Every chart is a self-contained <svg> element with an id (chart-nps,
 * chart-scores, chart-abc, chart-matrix, chart-clv, chart-retention,
 * chart-drivers, chart-nps-time, chart-funnel) and a
 * <title>, in well-formed XML (text is escaped), scaled by its viewBox to
 * the width of the page, so the page needs no scripts or external files.
 * Axes use nice-number ticks; legends have swatches; labels are placed so
 * that they do not overlap (tests/check_report_layout.py checks it in a
 * browser).
 */
#ifndef LOYCLI_SVG_H
#define LOYCLI_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "keydrivers.h"
#include "track.h"

/* Write text with &, <, >, " escaped for XML/HTML. */
void xml_text(FILE *fp, const char *s);

/* NPS per group with interval bars (overall first). */
void svg_nps(FILE *fp, const nps_data *d);
/* Answers per score, coloured by class (detractor, passive, promoter). */
void svg_scores(FILE *fp, const nps_data *d, const int32_t *breaks);
/* The ABC curve with the A/B/C class bands. */
void svg_abc(FILE *fp, const seg_data *s);
/* ABC x loyalty matrix, cells coloured by how urgent their action is. */
void svg_matrix(FILE *fp, const seg_data *s, const char *currency);
/* Histogram of money values (e.g. CLV per customer). */
void svg_histogram(FILE *fp, const char *id, const char *title,
                   const double *v, size_t n, const char *xlabel,
                   const char *currency);
/* Key drivers: importance per driver, coloured by IPA quadrant, most
 * opportunity first. */
void svg_drivers(FILE *fp, const drivers_data *d);
/* Retention: observed y(x) and an optional model curve y2, both in [0, 1]. */
void svg_retention(FILE *fp, const double *x, const double *y,
                   const double *y2, size_t n);

/* NPS of row u of a track (0: the whole company) per period with the
 * centre line, Shewhart limits, EWMA and the signals (chart-nps-time). */
void svg_track_time(FILE *fp, const track_data *d, size_t u, const char *title);
/* The funnel: each unit's NPS against its answers, the limits at both
 * levels, the target, outliers labelled (chart-funnel). */
void svg_funnel(FILE *fp, const track_data *d, const char *unit_word);

#endif
