/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nps_estimate.c - NPS estimates (Wald, adjusted Wald, Tango score),
 * the two-sample comparison, the weighted estimate, sample size and margin
 * planning, CSAT and CES.
 *
 * Arbitrary counts (up to 2^64 - 1), levels and pseudo-counts (NaN,
 * infinities, denormals). On success every number must be finite and the
 * interval must be ordered, inside its bounds and around its centre; the
 * Tango limits must solve their equation (checked in long double where the
 * counts allow); on error the result must be untouched, except where the
 * comparison documents its degenerate case; the status must be one of the
 * errors that apply.
 */
#include "fuzz_util.h"

/* Set of statuses that apply to a call; LOY_OK when none does. */
typedef struct expect {
    int codes[8];
    size_t n;
} expect;

static void
ex_add(expect *e, int code)
{
    if (e->n < 8)
        e->codes[e->n++] = code;
}

static void
ex_check(const expect *e, int rc)
{
    if (e->n == 0) {
        FZ_STATUS(rc, LOY_OK);
        return;
    }
    if (!fz_status_in(rc, e->codes, e->n)) {
        fprintf(stderr, "status %d (%s) not among the %zu that apply\n", rc,
                loy_error_name(rc), e->n);
        fz_fail("status", __FILE__, __LINE__);
    }
}

static void
ex_level(expect *e, double level)
{
    if (isnan(level))
        ex_add(e, LOY_ENONFINITE);
    else if (!(level > 0.0 && level < 1.0))
        ex_add(e, LOY_EDOMAIN);
}

static double
read_level(fz *f)
{
    uint8_t k = fz_u8(f);
    if (k < 128)
        return k < 64 ? 0.95 : k < 96 ? 0.9 : 0.99;
    return fz_double(f);
}

static void
read_tally(fz *f, loy_nps_tally *t)
{
    uint8_t k = fz_u8(f);
    t->struct_size = sizeof *t;
    if (k & 1) { /* survey-sized counts */
        t->detractors = fz_u16(f) % 500;
        t->passives = fz_u16(f) % 500;
        t->promoters = fz_u16(f) % 500;
    } else {
        t->detractors = fz_count(f);
        t->passives = fz_count(f);
        t->promoters = fz_count(f);
    }
    t->rejected = (k & 2) ? fz_count(f) : 0;
}

static void
ex_tally(expect *e, const loy_nps_tally *t)
{
    uint64_t d = t->detractors, a = t->passives, p = t->promoters;
    if (d + a < d || d + a + p < p)
        ex_add(e, LOY_EDOMAIN);
    else if (d + a + p == 0)
        ex_add(e, LOY_EEMPTY);
}

static const loy_nps_options *
read_opts(fz *f, loy_nps_options *o, expect *e)
{
    int i;
    if (!fz_bool(f))
        return NULL;
    o->struct_size = sizeof *o;
    for (i = 0; i < 3; i++) {
        o->pseudo[i] = fz_bool(f) ? fz_double(f) : (double)fz_u8(f) / 4.0;
        if (!isfinite(o->pseudo[i]))
            ex_add(e, LOY_ENONFINITE);
        else if (o->pseudo[i] < 0.0)
            ex_add(e, LOY_EDOMAIN);
    }
    return o;
}

/* Tango's statistic in long double (straightforward form). */
static long double
tango_l(long double n, long double d, long double p, long double delta)
{
    long double aa = 2.0L * n;
    long double bb = -p - d + (2.0L * n - p + d) * delta;
    long double cc = -d * delta * (1.0L - delta);
    long double disc = bb * bb - 4.0L * aa * cc;
    long double q = (sqrtl(disc > 0 ? disc : 0) - bb) / (2.0L * aa);
    long double den = n * (2.0L * q + delta * (1.0L - delta));
    return (p - d - n * delta) / sqrtl(den);
}

