/* SPDX-License-Identifier: MIT */
/*
 * r_nps.c - NPS, CSAT and CES from R vectors.
 *
 * R's NA is a non-response: it is counted as a blank and passed to no
 * library function (the library would call it an invalid score). NaN and
 * infinities are not missing answers but broken data: they go to the
 * library, which rejects them (LOY_ENONFINITE with the row) or, in skip
 * mode, counts them as rejected. Rows are compacted before the call, so
 * error indexes are mapped back to the caller's rows.
 */
#include "loyr.h"

#include <math.h>
#include <string.h>

/* Largest uint64 count a double converts exactly into: 2^64 is out. */
#define COUNT_LIMIT 18446744073709551616.0

static int
breaks_of(SEXP breaks, const int32_t **out)
{
    if (Rf_isNull(breaks)) {
        *out = NULL;
        return 1;
    }
    if (!loyr_is_int(breaks, 4))
        return 0;
    *out = (const int32_t *)INTEGER(breaks);
    return 1;
}

static int
scale_of(SEXP scale, int len, const int32_t **out)
{
    if (Rf_isNull(scale)) {
        *out = NULL;
        return 1;
    }
    if (!loyr_is_int(scale, len))
        return 0;
    *out = (const int32_t *)INTEGER(scale);
    return 1;
}

static int
flag_of(SEXP skip, uint32_t *flags)
{
    int s;
    if (!loyr_int1(skip, &s))
        return 0;
    *flags = s ? LOY_NPS_SKIP_INVALID : 0u;
    return 1;
}

/* Non-NA scores of x, with the row each came from. */
typedef struct compacted {
    double *v;
    size_t *row;
    size_t n;
    double blanks;
} compacted;

static void
compact(compacted *c, SEXP x)
{
    size_t n = loyr_len(x);
    const double *s = REAL(x);
    c->v = (double *)R_alloc(n > 0 ? n : 1, sizeof(double));
    c->row = (size_t *)R_alloc(n > 0 ? n : 1, sizeof(size_t));
    c->n = 0;
    c->blanks = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (R_IsNA(s[i])) {
            c->blanks += 1.0;
            continue;
        }
        c->v[c->n] = s[i];
        c->row[c->n] = i;
        c->n++;
    }
}

static size_t
row_of(const compacted *c, size_t err)
{
    return err < c->n ? c->row[err] : LOY_NO_INDEX;
}

/* Doubles that are whole and inside int32 become scores; anything else is
 * invalid and becomes a value the library rejects the same way: a
 * non-finite stays NaN (LOY_ENONFINITE), another value an out-of-scale
 * sentinel (LOY_ESCALE) unless it already is one. */
static int32_t *
to_i32(const compacted *c)
{
    int32_t *out = (int32_t *)R_alloc(c->n > 0 ? c->n : 1, sizeof(int32_t));
    for (size_t i = 0; i < c->n; i++) {
        double v = c->v[i];
        if (v == floor(v) && v >= -2147483647.0 && v <= 2147483647.0)
            out[i] = (int32_t)v;
        else
            out[i] = INT32_MIN; /* below every scale's lo */
    }
    return out;
}

/* Position of the first non-finite among the compacted scores, or n. */
static size_t
first_nonfinite(const compacted *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (!isfinite(c->v[i]))
            return i;
    return c->n;
}

/* .Call: c(detractors, passives, promoters, rejected, blanks). */
SEXP
loyr_nps_tally(SEXP scores, SEXP breaks, SEXP skip)
{
    static const char *const names[] = {"detractors", "passives",
                                        "promoters", "rejected", "blanks"};
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    const int32_t *br;
    uint32_t flags;
    compacted c;
    size_t err = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(scores, -1) || !breaks_of(breaks, &br) || !flag_of(skip, &flags))
        return loyr_einval();
    compact(&c, scores);
    st = loy_nps_tally_f64(&t, c.v, c.n, br, flags, &err);
    if (st != LOY_OK)
        return loyr_status(st, row_of(&c, err));
    SEXP out = PROTECT(loyr_named_real(names, 5));
    REAL(out)[0] = (double)t.detractors;
    REAL(out)[1] = (double)t.passives;
    REAL(out)[2] = (double)t.promoters;
    REAL(out)[3] = (double)t.rejected;
    REAL(out)[4] = c.blanks;
    UNPROTECT(1);
    return out;
}

/* .Call: tallies of groups 1..n_groups (group NA: row left out) as an
 * n_groups x 5 matrix with the columns of loyr_nps_tally(). One pass of the
 * library's grouped uint8 tally; scores that are not whole numbers in
 * 0..255 cannot be uint8: strict mode reports them, skip mode counts them
 * as rejected in their group. */
