-- One bad input per library status code: the SQL error carries the
-- status's SQLSTATE and a message naming the offending value.
\set SHOW_CONTEXT never
\set VERBOSITY default
\set ON_ERROR_STOP 0

-- LOY_EINVAL -> 22023 invalid_parameter_value (an unknown method)
SELECT nps_estimate(make_nps_tally(1, 2, 3), 'bayes');
\echo :LAST_ERROR_SQLSTATE
-- LOY_ESCALE -> 22003 numeric_value_out_of_range (a score of 11)
SELECT nps_tally(s) FROM unnest(ARRAY[9, 11]) s;
\echo :LAST_ERROR_SQLSTATE
-- LOY_ENONFINITE -> 22P01 floating_point_exception (a NaN score)
SELECT nps_tally(s) FROM unnest(ARRAY[9, 'NaN']::float8[]) s;
\echo :LAST_ERROR_SQLSTATE
-- LOY_EEMPTY -> 22000 data_exception (an estimate of no answers)
SELECT nps_estimate(make_nps_tally(0, 0, 0));
\echo :LAST_ERROR_SQLSTATE
-- LOY_EDOMAIN -> 22023 invalid_parameter_value (a level of 1.5)
SELECT nps_estimate(make_nps_tally(1, 2, 3), 'wald', 1.5);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EDEGENERATE -> 22012 division_by_zero (two samples of one class)
SELECT nps_compare(make_nps_tally(0, 0, 5), make_nps_tally(0, 0, 9));
\echo :LAST_ERROR_SQLSTATE
-- LOY_EINCONSISTENT -> 22000 data_exception (t_x after T)
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (2.0, 12.0, 10.0)) v(x, t_x, t);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EOVERFLOW -> 22003 (counts beyond 2^64 - 1)
SELECT nps_tally(t) FROM (VALUES
  ('{"detractors": 18446744073709551615, "passives": 0, "promoters": 0, "rejected": 0}'::nps_tally),
  (make_nps_tally(1, 0, 0))) v(t);
\echo :LAST_ERROR_SQLSTATE
-- LOY_EFORMAT -> 22P03 invalid_binary_representation (not a tally)
SELECT '\x4c4f595301000100200000000000000001'::bytea::nps_tally;
\echo :LAST_ERROR_SQLSTATE
SELECT make_nps_tally(1, 2, 3)::bytea::pattern_table;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x4c4f59530300010008000000000000000000000000000000'::bytea::moments;
\echo :LAST_ERROR_SQLSTATE
-- malformed text -> 22P02 invalid_text_representation
SELECT '{"detractors": -1, "passives": 0, "promoters": 0, "rejected": 0}'::nps_tally;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"lo": 1, "hi": 3, "rejected": 0, "counts": [1, 2]}'::score_tally;
\echo :LAST_ERROR_SQLSTATE

-- more messages that name the value
SELECT nps_tally(s, ARRAY[1, 3, 4, 5]) FROM unnest(ARRAY[0]) s;
SELECT nps_tally(s, ARRAY[5, 3, 4, 1]) FROM unnest(ARRAY[1]) s;
SELECT csat(s) FROM unnest(ARRAY[6]) s;
SELECT rfm_summary(d, -5, '2020-12-31') FROM (VALUES (DATE '2020-01-01')) v(d);
SELECT rfm_summary(d, 5, '2020-12-31', 'month') FROM (VALUES (DATE '2020-01-01')) v(d);
SELECT pattern_table(x, t_x, t) FROM (VALUES (1.5, 1.0, 5.0)) v(x, t_x, t);
SELECT pattern_table(x, t_x, t) FROM (VALUES (0.0, 1.0, 5.0)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (0.0, 0.0, 0.0)) v(x, t_x, t);
SELECT palive(make_lifetime_fit('bgnbd', '{1, 1, 1, 1}'), 1, 2, 1);
SELECT make_lifetime_fit('bgnbd', '{1, -1, 1, 1}');
SELECT clv(make_lifetime_fit('mbgnbd', '{1, 1, 1, 1}'), 1, 1, 2, 1, 0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT abc_thresholds(v) FROM unnest(ARRAY[1, -2]::float8[]) v;
SELECT abc_thresholds(v, 0.9, 0.8) FROM unnest(ARRAY[1, 2]::float8[]) v;
SELECT abc_thresholds(v) FROM unnest(ARRAY[0, 0]::float8[]) v;
SELECT abc_loyalty(c, s, v) FROM (VALUES ('D', 9, 1.0)) x(c, s, v);
SELECT nps_ci(score, m) FROM (VALUES (9, 'wald'), (7, 'score')) v(score, m);
SELECT score_tally(s, lo, 5) FROM (VALUES (3, 1), (4, 2)) v(s, lo);
SELECT nps_wtally(s, w) FROM (VALUES (9.0, -1.0)) v(s, w);
-- key-driver analysis
SELECT moments(v, 1, 'listwise bootstrap') FROM (VALUES (ARRAY[1, 2]::float8[])) t(v);
\echo :LAST_ERROR_SQLSTATE
SELECT moments(v, 1, 'pairwise strict') FROM (VALUES (ARRAY[1, 2]::float8[])) t(v);
SELECT moments(v, 1, 'bootstrap=10') FROM (VALUES (ARRAY[1, 2]::float8[])) t(v);
SELECT moments(v) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2, 3])) t(v);
SELECT moments(v, 1, o) FROM (VALUES (ARRAY[1, 2]::float8[], 'listwise'),
                                     (ARRAY[1, 2], 'pairwise')) t(v, o);
SELECT moments(v, 1, 'strict') FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[NULL, 3])) t(v);
\echo :LAST_ERROR_SQLSTATE
SELECT moments(v, 1, 'integer') FROM (VALUES (ARRAY[1, 2.5]::float8[])) t(v);
\echo :LAST_ERROR_SQLSTATE
SELECT moments(v, 1, 'scale=0:10') FROM (VALUES (ARRAY[1, 11]::float8[])) t(v);
SELECT moments(v, -1) FROM (VALUES (ARRAY[1, 2]::float8[])) t(v);
SELECT prca_tally(y, r, 9, 6) FROM (VALUES (1.0, ARRAY[1, 2]::float8[])) t(y, r);
\echo :LAST_ERROR_SQLSTATE
SELECT d.* FROM (SELECT moments(ARRAY[i % 7, 3, i % 5]) m
                 FROM generate_series(1, 50) i) s,
     drivers(m, ARRAY['y', 'flat', 'x']) d;
\echo :LAST_ERROR_SQLSTATE
SELECT d.* FROM (SELECT moments(ARRAY[i % 7, i % 5]) m
                 FROM generate_series(1, 50) i) s,
     drivers(m, ARRAY['y']) d;
SELECT drivers_jackknife(ARRAY[m], ARRAY['y', 'x'])
FROM (SELECT moments(ARRAY[i % 7, i % 5]) m FROM generate_series(1, 50) i) s;
SELECT moments_combine(a, b) FROM
    (SELECT moments(ARRAY[i, i]) a, moments(ARRAY[i, i, i]) b
     FROM generate_series(1, 3) i) s;
-- transition functions refuse to be misused but never write in place
SELECT nps_tally_add(t, 9) AS new, t AS unchanged
FROM (SELECT make_nps_tally(1, 1, 1) t) s;
