/* SPDX-License-Identifier: MIT */
/*
 * scale.c - score scales (--breaks) and id normalisation (--id-normalize),
 * shared by the commands that classify scores or join files by id.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

int
parse_int_list(const char *s, int32_t *v, int max)
{
    int n = 0;
    while (n < max) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        long long x;
        if (parse_int_range(s, len, -1000000, 1000000, &x) != 0)
            return -1;
        v[n++] = (int32_t)x;
        if (comma == NULL)
            return n;
        s = comma + 1;
    }
    return -1;
}

int
scale_finish(const char *cmd, score_scale *sc)
{
    sc->b = NULL;
    if (sc->text == NULL)
        return 0;
    if (parse_int_list(sc->text, sc->breaks, 4) != 4
        || loy_nps_breaks_check(sc->breaks) != LOY_OK
        || sc->breaks[3] - sc->breaks[0] >= SCALE_MAX_BINS) {
        cli_error(cmd, "bad --breaks '%s': give LO,DMAX,PMAX,HI with LO <= DMAX "
                  "<= PMAX < HI and HI - LO <= %d (e.g. 1,4,5,7 or 0,6,8,10)",
                  sc->text, SCALE_MAX_BINS - 1);
        return EXIT_USAGE;
    }
    sc->b = sc->breaks;
    return 0;
}

int
scale_classify(const score_scale *sc, const csv_reader *r, badrows *b, long col,
               const char *colname, int32_t *score)
{
    double v;
    int32_t cls;
    int rc = cli_field_number(r, b, col, colname, &v);
    if (rc == -2)
        return -1;
    if (rc != 0)
        return -2;
    if (v != floor(v) || fabs(v) > 1e6
        || loy_nps_classify(&cls, (int32_t)v, sc != NULL ? sc->b : NULL) != LOY_OK) {
        size_t len;
        const char *s = csv_field(r, (size_t)col, &len);
        int32_t lo = sc != NULL && sc->b != NULL ? sc->b[0] : 0;
        int32_t hi = sc != NULL && sc->b != NULL ? sc->b[3] : 10;
        badrow(b, csv_line(r), "score '%.*s' in column '%s' is not a whole "
               "number from %d to %d%s", (int)(len > 40 ? 40 : len), s, colname,
               (int)lo, (int)hi, sc != NULL && sc->b != NULL ? ""
               : " (other scales: --breaks)");
        return -2;
    }
    *score = (int32_t)v;
    return cls;
}

int
idnorm_parse(const char *cmd, const char *text, unsigned *flags)
{
    const char *s = text;
    *flags = 0;
    if (text == NULL)
        return 0;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 4 && strncmp(s, "trim", 4) == 0)
            *flags |= IDN_TRIM;
        else if (len == 4 && strncmp(s, "case", 4) == 0)
            *flags |= IDN_CASE;
        else if (len == 5 && strncmp(s, "zeros", 5) == 0)
            *flags |= IDN_ZEROS;
        else if (len == 3 && strncmp(s, "all", 3) == 0)
            *flags |= IDN_TRIM | IDN_CASE | IDN_ZEROS;
        else if (!(len == 4 && strncmp(s, "none", 4) == 0)) {
            cli_error(cmd, "bad --id-normalize '%s': a list of trim, case, zeros, "
                      "all or none", text);
            return EXIT_USAGE;
        }
        if (comma == NULL)
            return 0;
        s = comma + 1;
    }
}
