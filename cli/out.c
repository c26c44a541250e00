/* SPDX-License-Identifier: MIT */
/*
 * out.c - text, CSV and JSON writers (see out.h).
 */
#include "out.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_WIDTH 34

int
out_parse_format(const char *s)
{
    if (strcmp(s, "text") == 0)
        return OUT_TEXT;
    if (strcmp(s, "csv") == 0)
        return OUT_CSV;
    if (strcmp(s, "json") == 0)
        return OUT_JSON;
    return -1;
}

void
out_json_string(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', fp);
    for (; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(fp, "\\u%04x", (unsigned)*p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void
out_csv_field(FILE *fp, const char *s)
{
    const char *p;
    if (strpbrk(s, ",\"\r\n;\t") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

static const double pow10_tab[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                     1e15};

/* Write k / 10^d (k >= 0) in plain decimal, without trailing zeros. */
static void
fixed_text(char *buf, uint64_t k, int d, int negative)
{
    char tmp[40];
    int n = 0, i = 0, j;
    do {
        tmp[n++] = (char)('0' + k % 10u);
        k /= 10u;
    } while (k > 0 || n <= d);
    if (negative)
        buf[i++] = '-';
    for (j = n - 1; j >= d; j--)
        buf[i++] = tmp[j];
    if (d > 0) {
        buf[i++] = '.';
        for (j = d - 1; j >= 0; j--)
            buf[i++] = tmp[j];
        while (buf[i - 1] == '0')
            i--;
    }
    buf[i] = '\0';
}

/* Fast exact path: the fewest decimals d <= 15 such that k / 10^d, read
 * back (a correctly rounded division of two exact numbers, as strtod
 * does), is v again. Returns 0 when v needs the general path. */
static int
short_fixed(char *buf, double v)
{
    double a = fabs(v);
    int d;
    if (!(a < 1e15))
        return 0;
    for (d = 0; d <= 15; d++) {
        double scaled = a * pow10_tab[d];
        uint64_t k;
        if (scaled >= 9007199254740992.0)
            return 0;
        k = (uint64_t)(scaled + 0.5);
        if ((double)k / pow10_tab[d] == a) {
            fixed_text(buf, k, d, v < 0);
            return 1;
        }
    }
    return 0;
}

/* A decimal that reads back as the same double: the short fixed form when
 * there is one, else 17 significant digits (always enough). */
static void
number_text(char *buf, size_t size, double v)
{
    if (size >= 40 && short_fixed(buf, v))
        return;
    snprintf(buf, size, "%.17g", v);
}

static void
json_sep(out_w *o)
{
    if (o->need_comma)
        fputc(',', o->fp);
    o->need_comma = 1;
}

static void
json_key(out_w *o, const char *key)
{
    json_sep(o);
    out_json_string(o->fp, key);
    fputc(':', o->fp);
}

void
out_init(out_w *o, FILE *fp, int format)
{
    memset(o, 0, sizeof *o);
    o->fp = fp;
    o->format = format;
}

void
out_begin(out_w *o, const char *command)
{
    if (o->format != OUT_JSON)
        return;
    fputc('{', o->fp);
    o->need_comma = 0;
    json_key(o, "command");
    out_json_string(o->fp, command);
}

void
out_end(out_w *o)
{
    if (o->format == OUT_JSON)
        fputs("}\n", o->fp);
    fflush(o->fp);
}

void
out_section(out_w *o, const char *key, const char *title)
{
    if (o->format == OUT_TEXT) {
        fprintf(o->fp, "\n%s\n", title);
    } else if (o->format == OUT_JSON) {
        json_key(o, key);
        fputc('{', o->fp);
        o->need_comma = 0;
    }
}

void
out_section_end(out_w *o)
{
    if (o->format == OUT_JSON) {
        fputc('}', o->fp);
        o->need_comma = 1;
    }
}

static void
text_label(out_w *o, const char *label)
{
    int n = (int)strlen(label);
    fprintf(o->fp, "  %s%*s ", label, n < LABEL_WIDTH ? LABEL_WIDTH - n : 0, "");
}

void
out_num(out_w *o, const char *key, const char *label, double v, int decimals)
{
    char buf[64];
    if (o->format == OUT_TEXT) {
        text_label(o, label);
        if (!isfinite(v))
            fputs("n/a\n", o->fp);
        else if (decimals < 0)
            fprintf(o->fp, "%g\n", v);
        else
            fprintf(o->fp, "%.*f\n", decimals, v);
    } else if (o->format == OUT_JSON) {
        json_key(o, key);
        if (!isfinite(v)) {
            fputs("null", o->fp);
        } else {
            number_text(buf, sizeof buf, v);
            fputs(buf, o->fp);
        }
    }
}

void
out_pts(out_w *o, const char *key, const char *label, double v)
{
    out_num(o, key, label, o->format == OUT_TEXT ? 100.0 * v : v, 1);
}

void
out_int(out_w *o, const char *key, const char *label, int64_t v)
{
    if (o->format == OUT_TEXT) {
        text_label(o, label);
        fprintf(o->fp, "%lld\n", (long long)v);
    } else if (o->format == OUT_JSON) {
        json_key(o, key);
        fprintf(o->fp, "%lld", (long long)v);
    }
}

void
out_str(out_w *o, const char *key, const char *label, const char *v)
{
    if (o->format == OUT_TEXT) {
        text_label(o, label);
        fprintf(o->fp, "%s\n", v);
    } else if (o->format == OUT_JSON) {
        json_key(o, key);
        out_json_string(o->fp, v);
    }
}

static int
col_width(const out_col *c)
{
    int w = (int)strlen(c->name);
    if (c->width > w)
        w = c->width;
    return w < 8 ? 8 : w;
}

static void
table_header(out_w *o)
{
    int i;
    for (i = 0; i < o->ncols; i++) {
        if (o->format == OUT_CSV) {
            if (i > 0)
                fputc(',', o->fp);
            out_csv_field(o->fp, o->cols[i].name);
        } else {
            fprintf(o->fp, i == 0 ? "  %-*s" : " %*s", col_width(&o->cols[i]),
                    o->cols[i].name);
        }
    }
    fputc('\n', o->fp);
}

void
out_table(out_w *o, const char *key, const char *title, int primary,
          const out_col *cols, int ncols)
{
    o->in_table = 1;
    o->cols = cols;
    o->ncols = ncols;
    o->col = 0;
    o->table_on = o->format != OUT_CSV || primary;
    if (o->format == OUT_JSON) {
        json_key(o, key);
        fputc('[', o->fp);
        o->need_comma = 0;
        return;
    }
    if (o->format == OUT_TEXT)
        fprintf(o->fp, "\n%s\n", title);
    if (o->table_on)
        table_header(o);
}

/* Start a cell: separators, json object braces and key. */
static void
cell_begin(out_w *o)
{
    if (o->format == OUT_JSON) {
        if (o->col == 0) {
            json_sep(o);
            fputc('{', o->fp);
            o->need_comma = 0;
        }
        json_key(o, o->cols[o->col].name);
    } else if (o->format == OUT_CSV && o->col > 0) {
        fputc(',', o->fp);
    }
}

static void
cell_end(out_w *o)
{
    if (++o->col < o->ncols)
        return;
    o->col = 0;
    if (o->format == OUT_JSON) {
        fputc('}', o->fp);
        o->need_comma = 1;
    } else {
        fputc('\n', o->fp);
    }
}

static void
text_cell(out_w *o, const char *s)
{
    int w = col_width(&o->cols[o->col]);
    if (o->col == 0)
        fprintf(o->fp, "  %-*s", w, s);
    else
        fprintf(o->fp, " %*s", w, s);
}

void
out_cell_str(out_w *o, const char *v)
{
    if (!o->table_on)
        return;
    cell_begin(o);
    if (o->format == OUT_JSON)
        out_json_string(o->fp, v);
    else if (o->format == OUT_CSV)
        out_csv_field(o->fp, v);
    else
        text_cell(o, v);
    cell_end(o);
}

void
out_cell_num(out_w *o, double v)
{
    char buf[64];
    int dec;
    if (!o->table_on)
        return;
    dec = o->cols[o->col].decimals;
    if (o->format == OUT_TEXT && o->cols[o->col].points)
        v *= 100.0;
    cell_begin(o);
    if (!isfinite(v))
        snprintf(buf, sizeof buf, "%s", o->format == OUT_JSON ? "null"
                                        : o->format == OUT_CSV ? "" : "n/a");
    else if (o->format != OUT_TEXT)
        number_text(buf, sizeof buf, v);
    else if (dec < 0)
        snprintf(buf, sizeof buf, "%g", v);
    else
        snprintf(buf, sizeof buf, "%.*f", dec, v);
    if (o->format == OUT_TEXT)
        text_cell(o, buf);
    else
        fputs(buf, o->fp);
    cell_end(o);
}

void
out_cell_int(out_w *o, int64_t v)
{
    char buf[32];
    if (!o->table_on)
        return;
    cell_begin(o);
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    if (o->format == OUT_TEXT)
        text_cell(o, buf);
    else
        fputs(buf, o->fp);
    cell_end(o);
}

void
out_table_end(out_w *o)
{
    if (o->format == OUT_JSON) {
        fputc(']', o->fp);
        o->need_comma = 1;
    }
    o->in_table = 0;
}

void
out_note(out_w *o, const char *text)
{
    if (o->format == OUT_TEXT)
        fprintf(o->fp, "  %s\n", text);
}
