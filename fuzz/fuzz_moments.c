/* SPDX-License-Identifier: MIT */
/*
 * fuzz_moments.c - the moment tally of the key-driver module: adding rows
 * (doubles, uint8, columns; integer, listwise, pairwise, skip modes; with
 * scales and bootstrap replicates), merging, un-merging and the portable
 * byte format.
 *
 * Checked: a failed add leaves the tally's bytes unchanged and names a
 * value or weight inside the chunk; two halves merged equal the whole
 * (byte for byte in integer mode, to rounding otherwise) and un-merging a
 * half gives the other back (integer mode); serialize -> deserialize ->
 * serialize gives the same bytes; arbitrary or corrupted bytes are refused
 * with LOY_EFORMAT or give a tally whose own bytes round-trip; means,
 * covariances and correlations are finite on success.
 */
#include "fuzz_util.h"

#define MAX_K 6
#define MAX_N 200
#define MAX_BYTES 65536

static size_t
bytes_of(const loy_moments *t, uint8_t *buf)
{
    size_t len = 0;
    FZ_STATUS(loy_moments_serialize(NULL, 0, &len, t), LOY_OK);
    FZ_CHECK(len <= MAX_BYTES);
    FZ_STATUS(loy_moments_serialize(buf, MAX_BYTES, &len, t), LOY_OK);
    return len;
}

/* Accessors of any tally: documented statuses, finite results. */
static void
check_accessors(const loy_moments *t, size_t k)
{
    double mean[MAX_K], cov[MAX_K * MAX_K], cor[MAX_K * MAX_K];
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    size_t i, j, err = 7;
    int rc;
    FZ_STATUS(loy_moments_info_get(&info, t), LOY_OK);
    FZ_CHECK(info.k == k && isfinite(info.sum_w) && info.sum_w >= 0.0);
    rc = loy_moments_mean(mean, k, t);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY);
    if (rc == LOY_OK)
        FZ_CHECK(fz_all_finite(mean, k));
    rc = loy_moments_cov(cov, k, t);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY);
    if (rc == LOY_OK) {
        FZ_CHECK(fz_all_finite(cov, k * k));
        for (i = 0; i < k; i++)
            FZ_CHECK(cov[i * k + i] >= 0.0);
    }
    rc = loy_moments_cor(cor, k, t, &err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EEMPTY, LOY_EDEGENERATE);
    if (rc == LOY_OK) {
        FZ_CHECK(fz_all_finite(cor, k * k));
        for (i = 0; i < k; i++)
            for (j = 0; j < k; j++)
                FZ_CHECK(fabs(cor[i * k + j]) <= 1.0 + 1e-9);
    } else if (rc == LOY_EDEGENERATE) {
        FZ_CHECK(err < k);
    }
}

/* Arbitrary bytes, refused or accepted whole. */
static void
fuzz_bytes(const uint8_t *data, size_t size)
{
    static uint8_t again[MAX_BYTES], third[MAX_BYTES];
    loy_moments *t = (loy_moments *)1, *u = NULL;
    size_t n1, n2;
    int rc = loy_moments_deserialize(&t, data, size);
    FZ_STATUS_IN(rc, LOY_OK, LOY_EFORMAT, LOY_ENOMEM, LOY_EINVAL);
    if (rc != LOY_OK) {
        FZ_CHECK(t == NULL);
        return;
    }
    n1 = bytes_of(t, again);
    FZ_STATUS(loy_moments_deserialize(&u, again, n1), LOY_OK);
    n2 = bytes_of(u, third);
    FZ_CHECK(n1 == n2 && memcmp(again, third, n1) == 0);
    {
        loy_moments_info info = LOY_MOMENTS_INFO_INIT;
        FZ_STATUS(loy_moments_info_get(&info, t), LOY_OK);
        if (info.k <= MAX_K)
            check_accessors(t, (size_t)info.k);
    }
    loy_moments_free(t);
    loy_moments_free(u);
}

typedef struct rows {
    size_t n, k;
    double x[MAX_N * MAX_K];
    uint8_t x8[MAX_N * MAX_K];
    double w[MAX_N];
    uint64_t id[MAX_N];
    int with_w, u8;
} rows;

static loy_moments *
new_tally(size_t k, uint32_t flags, const double *scale, uint32_t B,
          uint64_t seed)
{
    loy_moments *t = NULL;
    FZ_STATUS(loy_moments_new(&t, k, flags), LOY_OK);
    if (scale != NULL)
        FZ_STATUS(loy_moments_set_scale(t, LOY_MOMENTS_ALL_COLUMNS, scale[0],
                                        scale[1]), LOY_OK);
    if (B > 0)
        FZ_STATUS(loy_moments_set_bootstrap(t, B, seed), LOY_OK);
    return t;
}

