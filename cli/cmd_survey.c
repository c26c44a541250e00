/* SPDX-License-Identifier: MIT */
/*
 * cmd_survey.c - `loyalty csat` and `loyalty ces`: customer satisfaction
 * (top-box share with a Wilson interval) and customer effort (mean with a
 * normal interval, agree and disagree shares) on any scale, overall and
 * per group.
 *
 * Scores stream into one histogram per group over the scale's values (at
 * most SCALE_MAX_BINS), which the library turns into estimates.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "parse.h"

typedef struct hist_group {
    const char *name;
    uint64_t hist[SCALE_MAX_BINS];
    uint64_t blank;
} hist_group;

typedef struct survey_in {
    const char *cmd, *path, *score_col, *group_col;
    int32_t lo, hi;
    const csv_dialect *dialect;
    int skip_bad;
} survey_in;

typedef struct survey_hist {
    hist_group *g;          /* [0] overall */
    size_t n;
    idmap *names;
    uint64_t bad_rows;
} survey_hist;

static void
hist_free(survey_hist *h)
{
    free(h->g);
    idmap_free(h->names);
    memset(h, 0, sizeof *h);
}

static int
group_of(survey_hist *h, const char *name, size_t len, size_t *gi)
{
    uint64_t idx;
    int is_new;
    if (idmap_intern(h->names, name, len, &idx, &is_new) != 0)
        return -1;
    *gi = (size_t)idx + 1;
    if (is_new) {
        hist_group *ng = realloc(h->g, (*gi + 1) * sizeof *ng);
        if (ng == NULL)
            return -1;
        h->g = ng;
        memset(&ng[*gi], 0, sizeof *ng);
        ng[*gi].name = idmap_name(h->names, idx);
        h->n = *gi + 1;
    }
    return 0;
}

/* One row: 0 (counted or reported), -1 out of memory. */
static int
hist_row(survey_hist *h, const csv_reader *r, badrows *b, const survey_in *in,
         long scol, long gcol)
{
    double v;
    size_t gi = 0, glen;
    const char *gname;
    int rc = cli_field_number(r, b, scol, in->score_col, &v);
    if (rc == -1)
        return 0;
    if (rc == 0 && (v != floor(v) || v < in->lo || v > in->hi)) {
        size_t len;
        const char *s = csv_field(r, (size_t)scol, &len);
        badrow(b, csv_line(r), "score '%.*s' in column '%s' is not a whole number "
               "from %d to %d (another scale: --scale)", (int)(len > 40 ? 40 : len),
               s, in->score_col, (int)in->lo, (int)in->hi);
        return 0;
    }
    if (gcol >= 0) {
        if ((gname = cli_field_text(r, b, gcol, in->group_col, &glen)) == NULL)
            return 0;
        if (field_blank(gname, glen))
            gname = "(blank)", glen = strlen(gname);
        if (group_of(h, gname, glen, &gi) != 0)
            return -1;
    }
    if (rc == -2) {
        h->g[0].blank++;
        h->g[gi].blank += gi != 0;
        return 0;
    }
    h->g[0].hist[(int32_t)v - in->lo]++;
    if (gi != 0)
        h->g[gi].hist[(int32_t)v - in->lo]++;
    return 0;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const hist_group *)a)->name, ((const hist_group *)b)->name);
}

