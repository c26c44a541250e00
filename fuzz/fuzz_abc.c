/* SPDX-License-Identifier: MIT */
/*
 * fuzz_abc.c - ABC classification by fixed cut-offs (both the sorting path
 * for small inputs and the histogram selection for large ones) and the
 * computed ABC analysis.
 *
 * Values are any doubles; large inputs are grown from the fuzzer's bytes
 * by a seeded generator drawing from a fuzzer-chosen palette, so that ties,
 * zeros, huge and tiny values meet in one input. The fixed classes are
 * checked against the documented rule applied to a sorted copy (except
 * where a statistic lies within rounding of a limit), the summary against
 * direct sums; the computed points against the documented minimisations;
 * on error the status and err_index against a direct scan, with the
 * outputs untouched.
 */
#include "fuzz_util.h"

#define MAX_N 6000

static uint64_t
splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* n values: a palette of fuzzer doubles, picked by a seeded generator,
 * then explicit overrides from the remaining bytes. */
static size_t
read_values(fz *f, double *v)
{
    double palette[8];
    uint64_t seed;
    size_t n, i, np;
    uint8_t mode = fz_u8(f);
    n = (mode & 7) == 7 ? (size_t)fz_range(f, 0, MAX_N)
                        : (size_t)fz_range(f, 0, 40);
    np = 1 + fz_u8(f) % 8;
    for (i = 0; i < np; i++)
        palette[i] = (fz_u8(f) & 3) ? (double)fz_u8(f) : fz_double(f);
    seed = fz_u64(f);
    for (i = 0; i < n; i++) {
        uint64_t r = splitmix(&seed);
        v[i] = (mode & 2) ? palette[r % np] * (double)(1 + (r >> 60))
                          : palette[r % np];
    }
    while (fz_left(f) >= 3 && n > 0) {
        size_t at = (size_t)fz_u16(f) % n;
        v[at] = fz_double(f);
    }
    return n;
}

static int
cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* First value that stops the call, and its status (strict clamp rule). */
static size_t
first_bad(const double *v, size_t n, int clamp, int *code)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            *code = LOY_ENONFINITE;
            return i;
        }
        if (v[i] < 0.0 && !clamp) {
            *code = LOY_ESCALE;
            return i;
        }
    }
    return LOY_NO_INDEX;
}

/*
 * 1 when rc is right for a total (nearly exact, in long double) at the
 * edge of the double range, where the library's rounding decides: near
 * DBL_MAX an overflow may be found, and a total past DBL_MAX by less than
 * half its ulp (2^970) rounds to DBL_MAX, so LOY_OK is right there
 * (DBL_MAX + 3.8e291 in fixed and 3.75e291 in computed ABC: long runs'
 * findings).
 */
static int
at_range_edge(long double total, int rc)
{
    if (total > (long double)DBL_MAX * 0.999L && rc == LOY_EOVERFLOW)
        return 1;
    return total > (long double)DBL_MAX && rc == LOY_OK
           && total < (long double)DBL_MAX + 0x1p970L;
}

/* ------------------------------------------------------------------ */
/* fixed cut-offs                                                      */
/* ------------------------------------------------------------------ */

typedef struct fixed_ref {
    long double total;
    double limit[2];   /* cut * T with the equality tolerance */
    double tol;        /* half-width of the ambiguous zone */
    int before, count;
} fixed_ref;

/* Class of each distinct value (sorted descending in s), or -1 where the
 * statistic is within rounding of a limit. */
static void
classes_of_runs(int8_t *cls, const double *s, size_t n, const fixed_ref *r)
{
    long double u = 0; /* weight ranked above the current run */
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        long double w = r->count ? 1.0L : (long double)s[i];
        long double stat = u + (r->before ? 0.0L : w);
        int c = 2, k, ambiguous = 0;
        for (k = 1; k >= 0; k--) {
            int pass = r->before ? stat < r->limit[k] : stat <= r->limit[k];
            if (fabsl(stat - r->limit[k]) <= r->tol)
                ambiguous = 1;
            if (pass)
                c = k;
        }
        while (j < n && s[j] == s[i])
            j++;
        for (k = (int)i; k < (int)j; k++)
            cls[k] = (int8_t)(ambiguous ? -1 : c);
        u += r->count ? (long double)(j - i) : (long double)s[i] * (j - i);
        i = j;
    }
}

