/* SPDX-License-Identifier: MIT */
/*
 * chart_avx512.c - the control charts of eight units at once, one unit
 * per AVX-512 lane, chosen at run time on CPUs that have AVX-512 F, DQ
 * and VL.
 *
 * The charts' recursions (EWMA, CUSUM, runs) run along time within a
 * unit, so vectorising along time would serialise them; across units they
 * are independent, so eight units step through their periods together.
 * Each period's eight tallies are read with masked 3-element loads from
 * the eight rows and transposed in registers into D, A and P vectors.
 * Eight rows read in step defeat the hardware prefetcher, so the loop
 * prefetches 24 periods ahead, and past the end of the rows into the next
 * group's, which keeps the pass at memory speed.
 *
 * Every floating-point operation is the one chart_scalar.c and
 * chart_baseline.c perform, in the same order (reciprocal then product,
 * no fused multiply-add), so codes and statistics are identical to the
 * scalar path's; tests/test_consistency_chart.c compares them. Counts of
 * 2^40 or more (beyond any survey, but allowed by the API) are detected
 * and the group is handed back to the scalar path, which checks overflow
 * exactly.
 */
#include "consistency/chart_internal.h"

#if (defined(__GNUC__) || defined(__clang__))                              \
    && (defined(__x86_64__) || defined(__i386__))
#define LOY__CHART_AVX512 1
#endif

#ifdef LOY__CHART_AVX512
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512dq,avx512vl")))
#define LANES 8
#define BLOCK 32
#define PF_DIST 40
#define BIG_COUNT ((int64_t)1 << 40)

int
loy__chart_have_avx512(void)
{
    return __builtin_cpu_supports("avx512f")
           && __builtin_cpu_supports("avx512dq")
           && __builtin_cpu_supports("avx512vl");
}

/* The group: eight row pointers (the last unit repeated) and its
 * geometry. */
typedef struct group {
    const uint64_t *row[LANES];
    const uint64_t *next;   /* next group's first row, or NULL */
    size_t next_lanes;      /* units in the next group */
    size_t rowlen;          /* uint64_t per row */
    size_t stride, n_periods;
} group;

/* Tallies of period t in the eight rows: D, A, P as int64 vectors. */
TGT static inline void
load_period(__m512i *d, __m512i *a, __m512i *p, const group *g, size_t t)
{
    const size_t off = t * g->stride;
    const __m512i i0 = _mm512_set_epi64(13, 9, 5, 1, 12, 8, 4, 0);
    const __m512i i1 = _mm512_set_epi64(15, 11, 7, 3, 14, 10, 6, 2);
    __m512i z[4], w0, w1, w2, w3;
    int k;
    /* z[k] = {D, A, P, 0} of rows 2k and 2k + 1. */
    for (k = 0; k < 4; k++) {
        __m256i lo = _mm256_maskz_loadu_epi64(7, g->row[2 * k] + off);
        __m256i hi = _mm256_maskz_loadu_epi64(7, g->row[2 * k + 1] + off);
        z[k] = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    }
    /* w0 = {D0..D3, A0..A3}, w1 = {P0..P3, 0..}, w2/w3 rows 4..7. */
    w0 = _mm512_permutex2var_epi64(z[0], i0, z[1]);
    w1 = _mm512_permutex2var_epi64(z[0], i1, z[1]);
    w2 = _mm512_permutex2var_epi64(z[2], i0, z[3]);
    w3 = _mm512_permutex2var_epi64(z[2], i1, z[3]);
    *d = _mm512_shuffle_i64x2(w0, w2, 0x44);
    *a = _mm512_shuffle_i64x2(w0, w2, 0xEE);
    *p = _mm512_shuffle_i64x2(w1, w3, 0x44);
}

/* Prefetch PF_DIST periods ahead; beyond the rows' end, the next
 * group's rows. */
TGT static inline void
prefetch(const group *g, size_t t)
{
    size_t tp = t + PF_DIST, l;
    if (tp < g->n_periods) {
        for (l = 0; l < LANES; l++)
            _mm_prefetch((const char *)(g->row[l] + tp * g->stride),
                         _MM_HINT_T0);
    } else if (g->next != NULL) {
        size_t off = (tp - g->n_periods) * g->stride;
        if (tp - g->n_periods < g->n_periods)
            for (l = 0; l < g->next_lanes; l++)
                _mm_prefetch((const char *)(g->next + l * g->rowlen + off),
                             _MM_HINT_T0);
    }
}

