-- NPS tallies, estimates and comparisons; published reference values
-- (MODELS.md 1.10) and the byte form.
SET extra_float_digits = 0;

-- R NPS reference values
SELECT round(nps(s)::numeric, 10) AS nps_1_3 FROM unnest(ARRAY[0,7,7,9,9,9]) s;
SELECT nps(s) AS minus_one FROM unnest(ARRAY[0]) s;
SELECT nps(s) AS one FROM unnest(ARRAY[10]) s;
SELECT nps(s) AS zero FROM unnest(ARRAY[7]) s;
-- nps(1:15, breaks = c(0, 6, 8, 15)) = 2/30, variance 0.8622 (tol 0.002)
SELECT round(nps((nps_tally(s, ARRAY[0,6,8,15])))::numeric, 10) AS nps_2_30,
       abs((nps_estimate(nps_tally(s, ARRAY[0,6,8,15]))).se ^ 2 * 15 - 0.8622) < 0.002
           AS variance_ok
FROM generate_series(1, 15) s;
-- pooled segments (D, A, P) {2,0,3} + {4,3,1} + {4,3,0} = (10, 6, 4): -0.3
SELECT nps_counts(nps_tally(t)), round(nps(nps_tally(t))::numeric, 10) AS pooled
FROM (VALUES (make_nps_tally(2,0,3)), (make_nps_tally(4,3,1)),
             (make_nps_tally(4,3,0))) v(t);
-- whuber case: D = 54, A = 108, P = 162 (Wald, adjusted Wald, Tango)
SELECT method, round(e.nps::numeric, 6) AS nps, round(e.lower::numeric, 6) AS lower,
       round(e.upper::numeric, 6) AS upper, round(e.se::numeric, 6) AS se, e.n, e.flags
FROM unnest(ARRAY['wald', 'adjusted', 'score']) method,
     LATERAL nps_estimate(make_nps_tally(54, 108, 162), method) e;

-- the aggregates on the answers
SELECT branch, nps_counts(nps_tally(score)), round(nps(score)::numeric, 6) AS nps
FROM answers GROUP BY branch ORDER BY branch;
SELECT branch, round((c).lower::numeric, 6) AS lower, round((c).upper::numeric, 6) AS upper,
       (c).n, (c).flags
FROM (SELECT branch, nps_ci(score, 'adjusted', 0.9) AS c FROM answers GROUP BY branch) s
ORDER BY branch;
-- nps_ci equals nps_estimate of the tally, with the default method too
SELECT nps_ci(score) = nps_estimate(nps_tally(score)) AS same_wald,
       nps_ci(score, 'score') = nps_estimate(nps_tally(score), 'score') AS same_score,
       nps_ci(score::float8, 'adjusted', 0.8)
           = nps_estimate(nps_tally(score), 'adjusted', 0.8) AS same_float
FROM answers;
-- float scores and int scores give the same tally; NULLs are skipped
SELECT nps_tally(score)::bytea = nps_tally(score::float8)::bytea AS same_tally,
       nps_counts(nps_tally(CASE WHEN id % 10 = 0 THEN NULL ELSE score END))
FROM answers;
-- no rows: an empty tally, NULL estimates
SELECT nps_tally(score), nps(score), nps_ci(score) FROM answers WHERE false;

-- two branches compared (Wald and adjusted Wald)
SELECT method, round(d.diff::numeric, 6) AS diff, round(d.lower::numeric, 6) AS lower,
       round(d.upper::numeric, 6) AS upper, round(d.p_value::numeric, 6) AS p_value
FROM unnest(ARRAY['wald', 'adjusted']) method,
     LATERAL nps_compare(
        (SELECT nps_tally(score) FROM answers WHERE branch = 2),
        (SELECT nps_tally(score) FROM answers WHERE branch = 3), method) d;

-- roll-up: daily tallies stored, then rolled up to the whole, byte for byte
CREATE TABLE daily AS SELECT day, nps_tally(score) AS t FROM answers GROUP BY day;
SELECT count(*) AS days FROM daily;
SELECT (SELECT nps_tally(t)::bytea FROM daily) = (SELECT nps_tally(score)::bytea FROM answers)
    AS rollup_bytes_equal;
