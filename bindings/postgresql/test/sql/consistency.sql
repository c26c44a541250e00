-- Consistency over units and time: nps_funnel(), nps_funnel_summary(),
-- nps_chart(), nps_chart_summary(), nps_change(), nps_topbox_trend() and
-- the chart-design functions, against the values of
-- docs/guide/consistency.md and examples/consistency_quickstart.c (the C
-- library's own output), the rules of the row arrays (merging, gaps,
-- order), a weekly roll-up, and one bad input per error.
SET extra_float_digits = 0;

-- The guide's five branches: target +23.4, tau 11.4 points, I^2 78%;
-- South (z -4.12) outside 99.8%; West shrunk from +28.0 to +24.1.
CREATE TABLE cons_five (branch text, tally nps_tally);
INSERT INTO cons_five VALUES
  ('North', make_nps_tally(40, 60, 100)), ('East', make_nps_tally(22, 30, 48)),
  ('South', make_nps_tally(75, 50, 75)), ('West', make_nps_tally(5, 8, 12)),
  ('Centre', make_nps_tally(120, 190, 290));
SELECT f.unit, f.n, round(100 * f.nps::numeric, 1) AS nps,
       round(f.z::numeric, 2) AS z, round(100 * f.shrunk::numeric, 1) AS shrunk,
       round(f.lower_outer::numeric, 6) AS lower_outer,
       round(f.upper_outer::numeric, 6) AS upper_outer, f.flags
FROM (SELECT array_agg(branch) AS b, array_agg(tally) AS t FROM cons_five) a,
     nps_funnel(a.b, a.t) f;
SELECT units, used, n, round(100 * target::numeric, 1) AS target,
       round(100 * tau::numeric, 1) AS tau, round(100 * i2::numeric) AS i2,
       round(z_inner::numeric, 6) AS z_inner, round(z_outer::numeric, 6) AS z_outer,
       outside_inner, outside_outer, exact_inner, bonferroni, fdr, flags
FROM nps_funnel_summary((SELECT array_agg(branch) FROM cons_five),
                        (SELECT array_agg(tally) FROM cons_five));
-- limits: theta0 -/+ z_a sqrt(sigma0^2 / n) at the unit's size
SELECT bool_and(abs(f.lower_inner - (s.target - s.z_inner * f.se)) < 1e-15
            AND abs(f.upper_outer - (s.target + s.z_outer * f.se)) < 1e-15) AS limits_ok
FROM nps_funnel((SELECT array_agg(branch) FROM cons_five), (SELECT array_agg(tally) FROM cons_five)) f,
     nps_funnel_summary((SELECT array_agg(branch) FROM cons_five), (SELECT array_agg(tally) FROM cons_five)) s;

-- The quickstart's eight branches (examples/data/survey.csv by branch)
CREATE TABLE cons_eight (branch text, tally nps_tally);
INSERT INTO cons_eight VALUES
  ('Hamburg', make_nps_tally(100, 130, 115)), ('Berlin', make_nps_tally(79, 92, 113)),
  ('Bremen', make_nps_tally(110, 71, 61)), ('Hannover', make_nps_tally(51, 76, 87)),
  ('Kiel', make_nps_tally(45, 46, 60)), ('Luebeck', make_nps_tally(32, 53, 52)),
  ('Rostock', make_nps_tally(19, 40, 38)), ('Flensburg', make_nps_tally(23, 40, 35));
SELECT f.unit, round(100 * f.nps::numeric, 1) AS nps, round(f.z::numeric, 2) AS z,
       round(100 * f.shrunk::numeric, 1) AS shrunk,
       round(f.shrunk_se::numeric, 9) AS shrunk_se,
       round(f.p_value::numeric, 9) AS p_value, f.flags
FROM (SELECT array_agg(branch) AS b, array_agg(tally) AS t FROM cons_eight) a,
     nps_funnel(a.b, a.t) f;
SELECT round(100 * target::numeric, 1) AS target, round(100 * tau::numeric, 1) AS tau,
       round(100 * i2::numeric) AS i2, round(q::numeric, 9) AS q,
       round(phi::numeric, 9) AS phi, round(mu::numeric, 9) AS mu,
       round(fdr_z::numeric, 9) AS fdr_z, fdr, flags
FROM nps_funnel_summary((SELECT array_agg(branch) FROM cons_eight),
                        (SELECT array_agg(tally) FROM cons_eight));

-- options: a fixed target, both overdispersion adjustments, exact tails,
-- other levels
SELECT f.unit, round(f.z::numeric, 6) AS z, round(f.z_adjusted::numeric, 6) AS z_adj,
       round(f.p_lower::numeric, 9) AS p_lower, round(f.p_upper::numeric, 9) AS p_upper,
       f.flags
