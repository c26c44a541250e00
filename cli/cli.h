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
    int skip_bad;           /* --skip-bad-rows */
    int format;             /* OUT_* */
    char delim;             /* 0: detect */
} cli_common;

/* The option-table entries of the common options. */
#define CLI_COMMON_SPECS(c)                                                  \
    {"format", OPT_STR, &(c).format_s, NULL, "text|csv|json",               \
     "output format (default text; csv writes the main table only)"},       \
    {"delimiter", OPT_STR, &(c).delim_s, NULL, "CHAR",                      \
     "field delimiter: ',' ';' 'tab' (default: detected from the header)"}, \
    {"skip-bad-rows", OPT_FLAG, &(c).skip_bad, NULL, NULL,                  \
     "skip rows that do not parse (reported and counted) instead of failing"}

/* Validate the common options after parsing; 0 or EXIT_USAGE. */
int cli_common_finish(cli_common *c, const char *cmd);

/* Bad-row bookkeeping of one input file. */
typedef struct badrows {
    const char *path;
    uint64_t count;
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
csv_reader *cli_open_csv(const char *cmd, const char *path, char delim);

/* Index of a required column, or -1 after reporting it missing. */
long cli_column(const char *cmd, const csv_reader *r, const char *name,
                const char *option);

/* Field `col` of the current row as a number; a missing field or a word is
 * reported as a bad row (-1). A blank field is -2 (not reported). */
int cli_field_number(const csv_reader *r, badrows *b, long col,
                     const char *colname, double *out);

/* Field `col` as a date in days since 1970-01-01; -1 (reported) or -2
 * (blank, not reported). */
int cli_field_date(const csv_reader *r, badrows *b, long col,
                   const char *colname, int64_t *days);

/* Field `col` as text; a missing field is a bad row (NULL). */
const char *cli_field_text(const csv_reader *r, badrows *b, long col,
                           const char *colname, size_t *len);

/* Report a library status as "loyalty CMD: what: message". */
void cli_lib_error(const char *cmd, const char *what, int status);

/* Subcommands: argv[0] is the subcommand name. */
int cmd_nps(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_clv(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_churn(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