static void
check_tango(const loy_nps_result *r, const loy_nps_tally *t)
{
    long double n = (long double)r->n, d = (long double)t->detractors;
    long double p = (long double)t->promoters, eps = 1e-9L;
    if (r->n > 1000000000u)
        return; /* the plain formula loses the digits needed here */
    if (r->lower > -1.0 + 1e-6 && r->lower < r->nps - 1e-6) {
        FZ_CHECK(tango_l(n, d, p, (long double)r->lower - eps) >= r->z);
        FZ_CHECK(tango_l(n, d, p, (long double)r->lower + eps) <= r->z);
    }
    if (r->upper < 1.0 - 1e-6 && r->upper > r->nps + 1e-6) {
        FZ_CHECK(tango_l(n, d, p, (long double)r->upper - eps) >= -r->z);
        FZ_CHECK(tango_l(n, d, p, (long double)r->upper + eps) <= -r->z);
    }
}

static void
fuzz_estimate(fz *f)
{
    loy_nps_tally t;
    loy_nps_options o;
    loy_nps_result r;
    expect e = {{0}, 0};
    const loy_nps_options *op;
    uint32_t method = fz_u8(f) % 4;
    double level;
    int rc;
    read_tally(f, &t);
    if (method > LOY_NPS_SCORE)
        ex_add(&e, LOY_EINVAL);
    ex_tally(&e, &t);
    op = read_opts(f, &o, &e);
    level = read_level(f);
    ex_level(&e, level);
    fz_poison(&r, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_estimate(&r, &t, method, level, op);
    ex_check(&e, rc);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched((char *)&r + sizeof(size_t),
                              sizeof r - sizeof(size_t)));
        return;
    }
    FZ_CHECK(r.n == t.detractors + t.passives + t.promoters);
    FZ_CHECK(isfinite(r.nps) && isfinite(r.variance) && isfinite(r.se)
             && isfinite(r.z) && isfinite(r.centre) && isfinite(r.interval_se)
             && isfinite(r.lower) && isfinite(r.upper));
    FZ_CHECK(r.nps >= -1.0 && r.nps <= 1.0);
    FZ_CHECK(r.variance >= 0.0 && r.variance <= 1.0 && r.se >= 0.0);
    FZ_CHECK(r.z >= 0.0 && r.level == level && r.method == method);
    FZ_CHECK(-1.0 <= r.lower && r.lower <= r.upper && r.upper <= 1.0);
    FZ_CHECK(r.centre >= -1.0 && r.centre <= 1.0);
    if (method == LOY_NPS_ADJUSTED_WALD)
        FZ_CHECK(r.lower <= r.centre && r.centre <= r.upper);
    else
        FZ_CHECK(r.lower <= r.nps && r.nps <= r.upper && r.centre == r.nps);
    FZ_CHECK(((r.flags & LOY_NPS_SMALL_SAMPLE) != 0) == (r.n < 30));
    FZ_CHECK(((r.flags & LOY_NPS_DEGENERATE) != 0)
             == (t.detractors == r.n || t.passives == r.n
                 || t.promoters == r.n));
    if (method == LOY_NPS_SCORE)
        check_tango(&r, &t);
}

