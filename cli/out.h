/* SPDX-License-Identifier: MIT */
/*
 * out.h - one writer for the three output formats.
 *
 * A command's output is a sequence of sections (name/value pairs) and
 * tables (rows under named columns), written as they are produced so that
 * per-customer tables of any length stream:
 *   text  aligned, for people (tables use fixed column widths);
 *   csv   RFC 4180; only the tables marked primary are written, each with
 *         its header line (sections carry no rows and are skipped);
 *   json  one object: sections become objects, tables arrays of objects.
 * Non-finite numbers are written as "n/a" (text), an empty field (csv) or
 * null (json).
 */
#ifndef LOYCLI_OUT_H
#define LOYCLI_OUT_H

#include <stdint.h>
#include <stdio.h>

enum { OUT_TEXT = 0, OUT_CSV = 1, OUT_JSON = 2 };

typedef struct out_col {
    const char *name;   /* column name (csv/json key, text header) */
    int width;          /* text width (0: the name's length, min 8) */
    int decimals;       /* digits after the point in text; -1: %g */
    int points;         /* text shows 100 x the value (NPS points, %) */
} out_col;

typedef struct out_w {
    FILE *fp;
    int format;
    int depth;          /* json nesting depth */
    int need_comma;     /* json: an item was written at this level */
    int in_table;
    int table_on;       /* the current table is written (csv) */
    const out_col *cols;
    int ncols, col;
} out_w;

/* Parse a --format value; returns OUT_* or -1. */
int out_parse_format(const char *s);

void out_init(out_w *o, FILE *fp, int format);
void out_begin(out_w *o, const char *command);
void out_end(out_w *o);

/* Sections of name/value pairs. key is the json/csv name, label the text. */
void out_section(out_w *o, const char *key, const char *title);
void out_section_end(out_w *o);
void out_num(out_w *o, const char *key, const char *label, double v, int decimals);
/* A share or NPS: the text shows 100 x v with one decimal, csv/json v. */
void out_pts(out_w *o, const char *key, const char *label, double v);
void out_int(out_w *o, const char *key, const char *label, int64_t v);
void out_str(out_w *o, const char *key, const char *label, const char *v);

/* Tables. primary: written in csv format. */
void out_table(out_w *o, const char *key, const char *title, int primary,
               const out_col *cols, int ncols);
void out_cell_num(out_w *o, double v);
void out_cell_int(out_w *o, int64_t v);
void out_cell_str(out_w *o, const char *v);
void out_table_end(out_w *o);

/* Free text (text format only), e.g. notes and warnings. */
void out_note(out_w *o, const char *text);

/* Write s as a JSON string literal / a CSV field to fp. */
void out_json_string(FILE *fp, const char *s);
void out_csv_field(FILE *fp, const char *s);

#endif