/* Add rows [lo, hi); on error the tally's bytes must not change. */
static int
add_rows(loy_moments *t, const rows *r, size_t lo, size_t hi, size_t *err)
{
    static uint8_t before[MAX_BYTES], after[MAX_BYTES];
    size_t nb = bytes_of(t, before), na, m = hi - lo;
    int rc;
    *err = 12345;
    if (r->u8)
        rc = loy_moments_add_u8(t, r->x8 + lo * r->k, m, r->k, 1,
                                r->with_w ? r->w + lo : NULL, r->id + lo, err);
    else
        rc = loy_moments_add(t, r->x + lo * r->k, m, r->k, 1,
                             r->with_w ? r->w + lo : NULL, r->id + lo, err);
    FZ_STATUS_IN(rc, LOY_OK, LOY_ENONFINITE, LOY_ESCALE, LOY_EOVERFLOW);
    if (rc == LOY_OK) {
        FZ_CHECK(*err == LOY_NO_INDEX);
        return rc;
    }
    na = bytes_of(t, after);
    FZ_CHECK(na == nb && memcmp(before, after, nb) == 0);
    FZ_CHECK(*err == LOY_NO_INDEX || *err < m * (r->k + 1));
    return rc;
}

/*
 * Double mode, complete cases: the merged halves and the one-pass tally
 * agree to rounding. Both are exact up to rounding errors of order
 * eps * W * M_j * M_l in a co-moment (M_j: the largest |x_j - mean_j|
 * of the rows added), plus W * 4.9e-324 * (M_j + M_l) where denormals
 * round absolutely, so the covariances (divisor W - 1) must agree to a
 * small multiple of that, and the means to eps * M_j plus the rounding
 * of each running mean (about n eps max|x_j|).
 */
static void
check_merge_f64(const loy_moments *m, const loy_moments *all, const rows *r)
{
    double ma[MAX_K], mm[MAX_K], ca[MAX_K * MAX_K], cm[MAX_K * MAX_K];
    double M[MAX_K], R[MAX_K], W;
    loy_moments_info info = LOY_MOMENTS_INFO_INIT;
    size_t i, j, l, k = r->k;
    if (loy_moments_mean(ma, k, all) != LOY_OK)
        return;
    FZ_STATUS(loy_moments_mean(mm, k, m), LOY_OK);
    FZ_STATUS(loy_moments_info_get(&info, all), LOY_OK);
    W = info.sum_w;
    for (j = 0; j < k; j++) {
        double A = 0.0;
        M[j] = 0.0;
        for (i = 0; i < r->n; i++) {
            double v = r->u8 ? (double)r->x8[i * k + j] : r->x[i * k + j];
            if (isfinite(v)) {
                M[j] = fmax(M[j], fabs(v - ma[j]));
                A = fmax(A, fabs(v));
            }
        }
        /* the running means are rounded (to about n eps max|x|), so the
         * deviations they leave are not 0 even for a constant column: a
         * column of 3s with weights summing to 9e15 has co-moments of
         * 5e-46 one way and 3.5e-46 the other (a long run's finding) */
        R[j] = fmin((4.0 + (double)r->n) * DBL_EPSILON * A, DBL_MAX);
        M[j] += R[j];
        /* finite, so that the bound is never inf * 0 = NaN for a
         * constant column beside a column that spans the double range */
        M[j] = fmin(M[j], DBL_MAX);
        /* each path's mean carries that rounding itself, which is not
         * small next to the spread: nine values of -4.3e42, one of them
         * 3e31 off the rest, give means one ulp (6e26) apart (a long
         * run's finding) */
        FZ_CHECK(fabs(mm[j] - ma[j]) <= 1e-9 * M[j] + 2.0 * R[j] + 1e-300);
    }
    if (!(W > 1.0 + 1e-6) || loy_moments_cov(ca, k, all) != LOY_OK)
        return;
    FZ_STATUS(loy_moments_cov(cm, k, m), LOY_OK);
    /* denormal values carry an absolute, not a relative, rounding error
     * (the smallest denormal, 4.9e-324, times the other factor, per
     * product): a column of 1e-321 against one of 1e117 differs by 1e-207
     * between the two orders of summation. The denormal first: 16 W
     * overflows for W near DBL_MAX, and inf * 0 made the bound NaN for a
     * constant column (a finding of CI's short run). And the deviations
     * are taken from rounded running means: an error of R_l in a mean
     * moves a covariance by up to about M_j R_l, which is not small next
     * to 1e-8 M_j M_l once the spread is below 1e8 R_l (the nine values
     * above: variances of 1.10480e62 and 1.10479e62) */
    for (j = 0; j < k; j++)
        for (l = 0; l < k; l++)
            FZ_CHECK(fabs(cm[j * k + l] - ca[j * k + l])
                     <= (1e-8 * M[j] * M[l]
                         + 2.0 * (M[j] * R[l] + R[j] * M[l])
                         + 16.0 * 4.9406564584124654e-324 * W
                               * (M[j] + M[l]))
                                * W / (W - 1.0)
                            + 1e-300);
}

