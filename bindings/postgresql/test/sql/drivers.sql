-- Key-driver analysis: the moments tally, drivers(), drivers_fit(),
-- drivers_jackknife() and prca(), against the published reference values
-- of MODELS.md 12.12 (R's swiss data, relaimpo) and the worked example of
-- docs/guide/drivers.md.
SET extra_float_digits = 0;

-- R's swiss data (datasets package): Fertility ~ Agriculture + Examination
-- + Education + Catholic + Infant.Mortality, 47 provinces
CREATE TABLE swiss (id int, fertility float8, agriculture float8,
    examination float8, education float8, catholic float8,
    infant_mortality float8);
INSERT INTO swiss VALUES
(1, 80.2, 17, 15, 12, 9.96, 22.2),
(2, 83.1, 45.1, 6, 9, 84.84, 22.2),
(3, 92.5, 39.7, 5, 5, 93.4, 20.2),
(4, 85.8, 36.5, 12, 7, 33.77, 20.3),
(5, 76.9, 43.5, 17, 15, 5.16, 20.6),
(6, 76.1, 35.3, 9, 7, 90.57, 26.6),
(7, 83.8, 70.2, 16, 7, 92.85, 23.6),
(8, 92.4, 67.8, 14, 8, 97.16, 24.9),
(9, 82.4, 53.3, 12, 7, 97.67, 21),
(10, 82.9, 45.2, 16, 13, 91.38, 24.4),
(11, 87.1, 64.5, 14, 6, 98.61, 24.5),
(12, 64.1, 62, 21, 12, 8.52, 16.5),
(13, 66.9, 67.5, 14, 7, 2.27, 19.1),
(14, 68.9, 60.7, 19, 12, 4.43, 22.7),
(15, 61.7, 69.3, 22, 5, 2.82, 18.7),
(16, 68.3, 72.6, 18, 2, 24.2, 21.2),
(17, 71.7, 34, 17, 8, 3.3, 20),
(18, 55.7, 19.4, 26, 28, 12.11, 20.2),
(19, 54.3, 15.2, 31, 20, 2.15, 10.8),
(20, 65.1, 73, 19, 9, 2.84, 20),
(21, 65.5, 59.8, 22, 10, 5.23, 18),
(22, 65, 55.1, 14, 3, 4.52, 22.4),
(23, 56.6, 50.9, 22, 12, 15.14, 16.7),
(24, 57.4, 54.1, 20, 6, 4.2, 15.3),
(25, 72.5, 71.2, 12, 1, 2.4, 21),
(26, 74.2, 58.1, 14, 8, 5.23, 23.8),
(27, 72, 63.5, 6, 3, 2.56, 18),
(28, 60.5, 60.8, 16, 10, 7.72, 16.3),
(29, 58.3, 26.8, 25, 19, 18.46, 20.9),
(30, 65.4, 49.5, 15, 8, 6.1, 22.5),
(31, 75.5, 85.9, 3, 2, 99.71, 15.1),
(32, 69.3, 84.9, 7, 6, 99.68, 19.8),
(33, 77.3, 89.7, 5, 2, 100, 18.3),
(34, 70.5, 78.2, 12, 6, 98.96, 19.4),
(35, 79.4, 64.9, 7, 3, 98.22, 20.2),
(36, 65, 75.9, 9, 9, 99.06, 17.8),
(37, 92.2, 84.6, 3, 3, 99.46, 16.3),
(38, 79.3, 63.1, 13, 13, 96.83, 18.1),
(39, 70.4, 38.4, 26, 12, 5.62, 20.3),
(40, 65.7, 7.7, 29, 11, 13.79, 20.5),
(41, 72.7, 16.7, 22, 13, 11.22, 18.9),
(42, 64.4, 17.6, 35, 32, 16.92, 23),
(43, 77.6, 37.6, 15, 7, 4.97, 20),
(44, 67.6, 18.7, 25, 7, 8.65, 19.5),
(45, 35, 1.2, 37, 53, 42.34, 18),
(46, 44.7, 46.6, 16, 29, 50.43, 18.2),
(47, 42.8, 27.7, 22, 29, 58.33, 19.3);
CREATE TABLE swiss_names AS SELECT ARRAY['fertility', 'agriculture',
    'examination', 'education', 'catholic', 'infant_mortality'] AS names;
CREATE TABLE swiss_m AS
SELECT moments(ARRAY[fertility, agriculture, examination, education, catholic,
                     infant_mortality]) AS m FROM swiss;
SELECT (moments_info(m)).* FROM swiss_m;
SELECT round(r2::numeric, 10) AS r2, n, round(r2_adj::numeric, 10) AS r2_adj,
       round(f::numeric, 6) AS f, df_resid
FROM swiss_m, drivers_fit(m);
-- relaimpo's lmg, first, last, pratt, relative weights (MODELS.md 12.12)
CREATE TABLE swiss_ref (driver text, lmg float8, lmg_share float8,
    first float8, last float8, pratt float8, rw float8);
INSERT INTO swiss_ref VALUES
  ('agriculture', 0.0570912208, 0.0807816517, 0.1246649099, 0.0428696071, -0.1104859910, 0.0484168958),
  ('examination', 0.1711730289, 0.2422025632, 0.4171644705, 0.0073874185, 0.1064274043, 0.1547082498),
  ('education', 0.2601346786, 0.3680795178, 0.4406156467, 0.1619626931, 0.4450045676, 0.2719641046),
  ('catholic', 0.1055701504, 0.1493772774, 0.2150035016, 0.0623726258, 0.1611768150, 0.1146800299),
  ('infant_mortality', 0.1127659229, 0.1595589898, 0.1735189273, 0.0569452587, 0.1046122056, 0.1169657214);
SELECT d.driver, round(d.lmg::numeric, 10) AS lmg, round(d.lmg_share::numeric, 10) AS share,
       d.rank, abs(d.lmg - r.lmg) < 5e-11 AND abs(d.lmg_share - r.lmg_share) < 5e-11
       AND abs(d.first - r.first) < 5e-11 AND abs(d.last - r.last) < 5e-11
       AND abs(d.pratt - r.pratt) < 5e-11
       AND abs(d.rw_share * 0.7067350016 - r.rw) < 1e-9 AS matches_relaimpo,
       d.lmg_share_se IS NULL AS no_interval
FROM swiss_m, swiss_names, drivers(m, names) d JOIN swiss_ref r USING (driver)
ORDER BY d.rank;
-- lm() coefficients of the full model
SELECT driver, round(beta::numeric, 6) AS beta, round(beta_se::numeric, 6) AS se,
       round(t::numeric, 4) AS t, round(p::numeric, 6) AS p
FROM swiss_m, swiss_names, drivers(m, names);
SELECT round(intercept::numeric, 6) AS intercept FROM swiss_m, drivers_fit(m);

-- the roll-up of any split gives the same analysis (double sums: to 1e-13)
SELECT bool_and(abs(a.lmg - b.lmg) < 1e-13 AND abs(a.beta - b.beta) < 1e-11)
    AS split_merge_agrees
FROM swiss_names,
     drivers((SELECT moments(m) FROM (
         SELECT moments(ARRAY[fertility, agriculture, examination, education,
                              catholic, infant_mortality]) m
         FROM swiss GROUP BY id % 4) s), names) a
JOIN drivers((SELECT m FROM swiss_m), (SELECT names FROM swiss_names)) b
USING (driver);

-- the text form reads back to the same bytes
SELECT m::text::moments::bytea = m::bytea AS text_round_trip,
       m::bytea::moments::bytea = m::bytea AS bytea_round_trip
FROM swiss_m;
SELECT left(m::text, 80) AS text_start FROM swiss_m;

-- The worked example of docs/guide/drivers.md: the first 60 complete
-- answers of examples/data/survey.csv (score, then seven 0-10 ratings).
CREATE TABLE survey60 (id int, score int, taste int, freshness int,
    delivery_on_time int, order_accuracy int, value_for_money int,
    personal_touch int, app_ease int);
INSERT INTO survey60 VALUES
(1, 6, 7, 8, 10, 10, 4, 6, 5),
(2, 10, 10, 8, 10, 8, 7, 10, 5),
(3, 5, 3, 3, 2, 10, 3, 8, 4),
(4, 8, 10, 7, 8, 10, 7, 3, 8),
(5, 8, 8, 7, 9, 10, 7, 7, 7),
(6, 6, 7, 4, 9, 8, 6, 4, 8),
(7, 10, 9, 7, 9, 8, 9, 4, 8),
(8, 7, 7, 8, 10, 10, 6, 3, 10),
(9, 10, 10, 7, 10, 9, 7, 10, 9),
(10, 10, 9, 8, 10, 8, 8, 10, 7),
(11, 6, 7, 9, 9, 10, 6, 7, 6),
(12, 8, 7, 9, 8, 9, 10, 9, 8),
(13, 8, 7, 7, 10, 10, 8, 6, 6),
(14, 4, 6, 5, 1, 10, 2, 7, 8),
(15, 7, 5, 7, 9, 8, 7, 5, 8),
(16, 4, 3, 5, 10, 8, 3, 9, 10),
(17, 7, 8, 8, 8, 10, 6, 4, 9),
(18, 10, 9, 10, 10, 10, 8, 6, 7),
(19, 8, 9, 9, 8, 10, 6, 4, 4),
(20, 7, 7, 7, 0, 10, 7, 5, 4),
(21, 9, 7, 8, 8, 8, 9, 7, 7),
(22, 9, 8, 8, 10, 9, 7, 10, 6),
(23, 7, 8, 5, 9, 9, 5, 8, 6),
(24, 8, 8, 7, 9, 8, 7, 2, 3),
(25, 7, 6, 8, 10, 9, 5, 5, 10),
(26, 7, 6, 6, 9, 9, 6, 5, 8),
(27, 10, 9, 6, 9, 8, 8, 10, 8),
(28, 7, 5, 6, 2, 10, 6, 6, 7),
(29, 5, 7, 5, 10, 9, 8, 5, 8),
(30, 10, 8, 9, 9, 8, 8, 9, 2),
(31, 7, 5, 6, 9, 8, 6, 3, 6),
(32, 8, 8, 9, 9, 10, 8, 3, 8),
(33, 7, 8, 7, 8, 9, 7, 6, 4),
(34, 8, 9, 9, 10, 8, 10, 6, 5),
(35, 1, 4, 3, 9, 5, 1, 8, 5),
(36, 10, 10, 9, 9, 9, 8, 5, 6),
(37, 4, 5, 9, 10, 3, 4, 8, 6),
(38, 7, 8, 7, 9, 5, 6, 7, 9),
(39, 7, 9, 6, 10, 10, 8, 7, 8),
(40, 8, 10, 5, 8, 9, 6, 6, 7),
(41, 9, 10, 10, 9, 10, 9, 4, 7),
(42, 4, 5, 7, 5, 3, 6, 3, 7),
(43, 8, 8, 8, 10, 10, 8, 5, 9),
(44, 6, 7, 6, 8, 9, 5, 8, 7),
(45, 7, 7, 9, 9, 10, 7, 7, 4),
(46, 7, 5, 6, 9, 10, 2, 10, 10),
(47, 9, 10, 9, 9, 8, 6, 5, 5),
(48, 9, 10, 7, 10, 10, 7, 6, 4),
(49, 8, 8, 8, 9, 9, 7, 7, 5),
(50, 6, 6, 9, 9, 10, 5, 5, 8),
(51, 9, 9, 9, 8, 8, 9, 6, 8),
(52, 9, 7, 7, 9, 8, 7, 9, 8),
(53, 5, 5, 7, 1, 5, 7, 5, 10),
(54, 7, 9, 7, 10, 9, 4, 6, 7),
(55, 9, 8, 10, 9, 8, 6, 9, 5),
(56, 8, 9, 7, 10, 10, 9, 9, 9),
(57, 10, 10, 8, 8, 9, 9, 9, 9),
(58, 8, 9, 8, 8, 10, 10, 7, 9),
(59, 2, 3, 5, 2, 10, 1, 4, 8),
(60, 8, 10, 8, 9, 8, 7, 4, 8);
CREATE TABLE survey_names AS SELECT ARRAY['score', 'taste', 'freshness',
    'delivery_on_time', 'order_accuracy', 'value_for_money', 'personal_touch',
    'app_ease'] AS names;
-- exact integer sums on the 0-10 scale
CREATE TABLE survey_m AS
SELECT moments(ARRAY[score, taste, freshness, delivery_on_time, order_accuracy,
                     value_for_money, personal_touch, app_ease], 1,
               'integer, scale=0:10') AS m
FROM survey60;
-- the guide prints: n = 60, R2 = 0.77, shares 37.7 14.3 6.3 5.0 31.3 4.8 0.6
SELECT n, round(r2::numeric, 2) AS r2 FROM survey_m, drivers_fit(m);
SELECT driver, round(100 * lmg_share::numeric, 1) AS share,
       CASE WHEN beta >= 0 THEN '+' ELSE '-' END AS sign, rank
FROM survey_m, survey_names, drivers(m, names);
-- integer tallies: any split, merged in any order, gives the same bytes
SELECT (SELECT moments(m ORDER BY g DESC) FROM (
            SELECT id % 7 g, moments(ARRAY[score, taste, freshness,
                delivery_on_time, order_accuracy, value_for_money,
                personal_touch, app_ease], 1, 'integer, scale=0:10') m
            FROM survey60 GROUP BY 1) s)::bytea
     = (SELECT m::bytea FROM survey_m) AS integer_rollup_identical;

-- delete-a-group jackknife over 5 groups of rows
SELECT driver, round(lmg_share::numeric, 4) AS share,
       round(lmg_share_se::numeric, 4) AS se,
       lmg_share_lower < lmg_share AND lmg_share < lmg_share_upper AS brackets
FROM survey_names, drivers_jackknife(
    ARRAY(SELECT moments(ARRAY[score, taste, freshness, delivery_on_time,
                               order_accuracy, value_for_money, personal_touch,
                               app_ease], 1, 'integer')
          FROM survey60 GROUP BY id % 5 ORDER BY id % 5), names, 0.9);

-- Poisson bootstrap: replicates keyed by row id, so they merge across
-- groups (byte-identical with integer sums)
CREATE TABLE survey_boot AS
SELECT moments(ARRAY[score, taste, freshness, delivery_on_time, order_accuracy,
                     value_for_money, personal_touch, app_ease], 1,
               'integer bootstrap=200 seed=42', id) AS m
FROM survey60;
SELECT replicates, seed FROM survey_boot, moments_info(m);
SELECT (SELECT moments(m) FROM (
            SELECT moments(ARRAY[score, taste, freshness, delivery_on_time,
                order_accuracy, value_for_money, personal_touch, app_ease], 1,
                'integer bootstrap=200 seed=42', id) m
            FROM survey60 GROUP BY id % 3) s)::bytea
     = (SELECT m::bytea FROM survey_boot) AS bootstrap_rollup_identical;
SELECT driver, round(lmg_share::numeric, 4) AS share,
       lmg_share_se > 0 AS has_se,
       lmg_share_lower <= lmg_share AND lmg_share <= lmg_share_upper AS brackets
FROM survey_boot, survey_names, drivers(m, names);
SELECT m::text::moments::bytea = m::bytea AS bootstrap_text_round_trip
FROM survey_boot;

-- missing values: listwise (default) skips incomplete rows, pairwise keeps
-- every pair; NULL arrays and NULL weights skip the row
SELECT (moments_info(moments(v))).n AS listwise_n,
       (moments_info(moments(v))).rows_missing AS listwise_missing,
       (moments_info(moments(v, 1, 'pairwise'))).n_min AS pairwise_n_min,
       moments_mean(moments(v, 1, 'pairwise')) AS pairwise_means
FROM (VALUES (ARRAY[1, 2, 3]::float8[]), (ARRAY[2, NULL, 5]), (ARRAY[3, 4, 4]),
             (NULL), (ARRAY[4, 4, NULL])) t(v);
SELECT (moments_info(moments(v, w))).* FROM (VALUES
    (ARRAY[1, 2]::float8[], 2.0), (ARRAY[2, 3], NULL), (ARRAY[3, 5], 0.0),
    (ARRAY[4, 4], 1.0)) t(v, w);
-- weights are frequency weights: a weight of 2 counts the row twice
SELECT (SELECT moments_cov(moments(v, w)) FROM (VALUES (ARRAY[1, 2]::float8[], 2.0),
            (ARRAY[3, 5], 1.0), (ARRAY[4, 4], 1.0)) t(v, w))
     = (SELECT moments_cov(moments(v)) FROM (VALUES (ARRAY[1, 2]::float8[]),
            (ARRAY[1, 2]), (ARRAY[3, 5]), (ARRAY[4, 4])) u(v)) AS weights_repeat_rows;
SELECT moments_cov(m) AS cov, moments_cor(m) AS cor
FROM (SELECT moments(ARRAY[x, 2 * x + 1, x * x]) m
      FROM generate_series(1, 5) x) s;
-- an empty aggregate is NULL; combine and the roll-up take NULLs
SELECT moments(ARRAY[x]) IS NULL AS empty_is_null FROM generate_series(1, 0) x;
SELECT moments_combine(NULL, m)::bytea = m::bytea AS combine_null_left,
       moments_combine(m, NULL)::bytea = m::bytea AS combine_null_right
FROM swiss_m;
-- combine called directly on hand-built states (the text form)
SELECT moments_combine(
    '{"version": 1, "flags": 3, "replicates": 0, "seed": 0, "rows_missing": 0, "rows_invalid": 0, "rows_zero_weight": 0, "lo": [0, 0], "hi": [10, 10], "states": [{"counts": [2], "sums": [2, 9, 7, 41, 30, 29]}]}',
    '{"version": 1, "flags": 3, "replicates": 0, "seed": 0, "rows_missing": 1, "rows_invalid": 0, "rows_zero_weight": 0, "lo": [0, 0], "hi": [10, 10], "states": [{"counts": [1], "sums": [1, 3, 3, 9, 9, 9]}]}')
    ::bytea = moments(v, 1, 'integer, scale=0:10')::bytea AS hand_built_combine
FROM (VALUES (ARRAY[4, 5]::float8[]), (ARRAY[5, 2]), (ARRAY[NULL, 1]), (ARRAY[3, 3])) t(v);

-- penalty-reward contrast analysis: a rating that only punishes (basic),
-- one that only rewards (excitement), one that does neither
CREATE TABLE prca_data AS
SELECT i AS id, (i * 37) % 11 AS r1, (i * 53 + 5) % 11 AS r2, (i * 71 + 3) % 11 AS r3,
       7 - 3 * ((i * 37) % 11 <= 6)::int + 3 * ((i * 53 + 5) % 11 >= 9)::int
         + ((i * 17) % 7 - 3) / 3.0 AS y
FROM generate_series(1, 600) i;
SELECT attribute, round(penalty::numeric, 3) AS penalty,
       round(reward::numeric, 3) AS reward, kano
FROM (SELECT prca_tally(y, ARRAY[r1, r2, r3]) m FROM prca_data) s,
     prca(m, ARRAY['r1', 'r2', 'r3']);
SELECT (SELECT prca_tally(y, ARRAY[r1, r2, r3], 6, 9) FROM prca_data)::bytea
     = (SELECT prca_tally(y, ARRAY[r1, r2, r3]) FROM prca_data)::bytea
    AS default_cuts_are_6_and_9;
