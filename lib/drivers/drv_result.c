/* SPDX-License-Identifier: MIT */
/*
 * drv_result.c - the result object of the driver analyses: metric slots,
 * read-out with the two-call pattern, dominance codes and ranks, options
 * and names.
 */
#include "drivers/drivers_internal.h"

#include <stdlib.h>

int
loy__drv_result_new(loy_drivers_result **out, uint32_t model)
{
    loy_drivers_result *r = calloc(1, sizeof *r);
    size_t i;
    LOY__REQUIRE(r != NULL, LOY_ENOMEM);
    r->sum.struct_size = sizeof r->sum;
    r->sum.model = model;
    for (i = 0; i < LOY__DRV_NMETRICS; i++)
        r->m[i].status = LOY_EDOMAIN;
    *out = r;
    return LOY_OK;
}

static void
metric_clear(loy__metric *m)
{
    free(m->est);
    free(m->se);
    free(m->lo);
    free(m->hi);
    free(m->reps);
    memset(m, 0, sizeof *m);
    m->status = LOY_EDOMAIN;
}

void
loy_drivers_result_free(loy_drivers_result *r)
{
    size_t i;
    if (r == NULL)
        return;
    for (i = 0; i < LOY__DRV_NMETRICS; i++)
        metric_clear(&r->m[i]);
    free(r->kano);
    free(r);
}

double *
loy__drv_metric(loy_drivers_result *r, uint32_t code, size_t len)
{
    loy__metric *m = &r->m[code];
    metric_clear(m);
    m->est = calloc(len > 0u ? len : 1u, sizeof *m->est);
    if (m->est == NULL)
        return NULL;
    m->len = len;
    m->status = LOY_OK;
    return m->est;
}

void
loy__drv_metric_undefined(loy_drivers_result *r, uint32_t code)
{
    metric_clear(&r->m[code]);
    r->m[code].status = LOY_EDEGENERATE;
}

double *
loy__drv_metric_se(loy_drivers_result *r, uint32_t code)
{
    loy__metric *m = &r->m[code];
    free(m->se);
    m->se = calloc(m->len > 0u ? m->len : 1u, sizeof *m->se);
    return m->se;
}

int
loy_drivers_result_summary(loy_drivers_summary *out,
                           const loy_drivers_result *r)
{
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof(loy_drivers_summary)),
                 LOY_EINVAL);
    LOY__REQUIRE(r != NULL, LOY_EINVAL);
    loy__struct_copy_out(out, &r->sum, sizeof r->sum);
    return LOY_OK;
}

int
loy_drivers_result_get(double *out, size_t cap, size_t *len_out,
                       const loy_drivers_result *r, uint32_t metric,
                       uint32_t stat)
{
    const loy__metric *m;
    const double *src;
    size_t need;
    LOY__REQUIRE(r != NULL, LOY_EINVAL);
    LOY__REQUIRE(metric >= 1u && metric < LOY__DRV_NMETRICS, LOY_EINVAL);
    LOY__REQUIRE(stat <= LOY_DRIVERS_REPLICATES, LOY_EINVAL);
    m = &r->m[metric];
    if (m->status != LOY_OK)
        return m->status;
    switch (stat) {
    case LOY_DRIVERS_ESTIMATE:
        src = m->est;
        break;
    case LOY_DRIVERS_STDERR:
        src = m->se;
        break;
    case LOY_DRIVERS_LOWER:
        src = m->lo;
        break;
    case LOY_DRIVERS_UPPER:
        src = m->hi;
        break;
    default:
        src = m->reps;
        break;
    }
    LOY__REQUIRE(src != NULL, LOY_EDOMAIN);
    need = stat == LOY_DRIVERS_REPLICATES ? m->len * m->nrep : m->len;
    if (len_out != NULL)
        *len_out = need;
    if (out == NULL && cap == 0u)
        return LOY_OK;
    LOY__REQUIRE(out != NULL && cap >= need, LOY_EBUFSIZE);
    memcpy(out, src, need * sizeof *out);
    return LOY_OK;
}

int
loy_drivers_result_kano(int32_t *out, size_t cap, size_t *len_out,
                        const loy_drivers_result *r)
{
    size_t p;
    LOY__REQUIRE(r != NULL, LOY_EINVAL);
    LOY__REQUIRE(r->kano != NULL, LOY_EDOMAIN);
    p = (size_t)r->sum.n_drivers;
    if (len_out != NULL)
        *len_out = p;
    if (out == NULL && cap == 0u)
        return LOY_OK;
    LOY__REQUIRE(out != NULL && cap >= p, LOY_EBUFSIZE);
    memcpy(out, r->kano, p * sizeof *out);
    return LOY_OK;
}

