/* SPDX-License-Identifier: MIT */
/*
 * moments_merge.c - merge and un-merge of moment tallies.
 *
 * Both work on a copy and commit only when every state succeeded, so a
 * failed call leaves the destination as it was.
 *
 * Double mode follows Chan, Golub and LeVeque:
 *   merge:    W = Wa + Wb, d = mb - ma, m = ma + (Wb/W) d,
 *             C = Ca + Cb + (Wa Wb / W) d d'
 *   un-merge: Wa = W - Wb, ma = (W m - Wb mb)/Wa, d = mb - ma,
 *             Ca = C - Cb - (Wa Wb / W) d d'
 * Integer mode adds or subtracts the exact sums.
 */
#include "drivers/moments_internal.h"

#include <stdlib.h>

/* Relative size under which a negative remainder variance is rounding. */
#define UNMERGE_TOL 1e-10

static int
add_checked(int64_t *a, int64_t b, int sign)
{
    int64_t r;
#if defined(__GNUC__) || defined(__clang__)
    if (sign > 0 ? __builtin_add_overflow(*a, b, &r)
                 : __builtin_sub_overflow(*a, b, &r))
        return LOY_EOVERFLOW;
#else
    if (sign > 0) {
        if ((b > 0 && *a > INT64_MAX - b) || (b < 0 && *a < INT64_MIN - b))
            return LOY_EOVERFLOW;
        r = *a + b;
    } else {
        if ((b < 0 && *a > INT64_MAX + b) || (b > 0 && *a < INT64_MIN + b))
            return LOY_EOVERFLOW;
        r = *a - b;
    }
#endif
    *a = r;
    return LOY_OK;
}

/* Counts: add, or subtract when the part does not exceed the total. */
static int
merge_counts(uint64_t *a, const uint64_t *b, size_t m, int sign)
{
    size_t i;
    for (i = 0; i < m; i++) {
        if (sign > 0) {
            LOY__REQUIRE(a[i] <= UINT64_MAX - b[i], LOY_EOVERFLOW);
            a[i] += b[i];
        } else {
            LOY__REQUIRE(b[i] <= a[i], LOY_EINCONSISTENT);
            a[i] -= b[i];
        }
    }
    return LOY_OK;
}

/* A remainder co-moment: clamp rounding-level negatives, reject others. */
static int
check_var(double *c, double scale)
{
    if (*c >= 0.0)
        return LOY_OK;
    if (*c >= -UNMERGE_TOL * scale) {
        *c = 0.0;
        return LOY_OK;
    }
    return LOY_EINCONSISTENT;
}

/* Complete double state: d = [W, mean[k], C[np]]. */
static int
merge_f64(double *a, const double *b, size_t k, uint64_t na, int sign)
{
    size_t j, l, np = k * (k + 1u) / 2u;
    double Wa = a[0], Wb = b[0], W, f, *ma = a + 1, *Ca = a + 1 + k;
    const double *mb = b + 1, *Cb = b + 1 + k;
    double d[LOY_MOMENTS_MAX_COLUMNS];
    if (!(Wb > 0.0))
        return LOY_OK;
    if (sign > 0) {
        if (!(Wa > 0.0)) {
            memcpy(a, b, (1u + k + np) * sizeof *a);
            return LOY_OK;
        }
        W = Wa + Wb;
        f = Wa * Wb / W;
        for (j = 0; j < k; j++)
            d[j] = mb[j] - ma[j];
        for (j = 0; j < k; j++)
            for (l = j; l < k; l++)
                Ca[loy__pidx(k, j, l)] += Cb[loy__pidx(k, j, l)]
                                          + f * d[j] * d[l];
        for (j = 0; j < k; j++)
            ma[j] += (Wb / W) * d[j];
        a[0] = W;
        return LOY_OK;
    }
    /* un-merge: the remainder has na rows (counts already checked) */
    if (na == 0u) {
        memset(a, 0, (1u + k + np) * sizeof *a);
        return LOY_OK;
    }
    W = Wa;
    Wa = W - Wb;
    LOY__REQUIRE(Wa > UNMERGE_TOL * W, LOY_EINCONSISTENT);
    for (j = 0; j < k; j++) {
        double m = (W * ma[j] - Wb * mb[j]) / Wa;
        d[j] = mb[j] - m;
        ma[j] = m;
    }
    f = Wa * Wb / W;
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++) {
            size_t q = loy__pidx(k, j, l);
            double scale = Ca[loy__pidx(k, j, j)];
            Ca[q] -= Cb[q] + f * d[j] * d[l];
            if (j == l)
                LOY__TRY(check_var(&Ca[q], scale));
        }
    a[0] = Wa;
    return LOY_OK;
}

