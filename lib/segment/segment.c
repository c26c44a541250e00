/* SPDX-License-Identifier: MIT */
/*
 * segment.c - ABC x loyalty (x potential) crossing, MODELS.md 8.
 *
 * One pass over the per-customer arrays accumulates, per cell, the count,
 * the value and the lifetime value, and per value class the churn-weighted
 * value of passives. Everything else (shares, NPS per class, revenue-
 * weighted NPS, value at risk) follows from these few dozen sums.
 */
#include <float.h>

#include "core/internal.h"
#include "segment/segment_internal.h"

#define SEG_FLAGS (LOY_SEGMENT_RAW_SCORES | LOY_SEGMENT_SOW |               \
                   LOY_SEGMENT_CLAMP_NEGATIVE)
#define NCELLS LOY__SEG_CELLS
#define TABLE_MAX LOY__SEG_TABLE_MAX
#define BAD_COLUMN LOY__SEG_BAD_COLUMN
#define BLOCK LOY__SEG_BLOCK

int
loy_segment_result_init(loy_segment_result *result)
{
    LOY__REQUIRE(result != NULL, LOY_EINVAL);
    memset(result, 0, sizeof *result);
    result->struct_size = sizeof *result;
    return LOY_OK;
}

typedef loy__seg_map loyalty_map;
typedef loy__seg_arrays seg_arrays;

static uint8_t
class_column(int32_t cls)
{
    switch (cls) {
    case LOY_CLASS_PROMOTER: return LOY_SEGMENT_COL_PROMOTER;
    case LOY_CLASS_PASSIVE: return LOY_SEGMENT_COL_PASSIVE;
    case LOY_CLASS_DETRACTOR: return LOY_SEGMENT_COL_DETRACTOR;
    default: return BAD_COLUMN;
    }
}

static uint8_t
score_column(int32_t score, const int32_t *breaks)
{
    int32_t cls;
    if (score == LOY_SEGMENT_NO_ANSWER)
        return LOY_SEGMENT_COL_NO_RESPONSE;
    if (loy_nps_classify(&cls, score, breaks) != LOY_OK)
        return BAD_COLUMN;
    return class_column(cls);
}

static void
map_codes(loyalty_map *m)
{
    int32_t code;
    m->base = LOY_SEGMENT_NO_ANSWER;
    m->size = 4;
    m->breaks = NULL;
    m->codes = 1;
    for (code = -1; code < 3; code++)
        m->table[code + 1] = code == LOY_SEGMENT_NO_ANSWER
                                 ? LOY_SEGMENT_COL_NO_RESPONSE
                                 : class_column(code);
}

static int
map_scores(loyalty_map *m, const int32_t *breaks)
{
    int64_t lo = breaks ? breaks[0] : 0, hi = breaks ? breaks[3] : 10, k;
    LOY__TRY(loy_nps_breaks_check(breaks));
    /* -1 means "no answer": it cannot also be a score */
    LOY__REQUIRE(!(lo <= LOY_SEGMENT_NO_ANSWER && LOY_SEGMENT_NO_ANSWER <= hi),
                 LOY_EDOMAIN);
    m->breaks = breaks;
    m->codes = 0;
    m->base = lo < -1 ? lo : -1;
    hi = hi > -1 ? hi : -1;
    if (hi - m->base + 1 > TABLE_MAX) {
        m->size = 0;
        return LOY_OK;
    }
    m->size = (uint64_t)(hi - m->base + 1);
    for (k = 0; k < (int64_t)m->size; k++)
        m->table[k] = score_column((int32_t)(m->base + k), breaks);
    return LOY_OK;
}

static inline uint8_t
column_of(const loyalty_map *m, int32_t code)
{
    if (m->size == 0)
        return score_column(code, m->breaks);
    return loy__seg_table_column(m, code);
}

typedef loy__seg_acc seg_acc;

/*
 * The careful pass keeps plain sums per lane: consecutive customers add
 * into different lanes, so that two in the same cell do not wait for each
 * other's store.
 */
#define LANES 4
typedef struct seg_block {
    uint32_t count[LANES][NCELLS];
    double value[LANES][NCELLS];
    double ltv[LANES][NCELLS];
    double risk[LANES][NCELLS]; /* value x churn, by cell */
} seg_block;

