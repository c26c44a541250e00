-- SPDX-License-Identifier: MIT
-- loyalty 1.0: libloyalty's mergeable states as SQL types and aggregates.
--
-- Every state type is a varlena whose binary form is libloyalty's serialize
-- format (cast to bytea to see the bytes), with a JSON text form. Every
-- aggregate has a transition, combine and final function and is PARALLEL
-- SAFE; the state types are not `internal`, so sharding engines (Citus) can
-- push the aggregates down and combine the partial states.
--
-- Parameters that only the final function needs (interval method and
-- level, cut-offs, CSAT/CES boundaries) must be constants in the aggregate
-- call; to vary them per row, aggregate the tally and call the scalar
-- function (nps_estimate, csat, ces, ...) on it.

\echo Use "CREATE EXTENSION loyalty" to load this file. \quit

-- =====================================================================
-- NPS tallies
-- =====================================================================

CREATE TYPE nps_tally;
CREATE FUNCTION nps_tally_in(cstring) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_tally_out(nps_tally) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_tally_recv(internal) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_tally_send(nps_tally) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE nps_tally (
    INPUT = nps_tally_in, OUTPUT = nps_tally_out,
    RECEIVE = nps_tally_recv, SEND = nps_tally_send,
    INTERNALLENGTH = VARIABLE, STORAGE = plain);
COMMENT ON TYPE nps_tally IS
    'Counts of detractors, passives, promoters (and rejected answers); mergeable';

CREATE CAST (nps_tally AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION nps_tally_from_bytea(bytea) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS nps_tally) WITH FUNCTION nps_tally_from_bytea(bytea);

CREATE FUNCTION make_nps_tally(detractors int8, passives int8, promoters int8)
    RETURNS nps_tally AS 'MODULE_PATHNAME', 'loyalty_make_nps_tally'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE nps_tally_counts AS (detractors int8, passives int8,
    promoters int8, rejected int8, n int8);
CREATE FUNCTION nps_counts(nps_tally) RETURNS nps_tally_counts
    AS 'MODULE_PATHNAME', 'loyalty_nps_counts'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- transition, combine and final functions
CREATE FUNCTION nps_tally_add(nps_tally, int4) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_int'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, int4, int4[]) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_int'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, float8) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_f64'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, float8, int4[]) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_f64'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, int4, text) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_int_extra'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, int4, text, float8) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_int_extra'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, float8, text) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_f64_extra'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_add(nps_tally, float8, text, float8) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_add_f64_extra'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_combine(nps_tally, nps_tally) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_tally_final(nps_tally) RETURNS nps_tally
    AS 'MODULE_PATHNAME', 'loyalty_nps_tally_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE nps_tally(score int4) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_tally_final, PARALLEL = SAFE);
CREATE AGGREGATE nps_tally(score int4, breaks int4[]) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_tally_final, PARALLEL = SAFE);
CREATE AGGREGATE nps_tally(score float8) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_tally_final, PARALLEL = SAFE);
CREATE AGGREGATE nps_tally(score float8, breaks int4[]) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_tally_final, PARALLEL = SAFE);
-- roll-up: tallies of days into weeks, shards into the whole
CREATE AGGREGATE nps_tally(nps_tally) (
    SFUNC = nps_tally_combine, STYPE = nps_tally,
    COMBINEFUNC = nps_tally_combine, FINALFUNC = nps_tally_final,
    PARALLEL = SAFE);

-- point NPS on [-1, 1] (x100 for display); NULL for no answers, like avg()
CREATE FUNCTION nps_final(nps_tally) RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_nps_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE nps(score int4) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_final, PARALLEL = SAFE);
CREATE AGGREGATE nps(score float8) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_final, PARALLEL = SAFE);
-- of a stored tally; of stored tallies: nps(nps_tally(t))
CREATE FUNCTION nps(nps_tally) RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_nps_of_tally'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- NPS with a confidence interval
CREATE TYPE nps_interval AS (nps float8, lower float8, upper float8,
    se float8, n int8, flags int4);
COMMENT ON TYPE nps_interval IS
    'NPS on [-1, 1] with an interval; flags: 1 clipped, 2 n < 30, 4 one class only';
CREATE FUNCTION nps_ci_final(nps_tally, int4) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_ci_final(nps_tally, int4, text) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_ci_final(nps_tally, int4, text, float8) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_ci_final(nps_tally, float8) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_ci_final(nps_tally, float8, text) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_ci_final(nps_tally, float8, text, float8) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_ci_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE nps_ci(score int4) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_ci(score int4, method text) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_ci(score int4, method text, level float8) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_ci(score float8) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_ci(score float8, method text) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_ci(score float8, method text, level float8) (
    SFUNC = nps_tally_add, STYPE = nps_tally, COMBINEFUNC = nps_tally_combine,
    FINALFUNC = nps_ci_final, FINALFUNC_EXTRA, PARALLEL = SAFE);