TGT static void
store_i64(int64_t out[LANES], __m512i v)
{
    memcpy(out, &v, sizeof(int64_t) * LANES);
}

/* Point values shared by the passes: gap mask, 1/n, sqrt(n), x. */
typedef struct point {
    __mmask8 gap;
    __m512d inv, sq, x;
} point;

TGT static inline void
point_values(point *pt, __m512i d, __m512i a, __m512i p)
{
    const __m512d one = _mm512_set1_pd(1.0);
    __m512i n = _mm512_add_epi64(_mm512_add_epi64(d, a), p);
    __m512d nd = _mm512_cvtepi64_pd(n);
    __m512d df = _mm512_cvtepi64_pd(_mm512_sub_epi64(p, d));
    pt->gap = _mm512_cmpeq_epi64_mask(n, _mm512_setzero_si512());
    nd = _mm512_mask_blend_pd(pt->gap, nd, one);
    pt->inv = _mm512_div_pd(one, nd);
    pt->sq = _mm512_sqrt_pd(nd);
    pt->x = _mm512_div_pd(df, nd); /* (P - D) / n, as the centre line */
}

/*
 * The window's point values (x, 1/n, sqrt(n), gaps) are computed once, by
 * the baseline pass, and kept for the Laney and main passes: they do not
 * depend on the centre line. CACHE periods cover a year of weeks; a longer
 * window recomputes the rest (12 KB of stack).
 */
#define CACHE 64

typedef struct wcache {
    size_t n;                /* periods cached: window[0 .. n) */
    __m512d x[CACHE], inv[CACHE], sq[CACHE];
    __mmask8 gap[CACHE];
} wcache;

/* Point t from the cache when it is there, else from memory. */
TGT static inline void
get_point(point *pt, const group *g, const loy__chart_cfg *c,
          const wcache *wc, size_t t, __m512i *big)
{
    __m512i d, a, p;
    if (t >= c->b0 && t - c->b0 < wc->n) {
        size_t k = t - c->b0;
        pt->x = wc->x[k];
        pt->inv = wc->inv[k];
        pt->sq = wc->sq[k];
        pt->gap = wc->gap[k];
        return;
    }
    load_period(&d, &a, &p, g, t);
    *big = _mm512_or_si512(*big, _mm512_or_si512(d, _mm512_or_si512(a, p)));
    point_values(pt, d, a, p);
}

/* Baseline sums of the window; big collects every count's bits. */
TGT static void
pass_baseline(loy__chart_unit u[LANES], const group *g,
              const loy__chart_cfg *c, wcache *wc, __m512i *big)
{
    __m512i sn = _mm512_setzero_si512(), sp = sn, sd = sn;
    int64_t vn[LANES], vp[LANES], vd[LANES];
    size_t t, l;
    wc->n = c->b1 - c->b0 < CACHE ? c->b1 - c->b0 : CACHE;
    for (t = c->b0; t < c->b1; t++) {
        __m512i d, a, p;
        prefetch(g, t);
        load_period(&d, &a, &p, g, t);
        *big = _mm512_or_si512(*big, _mm512_or_si512(d, _mm512_or_si512(a, p)));
        sn = _mm512_add_epi64(sn, _mm512_add_epi64(_mm512_add_epi64(d, a), p));
        sp = _mm512_add_epi64(sp, p);
        sd = _mm512_add_epi64(sd, d);
        if (t - c->b0 < wc->n) {
            point pt;
            size_t k = t - c->b0;
            point_values(&pt, d, a, p);
            wc->x[k] = pt.x;
            wc->inv[k] = pt.inv;
            wc->sq[k] = pt.sq;
            wc->gap[k] = pt.gap;
        }
    }
    store_i64(vn, sn);
    store_i64(vp, sp);
    store_i64(vd, sd);
    for (l = 0; l < LANES; l++) {
        u[l].base_n = (uint64_t)vn[l];
        u[l].base_p = (uint64_t)vp[l];
        u[l].base_d = (uint64_t)vd[l];
        loy__chart_params(&u[l], c);
    }
}

