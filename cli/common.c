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

static int
parse_delimiter(const char *s, char *delim)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
        *delim = '\t';
    else if (strcmp(s, ",") == 0 || strcmp(s, ";") == 0 || strcmp(s, "|") == 0)
        *delim = s[0];
    else if (strcmp(s, "space") == 0 || strcmp(s, "whitespace") == 0
             || strcmp(s, " ") == 0)
        *delim = CSV_WHITESPACE;
    else
        return -1;
    return 0;
}

int
cli_common_finish(cli_common *c, const char *cmd)
{
    memset(&c->dialect, 0, sizeof c->dialect);
    c->format = OUT_TEXT;
    if (c->format_s != NULL && (c->format = out_parse_format(c->format_s)) < 0) {
        cli_error(cmd, "unknown --format '%s' (text, csv or json)", c->format_s);
        return EXIT_USAGE;
    }
    if (c->delim_s != NULL && parse_delimiter(c->delim_s, &c->dialect.delim) != 0) {
        cli_error(cmd, "unknown --delimiter '%s' (',', ';', '|', 'tab' or 'space')",
                  c->delim_s);
        return EXIT_USAGE;
    }
    if (c->decimal_comma && c->decimal_point) {
        cli_error(cmd, "give --decimal-comma or --decimal-point, not both");
        return EXIT_USAGE;
    }
    if (c->decimal_comma && c->dialect.delim == ',') {
        cli_error(cmd, "--decimal-comma with --delimiter ',': a comma cannot be "
                  "both (quote the numbers or use ';')");
        return EXIT_USAGE;
    }
    c->dialect.decimal = c->decimal_comma ? ',' : c->decimal_point ? '.' : 0;
    if (c->date_fmt != NULL && date_fmt_check(c->date_fmt) != 0) {
        cli_error(cmd, "bad --date-format '%s': it needs a year (%%Y or %%y), a "
                  "month (%%m or %%b) and a day (%%d), e.g. %%d.%%m.%%Y",
                  c->date_fmt);
        return EXIT_USAGE;
    }
    c->dialect.date_fmt = c->date_fmt;
    c->dialect.no_header = c->no_header;
    if (c->top == 0)
        c->top = CLI_TOP_DEFAULT;
    return 0;
}

size_t
cli_rows_shown(const cli_common *c, size_t n)
{
    if (c->format != OUT_TEXT || c->all || n <= c->top)
        return n;
    return c->top;
}

void
cli_rows_note(out_w *o, size_t shown, size_t n)
{
    char buf[160];
    if (shown >= n)
        return;
    snprintf(buf, sizeof buf, "... %zu more not shown (--all or --top N for "
             "more, --format csv for a file)", n - shown);
    out_note(o, buf);
}

const char *
cli_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (strcmp(path, "-") == 0)
        return "standard input";
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

int
cli_check_level(const char *cmd, const char *option, double v)
{
    if (v > 1.0 && v < 100.0) {
        cli_error(cmd, "--%s %g: give the level as a fraction (%g), not in "
                  "percent", option, v, v / 100.0);
        return EXIT_USAGE;
    }
    if (!(v > 0.0 && v < 1.0)) {
        cli_error(cmd, "--%s %g: the confidence level must be between 0 and 1 "
                  "(e.g. 0.95)", option, v);
        return EXIT_USAGE;
    }
    return 0;
}

int
cli_check_rate(const char *cmd, const char *option, double v, const char *per)
{
    if (!(v >= 0.0)) {
        cli_error(cmd, "--%s %g: a discount rate cannot be negative", option, v);
        return EXIT_USAGE;
    }
    if (v > 0.5) {
        cli_error(cmd, "--%s %g: a discount rate of %g%% per %s is implausible; "
                  "give it as a fraction per %s (e.g. 0.01 for 1%%)%s", option,
                  v, 100.0 * v, per, per, v >= 1.0 ? ", not in percent" : "");
        return EXIT_USAGE;
    }
    return 0;
}

int
cli_check_share(const char *cmd, const char *option, double v, const char *hint)
{
    if (v > 0.0 && v <= 1.0)
        return 0;
    if (v > 1.0 && v <= 100.0)
        cli_error(cmd, "--%s %g: give it as a fraction (%g for %g%%), not in "
                  "percent%s%s", option, v, v / 100.0, v, hint ? "; " : "",
                  hint ? hint : "");
    else
        cli_error(cmd, "--%s %g: must be in (0, 1]%s%s", option, v,
                  hint ? "; " : "", hint ? hint : "");
    return EXIT_USAGE;
}

void
cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "loyalty %s: warning: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void
badrows_init(badrows *b, const char *path, int skip)
{
    b->path = path;
    b->count = 0;
    b->messages = 0;
    b->last_line = 0;
    b->skip = skip;
}