static void
fuzz_compare(fz *f)
{
    loy_nps_tally a, b;
    loy_nps_options o;
    loy_nps_diff r;
    expect e = {{0}, 0};
    const loy_nps_options *op;
    uint32_t method = fz_u8(f) % 3;
    double level;
    int rc;
    read_tally(f, &a);
    read_tally(f, &b);
    if (method > LOY_NPS_ADJUSTED_WALD)
        ex_add(&e, LOY_EINVAL);
    ex_tally(&e, &a);
    ex_tally(&e, &b);
    op = read_opts(f, &o, &e);
    level = read_level(f);
    ex_level(&e, level);
    if (e.n == 0)
        ex_add(&e, LOY_EDEGENERATE); /* possible only if both degenerate */
    fz_poison(&r, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_compare(&r, &a, &b, method, level, op);
    if (rc == LOY_OK) {
        FZ_CHECK(isfinite(r.diff) && isfinite(r.se) && isfinite(r.z_stat)
                 && isfinite(r.p_value) && isfinite(r.lower)
                 && isfinite(r.upper));
        FZ_CHECK(r.se > 0.0 && r.p_value >= 0.0 && r.p_value <= 1.0);
        FZ_CHECK(r.diff >= -2.0 && r.diff <= 2.0);
        FZ_CHECK(-2.0 <= r.lower && r.lower <= r.diff && r.diff <= r.upper
                 && r.upper <= 2.0);
        return;
    }
    ex_check(&e, rc);
    if (rc == LOY_EDEGENERATE) {
        /* documented: diff and se = 0 filled in, the rest NaN */
        FZ_CHECK(r.se == 0.0 && isfinite(r.diff));
        FZ_CHECK(isnan(r.z_stat) && isnan(r.p_value) && isnan(r.lower)
                 && isnan(r.upper));
        FZ_CHECK(r.flags & LOY_NPS_DEGENERATE);
        return;
    }
    FZ_CHECK(fz_untouched((char *)&r + sizeof(size_t),
                          sizeof r - sizeof(size_t)));
}

static void
fuzz_westimate(fz *f)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy_nps_wresult r;
    double level;
    int k, rc;
    for (k = 0; k < 3; k++) {
        t.count[k] = fz_bool(f) ? fz_u8(f) : fz_count(f);
        t.sum_w[k] = fz_bool(f) ? (double)fz_u16(f) / 8.0 : fz_double(f);
        t.sum_w2[k] = fz_bool(f) ? (double)fz_u16(f) / 8.0 : fz_double(f);
    }
    level = read_level(f);
    fz_poison(&r, sizeof r);
    r.struct_size = sizeof r;
    rc = loy_nps_westimate(&r, &t, level);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_EDOMAIN, LOY_ENONFINITE,
                 LOY_EINCONSISTENT, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched((char *)&r + sizeof(size_t),
                              sizeof r - sizeof(size_t)));
        return;
    }
    FZ_CHECK(isfinite(r.sum_w) && isfinite(r.nps) && isfinite(r.n_eff)
             && isfinite(r.deff) && isfinite(r.se_kish) && isfinite(r.se_lin)
             && isfinite(r.lower) && isfinite(r.upper));
    FZ_CHECK(r.sum_w > 0.0 && r.n_eff > 0.0 && r.deff > 0.0);
    FZ_CHECK(r.nps >= -1.0 && r.nps <= 1.0);
    FZ_CHECK(r.se_kish >= 0.0 && r.se_lin >= 0.0);
    FZ_CHECK(-1.0 <= r.lower && r.lower <= r.nps && r.nps <= r.upper
             && r.upper <= 1.0);
}

static void
fuzz_planning(fz *f)
{
    double margin = fz_bool(f) ? (double)fz_u8(f) / 256.0 : fz_double(f);
    double level = read_level(f);
    double p = fz_bool(f) ? (double)fz_u8(f) / 255.0 : fz_double(f);
    double d = fz_bool(f) ? (double)fz_u8(f) / 255.0 : fz_double(f);
    uint64_t n = 12345, cnt = fz_count(f);
    double out = -7.0;
    int rc = loy_nps_sample_size(&n, margin, level, p, d);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_EDOMAIN);
    if (rc == LOY_OK)
        FZ_CHECK(n >= 1 && n <= ((uint64_t)1 << 53));
    else
        FZ_CHECK(n == 12345);
    rc = loy_nps_margin(&out, cnt, level, p, d);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_ENONFINITE, LOY_EDOMAIN);
    if (rc == LOY_OK)
        FZ_CHECK(isfinite(out) && out >= 0.0);
    else
        FZ_CHECK(out == -7.0);
}