FROM nps_funnel((SELECT array_agg(branch) FROM cons_eight), (SELECT array_agg(tally) FROM cons_eight),
                target_promoters => 0.3, target_detractors => 0.25,
                overdispersion => 'additive', exact => true) f;
SELECT overdispersion, round(phi::numeric, 9) AS phi, round(tau2_od::numeric, 9) AS tau2_od,
       outside_inner, exact_inner, exact_outer, flags
FROM nps_funnel_summary((SELECT array_agg(branch) FROM cons_eight), (SELECT array_agg(tally) FROM cons_eight),
                        target_promoters => 0.3, target_detractors => 0.25,
                        overdispersion => 'additive', exact => true);
SELECT f.unit, round(f.z_adjusted::numeric, 6) AS z_adj,
       round(f.lower_inner::numeric, 6) AS lower_inner, f.flags
FROM nps_funnel((SELECT array_agg(branch) FROM cons_eight), (SELECT array_agg(tally) FROM cons_eight),
                overdispersion => 'multiplicative', inner_level => 0.9,
                outer_level => 0.99, winsor => 0, alpha => 0.1) f;

-- rows: units merge (tallies add) and keep their first appearance; a NULL
-- tally or an empty one is a unit without answers (NULL values, 'empty')
SELECT f.unit, f.n, round(f.nps::numeric, 9) AS nps, round(f.z::numeric, 9) AS z, f.flags
FROM nps_funnel(ARRAY['b', 'a', 'b', 'c', 'd'],
                ARRAY[make_nps_tally(10, 10, 20), make_nps_tally(7, 3, 9),
                      make_nps_tally(20, 10, 40), NULL, make_nps_tally(0, 0, 0)]) f;
SELECT f.unit, f.n, round(f.nps::numeric, 9) AS nps, round(f.z::numeric, 9) AS z, f.flags
FROM nps_funnel(ARRAY['b', 'a'], ARRAY[make_nps_tally(30, 20, 60), make_nps_tally(7, 3, 9)]) f;
-- a unit with every answer in one class
SELECT f.unit, round(f.shrunk::numeric, 9) AS shrunk, f.flags
FROM nps_funnel(ARRAY['x', 'y', 'z'], ARRAY[make_nps_tally(0, 0, 12),
                make_nps_tally(10, 10, 10), make_nps_tally(5, 12, 9)]) f;
-- NULL arrays: no rows (no error), NULL summary
SELECT count(*) FROM nps_funnel(NULL, ARRAY[make_nps_tally(1, 2, 3)]);
SELECT nps_funnel_summary(ARRAY['a'], NULL) IS NULL AS summary_null;

-- The quickstart's monthly company chart (February 2024 to December
-- 2025) with limits from the first twelve months: centre +17.2, signals
-- from June 2025, first CUSUM signal July 2025.
CREATE TABLE cons_monthly AS
SELECT 'company'::text AS unit,
       (DATE '2024-02-01' + make_interval(months => i::int - 1))::date AS month,
       make_nps_tally(d, a, p) AS tally
FROM unnest(ARRAY[2,3,6,8,4,11,7,11,16,22,27,23,18,28,22,25,32,35,30,31,29,32,37],
            ARRAY[3,5,7,6,11,23,18,21,31,25,37,40,39,45,30,38,17,19,27,24,23,34,25],
            ARRAY[1,7,8,9,10,18,20,26,30,21,48,47,35,30,47,38,25,13,29,30,22,28,19])
     WITH ORDINALITY AS x(d, a, p, i);
CREATE VIEW cons_monthly_arrays AS
SELECT array_agg(unit) AS u, array_agg(month) AS m, array_agg(tally) AS t FROM cons_monthly;
SELECT to_char(c.period, 'YYYY-MM') AS month, c.n, round(100 * c.nps::numeric, 1) AS nps,
       round(100 * c.centre::numeric, 1) AS centre, c.baseline, c.signals
FROM cons_monthly_arrays a, nps_chart(a.u, a.m, a.t, baseline_length => 12) c;
SELECT to_char(c.period, 'YYYY-MM') AS month,
       round(c.shewhart_lower::numeric, 9) AS sl, round(c.shewhart_upper::numeric, 9) AS su,
       round(c.laney_lower::numeric, 9) AS ll, round(c.ewma::numeric, 9) AS ewma,
       round(c.ewma_lower::numeric, 9) AS el, round(c.cusum_lower::numeric, 9) AS cl