SEXP
loyr_nps_tally_grouped(SEXP scores, SEXP groups, SEXP n_groups, SEXP breaks,
                       SEXP skip)
{
    const int32_t *br;
    uint32_t flags;
    int ng, st;
    size_t n, m = 0, err = LOY_NO_INDEX;
    uint8_t *s8;
    uint32_t *g32;
    size_t *rows;
    uint64_t *counts;
    double *extra_rej, *blanks;

    if (!loyr_is_real(scores, -1) || !loyr_int1(n_groups, &ng) || ng < 1
        || !breaks_of(breaks, &br) || !flag_of(skip, &flags))
        return loyr_einval();
    n = loyr_len(scores);
    if (!loyr_is_int(groups, (R_xlen_t)n))
        return loyr_einval();
    st = loy_nps_breaks_check(br);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);

    s8 = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    g32 = (uint32_t *)R_alloc(n > 0 ? n : 1, sizeof(uint32_t));
    rows = (size_t *)R_alloc(n > 0 ? n : 1, sizeof(size_t));
    counts = (uint64_t *)R_alloc((size_t)ng * 4, sizeof(uint64_t));
    extra_rej = (double *)R_alloc((size_t)ng, sizeof(double));
    blanks = (double *)R_alloc((size_t)ng, sizeof(double));
    memset(extra_rej, 0, (size_t)ng * sizeof(double));
    memset(blanks, 0, (size_t)ng * sizeof(double));

    for (size_t i = 0; i < n; i++) {
        int g = INTEGER(groups)[i];
        double v = REAL(scores)[i];
        if (g == NA_INTEGER)
            continue;
        if (g < 1 || g > ng)
            return loyr_status(LOY_EINVAL, i);
        if (R_IsNA(v)) {
            blanks[g - 1] += 1.0;
            continue;
        }
        if (!(v >= 0.0 && v <= 255.0 && v == floor(v))) {
            if (flags & LOY_NPS_SKIP_INVALID) {
                extra_rej[g - 1] += 1.0;
                continue;
            }
            return loyr_status(isfinite(v) ? LOY_ESCALE : LOY_ENONFINITE, i);
        }
        s8[m] = (uint8_t)v;
        g32[m] = (uint32_t)(g - 1);
        rows[m] = i;
        m++;
    }
    if (m > 0) {
        st = loy_nps_tally_grouped_u8(counts, (size_t)ng, s8, g32, m, br,
                                      flags, &err);
        if (st != LOY_OK)
            return loyr_status(st, err < m ? rows[err] : LOY_NO_INDEX);
    } else {
        memset(counts, 0, (size_t)ng * 4 * sizeof(uint64_t));
    }

    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, ng, 5));
    double *o = REAL(out);
    for (int g = 0; g < ng; g++) {
        o[g] = (double)counts[4 * g];
        o[g + ng] = (double)counts[4 * g + 1];
        o[g + 2 * ng] = (double)counts[4 * g + 2];
        o[g + 3 * ng] = (double)counts[4 * g + 3] + extra_rej[g];
        o[g + 4 * ng] = blanks[g];
    }
    UNPROTECT(1);
    return out;
}

/* Counts held in doubles into a tally. */
static int
tally_of(SEXP counts, loy_nps_tally *t)
{
    uint64_t v[3];
    if (!loyr_is_real(counts, 3))
        return 0;
    for (int k = 0; k < 3; k++) {
        double c = REAL(counts)[k];
        if (!(c >= 0.0 && c < COUNT_LIMIT && c == floor(c)))
            return 0;
        v[k] = (uint64_t)c;
    }
    t->struct_size = sizeof(*t);
    t->detractors = v[0];
    t->passives = v[1];
    t->promoters = v[2];
    t->rejected = 0;
    return 1;
}

static int
options_of(SEXP pseudo, loy_nps_options *o)
{
    loy_nps_options init = LOY_NPS_OPTIONS_INIT;
    *o = init;
    if (Rf_isNull(pseudo))
        return 1;
    if (!loyr_is_real(pseudo, 3))
        return 0;
    memcpy(o->pseudo, REAL(pseudo), sizeof(o->pseudo));
    return 1;
}