static int
hist_read(const survey_in *in, survey_hist *h)
{
    long scol, gcol = -1;
    badrows b;
    int rc;
    csv_reader *r;
    memset(h, 0, sizeof *h);
    h->names = idmap_new();
    h->g = calloc(1, sizeof *h->g);
    if (h->names == NULL || h->g == NULL) {
        cli_error(in->cmd, "out of memory");
        return EXIT_DATA;
    }
    h->g[0].name = "(all)";
    h->n = 1;
    if ((r = cli_open_csv(in->cmd, in->path, in->dialect)) == NULL)
        return EXIT_DATA;
    if ((scol = cli_column(in->cmd, r, in->score_col, "score-column")) < 0
        || (in->group_col != NULL
            && (gcol = cli_column(in->cmd, r, in->group_col, "group-column")) < 0)) {
        csv_close(r);
        return EXIT_DATA;
    }
    badrows_init(&b, in->path, in->skip_bad);
    while ((rc = csv_next(r)) == 1)
        if (hist_row(h, r, &b, in, scol, gcol) != 0) {
            rc = -2;
            break;
        }
    if (rc < 0)
        cli_error(in->cmd, "%s:%llu: %s", in->path, (unsigned long long)csv_line(r),
                  rc == -1 ? csv_error(r) : "out of memory");
    csv_close(r);
    h->bad_rows = b.count;
    if (rc < 0 || (rc = badrows_finish(&b, in->cmd)) != 0)
        return EXIT_DATA;
    qsort(h->g + 1, h->n - 1, sizeof *h->g, by_name);
    return 0;
}

/* ---- shared options ------------------------------------------------------------- */

typedef struct survey_opts {
    cli_common c;
    const char *score_col, *group_col, *scale;
    double level;
} survey_opts;

static int
survey_setup(int argc, char **argv, survey_opts *so, const cmd_help *help,
             survey_in *in, int32_t *scale, int nscale)
{
    const char *pos[1];
    size_t npos;
    int rc;
    opt_spec specs[] = {
        {"score-column", OPT_STR, &so->score_col, NULL, "NAME|N", "column of the answers (default 'score')"},
        {"group-column", OPT_STR, &so->group_col, NULL, "NAME|N", "column of the groups (segments)"},
        {"scale", OPT_STR, &so->scale, NULL, nscale == 3 ? "LO,TOP,HI" : "LO,DMAX,AMIN,HI",
         nscale == 3 ? "scale and top box: answers TOP..HI are satisfied (default 1,4,5)"
                     : "scale, disagree up to DMAX, agree from AMIN (default 1,3,5,7)"},
        {"level", OPT_NUM, &so->level, NULL, "L", "confidence level (default 0.95)"},
        CLI_COMMON_SPECS(so->c)};
    so->score_col = "score";
    so->level = 0.95;
    rc = args_parse(argc, argv, specs, sizeof specs / sizeof *specs, help, pos, 1,
                    &npos);
    if (rc != 0)
        return rc == 1 ? -1 : EXIT_USAGE;
    if ((rc = cli_common_finish(&so->c, help->name)) != 0
        || (rc = cli_check_level(help->name, "level", so->level)) != 0)
        return rc;
    if (npos != 1) {
        cli_error(help->name, "need one FILE (see loyalty %s --help)", help->name);
        return EXIT_USAGE;
    }
    if (so->scale != NULL && (parse_int_list(so->scale, scale, nscale) != nscale
                              || scale[nscale - 1] - scale[0] >= SCALE_MAX_BINS
                              || scale[nscale - 1] <= scale[0])) {
        cli_error(help->name, "bad --scale '%s' (%s, at most %d points)", so->scale,
                  nscale == 3 ? "LO,TOP,HI with LO < TOP <= HI"
                              : "LO,DMAX,AMIN,HI with LO <= DMAX < AMIN <= HI",
                  SCALE_MAX_BINS);
        return EXIT_USAGE;
    }
    in->cmd = help->name;
    in->path = pos[0];
    in->score_col = so->score_col;
    in->group_col = so->group_col;
    in->lo = scale[0];
    in->hi = scale[nscale - 1];
    in->dialect = &so->c.dialect;
    in->skip_bad = so->c.skip_bad;
    return 0;
}

static void
print_header(out_w *o, const survey_in *in, const survey_hist *h, const char *what,
             const char *scale_text, double level)
{
    out_section(o, "input", what);
    out_str(o, "file", "file", in->path);
    out_str(o, "score_column", "score column", in->score_col);
    out_str(o, "scale", "scale", scale_text);
    out_num(o, "level", "level", level, 3);
    out_int(o, "bad_rows_skipped", "bad rows skipped", (int64_t)h->bad_rows);
    out_section_end(o);
}