-- weekly tallies rolled up to months equal monthly tallies of the rows
SELECT bool_and(m.t::bytea = r.t::bytea) AS weeks_to_months_equal, count(*) AS months
FROM (SELECT date_trunc('month', day) AS month, nps_tally(t) AS t
      FROM (SELECT day, nps_tally(score) AS t FROM answers GROUP BY day) d
      GROUP BY 1) m
JOIN (SELECT date_trunc('month', day) AS month, nps_tally(score) AS t
      FROM answers GROUP BY 1) r USING (month);

-- text and binary forms round-trip exactly
SELECT t::text AS text_form, t::bytea AS bytes FROM daily ORDER BY day LIMIT 1;
SELECT bool_and(t::text::nps_tally::bytea = t::bytea) AS text_round_trip,
       bool_and(t::bytea::nps_tally::bytea = t::bytea) AS bytea_round_trip,
       bool_and(nps_tally_send(t) = t::bytea) AS send_is_bytes
FROM daily;
COPY (SELECT day, t FROM daily) TO '/tmp/loyalty_regress_daily.bin' WITH (FORMAT binary);
CREATE TABLE daily2 (day date, t nps_tally);
COPY daily2 FROM '/tmp/loyalty_regress_daily.bin' WITH (FORMAT binary);
SELECT count(*) AS rows, bool_and(a.t::bytea = b.t::bytea) AS binary_copy_equal
FROM daily a JOIN daily2 b USING (day);

-- the transition and combine functions called directly, on hand-built
-- and empty states; arguments are never modified
SELECT nps_tally_combine(make_nps_tally(1, 2, 3), make_nps_tally(10, 20, 30));
SELECT nps_tally_combine(make_nps_tally(0, 0, 0), make_nps_tally(4, 5, 6))::bytea
     = make_nps_tally(4, 5, 6)::bytea AS zero_plus_s,
       nps_tally_combine(make_nps_tally(4, 5, 6), make_nps_tally(0, 0, 0))::bytea
     = make_nps_tally(4, 5, 6)::bytea AS s_plus_zero,
       nps_tally_combine(NULL, make_nps_tally(4, 5, 6))::bytea
     = make_nps_tally(4, 5, 6)::bytea AS null_plus_s,
       nps_tally_combine(NULL, NULL) IS NULL AS null_plus_null;
WITH a AS (SELECT nps_tally(score) t FROM answers WHERE score IN (0, 3, 7)),
     b AS (SELECT nps_tally(score) t FROM answers WHERE score NOT IN (0, 3, 7)),
     all_rows AS (SELECT nps_tally(score) t FROM answers)
SELECT nps_tally_combine(a.t, b.t)::bytea = all_rows.t::bytea AS disjoint_parts_combine
FROM a, b, all_rows;
SELECT nps_tally_add(make_nps_tally(1, 1, 1), 10) AS added,
       nps_tally_add(make_nps_tally(1, 1, 1), NULL::int4) AS null_skipped;
SELECT '{"detractors": 0, "passives": 0, "promoters": 0, "rejected": 0}'::nps_tally::bytea
     = make_nps_tally(0, 0, 0)::bytea AS empty_from_text;

-- weighted: integer weights give exactly the unweighted counts
SELECT nps_wtally(score, 1.0) FROM answers WHERE branch = 1;
SELECT round((w).nps::numeric, 6) AS nps, round((w).lower::numeric, 6) AS lower,
       round((w).upper::numeric, 6) AS upper, round((w).n_eff::numeric, 3) AS n_eff,
       round((w).deff::numeric, 6) AS deff, (w).n
FROM (SELECT nps_weighted(score, weight, 0.9) AS w FROM answers) s;
SELECT nps_weighted(score, weight) = nps_westimate(nps_wtally(score, weight)) AS same
FROM answers;
SELECT (SELECT nps_wtally(t)::text FROM
          (SELECT branch, nps_wtally(score, 2.0) t FROM answers GROUP BY branch) s)
     = (SELECT nps_wtally(score, 2.0)::text FROM answers) AS weighted_rollup_equal;
SELECT nps_wtally(s, w, ARRAY[1, 3, 4, 5]) FROM (VALUES (1, 2.0), (5, 0.5), (4, 1.0)) v(s, w);
SELECT t::text::nps_wtally::bytea = t::bytea AS wtally_text_round_trip
FROM (SELECT nps_wtally(score, weight) t FROM answers) s;
