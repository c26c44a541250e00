/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nps_tally.c - the NPS tallies: uint8, int32, double, histogram,
 * grouped, weighted, and their merges.
 *
 * Every tally is checked against a direct classification of the same
 * scores (status, counts, the index of the first invalid score), outputs
 * are checked untouched on error (all zero for the grouped tally), the
 * four entry points must agree on the same scores, and a merge of the
 * tallies of two halves must equal the tally of the whole.
 */
#include "fuzz_util.h"

#define MAX_N 4096

typedef struct ref_tally {
    uint64_t c[4];     /* D, A, P, rejected */
    size_t first_bad;  /* first invalid score, or LOY_NO_INDEX */
    int bad_code;      /* its status in strict mode */
} ref_tally;

/* Breaks as the library resolves them; 0 if they are inconsistent. */
static int
resolve(int32_t b[4], const int32_t *breaks)
{
    static const int32_t def[4] = {0, 6, 8, 10};
    const int32_t *s = breaks != NULL ? breaks : def;
    if (!(s[0] <= s[1] && s[1] <= s[2] && s[2] < s[3]))
        return 0;
    memcpy(b, s, sizeof def);
    return 1;
}

static int
class_of(int64_t s, const int32_t b[4])
{
    if (s < b[0] || s > b[3])
        return 3;
    return s <= b[1] ? 0 : s <= b[2] ? 1 : 2;
}

static void
ref_add(ref_tally *r, size_t i, int c, int code)
{
    r->c[c]++;
    if (c == 3 && r->first_bad == LOY_NO_INDEX) {
        r->first_bad = i;
        r->bad_code = code;
    }
}

static void
ref_init(ref_tally *r)
{
    memset(r, 0, sizeof *r);
    r->first_bad = LOY_NO_INDEX;
}

/* Score of a double: class, and the strict-mode status of a bad one. */
static int
class_f64(double s, const int32_t b[4], int *code)
{
    *code = isfinite(s) ? LOY_ESCALE : LOY_ENONFINITE;
    if (!isfinite(s) || s != floor(s) || s < (double)b[0] || s > (double)b[3])
        return 3;
    return class_of((int64_t)s, b);
}

/* A tally whose bytes after struct_size are poisoned, and a size that is
 * the real one, a larger one (a newer caller) or a too small one. */
typedef struct tally_box {
    loy_nps_tally t;
    unsigned char tail[16];
} tally_box;

static size_t
pick_size(fz *f, size_t real, int *too_small)
{
    uint8_t k = fz_u8(f);
    *too_small = (k & 15) == 15;
    return *too_small ? real - 8 : (k & 1) ? real + 16 : real;
}

static void
box_init(tally_box *b, size_t size)
{
    fz_poison(b, sizeof *b);
    b->t.struct_size = size;
}

/* After a call: the counts on success, nothing written on error. */
static void
box_check(const tally_box *b, int rc, const uint64_t want[4])
{
    FZ_CHECK(fz_untouched(b->tail, sizeof b->tail));
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched((const char *)b + sizeof(size_t),
                              sizeof b->t - sizeof(size_t)));
        return;
    }
    FZ_CHECK(b->t.detractors == want[0] && b->t.passives == want[1]
             && b->t.promoters == want[2] && b->t.rejected == want[3]);
}

/* Expected status of a tally of scores with reference r. */
static int
expect(const ref_tally *r, int breaks_ok, int too_small, uint32_t flags)
{
    if (too_small || (flags & ~LOY_NPS_SKIP_INVALID) != 0)
        return LOY_EINVAL;
    if (!breaks_ok)
        return LOY_EDOMAIN;
    if (!(flags & LOY_NPS_SKIP_INVALID) && r->first_bad != LOY_NO_INDEX)
        return r->bad_code;
    return LOY_OK;
}

static void
check_err_index(int rc, size_t err, const ref_tally *r)
{
    if (rc == LOY_OK || rc == LOY_EINVAL || rc == LOY_EDOMAIN)
        FZ_CHECK(err == LOY_NO_INDEX);
    else
        FZ_CHECK(err == r->first_bad);
}

typedef struct input {
    size_t n;
    uint8_t u8[MAX_N];
    int32_t i32[MAX_N];
    double f64[MAX_N];
    double w[MAX_N];
    uint32_t grp[MAX_N];
    int32_t breaks[4];
    const int32_t *bp;
    int32_t b[4];
    int breaks_ok;
    uint32_t flags;
} input;