FROM cons_monthly_arrays a, nps_chart(a.u, a.m, a.t, baseline_length => 12) c
WHERE c.period IN ('2024-02-01', '2025-01-01', '2025-07-01', '2025-12-01');
SELECT s.unit, round(100 * s.centre::numeric, 1) AS centre, round(s.sigma::numeric, 9) AS sigma,
       round(s.sigma_z::numeric, 9) AS sigma_z, s.n_points, s.n_useful, s.longest_run,
       s.longest_run_limit, s.crossings, s.crossings_limit, s.first_shewhart,
       s.first_laney, s.first_ewma, s.first_cusum, s.flags
FROM cons_monthly_arrays a, nps_chart_summary(a.u, a.m, a.t, baseline_length => 12) s;
-- December 2025 against a year before: -41.0 points [-63.8, -18.1]
SELECT to_char(c.period, 'YYYY-MM') AS month, to_char(c.previous, 'YYYY-MM') AS previous,
       round(100 * c.diff::numeric, 1) AS diff, round(100 * c.lower::numeric, 1) AS lower,
       round(100 * c.upper::numeric, 1) AS upper, round(c.se::numeric, 9) AS se, c.flags
FROM cons_monthly_arrays a, nps_change(a.u, a.m, a.t, lag => 12) c
WHERE c.period IN ('2024-02-01', '2025-01-01', '2025-02-01', '2025-12-01');
SELECT count(*) FILTER (WHERE flags = '{none}') AS no_comparison, count(*) AS points
FROM cons_monthly_arrays a, nps_change(a.u, a.m, a.t, method => 'adjusted', level => 0.9);
-- top box versus 7-8: -0.006 log-odds per month (p = 0.58)
SELECT t.unit, round(t.slope::numeric, 3) AS slope, round(t.p_value::numeric, 2) AS p,
       round(t.dispersion::numeric, 6) AS dispersion, t.n_periods, t.flags
FROM cons_monthly_arrays a, nps_topbox_trend(a.u, a.m, a.t) t;

-- Two units over integer periods, rows shuffled, a gap (no row), a NULL
-- tally (a gap too), a fixed target, other chart parameters
SELECT c.unit, c.period, c.n, round(c.nps::numeric, 6) AS nps,
       round(c.ewma::numeric, 9) AS ewma, round(c.cusum_upper::numeric, 9) AS cusum_upper,
       c.baseline, c.signals
FROM nps_chart(ARRAY['west', 'east', 'west', 'east', 'west', 'east', 'east', 'west'],
               ARRAY[3, 1, 1, 2, 4, 4, 3, 2],
               ARRAY[make_nps_tally(30, 20, 10), make_nps_tally(10, 20, 30),
                     make_nps_tally(10, 20, 30), make_nps_tally(9, 20, 31), NULL,
                     make_nps_tally(30, 20, 10), make_nps_tally(11, 19, 30),
                     make_nps_tally(12, 20, 28)],
               target_promoters => 0.5, target_detractors => 0.2,
               shewhart_limit => 2, ewma_lambda => 0.5, ewma_limit => 2.5,
               cusum_k => 0.25, cusum_h => 3) c;
-- text periods sort by the collation; baseline positions 2..3
SELECT c.unit, c.period, c.baseline, round(c.centre::numeric, 9) AS centre
FROM nps_chart(ARRAY['u', 'u', 'u', 'u'], ARRAY['w3', 'w1', 'w4', 'w2'],
               ARRAY[make_nps_tally(1, 2, 3), make_nps_tally(3, 2, 1),
                     make_nps_tally(2, 2, 2), make_nps_tally(1, 1, 4)],
               baseline_start => 2, baseline_length => 2) c;
-- a unit whose baseline is all one class is not charted
SELECT s.unit, s.centre, s.n_points, s.first_cusum, s.flags
FROM nps_chart_summary(ARRAY['p', 'p', 'q', 'q'], ARRAY[1, 2, 1, 2],
                       ARRAY[make_nps_tally(0, 0, 5), make_nps_tally(0, 0, 7),
                             make_nps_tally(1, 2, 3), make_nps_tally(2, 2, 2)]) s;

-- Weekly tallies rolled up: a CRM keeps one nps_tally per branch and
-- week; charts and funnels read the stored tallies.
CREATE TABLE cons_weekly AS
SELECT 'branch ' || branch AS branch, date_trunc('week', day)::date AS week,
       nps_tally(score) AS tally
