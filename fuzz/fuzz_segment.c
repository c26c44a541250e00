/* SPDX-License-Identifier: MIT */
/*
 * fuzz_segment.c - the ABC x loyalty (x potential) crossing.
 *
 * The crossing has a vectorised pass that takes whole blocks of customers
 * and a careful pass that redoes any block the first declines. Each input
 * is crossed twice: as it is (mostly the fast pass), and with the clamp
 * flag and a negative value planted in every block (which forces the
 * careful pass everywhere); both results must agree with a direct loop
 * over the customers: cells, counts exactly, sums to rounding, the class
 * NPS exactly as loy_nps_estimate() gives it, no NaN or infinity with
 * LOY_OK, the first bad customer's index and status, the result untouched
 * on error and no cell written from the bad customer on.
 */
#include "fuzz_util.h"

#define MAX_N 10000
#define BLOCK 4096 /* the crossing's block (segment_internal.h) */

typedef struct data {
    size_t n;
    double value[MAX_N], potential[MAX_N], ltv[MAX_N], churn[MAX_N];
    uint8_t vclass[MAX_N];
    int32_t loyalty[MAX_N];
    int32_t breaks[4];
    loy_segment_input in;
} data;

static uint64_t
splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void
palette(fz *f, double *p, int bounded)
{
    int i;
    for (i = 0; i < 4; i++) {
        uint8_t k = fz_u8(f);
        p[i] = k < 160 ? (bounded ? (double)fz_u8(f) / 255.0 : (double)fz_u8(f))
                       : fz_double(f);
    }
}