static void
read_input(input *in, fz *f)
{
    size_t i;
    uint8_t mode = fz_u8(f);
    in->bp = NULL;
    if (mode & 1) {
        for (i = 0; i < 4; i++)
            in->breaks[i] = (mode & 2) ? (int32_t)fz_u32(f)
                                       : (int32_t)(int8_t)fz_u8(f);
        in->bp = in->breaks;
    }
    in->breaks_ok = resolve(in->b, in->bp);
    in->flags = (mode & 4) ? LOY_NPS_SKIP_INVALID : 0u;
    if ((mode & 0xF0) == 0xF0)
        in->flags |= 1u << (fz_u8(f) % 32);
    in->n = (size_t)fz_range(f, 0, MAX_N);
    for (i = 0; i < in->n; i++) {
        /* mostly plausible scores, sometimes anything */
        uint8_t s = fz_u8(f);
        in->u8[i] = (mode & 8) ? s : (uint8_t)(s % 12);
        in->i32[i] = in->u8[i];
        in->f64[i] = in->u8[i];
        in->w[i] = 1.0;
        in->grp[i] = 0;
    }
    if (mode & 32)
        for (i = 0; i < in->n && fz_left(f) > 0; i++) {
            in->i32[i] = (int32_t)fz_u32(f);
            in->f64[i] = fz_double(f);
        }
}

static void
ref_of_u8(ref_tally *r, const input *in, const uint8_t *s, size_t n)
{
    size_t i;
    ref_init(r);
    for (i = 0; i < n; i++)
        ref_add(r, i, class_of(s[i], in->b), LOY_ESCALE);
}

static void
fuzz_u8(fz *f, const input *in, uint64_t out[4])
{
    tally_box box;
    ref_tally r;
    int small, rc;
    size_t err = 7;
    box_init(&box, pick_size(f, sizeof box.t, &small));
    ref_of_u8(&r, in, in->u8, in->n);
    rc = loy_nps_tally_u8(&box.t, in->u8, in->n, in->bp, in->flags, &err);
    FZ_STATUS(rc, expect(&r, in->breaks_ok, small, in->flags));
    if (!small)
        check_err_index(rc, err, &r);
    box_check(&box, rc, r.c);
    memcpy(out, r.c, sizeof r.c);
}

static void
fuzz_i32(fz *f, const input *in)
{
    tally_box box;
    ref_tally r;
    int small, rc;
    size_t i, err = 7;
    box_init(&box, pick_size(f, sizeof box.t, &small));
    ref_init(&r);
    for (i = 0; i < in->n; i++)
        ref_add(&r, i, class_of(in->i32[i], in->b), LOY_ESCALE);
    rc = loy_nps_tally_i32(&box.t, in->i32, in->n, in->bp, in->flags, &err);
    FZ_STATUS(rc, expect(&r, in->breaks_ok, small, in->flags));
    if (!small)
        check_err_index(rc, err, &r);
    box_check(&box, rc, r.c);
}

static void
fuzz_f64(fz *f, const input *in)
{
    tally_box box;
    ref_tally r;
    int small, rc, code;
    size_t i, err = 7;
    box_init(&box, pick_size(f, sizeof box.t, &small));
    ref_init(&r);
    for (i = 0; i < in->n; i++) {
        int c = in->breaks_ok ? class_f64(in->f64[i], in->b, &code) : 0;
        ref_add(&r, i, c, code);
    }
    rc = loy_nps_tally_f64(&box.t, in->f64, in->n, in->bp, in->flags, &err);
    FZ_STATUS(rc, expect(&r, in->breaks_ok, small, in->flags));
    if (!small)
        check_err_index(rc, err, &r);
    box_check(&box, rc, r.c);
}