FROM answers GROUP BY 1, 2;
SELECT count(*) AS rows, count(DISTINCT branch) AS branches, count(DISTINCT week) AS weeks FROM cons_weekly;
-- weekly charts against the first eight weeks: the points with a signal
SELECT c.unit, c.period, c.n, round(100 * c.nps::numeric, 1) AS nps,
       round(100 * c.centre::numeric, 1) AS centre, c.signals
FROM (SELECT array_agg(branch) AS b, array_agg(week) AS w, array_agg(tally) AS t FROM cons_weekly) a,
     nps_chart(a.b, a.w, a.t, baseline_length => 8) c
WHERE cardinality(c.signals) > 0
ORDER BY c.unit, c.period;
-- the same charts straight from daily tallies: rows of one branch and
-- week merge inside the function (identical output)
WITH daily AS (
    SELECT 'branch ' || branch AS branch, day, nps_tally(score) AS tally
    FROM answers GROUP BY 1, 2),
from_daily AS (
    SELECT c.* FROM (SELECT array_agg(branch ORDER BY day DESC) AS b,
                            array_agg(date_trunc('week', day)::date ORDER BY day DESC) AS w,
                            array_agg(tally ORDER BY day DESC) AS t FROM daily) a,
                    nps_chart(a.b, a.w, a.t, baseline_length => 8) c),
from_weekly AS (
    SELECT c.* FROM (SELECT array_agg(branch ORDER BY week) AS b, array_agg(week ORDER BY week) AS w,
                            array_agg(tally ORDER BY week) AS t FROM cons_weekly) a,
                    nps_chart(a.b, a.w, a.t, baseline_length => 8) c)
SELECT (SELECT count(*) FROM from_weekly) AS points,
       (SELECT count(*) FROM (SELECT * FROM from_daily EXCEPT SELECT * FROM from_weekly) x) AS daily_only,
       (SELECT count(*) FROM (SELECT * FROM from_weekly EXCEPT SELECT * FROM from_daily) x) AS weekly_only;
-- the funnel of branches from the weekly tallies equals the funnel from
-- one tally of all answers per branch
SELECT (SELECT array_agg(f ORDER BY f.unit) FROM nps_funnel(
            (SELECT array_agg(branch) FROM cons_weekly), (SELECT array_agg(tally) FROM cons_weekly)) f)
     = (SELECT array_agg(f ORDER BY f.unit) FROM nps_funnel(
            (SELECT array_agg('branch ' || branch) FROM (SELECT branch, nps_tally(score) AS t FROM answers GROUP BY branch) b),
            (SELECT array_agg(t) FROM (SELECT branch, nps_tally(score) AS t FROM answers GROUP BY branch) b)) f)
       AS same_funnel;
-- and quarters: the weekly tallies of each quarter rolled up first
SELECT f.unit, f.n, round(100 * f.nps::numeric, 1) AS nps, round(f.z::numeric, 2) AS z, f.flags
FROM (SELECT array_agg(branch) AS b, array_agg(t) AS t
      FROM (SELECT branch, nps_tally(tally) AS t FROM cons_weekly
            WHERE week >= '2024-01-01' AND week < '2024-04-01' GROUP BY branch) q) a,
     nps_funnel(a.b, a.t) f
ORDER BY f.unit;

-- Chart design (guide and quickstart: EWMA(0.2) L = 2.8590 for ARL0 370;
-- CUSUM(0.5, 5) ARL 465 in control, 10.4 after a one-sigma drop; Lucas
-- and Saccucci 1990 EWMA(0.5, 2) 26.45 and 4.91 at a shift of 1; Lucas
-- and Crosier one-sided CUSUM(0.5, 3) 117.59)
SELECT round(ewma_limit(0.2, 370)::numeric, 4) AS ewma_l,
       round(cusum_arl(0.5, 5)::numeric, 0) AS cusum_arl0,
       round(cusum_arl(0.5, 5, -1)::numeric, 1) AS cusum_arl1,
       round(ewma_arl(0.5, 2)::numeric, 2) AS ewma_arl0,
       round(ewma_arl(0.5, 2, shift => 1)::numeric, 2) AS ewma_arl1,
       round(cusum_arl(0.5, 3, sides => 'upper')::numeric, 2) AS upper_arl0,
       round(ewma_arl(0.25, 3, 1)::numeric, 9) AS ewma_full;
-- the limits reproduce their ARL0; one-sided charts and head starts
SELECT round(ewma_arl(0.1, ewma_limit(0.1, 500))::numeric, 6) AS ewma_arl0,
       round(cusum_arl(0.5, cusum_limit(0.5, 200, 'lower'), sides => 'lower')::numeric, 6) AS cusum_arl0,
       cusum_arl(0.5, 4, head_start => 2) < cusum_arl(0.5, 4) AS fir_shorter,
       ewma_arl(0.2, 2.8, 0.5, 'upper') < ewma_arl(0.2, 2.8, 0.5, 'lower') AS upper_sees_upward,
       round(ewma_arl(0.2, 2.8, sides => 'upper', reflect => -1)::numeric, 6) AS reflected;

