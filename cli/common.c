/* SPDX-License-Identifier: MIT */
/*
 * common.c - shared helpers of the subcommands (see cli.h).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <loyalty.h>

#include "parse.h"

int
cli_common_finish(cli_common *c, const char *cmd)
{
    c->format = OUT_TEXT;
    if (c->format_s != NULL && (c->format = out_parse_format(c->format_s)) < 0) {
        cli_error(cmd, "unknown --format '%s' (text, csv or json)", c->format_s);
        return EXIT_USAGE;
    }
    c->delim = 0;
    if (c->delim_s == NULL)
        return 0;
    if (strcmp(c->delim_s, "tab") == 0 || strcmp(c->delim_s, "\\t") == 0
        || strcmp(c->delim_s, "\t") == 0)
        c->delim = '\t';
    else if (strcmp(c->delim_s, ",") == 0 || strcmp(c->delim_s, ";") == 0)
        c->delim = c->delim_s[0];
    else {
        cli_error(cmd, "unknown --delimiter '%s' (',', ';' or 'tab')", c->delim_s);
        return EXIT_USAGE;
    }
    return 0;
}

void
badrows_init(badrows *b, const char *path, int skip)
{
    b->path = path;
    b->count = 0;
    b->skip = skip;
}

void
badrow(badrows *b, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    if (++b->count > BADROW_SHOWN)
        return;
    fprintf(stderr, "%s:%llu: ", b->path, (unsigned long long)line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
badrows_finish(const badrows *b, const char *cmd)
{
    if (b->count == 0)
        return 0;
    if (b->count > BADROW_SHOWN)
        fprintf(stderr, "%s: %llu more bad rows not shown\n", b->path,
                (unsigned long long)(b->count - BADROW_SHOWN));
    if (b->skip) {
        fprintf(stderr, "loyalty %s: %s: skipped %llu bad row%s\n", cmd, b->path,
                (unsigned long long)b->count, b->count == 1 ? "" : "s");
        return 0;
    }
    fprintf(stderr, "loyalty %s: %s: %llu bad row%s (fix them or use "
            "--skip-bad-rows)\n", cmd, b->path, (unsigned long long)b->count,
            b->count == 1 ? "" : "s");
    return EXIT_DATA;
}

csv_reader *
cli_open_csv(const char *cmd, const char *path, char delim)
{
    char err[200];
    csv_reader *r = csv_open(path, delim, err, sizeof err);
    if (r == NULL)
        cli_error(cmd, "%s: %s", path, err[0] ? err : "out of memory");
    return r;
}

long
cli_column(const char *cmd, const csv_reader *r, const char *name,
           const char *option)
{
    long c = csv_column(r, name);
    size_t i;
    if (c >= 0)
        return c;
    fprintf(stderr, "loyalty %s: %s:1: no column '%s' (columns:", cmd,
            csv_path(r), name);
    for (i = 0; i < csv_ncolumns(r); i++)
        fprintf(stderr, "%s '%s'", i ? "," : "", csv_column_name(r, i));
    fprintf(stderr, ")%s%s\n", option ? "; choose one with --" : "",
            option ? option : "");
    return -1;
}

const char *
cli_field_text(const csv_reader *r, badrows *b, long col, const char *colname,
               size_t *len)
{
    if ((size_t)col >= csv_nfields(r)) {
        badrow(b, csv_line(r), "missing column '%s' (the row has %zu field%s, "
               "the header %zu)", colname, csv_nfields(r),
               csv_nfields(r) == 1 ? "" : "s", csv_ncolumns(r));
        return NULL;
    }
    return csv_field(r, (size_t)col, len);
}

/* Quote at most 40 bytes of a bad value in messages. */
static int
shown_len(size_t len)
{
    return len > 40 ? 40 : (int)len;
}

int
cli_field_number(const csv_reader *r, badrows *b, long col,
                 const char *colname, double *out)
{
    size_t len;
    const char *s = cli_field_text(r, b, col, colname, &len);
    if (s == NULL)
        return -1;
    if (parse_double(s, len, out) == 0)
        return 0;
    if (field_blank(s, len))
        return -2;
    badrow(b, csv_line(r), "'%.*s' in column '%s' is not a number",
           shown_len(len), s, colname);
    return -1;
}

int
cli_field_date(const csv_reader *r, badrows *b, long col, const char *colname,
               int64_t *days)
{
    size_t len;
    double frac;
    const char *s = cli_field_text(r, b, col, colname, &len);
    if (s == NULL)
        return -1;
    if (field_blank(s, len))
        return -2;
    if (parse_date(s, len, days, &frac) != 0) {
        badrow(b, csv_line(r), "'%.*s' in column '%s' is not a date "
               "(YYYY-MM-DD or YYYYMMDD)", shown_len(len), s, colname);
        return -1;
    }
    return 0;
}

void
cli_lib_error(const char *cmd, const char *what, int status)
{
    cli_error(cmd, "%s: %s (%s)", what, loy_strerror(status),
              loy_error_name(status));
}