/* Per-lane chart parameters as vectors. */
typedef struct lanes {
    __m512d cl, isg, l2s2, ll, nll;
    __mmask8 charted, laney;
} lanes;

TGT static void
lane_params(lanes *v, const loy__chart_unit u[LANES], const loy__chart_cfg *c)
{
    double cl[LANES], isg[LANES], l2[LANES], ll[LANES];
    size_t l;
    v->charted = v->laney = 0;
    for (l = 0; l < LANES; l++) {
        cl[l] = u[l].charted ? u[l].cl : 0.0;
        isg[l] = u[l].charted ? u[l].inv_sigma : 0.0;
        l2[l] = u[l].charted ? c->ewma_limit * c->ewma_limit * u[l].var : 0.0;
        ll[l] = u[l].laney ? c->limit * u[l].sigma_z : 0.0;
        v->charted |= (__mmask8)(u[l].charted ? 1u << l : 0u);
        v->laney |= (__mmask8)(u[l].laney ? 1u << l : 0u);
    }
    v->cl = _mm512_loadu_pd(cl);
    v->isg = _mm512_loadu_pd(isg);
    v->l2s2 = _mm512_loadu_pd(l2);
    v->ll = _mm512_loadu_pd(ll);
    v->nll = _mm512_sub_pd(_mm512_setzero_pd(), v->ll);
}

/* Laney's moving ranges over the window. */
TGT static void
pass_laney(loy__chart_unit u[LANES], const group *g, const loy__chart_cfg *c,
           const lanes *v, const wcache *wc, __m512i *big)
{
    __m512d zprev = _mm512_setzero_pd(), mr = zprev;
    __m512i cnt = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi64(1);
    __mmask8 have = 0;
    double vmr[LANES];
    int64_t vcnt[LANES];
    size_t t, l;
    for (t = c->b0; t < c->b1; t++) {
        point pt;
        __m512d z;
        __mmask8 ok, both;
        get_point(&pt, g, c, wc, t, big);
        ok = (__mmask8)(~pt.gap & v->charted);
        z = _mm512_mul_pd(_mm512_mul_pd(_mm512_sub_pd(pt.x, v->cl), pt.sq),
                          v->isg);
        both = (__mmask8)(ok & have);
        mr = _mm512_mask_add_pd(mr, both, mr,
                                _mm512_abs_pd(_mm512_sub_pd(z, zprev)));
        cnt = _mm512_mask_add_epi64(cnt, both, cnt, one);
        zprev = _mm512_mask_mov_pd(zprev, ok, z);
        have |= ok;
    }
    _mm512_storeu_pd(vmr, mr);
    store_i64(vcnt, cnt);
    for (l = 0; l < LANES; l++) {
        u[l].mr_sum = vmr[l];
        u[l].mr_count = (size_t)vcnt[l];
        loy__chart_laney_finish(&u[l]);
    }
}

/* The state of the main pass. */
typedef struct mstate {
    __m512d e, a, cp, cm;
    __m512i last, cur, longest, runs, useful, points;
    __m512i first[4];
    __mmask8 seen[4]; /* lanes that have signalled, per chart */
    __mmask8 sig[4];  /* this period's signals, per chart */
} mstate;