static int
class_of_value(double v, const double *s, const int8_t *cls, size_t n)
{
    size_t lo = 0, hi = n; /* s descending: first index with s <= v */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid] > v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cls[lo];
}

static void
fuzz_fixed(fz *f, const double *v, size_t n)
{
    static double s[MAX_N], clamped[MAX_N];
    static int8_t cls[MAX_N];
    static uint8_t out[MAX_N + 8];
    loy_abc_summary sum;
    fixed_ref r;
    uint32_t flags = fz_u8(f) & 7u;
    double cut_a = fz_bool(f) ? fz_double(f) : 0.8, cut_b;
    size_t i, err = 77, bad;
    int rc, code = LOY_OK, clamp, with_sum = fz_bool(f);
    long double tv[3] = {0, 0, 0};
    uint64_t tc[3] = {0, 0, 0}, n_clamped = 0;
    cut_b = fz_bool(f) ? fz_double(f) : 0.95;
    if ((fz_u8(f) & 31) == 31)
        flags |= 1u << (fz_u8(f) % 32);
    clamp = (flags & LOY_ABC_CLAMP_NEGATIVE) != 0;
    fz_poison(&sum, sizeof sum);
    sum.struct_size = sizeof sum;
    fz_poison(out, sizeof out);
    rc = loy_abc_classify(out, with_sum ? &sum : NULL, v, n, cut_a, cut_b,
                          flags, &err);
    FZ_CHECK(fz_untouched(out + n, 8));
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(out, n));
        FZ_CHECK(fz_untouched((char *)&sum + sizeof(size_t),
                              sizeof sum - sizeof(size_t)));
    }
    if (flags & ~7u) {
        FZ_STATUS(rc, LOY_EINVAL);
        return;
    }
    if (!(cut_a > 0.0 && cut_a < cut_b && cut_b < 1.0)) {
        FZ_STATUS(rc, LOY_EDOMAIN);
        return;
    }
    if (n == 0) {
        FZ_STATUS(rc, LOY_EEMPTY);
        return;
    }
    bad = first_bad(v, n, clamp, &code);
    if (bad != LOY_NO_INDEX) {
        FZ_STATUS(rc, code);
        FZ_CHECK(err == bad);
        return;
    }
    FZ_CHECK(err == LOY_NO_INDEX);
    r.total = 0;
    for (i = 0; i < n; i++) {
        clamped[i] = v[i] < 0.0 ? 0.0 : v[i] + 0.0;
        n_clamped += v[i] < 0.0;
        r.total += clamped[i];
    }
    if (at_range_edge(r.total, rc))
        return;
    if (r.total > (long double)DBL_MAX) {
        FZ_STATUS(rc, LOY_EOVERFLOW);
        return;
    }
    if (r.total == 0) {
        FZ_STATUS(rc, LOY_EEMPTY);
        return;
    }
    FZ_STATUS(rc, LOY_OK);
    memcpy(s, clamped, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_desc);
    r.before = (flags & LOY_ABC_BEFORE) != 0;
    r.count = (flags & LOY_ABC_COUNT) != 0;
    {
        double T = r.count ? (double)n : (double)r.total;
        double tol = 1e-12 * T;
        r.limit[0] = r.before ? cut_a * T - tol : cut_a * T + tol;
        r.limit[1] = r.before ? cut_b * T - tol : cut_b * T + tol;
        r.tol = 1e-9 * T;
    }
    classes_of_runs(cls, s, n, &r);
    for (i = 0; i < n; i++) {
        int want = class_of_value(clamped[i], s, cls, n);
        FZ_CHECK(out[i] <= LOY_ABC_C);
        if (want >= 0)
            FZ_CHECK(out[i] == want);
        tc[out[i]]++;
        tv[out[i]] += clamped[i];
    }
    /* monotone: a higher value is never in a lower class */
    for (i = 0; i < n; i++) {
        size_t j = (i * 7919u + 13u) % n;
        if (clamped[i] > clamped[j])
            FZ_CHECK(out[i] <= out[j]);
        if (clamped[i] == clamped[j])
            FZ_CHECK(out[i] == out[j]);
    }
    if (!with_sum)
        return;
    FZ_CHECK(sum.n == n && sum.n_clamped == n_clamped);
    FZ_CHECK(isfinite(sum.total_value) && sum.total_value > 0.0);
    FZ_CHECK(fz_close(sum.total_value, (double)r.total, 1e-13, 0.0));
    for (i = 0; i < 3; i++) {
        FZ_CHECK(sum.count[i] == tc[i]);
        FZ_CHECK(fz_close(sum.value[i], (double)tv[i], 1e-13,
                          1e-15 * sum.total_value));
        FZ_CHECK(isfinite(sum.value_share[i]) && sum.value_share[i] >= 0.0
                 && sum.value_share[i] <= 1.0 + 1e-12);
        FZ_CHECK(sum.count_share[i] == (double)tc[i] / (double)n);
    }
    FZ_CHECK(sum.cut_a == cut_a && sum.cut_b == cut_b);
    FZ_CHECK(sum.rule == r.before && sum.basis == r.count && sum.ties == 1);
    /* thresholds: A iff v >= threshold_ab, A or B iff v >= threshold_bc */
    for (i = 0; i < n; i++) {
        FZ_CHECK((out[i] == LOY_ABC_A) == (clamped[i] >= sum.threshold_ab));
        FZ_CHECK((out[i] <= LOY_ABC_B) == (clamped[i] >= sum.threshold_bc));
    }
}

