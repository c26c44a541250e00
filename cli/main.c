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
    {"csat", cmd_csat, "CSAT (top-box share) with Wilson intervals, any scale"},
    {"ces", cmd_ces, "CES (customer effort) mean and agree/disagree shares"},
    {"summary", cmd_summary, "purchase log -> per-customer summary (x, t_x, T, monetary)"},
    {"clv", cmd_clv, "choose and fit BG/NBD, MBG/NBD or Pareto/NBD; per-customer CLV"},
    {"customers", cmd_customers, "who to call: per-customer action list, by priority"},
    {"report", cmd_report, "everything on a survey and a purchase log; text and HTML"},
    {"segment", cmd_segment, "ABC analysis and the ABC x loyalty matrix with actions"},
    {"track", cmd_track, "consistency: units in a funnel, NPS over time with control charts"},
    {"drivers", cmd_drivers, "key drivers: what moves the score, and where to act first"},
    {"cohort", cmd_cohort, "sBG retention of subscription cohorts: curve, DEL, DERL"},
    {"bgbb", cmd_bgbb, "BG/BB for discrete opportunities (events, yearly donations)"},
    {"churn-cost", cmd_churn, "churn cost and loyalty economics"},
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
    fprintf(fp, "\nRun 'loyalty COMMAND --help' (or 'loyalty help COMMAND') for the\n"
            "options of a command. Every FILE may be '-' for standard input.\n"
            "Common options: --format text|csv|json, --delimiter, --no-header,\n"
            "--decimal-comma, --date-format, --skip-bad-rows. See loyalty(1).\n");
}

static const command *
find_command(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

int
main(int argc, char **argv)
{
    const command *c;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 && argc >= 3) {
        /* `loyalty help nps` is `loyalty nps --help` */
        char *help_argv[3];
        if ((c = find_command(argv[2])) == NULL) {
            fprintf(stderr, "loyalty: unknown command '%s'\n\n", argv[2]);
            usage(stderr);
            return EXIT_USAGE;
        }
        help_argv[0] = argv[2];
        help_argv[1] = (char *)"--help";
        help_argv[2] = NULL;
        return c->run(2, help_argv);
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
    if ((c = find_command(argv[1])) != NULL)
        return c->run(argc - 1, argv + 1);
    fprintf(stderr, "loyalty: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
