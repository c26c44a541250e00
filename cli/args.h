/* SPDX-License-Identifier: MIT */
/*
 * args.h - command-line options of the subcommands.
 *
 * Each subcommand describes its options in a table; the same table parses
 * argv and prints --help, so the help can never drift from the parser.
 */
#ifndef LOYCLI_ARGS_H
#define LOYCLI_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    OPT_FLAG,   /* int *, set to 1 */
    OPT_STR,    /* const char ** */
    OPT_NUM,    /* double *, finite */
    OPT_UINT,   /* unsigned *, decimal */
    OPT_DATE    /* int64_t * (days since 1970-01-01), ISO or YYYYMMDD */
};

typedef struct opt_spec {
    const char *name;   /* without the leading "--" */
    int kind;
    void *dest;
    int *seen;          /* optional: set to 1 when given */
    const char *meta;   /* value placeholder in the help, e.g. "NAME" */
    const char *help;
} opt_spec;

typedef struct cmd_help {
    const char *name;     /* e.g. "nps" */
    const char *usage;    /* e.g. "loyalty nps [OPTIONS] FILE" */
    const char *summary;  /* one paragraph */
    const char *details;  /* printed after the options, may be NULL */
} cmd_help;

/* Parse argv[1..argc-1] (argv[0] is the subcommand name). Positional
 * arguments are collected into pos (at most maxpos). Returns 0 on success,
 * 1 when --help was given (help printed to stdout), 2 on a usage error
 * (message printed to stderr). */
int args_parse(int argc, char **argv, const opt_spec *specs, size_t nspecs,
               const cmd_help *help, const char **pos, size_t maxpos,
               size_t *npos);

void args_print_help(FILE *fp, const cmd_help *help, const opt_spec *specs,
                     size_t nspecs);

/* Print "loyalty CMD: message" to stderr (printf style). */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