/* Signal bits of one period (the EWMA and CUSUM state advance). */
TGT static inline __m512i
signals(mstate *s, const point *pt, const lanes *v, const loy__chart_cfg *c,
        __mmask8 ok, __m512i code)
{
    const __m512d zero = _mm512_setzero_pd();
    const __m512d lim = _mm512_set1_pd(c->limit), nlim = _mm512_set1_pd(-c->limit);
    __m512d z = _mm512_mul_pd(_mm512_mul_pd(_mm512_sub_pd(pt->x, v->cl), pt->sq),
                              v->isg);
    __m512d ed;
    __mmask8 m, ew;
    __mmask8 ol = (__mmask8)(ok & v->laney);
#define SET(mask, bit)                                                      \
    code = _mm512_mask_or_epi64(code, (mask), code, _mm512_set1_epi64(bit))
    m = _mm512_mask_cmp_pd_mask(ok, z, lim, _CMP_GT_OQ);
    SET(m, LOY_SIGNAL_SHEWHART_HIGH);
    s->sig[0] = m;
    m = _mm512_mask_cmp_pd_mask(ok, z, nlim, _CMP_LT_OQ);
    SET(m, LOY_SIGNAL_SHEWHART_LOW);
    s->sig[0] |= m;
    m = _mm512_mask_cmp_pd_mask(ol, z, v->ll, _CMP_GT_OQ);
    SET(m, LOY_SIGNAL_LANEY_HIGH);
    s->sig[1] = m;
    m = _mm512_mask_cmp_pd_mask(ol, z, v->nll, _CMP_LT_OQ);
    SET(m, LOY_SIGNAL_LANEY_LOW);
    s->sig[1] |= m;
    s->e = _mm512_mask_add_pd(s->e, ok, s->e,
                              _mm512_mul_pd(_mm512_set1_pd(c->lambda),
                                            _mm512_sub_pd(pt->x, s->e)));
    s->a = _mm512_mask_add_pd(s->a, ok,
                              _mm512_mul_pd(s->a, _mm512_set1_pd(c->c1)),
                              _mm512_mul_pd(_mm512_set1_pd(c->lam2), pt->inv));
    ed = _mm512_sub_pd(s->e, v->cl);
    ew = _mm512_mask_cmp_pd_mask(ok, _mm512_mul_pd(ed, ed),
                                 _mm512_mul_pd(v->l2s2, s->a), _CMP_GT_OQ);
    m = _mm512_mask_cmp_pd_mask(ew, ed, zero, _CMP_GT_OQ);
    SET(m, LOY_SIGNAL_EWMA_HIGH);
    m = _mm512_mask_cmp_pd_mask(ew, ed, zero, _CMP_LT_OQ);
    SET(m, LOY_SIGNAL_EWMA_LOW);
    s->sig[2] = ew;
    s->cp = _mm512_mask_max_pd(
        s->cp, ok, _mm512_sub_pd(_mm512_add_pd(s->cp, z), _mm512_set1_pd(c->k)),
        zero);
    s->cm = _mm512_mask_max_pd(
        s->cm, ok, _mm512_sub_pd(_mm512_sub_pd(s->cm, z), _mm512_set1_pd(c->k)),
        zero);
    m = _mm512_mask_cmp_pd_mask(ok, s->cp, _mm512_set1_pd(c->h), _CMP_GT_OQ);
    SET(m, LOY_SIGNAL_CUSUM_HIGH);
    s->sig[3] = m;
    m = _mm512_mask_cmp_pd_mask(ok, s->cm, _mm512_set1_pd(c->h), _CMP_GT_OQ);
    SET(m, LOY_SIGNAL_CUSUM_LOW);
    s->sig[3] |= m;
#undef SET
    return code;
}

/* Runs bookkeeping and the side bits. */
TGT static inline __m512i
runs(mstate *s, const point *pt, const lanes *v, __mmask8 ok, __m512i code)
{
    const __m512i one = _mm512_set1_epi64(1);
    __mmask8 above = _mm512_mask_cmp_pd_mask(ok, pt->x, v->cl, _CMP_GT_OQ);
    __mmask8 below = _mm512_mask_cmp_pd_mask(ok, pt->x, v->cl, _CMP_LT_OQ);
    __mmask8 useful = (__mmask8)(above | below), same;
    __m512i side = _mm512_sub_epi64(_mm512_maskz_mov_epi64(above, one),
                                    _mm512_maskz_mov_epi64(below, one));
    same = _mm512_cmpeq_epi64_mask(side, s->last);
    s->cur = _mm512_mask_mov_epi64(
        s->cur, useful, _mm512_mask_add_epi64(one, same, s->cur, one));
    s->runs = _mm512_mask_add_epi64(s->runs, (__mmask8)(useful & ~same),
                                    s->runs, one);
    s->useful = _mm512_mask_add_epi64(s->useful, useful, s->useful, one);
    s->longest = _mm512_max_epi64(s->longest, s->cur);
    s->last = _mm512_mask_mov_epi64(s->last, useful, side);
    code = _mm512_mask_or_epi64(code, above, code,
                                _mm512_set1_epi64(LOY_SIGNAL_ABOVE));
    return _mm512_mask_or_epi64(code, below, code,
                                _mm512_set1_epi64(LOY_SIGNAL_BELOW));
}