static void
print_distribution(out_w *o, const survey_in *in, const hist_group *all)
{
    static const out_col cols[] = {{"score", 5, 0, 0}, {"answers", 8, 0, 0},
                                   {"share", 6, 1, 1}};
    uint64_t n = 0;
    int32_t v;
    for (v = in->lo; v <= in->hi; v++)
        n += all->hist[v - in->lo];
    out_table(o, "distribution", "Answers per score (share in %)", 0, cols, 3);
    for (v = in->lo; v <= in->hi; v++) {
        out_cell_int(o, v);
        out_cell_int(o, (int64_t)all->hist[v - in->lo]);
        out_cell_num(o, n ? (double)all->hist[v - in->lo] / (double)n : CLI_NAN);
    }
    out_table_end(o);
}

/* ---- csat ------------------------------------------------------------------------ */

static const cmd_help csat_help = {
    "csat", "loyalty csat [OPTIONS] FILE",
    "Customer satisfaction: the share of answers in the top box (4-5 on the\n"
    "default 1-5 scale) with a Wilson interval, overall (row \"(all)\") and\n"
    "per group, and the distribution of the answers. Blank answers are\n"
    "non-responses.",
    "Any scale: --scale 1,6,7 counts 6-7 on a 1-7 scale as satisfied,\n"
    "--scale 0,9,10 the top two of 0-10. Text output shows shares in %,\n"
    "csv and json fractions. small = fewer than 30 answers.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_csat(int argc, char **argv)
{
    static const out_col cols[] = {
        {"group", 12, 0, 0}, {"n", 6, 0, 0}, {"top", 6, 0, 0}, {"blank", 6, 0, 0},
        {"csat", 6, 1, 1}, {"se", 6, 1, 1}, {"lower", 6, 1, 1}, {"upper", 6, 1, 1},
        {"flags", 6, 0, 0}};
    survey_opts so;
    survey_in in;
    survey_hist h;
    int32_t scale[3] = {1, 4, 5};
    char text[64];
    size_t i;
    int rc;
    out_w o;
    memset(&so, 0, sizeof so);
    memset(&h, 0, sizeof h);
    if ((rc = survey_setup(argc, argv, &so, &csat_help, &in, scale, 3)) != 0)
        return rc < 0 ? 0 : rc;
    if (!(scale[0] < scale[1] && scale[1] <= scale[2])) {
        cli_error("csat", "bad --scale: need LO < TOP <= HI");
        return EXIT_USAGE;
    }
    if ((rc = hist_read(&in, &h)) != 0) {
        hist_free(&h);
        return rc;
    }
    snprintf(text, sizeof text, "%d-%d, top box %d-%d", (int)scale[0], (int)scale[2],
             (int)scale[1], (int)scale[2]);
    out_init(&o, stdout, so.c.format);
    out_begin(&o, "csat");
    print_header(&o, &in, &h, "CSAT", text, so.level);
    out_table(&o, "groups", "CSAT by group (%)", 1, cols, 9);
    for (i = 0; i < h.n; i++) {
        loy_csat_result res;
        int st;
        res.struct_size = sizeof res;
        st = loy_csat_from_counts(&res, h.g[i].hist, (size_t)(scale[2] - scale[0] + 1),
                                  scale, so.level);
        if (i == 0 && st == LOY_EEMPTY) {
            cli_error("csat", "%s: no answers in the file (column '%s' is blank "
                      "in every row)", in.path, in.score_col);
            rc = EXIT_DATA;
            break;
        }
        out_cell_str(&o, h.g[i].name);
        out_cell_int(&o, st == LOY_OK ? (int64_t)res.n : 0);
        out_cell_int(&o, st == LOY_OK ? (int64_t)res.top : 0);
        out_cell_int(&o, (int64_t)h.g[i].blank);
        out_cell_num(&o, st == LOY_OK ? res.csat : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.se : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.lower : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.upper : CLI_NAN);
        out_cell_str(&o, st != LOY_OK ? "empty"
                         : (res.flags & LOY_NPS_SMALL_SAMPLE) ? "small" : "");
    }
    if (rc == 0) {
        out_table_end(&o);
        print_distribution(&o, &in, &h.g[0]);
        out_end(&o);
    }
    hist_free(&h);
    return rc;
}

/* ---- ces ------------------------------------------------------------------------ */

static const cmd_help ces_help = {
    "ces", "loyalty ces [OPTIONS] FILE",
    "Customer effort (CES 2.0: 'the company made it easy', 1-7, 7 = strongly\n"
    "agree): mean with a normal interval, standard deviation and the shares\n"
    "that agree (5-7) and disagree (1-3), overall (row \"(all)\") and per\n"
    "group, and the distribution of the answers. Blank answers are\n"
    "non-responses.",
    "Other scales: --scale LO,DMAX,AMIN,HI, e.g. 1,2,4,5 on a 1-5 scale.\n"
    "Never pool CES 1.0 (1-5, high = more effort) with CES 2.0 answers.\n"
    "Text output shows shares in %, csv and json fractions. small = fewer\n"
    "than 30 answers.\n"
    "Exit status: 0 success, 1 bad data, 2 usage."};

int
cmd_ces(int argc, char **argv)
{
    static const out_col cols[] = {
        {"group", 12, 0, 0}, {"n", 6, 0, 0}, {"blank", 6, 0, 0}, {"mean", 6, 2, 0},
        {"sd", 6, 2, 0}, {"lower", 6, 2, 0}, {"upper", 6, 2, 0}, {"agree", 6, 1, 1},
        {"disagree", 8, 1, 1}, {"flags", 6, 0, 0}};
    survey_opts so;
    survey_in in;
    survey_hist h;
    int32_t scale[4] = {1, 3, 5, 7};
    char text[80];
    size_t i;
    int rc;
    out_w o;
    memset(&so, 0, sizeof so);
    memset(&h, 0, sizeof h);
    if ((rc = survey_setup(argc, argv, &so, &ces_help, &in, scale, 4)) != 0)
        return rc < 0 ? 0 : rc;
    if (!(scale[0] <= scale[1] && scale[1] < scale[2] && scale[2] <= scale[3])) {
        cli_error("ces", "bad --scale: need LO <= DMAX < AMIN <= HI");
        return EXIT_USAGE;
    }
    if ((rc = hist_read(&in, &h)) != 0) {
        hist_free(&h);
        return rc;
    }
    snprintf(text, sizeof text, "%d-%d, disagree %d-%d, agree %d-%d", (int)scale[0],
             (int)scale[3], (int)scale[0], (int)scale[1], (int)scale[2], (int)scale[3]);
    out_init(&o, stdout, so.c.format);
    out_begin(&o, "ces");
    print_header(&o, &in, &h, "CES", text, so.level);
    out_table(&o, "groups", "CES by group (mean on the scale; shares in %)", 1,
              cols, 10);
    for (i = 0; i < h.n; i++) {
        loy_ces_result res;
        int st;
        res.struct_size = sizeof res;
        st = loy_ces_from_counts(&res, h.g[i].hist, (size_t)(scale[3] - scale[0] + 1),
                                 scale, so.level);
        if (i == 0 && st == LOY_EEMPTY) {
            cli_error("ces", "%s: no answers in the file (column '%s' is blank in "
                      "every row)", in.path, in.score_col);
            rc = EXIT_DATA;
            break;
        }
        out_cell_str(&o, h.g[i].name);
        out_cell_int(&o, st == LOY_OK ? (int64_t)res.n : 0);
        out_cell_int(&o, (int64_t)h.g[i].blank);
        out_cell_num(&o, st == LOY_OK ? res.mean : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.sd : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.lower : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.upper : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.agree : CLI_NAN);
        out_cell_num(&o, st == LOY_OK ? res.disagree : CLI_NAN);
        out_cell_str(&o, st != LOY_OK ? "empty"
                         : (res.flags & LOY_NPS_SMALL_SAMPLE) ? "small" : "");
    }
    if (rc == 0) {
        out_table_end(&o);
        print_distribution(&o, &in, &h.g[0]);
        out_end(&o);
    }
    hist_free(&h);
    return rc;
}