/* A histogram of the u8 scores (small scales), then arbitrary counts. */
static void
fuzz_hist(fz *f, const input *in, const uint64_t u8_counts[4])
{
    static uint64_t hist[512];
    tally_box box;
    uint64_t want[4] = {0, 0, 0, 0};
    size_t nb, k, i;
    int rc, overflow = 0;
    if (!in->breaks_ok)
        return;
    nb = (size_t)((int64_t)in->b[3] - in->b[0] + 1);
    if (nb > 512)
        return;
    memset(hist, 0, sizeof hist);
    for (i = 0; i < in->n; i++)
        if (in->u8[i] >= in->b[0] && in->u8[i] <= in->b[3])
            hist[in->u8[i] - in->b[0]]++;
    box_init(&box, sizeof box.t);
    rc = loy_nps_tally_hist(&box.t, hist, nb, in->bp);
    FZ_STATUS(rc, LOY_OK);
    memcpy(want, u8_counts, 3 * sizeof want[0]);
    box_check(&box, rc, want);
    /* arbitrary counts: a class total overflowing uint64 is EDOMAIN */
    want[0] = want[1] = want[2] = 0;
    for (k = 0; k < nb; k++) {
        int c = class_of((int64_t)in->b[0] + (int64_t)k, in->b);
        hist[k] = fz_left(f) > 0 ? fz_count(f) : 0;
        if (want[c] + hist[k] < want[c])
            overflow = 1;
        want[c] += hist[k];
    }
    box_init(&box, sizeof box.t);
    rc = loy_nps_tally_hist(&box.t, hist, nb, in->bp);
    FZ_STATUS(rc, overflow ? LOY_EDOMAIN : LOY_OK);
    box_check(&box, rc, want);
    /* a wrong bin count */
    box_init(&box, sizeof box.t);
    FZ_STATUS(loy_nps_tally_hist(&box.t, hist, nb - 1, in->bp), LOY_EINVAL);
    box_check(&box, LOY_EINVAL, want);
}

/* merge(tally(first k), tally(rest)) == tally(all); then overflow. */
static void
fuzz_merge(fz *f, const input *in, const uint64_t all[4])
{
    loy_nps_tally a = LOY_NPS_TALLY_INIT, b = LOY_NPS_TALLY_INIT, save;
    size_t k = (size_t)fz_range(f, 0, in->n);
    uint32_t flags = LOY_NPS_SKIP_INVALID;
    int k2, overflow = 0;
    if (!in->breaks_ok)
        return;
    FZ_STATUS(loy_nps_tally_u8(&a, in->u8, k, in->bp, flags, NULL), LOY_OK);
    FZ_STATUS(loy_nps_tally_u8(&b, in->u8 + k, in->n - k, in->bp, flags,
                               NULL), LOY_OK);
    FZ_STATUS(loy_nps_tally_merge(&a, &b), LOY_OK);
    FZ_CHECK(a.detractors == all[0] && a.passives == all[1]
             && a.promoters == all[2] && a.rejected == all[3]);
    /* a merge into itself doubles */
    b = a;
    FZ_STATUS(loy_nps_tally_merge(&b, &b), LOY_OK);
    FZ_CHECK(b.detractors == 2 * a.detractors && b.rejected == 2 * a.rejected);
    /* arbitrary counts: overflow is EDOMAIN and leaves acc untouched */
    a.detractors = fz_count(f), a.passives = fz_count(f);
    a.promoters = fz_count(f), a.rejected = fz_count(f);
    b.detractors = fz_count(f), b.passives = fz_count(f);
    b.promoters = fz_count(f), b.rejected = fz_count(f);
    overflow = a.detractors + b.detractors < a.detractors
               || a.passives + b.passives < a.passives
               || a.promoters + b.promoters < a.promoters
               || a.rejected + b.rejected < a.rejected;
    save = a;
    k2 = loy_nps_tally_merge(&a, &b);
    FZ_STATUS(k2, overflow ? LOY_EDOMAIN : LOY_OK);
    if (overflow)
        FZ_CHECK(memcmp(&a, &save, sizeof a) == 0);
    else
        FZ_CHECK(a.detractors == save.detractors + b.detractors
                 && a.rejected == save.rejected + b.rejected);
}

