/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rfm.c - the purchase-log summary, in one call and through the
 * streaming builder.
 *
 * Options, window ends and times reach the int64 limits; amounts are any
 * doubles. The one-call summary is compared with a direct computation of
 * the documented rules (periods in 128-bit arithmetic: x, t_x, T, the
 * holdout columns and the counts exactly, the monetary means to 1e-12), the
 * builder fed the same rows in random chunks (with bad chunks mixed in,
 * which must be refused whole) must give the same summary bit for bit, and
 * finishing twice must too. On error the status must be one of those that
 * apply and err_index must name the first bad row.
 */
#include "fuzz_util.h"

#include "clv/rfm_internal.h"

#define MAX_ROWS 256
#define LIM (((int64_t)1 << 62) - 1) /* |time| <= LIM */
#define MAX_OFF ((int64_t)0xFFFFFFFF)

__extension__ typedef __int128 i128;

typedef struct rows {
    size_t n;
    uint64_t id[MAX_ROWS];
    int64_t t[MAX_ROWS];
    double a[MAX_ROWS];
    int with_amount;
} rows;

typedef struct setup {
    loy_rfm_options o;
    int64_t obs_end;
} setup;

static int64_t
pick_time(fz *f, int64_t near)
{
    uint8_t k = fz_u8(f);
    i128 t;
    if (k < 200) {
        t = (i128)near - (i128)(int64_t)(int16_t)fz_u16(f) / 4;
    } else if (k < 230) {
        static const int64_t edge[] = {LIM, -LIM, LIM + 1, -LIM - 1,
                                       INT64_MAX, INT64_MIN, 0, 1};
        t = (i128)edge[k % 8] + (int8_t)fz_u8(f);
        if (t > INT64_MAX || t < INT64_MIN)
            t = edge[k % 8];
    } else {
        t = (int64_t)fz_u64(f);
    }
    return (int64_t)t;
}

static void
read_setup(fz *f, setup *s)
{
    static const int64_t lengths[] = {1, 1, 7, 86400, 3, 2};
    uint8_t k = fz_u8(f);
    s->o.struct_size = sizeof s->o;
    s->o.period_length = (k & 7) == 7 ? (int64_t)fz_u64(f)
                                      : lengths[(k & 7) % 6];
    s->o.period_origin = (k & 8) ? pick_time(f, 0) : (int64_t)(int8_t)fz_u8(f);
    s->o.freq_multiplier = (k & 16) ? fz_double(f) : (k & 32) ? 7.0 : 1.0;
    s->obs_end = (k & 64) ? pick_time(f, 0) : 1000 + (int64_t)fz_u8(f);
    s->o.flags = fz_u8(f) & 3u;
    if ((fz_u8(f) & 15) == 15)
        s->o.flags |= 1u << (fz_u8(f) % 32);
    s->o.calibration_end = (k & 128) ? pick_time(f, s->obs_end)
                                     : (int64_t)((i128)s->obs_end - fz_u8(f));
}

static void
read_rows(fz *f, rows *r, const setup *s)
{
    size_t i;
    uint8_t k = fz_u8(f);
    r->n = (size_t)fz_range(f, 0, MAX_ROWS);
    r->with_amount = (k & 1) == 0;
    for (i = 0; i < r->n; i++) {
        r->id[i] = (k & 2) ? fz_u64(f) : fz_u8(f) % 12u;
        r->t[i] = pick_time(f, s->obs_end);
        r->a[i] = (k & 4) ? fz_double(f) : (double)fz_u8(f);
    }
}

/* ------------------------------------------------------------------ */
/* the reference                                                       */
/* ------------------------------------------------------------------ */

