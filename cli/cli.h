/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the subcommands share: common options, bad-row reporting,
 * column lookup and the subcommand entry points.
 *
 * Exit codes: 0 success, 1 bad data or a failed computation, 2 usage.
 */
#ifndef LOYCLI_CLI_H
#define LOYCLI_CLI_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "csv.h"
#include "out.h"

/* NaN as a double (NAN is a float constant). */
#define CLI_NAN ((double)NAN)

#define EXIT_DATA 1
#define EXIT_USAGE 2

/* Bad rows reported in full before the rest is only counted. */
#define BADROW_SHOWN 50

typedef struct cli_common {
    const char *format_s;   /* --format */
    const char *delim_s;    /* --delimiter */
    const char *date_fmt;   /* --date-format */
    int skip_bad;           /* --skip-bad-rows */
    int no_header;          /* --no-header */
    int decimal_comma;      /* --decimal-comma */
    int decimal_point;      /* --decimal-point */
    int all;                /* --all */
    unsigned top;           /* --top */
    int format;             /* OUT_* */
    csv_dialect dialect;    /* how the input files are written */
} cli_common;

/* Rows of a per-customer table shown in text output unless --all. */
#define CLI_TOP_DEFAULT 20

/* The option-table entries of the common options. */
#define CLI_COMMON_SPECS(c)                                                  \
    {"format", OPT_STR, &(c).format_s, NULL, "text|csv|json",               \
     "output format (default text; csv writes the main table only)"},       \
    {"delimiter", OPT_STR, &(c).delim_s, NULL, "CHAR",                      \
     "field delimiter: ',' ';' 'tab' 'space' (runs of blanks) (default: "   \
     "detected from the first line)"},                                      \
    {"no-header", OPT_FLAG, &(c).no_header, NULL, NULL,                     \
     "the first line is data; name columns by number (1, 2, ...)"},         \
    {"decimal-comma", OPT_FLAG, &(c).decimal_comma, NULL, NULL,             \
     "numbers use a decimal comma (12,50; 1.234,50) (default for ';' "      \
     "files when a number has a comma)"},                                   \
    {"decimal-point", OPT_FLAG, &(c).decimal_point, NULL, NULL,             \
     "numbers use a decimal point, also in ';' files"},                     \
    {"date-format", OPT_STR, &(c).date_fmt, NULL, "FMT",                    \
     "date layout, e.g. %d.%m.%Y, %m/%d/%Y, %d %b %Y (default ISO "         \
     "YYYY-MM-DD or YYYYMMDD)"},                                            \
    {"skip-bad-rows", OPT_FLAG, &(c).skip_bad, NULL, NULL,                  \
     "skip rows that do not parse (reported and counted) instead of failing"}

/* --top and --all of the commands that list customers. */
#define CLI_LIST_SPECS(c)                                                    \
    {"top", OPT_UINT, &(c).top, NULL, "N",                                  \
     "text output: show the first N customers (default 20)"},              \
    {"all", OPT_FLAG, &(c).all, NULL, NULL,                                 \
     "text output: show every customer (csv and json always do)"}

/* Validate the common options after parsing; 0 or EXIT_USAGE. */
int cli_common_finish(cli_common *c, const char *cmd);

/* Customers a text table shows: all for csv/json or --all, else --top. */
size_t cli_rows_shown(const cli_common *c, size_t n);

/* In text output, after a table cut at `shown` of n rows: say how to see
 * the rest. */
void cli_rows_note(out_w *o, size_t shown, size_t n);

/* Bad-row bookkeeping of one input file. */
typedef struct badrows {
    const char *path;
    uint64_t count;         /* bad rows (a row with two problems counts once) */
    uint64_t messages;      /* messages printed or suppressed */
    uint64_t last_line;     /* line of the last bad row counted */
    int skip;
} badrows;

void badrows_init(badrows *b, const char *path, int skip);

/* Report "FILE:LINE: message" (the first BADROW_SHOWN only). */
void badrow(badrows *b, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* At the end of a file: 0 to go on (no bad rows, or skipping them; the
 * count is reported), EXIT_DATA to stop. */
int badrows_finish(const badrows *b, const char *cmd);

/* Open a CSV file, reporting failures as "loyalty CMD: FILE: ...". */
csv_reader *cli_open_csv(const char *cmd, const char *path,
                         const csv_dialect *d);

/* Index of a required column, or -1 after reporting it missing. A name
 * that is no column but a number N is the N-th column (1-based). */
long cli_column(const char *cmd, const csv_reader *r, const char *name,
                const char *option);

/* Index of an optional column (name or 1-based number), or -1. */
long cli_find_column(const csv_reader *r, const char *name);

/* The first of the names (NULL-terminated list) that is a column, or -1;
 * *found is set to that name. */
long cli_column_any(const csv_reader *r, const char *const *names,
                    const char **found);

/* The last component of a path (no directories), for titles and pages. */
const char *cli_basename(const char *path);

/* Plausibility checks of numeric options; each names the option in its
 * message and returns 0 or EXIT_USAGE. */
int cli_check_level(const char *cmd, const char *option, double v);
int cli_check_rate(const char *cmd, const char *option, double v,
                   const char *per);
int cli_check_share(const char *cmd, const char *option, double v,
                    const char *hint);

/* Field `col` of the current row as a number (the file's decimal
 * separator; thousands separators and currency symbols allowed, see
 * parse_number); a missing field or a word is reported as a bad row (-1).
 * A blank field is -2 (not reported). */
int cli_field_number(const csv_reader *r, badrows *b, long col,
                     const char *colname, double *out);

/* Field `col` as a date in days since 1970-01-01; -1 (reported) or -2
 * (blank, not reported). */
int cli_field_date(const csv_reader *r, badrows *b, long col,
                   const char *colname, int64_t *days);

/* Field `col` as text; a missing field or a NUL byte in it (which no
 * output could show, so two ids differing after it would look the same)
 * is a bad row (NULL). */
const char *cli_field_text(const csv_reader *r, badrows *b, long col,
                           const char *colname, size_t *len);

/* Report a library status as "loyalty CMD: what: message". */
void cli_lib_error(const char *cmd, const char *what, int status);

/* Print "loyalty CMD: warning: message" to stderr (printf style). */
void cli_warn(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Subcommands: argv[0] is the subcommand name. */
int cmd_nps(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_clv(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_churn(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_customers(int argc, char **argv);
int cmd_csat(int argc, char **argv);
int cmd_ces(int argc, char **argv);
int cmd_cohort(int argc, char **argv);
int cmd_bgbb(int argc, char **argv);
int cmd_drivers(int argc, char **argv);
int cmd_track(int argc, char **argv);

#endif