CREATE FUNCTION nps_estimate(tally nps_tally, method text DEFAULT 'wald',
    level float8 DEFAULT 0.95) RETURNS nps_interval
    AS 'MODULE_PATHNAME', 'loyalty_nps_estimate'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE nps_difference AS (diff float8, lower float8, upper float8,
    se float8, z float8, p_value float8, flags int4);
CREATE FUNCTION nps_compare(a nps_tally, b nps_tally, method text DEFAULT 'wald',
    level float8 DEFAULT 0.95) RETURNS nps_difference
    AS 'MODULE_PATHNAME', 'loyalty_nps_compare'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- weighted tallies (survey weights)
CREATE TYPE nps_wtally;
CREATE FUNCTION nps_wtally_in(cstring) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_wtally_out(nps_wtally) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_wtally_recv(internal) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_wtally_send(nps_wtally) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE nps_wtally (
    INPUT = nps_wtally_in, OUTPUT = nps_wtally_out,
    RECEIVE = nps_wtally_recv, SEND = nps_wtally_send,
    INTERNALLENGTH = VARIABLE, STORAGE = plain);
CREATE CAST (nps_wtally AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION nps_wtally_from_bytea(bytea) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS nps_wtally) WITH FUNCTION nps_wtally_from_bytea(bytea);

CREATE FUNCTION nps_wtally_add(nps_wtally, float8, float8) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_wtally_add(nps_wtally, float8, float8, int4[]) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_wtally_add(nps_wtally, float8, float8, float8) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_add_extra'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_wtally_combine(nps_wtally, nps_wtally) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_wtally_final(nps_wtally) RETURNS nps_wtally
    AS 'MODULE_PATHNAME', 'loyalty_nps_wtally_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE nps_wtally(score float8, weight float8) (
    SFUNC = nps_wtally_add, STYPE = nps_wtally,
    COMBINEFUNC = nps_wtally_combine, FINALFUNC = nps_wtally_final,
    PARALLEL = SAFE);
CREATE AGGREGATE nps_wtally(score float8, weight float8, breaks int4[]) (
    SFUNC = nps_wtally_add, STYPE = nps_wtally,
    COMBINEFUNC = nps_wtally_combine, FINALFUNC = nps_wtally_final,
    PARALLEL = SAFE);
CREATE AGGREGATE nps_wtally(nps_wtally) (
    SFUNC = nps_wtally_combine, STYPE = nps_wtally,
    COMBINEFUNC = nps_wtally_combine, FINALFUNC = nps_wtally_final,
    PARALLEL = SAFE);

CREATE TYPE nps_weighted_interval AS (nps float8, lower float8, upper float8,
    se float8, se_kish float8, n_eff float8, deff float8, n int8,
    sum_w float8, flags int4);