static i128
floor_div(i128 a, i128 b)
{
    i128 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static i128
period(const setup *s, int64_t t)
{
    return floor_div((i128)t - s->o.period_origin, s->o.period_length);
}

static int
time_ok(int64_t t)
{
    return t >= -LIM && t <= LIM;
}

typedef struct expect {
    int codes[8];
    size_t n;
} expect;

static void
ex_add(expect *e, int c)
{
    if (e->n < 8)
        e->codes[e->n++] = c;
}

/* Errors of the options and window ends. */
static void
setup_errors(const setup *s, expect *e)
{
    const loy_rfm_options *o = &s->o;
    int calib = (o->flags & LOY_RFM_CALIBRATION) != 0;
    int64_t cal = calib ? o->calibration_end : s->obs_end;
    if (o->flags & ~3u)
        ex_add(e, LOY_EINVAL);
    if (!isfinite(o->freq_multiplier))
        ex_add(e, LOY_ENONFINITE);
    else if (o->period_length <= 0 || !(o->freq_multiplier > 0.0)
             || o->freq_multiplier < 0x1p-990)
        ex_add(e, LOY_EDOMAIN);
    if (!time_ok(o->period_origin) || !time_ok(s->obs_end) || !time_ok(cal))
        ex_add(e, LOY_ESCALE);
    if (s->obs_end < cal)
        ex_add(e, LOY_EINVAL);
    if (o->period_length > 0 && time_ok(o->period_origin)
        && time_ok(s->obs_end) && time_ok(cal)
        && period(s, s->obs_end) - period(s, cal) > MAX_OFF)
        ex_add(e, LOY_ESCALE);
}

/* First bad row and its status (-1: none). */
static size_t
first_bad_row(const setup *s, const rows *r, size_t lo, size_t hi, int *code)
{
    int calib = (s->o.flags & LOY_RFM_CALIBRATION) != 0;
    int64_t cal = calib ? s->o.calibration_end : s->obs_end;
    i128 min_p = period(s, cal) - MAX_OFF;
    size_t i;
    for (i = lo; i < hi; i++) {
        if (!time_ok(r->t[i]) || period(s, r->t[i]) < min_p) {
            *code = LOY_ESCALE;
            return i;
        }
        if (r->with_amount && !isfinite(r->a[i])) {
            *code = LOY_ENONFINITE;
            return i;
        }
        if (r->with_amount && r->a[i] < 0.0) {
            *code = LOY_ESCALE;
            return i;
        }
    }
    return LOY_NO_INDEX;
}

typedef struct ref_row {
    uint64_t id;
    double x, tx, T, m, xh, mh;
    int64_t first_time;
    int overflow;     /* a value sum beyond DBL_MAX */
    int near_edge;    /* one within rounding of it */
} ref_row;

typedef struct ref_sum {
    size_t n;
    ref_row row[MAX_ROWS];
    uint64_t n_rows, n_dropped, n_holdout, n_cust_dropped;
    double duration;
} ref_sum;

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void
flag_sum(ref_row *o, long double v)
{
    if (v > (long double)DBL_MAX)
        o->overflow = 1;
    if (v > 0.999L * (long double)DBL_MAX)
        o->near_edge = 1;
}

/* One customer by the documented rules. Returns 0 if it has no
 * calibration row. */
static int
ref_customer(const setup *s, const rows *r, uint64_t id, ref_row *o,
             uint64_t *holdout_rows)
{
    int calib = (s->o.flags & LOY_RFM_CALIBRATION) != 0;
    int first = (s->o.flags & LOY_RFM_INCLUDE_FIRST) != 0;
    int64_t cal = calib ? s->o.calibration_end : s->obs_end;
    i128 obs_p = period(s, s->obs_end), cal_p = period(s, cal);
    i128 per[MAX_ROWS], hper[MAX_ROWS], p0 = 0, p1 = 0;
    long double val[MAX_ROWS], hsum = 0, rep = 0, v0 = 0;
    size_t k = 0, kh = 0, hrows = 0, i, j;
    double fm = s->o.freq_multiplier;
    memset(o, 0, sizeof *o);
    o->id = id;
    o->first_time = INT64_MAX;
    for (i = 0; i < r->n; i++) {
        i128 p;
        double a = r->with_amount ? r->a[i] : 0.0;
        int in_cal, in_hold;
        if (r->id[i] != id)
            continue;
        p = period(s, r->t[i]);
        in_cal = calib ? r->t[i] <= cal : p <= obs_p;
        in_hold = calib && !in_cal && r->t[i] <= s->obs_end;
        if (in_cal) {
            for (j = 0; j < k && per[j] != p; j++)
                ;
            if (j == k) {
                per[k] = p;
                val[k++] = 0;
            }
            val[j] += a;
            flag_sum(o, val[j]);
            if (r->t[i] < o->first_time)
                o->first_time = r->t[i];
        } else if (in_hold) {
            for (j = 0; j < kh && hper[j] != p; j++)
                ;
            if (j == kh)
                hper[kh++] = p;
            hsum += a;
            hrows++;
        }
    }
    *holdout_rows += hrows;
    if (k == 0)
        return 0;
    for (j = 0; j < k; j++) {
        if (j == 0 || per[j] < p0)
            p0 = per[j];
        if (j == 0 || per[j] > p1)
            p1 = per[j];
    }
    for (j = 0; j < k; j++) {
        if (per[j] == p0)
            v0 = val[j];
        else
            rep += val[j];
    }
    flag_sum(o, rep);
    flag_sum(o, hsum);
    o->tx = (double)(int64_t)(p1 - p0) / fm;
    o->T = (double)(int64_t)(cal_p - p0) / fm;
    if (first) {
        o->x = (double)k;
        flag_sum(o, rep + v0);
        o->m = (double)((rep + v0) / (long double)k);
    } else {
        o->x = (double)(k - 1);
        o->m = k > 1 ? (double)(rep / (long double)(k - 1)) : 0.0;
    }
    o->xh = (double)kh;
    o->mh = hrows > 0 ? (double)(hsum / (long double)hrows) : 0.0;
    return 1;
}

static void
ref_summary(const setup *s, const rows *r, ref_sum *out)
{
    static uint64_t ids[MAX_ROWS];
    int calib = (s->o.flags & LOY_RFM_CALIBRATION) != 0;
    int64_t cal = calib ? s->o.calibration_end : s->obs_end;
    size_t i, m = 0;
    memset(out, 0, sizeof *out);
    out->n_rows = r->n;
    for (i = 0; i < r->n; i++) {
        int dropped = calib ? r->t[i] > s->obs_end
                            : period(s, r->t[i]) > period(s, s->obs_end);
        if (dropped)
            out->n_dropped++;
        else
            ids[m++] = r->id[i];
    }
    qsort(ids, m, sizeof *ids, cmp_u64);
    for (i = 0; i < m; i++) {
        if (i > 0 && ids[i] == ids[i - 1])
            continue;
        if (ref_customer(s, r, ids[i], &out->row[out->n], &out->n_holdout))
            out->n++;
        else
            out->n_cust_dropped++;
    }
    out->duration = calib ? (double)(int64_t)(period(s, s->obs_end)
                                              - period(s, cal))
                                / s->o.freq_multiplier
                          : 0.0;
}

/* ------------------------------------------------------------------ */
/* checks                                                              */
/* ------------------------------------------------------------------ */

static const double *
col(const loy_rfm_summary *s, int c)
{
    const double *v = NULL;
    FZ_STATUS(loy_rfm_summary_column(&v, s, c), LOY_OK);
    return v;
}

static void
check_summary(const loy_rfm_summary *s, const ref_sum *ref, int calib)
{
    const uint64_t *ids = NULL;
    const int64_t *ft = NULL;
    const double *x = col(s, LOY_RFM_COL_X), *tx = col(s, LOY_RFM_COL_T_X);
    const double *T = col(s, LOY_RFM_COL_T), *m = col(s, LOY_RFM_COL_MONETARY);
    loy_rfm_info info;
    size_t i;
    FZ_CHECK(loy_rfm_summary_count(s) == ref->n);
    FZ_STATUS(loy_rfm_summary_ids(&ids, s), LOY_OK);
    FZ_STATUS(loy_rfm_summary_first_times(&ft, s), LOY_OK);
    for (i = 0; i < ref->n; i++) {
        const ref_row *w = &ref->row[i];
        FZ_CHECK(ids[i] == w->id && ft[i] == w->first_time);
        FZ_CHECK(x[i] == w->x && tx[i] == w->tx && T[i] == w->T);
        FZ_CHECK(isfinite(tx[i]) && isfinite(T[i]) && isfinite(m[i]));
        FZ_CHECK(0.0 <= tx[i] && tx[i] <= T[i] && m[i] >= 0.0);
        FZ_CHECK(fz_close(m[i], w->m, 1e-12, 1e-300));
    }
    if (calib) {
        const double *xh = col(s, LOY_RFM_COL_X_HOLDOUT);
        const double *mh = col(s, LOY_RFM_COL_MONETARY_HOLDOUT);
        for (i = 0; i < ref->n; i++) {
            FZ_CHECK(xh[i] == ref->row[i].xh && isfinite(mh[i]));
            FZ_CHECK(fz_close(mh[i], ref->row[i].mh, 1e-12, 1e-300));
        }
    } else {
        const double *v = (const double *)1;
        FZ_STATUS(loy_rfm_summary_column(&v, s, LOY_RFM_COL_X_HOLDOUT),
                  LOY_EINVAL);
        FZ_CHECK(v == NULL);
    }
    info.struct_size = sizeof info;
    FZ_STATUS(loy_rfm_summary_info(&info, s), LOY_OK);
    FZ_CHECK(info.n_customers == ref->n && info.n_rows == ref->n_rows);
    FZ_CHECK(info.n_rows_dropped == ref->n_dropped);
    FZ_CHECK(info.n_rows_holdout == ref->n_holdout);
    FZ_CHECK(info.n_customers_dropped == ref->n_cust_dropped);
    FZ_CHECK(info.calibration == calib && info.duration_holdout == ref->duration);
    FZ_CHECK(isfinite(info.duration_holdout));
}

/* Same content, bit for bit. */
static void
check_same(const loy_rfm_summary *a, const loy_rfm_summary *b, int calib)
{
    size_t n = loy_rfm_summary_count(a), bytes = n * sizeof(double);
    const uint64_t *ia, *ib;
    int c;
    FZ_CHECK(loy_rfm_summary_count(b) == n);
    FZ_STATUS(loy_rfm_summary_ids(&ia, a), LOY_OK);
    FZ_STATUS(loy_rfm_summary_ids(&ib, b), LOY_OK);
    FZ_CHECK(n == 0 || memcmp(ia, ib, n * sizeof *ia) == 0);
    for (c = 0; c < (calib ? 6 : 4); c++)
        FZ_CHECK(n == 0 || memcmp(col(a, c), col(b, c), bytes) == 0);
}

static int
summary_overflow(const ref_sum *ref, int *edge)
{
    size_t i;
    int over = 0;
    *edge = 0;
    for (i = 0; i < ref->n; i++) {
        over |= ref->row[i].overflow;
        *edge |= ref->row[i].near_edge;
    }
    return over;
}

/* The streaming builder: the rows in random chunks, bad chunks refused
 * whole, compaction forced early; the result must equal `one`. */
static void
fuzz_builder(fz *f, const setup *s, const rows *r, const loy_rfm_summary *one,
             int one_rc)
{
    loy_rfm_builder *b = NULL;
    loy_rfm_summary *out = NULL, *again = NULL;
    size_t i = 0, err;
    int rc;
    FZ_STATUS(loy_rfm_builder_new(&b, s->obs_end, &s->o), LOY_OK);
    loy__rfm_builder_compact_at(b, (size_t)fz_range(f, 1, 64));
    while (i < r->n) {
        size_t m = (size_t)fz_range(f, 1, r->n - i);
        if (fz_u8(f) == 0xEE) { /* a good row, then a bad one */
            int64_t t[2];
            uint64_t id[2];
            t[0] = r->t[i], t[1] = INT64_MIN;
            id[0] = r->id[i], id[1] = 2;
            FZ_STATUS(loy_rfm_builder_add(b, id, t, NULL, 2, &err),
                      LOY_ESCALE);
            FZ_CHECK(err == 1);
        }
        rc = loy_rfm_builder_add(b, r->id + i, r->t + i,
                                 r->with_amount ? r->a + i : NULL, m, &err);
        FZ_STATUS(rc, LOY_OK);
        FZ_CHECK(err == LOY_NO_INDEX);
        i += m;
    }
    rc = loy_rfm_builder_finish(&out, b);
    FZ_STATUS(rc, one_rc);
    if (rc == LOY_OK) {
        int calib = (s->o.flags & LOY_RFM_CALIBRATION) != 0;
        check_same(out, one, calib);
        FZ_STATUS(loy_rfm_builder_finish(&again, b), LOY_OK);
        check_same(again, one, calib);
    } else {
        FZ_CHECK(out == NULL);
    }
    loy_rfm_summary_free(out);
    loy_rfm_summary_free(again);
    loy_rfm_builder_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rows r;
    static ref_sum ref;
    fz f = fz_init(data, size);
    setup s;
    expect e = {{0}, 0};
    loy_rfm_summary *sum = (loy_rfm_summary *)&r;
    size_t err = 12345, bad;
    int rc, code = LOY_OK, calib, over, edge;
    read_setup(&f, &s);
    read_rows(&f, &r, &s);
    calib = (s.o.flags & LOY_RFM_CALIBRATION) != 0;
    rc = loy_rfm_summarize(&sum, r.id, r.t, r.with_amount ? r.a : NULL, r.n,
                           s.obs_end, &s.o, &err);
    FZ_CHECK(rc == LOY_OK ? sum != NULL : sum == NULL);
    setup_errors(&s, &e);
    if (e.n > 0 || r.n == 0) {
        if (r.n == 0)
            ex_add(&e, LOY_EEMPTY);
        FZ_CHECK(fz_status_in(rc, e.codes, e.n));
        FZ_CHECK(err == LOY_NO_INDEX);
        return 0;
    }
    bad = first_bad_row(&s, &r, 0, r.n, &code);
    if (bad != LOY_NO_INDEX) {
        FZ_STATUS(rc, code);
        FZ_CHECK(err == bad);
        return 0;
    }
    FZ_CHECK(err == LOY_NO_INDEX);
    ref_summary(&s, &r, &ref);
    over = summary_overflow(&ref, &edge);
    if (ref.n == 0 || (calib && ref.n_holdout == 0)) {
        FZ_STATUS(rc, LOY_EEMPTY);
    } else if (edge) { /* next to DBL_MAX the rounding decides */
        FZ_STATUS_IN(rc, LOY_OK, LOY_EOVERFLOW);
    } else {
        FZ_STATUS(rc, over ? LOY_EOVERFLOW : LOY_OK);
    }
    if (rc == LOY_OK)
        check_summary(sum, &ref, calib);
    fuzz_builder(&f, &s, &r, sum, rc);
    loy_rfm_summary_free(sum);
    return 0;
}