/* Status of customer i, checked field by field (the slow path, used to
 * name the error once the fast loop has found a bad customer). */
static int
check_customer(const loy_segment_input *in, const loyalty_map *map, size_t i)
{
    double v = in->value[i];
    LOY__TRY(loy__value_or_clamp(
        &v, (in->flags & LOY_SEGMENT_CLAMP_NEGATIVE) != 0, NULL));
    LOY__REQUIRE(in->value_class[i] <= LOY_ABC_C, LOY_ESCALE);
    LOY__REQUIRE(column_of(map, in->loyalty[i]) != BAD_COLUMN, LOY_ESCALE);
    if (in->potential != NULL)
        LOY__REQUIRE(loy__finite(in->potential[i]), LOY_ENONFINITE);
    if (in->lifetime_value != NULL)
        LOY__REQUIRE(loy__finite(in->lifetime_value[i]), LOY_ENONFINITE);
    if (in->churn_prob != NULL)
        LOY__TRY(loy__check_range(in->churn_prob[i], 0.0, 1.0));
    return LOY_OK;
}

static void
arrays_of(seg_arrays *a, const loy_segment_input *in)
{
    a->value = in->value;
    a->potential = in->potential;
    a->ltv = in->lifetime_value;
    a->churn = in->churn_prob;
    a->vclass = in->value_class;
    a->loyalty = in->loyalty;
    a->threshold = in->potential_threshold;
    a->sow = (in->flags & LOY_SEGMENT_SOW) != 0;
    a->clamp = (in->flags & LOY_SEGMENT_CLAMP_NEGATIVE) != 0;
}

/* Lanes of a block into its sums by cell. */
static void
lanes_to_sums(loy__seg_sums *out, const seg_block *b)
{
    int c, l;
    memset(out, 0, sizeof *out);
    for (l = 0; l < LANES; l++)
        for (c = 0; c < NCELLS; c++) {
            out->count[c] += b->count[l][c];
            out->value[c] += b->value[l][c];
            out->ltv[c] += b->ltv[l][c];
            out->risk[c] += b->risk[l][c];
        }
}

/*
 * The careful pass over one block [lo, hi): every field checked, negative
 * values clamped when asked. Returns the index of the first bad customer,
 * or hi. The fast pass declines a block whenever this one is needed.
 */
static size_t
careful_block(loy__seg_sums *out, uint8_t *cells, const seg_arrays *arr,
              const loyalty_map *map, size_t lo, size_t hi)
{
    const seg_arrays a = *arr;
    seg_block b;
    size_t i;
    memset(&b, 0, sizeof b);
    for (i = lo; i < hi; i++) {
        double v = a.value[i];
        unsigned vc = a.vclass[i], col = column_of(map, a.loyalty[i]);
        unsigned cell, lane = (unsigned)i % LANES;
        if (loy__value_or_clamp(&v, a.clamp, NULL) != LOY_OK)
            break;
        if (vc > LOY_ABC_C || col == BAD_COLUMN)
            break;
        cell = 4u * vc + col;
        if (a.potential != NULL) {
            double p = a.potential[i];
            if (!loy__finite(p))
                break;
            cell += 12u * loy__seg_level(p, a.threshold, a.sow);
        }
        b.count[lane][cell]++;
        b.value[lane][cell] += v;
        if (a.ltv != NULL) {
            double x = a.ltv[i];
            if (!loy__finite(x))
                break;
            b.ltv[lane][cell] += x;
        }
        if (a.churn != NULL) {
            double c = a.churn[i];
            if (!(c >= 0.0 && c <= 1.0))
                break;
            b.risk[lane][cell] += v * c;
        }
        if (cells != NULL)
            cells[i] = (uint8_t)cell;
    }
    lanes_to_sums(out, &b);
    return i;
}

static void
flush_block(seg_acc *acc, const loy__seg_sums *b)
{
    int c;
    for (c = 0; c < NCELLS; c++) {
        acc->count[c] += b->count[c];
        loy__ksum_add(&acc->value[c], b->value[c]);
        loy__ksum_add(&acc->ltv[c], b->ltv[c]);
        /* only passives' churn-weighted value is at risk */
        if (c % 4 == LOY_SEGMENT_COL_PASSIVE)
            loy__ksum_add(&acc->risk[(c / 4) % 3], b->risk[c]);
    }
}

