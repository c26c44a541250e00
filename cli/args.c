/* SPDX-License-Identifier: MIT */
/*
 * args.c - option parsing and help (see args.h).
 */
#include "args.h"

#include <stdarg.h>
#include <string.h>

#include "parse.h"

void
cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "loyalty %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const opt_spec *
find_spec(const opt_spec *specs, size_t n, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strlen(specs[i].name) == len && strncmp(specs[i].name, name, len) == 0)
            return &specs[i];
    return NULL;
}

static int
store_value(const opt_spec *s, const char *v)
{
    long long iv;
    double frac;
    switch (s->kind) {
    case OPT_STR:
        *(const char **)s->dest = v;
        return 0;
    case OPT_NUM:
        return parse_double(v, strlen(v), (double *)s->dest);
    case OPT_UINT:
        if (parse_int_range(v, strlen(v), 0, 1000000000, &iv) != 0)
            return -1;
        *(unsigned *)s->dest = (unsigned)iv;
        return 0;
    case OPT_DATE:
        return parse_date(v, strlen(v), (int64_t *)s->dest, &frac);
    default:
        return -1;
    }
}

/* Handle one "--name[=value]" at argv[*i]; returns 0, 1 (help) or 2. */
static int
parse_option(int argc, char **argv, int *i, const opt_spec *specs,
             size_t nspecs, const char *cmd)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const opt_spec *s = find_spec(specs, nspecs, arg, len);
    const char *v;
    if (len == 4 && strncmp(arg, "help", 4) == 0)
        return 1;
    if (s == NULL) {
        cli_error(cmd, "unknown option --%.*s (see loyalty %s --help)",
                  (int)len, arg, cmd);
        return 2;
    }
    if (s->seen != NULL)
        *s->seen = 1;
    if (s->kind == OPT_FLAG) {
        if (eq != NULL) {
            cli_error(cmd, "option --%s takes no value", s->name);
            return 2;
        }
        *(int *)s->dest = 1;
        return 0;
    }
    if (eq == NULL && *i + 1 >= argc) {
        cli_error(cmd, "option --%s needs a value", s->name);
        return 2;
    }
    v = eq ? eq + 1 : argv[++*i];
    if (store_value(s, v) != 0) {
        cli_error(cmd, "bad value '%s' for --%s", v, s->name);
        return 2;
    }
    return 0;
}

int
args_parse(int argc, char **argv, const opt_spec *specs, size_t nspecs,
           const cmd_help *help, const char **pos, size_t maxpos,
           size_t *npos)
{
    int i, only_pos = 0;
    *npos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            args_print_help(stdout, help, specs, nspecs);
            return 1;
        } else if (!only_pos && a[0] == '-' && a[1] == '-') {
            int rc = parse_option(argc, argv, &i, specs, nspecs, help->name);
            if (rc == 1)
                args_print_help(stdout, help, specs, nspecs);
            if (rc != 0)
                return rc;
        } else if (*npos < maxpos) {
            pos[(*npos)++] = a;
        } else {
            cli_error(help->name, "unexpected argument '%s' (see loyalty %s --help)",
                      a, help->name);
            return 2;
        }
    }
    return 0;
}

void
args_print_help(FILE *fp, const cmd_help *help, const opt_spec *specs,
                size_t nspecs)
{
    size_t i;
    fprintf(fp, "Usage: %s\n\n%s\n\nOptions:\n", help->usage, help->summary);
    for (i = 0; i < nspecs; i++) {
        char left[64];
        if (specs[i].kind == OPT_FLAG)
            snprintf(left, sizeof left, "--%s", specs[i].name);
        else
            snprintf(left, sizeof left, "--%s %s", specs[i].name,
                     specs[i].meta ? specs[i].meta : "VALUE");
        fprintf(fp, "  %-28s %s\n", left, specs[i].help);
    }
    fprintf(fp, "  %-28s %s\n", "--help", "show this help and exit");
    if (help->details != NULL)
        fprintf(fp, "\n%s\n", help->details);
}