/* First period of each chart's signal: lanes signalling for the first
 * time take t (mask arithmetic only). */
TGT static inline void
firsts(mstate *s, size_t t)
{
    const __m512i tt = _mm512_set1_epi64((long long)t);
    int j;
    for (j = 0; j < 4; j++) {
        __mmask8 fresh = (__mmask8)(s->sig[j] & ~s->seen[j]);
        if (fresh) {
            s->first[j] = _mm512_mask_mov_epi64(s->first[j], fresh, tt);
            s->seen[j] |= fresh;
        }
    }
}

/* An 8 x 8 tile of 32-bit codes transposed: rows t..t+7 of eight lanes
 * in, eight lanes' runs of 8 periods out. */
TGT static inline void
transpose8(__m256i r[8])
{
    __m256i a0 = _mm256_unpacklo_epi32(r[0], r[1]);
    __m256i a1 = _mm256_unpackhi_epi32(r[0], r[1]);
    __m256i a2 = _mm256_unpacklo_epi32(r[2], r[3]);
    __m256i a3 = _mm256_unpackhi_epi32(r[2], r[3]);
    __m256i a4 = _mm256_unpacklo_epi32(r[4], r[5]);
    __m256i a5 = _mm256_unpackhi_epi32(r[4], r[5]);
    __m256i a6 = _mm256_unpacklo_epi32(r[6], r[7]);
    __m256i a7 = _mm256_unpackhi_epi32(r[6], r[7]);
    __m256i b0 = _mm256_unpacklo_epi64(a0, a2);
    __m256i b1 = _mm256_unpackhi_epi64(a0, a2);
    __m256i b2 = _mm256_unpacklo_epi64(a1, a3);
    __m256i b3 = _mm256_unpackhi_epi64(a1, a3);
    __m256i b4 = _mm256_unpacklo_epi64(a4, a6);
    __m256i b5 = _mm256_unpackhi_epi64(a4, a6);
    __m256i b6 = _mm256_unpacklo_epi64(a5, a7);
    __m256i b7 = _mm256_unpackhi_epi64(a5, a7);
    r[0] = _mm256_permute2x128_si256(b0, b4, 0x20);
    r[1] = _mm256_permute2x128_si256(b1, b5, 0x20);
    r[2] = _mm256_permute2x128_si256(b2, b6, 0x20);
    r[3] = _mm256_permute2x128_si256(b3, b7, 0x20);
    r[4] = _mm256_permute2x128_si256(b0, b4, 0x31);
    r[5] = _mm256_permute2x128_si256(b1, b5, 0x31);
    r[6] = _mm256_permute2x128_si256(b2, b6, 0x31);
    r[7] = _mm256_permute2x128_si256(b3, b7, 0x31);
}

/* Block of codes (period-major) out to the lanes' rows: whole 8 x 8 tiles
 * by transposition, the rest one by one. */
TGT static void
flush_codes(uint32_t *codes0, uint32_t blk[BLOCK][LANES], size_t t0,
            size_t nb, size_t n_lanes, size_t n_periods)
{
    size_t l, t = 0;
    for (; t + 8 <= nb; t += 8) {
        __m256i r[8];
        int k;
        for (k = 0; k < 8; k++)
            r[k] = _mm256_loadu_si256((const __m256i *)(const void *)blk[t + (size_t)k]);
        transpose8(r);
        for (l = 0; l < n_lanes; l++)
            _mm256_storeu_si256((__m256i *)(void *)(codes0 + l * n_periods + t0 + t),
                                r[l]);
    }
    for (l = 0; l < n_lanes; l++) {
        size_t u;
        for (u = t; u < nb; u++)
            codes0[l * n_periods + t0 + u] = blk[u][l];
    }
}

