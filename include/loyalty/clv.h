/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/clv.h
 * @brief Retention CLV and the purchase-log summary.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_CLV_H
#define LOYALTY_CLV_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup clv Retention CLV and the purchase-log summary
 * @brief Retention CLV and the purchase-log summary.
 *
 * Retention-based customer lifetime value (deterministic "margin multiple"
 * formulas) and the purchase-log summary (x, t_x, T, monetary per customer)
 * that feeds the lifetime models.
 *
 * All rates refer to ONE period of the caller's time unit: retention r (the
 * probability that a customer active in one period is still active in the
 * next), discount rate i and margin growth g per period. Convert annual
 * rates with loy_clv_rate_rescale(). On any error the `out` value (when the
 * pointer is not NULL) is set to NaN in addition to the status code.
 * @{
 */

/** Timing convention: the first margin arrives at the END of the first
 *  period and is discounted once: CLV = m r/(1+i-r). @since 1.0 */
#define LOY_CLV_END_OF_PERIOD 0
/** Timing convention: the first margin arrives NOW (t = 0, undiscounted,
 *  certain): CLV = m (1+i)/(1+i-r), exactly m more than end-of-period.
 *  @since 1.0 */
#define LOY_CLV_BEGINNING_OF_PERIOD 1

/** Horizon value meaning "infinite horizon" for loy_clv_multiple() and
 *  loy_clv_value(). @since 1.0 */
#define LOY_CLV_HORIZON_INFINITE 0u

/** Rate kind for loy_clv_rate_rescale(): retention, r' = r^f. @since 1.0 */
#define LOY_CLV_RATE_RETENTION 0
/** Rate kind for loy_clv_rate_rescale(): churn, c' = 1 - (1-c)^f.
 *  @since 1.0 */
#define LOY_CLV_RATE_CHURN 1
/** Rate kind for loy_clv_rate_rescale(): discount (compound interest),
 *  i' = (1+i)^f - 1. @since 1.0 */
#define LOY_CLV_RATE_DISCOUNT 2

/**
 * @brief Margin multiple: value of a customer per unit of per-period margin.
 *
 * The k-th margin received (k = 1, 2, ...) is (1+g)^(k-1) per unit and is
 * received only if the customer is still retained. With q = r/(1+i) and
 * p = r(1+g)/(1+i):
 * - #LOY_CLV_END_OF_PERIOD: margins at t = 1..N, multiple
 *   q (1-p^N)/(1-p); infinite horizon r/(1+i-r(1+g)).
 * - #LOY_CLV_BEGINNING_OF_PERIOD: margins at t = 0..N-1, multiple
 *   (1-p^N)/(1-p); infinite horizon (1+i)/(1+i-r(1+g)).
 *
 * Example: r = 0.8, i = 0.1, g = 0: 2.667 (end) and 3.667 (beginning).
 * @param[out] out the multiple; NaN on error.
 * @param retention r per period, in [0, 1].
 * @param discount i per period, > -1.
 * @param growth margin growth g per period, > -1 (0 for constant margins).
 * @param horizon number of margins N >= 1, or #LOY_CLV_HORIZON_INFINITE.
 * @param timing #LOY_CLV_END_OF_PERIOD or #LOY_CLV_BEGINNING_OF_PERIOD.
 * @return LOY_OK; LOY_EINVAL (out NULL, unknown timing); LOY_ENONFINITE;
 *         LOY_EDOMAIN (a rate outside its range, or an infinite horizon
 *         with r(1+g) >= 1+i, where the sum diverges).
 * @since 1.0
 */
LOY_API int loy_clv_multiple(double *out, double retention, double discount,
                             double growth, uint32_t horizon, int timing);

/**
 * @brief Customer lifetime value net of acquisition cost.
 *
 * out = margin * loy_clv_multiple(retention, discount, growth, horizon,
 * timing) - acquisition_cost. Example (MODELS 9): m = 100, r = 0.8,
 * i = 0.1, end-of-period, infinite horizon, no acquisition cost: 266.67.
 * @param[out] out the value; NaN on error.
 * @param margin margin per period m (any finite sign).
 * @param retention r per period, in [0, 1].
 * @param discount i per period, > -1.
 * @param growth margin growth g per period, > -1.
 * @param horizon number of margins, or #LOY_CLV_HORIZON_INFINITE.
 * @param acquisition_cost AC subtracted once, undiscounted (any finite
 *        value; 0 for the gross value).
 * @param timing #LOY_CLV_END_OF_PERIOD or #LOY_CLV_BEGINNING_OF_PERIOD.
 * @return as loy_clv_multiple().
 * @since 1.0
 */
LOY_API int loy_clv_value(double *out, double margin, double retention,
                          double discount, double growth, uint32_t horizon,
                          double acquisition_cost, int timing);

/**
 * @brief Expected (undiscounted) lifetime 1/(1-r) in periods.
 *
 * Counts the current period: a customer with r = 0 lives one period.
 * @param[out] out the expected number of periods; NaN on error.
 * @param retention r per period, in [0, 1).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE or LOY_EDOMAIN (r outside
 *         [0, 1), including r = 1: infinite lifetime).
 * @since 1.0
 */
LOY_API int loy_clv_expected_lifetime(double *out, double retention);

/**
 * @brief Rescale a rate to a period f times as long.
 *
 * Annual to monthly: f = 1/12; monthly to annual: f = 12. Retention uses a
 * constant hazard (r' = r^f), churn its complement (c' = 1 - (1-c)^f),
 * discount compound interest (i' = (1+i)^f - 1).
 * @param[out] out the rescaled rate; NaN on error.
 * @param rate the rate: retention or churn in [0, 1], discount > -1.
 * @param factor f > 0: new period length / old period length.
 * @param kind #LOY_CLV_RATE_RETENTION, #LOY_CLV_RATE_CHURN or
 *        #LOY_CLV_RATE_DISCOUNT.
 * @return LOY_OK, LOY_EINVAL (NULL, unknown kind), LOY_ENONFINITE or
 *         LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_clv_rate_rescale(double *out, double rate, double factor,
                                 int kind);

/**
 * @brief SaaS shorthand LTV = ARPA * gross_margin / churn.
 *
 * Equals the beginning-of-period multiple with i = 0 and r = 1 - churn.
 * @param[out] out the lifetime value; NaN on error.
 * @param arpa average revenue per account per period, >= 0.
 * @param gross_margin gross margin as a fraction, in [0, 1].
 * @param churn churn per period, in (0, 1].
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE (arpa < 0) or
 *         LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_clv_saas_ltv(double *out, double arpa, double gross_margin,
                             double churn);

/**
 * @brief Viral multiplier: CLV including referrals, CLV/(1-k).
 *
 * Each customer brings k further customers of the same value in
 * expectation (and they bring k each, a geometric series).
 * @param[out] out the total value; NaN on error.
 * @param clv value of one customer (any finite sign).
 * @param referrals k, expected referred customers per customer, in [0, 1).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE or LOY_EDOMAIN (k outside
 *         [0, 1): the series diverges for k >= 1).
 * @since 1.0
 */
LOY_API int loy_clv_viral(double *out, double clv, double referrals);

/**
 * @name Purchase-log summary
 *
 * The RFM input of the lifetime models, following the lifetimes package
 * (summary_data_from_transaction_data, calibration_and_holdout_data)
 * exactly.
 *
 * TIME. Purchase times are int64_t in a unit of the caller's choice (days
 * since 1970-01-01, seconds since the epoch, ...), all in the same unit,
 * with |time| < 2^62. A period is a half-open interval
 * [origin + k L, origin + (k+1) L) of length L = period_length: the period
 * index of time t is floor((t - origin) / L). Examples:
 * - days since 1970-01-01, daily periods: L = 1, origin = 0;
 * - days, Monday-Sunday weeks (pandas "W" = "W-SUN", the week labelled by
 *   its Sunday): L = 7, origin = -3 (1969-12-29 was a Monday), i.e. week
 *   index floor((days + 3) / 7);
 * - seconds since the epoch (UTC), daily: L = 86400, origin = 0; weekly
 *   Monday-Sunday: L = 604800, origin = -259200. Convert local time to the
 *   caller's calendar before passing it; the library knows no time zones.
 *
 * RULES. Rows whose period is after the period of observation_end are
 * dropped. Rows of one customer in the same period merge into one
 * transaction (values summed). With k distinct periods, first and last
 * period: x = k - 1, t_x = (last - first) / freq_multiplier,
 * T = (period(observation_end) - first) / freq_multiplier, monetary = mean
 * of the merged values excluding the first period (0 when x = 0).
 * Flag #LOY_RFM_INCLUDE_FIRST gives x = k and monetary = mean over all k
 * periods (segmentation only; never feed it to the lifetime models;
 * PyMC-Marketing further reports recency as T - t_x).
 *
 * CALIBRATION SPLIT (#LOY_RFM_CALIBRATION). Rows with raw time
 * <= calibration_end form the calibration log, summarised as above with
 * observation_end = calibration_end (x, t_x, T, monetary are the `*_cal`
 * values). Rows with calibration_end < time <= observation_end (raw times)
 * form the holdout: x_holdout = number of distinct holdout periods (all of
 * them, first included), monetary_holdout = mean over the RAW holdout rows
 * (not merged; 0 without holdout rows), duration_holdout =
 * (period(observation_end) - period(calibration_end)) / freq_multiplier.
 * Customers without a calibration row are dropped; an empty holdout window
 * is an error (#LOY_EEMPTY).
 *
 * OUTPUT. One row per customer in ascending customer-id order, as columns
 * of double (x and x_holdout hold exact integers) that can be passed to the
 * lifetime models directly. The output does not depend on the order of the
 * input rows except for the rounding of value sums (repeat and holdout
 * sums are compensated, so differences stay in the last bits).
 * @{
 */

/** Summary flag: split at calibration_end into calibration and holdout.
 *  @since 1.0 */
#define LOY_RFM_CALIBRATION 0x1u
/** Summary flag: count the first purchase in x and monetary (segmentation
 *  variant, see above). @since 1.0 */
#define LOY_RFM_INCLUDE_FIRST 0x2u

/** Column: x, repeat purchases (x_cal with a calibration split). @since 1.0 */
#define LOY_RFM_COL_X 0
/** Column: t_x, recency in freq_multiplier periods. @since 1.0 */
#define LOY_RFM_COL_T_X 1
/** Column: T, age at the end of the (calibration) window. @since 1.0 */
#define LOY_RFM_COL_T 2
/** Column: mean value of the repeat purchases (merged per period).
 *  @since 1.0 */
#define LOY_RFM_COL_MONETARY 3
/** Column: distinct holdout periods with a purchase (calibration split
 *  only). @since 1.0 */
#define LOY_RFM_COL_X_HOLDOUT 4
/** Column: mean value of the raw holdout rows (calibration split only).
 *  @since 1.0 */
#define LOY_RFM_COL_MONETARY_HOLDOUT 5

/**
 * @brief Options of a purchase-log summary. NULL means all defaults.
 * @since 1.0
 */
typedef struct loy_rfm_options {
    size_t struct_size;       /**< sizeof(loy_rfm_options). */
    int64_t period_length;    /**< Period length L in time units, > 0;
                                   default 1. */
    int64_t period_origin;    /**< Time at which period 0 starts; default 0;
                                   |origin| < 2^62. */
    double freq_multiplier;   /**< Divisor of period differences (e.g. 7 to
                                   report daily periods in weeks), finite
                                   and >= 2^-990 (about 1e-298, so that
                                   every column is finite); default 1. */
    int64_t calibration_end;  /**< Last time of the calibration window
                                   (inclusive); used only with
                                   #LOY_RFM_CALIBRATION. */
    uint32_t flags;           /**< LOY_RFM_* flags; default 0. */
} loy_rfm_options;

/** Static initialiser for loy_rfm_options (all defaults). @since 1.0 */
#define LOY_RFM_OPTIONS_INIT {sizeof(loy_rfm_options), 1, 0, 1.0, 0, 0u}

/**
 * @brief Counts describing a finished summary.
 * @since 1.0
 */
typedef struct loy_rfm_info {
    size_t struct_size;         /**< sizeof(loy_rfm_info), set by caller. */
    uint64_t n_customers;       /**< Customers in the output. */
    uint64_t n_rows;            /**< Rows added in total. */
    uint64_t n_rows_dropped;    /**< Rows after the observation end. */
    uint64_t n_rows_holdout;    /**< Rows in the holdout window. */
    uint64_t n_customers_dropped; /**< Customers without a calibration row
                                     (first purchase after calibration_end). */
    double duration_holdout;    /**< Holdout length in freq_multiplier
                                     periods; 0 without a calibration split. */
    int32_t calibration;        /**< 1 with a calibration split, else 0. */
} loy_rfm_info;

/** Opaque summary result (columns per customer). @since 1.0 */
typedef struct loy_rfm_summary loy_rfm_summary;
/** Opaque streaming accumulator of purchase rows. @since 1.0 */
typedef struct loy_rfm_builder loy_rfm_builder;

/**
 * @brief Initialise summary options to the defaults.
 * @param[out] opts options to fill (struct_size set).
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_rfm_options_init(loy_rfm_options *opts);

/**
 * @brief Create a streaming accumulator of purchase rows.
 *
 * Memory grows with the customers and the distinct (customer, period)
 * pairs seen (about 8 bytes each, compacted as rows arrive), not with the
 * number of rows, so logs larger than memory can be streamed in chunks.
 * @param[out] out the new builder (NULL on error).
 * @param observation_end last time observed (caller units, inclusive).
 * @param opts options or NULL for defaults.
 * @return LOY_OK; LOY_EINVAL (NULL out, unknown flags, struct_size too
 *         small, observation_end before calibration_end); LOY_ENONFINITE
 *         (freq_multiplier); LOY_EDOMAIN (period_length <= 0,
 *         freq_multiplier below 2^-990, since 1.1; 1.0 accepted any
 *         positive value and could return infinite columns); LOY_ESCALE (a time with |time| >= 2^62
 *         or a holdout longer than 2^32 - 1 periods); LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_rfm_builder_new(loy_rfm_builder **out, int64_t observation_end,
                                const loy_rfm_options *opts);

/**
 * @brief Add a chunk of purchase rows (any order, any chunking).
 *
 * The whole chunk is validated first: on error nothing of it is added and
 * err_index gives the first bad row's position within this chunk.
 * @param b the builder.
 * @param id customer ids (n).
 * @param time purchase times (n), caller units.
 * @param amount purchase values (n), finite and >= 0 (returns are not
 *        purchases: net them out before), or NULL for value-less logs
 *        (monetary columns are then 0).
 * @param n number of rows; 0 adds nothing and returns LOY_OK.
 * @param[out] err_index optional position of the first bad row.
 * @return LOY_OK; LOY_EINVAL (NULL b, id or time with n > 0);
 *         LOY_ENONFINITE (NaN/Inf amount); LOY_ESCALE (negative amount,
 *         |time| >= 2^62, or a kept row more than 2^32 - 1
 *         periods before the end of its window); LOY_ENOMEM (the chunk
 *         may then be partly added: discard the builder).
 * @since 1.0
 */
LOY_API int loy_rfm_builder_add(loy_rfm_builder *b, const uint64_t *id,
                                const int64_t *time, const double *amount,
                                size_t n, size_t *err_index);

/**
 * @brief Summarise the rows added so far.
 *
 * The builder stays valid: more rows may be added and finish called again.
 * @param[out] out the new summary (NULL on error); free it with
 *        loy_rfm_summary_free().
 * @param b the builder.
 * @return LOY_OK; LOY_EINVAL (NULL); LOY_EEMPTY (no customer left, or an
 *         empty holdout window with #LOY_RFM_CALIBRATION); LOY_EOVERFLOW
 *         (since 1.1: a customer's sum of values beyond the largest
 *         double, where 1.0 returned an infinite or NaN mean);
 *         LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_rfm_builder_finish(loy_rfm_summary **out,
                                   loy_rfm_builder *b);

/**
 * @brief Free a builder.
 * @param b the builder or NULL.
 * @since 1.0
 */
LOY_API void loy_rfm_builder_free(loy_rfm_builder *b);

/**
 * @brief Summarise a purchase log held in memory (rows in any order).
 *
 * Same as loy_rfm_builder_new(), one loy_rfm_builder_add() and
 * loy_rfm_builder_finish(), with n = 0 an error.
 * @param[out] out the new summary (NULL on error).
 * @param id customer ids (n).
 * @param time purchase times (n), caller units (see above).
 * @param amount purchase values (n), finite and >= 0, or NULL.
 * @param n number of rows, >= 1.
 * @param observation_end last time observed (inclusive), caller units.
 * @param opts options or NULL for defaults.
 * @param[out] err_index optional position of the first bad row.
 * @return as loy_rfm_builder_new(), loy_rfm_builder_add() and
 *         loy_rfm_builder_finish(); LOY_EEMPTY when n = 0.
 * @since 1.0
 */
LOY_API int loy_rfm_summarize(loy_rfm_summary **out, const uint64_t *id,
                              const int64_t *time, const double *amount,
                              size_t n, int64_t observation_end,
                              const loy_rfm_options *opts, size_t *err_index);

/**
 * @brief Free a summary.
 * @param s the summary or NULL.
 * @since 1.0
 */
LOY_API void loy_rfm_summary_free(loy_rfm_summary *s);

/**
 * @brief Number of customers (rows) of a summary.
 * @param s the summary.
 * @return the count; 0 when s is NULL.
 * @since 1.0
 */
LOY_API size_t loy_rfm_summary_count(const loy_rfm_summary *s);

/**
 * @brief Customer ids, ascending, one per output row.
 * @param[out] out pointer to loy_rfm_summary_count() ids, owned by the
 *        summary and valid until it is freed.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL (NULL argument).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_ids(const uint64_t **out,
                                const loy_rfm_summary *s);

/**
 * @brief One value column of the summary, in output-row order.
 * @param[out] out pointer to loy_rfm_summary_count() values, owned by the
 *        summary and valid until it is freed.
 * @param s the summary.
 * @param column one of the LOY_RFM_COL_* values.
 * @return LOY_OK or LOY_EINVAL (NULL, unknown column, or a holdout column
 *         of a summary without a calibration split).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_column(const double **out,
                                   const loy_rfm_summary *s, int column);

/**
 * @brief Time of each customer's first (calibration) purchase, raw caller
 *        units (not floored to its period).
 * @param[out] out pointer to loy_rfm_summary_count() times, owned by the
 *        summary.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL.
 * @since 1.0
 */
LOY_API int loy_rfm_summary_first_times(const int64_t **out,
                                        const loy_rfm_summary *s);

/**
 * @brief Counts and the holdout duration of a summary.
 * @param[in,out] info struct_size set by the caller; filled up to it.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL (NULL, struct_size too small).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_info(loy_rfm_info *info,
                                 const loy_rfm_summary *s);

/**
 * @brief Opaque purchase-log summary of ONE customer as a mergeable state.
 *
 * The state behind a database aggregate such as
 * `SELECT id, rfm_summary(time, amount, ...) FROM log GROUP BY id`: rows of
 * one customer arrive in any order and pieces (workers, shards,
 * partitions), partial states are merged or serialized, and the final row
 * equals the row loy_rfm_summarize() gives that customer with the same
 * observation_end and options (same rules: periods, dropped rows, merged
 * periods, first purchase, freq_multiplier, #LOY_RFM_INCLUDE_FIRST,
 * #LOY_RFM_CALIBRATION; value sums are compensated, so a different row
 * order changes at most the last bits of monetary). Memory grows with the
 * customer's distinct periods (4 bytes each). Every row added belongs to
 * the customer: the caller groups the rows.
 *
 * One difference follows from seeing one customer only: an empty holdout
 * window is not an error here (x_holdout is 0); the builder's check needs
 * all customers.
 * @since 1.1
 */
typedef struct loy_rfm_customer loy_rfm_customer;

/**
 * @brief Create an empty one-customer summary state.
 * @param[out] out the new state (NULL on error).
 * @param observation_end last time observed (inclusive), caller units.
 * @param opts options or NULL for defaults (as loy_rfm_builder_new()).
 * @return as loy_rfm_builder_new().
 * @since 1.1
 */
LOY_API int loy_rfm_customer_new(loy_rfm_customer **out,
                                 int64_t observation_end,
                                 const loy_rfm_options *opts);

/**
 * @brief Free a one-customer summary state.
 * @param c the state or NULL (a no-op).
 * @since 1.1
 */
LOY_API void loy_rfm_customer_free(loy_rfm_customer *c);

/**
 * @brief Add purchase rows of the customer (any order, any chunking).
 *
 * Validated as loy_rfm_builder_add(): on error nothing of the chunk is
 * added and err_index names the first bad row.
 * @param c the state.
 * @param time purchase times (n), caller units.
 * @param amount purchase values (n), finite and >= 0, or NULL (values 0).
 * @param n number of rows; 0 adds nothing.
 * @param[out] err_index optional position of the first bad row.
 * @return LOY_OK; LOY_EINVAL (NULL c, or time with n > 0); LOY_ENONFINITE;
 *         LOY_ESCALE; LOY_EOVERFLOW (more than 2^64 - 1 rows, or 2^32 - 1
 *         holdout rows); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_rfm_customer_add(loy_rfm_customer *c, const int64_t *time,
                                 const double *amount, size_t n,
                                 size_t *err_index);

/**
 * @brief Merge the rows of one state into another: acc += add.
 * @param[in,out] acc accumulating state.
 * @param add state with the same observation_end and options (may be acc
 *        itself: every row counted twice, which changes only the sums).
 * @return LOY_OK; LOY_EINVAL (NULL, different end or options);
 *         LOY_EOVERFLOW; LOY_ENOMEM (acc may be partly merged).
 * @since 1.1
 */
LOY_API int loy_rfm_customer_merge(loy_rfm_customer *acc,
                                   const loy_rfm_customer *add);

/**
 * @brief The customer's summary row.
 * @param[out] row n_cols values indexed by LOY_RFM_COL_*: x, t_x, T,
 *        monetary, and with #LOY_RFM_CALIBRATION x_holdout,
 *        monetary_holdout.
 * @param n_cols capacity of row: at least 4, or 6 with a calibration
 *        split.
 * @param[out] first_time optional: raw time of the first (calibration)
 *        purchase.
 * @param c the state.
 * @return LOY_OK; LOY_EINVAL (NULL, n_cols too small); LOY_EEMPTY (no row
 *         in the (calibration) window: the builder would drop this
 *         customer).
 * @since 1.1
 */
LOY_API int loy_rfm_customer_row(double *row, size_t n_cols,
                                 int64_t *first_time,
                                 const loy_rfm_customer *c);

/**
 * @brief Serialize a one-customer state into the portable byte form
 *        (16 + 136 + 4 per distinct period bytes).
 *
 * Two-call pattern: with buf NULL and cap 0, *len_out receives the size
 * and the call returns LOY_OK; a buffer that is too small gives
 * #LOY_EBUFSIZE.
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed.
 * @param c the state.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_rfm_customer_serialize(uint8_t *buf, size_t cap,
                                       size_t *len_out,
                                       const loy_rfm_customer *c);

/**
 * @brief Read a one-customer state written by loy_rfm_customer_serialize().
 *
 * The options are checked as loy_rfm_customer_new() would, the period
 * lists must be strictly ordered and inside their windows, and the counts,
 * sums and first purchase must agree with each other; anything else is
 * #LOY_EFORMAT.
 * @param[out] out the new state (NULL on error).
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL; LOY_EFORMAT; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_rfm_customer_deserialize(loy_rfm_customer **out,
                                         const uint8_t *buf, size_t len);

/** @} */ /* Purchase-log summary */

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_CLV_H */