/* CSAT and CES from histograms and from responses. */
static void
fuzz_survey(fz *f)
{
    static uint64_t counts[300];
    static int32_t scores[300];
    int32_t scale[4];
    loy_csat_result cr;
    loy_ces_result er;
    size_t nb, i, n, err;
    long double sum = 0, n_l = 0, mean, ss = 0;
    double level = read_level(f);
    int rc, ces = fz_bool(f), wide = fz_bool(f);
    for (i = 0; i < 4; i++)
        scale[i] = wide ? (int32_t)fz_u32(f) : (int32_t)(int8_t)fz_u8(f) % 20;
    if (!ces)
        scale[1] = scale[2], scale[2] = scale[3];
    nb = (size_t)((int64_t)scale[ces ? 3 : 2] - scale[0] + 1);
    if (scale[ces ? 3 : 2] < scale[0] || nb > 300)
        nb = 0;
    for (i = 0; i < nb; i++)
        counts[i] = fz_bool(f) ? fz_u8(f) : fz_count(f);
    n = (size_t)fz_range(f, 0, 300);
    for (i = 0; i < n; i++)
        scores[i] = (int32_t)(uint32_t)((int64_t)scale[0]
                                        + (int64_t)(fz_u16(f) % (nb + 2)) - 1);
    fz_poison(&cr, sizeof cr);
    fz_poison(&er, sizeof er);
    cr.struct_size = sizeof cr;
    er.struct_size = sizeof er;
    if (!ces) {
        rc = nb ? loy_csat_from_counts(&cr, counts, nb, scale, level)
                : loy_csat_i32(&cr, scores, n, scale, level,
                               LOY_NPS_SKIP_INVALID, &err);
        FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_EDOMAIN, LOY_ENONFINITE,
                     LOY_EINVAL);
        if (rc != LOY_OK) {
            FZ_CHECK(fz_untouched((char *)&cr + sizeof(size_t),
                                  sizeof cr - sizeof(size_t)));
            return;
        }
        FZ_CHECK(isfinite(cr.csat) && isfinite(cr.se) && isfinite(cr.lower)
                 && isfinite(cr.upper));
        FZ_CHECK(0.0 <= cr.lower && cr.lower <= cr.csat && cr.csat <= cr.upper
                 && cr.upper <= 1.0 && cr.top <= cr.n);
        return;
    }
    rc = nb ? loy_ces_from_counts(&er, counts, nb, scale, level)
            : loy_ces_i32(&er, scores, n, scale, level, LOY_NPS_SKIP_INVALID,
                          &err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_EDOMAIN, LOY_ENONFINITE,
                 LOY_EINVAL);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched((char *)&er + sizeof(size_t),
                              sizeof er - sizeof(size_t)));
        return;
    }
    FZ_CHECK(isfinite(er.mean) && isfinite(er.sd) && isfinite(er.se)
             && isfinite(er.lower) && isfinite(er.upper)
             && isfinite(er.agree) && isfinite(er.disagree));
    FZ_CHECK(er.mean >= scale[0] && er.mean <= scale[3] && er.sd >= 0.0);
    FZ_CHECK(er.lower <= er.mean && er.mean <= er.upper);
    FZ_CHECK(er.agree >= 0.0 && er.disagree >= 0.0
             && er.agree + er.disagree <= 1.0 + 1e-15);
    /* the moments against a two-pass long double reference */
    if (!nb) { /* the responses, as a histogram relative to lo */
        for (i = 0; i < n; i++)
            if (scores[i] >= scale[0] && scores[i] <= scale[3]) {
                n_l += 1;
                sum += (long double)((int64_t)scores[i] - scale[0]);
            }
        mean = sum / n_l;
        for (i = 0; i < n; i++)
            if (scores[i] >= scale[0] && scores[i] <= scale[3]) {
                long double x = (long double)((int64_t)scores[i] - scale[0]);
                ss += (x - mean) * (x - mean);
            }
        nb = (size_t)((int64_t)scale[3] - scale[0] + 1);
    } else {
        for (i = 0; i < nb; i++) {
            n_l += (long double)counts[i];
            sum += (long double)counts[i] * (long double)i;
        }
        mean = sum / n_l;
        for (i = 0; i < nb; i++)
            ss += (long double)counts[i] * ((long double)i - mean)
                  * ((long double)i - mean);
    }
    /* absolute tolerances: the scale's width and offset set the ulp */
    FZ_CHECK(fz_close(er.mean, (double)(mean + scale[0]), 1e-12,
                      1e-15 * (fabs((double)scale[0]) + (double)nb)));
    if (er.n > 1)
        FZ_CHECK(fz_close(er.sd, (double)sqrtl(ss / (n_l - 1)), 1e-9,
                          1e-12 * (double)nb));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = fz_init(data, size);
    switch (fz_u8(&f) % 5) {
    case 0: fuzz_estimate(&f); break;
    case 1: fuzz_compare(&f); break;
    case 2: fuzz_westimate(&f); break;
    case 3: fuzz_planning(&f); break;
    default: fuzz_survey(&f); break;
    }
    return 0;
}