static void
read_data(fz *f, data *d)
{
    double pv[4], pp[4], pl[4], pc[4];
    uint8_t mode = fz_u8(f), opt = fz_u8(f);
    uint64_t seed;
    size_t i;
    int raw = (opt & 1) != 0;
    loy_segment_input init = LOY_SEGMENT_INPUT_INIT;
    d->in = init;
    d->n = (mode & 3) == 3 ? (size_t)fz_range(f, 0, MAX_N)
                           : (size_t)fz_range(f, 0, 64);
    d->in.n = d->n;
    d->in.flags = opt & 7u;
    if ((opt & 0xF0) == 0xF0)
        d->in.flags |= 1u << (fz_u8(f) % 32);
    d->in.nps_method = fz_u8(f) % 4;
    d->in.nps_level = fz_bool(f) ? fz_double(f) : 0.0;
    d->in.small_n = fz_u8(f) % 40;
    d->in.potential_threshold = fz_bool(f) ? fz_double(f) : 0.5;
    if (raw && fz_bool(f)) {
        for (i = 0; i < 4; i++)
            d->breaks[i] = (int32_t)(int8_t)fz_u8(f);
        d->in.breaks = d->breaks;
    }
    palette(f, pv, 0);
    palette(f, pp, 1);
    palette(f, pl, 0);
    palette(f, pc, 1);
    seed = fz_u64(f);
    for (i = 0; i < d->n; i++) {
        uint64_t r = splitmix(&seed);
        d->value[i] = pv[r & 3];
        d->potential[i] = pp[(r >> 2) & 3];
        d->ltv[i] = pl[(r >> 4) & 3];
        d->churn[i] = pc[(r >> 6) & 3];
        d->vclass[i] = (uint8_t)((r >> 8) % 3);
        d->loyalty[i] = raw ? (int32_t)((r >> 16) % 13) - 1
                            : (int32_t)((r >> 16) % 4) - 1;
    }
    d->in.value = d->value;
    d->in.value_class = d->vclass;
    d->in.loyalty = d->loyalty;
    d->in.potential = (mode & 4) ? d->potential : NULL;
    d->in.lifetime_value = (mode & 8) ? d->ltv : NULL;
    d->in.churn_prob = (mode & 16) ? d->churn : NULL;
    /* explicit customers from the rest of the input */
    while (fz_left(f) >= 4 && d->n > 0) {
        size_t at = (size_t)fz_u16(f) % d->n;
        switch (fz_u8(f) % 6) {
        case 0: d->value[at] = fz_double(f); break;
        case 1: d->vclass[at] = fz_u8(f); break;
        case 2: d->loyalty[at] = (int32_t)fz_u32(f); break;
        case 3: d->potential[at] = fz_double(f); break;
        case 4: d->ltv[at] = fz_double(f); break;
        default: d->churn[at] = fz_double(f); break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* the direct loop                                                     */
/* ------------------------------------------------------------------ */

typedef struct ref {
    size_t bad;       /* first bad customer, or LOY_NO_INDEX */
    int bad_code;
    uint8_t cell[MAX_N];
    uint64_t count[24];
    long double value[24], ltv[24], ltv_abs[24], risk[3], total, abs_total;
} ref;

/* Column of a loyalty code or raw score; -1 if bad. */
static int
column_of(const loy_segment_input *in, int32_t code)
{
    int32_t cls;
    if (code == LOY_SEGMENT_NO_ANSWER)
        return LOY_SEGMENT_COL_NO_RESPONSE;
    if (in->flags & LOY_SEGMENT_RAW_SCORES) {
        if (loy_nps_classify(&cls, code, in->breaks) != LOY_OK)
            return -1;
    } else {
        if (code < 0 || code > 2)
            return -1;
        cls = code;
    }
    return cls == LOY_CLASS_PROMOTER ? LOY_SEGMENT_COL_PROMOTER
           : cls == LOY_CLASS_PASSIVE ? LOY_SEGMENT_COL_PASSIVE
                                      : LOY_SEGMENT_COL_DETRACTOR;
}

/* Status of customer i (the documented checks, in the documented order). */
static int
customer_status(const loy_segment_input *in, size_t i)
{
    double v = in->value[i];
    if (!isfinite(v))
        return LOY_ENONFINITE;
    if (v < 0.0 && !(in->flags & LOY_SEGMENT_CLAMP_NEGATIVE))
        return LOY_ESCALE;
    if (in->value_class[i] > 2 || column_of(in, in->loyalty[i]) < 0)
        return LOY_ESCALE;
    if (in->potential != NULL && !isfinite(in->potential[i]))
        return LOY_ENONFINITE;
    if (in->lifetime_value != NULL && !isfinite(in->lifetime_value[i]))
        return LOY_ENONFINITE;
    if (in->churn_prob != NULL) {
        double c = in->churn_prob[i];
        if (!isfinite(c))
            return LOY_ENONFINITE;
        if (c < 0.0 || c > 1.0)
            return LOY_ESCALE;
    }
    return LOY_OK;
}

static void
direct_loop(ref *r, const loy_segment_input *in)
{
    size_t i;
    memset(r, 0, sizeof *r);
    r->bad = LOY_NO_INDEX;
    for (i = 0; i < in->n; i++) {
        int rc = customer_status(in, i), cell;
        double v = in->value[i] < 0.0 ? 0.0 : in->value[i];
        if (rc != LOY_OK) {
            r->bad = i;
            r->bad_code = rc;
            return;
        }
        cell = 4 * in->value_class[i] + column_of(in, in->loyalty[i]);
        if (in->potential != NULL) {
            double p = in->potential[i], t = in->potential_threshold;
            int up = (in->flags & LOY_SEGMENT_SOW) ? p < t : p >= t;
            cell += 12 * up;
        }
        r->cell[i] = (uint8_t)cell;
        r->count[cell]++;
        r->value[cell] += v;
        r->total += v;
        if (in->lifetime_value != NULL) {
            r->ltv[cell] += in->lifetime_value[i];
            r->ltv_abs[cell] += fabs(in->lifetime_value[i]);
        }
        if (in->churn_prob != NULL && cell % 4 == LOY_SEGMENT_COL_PASSIVE)
            r->risk[in->value_class[i]] += (long double)v * in->churn_prob[i];
    }
}

/* ------------------------------------------------------------------ */
/* checks                                                              */
/* ------------------------------------------------------------------ */

/* Statuses of the arguments as a whole (no customer needed). */
static int
global_errors(const loy_segment_input *in, int *codes)
{
    int n = 0;
    double level = in->nps_level == 0.0 ? 0.95 : in->nps_level;
    if (in->flags & ~7u || in->nps_method > 2)
        codes[n++] = LOY_EINVAL;
    if (isnan(level) || (in->potential != NULL
                         && !isfinite(in->potential_threshold)))
        codes[n++] = LOY_ENONFINITE;
    if (!isnan(level) && !(level > 0.0 && level < 1.0))
        codes[n++] = LOY_EDOMAIN;
    if (in->n == 0)
        codes[n++] = LOY_EEMPTY;
    if (in->flags & LOY_SEGMENT_RAW_SCORES) {
        const int32_t *b = in->breaks;
        int32_t lo = b ? b[0] : 0, hi = b ? b[3] : 10;
        if (loy_nps_breaks_check(b) != LOY_OK || (lo <= -1 && -1 <= hi))
            codes[n++] = LOY_EDOMAIN;
    }
    return n;
}

static void
check_class_nps(const loy_segment_result *r, const loy_segment_input *in,
                int vc)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    loy_nps_result e;
    int lv;
    for (lv = 0; lv < 2; lv++) {
        t.promoters += r->count[LOY_SEGMENT_CELL(vc, 0, lv)];
        t.passives += r->count[LOY_SEGMENT_CELL(vc, 1, lv)];
        t.detractors += r->count[LOY_SEGMENT_CELL(vc, 2, lv)];
    }
    FZ_CHECK(r->class_respondents[vc]
             == t.promoters + t.passives + t.detractors);
    FZ_CHECK(r->class_nps_defined[vc] == (r->class_respondents[vc] > 0));
    if (!r->class_nps_defined[vc]) {
        FZ_CHECK(r->class_nps[vc] == 0.0 && r->class_nps_lower[vc] == 0.0
                 && r->class_nps_upper[vc] == 0.0);
        return;
    }
    e.struct_size = sizeof e;
    FZ_STATUS(loy_nps_estimate(&e, &t, in->nps_method,
                               in->nps_level == 0.0 ? 0.95 : in->nps_level,
                               NULL), LOY_OK);
    FZ_CHECK(r->class_nps[vc] == e.nps && r->class_nps_lower[vc] == e.lower
             && r->class_nps_upper[vc] == e.upper);
}

static void
check_rw(int32_t defined, double got, long double p, long double a,
         long double d)
{
    long double resp = p + a + d;
    FZ_CHECK(defined == (resp > 0));
    if (defined)
        FZ_CHECK(fz_close(got, (double)((p - d) / resp), 0.0, 1e-12));
    else
        FZ_CHECK(got == 0.0);
}

static void
check_result(const loy_segment_result *r, const ref *f,
             const loy_segment_input *in)
{
    long double vcol[4][3], risk = 0;
    uint32_t small_n = in->small_n ? in->small_n : 30u;
    int c, vc;
    double tol = 1e-12 * (double)f->total;
    /* value x churn rounds by up to half a denormal step per customer */
    double rtol = tol + (double)in->n * DBL_TRUE_MIN;
    FZ_CHECK(r->n == in->n && r->with_potential == (in->potential != NULL));
    FZ_CHECK(r->small_n == small_n);
    FZ_CHECK(isfinite(r->total_value) && r->total_value > 0.0);
    FZ_CHECK(fz_close(r->total_value, (double)f->total, 1e-12, 0.0));
    memset(vcol, 0, sizeof vcol);
    for (c = 0; c < 24; c++) {
        int32_t act = LOY_ACTION_NONE;
        if (c < 12 || r->with_potential)
            FZ_STATUS(loy_segment_cell_action(&act, (uint32_t)c,
                                              r->with_potential), LOY_OK);
        FZ_CHECK(r->count[c] == f->count[c]);
        FZ_CHECK(fz_close(r->value[c], (double)f->value[c], 1e-12, tol));
        FZ_CHECK(isfinite(r->value_share[c]) && r->value_share[c] >= 0.0
                 && r->value_share[c] <= 1.0 + 1e-12);
        FZ_CHECK(r->small[c] == (f->count[c] < small_n));
        FZ_CHECK(r->action[c] == act);
        FZ_CHECK(isfinite(r->mean_ltv[c]) && isfinite(r->rw_nps[c]));
        if (in->lifetime_value != NULL && f->count[c] > 0)
            FZ_CHECK(fz_close(r->mean_ltv[c],
                              (double)(f->ltv[c] / f->count[c]), 1e-12,
                              1e-12 * (double)(f->ltv_abs[c] / f->count[c])));
        else
            FZ_CHECK(r->mean_ltv[c] == 0.0);
        if (c % 4 < 3)
            vcol[3][c % 4] += f->value[c];
        if (c % 4 < 3)
            vcol[(c / 4) % 3][c % 4] += f->value[c];
    }
    for (vc = 0; vc < 3; vc++) {
        long double cv = 0;
        uint64_t cc = 0;
        int lv, col;
        for (lv = 0; lv < 2; lv++)
            for (col = 0; col < 4; col++) {
                cc += f->count[LOY_SEGMENT_CELL(vc, col, lv)];
                cv += f->value[LOY_SEGMENT_CELL(vc, col, lv)];
            }
        FZ_CHECK(r->class_count[vc] == cc);
        FZ_CHECK(fz_close(r->class_value[vc], (double)cv, 1e-12, tol));
        check_class_nps(r, in, vc);
        check_rw(r->class_rw_nps_defined[vc], r->class_rw_nps[vc],
                 vcol[vc][0], vcol[vc][1], vcol[vc][2]);
        FZ_CHECK(fz_close(r->class_value_at_risk[vc],
                          (double)(vcol[vc][2] + f->risk[vc]), 1e-12, rtol));
        risk += vcol[vc][2] + f->risk[vc];
    }
    check_rw(r->total_rw_nps_defined, r->total_rw_nps, vcol[3][0],
             vcol[3][1], vcol[3][2]);
    FZ_CHECK(isfinite(r->value_at_risk));
    FZ_CHECK(fz_close(r->value_at_risk, (double)risk, 1e-12, rtol));
}

/* Could a lifetime-value sum of some cell overflow (or round to it)? */
static int
ltv_may_overflow(const ref *f)
{
    int c;
    for (c = 0; c < 24; c++)
        if (f->ltv_abs[c] > 0.5L * (long double)DBL_MAX)
            return 1;
    return 0;
}

static void
cross(const loy_segment_input *in)
{
    static ref f;
    static uint8_t cells[MAX_N + 8];
    loy_segment_result r;
    int codes[8], ng = global_errors(in, codes), rc;
    size_t err = 77, i;
    fz_poison(&r, sizeof r);
    r.struct_size = sizeof r;
    fz_poison(cells, sizeof cells);
    rc = loy_segment_cross(&r, cells, in, &err);
    FZ_CHECK(fz_untouched(cells + in->n, 8));
    if (rc != LOY_OK)
        FZ_CHECK(fz_untouched((char *)&r + sizeof(size_t),
                              sizeof r - sizeof(size_t)));
    if (ng > 0) {
        FZ_CHECK(fz_status_in(rc, codes, (size_t)ng));
        FZ_CHECK(err == LOY_NO_INDEX && fz_untouched(cells, in->n));
        return;
    }
    direct_loop(&f, in);
    if (f.bad != LOY_NO_INDEX) {
        FZ_STATUS(rc, f.bad_code);
        FZ_CHECK(err == f.bad);
        for (i = 0; i < f.bad; i++)
            FZ_CHECK(cells[i] == FZ_POISON || cells[i] == f.cell[i]);
        FZ_CHECK(fz_untouched(cells + f.bad, in->n - f.bad));
        return;
    }
    FZ_CHECK(err == LOY_NO_INDEX);
    if (f.total > (long double)DBL_MAX * 0.999L || ltv_may_overflow(&f)) {
        /* past DBL_MAX: LOY_EOVERFLOW; next to it the rounding decides */
        if (rc == LOY_EOVERFLOW)
            return;
        FZ_CHECK(f.total <= (long double)DBL_MAX);
    }
    if (f.total == 0) {
        FZ_STATUS(rc, LOY_EEMPTY);
        return;
    }
    FZ_STATUS(rc, LOY_OK);
    for (i = 0; i < in->n; i++)
        FZ_CHECK(cells[i] == f.cell[i]);
    check_result(&r, &f, in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data_, size_t size)
{
    static data d;
    fz f = fz_init(data_, size);
    size_t i;
    read_data(&f, &d);
    cross(&d.in);
    /* again through the careful pass: a value to clamp in every block */
    if ((d.in.flags & ~7u) == 0 && d.n > 0) {
        d.in.flags |= LOY_SEGMENT_CLAMP_NEGATIVE;
        for (i = 0; i < d.n; i += BLOCK)
            d.value[i] = -1.0;
        cross(&d.in);
    }
    return 0;
}