/* .Call: estimate and interval of a tally (D, A, P). */
SEXP
loyr_nps_estimate(SEXP counts, SEXP method, SEXP level, SEXP pseudo)
{
    static const char *const names[] = {
        "n", "nps", "variance", "se", "level", "z", "centre", "interval_se",
        "lower", "upper", "method", "flags"};
    loy_nps_tally t;
    loy_nps_options o;
    loy_nps_result r;
    int meth, st;
    double lv;

    if (!tally_of(counts, &t) || !loyr_int1(method, &meth) || meth < 0
        || !loyr_real1(level, &lv) || !options_of(pseudo, &o))
        return loyr_einval();
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_nps_estimate(&r, &t, (uint32_t)meth, lv, &o);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 12));
    double *v = REAL(out);
    v[0] = (double)r.n;
    v[1] = r.nps;
    v[2] = r.variance;
    v[3] = r.se;
    v[4] = r.level;
    v[5] = r.z;
    v[6] = r.centre;
    v[7] = r.interval_se;
    v[8] = r.lower;
    v[9] = r.upper;
    v[10] = (double)r.method;
    v[11] = (double)r.flags;
    UNPROTECT(1);
    return out;
}

/* .Call: difference a - b of two tallies; the status element is 0 or
 * LOY_EDEGENERATE (se = 0: no test, NaN statistics), which is a result,
 * not a failure. */
SEXP
loyr_nps_compare(SEXP a, SEXP b, SEXP method, SEXP level, SEXP pseudo)
{
    static const char *const names[] = {
        "diff", "se", "z", "p_value", "level", "lower", "upper", "method",
        "flags", "status"};
    loy_nps_tally ta, tb;
    loy_nps_options o;
    loy_nps_diff d;
    int meth, st;
    double lv;

    if (!tally_of(a, &ta) || !tally_of(b, &tb) || !loyr_int1(method, &meth)
        || meth < 0 || !loyr_real1(level, &lv) || !options_of(pseudo, &o))
        return loyr_einval();
    memset(&d, 0, sizeof(d));
    d.struct_size = sizeof(d);
    st = loy_nps_compare(&d, &ta, &tb, (uint32_t)meth, lv, &o);
    if (st != LOY_OK && st != LOY_EDEGENERATE)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 10));
    double *v = REAL(out);
    v[0] = d.diff;
    v[1] = d.se;
    v[2] = d.z_stat;
    v[3] = d.p_value;
    v[4] = d.level;
    v[5] = d.lower;
    v[6] = d.upper;
    v[7] = (double)d.method;
    v[8] = (double)d.flags;
    v[9] = (double)st;
    UNPROTECT(1);
    return out;
}

/* .Call: weighted tally: c(count D, A, P, sum_w D, A, P, sum_w2 D, A, P,
 * rejected, blanks). A blank score's weight is ignored; a weight that is
 * NA next to an answer is invalid (the library rejects NaN weights). */
SEXP
loyr_nps_wtally(SEXP scores, SEXP weights, SEXP breaks, SEXP skip)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    const int32_t *br;
    uint32_t flags;
    compacted c;
    double *w;
    size_t err = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(scores, -1) || !loyr_is_real(weights, XLENGTH(scores))
        || !breaks_of(breaks, &br) || !flag_of(skip, &flags))
        return loyr_einval();
    compact(&c, scores);
    w = (double *)R_alloc(c.n > 0 ? c.n : 1, sizeof(double));
    for (size_t i = 0; i < c.n; i++)
        w[i] = REAL(weights)[c.row[i]];
    st = loy_nps_wtally_f64(&t, c.v, w, c.n, br, flags, &err);
    if (st != LOY_OK)
        return loyr_status(st, row_of(&c, err));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 11));
    double *v = REAL(out);
    for (int k = 0; k < 3; k++) {
        v[k] = (double)t.count[k];
        v[3 + k] = t.sum_w[k];
        v[6 + k] = t.sum_w2[k];
    }
    v[9] = (double)t.rejected;
    v[10] = c.blanks;
    UNPROTECT(1);
    return out;
}

/* .Call: weighted estimate from the first 10 values of loyr_nps_wtally(). */
SEXP
loyr_nps_westimate(SEXP wt, SEXP level)
{
    static const char *const names[] = {
        "n", "sum_w", "nps", "n_eff", "deff", "se_kish", "se_lin", "level",
        "lower", "upper", "flags"};
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy_nps_wresult r;
    double lv;
    int st;

    if (!loyr_is_real(wt, -1) || XLENGTH(wt) < 10 || !loyr_real1(level, &lv))
        return loyr_einval();
    for (int k = 0; k < 3; k++) {
        double c = REAL(wt)[k];
        if (!(c >= 0.0 && c < COUNT_LIMIT && c == floor(c)))
            return loyr_einval();
        t.count[k] = (uint64_t)c;
        t.sum_w[k] = REAL(wt)[3 + k];
        t.sum_w2[k] = REAL(wt)[6 + k];
    }
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_nps_westimate(&r, &t, lv);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 11));
    double *v = REAL(out);
    v[0] = (double)r.n;
    v[1] = r.sum_w;
    v[2] = r.nps;
    v[3] = r.n_eff;
    v[4] = r.deff;
    v[5] = r.se_kish;
    v[6] = r.se_lin;
    v[7] = r.level;
    v[8] = r.lower;
    v[9] = r.upper;
    v[10] = (double)r.flags;
    UNPROTECT(1);
    return out;
}

