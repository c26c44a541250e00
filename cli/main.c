/* SPDX-License-Identifier: MIT */
/*
 * main.c - the `loyalty` command-line tool: dispatch to the subcommands.
 *
 * The tool is built on the public API of libloyalty only (<loyalty.h>).
 * It never calls setlocale: the C locale stays in force, and the number and
 * date parsers do not consult the locale anyway.
 */
#include <stdio.h>
#include <string.h>

#include <loyalty.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
} command;

static const command commands[] = {
    {"nps", cmd_nps, "NPS with intervals from a survey export, overall and per group"},
    {"churn-cost", cmd_churn, "churn cost and loyalty economics"},
    {"clv", cmd_clv, "fit BG/NBD, Pareto/NBD or MBG/NBD and Gamma-Gamma; per-customer CLV"},
    {"report", cmd_report, "everything on a survey and a purchase log; text and HTML"},
    {"segment", cmd_segment, "ABC analysis and the ABC x loyalty matrix with actions"},
    {"summary", cmd_summary, "purchase log -> per-customer summary (x, t_x, T, monetary)"},
};

static void
usage(FILE *fp)
{
    size_t i;
    fprintf(fp, "Usage: loyalty COMMAND [OPTIONS] FILE...\n\n"
            "Customer-loyalty analytics on CSV files (libloyalty %s).\n\n"
            "Commands:\n", loy_version_string());
    for (i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].what);
    fprintf(fp, "\nRun 'loyalty COMMAND --help' for the options of a command.\n"
            "Common options: --format text|csv|json, --delimiter, --skip-bad-rows.\n");
}

int
main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
        || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("loyalty %s\n", loy_version_string());
        return 0;
    }
    for (i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "loyalty: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