/* Grouped tally against one reference per group. */
static void
fuzz_grouped(fz *f, input *in)
{
    static uint64_t counts[4 * 64], want[4 * 64];
    size_t ng = (size_t)fz_range(f, 1, 64), i, err = 7, first = LOY_NO_INDEX;
    int strict = !(in->flags & LOY_NPS_SKIP_INVALID), rc, code = LOY_OK;
    uint8_t bad_groups = fz_u8(f);
    memset(want, 0, sizeof want);
    for (i = 0; i < in->n; i++) {
        uint32_t g = fz_u8(f) % (uint32_t)ng;
        if (bad_groups > 250 && fz_u8(f) == 0)
            g = (uint32_t)ng + fz_u8(f); /* out of range */
        in->grp[i] = g;
    }
    for (i = 0; i < in->n && in->breaks_ok; i++) {
        int c = class_of(in->u8[i], in->b);
        if (in->grp[i] >= ng) {
            first = i, code = LOY_EINVAL;
            break;
        }
        if (c == 3 && strict) {
            first = i, code = LOY_ESCALE;
            break;
        }
        want[4 * in->grp[i] + (size_t)c]++;
    }
    fz_poison(counts, sizeof counts);
    rc = loy_nps_tally_grouped_u8(counts, ng, in->u8, in->grp, in->n, in->bp,
                                  in->flags, &err);
    FZ_CHECK(fz_untouched(counts + 4 * ng, sizeof counts - 4 * ng * 8));
    if ((in->flags & ~LOY_NPS_SKIP_INVALID) != 0 || !in->breaks_ok) {
        if ((in->flags & ~LOY_NPS_SKIP_INVALID) != 0)
            FZ_STATUS_IN(rc, LOY_EINVAL, LOY_EDOMAIN);
        else
            FZ_STATUS(rc, LOY_EDOMAIN);
        FZ_CHECK(err == LOY_NO_INDEX);
        for (i = 0; i < 4 * ng; i++)
            FZ_CHECK(counts[i] == 0);
        return;
    }
    FZ_STATUS(rc, code);
    FZ_CHECK(err == first);
    if (rc != LOY_OK) {
        for (i = 0; i < 4 * ng; i++)
            FZ_CHECK(counts[i] == 0);
        return;
    }
    FZ_CHECK(memcmp(counts, want, 4 * ng * sizeof *counts) == 0);
}

/* Weighted tally: counts exact, sums close to a long double reference,
 * finite on success; then merges. */
typedef struct wref {
    uint64_t count[3], rejected;
    long double sw[3], sw2[3];
    size_t first_bad;
    int bad_code;
} wref;

static void
wref_of(wref *r, const input *in, const double *s, const double *w,
        size_t n)
{
    size_t i;
    memset(r, 0, sizeof *r);
    r->first_bad = LOY_NO_INDEX;
    for (i = 0; i < n; i++) {
        int code, c = class_f64(s[i], in->b, &code);
        if (c == 3 || !isfinite(w[i]) || w[i] < 0.0) {
            /* a NaN/infinite score or weight first, then the scale */
            code = !isfinite(s[i]) || !isfinite(w[i]) ? LOY_ENONFINITE
                                                      : LOY_ESCALE;
            if (r->first_bad == LOY_NO_INDEX) {
                r->first_bad = i;
                r->bad_code = code;
            }
            r->rejected++;
            continue;
        }
        r->count[c]++;
        r->sw[c] += w[i];
        r->sw2[c] += (long double)w[i] * w[i];
    }
}

static int
wref_overflows(const wref *r)
{
    int k;
    for (k = 0; k < 3; k++)
        if (r->sw[k] > (long double)DBL_MAX || r->sw2[k] > (long double)DBL_MAX)
            return 1;
    return 0;
}

static int
wref_near_edge(const wref *r)
{
    int k;
    for (k = 0; k < 3; k++)
        if (r->sw[k] > 0.99L * DBL_MAX || r->sw2[k] > 0.99L * DBL_MAX)
            return 1;
    return 0;
}

static void
wcheck_sums(const loy_nps_wtally *t, const wref *r)
{
    int k;
    for (k = 0; k < 3; k++) {
        FZ_CHECK(t->count[k] == r->count[k]);
        FZ_CHECK(isfinite(t->sum_w[k]) && isfinite(t->sum_w2[k]));
        FZ_CHECK(t->sum_w[k] >= 0.0 && t->sum_w2[k] >= 0.0);
        FZ_CHECK(fz_close(t->sum_w[k], (double)r->sw[k], 1e-12, 1e-300));
        FZ_CHECK(fz_close(t->sum_w2[k], (double)r->sw2[k], 1e-12, 1e-300));
    }
}