/* .Call: responses needed for a margin (vectorised over margin). */
SEXP
loyr_nps_sample_size(SEXP margin, SEXP level, SEXP promoters, SEXP detractors)
{
    R_xlen_t n;
    if (!loyr_is_real(margin, -1))
        return loyr_einval();
    n = XLENGTH(margin);
    if (!loyr_is_real(level, n) || !loyr_is_real(promoters, n)
        || !loyr_is_real(detractors, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        uint64_t v;
        int st = loy_nps_sample_size(&v, REAL(margin)[i], REAL(level)[i],
                                     REAL(promoters)[i], REAL(detractors)[i]);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
        REAL(out)[i] = (double)v;
    }
    UNPROTECT(1);
    return out;
}

/* .Call: margin of error for n responses (vectorised over n). */
SEXP
loyr_nps_margin(SEXP n_resp, SEXP level, SEXP promoters, SEXP detractors)
{
    R_xlen_t n;
    if (!loyr_is_real(n_resp, -1))
        return loyr_einval();
    n = XLENGTH(n_resp);
    if (!loyr_is_real(level, n) || !loyr_is_real(promoters, n)
        || !loyr_is_real(detractors, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        double c = REAL(n_resp)[i];
        int st;
        if (!(c >= 0.0 && c < COUNT_LIMIT && c == floor(c)))
            st = isfinite(c) ? LOY_ESCALE : LOY_ENONFINITE;
        else
            st = loy_nps_margin(&REAL(out)[i], (uint64_t)c, REAL(level)[i],
                                REAL(promoters)[i], REAL(detractors)[i]);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}

static SEXP
csat_value(const loy_csat_result *r, double blanks)
{
    static const char *const names[] = {"n", "top", "rejected", "csat", "se",
                                        "level", "lower", "upper", "flags",
                                        "blanks"};
    SEXP out = PROTECT(loyr_named_real(names, 10));
    double *v = REAL(out);
    v[0] = (double)r->n;
    v[1] = (double)r->top;
    v[2] = (double)r->rejected;
    v[3] = r->csat;
    v[4] = r->se;
    v[5] = r->level;
    v[6] = r->lower;
    v[7] = r->upper;
    v[8] = (double)r->flags;
    v[9] = blanks;
    UNPROTECT(1);
    return out;
}

static SEXP
ces_value(const loy_ces_result *r, double blanks)
{
    static const char *const names[] = {
        "n", "rejected", "mean", "sd", "se", "level", "lower", "upper",
        "agree", "disagree", "flags", "blanks"};
    SEXP out = PROTECT(loyr_named_real(names, 12));
    double *v = REAL(out);
    v[0] = (double)r->n;
    v[1] = (double)r->rejected;
    v[2] = r->mean;
    v[3] = r->sd;
    v[4] = r->se;
    v[5] = r->level;
    v[6] = r->lower;
    v[7] = r->upper;
    v[8] = r->agree;
    v[9] = r->disagree;
    v[10] = (double)r->flags;
    v[11] = blanks;
    UNPROTECT(1);
    return out;
}

/* Compacted scores as int32 for the CSAT/CES functions; NaN and
 * infinities are reported (strict) or dropped into `rejected` (skip) here,
 * since int32 cannot carry them. */
static int
survey_scores(compacted *c, int32_t **vals, uint32_t flags, double *rejected,
              size_t *bad)
{
    size_t first = first_nonfinite(c);
    *rejected = 0.0;
    if (first < c->n) {
        if (!(flags & LOY_NPS_SKIP_INVALID)) {
            *bad = c->row[first];
            return LOY_ENONFINITE;
        }
        size_t k = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (!isfinite(c->v[i])) {
                *rejected += 1.0;
                continue;
            }
            c->v[k] = c->v[i];
            c->row[k] = c->row[i];
            k++;
        }
        c->n = k;
    }
    *vals = to_i32(c);
    return LOY_OK;
}

/* .Call: CSAT of scores (NA blank) on scale {lo, top_min, hi}. */
SEXP
loyr_csat(SEXP scores, SEXP scale, SEXP level, SEXP skip)
{
    loy_csat_result r;
    const int32_t *sc;
    uint32_t flags;
    compacted c;
    int32_t *v;
    double lv, rej;
    size_t err = LOY_NO_INDEX, bad = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(scores, -1) || !scale_of(scale, 3, &sc)
        || !loyr_real1(level, &lv) || !flag_of(skip, &flags))
        return loyr_einval();
    compact(&c, scores);
    st = survey_scores(&c, &v, flags, &rej, &bad);
    if (st != LOY_OK)
        return loyr_status(st, bad);
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_csat_i32(&r, v, c.n, sc, lv, flags, &err);
    if (st != LOY_OK)
        return loyr_status(st, row_of(&c, err));
    r.rejected += (uint64_t)rej;
    return csat_value(&r, c.blanks);
}

/* .Call: CES of scores (NA blank) on scale {lo, disagree_max, agree_min,
 * hi}. */
SEXP
loyr_ces(SEXP scores, SEXP scale, SEXP level, SEXP skip)
{
    loy_ces_result r;
    const int32_t *sc;
    uint32_t flags;
    compacted c;
    int32_t *v;
    double lv, rej;
    size_t err = LOY_NO_INDEX, bad = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(scores, -1) || !scale_of(scale, 4, &sc)
        || !loyr_real1(level, &lv) || !flag_of(skip, &flags))
        return loyr_einval();
    compact(&c, scores);
    st = survey_scores(&c, &v, flags, &rej, &bad);
    if (st != LOY_OK)
        return loyr_status(st, bad);
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_ces_i32(&r, v, c.n, sc, lv, flags, &err);
    if (st != LOY_OK)
        return loyr_status(st, row_of(&c, err));
    r.rejected += (uint64_t)rej;
    return ces_value(&r, c.blanks);
}

