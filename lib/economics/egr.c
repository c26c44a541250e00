/* SPDX-License-Identifier: MIT */
/*
 * egr.c - Earned Growth Rate (Reichheld, Darnell & Burns, Net Promoter 3.0):
 * growth from retained customers and from new customers who came by
 * referral, as opposed to growth bought through paid acquisition.
 */
#include "core/internal.h"

static int
egr_row_check(const double *prev, const double *now, const uint8_t *origin,
              size_t i)
{
    LOY__REQUIRE(loy__finite(prev[i]) && loy__finite(now[i]),
                 LOY_ENONFINITE);
    LOY__REQUIRE(prev[i] >= 0.0 && now[i] >= 0.0, LOY_ESCALE);
    LOY__REQUIRE(origin[i] <= LOY_ORIGIN_BOUGHT, LOY_ESCALE);
    /* A new customer cannot have bought in the previous period. */
    LOY__REQUIRE(origin[i] == LOY_ORIGIN_EXISTING || prev[i] == 0.0,
                 LOY_EINCONSISTENT);
    return LOY_OK;
}

int
loy_churn_egr(loy_egr *out, const double *revenue_prev,
              const double *revenue_now, const uint8_t *origin, size_t n,
              size_t *err_index)
{
    loy__ksum prev = {0, 0}, by_origin[3] = {{0, 0}, {0, 0}, {0, 0}};
    loy_egr r;
    size_t i;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && revenue_prev != NULL && revenue_now != NULL &&
                 origin != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out),
                 LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    for (i = 0; i < n; i++) {
        int rc = egr_row_check(revenue_prev, revenue_now, origin, i);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        loy__ksum_add(&prev, revenue_prev[i]);
        loy__ksum_add(&by_origin[origin[i]], revenue_now[i]);
    }
    memset(&r, 0, sizeof r);
    r.revenue_prev = loy__ksum_value(&prev);
    LOY__REQUIRE(loy__finite(r.revenue_prev), LOY_EOVERFLOW);
    /* Every ratio is relative to last period's revenue: none, no EGR. */
    LOY__REQUIRE(r.revenue_prev > 0.0, LOY_EEMPTY);
    r.revenue_retained = loy__ksum_value(&by_origin[LOY_ORIGIN_EXISTING]);
    r.revenue_earned = loy__ksum_value(&by_origin[LOY_ORIGIN_EARNED]);
    r.revenue_bought = loy__ksum_value(&by_origin[LOY_ORIGIN_BOUGHT]);
    r.revenue_now = r.revenue_retained + r.revenue_earned + r.revenue_bought;
    r.nrr = r.revenue_retained / r.revenue_prev;
    r.enc = r.revenue_earned / r.revenue_prev;
    r.egr = r.nrr + r.enc - 1.0;
    r.growth = r.revenue_now / r.revenue_prev - 1.0;
    r.bought_growth = r.growth - r.egr;
    /* sums past DBL_MAX, or ratios to a tiny previous revenue */
    LOY__REQUIRE(loy__finite(r.revenue_now) && loy__finite(r.nrr)
                 && loy__finite(r.enc) && loy__finite(r.egr)
                 && loy__finite(r.growth) && loy__finite(r.bought_growth),
                 LOY_EOVERFLOW);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}