static void
fuzz_tally(fz *f)
{
    static rows r;
    static uint8_t ball[MAX_BYTES], bmerged[MAX_BYTES], bhalf[MAX_BYTES];
    double scale[2];
    const double *sc = NULL;
    uint32_t flags = fz_u8(f) & 15u, B = 0;
    uint64_t seed = 0;
    loy_moments *all, *a, *b, *c = NULL;
    size_t i, split, err_all, err_a, err_b, n1, n2;
    int rc_all, rc_a, rc_b, rc, integer;
    r.k = 1 + fz_u8(f) % MAX_K;
    if ((flags & LOY_MOMENTS_LISTWISE) && (flags & LOY_MOMENTS_PAIRWISE)) {
        loy_moments *t = (loy_moments *)1;
        FZ_STATUS(loy_moments_new(&t, r.k, flags), LOY_EINVAL);
        FZ_CHECK(t == NULL);
        return;
    }
    integer = (flags & LOY_MOMENTS_INTEGER) != 0;
    if (fz_u8(f) < 40) {
        scale[0] = (double)(int8_t)fz_u8(f);
        scale[1] = scale[0] + fz_u8(f);
        sc = scale;
    }
    if (fz_u8(f) < 30) {
        B = 1 + fz_u8(f) % 3;
        seed = fz_u64(f);
    }
    r.n = (size_t)fz_range(f, 0, MAX_N);
    r.u8 = fz_u8(f) < 60;
    r.with_w = fz_bool(f);
    for (i = 0; i < r.n * r.k; i++) {
        uint8_t s = fz_u8(f);
        r.x8[i] = s < 240 ? (uint8_t)(s % 11) : s;
        r.x[i] = s < 200 ? (double)(s % 11) : fz_double(f);
    }
    for (i = 0; i < r.n; i++) {
        r.w[i] = fz_u8(f) < 200 ? (double)(fz_u8(f) % 4) : fz_double(f);
        r.id[i] = i * 7919u;
    }
    split = (size_t)fz_range(f, 0, r.n);
    all = new_tally(r.k, flags, sc, B, seed);
    a = new_tally(r.k, flags, sc, B, seed);
    b = new_tally(r.k, flags, sc, B, seed);
    rc_all = add_rows(all, &r, 0, r.n, &err_all);
    rc_a = add_rows(a, &r, 0, split, &err_a);
    rc_b = add_rows(b, &r, split, r.n, &err_b);
    /* a bad value fails the whole and the half holding it, at one place */
    if (rc_all != LOY_OK && rc_all != LOY_EOVERFLOW && err_all != LOY_NO_INDEX) {
        size_t row = err_all / (r.k + 1);
        if (row < split)
            FZ_CHECK(rc_a == rc_all && err_a == err_all);
        else
            FZ_CHECK(rc_b == rc_all
                     && err_b == err_all - split * (r.k + 1)
                     && rc_a != LOY_ENONFINITE && rc_a != LOY_ESCALE);
    }
    if (rc_a == LOY_OK && rc_b == LOY_OK) {
        FZ_STATUS(loy_moments_clone(&c, a), LOY_OK);
        rc = loy_moments_merge(c, b);
        FZ_STATUS_IN(rc, LOY_OK, LOY_EOVERFLOW);
        if (rc == LOY_OK) {
            FZ_CHECK(rc_all == LOY_OK || !integer);
            n1 = bytes_of(c, bmerged);
            if (rc_all == LOY_OK && !integer
                && (flags & LOY_MOMENTS_PAIRWISE) == 0 && sc == NULL)
                check_merge_f64(c, all, &r);
            if (rc_all == LOY_OK && integer) {
                n2 = bytes_of(all, ball);
                FZ_CHECK(n1 == n2 && memcmp(ball, bmerged, n1) == 0);
                /* un-merge gives the first half back */
                FZ_STATUS(loy_moments_unmerge(c, b), LOY_OK);
                n1 = bytes_of(c, bmerged);
                n2 = bytes_of(a, bhalf);
                FZ_CHECK(n1 == n2 && memcmp(bhalf, bmerged, n1) == 0);
            }
        } else {
            /* integer sums are exact: the whole overflowed too; double
             * co-moments near DBL_MAX may overflow on either path */
            FZ_CHECK(rc_all == LOY_EOVERFLOW || !integer);
        }
        loy_moments_free(c);
    }
    if (rc_all == LOY_OK) {
        loy_moments *u = NULL;
        check_accessors(all, r.k);
        /* the byte format round-trips */
        n1 = bytes_of(all, ball);
        FZ_STATUS(loy_moments_deserialize(&u, ball, n1), LOY_OK);
        n2 = bytes_of(u, bmerged);
        FZ_CHECK(n1 == n2 && memcmp(ball, bmerged, n1) == 0);
        loy_moments_free(u);
        /* a corrupted copy is refused or read whole */
        if (n1 > 0 && fz_left(f) >= 2) {
            size_t at = (size_t)fz_u16(f) % n1;
            ball[at] ^= (uint8_t)(1u + fz_u8(f) % 255u);
            fuzz_bytes(ball, n1 - (fz_bool(f) ? (size_t)fz_u8(f) % 4 : 0));
        }
    }
    loy_moments_free(all);
    loy_moments_free(a);
    loy_moments_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = fz_init(data, size);
    if (size > 0 && data[0] < 48) {
        fuzz_bytes(data + 1, size - 1);
        return 0;
    }
    (void)fz_u8(&f);
    fuzz_tally(&f);
    return 0;
}