void
badrow(badrows *b, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    /* Lines start at 1, and a record's problems are reported in order, so
     * a second message about the same line is the same bad row. */
    if (line != b->last_line || b->count == 0)
        b->count++;
    b->last_line = line;
    if (++b->messages > BADROW_SHOWN)
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
    if (b->messages > BADROW_SHOWN)
        fprintf(stderr, "%s: %llu more bad rows not shown\n", b->path,
                (unsigned long long)(b->messages - BADROW_SHOWN));
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
cli_open_csv(const char *cmd, const char *path, const csv_dialect *d)
{
    char err[200];
    csv_reader *r = csv_open_dialect(path, d, err, sizeof err);
    if (r == NULL)
        cli_error(cmd, "%s: %s", path, err[0] ? err : "out of memory");
    return r;
}

long
cli_find_column(const csv_reader *r, const char *name)
{
    long long pos;
    long c = csv_column(r, name);
    if (c >= 0)
        return c;
    if (parse_int_range(name, strlen(name), 1, (long long)csv_ncolumns(r), &pos) == 0)
        return (long)pos - 1;
    return -1;
}

long
cli_column_any(const csv_reader *r, const char *const *names, const char **found)
{
    for (; *names != NULL; names++) {
        long c = csv_column(r, *names);
        if (c >= 0) {
            if (found != NULL)
                *found = *names;
            return c;
        }
    }
    return -1;
}

/* A header whose every name is a number or a date is a data line. */
static int
header_looks_like_data(const csv_reader *r)
{
    size_t i;
    for (i = 0; i < csv_ncolumns(r); i++) {
        const char *s = csv_column_name(r, i);
        double v;
        int64_t d;
        if (parse_number(s, strlen(s), '.', &v) != 0
            && parse_date(s, strlen(s), &d, &v) != 0)
            return 0;
    }
    return csv_ncolumns(r) > 0;
}

long
cli_column(const char *cmd, const csv_reader *r, const char *name,
           const char *option)
{
    long c = cli_find_column(r, name);
    size_t i;
    if (c >= 0)
        return c;
    fprintf(stderr, "loyalty %s: %s:1: no column '%s' (columns:", cmd,
            csv_path(r), name);
    for (i = 0; i < csv_ncolumns(r) && i < 30; i++)
        fprintf(stderr, "%s '%s'", i ? "," : "", csv_column_name(r, i));
    fprintf(stderr, "%s)%s%s\n", i < csv_ncolumns(r) ? ", ..." : "",
            option ? "; choose one with --" : "", option ? option : "");
    if (!csv_get_dialect(r)->no_header && header_looks_like_data(r))
        fprintf(stderr, "loyalty %s: %s:1: the first line looks like data, not "
                "a header: use --no-header and name the columns by number "
                "(--%s 1)\n", cmd, csv_path(r), option ? option : "id-column");
    return -1;
}

const char *
cli_field_text(const csv_reader *r, badrows *b, long col, const char *colname,
               size_t *len)
{
    const char *s;
    if ((size_t)col >= csv_nfields(r)) {
        badrow(b, csv_line(r), "missing column '%s' (the row has %zu field%s, "
               "the header %zu)", colname, csv_nfields(r),
               csv_nfields(r) == 1 ? "" : "s", csv_ncolumns(r));
        return NULL;
    }
    s = csv_field(r, (size_t)col, len);
    if (memchr(s, '\0', *len) != NULL) {
        badrow(b, csv_line(r), "NUL byte in column '%s' (a binary file, or a "
               "broken export?)", colname);
        return NULL;
    }
    return s;
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
    char decimal;
    if (s == NULL)
        return -1;
    decimal = csv_get_dialect(r)->decimal;
    if (decimal == CSV_DECIMAL_AUTO)
        decimal = memchr(s, ',', len) != NULL ? ',' : '.';
    if (parse_number(s, len, decimal, out) == 0)
        return 0;
    if (field_blank(s, len))
        return -2;
    badrow(b, csv_line(r), "'%.*s' in column '%s' is not a number%s",
           shown_len(len), s, colname,
           decimal == '.' && memchr(s, ',', len) != NULL
               ? " (a decimal comma? use --decimal-comma)" : "");
    return -1;
}

int
cli_field_date(const csv_reader *r, badrows *b, long col, const char *colname,
               int64_t *days)
{
    size_t len;
    double frac;
    const char *s = cli_field_text(r, b, col, colname, &len);
    const char *fmt;
    if (s == NULL)
        return -1;
    if (field_blank(s, len))
        return -2;
    fmt = csv_get_dialect(r)->date_fmt;
    if (fmt != NULL ? parse_date_fmt(s, len, fmt, days, &frac) != 0
                    : parse_date(s, len, days, &frac) != 0) {
        badrow(b, csv_line(r), "'%.*s' in column '%s' is not a date (%s%s)",
               shown_len(len), s, colname, fmt ? "--date-format " : "",
               fmt ? fmt : "YYYY-MM-DD or YYYYMMDD; other layouts: --date-format");
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