CREATE FUNCTION nps_weighted_final(nps_wtally, float8, float8)
    RETURNS nps_weighted_interval AS 'MODULE_PATHNAME', 'loyalty_nps_weighted_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_weighted_final(nps_wtally, float8, float8, float8)
    RETURNS nps_weighted_interval AS 'MODULE_PATHNAME', 'loyalty_nps_weighted_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE nps_weighted(score float8, weight float8) (
    SFUNC = nps_wtally_add, STYPE = nps_wtally,
    COMBINEFUNC = nps_wtally_combine, FINALFUNC = nps_weighted_final,
    FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE nps_weighted(score float8, weight float8, level float8) (
    SFUNC = nps_wtally_add, STYPE = nps_wtally,
    COMBINEFUNC = nps_wtally_combine, FINALFUNC = nps_weighted_final,
    FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE FUNCTION nps_westimate(tally nps_wtally, level float8 DEFAULT 0.95)
    RETURNS nps_weighted_interval AS 'MODULE_PATHNAME', 'loyalty_nps_westimate'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- =====================================================================
-- score tallies: CSAT and CES
-- =====================================================================

CREATE TYPE score_tally;
CREATE FUNCTION score_tally_in(cstring) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_tally_out(score_tally) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_tally_recv(internal) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_tally_send(score_tally) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE score_tally (
    INPUT = score_tally_in, OUTPUT = score_tally_out,
    RECEIVE = score_tally_recv, SEND = score_tally_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE score_tally IS 'Counts of each rating on a scale lo..hi; mergeable';
CREATE CAST (score_tally AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION score_tally_from_bytea(bytea) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS score_tally) WITH FUNCTION score_tally_from_bytea(bytea);

CREATE FUNCTION score_tally_add(score_tally, int4, int4, int4) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION score_tally_add(score_tally, int4, int4, int4, int4) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION score_tally_add(score_tally, int4, int4, int4, int4, int4)
    RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_add(score_tally, int4) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_csat_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ces_add(score_tally, int4) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_ces_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION score_tally_combine(score_tally, score_tally) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION score_tally_final(score_tally) RETURNS score_tally
    AS 'MODULE_PATHNAME', 'loyalty_score_tally_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE score_tally(score int4, lo int4, hi int4) (
    SFUNC = score_tally_add, STYPE = score_tally,
    COMBINEFUNC = score_tally_combine, FINALFUNC = score_tally_final,
    PARALLEL = SAFE);
CREATE AGGREGATE score_tally(score_tally) (
    SFUNC = score_tally_combine, STYPE = score_tally,
    COMBINEFUNC = score_tally_combine, FINALFUNC = score_tally_final,
    PARALLEL = SAFE);

CREATE TYPE score_counts AS (lo int4, hi int4, counts int8[], rejected int8);
CREATE FUNCTION score_counts(score_tally) RETURNS score_counts
    AS 'MODULE_PATHNAME', 'loyalty_score_counts'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_tally(score_tally, breaks int4[] DEFAULT NULL)
    RETURNS nps_tally AS 'MODULE_PATHNAME', 'loyalty_score_tally_nps'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE TYPE csat_result AS (csat float8, lower float8, upper float8,
    se float8, n int8, top int8, flags int4);
CREATE FUNCTION csat_final(score_tally, int4) RETURNS csat_result
    AS 'MODULE_PATHNAME', 'loyalty_csat_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_final(score_tally, int4, int4, int4, int4) RETURNS csat_result
    AS 'MODULE_PATHNAME', 'loyalty_csat_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- CSAT: share of answers at or above top_min (default 4 on 1..5), Wilson
CREATE AGGREGATE csat(score int4) (
    SFUNC = csat_add, STYPE = score_tally, COMBINEFUNC = score_tally_combine,
    FINALFUNC = csat_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE csat(score int4, lo int4, top_min int4, hi int4) (
    SFUNC = score_tally_add, STYPE = score_tally,
    COMBINEFUNC = score_tally_combine, FINALFUNC = csat_final,
    FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE FUNCTION csat(tally score_tally, top_min int4, level float8 DEFAULT 0.95)
    RETURNS csat_result AS 'MODULE_PATHNAME', 'loyalty_csat_of_tally'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE ces_result AS (mean float8, lower float8, upper float8,
    sd float8, se float8, agree float8, disagree float8, n int8, flags int4);
CREATE FUNCTION ces_final(score_tally, int4) RETURNS ces_result
    AS 'MODULE_PATHNAME', 'loyalty_ces_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ces_final(score_tally, int4, int4, int4, int4, int4) RETURNS ces_result
    AS 'MODULE_PATHNAME', 'loyalty_ces_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- CES 2.0 on 1..7: mean with interval, agree (5-7) and disagree (1-3)
CREATE AGGREGATE ces(score int4) (
    SFUNC = ces_add, STYPE = score_tally, COMBINEFUNC = score_tally_combine,
    FINALFUNC = ces_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE ces(score int4, lo int4, disagree_max int4, agree_min int4,
    hi int4) (
    SFUNC = score_tally_add, STYPE = score_tally,
    COMBINEFUNC = score_tally_combine, FINALFUNC = ces_final,
    FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE FUNCTION ces(tally score_tally, disagree_max int4, agree_min int4,
    level float8 DEFAULT 0.95) RETURNS ces_result
    AS 'MODULE_PATHNAME', 'loyalty_ces_of_tally'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- =====================================================================
-- purchase-log summary per customer
-- =====================================================================

CREATE TYPE rfm_customer;
CREATE FUNCTION rfm_customer_in(cstring) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_customer_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_customer_out(rfm_customer) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_rfm_customer_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_customer_recv(internal) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_customer_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_customer_send(rfm_customer) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_rfm_customer_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE rfm_customer (
    INPUT = rfm_customer_in, OUTPUT = rfm_customer_out,
    RECEIVE = rfm_customer_recv, SEND = rfm_customer_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE rfm_customer IS
    'Purchase-log state of one customer (periods, value sums); mergeable';
CREATE CAST (rfm_customer AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION rfm_customer_from_bytea(bytea) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_customer_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS rfm_customer) WITH FUNCTION rfm_customer_from_bytea(bytea);

CREATE TYPE rfm AS (x float8, t_x float8, t float8, monetary float8,
    x_holdout float8, monetary_holdout float8);
COMMENT ON TYPE rfm IS
    'Repeat purchases x, recency t_x, age T, mean repeat value; holdout with a calibration split';

CREATE FUNCTION rfm_add(rfm_customer, date, float8, date) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_add(rfm_customer, date, float8, date, text) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_add(rfm_customer, date, float8, date, text, float8)
    RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_add(rfm_customer, date, float8, date, date) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_cal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_add(rfm_customer, date, float8, date, date, text, float8)
    RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_cal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_add(rfm_customer, int8, float8, int8, int8, int8, float8, bool)
    RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_add_raw' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_combine(rfm_customer, rfm_customer) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_final(rfm_customer) RETURNS rfm
    AS 'MODULE_PATHNAME', 'loyalty_rfm_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_state_final(rfm_customer) RETURNS rfm_customer
    AS 'MODULE_PATHNAME', 'loyalty_rfm_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_row(rfm_customer) RETURNS rfm
    AS 'MODULE_PATHNAME', 'loyalty_rfm_row' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- daily periods (or period 'week' = Monday-Sunday), freq_multiplier divides
-- period differences (7: daily periods reported in weeks)
CREATE AGGREGATE rfm_summary(purchased date, amount float8, observation_end date) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
CREATE AGGREGATE rfm_summary(purchased date, amount float8, observation_end date,
    period text) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
CREATE AGGREGATE rfm_summary(purchased date, amount float8, observation_end date,
    period text, freq_multiplier float8) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
-- raw time units: any integer clock, any period length and origin
CREATE AGGREGATE rfm_summary(purchased int8, amount float8, observation_end int8,
    period_length int8, period_origin int8, freq_multiplier float8,
    include_first bool) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
-- calibration / holdout split at calibration_end (inclusive)
CREATE AGGREGATE rfm_calibration(purchased date, amount float8,
    calibration_end date, observation_end date) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
CREATE AGGREGATE rfm_calibration(purchased date, amount float8,
    calibration_end date, observation_end date, period text,
    freq_multiplier float8) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_final, SSPACE = 1024, PARALLEL = SAFE);
-- the state itself, to store and roll up later
CREATE AGGREGATE rfm_customer(purchased date, amount float8, observation_end date) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_state_final, SSPACE = 1024, PARALLEL = SAFE);
CREATE AGGREGATE rfm_customer(purchased date, amount float8, observation_end date,
    period text, freq_multiplier float8) (
    SFUNC = rfm_add, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_state_final, SSPACE = 1024, PARALLEL = SAFE);
CREATE AGGREGATE rfm_customer(rfm_customer) (
    SFUNC = rfm_combine, STYPE = rfm_customer, COMBINEFUNC = rfm_combine,
    FINALFUNC = rfm_state_final, SSPACE = 1024, PARALLEL = SAFE);

-- =====================================================================
-- lifetime models
-- =====================================================================

CREATE TYPE pattern_table;
CREATE FUNCTION pattern_table_in(cstring) RETURNS pattern_table
    AS 'MODULE_PATHNAME', 'loyalty_pattern_table_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pattern_table_out(pattern_table) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_pattern_table_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pattern_table_recv(internal) RETURNS pattern_table
    AS 'MODULE_PATHNAME', 'loyalty_pattern_table_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pattern_table_send(pattern_table) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_pattern_table_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE pattern_table (
    INPUT = pattern_table_in, OUTPUT = pattern_table_out,
    RECEIVE = pattern_table_recv, SEND = pattern_table_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE pattern_table IS
    'Distinct (x, t_x, T) customer patterns with weights (and (x, m) spend patterns); mergeable';
CREATE CAST (pattern_table AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION pattern_table_from_bytea(bytea) RETURNS pattern_table
    AS 'MODULE_PATHNAME', 'loyalty_pattern_table_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS pattern_table) WITH FUNCTION pattern_table_from_bytea(bytea);

CREATE FUNCTION pattern_add(pattern_table, float8, float8, float8)
    RETURNS pattern_table AS 'MODULE_PATHNAME', 'loyalty_patterns_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_add(pattern_table, float8, float8, float8, float8)
    RETURNS pattern_table AS 'MODULE_PATHNAME', 'loyalty_patterns_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_add(pattern_table, float8, float8, float8, float8, float8)
    RETURNS pattern_table AS 'MODULE_PATHNAME', 'loyalty_patterns_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_combine(pattern_table, pattern_table) RETURNS pattern_table
    AS 'MODULE_PATHNAME', 'loyalty_patterns_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_final(pattern_table) RETURNS pattern_table
    AS 'MODULE_PATHNAME', 'loyalty_patterns_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE pattern_table(x float8, t_x float8, t float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = pattern_final, PARALLEL = SAFE);
CREATE AGGREGATE pattern_table(x float8, t_x float8, t float8, monetary float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = pattern_final, PARALLEL = SAFE);
-- monetary may be NULL throughout (no spend patterns); weight >= 0
CREATE AGGREGATE pattern_table(x float8, t_x float8, t float8, monetary float8,
    weight float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = pattern_final, PARALLEL = SAFE);
CREATE AGGREGATE pattern_table(pattern_table) (
    SFUNC = pattern_combine, STYPE = pattern_table,
    COMBINEFUNC = pattern_combine, FINALFUNC = pattern_final, PARALLEL = SAFE);

CREATE TYPE pattern_info AS (patterns int8, spend_patterns int8, rows int8,
    customers float8, spend_customers float8, zero_spend_customers float8,
    monetary bool);
CREATE FUNCTION pattern_info(pattern_table) RETURNS pattern_info
    AS 'MODULE_PATHNAME', 'loyalty_pattern_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lifetime_fit AS (model text, params float8[], se float8[],
    loglik float8, customers float8, patterns int8, iterations int4,
    converged bool);
COMMENT ON TYPE lifetime_fit IS
    'bgnbd {r, alpha, a, b}, mbgnbd {r, alpha, a, b}, pnbd {r, alpha, s, beta}, ggamma {p, q, gamma}';

CREATE FUNCTION bgnbd_final(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_bgnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mbgnbd_final(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_mbgnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pnbd_final(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_pnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ggamma_final(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_ggamma_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE bgnbd_fit(x float8, t_x float8, t float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = bgnbd_final, PARALLEL = SAFE);
CREATE AGGREGATE mbgnbd_fit(x float8, t_x float8, t float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = mbgnbd_final, PARALLEL = SAFE);
CREATE AGGREGATE pnbd_fit(x float8, t_x float8, t float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = pnbd_final, PARALLEL = SAFE);
CREATE AGGREGATE ggamma_fit(x float8, t_x float8, t float8, monetary float8) (
    SFUNC = pattern_add, STYPE = pattern_table, COMBINEFUNC = pattern_combine,
    FINALFUNC = ggamma_final, PARALLEL = SAFE);
CREATE FUNCTION bgnbd_fit(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_bgnbd_fit_table'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mbgnbd_fit(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_mbgnbd_fit_table'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pnbd_fit(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_pnbd_fit_table'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ggamma_fit(pattern_table) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_ggamma_fit_table'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION make_lifetime_fit(model text, params float8[]) RETURNS lifetime_fit
    AS 'MODULE_PATHNAME', 'loyalty_make_fit'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION palive(fit lifetime_fit, x float8, t_x float8, t float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'loyalty_palive'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_purchases(fit lifetime_fit, x float8, t_x float8,
    t float8, horizon float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_expected_purchases'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(fit lifetime_fit, x float8, t_x float8, t float8,
    margin float8, discount_rate float8, horizon float8 DEFAULT 0)
    RETURNS float8 AS 'MODULE_PATHNAME', 'loyalty_clv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION expected_spend(fit lifetime_fit, x float8, monetary float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'loyalty_expected_spend'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- =====================================================================
-- ABC classes and the ABC x loyalty crossing
-- =====================================================================

CREATE FUNCTION abc_values_add(float8[], float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_values_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abc_values_add(float8[], float8, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_values_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abc_values_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_values_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE TYPE abc_summary AS (threshold_ab float8, threshold_bc float8,
    customers int8, count_a int8, count_b int8, count_c int8, value_a float8,
    value_b float8, value_c float8, total_value float8, cut_a float8,
    cut_b float8);
COMMENT ON TYPE abc_summary IS
    'A = value >= threshold_ab, B = value >= threshold_bc, C the rest (rule AFTER, ties never split)';
CREATE FUNCTION abc_final(float8[], float8) RETURNS abc_summary
    AS 'MODULE_PATHNAME', 'loyalty_abc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abc_final(float8[], float8, float8, float8) RETURNS abc_summary
    AS 'MODULE_PATHNAME', 'loyalty_abc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE abc_thresholds(value float8) (
    SFUNC = abc_values_add, STYPE = float8[], COMBINEFUNC = abc_values_combine,
    FINALFUNC = abc_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE AGGREGATE abc_thresholds(value float8, cut_a float8, cut_b float8) (
    SFUNC = abc_values_add, STYPE = float8[], COMBINEFUNC = abc_values_combine,
    FINALFUNC = abc_final, FINALFUNC_EXTRA, PARALLEL = SAFE);
CREATE FUNCTION abc_class(value float8, thresholds abc_summary) RETURNS text
    AS 'MODULE_PATHNAME', 'loyalty_abc_class'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE segment_tally;
CREATE FUNCTION segment_tally_in(cstring) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_tally_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION segment_tally_out(segment_tally) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_segment_tally_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION segment_tally_recv(internal) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_tally_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION segment_tally_send(segment_tally) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_segment_tally_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE segment_tally (
    INPUT = segment_tally_in, OUTPUT = segment_tally_out,
    RECEIVE = segment_tally_recv, SEND = segment_tally_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE segment_tally IS
    'ABC x loyalty crossing: counts and value sums per cell; mergeable';
CREATE CAST (segment_tally AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION segment_tally_from_bytea(bytea) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_tally_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS segment_tally) WITH FUNCTION segment_tally_from_bytea(bytea);

CREATE FUNCTION segment_add(segment_tally, text, int4, float8) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION segment_add(segment_tally, text, int4, float8, float8, float8)
    RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION segment_combine(segment_tally, segment_tally) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION segment_final(segment_tally) RETURNS segment_tally
    AS 'MODULE_PATHNAME', 'loyalty_segment_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- value class 'A'/'B'/'C', 0-10 score (NULL: no answer), value >= 0
CREATE AGGREGATE abc_loyalty(value_class text, score int4, value float8) (
    SFUNC = segment_add, STYPE = segment_tally, COMBINEFUNC = segment_combine,
    FINALFUNC = segment_final, PARALLEL = SAFE);
CREATE AGGREGATE abc_loyalty(value_class text, score int4, value float8,
    lifetime_value float8, churn_prob float8) (
    SFUNC = segment_add, STYPE = segment_tally, COMBINEFUNC = segment_combine,
    FINALFUNC = segment_final, PARALLEL = SAFE);
CREATE AGGREGATE abc_loyalty(segment_tally) (
    SFUNC = segment_combine, STYPE = segment_tally,
    COMBINEFUNC = segment_combine, FINALFUNC = segment_final, PARALLEL = SAFE);

CREATE FUNCTION abc_loyalty_cells(tally segment_tally, method text DEFAULT 'wald',
    level float8 DEFAULT 0.95, small_n int4 DEFAULT 30)
    RETURNS TABLE (value_class text, loyalty text, potential text,
                   customers int8, value float8, value_share float8,
                   small bool, action text, mean_ltv float8)
    AS 'MODULE_PATHNAME', 'loyalty_abc_loyalty_cells'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
CREATE FUNCTION abc_loyalty_classes(tally segment_tally, method text DEFAULT 'wald',
    level float8 DEFAULT 0.95)
    RETURNS TABLE (value_class text, customers int8, value float8,
                   respondents int8, nps float8, nps_lower float8,
                   nps_upper float8, rw_nps float8, value_at_risk float8)
    AS 'MODULE_PATHNAME', 'loyalty_abc_loyalty_classes'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;

-- =====================================================================
-- key-driver analysis
-- =====================================================================

CREATE TYPE moments;
CREATE FUNCTION moments_in(cstring) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION moments_out(moments) RETURNS cstring
    AS 'MODULE_PATHNAME', 'loyalty_moments_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION moments_recv(internal) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION moments_send(moments) RETURNS bytea
    AS 'MODULE_PATHNAME', 'loyalty_moments_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE moments (
    INPUT = moments_in, OUTPUT = moments_out,
    RECEIVE = moments_recv, SEND = moments_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE moments IS
    'Moment tally (weighted means and co-moments of k columns, optional Poisson bootstrap replicates); mergeable';
CREATE CAST (moments AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION moments_from_bytea(bytea) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_from_bytea'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS moments) WITH FUNCTION moments_from_bytea(bytea);

CREATE FUNCTION moments_add(moments, float8[]) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION moments_add(moments, float8[], float8) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION moments_add(moments, float8[], float8, text) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION moments_add(moments, float8[], float8, text, int8) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION prca_add(moments, float8, float8[]) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_prca_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION prca_add(moments, float8, float8[], float8, float8) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_prca_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION prca_add(moments, float8, float8[], float8, float8, float8)
    RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_prca_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION moments_combine(moments, moments) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION moments_final(moments) RETURNS moments
    AS 'MODULE_PATHNAME', 'loyalty_moments_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- x: the outcome first, then the drivers (NULL elements are missing);
-- options: listwise (default) | pairwise | strict, integer, skip_invalid,
-- scale=LO:HI, bootstrap=N, seed=N (bootstrap needs the id argument)
CREATE AGGREGATE moments(x float8[]) (
    SFUNC = moments_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE moments(x float8[], weight float8) (
    SFUNC = moments_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE moments(x float8[], weight float8, options text) (
    SFUNC = moments_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE moments(x float8[], weight float8, options text, id int8) (
    SFUNC = moments_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE moments(moments) (
    SFUNC = moments_combine, STYPE = moments,
    COMBINEFUNC = moments_combine, FINALFUNC = moments_final, PARALLEL = SAFE);
-- penalty-reward tally: columns [y, L_1..L_p, H_1..H_p], L = rating <=
-- low_max (default 6), H = rating >= high_min (default 9)
CREATE AGGREGATE prca_tally(y float8, ratings float8[]) (
    SFUNC = prca_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE prca_tally(y float8, ratings float8[], low_max float8,
    high_min float8) (
    SFUNC = prca_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);
CREATE AGGREGATE prca_tally(y float8, ratings float8[], low_max float8,
    high_min float8, weight float8) (
    SFUNC = prca_add, STYPE = moments, COMBINEFUNC = moments_combine,
    FINALFUNC = moments_final, PARALLEL = SAFE);

CREATE TYPE moments_info AS (columns int4, n int8, sum_w float8, n_min int8,
    rows_missing int8, rows_invalid int8, rows_zero_weight int8,
    replicates int4, seed int8, integer_sums bool, missing text);
CREATE FUNCTION moments_info(moments) RETURNS moments_info
    AS 'MODULE_PATHNAME', 'loyalty_moments_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION moments_mean(moments) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_moments_mean'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- population (weighted) covariances and correlations, k x k
CREATE FUNCTION moments_cov(moments) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_moments_cov'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION moments_cor(moments) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'loyalty_moments_cor'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- names: the outcome's, then one per driver. The lmg_share interval
-- columns are filled from bootstrap replicates (moments(..., 'bootstrap=N',
-- id)) or by drivers_jackknife, else NULL.
CREATE FUNCTION drivers(m moments, names text[], level float8 DEFAULT 0.95)
    RETURNS TABLE (driver text, lmg float8, lmg_share float8,
                   lmg_share_se float8, lmg_share_lower float8,
                   lmg_share_upper float8, rank int4, first float8,
                   last float8, beta float8, beta_se float8, beta_std float8,
                   t float8, p float8, rw_share float8, pratt float8)
    AS 'MODULE_PATHNAME', 'loyalty_drivers'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
-- parts: G >= 2 tallies of disjoint groups of rows (e.g. GROUP BY id % 10)
CREATE FUNCTION drivers_jackknife(parts moments[], names text[],
    level float8 DEFAULT 0.95)
    RETURNS TABLE (driver text, lmg float8, lmg_share float8,
                   lmg_share_se float8, lmg_share_lower float8,
                   lmg_share_upper float8, rank int4, first float8,
                   last float8, beta float8, beta_se float8, beta_std float8,
                   t float8, p float8, rw_share float8, pratt float8)
    AS 'MODULE_PATHNAME', 'loyalty_drivers_jackknife'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE TYPE drivers_fit AS (n int8, sum_w float8, r2 float8, r2_adj float8,
    f float8, f_p float8, df_resid float8, intercept float8);
CREATE FUNCTION drivers_fit(m moments) RETURNS drivers_fit
    AS 'MODULE_PATHNAME', 'loyalty_drivers_fit'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- names: one per rating; kano: basic, performance, excitement, low impact
CREATE FUNCTION prca(m moments, names text[], alpha float8 DEFAULT 0.05)
    RETURNS TABLE (attribute text, penalty float8, reward float8,
                   asymmetry float8, penalty_p float8, reward_p float8,
                   asymmetry_p float8, kano text)
    AS 'MODULE_PATHNAME', 'loyalty_prca'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

-- =====================================================================
-- consistency: funnels of units, control charts of periods, chart design
-- =====================================================================
-- Rows come as parallel arrays, typically array_agg() over a GROUP BY
-- result: units text[], (periods anyarray,) tallies nps_tally[]. Rows of
-- one unit (and period) are merged; a NULL tally is a row without
-- answers. Units keep their order of first appearance; the period axis is
-- every distinct period, ascending; a unit with no answers in a period
-- has a gap there (no point, no chart update). NULL arrays give no rows.

-- Funnel: every unit against the pooled NPS (or a fixed target given by
-- both target shares), limits at two levels at the unit's size (widened
-- by the overdispersion adjustment if chosen; not clipped to [-1, 1]),
-- Bonferroni and Benjamini-Hochberg flags, empirical-Bayes shrunk NPS.
CREATE FUNCTION nps_funnel(units text[], tallies nps_tally[],
    target_promoters float8 DEFAULT NULL, target_detractors float8 DEFAULT NULL,
    inner_level float8 DEFAULT 0.95, outer_level float8 DEFAULT 0.998,
    overdispersion text DEFAULT 'none', winsor float8 DEFAULT 0.1,
    alpha float8 DEFAULT 0.05, exact bool DEFAULT false)
    RETURNS TABLE (unit text, n int8, nps float8, se float8, z float8,
                   z_adjusted float8, p_value float8, lower_inner float8,
                   upper_inner float8, lower_outer float8, upper_outer float8,
                   shrunk float8, shrunk_se float8, p_lower float8,
                   p_upper float8, flags text[])
    AS 'MODULE_PATHNAME', 'loyalty_nps_funnel'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
CREATE TYPE nps_funnel_fit AS (units int4, used int4, degenerate int4,
    n int8, target float8, target_promoters float8, target_detractors float8,
    target_variance float8, inner_level float8, outer_level float8,
    z_inner float8, z_outer float8, overdispersion text, phi float8,
    tau2_od float8, alpha float8, outside_inner int4, outside_outer int4,
    exact_inner int4, exact_outer int4, bonferroni int4, fdr int4,
    fdr_p float8, fdr_z float8, fixed_mean float8, q float8, tau2 float8,
    tau float8, i2 float8, mu float8, mu_se float8, flags text[]);
CREATE FUNCTION nps_funnel_summary(units text[], tallies nps_tally[],
    target_promoters float8 DEFAULT NULL, target_detractors float8 DEFAULT NULL,
    inner_level float8 DEFAULT 0.95, outer_level float8 DEFAULT 0.998,
    overdispersion text DEFAULT 'none', winsor float8 DEFAULT 0.1,
    alpha float8 DEFAULT 0.05, exact bool DEFAULT false)
    RETURNS nps_funnel_fit
    AS 'MODULE_PATHNAME', 'loyalty_nps_funnel_summary'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Control charts per unit over the period axis: Shewhart, Laney, EWMA,
-- CUSUM and runs signals against each unit's baseline window (positions
-- baseline_start .. +baseline_length - 1 on the axis, 1-based; NULL
-- length: through the last period) or a fixed target.
CREATE FUNCTION nps_chart(units text[], periods anyarray, tallies nps_tally[],
    target_promoters float8 DEFAULT NULL, target_detractors float8 DEFAULT NULL,
    baseline_start int4 DEFAULT 1, baseline_length int4 DEFAULT NULL,
    shewhart_limit float8 DEFAULT 3, ewma_lambda float8 DEFAULT 0.2,
    ewma_limit float8 DEFAULT 3, cusum_k float8 DEFAULT 0.5,
    cusum_h float8 DEFAULT 5)
    RETURNS TABLE (unit text, period anyelement, n int8, nps float8,
                   centre float8, shewhart_lower float8,
                   shewhart_upper float8, laney_lower float8,
                   laney_upper float8, ewma float8, ewma_lower float8,
                   ewma_upper float8, cusum_upper float8, cusum_lower float8,
                   baseline bool, signals text[])
    AS 'MODULE_PATHNAME', 'loyalty_nps_chart'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
CREATE FUNCTION nps_chart_summary(units text[], periods anyarray,
    tallies nps_tally[],
    target_promoters float8 DEFAULT NULL, target_detractors float8 DEFAULT NULL,
    baseline_start int4 DEFAULT 1, baseline_length int4 DEFAULT NULL,
    shewhart_limit float8 DEFAULT 3, ewma_lambda float8 DEFAULT 0.2,
    ewma_limit float8 DEFAULT 3, cusum_k float8 DEFAULT 0.5,
    cusum_h float8 DEFAULT 5)
    RETURNS TABLE (unit text, centre float8, sigma float8, sigma_z float8,
                   n_points int4, n_useful int4, longest_run int4,
                   longest_run_limit int4, crossings int4,
                   crossings_limit int4, first_shewhart anyelement,
                   first_laney anyelement, first_ewma anyelement,
                   first_cusum anyelement, flags text[])
    AS 'MODULE_PATHNAME', 'loyalty_nps_chart_summary'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;

-- Change of every unit's NPS from `lag` positions back on the period axis
-- (the two-sample comparison of nps_compare), and the trend of the
-- top-box share P / (P + A) per position on the axis (quasi-binomial
-- logistic regression).
CREATE FUNCTION nps_change(units text[], periods anyarray, tallies nps_tally[],
    lag int4 DEFAULT 1, method text DEFAULT 'wald', level float8 DEFAULT 0.95)
    RETURNS TABLE (unit text, period anyelement, previous anyelement,
                   diff float8, se float8, z float8, p_value float8,
                   lower float8, upper float8, flags text[])
    AS 'MODULE_PATHNAME', 'loyalty_nps_change'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
CREATE FUNCTION nps_topbox_trend(units text[], periods anyarray,
    tallies nps_tally[], level float8 DEFAULT 0.95)
    RETURNS TABLE (unit text, slope float8, se float8, lower float8,
                   upper float8, p_value float8, dispersion float8,
                   share_first float8, share_last float8, n_periods int4,
                   flags text[])
    AS 'MODULE_PATHNAME', 'loyalty_nps_topbox_trend'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;

-- Chart design: average run lengths for N(shift, 1) observations, and the
-- EWMA limit L / CUSUM interval h with a given in-control ARL.
-- sides: 'two', 'upper', 'lower'.
CREATE FUNCTION ewma_arl(lambda float8, ewma_limit float8,
    shift float8 DEFAULT 0, sides text DEFAULT 'two',
    head_start float8 DEFAULT 0, reflect float8 DEFAULT 0) RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_ewma_arl'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cusum_arl(k float8, h float8, shift float8 DEFAULT 0,
    sides text DEFAULT 'two', head_start float8 DEFAULT 0) RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_cusum_arl'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ewma_limit(lambda float8, arl0 float8,
    sides text DEFAULT 'two') RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_ewma_limit'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cusum_limit(k float8, arl0 float8,
    sides text DEFAULT 'two') RETURNS float8
    AS 'MODULE_PATHNAME', 'loyalty_cusum_limit'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