/* Histogram counts held in doubles. */
static uint64_t *
hist_of(SEXP counts, size_t *bad)
{
    size_t n = loyr_len(counts);
    uint64_t *h = (uint64_t *)R_alloc(n > 0 ? n : 1, sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) {
        double c = REAL(counts)[i];
        if (!(c >= 0.0 && c < COUNT_LIMIT && c == floor(c))) {
            *bad = i;
            return NULL;
        }
        h[i] = (uint64_t)c;
    }
    return h;
}

/* .Call: CSAT (what 1) or CES (what 2) of a histogram counts[k] = number
 * of responses with score lo + k. */
SEXP
loyr_survey_counts(SEXP what, SEXP counts, SEXP scale, SEXP level)
{
    const int32_t *sc;
    uint64_t *h;
    size_t bad = LOY_NO_INDEX;
    double lv;
    int w, st;

    if (!loyr_int1(what, &w) || w < 1 || w > 2 || !loyr_is_real(counts, -1)
        || !scale_of(scale, w == 1 ? 3 : 4, &sc) || !loyr_real1(level, &lv))
        return loyr_einval();
    h = hist_of(counts, &bad);
    if (h == NULL)
        return loyr_status(LOY_ESCALE, bad);
    if (w == 1) {
        loy_csat_result r;
        memset(&r, 0, sizeof(r));
        r.struct_size = sizeof(r);
        st = loy_csat_from_counts(&r, h, loyr_len(counts), sc, lv);
        if (st != LOY_OK)
            return loyr_status(st, LOY_NO_INDEX);
        return csat_value(&r, 0.0);
    } else {
        loy_ces_result r;
        memset(&r, 0, sizeof(r));
        r.struct_size = sizeof(r);
        st = loy_ces_from_counts(&r, h, loyr_len(counts), sc, lv);
        if (st != LOY_OK)
            return loyr_status(st, LOY_NO_INDEX);
        return ces_value(&r, 0.0);
    }
}

/* .Call: NPS tally of a histogram counts[k] = responses with score lo + k. */
SEXP
loyr_nps_tally_hist(SEXP counts, SEXP breaks)
{
    static const char *const names[] = {"detractors", "passives",
                                        "promoters", "rejected", "blanks"};
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    const int32_t *br;
    uint64_t *h;
    size_t bad = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(counts, -1) || !breaks_of(breaks, &br))
        return loyr_einval();
    h = hist_of(counts, &bad);
    if (h == NULL)
        return loyr_status(LOY_ESCALE, bad);
    st = loy_nps_tally_hist(&t, h, loyr_len(counts), br);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 5));
    REAL(out)[0] = (double)t.detractors;
    REAL(out)[1] = (double)t.passives;
    REAL(out)[2] = (double)t.promoters;
    REAL(out)[3] = 0.0;
    REAL(out)[4] = 0.0;
    UNPROTECT(1);
    return out;
}
