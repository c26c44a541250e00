/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/churn.h
 * @brief Churn cost and loyalty economics.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_CHURN_H
#define LOYALTY_CHURN_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup churn Churn cost and loyalty economics
 * @brief Churn cost and loyalty economics.
 *
 * Churn cost and loyalty economics. All rates refer to one period (the
 * caller's). Margins are per customer per period. Discounting: margin of
 * period t (t = 1 at the end of the coming period) is divided by (1+i)^t.
 * @{
 */

/**
 * @brief Cost of contractual churn over one period.
 * @since 1.0
 */
typedef struct loy_churn_cost {
    size_t struct_size;      /**< sizeof(loy_churn_cost), set by the caller. */
    double customers_lost;   /**< Expected customers lost in the period. */
    double margin_lost;      /**< Margin lost per period (run rate). */
    double value_lost;       /**< Discounted lifetime value lost: what the
                                  lost customers would have been worth had
                                  they renewed now (first margin at the end
                                  of the coming period). */
    double value_lost_undiscounted; /**< The same without discounting;
                                  +infinity (with LOY_CHURN_INFINITE set)
                                  when the expected lifetime is infinite. */
    double value_per_lost;   /**< value_lost per lost customer. */
    double clv_existing;     /**< Discounted value of one existing customer
                                  (end-of-period margins, retained with
                                  the model's retention). */
    uint32_t flags;          /**< LOY_CHURN_* result flags. */
} loy_churn_cost;

/** Result flag: the undiscounted lifetime is infinite (sBG, alpha <= 1). @since 1.0 */
#define LOY_CHURN_INFINITE 0x1u

/**
 * @brief Churn cost with constant churn c (simple retention formula).
 *
 * customers_lost = N c, margin_lost = N c m, value_lost = N c m/(1+i-r)
 * with r = 1 - c, undiscounted N c m / c = N m (zero when c = 0), and
 * clv_existing = m r/(1+i-r).
 * @param[out] out result (struct_size set by the caller).
 * @param customers N >= 0 at the start of the period.
 * @param churn c in [0, 1].
 * @param margin m >= 0 per customer per period.
 * @param discount i >= 0 per period; r < 1 + i is required (i = 0 with
 *        c = 0 gives an infinite value: LOY_EDOMAIN).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE (negative N or m,
 *         c outside [0,1]), LOY_EDOMAIN, LOY_EOVERFLOW (since 1.1: a
 *         result beyond the largest double, e.g. N m; out untouched).
 * @since 1.0
 */
LOY_API int loy_churn_cost_simple(loy_churn_cost *out, double customers,
                                  double churn, double margin,
                                  double discount);

/**
 * @brief Churn cost from a fitted sBG model (heterogeneous churn).
 *
 * The N active customers have made `renewals` renewals (n - 1 in MODELS
 * notation) and face renewal decision n = renewals + 1, which they pass with
 * the sBG retention rate r_n. customers_lost = N (1 - r_n); a lost customer
 * would, had they renewed, have paid m at the end of the coming period and
 * then survived like the sBG survivors of decision n:
 * value_per_lost = m v DERL(d | n) / r_n with v = 1/(1+d), where DERL is
 * loy_sbg_derl(). clv_existing = m v DERL(d | n). With alpha <= 1 the
 * undiscounted value is infinite (flag LOY_CHURN_INFINITE).
 * @param[out] out result.
 * @param params sBG (alpha, beta), both > 0.
 * @param customers N >= 0 active customers.
 * @param renewals renewals made so far (0 for a new cohort).
 * @param margin m >= 0 per period.
 * @param discount d >= 0 per period; d = 0 requires alpha > 1.
 * @return LOY_OK or an error (LOY_EDOMAIN for the domain rules;
 *         LOY_EOVERFLOW since 1.1 for a result beyond the largest double,
 *         out untouched).
 * @since 1.0
 */
LOY_API int loy_churn_cost_sbg(loy_churn_cost *out, const double params[2],
                               double customers, uint32_t renewals,
                               double margin, double discount);

/**
 * @brief Silent (non-contractual) churn over a customer base.
 * @since 1.0
 */
typedef struct loy_silent_churn {
    size_t struct_size;       /**< sizeof(loy_silent_churn). */
    double customers;         /**< n. */
    double expected_lost;     /**< sum (1 - P(alive)): customers already gone. */
    double likely_lost;       /**< Customers with P(alive) < threshold. */
    double value_lost;        /**< sum (1 - P(alive)) * value: value already lost. */
    double value_alive;       /**< sum P(alive) * value: value still held. */
    double value_at_risk_next;/**< sum (P(alive) - P(alive next)) * value:
                                   value expected to leave in the next period
                                   (0 and LOY_SILENT_NO_NEXT when no
                                   next-period probabilities were given). */
    uint32_t flags;           /**< LOY_SILENT_* flags. */
} loy_silent_churn;

/** Result flag: no next-period P(alive) given; value_at_risk_next not computed. @since 1.0 */
#define LOY_SILENT_NO_NEXT 0x1u

/**
 * @brief Value lost and at risk through silent churn.
 * @param[out] out result.
 * @param p_alive P(alive) now per customer, in [0, 1].
 * @param value value of each customer had they stayed (e.g. CLV from a
 *        lifetime model and Gamma-Gamma), >= 0.
 * @param p_alive_next P(alive) at the end of the next period, in
 *        [0, P(alive)], or NULL.
 * @param n number of customers (> 0).
 * @param threshold a customer with P(alive) < threshold counts as likely
 *        lost; in [0, 1].
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY, LOY_ENONFINITE, LOY_ESCALE,
 *         LOY_EINCONSISTENT (P(alive next) > P(alive)), LOY_EOVERFLOW
 *         (since 1.1: a value sum beyond the largest double).
 * @since 1.0
 */
LOY_API int loy_churn_silent(loy_silent_churn *out, const double *p_alive,
                             const double *value, const double *p_alive_next,
                             size_t n, double threshold, size_t *err_index);

/**
 * @brief Inputs of the word-of-mouth method (Bain / Dell analysis).
 * @since 1.0
 */
typedef struct loy_wom_params {
    size_t struct_size;           /**< sizeof(loy_wom_params). */
    double referred_customers;    /**< New customers acquired by referral. */
    double customer_value;        /**< Value of an average new customer. */
    double positive_comments;     /**< Positive comments made in total. */
    double comments_per_promoter; /**< Positive comments per promoter per year. */
    double deterred_customers;    /**< Prospects lost through negative word
                                       of mouth (0 if unknown). */
    double negative_comments;     /**< Negative comments in total (> 0 when
                                       deterred_customers > 0). */
    double comments_per_detractor;/**< Negative comments per detractor per year. */
} loy_wom_params;

/**
 * @brief Outputs of the word-of-mouth method.
 * @since 1.0
 */
typedef struct loy_wom_value {
    size_t struct_size;            /**< sizeof(loy_wom_value). */
    double referral_value;         /**< referred_customers * customer_value. */
    double value_per_comment;      /**< referral_value / positive_comments. */
    double promoter_value;         /**< comments_per_promoter * value_per_comment
                                        (per promoter per year). */
    double deterred_value;         /**< deterred_customers * customer_value. */
    double cost_per_negative_comment; /**< deterred_value / negative_comments. */
    double detractor_cost;         /**< comments_per_detractor *
                                        cost_per_negative_comment (a cost, >= 0). */
} loy_wom_value;

/**
 * @brief Referral value of a promoter and word-of-mouth cost of a detractor.
 *
 * value per positive comment = referred customers x customer value / total
 * positive comments; word-of-mouth value per promoter = comments per
 * promoter per year x value per comment; the detractor side uses the same
 * form with deterred prospects and negative comments.
 * @param[out] out result.
 * @param params inputs; every field finite and >= 0, positive_comments > 0,
 *        negative_comments > 0 when deterred_customers > 0.
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
 *         LOY_EOVERFLOW (since 1.1: a value beyond the largest double).
 * @since 1.0
 */
LOY_API int loy_churn_wom(loy_wom_value *out, const loy_wom_params *params);

/**
 * @brief Mean lifetime value of detractors, passives and promoters.
 *
 * Arrays are indexed by loyalty class code (0 detractor, 1 passive,
 * 2 promoter, as LOY_CLASS_* of the NPS module).
 * @since 1.0
 */
typedef struct loy_class_value {
    size_t struct_size; /**< sizeof(loy_class_value). */
    double level;       /**< Confidence level of the intervals. */
    uint64_t n[3];      /**< Customers per class. */
    double mean[3];     /**< Mean value per class (NaN when n = 0). */
    double sd[3];       /**< Sample standard deviation (NaN when n < 2). */
    double se[3];       /**< Standard error of the mean (NaN when n < 2). */
    double lower[3];    /**< Normal-approximation interval (NaN when n < 2). */
    double upper[3];    /**< Upper limit of that interval (NaN when n < 2). */
} loy_class_value;

/**
 * @brief Value gap between loyalty classes, measured from data.
 *
 * NaN entries mark classes with too few customers; they are documented
 * outputs, not errors (the call succeeds when at least one class has a
 * customer).
 * @param[out] out result.
 * @param value per-customer lifetime value (finite).
 * @param loyalty_class per-customer class code 0, 1, 2, or -1 for "no
 *        answer" (ignored).
 * @param n number of customers.
 * @param level confidence level in (0, 1).
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY (no classified customer),
 *         LOY_ENONFINITE, LOY_ESCALE (class code), LOY_EDOMAIN (level),
 *         LOY_EOVERFLOW (since 1.1: values near the largest double whose
 *         mean, spread or interval overflows).
 * @since 1.0
 */
LOY_API int loy_churn_class_value(loy_class_value *out, const double *value,
                                  const int8_t *loyalty_class, size_t n,
                                  double level, size_t *err_index);

/**
 * @brief Value of moving k customers from one loyalty class to another.
 *
 * gain = k (mean[to] - mean[from]), with the standard error
 * k sqrt(se[to]^2 + se[from]^2) and a normal interval at cv->level.
 * @param[out] gain expected gain.
 * @param[out] lower lower interval limit (may be NULL).
 * @param[out] upper upper interval limit (may be NULL).
 * @param cv class values from loy_churn_class_value().
 * @param k customers moved (>= 0).
 * @param from_class, to_class class codes 0..2.
 * @return LOY_OK, LOY_EINVAL, LOY_ESCALE, LOY_EDEGENERATE (a class with
 *         fewer than 2 customers), LOY_ENONFINITE (k, and since 1.1 a
 *         NaN or infinite mean or standard error in cv); since 1.1
 *         LOY_EDOMAIN (a
 *         negative standard error, cv->level outside (0, 1)) and
 *         LOY_EOVERFLOW (the gain or a limit beyond the largest double);
 *         the outputs are untouched on error.
 * @since 1.0
 */
LOY_API int loy_churn_move_value(double *gain, double *lower, double *upper,
                                 const loy_class_value *cv, double k,
                                 int32_t from_class, int32_t to_class);

/**
 * @brief Customer base for retention economics.
 *
 * Value of the base = current customers' residual value + the value of
 * future cohorts (each acquired at the start of a period at a cost,
 * paying its first margin then), all discounted to now.
 * @since 1.0
 */
typedef struct loy_base_params {
    size_t struct_size;       /**< sizeof(loy_base_params). */
    double customers;         /**< Current customers N >= 0. */
    double margin;            /**< Margin m per customer per period, >= 0. */
    double retention;         /**< Retention r in [0, 1]. */
    double discount;          /**< Discount rate i >= 0 per period. */
    double growth;            /**< Margin growth g per period (> -1);
                                   r (1+g) < 1+i required. */
    double new_customers;     /**< Customers acquired per period, >= 0. */
    double acquisition_cost;  /**< Cost per acquired customer, >= 0. */
    uint32_t cohorts;         /**< Future cohorts counted; 0 = all future
                                   periods (needs i > 0 if new_customers > 0). */
} loy_base_params;

/** Static initialiser for loy_base_params (zeros). @since 1.0 */
#define LOY_BASE_PARAMS_INIT {sizeof(loy_base_params), 0, 0, 0, 0, 0, 0, 0, 0u}

/**
 * @brief Value of a customer base and its elasticities.
 * @since 1.0
 */
typedef struct loy_base_value {
    size_t struct_size;      /**< sizeof(loy_base_value). */
    double clv_existing;     /**< m r/(1+i-r(1+g)): an existing customer
                                  (next margin at the end of the period). */
    double clv_new;          /**< m (1+i)/(1+i-r(1+g)) - acquisition cost:
                                  a newly acquired customer, net. */
    double current_value;    /**< N clv_existing. */
    double future_value;     /**< Discounted value of future cohorts, net. */
    double total;            /**< current_value + future_value. */
    double elasticity_retention; /**< d ln(total) / d ln r. */
    double elasticity_margin;    /**< d ln(total) / d ln m. */
    double elasticity_discount;  /**< d ln(total) / d ln i (0 when i = 0). */
    double elasticity_acquisition; /**< d ln(total) / d ln(acquisition cost). */
} loy_base_value;

/**
 * @brief Value of the customer base (current plus future cohorts) and
 *        its elasticities with respect to retention, margin, discount rate
 *        and acquisition cost.
 *
 * Elasticities are NaN-free: when total is 0 they are reported as 0 with
 * LOY_EDEGENERATE returned instead (the base has no value to scale).
 * @param[out] out result.
 * @param params the base.
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
 *         LOY_EDEGENERATE, LOY_EOVERFLOW (since 1.1: a value or an
 *         elasticity beyond the largest double, e.g. r(1+g) within
 *         rounding of 1+i; out untouched).
 * @since 1.0
 */
LOY_API int loy_churn_base_value(loy_base_value *out,
                                 const loy_base_params *params);

/**
 * @brief Margin change worth as much as a retention change.
 *
 * Finds the relative margin increase x (0.05 = five percent more margin)
 * that raises the base value by as much as moving retention from r to
 * r + retention_change does (the statement "one point of retention is worth
 * x points of margin"). Exact: value is linear in the margin.
 * @param[out] margin_change the relative margin change x.
 * @param[out] value_change the base-value change both produce (may be NULL).
 * @param params the base.
 * @param retention_change change of r, e.g. 0.01 for one point.
 * @return LOY_OK or an error of loy_churn_base_value() (outputs
 *         untouched); LOY_EDOMAIN if the
 *         new retention leaves [0, 1] or the domain.
 * @since 1.0
 */
LOY_API int loy_churn_retention_margin_equivalent(double *margin_change,
                                                  double *value_change,
                                                  const loy_base_params *params,
                                                  double retention_change);

/** Customer origin code: existed in the previous period. @since 1.0 */
#define LOY_ORIGIN_EXISTING 0
/** Customer origin code: new, earned (came by referral/recommendation). @since 1.0 */
#define LOY_ORIGIN_EARNED 1
/** Customer origin code: new, bought (came through paid acquisition). @since 1.0 */
#define LOY_ORIGIN_BOUGHT 2

/**
 * @brief Earned Growth Rate and its components (Net Promoter 3.0).
 * @since 1.0
 */
typedef struct loy_egr {
    size_t struct_size;      /**< sizeof(loy_egr). */
    double revenue_prev;     /**< Total revenue of the previous period. */
    double revenue_now;      /**< Total revenue of this period. */
    double revenue_retained; /**< This period's revenue from existing customers. */
    double revenue_earned;   /**< ... from earned new customers. */
    double revenue_bought;   /**< ... from bought new customers. */
    double nrr;              /**< Net revenue retention. */
    double enc;              /**< Earned new customers' revenue / revenue_prev. */
    double egr;              /**< EGR = NRR + ENC - 1. */
    double growth;           /**< revenue_now / revenue_prev - 1. */
    double bought_growth;    /**< growth - EGR. */
} loy_egr;

/**
 * @brief Earned Growth Rate from per-customer revenue in two periods.
 * @param[out] out result.
 * @param revenue_prev revenue of each customer in the previous period (>= 0;
 *        must be 0 for new customers).
 * @param revenue_now revenue in this period (>= 0).
 * @param origin LOY_ORIGIN_* per customer.
 * @param n customers (> 0).
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY (no revenue in the previous
 *         period), LOY_ENONFINITE, LOY_ESCALE (negative revenue, unknown
 *         origin), LOY_EINCONSISTENT (a new customer with previous revenue),
 *         LOY_EOVERFLOW (since 1.1: a revenue sum or ratio beyond the
 *         largest double).
 * @since 1.0
 */
LOY_API int loy_churn_egr(loy_egr *out, const double *revenue_prev,
                          const double *revenue_now, const uint8_t *origin,
                          size_t n, size_t *err_index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_CHURN_H */