/* Pairwise double state: per pair (W, m1, m2, c11, c22, c12). */
static int
merge_pair_f64(double *a, const double *b, size_t np, const uint64_t *na,
               int sign)
{
    size_t q;
    for (q = 0; q < np; q++) {
        double Wa = a[q], Wb = b[q], W, f, d1, d2, m1, m2;
        if (!(Wb > 0.0))
            continue;
        if (sign > 0 && !(Wa > 0.0)) {
            size_t c;
            for (c = 0; c < 6; c++)
                a[c * np + q] = b[c * np + q];
            continue;
        }
        if (sign > 0) {
            W = Wa + Wb;
            f = Wa * Wb / W;
            d1 = b[np + q] - a[np + q];
            d2 = b[2 * np + q] - a[2 * np + q];
            a[3 * np + q] += b[3 * np + q] + f * d1 * d1;
            a[4 * np + q] += b[4 * np + q] + f * d2 * d2;
            a[5 * np + q] += b[5 * np + q] + f * d1 * d2;
            a[np + q] += (Wb / W) * d1;
            a[2 * np + q] += (Wb / W) * d2;
            a[q] = W;
            continue;
        }
        if (na[q] == 0u) {
            size_t c;
            for (c = 0; c < 6; c++)
                a[c * np + q] = 0.0;
            continue;
        }
        W = Wa;
        Wa = W - Wb;
        LOY__REQUIRE(Wa > UNMERGE_TOL * W, LOY_EINCONSISTENT);
        m1 = (W * a[np + q] - Wb * b[np + q]) / Wa;
        m2 = (W * a[2 * np + q] - Wb * b[2 * np + q]) / Wa;
        d1 = b[np + q] - m1;
        d2 = b[2 * np + q] - m2;
        f = Wa * Wb / W;
        {
            double s1 = a[3 * np + q], s2 = a[4 * np + q];
            a[3 * np + q] -= b[3 * np + q] + f * d1 * d1;
            a[4 * np + q] -= b[4 * np + q] + f * d2 * d2;
            a[5 * np + q] -= b[5 * np + q] + f * d1 * d2;
            LOY__TRY(check_var(&a[3 * np + q], s1));
            LOY__TRY(check_var(&a[4 * np + q], s2));
            if (a[3 * np + q] == 0.0 || a[4 * np + q] == 0.0)
                a[5 * np + q] = 0.0; /* keep |c12| <= sqrt(c11 c22) */
        }
        a[np + q] = m1;
        a[2 * np + q] = m2;
        a[q] = Wa;
    }
    return LOY_OK;
}

/* Integer states: exact sums; an un-merge must leave S0 >= 0 and every
 * variance n S2_jj - S1_j^2 >= 0. */
static int
merge_int(loy_moments *t, int64_t *a, const int64_t *b, int sign)
{
    size_t i, j, k = t->k, np = t->np;
    for (i = 0; i < t->ilen; i++)
        LOY__TRY(add_checked(&a[i], b[i], sign));
    if (sign > 0)
        return LOY_OK;
    if (!loy__mom_pairwise(t)) {
        LOY__REQUIRE(a[0] >= 0, LOY_EINCONSISTENT);
        for (j = 0; j < k; j++) {
            size_t q = 1u + k + loy__pidx(k, j, j);
            LOY__REQUIRE(loy__int_comoment(a[0], a[q], a[1 + j], a[1 + j])
                             >= 0.0, LOY_EINCONSISTENT);
        }
        return LOY_OK;
    }
    for (i = 0; i < np; i++) {
        LOY__REQUIRE(a[i] >= 0, LOY_EINCONSISTENT);
        LOY__REQUIRE(loy__int_comoment(a[i], a[3 * np + i], a[np + i],
                                       a[np + i]) >= 0.0
                         && loy__int_comoment(a[i], a[4 * np + i],
                                              a[2 * np + i], a[2 * np + i])
                                >= 0.0,
                     LOY_EINCONSISTENT);
    }
    return LOY_OK;
}

int
loy__mom_state_merge(loy_moments *dst, size_t sd, const loy_moments *src,
                     size_t ss, int sign)
{
    uint64_t *ca = dst->cnt + sd * dst->clen;
    const uint64_t *cb = src->cnt + ss * src->clen;
    LOY__TRY(merge_counts(ca, cb, dst->clen, sign));
    if (loy__mom_integer(dst))
        return merge_int(dst, dst->iv + sd * dst->ilen,
                         src->iv + ss * src->ilen, sign);
    if (loy__mom_pairwise(dst))
        LOY__TRY(merge_pair_f64(dst->d + sd * dst->dlen,
                                src->d + ss * src->dlen, dst->np, ca + 1,
                                sign));
    else
        LOY__TRY(merge_f64(dst->d + sd * dst->dlen, src->d + ss * src->dlen,
                           dst->k, ca[0], sign));
    LOY__REQUIRE(loy__mom_finite(dst->d + sd * dst->dlen, dst->dlen),
                 LOY_EOVERFLOW);
    loy__mom_tidy(dst->d + sd * dst->dlen, dst->k, dst->np,
                  loy__mom_pairwise(dst));
    return LOY_OK;
}

/* Merge or un-merge every state of `other` into a copy of t, then commit. */
static int
merge_all(loy_moments *t, const loy_moments *other, int sign)
{
    loy_moments *c;
    size_t s, ns;
    int rc = LOY_OK;
    uint64_t cm = t->rows_missing, ci = t->rows_invalid, cz = t->rows_zero;
    LOY__REQUIRE(t != NULL && other != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__mom_compatible(t, other), LOY_EINVAL);
    LOY__TRY(merge_counts(&cm, &other->rows_missing, 1, sign));
    LOY__TRY(merge_counts(&ci, &other->rows_invalid, 1, sign));
    LOY__TRY(merge_counts(&cz, &other->rows_zero, 1, sign));
    LOY__TRY(loy_moments_clone(&c, t));
    ns = loy__mom_nstates(t);
    for (s = 0; s < ns && rc == LOY_OK; s++)
        rc = loy__mom_state_merge(c, s, other, s, sign);
    if (rc == LOY_OK) {
        double *d = t->d;
        int64_t *iv = t->iv;
        uint64_t *cnt = t->cnt;
        t->d = c->d;
        t->iv = c->iv;
        t->cnt = c->cnt;
        c->d = d;
        c->iv = iv;
        c->cnt = cnt;
        t->rows_missing = cm;
        t->rows_invalid = ci;
        t->rows_zero = cz;
    }
    loy_moments_free(c);
    return rc;
}

int
loy_moments_merge(loy_moments *t, const loy_moments *other)
{
    return merge_all(t, other, +1);
}

int
loy_moments_unmerge(loy_moments *t, const loy_moments *part)
{
    return merge_all(t, part, -1);
}