/* ------------------------------------------------------------------ */
/* computed ABC                                                        */
/* ------------------------------------------------------------------ */

/* d_k = (x_k - x0)^2 + (1 - y_k)^2 in long double, k = 1..n. */
static void
distances(long double *d, const double *s, size_t n, long double total,
          long double x0)
{
    long double cum = 0;
    size_t k;
    for (k = 1; k <= n; k++) {
        long double x = (long double)k / n, y;
        cum += s[k - 1];
        y = cum / total;
        d[k - 1] = (x - x0) * (x - x0) + (1 - y) * (1 - y);
    }
}

static long double
min_of(const long double *d, size_t n)
{
    long double m = d[0];
    size_t k;
    for (k = 1; k < n; k++)
        if (d[k] < m)
            m = d[k];
    return m;
}

static void
fuzz_computed(fz *f, const double *v, size_t n)
{
    static double s[MAX_N], clamped[MAX_N];
    static long double d[MAX_N];
    static uint8_t out[MAX_N + 8];
    loy_abc_computed_result r;
    uint32_t flags = (fz_u8(f) & 63) == 63 ? 1u << (fz_u8(f) % 32) : 0u;
    size_t i, err = 77, bad, ia, ib, ic;
    long double total = 0, area = 0, cum = 0, mean, best;
    uint64_t cnt[3] = {0, 0, 0};
    int rc, code = LOY_OK;
    fz_poison(&r, sizeof r);
    r.struct_size = sizeof r;
    fz_poison(out, sizeof out);
    rc = loy_abc_computed_classify(out, &r, v, n, flags, &err);
    FZ_CHECK(fz_untouched(out + n, 8));
    if (rc != LOY_OK) {
        FZ_CHECK(fz_untouched(out, n));
        FZ_CHECK(fz_untouched((char *)&r + sizeof(size_t),
                              sizeof r - sizeof(size_t)));
    }
    if (flags != 0) {
        FZ_STATUS(rc, LOY_EINVAL);
        return;
    }
    if (n == 0) {
        FZ_STATUS(rc, LOY_EEMPTY);
        return;
    }
    bad = first_bad(v, n, 1, &code);
    if (bad != LOY_NO_INDEX) {
        FZ_STATUS(rc, code);
        FZ_CHECK(err == bad);
        return;
    }
    if (n < 3) {
        FZ_STATUS(rc, LOY_EDEGENERATE);
        return;
    }
    for (i = 0; i < n; i++) {
        clamped[i] = v[i] > 0.0 ? v[i] : 0.0;
        total += clamped[i];
    }
    if (at_range_edge(total, rc))
        return;
    if (total > (long double)DBL_MAX) {
        FZ_STATUS(rc, LOY_EOVERFLOW);
        return;
    }
    if (total == 0) {
        FZ_STATUS(rc, LOY_EEMPTY);
        return;
    }
    FZ_STATUS(rc, LOY_OK);
    FZ_CHECK(err == LOY_NO_INDEX);
    memcpy(s, clamped, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_desc);
    FZ_CHECK(r.n == n && r.total_value > 0.0 && isfinite(r.total_value));
    FZ_CHECK(r.pareto_rank >= 1 && r.pareto_rank <= n);
    FZ_CHECK(r.breakeven_rank >= 1 && r.breakeven_rank <= n);
    FZ_CHECK(r.submarginal_rank >= 1 && r.submarginal_rank <= n);
    /* the ranks achieve the documented minima (up to rounding) */
    distances(d, s, n, total, 0);
    best = min_of(d, n);
    FZ_CHECK(d[r.pareto_rank - 1] <= best + 1e-12L);
    mean = total / n;
    best = HUGE_VALL;
    for (i = 0; i < n; i++)
        if (fabsl(s[i] / mean - 1) < best)
            best = fabsl(s[i] / mean - 1);
    FZ_CHECK(fabsl(s[r.breakeven_rank - 1] / mean - 1) <= best + 1e-12L);
    ia = r.pareto_rank < r.breakeven_rank ? r.pareto_rank : r.breakeven_rank;
    ib = r.pareto_rank < r.breakeven_rank ? r.breakeven_rank : r.pareto_rank;
    ic = r.submarginal_rank;
    distances(d, s, n, total, (long double)ib / n);
    FZ_CHECK(d[ic - 1] <= min_of(d, n) + 1e-12L);
    FZ_CHECK(r.ab_exchanged == (r.breakeven_rank < r.pareto_rank));
    FZ_CHECK(r.ab_limit == s[ia - 1] && r.bc_limit == s[ic - 1]);
    FZ_CHECK(r.a_effort == (double)ia / (double)n
             && r.b_effort == (double)ib / (double)n
             && r.c_effort == (double)ic / (double)n);
    FZ_CHECK(fz_all_finite(&r.a_yield, 1) && r.a_yield >= 0.0
             && r.a_yield <= r.b_yield && r.c_yield <= 1.0 + 1e-12);
    /* Gini from the exact curve: 2 (sum y_k - y_n/2)/n - 1 */
    for (i = 0; i < n; i++) {
        cum += s[i];
        area += cum / total;
    }
    FZ_CHECK(isfinite(r.gini) && r.gini >= -1e-12 && r.gini < 1.0);
    FZ_CHECK(fz_close(r.gini, (double)(2 * (area - 0.5L) / n - 1), 0.0,
                      1e-12));
    for (i = 0; i < n; i++) {
        int want = clamped[i] > r.ab_limit ? LOY_ABC_A
                   : clamped[i] >= r.bc_limit ? LOY_ABC_B : LOY_ABC_C;
        FZ_CHECK(out[i] == want);
        cnt[want]++;
    }
    for (i = 0; i < 3; i++) {
        FZ_CHECK(r.count[i] == cnt[i]);
        FZ_CHECK(isfinite(r.value[i]) && isfinite(r.value_share[i]));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static double v[MAX_N];
    size_t k = size > 9 ? 9 : size, n;
    fz sub = fz_init(data, k); /* the first bytes: method and options */
    fz f = fz_init(data + k, size - k);
    int computed = fz_bool(&sub);
    n = read_values(&f, v);
    if (computed)
        fuzz_computed(&sub, v, n);
    else
        fuzz_fixed(&sub, v, n);
    return 0;
}