-- Bad input: an SQL error with the status's SQLSTATE, naming the value
\set SHOW_CONTEXT never
\set ON_ERROR_STOP 0
-- arrays of different lengths: 2202E array_subscript_error
SELECT * FROM nps_funnel(ARRAY['a', 'b'], ARRAY[make_nps_tally(1, 2, 3)]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_chart(ARRAY['a'], ARRAY[1, 2], ARRAY[make_nps_tally(1, 2, 3)]);
\echo :LAST_ERROR_SQLSTATE
-- a NULL unit, period or option: 22004 null_value_not_allowed
SELECT * FROM nps_funnel(ARRAY['a', NULL], ARRAY[make_nps_tally(1, 2, 3), make_nps_tally(3, 2, 1)]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_chart(ARRAY['a', 'a'], ARRAY[1, NULL], ARRAY[make_nps_tally(1, 2, 3), make_nps_tally(3, 2, 1)]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)], alpha => NULL);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EINVAL -> 22023: an unknown adjustment, method or side; one target share; lag 0
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)], overdispersion => 'both');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)], target_promoters => 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_change(ARRAY['a'], ARRAY[1], ARRAY[make_nps_tally(1, 2, 3)], method => 'score');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_change(ARRAY['a'], ARRAY[1], ARRAY[make_nps_tally(1, 2, 3)], lag => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT cusum_arl(0.5, 5, 0, 'both');
\echo :LAST_ERROR_SQLSTATE
-- LOY_EDOMAIN -> 22023: levels, winsor, a target outside the simplex,
-- a baseline outside the axis, lambda, h, an ARL0 out of range
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)], outer_level => 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)], winsor => 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a'], ARRAY[make_nps_tally(1, 2, 3)],
                         target_promoters => 0.7, target_detractors => 0.4);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_chart(ARRAY['a', 'a'], ARRAY[1, 2], ARRAY[make_nps_tally(1, 2, 3), make_nps_tally(3, 2, 1)],
                        baseline_start => 2, baseline_length => 2);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_chart(ARRAY['a'], ARRAY[1], ARRAY[make_nps_tally(1, 2, 3)], ewma_lambda => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT cusum_arl(0.5, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT ewma_limit(0.2, 1e10);
\echo :LAST_ERROR_SQLSTATE
SELECT ewma_arl(0.2, 3, head_start => 5);
\echo :LAST_ERROR_SQLSTATE
-- LOY_ENONFINITE -> 22P01: a NaN option
SELECT * FROM nps_chart(ARRAY['a'], ARRAY[1], ARRAY[make_nps_tally(1, 2, 3)], cusum_k => 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT ewma_arl(0.2, 3, 'Infinity');
\echo :LAST_ERROR_SQLSTATE
-- LOY_EEMPTY -> 22000: empty arrays; no unit with answers
SELECT * FROM nps_funnel('{}'::text[], '{}'::nps_tally[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a', 'b'], ARRAY[make_nps_tally(0, 0, 0), NULL]);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EDEGENERATE -> 22012: every answer in one class; an ARL beyond
-- double precision
SELECT * FROM nps_funnel(ARRAY['a', 'b'], ARRAY[make_nps_tally(0, 0, 4), make_nps_tally(0, 0, 9)]);
\echo :LAST_ERROR_SQLSTATE
SELECT cusum_arl(3, 20);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EOVERFLOW -> 22003: merged rows beyond 2^64 - 1 answers
SELECT * FROM nps_chart(ARRAY['a', 'a'], ARRAY[7, 7],
    ARRAY['{"detractors": 18446744073709551615, "passives": 0, "promoters": 0, "rejected": 0}'::nps_tally,
          make_nps_tally(1, 0, 0)]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM nps_funnel(ARRAY['a', 'b'],
    ARRAY['{"detractors": 18446744073709551615, "passives": 0, "promoters": 0, "rejected": 0}'::nps_tally,
          make_nps_tally(1, 0, 0)]);
\echo :LAST_ERROR_SQLSTATE
-- periods of a type without an ordering: 42883 undefined_function
SELECT * FROM nps_chart(ARRAY['a'], ARRAY[point(1, 2)], ARRAY[make_nps_tally(1, 2, 3)]);
\echo :LAST_ERROR_SQLSTATE