/*
 * Block by block: the fast pass, and where it declines (a bad customer,
 * a value to clamp, a -0.0, an overflowing sum) the careful pass.
 */
static int
cross_all(seg_acc *acc, uint8_t *cells, const loy_segment_input *in,
          const loyalty_map *map, size_t *err_index)
{
    loy__seg_sums b;
    seg_arrays arr;
    size_t lo;
    memset(acc, 0, sizeof *acc);
    arrays_of(&arr, in);
    for (lo = 0; lo < in->n; lo += BLOCK) {
        size_t hi = in->n - lo < BLOCK ? in->n : lo + BLOCK;
        if (!loy__seg_fast_block(&b, cells, &arr, map, lo, hi)) {
            size_t bad = careful_block(&b, cells, &arr, map, lo, hi);
            if (bad != hi) {
                loy__set_index(err_index, bad);
                return check_customer(in, map, bad);
            }
        }
        flush_block(acc, &b);
    }
    return LOY_OK;
}

static int
check_input(const loy_segment_input *in)
{
    LOY__REQUIRE((in->flags & ~SEG_FLAGS) == 0, LOY_EINVAL);
    LOY__REQUIRE(in->nps_method <= LOY_NPS_SCORE, LOY_EINVAL);
    LOY__REQUIRE(in->n == 0 || (in->value != NULL && in->value_class != NULL
                                && in->loyalty != NULL), LOY_EINVAL);
    LOY__REQUIRE(!isnan(in->nps_level), LOY_ENONFINITE);
    LOY__REQUIRE(in->nps_level > 0.0 && in->nps_level < 1.0, LOY_EDOMAIN);
    if (in->potential != NULL)
        LOY__REQUIRE(loy__finite(in->potential_threshold), LOY_ENONFINITE);
    LOY__REQUIRE(in->n > 0, LOY_EEMPTY);
    return LOY_OK;
}

/* NPS with interval of one value class from the cell counts. */
static int
class_nps(loy_segment_result *r, const loy__seg_opts *in, int vc)
{
    loy_nps_tally tally = LOY_NPS_TALLY_INIT;
    loy_nps_result est;
    int lv;
    for (lv = 0; lv < 2; lv++) {
        tally.promoters += r->count[LOY_SEGMENT_CELL(vc, 0, lv)];
        tally.passives += r->count[LOY_SEGMENT_CELL(vc, 1, lv)];
        tally.detractors += r->count[LOY_SEGMENT_CELL(vc, 2, lv)];
    }
    r->class_respondents[vc] = tally.promoters + tally.passives
                               + tally.detractors;
    if (r->class_respondents[vc] == 0)
        return LOY_OK;
    memset(&est, 0, sizeof est);
    est.struct_size = sizeof est;
    LOY__TRY(loy_nps_estimate(&est, &tally, in->nps_method, in->nps_level,
                              NULL));
    r->class_nps_defined[vc] = 1;
    r->class_nps[vc] = est.nps;
    r->class_nps_lower[vc] = est.lower;
    r->class_nps_upper[vc] = est.upper;
    return LOY_OK;
}

/* Revenue-weighted NPS from value sums by column (P, A, D). */
static int
weighted_nps(double *out, const double *vcol)
{
    double resp = vcol[0] + vcol[1] + vcol[2];
    *out = 0.0;
    if (!(resp > 0.0))
        return 0;
    *out = (vcol[0] - vcol[2]) / resp;
    return 1;
}

static void
fill_cells(loy_segment_result *r, const seg_acc *acc,
           const loy__seg_opts *in)
{
    int c;
    for (c = 0; c < NCELLS; c++) {
        int col = c % 4;
        r->count[c] = acc->count[c];
        r->value[c] = loy__ksum_value(&acc->value[c]);
        r->value_share[c] = r->value[c] / r->total_value;
        r->small[c] = acc->count[c] < r->small_n;
        r->action[c] = LOY_ACTION_NONE;
        if (c < 12 || r->with_potential)
            (void)loy_segment_cell_action(&r->action[c], (uint32_t)c,
                                          r->with_potential);
        if (acc->count[c] > 0 && in->has_ltv)
            r->mean_ltv[c] = loy__ksum_value(&acc->ltv[c])
                             / (double)acc->count[c];
        if (acc->count[c] > 0 && col != LOY_SEGMENT_COL_NO_RESPONSE)
            r->rw_nps[c] = col == LOY_SEGMENT_COL_PROMOTER ? 1.0
                           : col == LOY_SEGMENT_COL_DETRACTOR ? -1.0 : 0.0;
    }
}