TGT static void
pass_main(loy__chart_unit u[LANES], const group *g, const loy__chart_cfg *c,
          const lanes *v, const wcache *wc, uint32_t *codes0, size_t n_lanes,
          __m512i *big)
{
    const __m512i one = _mm512_set1_epi64(1);
    uint32_t blk[BLOCK][LANES];
    mstate s;
    size_t t0, t, l;
    int j;
    s.e = v->cl;
    s.a = s.cp = s.cm = _mm512_setzero_pd();
    s.last = s.cur = s.longest = s.runs = s.useful = s.points =
        _mm512_setzero_si512();
    for (j = 0; j < 4; j++) {
        s.first[j] = _mm512_set1_epi64(-1);
        s.seen[j] = 0;
    }
    for (t0 = 0; t0 < c->n_periods; t0 += BLOCK) {
        size_t nb = c->n_periods - t0 < BLOCK ? c->n_periods - t0 : BLOCK;
        for (t = t0; t < t0 + nb; t++) {
            __m512i code;
            point pt;
            __mmask8 ok;
            prefetch(g, t);
            get_point(&pt, g, c, wc, t, big);
            code = _mm512_set1_epi64(loy__chart_base_code(c, t));
            code = _mm512_mask_or_epi64(code, pt.gap, code,
                                        _mm512_set1_epi64(LOY_SIGNAL_GAP));
            s.points = _mm512_mask_add_epi64(s.points, (__mmask8)~pt.gap,
                                             s.points, one);
            ok = (__mmask8)(~pt.gap & v->charted);
            code = signals(&s, &pt, v, c, ok, code);
            code = runs(&s, &pt, v, ok, code);
            firsts(&s, t);
            _mm256_storeu_si256((__m256i *)(void *)blk[t - t0],
                                _mm512_cvtepi64_epi32(code));
        }
        if (codes0 != NULL)
            flush_codes(codes0, blk, t0, nb, n_lanes, c->n_periods);
    }
    {
        int64_t pts[LANES], use[LANES], lon[LANES], rn[LANES], f[4][LANES];
        store_i64(pts, s.points);
        store_i64(use, s.useful);
        store_i64(lon, s.longest);
        store_i64(rn, s.runs);
        for (j = 0; j < 4; j++)
            store_i64(f[j], s.first[j]);
        for (l = 0; l < LANES; l++) {
            u[l].n_points = (size_t)pts[l];
            u[l].n_useful = (size_t)use[l];
            u[l].longest = (size_t)lon[l];
            u[l].runs = (size_t)rn[l];
            for (j = 0; j < 4; j++)
                u[l].first[j] = f[j][l] < 0 ? LOY_NO_INDEX : (size_t)f[j][l];
        }
    }
}

TGT int
loy__chart_group_avx512(loy__chart_unit u[8], const uint64_t *row0,
                        size_t n_lanes, const loy__chart_cfg *c,
                        uint32_t *codes0, const uint64_t *next,
                        size_t next_lanes)
{
    group g;
    lanes v;
    wcache wc;
    __m512i big = _mm512_setzero_si512();
    int64_t bits[LANES];
    size_t l;
    g.rowlen = c->n_periods * c->stride;
    g.stride = c->stride;
    g.n_periods = c->n_periods;
    g.next = next;
    g.next_lanes = next != NULL ? next_lanes : 0;
    for (l = 0; l < LANES; l++)
        g.row[l] = row0 + (l < n_lanes ? l : n_lanes - 1) * g.rowlen;
    pass_baseline(u, &g, c, &wc, &big);
    lane_params(&v, u, c);
    pass_laney(u, &g, c, &v, &wc, &big);
    lane_params(&v, u, c);
    pass_main(u, &g, c, &v, &wc, codes0, n_lanes, &big);
    store_i64(bits, big);
    for (l = 0; l < n_lanes; l++)
        if (bits[l] >= BIG_COUNT || bits[l] < 0)
            return 1;
    return 0;
}

#else /* no AVX-512 path on this compiler or architecture */

int
loy__chart_have_avx512(void)
{
    return 0;
}

int
loy__chart_group_avx512(loy__chart_unit u[8], const uint64_t *row0,
                        size_t n_lanes, const loy__chart_cfg *c,
                        uint32_t *codes0, const uint64_t *next,
                        size_t next_lanes)
{
    (void)next_lanes;
    (void)u;
    (void)row0;
    (void)n_lanes;
    (void)c;
    (void)codes0;
    (void)next;
    return 1;
}

#endif
