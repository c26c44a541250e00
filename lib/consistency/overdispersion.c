/* SPDX-License-Identifier: MIT */
/*
 * overdispersion.c - how much more the units scatter than sampling alone
 * explains, from their z-scores (Spiegelhalter 2005, QSHC 14:347; the
 * FunnelPlotR package, R/od_adjustment.R).
 *
 * phi is the mean square of the z-scores after Winsorising them at the
 * `winsor` and 1 - `winsor` sample quantiles (R type 7), so that the
 * outliers the funnel is looking for do not inflate it. The additive
 * model turns phi into a between-unit variance tau^2 by the
 * DerSimonian-Laird moment equation with weights w_i = 1/s_i^2.
 */
#include "consistency/consistency_internal.h"
#include "numeric/order.h"

double
loy__od_phi(double *z, size_t m, double winsor)
{
    double lo = loy__quantile7(z, m, winsor);
    double hi = loy__quantile7(z, m, 1.0 - winsor);
    loy__ksum s = {0.0, 0.0};
    size_t i;
    for (i = 0; i < m; i++) {
        double zw = fmin(fmax(z[i], lo), hi);
        loy__ksum_add(&s, zw * zw);
    }
    return loy__ksum_value(&s) / (double)m;
}

double
loy__od_tau2(double phi, size_t m, double sum_w, double sum_w2)
{
    double mi = (double)m, den = sum_w - sum_w2 / sum_w;
    if (mi * phi < mi - 1.0 || !(den > 0.0))
        return 0.0;
    return (mi * phi - (mi - 1.0)) / den;
}