static int
fill_classes(loy_segment_result *r, const seg_acc *acc,
             const loy__seg_opts *in)
{
    double all[3] = {0.0, 0.0, 0.0};
    int vc, col, lv;
    for (vc = 0; vc < 3; vc++) {
        double vcol[3] = {0.0, 0.0, 0.0};
        for (lv = 0; lv < 2; lv++)
            for (col = 0; col < 4; col++) {
                int c = LOY_SEGMENT_CELL(vc, col, lv);
                r->class_count[vc] += r->count[c];
                r->class_value[vc] += r->value[c];
                if (col < 3)
                    vcol[col] += r->value[c];
            }
        for (col = 0; col < 3; col++)
            all[col] += vcol[col];
        r->class_rw_nps_defined[vc] = weighted_nps(&r->class_rw_nps[vc], vcol);
        r->class_value_at_risk[vc] = vcol[LOY_SEGMENT_COL_DETRACTOR]
                                     + loy__ksum_value(&acc->risk[vc]);
        r->value_at_risk += r->class_value_at_risk[vc];
        LOY__TRY(class_nps(r, in, vc));
    }
    r->total_rw_nps_defined = weighted_nps(&r->total_rw_nps, all);
    return LOY_OK;
}

int
loy__seg_summarise(loy_segment_result *out, const seg_acc *acc,
                   const loy__seg_opts *in)
{
    loy_segment_result r;
    loy__ksum tot = {0.0, 0.0};
    int c;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.n = in->n;
    r.with_potential = in->with_potential;
    r.small_n = in->small_n ? in->small_n : 30u;
    for (c = 0; c < NCELLS; c++) {
        loy__ksum_add(&tot, acc->value[c].sum);
        loy__ksum_add(&tot, acc->value[c].c);
    }
    r.total_value = loy__ksum_value(&tot);
    /* finite values sum to infinity or NaN only by overflow */
    LOY__REQUIRE(r.total_value <= DBL_MAX, LOY_EOVERFLOW);
    LOY__REQUIRE(r.total_value > 0.0, LOY_EEMPTY);
    for (c = 0; c < NCELLS; c++)
        LOY__REQUIRE(loy__finite(loy__ksum_value(&acc->ltv[c])),
                     LOY_EOVERFLOW);
    fill_cells(&r, acc, in);
    LOY__TRY(fill_classes(&r, acc, in));
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

int
loy__seg_cross(seg_acc *acc, uint8_t *cells, const loy_segment_input *in,
               size_t *err_index)
{
    loyalty_map map;
    LOY__TRY(check_input(in));
    if (in->flags & LOY_SEGMENT_RAW_SCORES)
        LOY__TRY(map_scores(&map, in->breaks));
    else
        map_codes(&map);
    return cross_all(acc, cells, in, &map, err_index);
}

int
loy_segment_cross(loy_segment_result *result, uint8_t *cells,
                  const loy_segment_input *input, size_t *err_index)
{
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    loy__seg_opts o;
    seg_acc acc;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(result != NULL && input != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(result->struct_size, sizeof *result)
                     && loy__struct_size_ok(input->struct_size, sizeof in),
                 LOY_EINVAL);
    loy__struct_copy_in(&in, input, sizeof in);
    if (in.nps_level == 0.0)
        in.nps_level = 0.95;
    LOY__TRY(loy__seg_cross(&acc, cells, &in, err_index));
    o.n = (uint64_t)in.n;
    o.with_potential = in.potential != NULL;
    o.has_ltv = in.lifetime_value != NULL;
    o.small_n = in.small_n;
    o.nps_method = in.nps_method;
    o.nps_level = in.nps_level;
    return loy__seg_summarise(result, &acc, &o);
}