#define DRV_FLAGS                                                           \
    (LOY_DRIVERS_COMPLETE | LOY_DRIVERS_SAMPLE | LOY_DRIVERS_BOOTSTRAP      \
     | LOY_DRIVERS_LISTWISE | LOY_DRIVERS_FULL_ONLY)

int
loy__drv_read_options(loy__drv_opts *o, const loy_drivers_options *opts,
                      uint32_t default_max)
{
    loy_drivers_options f = LOY_DRIVERS_OPTIONS_INIT;
    if (opts != NULL) {
        LOY__REQUIRE(LOY__STRUCT_OK(opts, sizeof(loy_drivers_options)),
                     LOY_EINVAL);
        loy__struct_copy_in(&f, opts, sizeof f);
    }
    LOY__REQUIRE((f.flags & ~DRV_FLAGS) == 0u && f.reserved == 0u,
                 LOY_EINVAL);
    LOY__REQUIRE(f.max_exact <= LOY__DRV_MAX_EXACT && f.index <= 3u,
                 LOY_EINVAL);
    LOY__REQUIRE(f.level == 0.0 || (f.level > 0.0 && f.level < 1.0),
                 LOY_EDOMAIN);
    o->flags = f.flags;
    o->max_exact = f.max_exact != 0u ? f.max_exact : default_max;
    o->index = f.index;
    o->orders = f.orders != 0u ? f.orders : 1000u;
    o->seed = f.seed;
    o->level = f.level != 0.0 ? f.level : 0.95;
    return LOY_OK;
}

int
loy_drivers_options_init(loy_drivers_options *opts)
{
    static const loy_drivers_options def = LOY_DRIVERS_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = def;
    return LOY_OK;
}

void
loy__drv_general_codes(double *D, const double *lmg, size_t g)
{
    size_t i, j;
    for (i = 0; i < g; i++)
        for (j = 0; j < g; j++)
            D[i * g + j] = (i == j || lmg[i] == lmg[j])
                               ? 0.5
                               : (lmg[i] > lmg[j] ? 1.0 : 0.0);
}

void
loy__drv_conditional_codes(double *D, const double *cond, size_t g)
{
    size_t i, j, s;
    for (i = 0; i < g; i++)
        for (j = 0; j < g; j++) {
            int wins = 1, loses = 1;
            if (i == j) {
                D[i * g + j] = 0.5;
                continue;
            }
            for (s = 0; s < g; s++) {
                wins &= cond[i * g + s] > cond[j * g + s];
                loses &= cond[i * g + s] < cond[j * g + s];
            }
            D[i * g + j] = wins ? 1.0 : (loses ? 0.0 : 0.5);
        }
}

void
loy__drv_ranks(double *rank, const double *v, size_t g)
{
    size_t i, j;
    for (i = 0; i < g; i++) {
        size_t above = 0;
        for (j = 0; j < g; j++)
            above += v[j] > v[i];
        rank[i] = (double)(above + 1u);
    }
}

double
loy__drv_quantile(const double *sorted, size_t n, double prob)
{
    double h = (double)(n - 1u) * prob, fl = floor(h);
    size_t i = (size_t)fl;
    if (i + 1u >= n)
        return sorted[n - 1u];
    return sorted[i] + (h - fl) * (sorted[i + 1u] - sorted[i]);
}

const char *
loy_drivers_kano_name(int32_t kano)
{
    switch (kano) {
    case LOY_KANO_BASIC:
        return "basic";
    case LOY_KANO_PERFORMANCE:
        return "performance";
    case LOY_KANO_EXCITEMENT:
        return "excitement";
    case LOY_KANO_LOW_IMPACT:
        return "low impact";
    default:
        return "unknown";
    }
}

const char *
loy_drivers_quadrant_name(int32_t quadrant)
{
    switch (quadrant) {
    case LOY_IPA_KEY_STRENGTH:
        return "key strength";
    case LOY_IPA_PRIORITY_FIX:
        return "priority fix";
    case LOY_IPA_SECONDARY_STRENGTH:
        return "secondary strength";
    case LOY_IPA_LOW_PRIORITY:
        return "low priority";
    default:
        return "unknown";
    }
}