static void
fuzz_weighted(fz *f, input *in)
{
    loy_nps_wtally t, a = LOY_NPS_WTALLY_INIT, b = LOY_NPS_WTALLY_INIT, save;
    wref r;
    size_t i, err = 7, k;
    int rc, want;
    if (!in->breaks_ok)
        return;
    for (i = 0; i < in->n && fz_left(f) > 0; i++)
        in->w[i] = (fz_u8(f) & 1) ? fz_double(f) : (double)fz_u8(f) / 7.0;
    wref_of(&r, in, in->f64, in->w, in->n);
    fz_poison(&t, sizeof t);
    t.struct_size = sizeof t;
    rc = loy_nps_wtally_f64(&t, in->f64, in->w, in->n, in->bp, in->flags,
                            &err);
    if ((in->flags & ~LOY_NPS_SKIP_INVALID) != 0) {
        FZ_STATUS(rc, LOY_EINVAL);
        return;
    }
    if (!(in->flags & LOY_NPS_SKIP_INVALID) && r.first_bad != LOY_NO_INDEX)
        want = r.bad_code;
    else if (wref_near_edge(&r) && (rc == LOY_OK || rc == LOY_EOVERFLOW))
        want = rc; /* next to DBL_MAX the rounding decides */
    else
        want = wref_overflows(&r) ? LOY_EOVERFLOW : LOY_OK;
    FZ_STATUS(rc, want);
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched((char *)&t + sizeof(size_t),
                              sizeof t - sizeof(size_t)));
        FZ_CHECK(err == (rc == LOY_EOVERFLOW ? LOY_NO_INDEX : r.first_bad));
        return;
    }
    FZ_CHECK(err == LOY_NO_INDEX);
    FZ_CHECK(t.rejected == r.rejected);
    wcheck_sums(&t, &r);

    /* one pass == merge of two halves (sums up to rounding) */
    k = (size_t)fz_range(f, 0, in->n);
    FZ_STATUS(loy_nps_wtally_f64(&a, in->f64, in->w, k, in->bp, in->flags,
                                 NULL), LOY_OK);
    FZ_STATUS(loy_nps_wtally_f64(&b, in->f64 + k, in->w + k, in->n - k,
                                 in->bp, in->flags, NULL), LOY_OK);
    rc = loy_nps_wtally_merge(&a, &b);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EOVERFLOW);
    if (rc == LOY_OK) {
        FZ_CHECK(a.rejected == t.rejected);
        wcheck_sums(&a, &r);
    } else {
        FZ_CHECK(wref_near_edge(&r));
    }

    /* arbitrary sums: bad ones rejected, overflow detected, acc kept */
    for (k = 0; k < 3; k++) {
        a.sum_w[k] = fz_double(f), a.sum_w2[k] = fz_double(f);
        b.sum_w[k] = fz_double(f), b.sum_w2[k] = fz_double(f);
        a.count[k] = fz_count(f), b.count[k] = fz_count(f);
    }
    save = a;
    rc = loy_nps_wtally_merge(&a, &b);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EDOMAIN, LOY_ENONFINITE, LOY_EOVERFLOW);
    if (rc != LOY_OK) {
        FZ_CHECK(memcmp(&a, &save, sizeof a) == 0);
        return;
    }
    for (k = 0; k < 3; k++) {
        FZ_CHECK(a.count[k] == save.count[k] + b.count[k]);
        FZ_CHECK(isfinite(a.sum_w[k]) && a.sum_w[k] >= 0.0);
        FZ_CHECK(isfinite(a.sum_w2[k]) && a.sum_w2[k] >= 0.0);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static input in;
    fz f = fz_init(data, size);
    uint64_t u8_counts[4];
    read_input(&in, &f);
    fuzz_u8(&f, &in, u8_counts);
    fuzz_i32(&f, &in);
    fuzz_f64(&f, &in);
    if (in.breaks_ok && (in.flags & ~LOY_NPS_SKIP_INVALID) == 0) {
        /* u8 in skip mode: the reference for the histogram and merges */
        ref_tally r;
        ref_of_u8(&r, &in, in.u8, in.n);
        memcpy(u8_counts, r.c, sizeof r.c);
        fuzz_hist(&f, &in, u8_counts);
        fuzz_merge(&f, &in, u8_counts);
    }
    fuzz_grouped(&f, &in);
    fuzz_weighted(&f, &in);
    return 0;
}
