-- Serial plans, forced parallel plans (Partial/Finalize Aggregate) and
-- partitionwise aggregation (the combine functions on partial states)
-- give identical results: byte for byte where the states hold counts.
SET extra_float_digits = 0;
ALTER TABLE answers SET (parallel_workers = 2);
ALTER TABLE purchases SET (parallel_workers = 2);

-- every aggregate family, serial
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT 'nps_tally' AS agg, (SELECT nps_tally(score)::bytea FROM answers) AS bytes
UNION ALL SELECT 'nps_tally by branch', (SELECT string_agg(t::text, ';' ORDER BY b)::bytea
    FROM (SELECT branch b, nps_tally(score) t FROM answers GROUP BY 1) s)
UNION ALL SELECT 'nps_ci', (SELECT (nps_ci(score, 'adjusted', 0.9), nps_ci(score))::text::bytea
    FROM answers)
UNION ALL SELECT 'nps_wtally', (SELECT nps_wtally(score, 1 + id % 3)::bytea FROM answers)
UNION ALL SELECT 'score_tally', (SELECT score_tally(score, 0, 10)::bytea FROM answers)
UNION ALL SELECT 'csat', (SELECT csat(1 + score % 5)::text::bytea FROM answers)
UNION ALL SELECT 'rfm by customer', (SELECT md5(string_agg(r::text, ';' ORDER BY c))::bytea
    FROM (SELECT customer c, rfm_summary(day, amount, '2023-12-31') r
          FROM purchases GROUP BY 1) s)
UNION ALL SELECT 'pattern_table', (SELECT pattern_table(x, t_x, t, monetary)::bytea
    FROM rfm_2023)
UNION ALL SELECT 'abc_thresholds', (SELECT abc_thresholds(revenue)::text::bytea FROM crm)
UNION ALL SELECT 'abc_loyalty', (SELECT abc_loyalty(abc_class(revenue, t), score, revenue)::bytea
    FROM crm, crm_th)
UNION ALL SELECT 'moments integer', (SELECT moments(ARRAY[score, branch, id % 11, weight * 2],
    1, 'integer bootstrap=20 seed=3', id)::bytea FROM answers)
UNION ALL SELECT 'moments pairwise', (SELECT moments(ARRAY[score, NULLIF(branch, 3), id % 11],
    1, 'integer pairwise')::bytea FROM answers);

CREATE TEMP TABLE parallel_drivers AS
SELECT * FROM drivers((SELECT moments(ARRAY[score, branch, id % 11, weight]) FROM answers),
                      ARRAY['score', 'branch', 'k', 'w']);
CREATE TEMP TABLE serial_prca AS
SELECT * FROM prca((SELECT prca_tally(score, ARRAY[branch, id % 11], 2, 6) FROM answers),
                   ARRAY['b', 'k']);

-- the same in forced parallel plans
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
ALTER TABLE rfm_2023 SET (parallel_workers = 2);
ALTER TABLE crm SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT nps_tally(score) FROM answers;
EXPLAIN (COSTS OFF) SELECT branch, nps_ci(score) FROM answers GROUP BY branch;
EXPLAIN (COSTS OFF) SELECT pattern_table(x, t_x, t, monetary) FROM rfm_2023;
EXPLAIN (COSTS OFF) SELECT abc_thresholds(revenue) FROM crm;
EXPLAIN (COSTS OFF) SELECT moments(ARRAY[score, branch]) FROM answers;
CREATE TEMP TABLE parallel AS
SELECT 'nps_tally' AS agg, (SELECT nps_tally(score)::bytea FROM answers) AS bytes
UNION ALL SELECT 'nps_tally by branch', (SELECT string_agg(t::text, ';' ORDER BY b)::bytea
    FROM (SELECT branch b, nps_tally(score) t FROM answers GROUP BY 1) s)
UNION ALL SELECT 'nps_ci', (SELECT (nps_ci(score, 'adjusted', 0.9), nps_ci(score))::text::bytea
    FROM answers)
UNION ALL SELECT 'nps_wtally', (SELECT nps_wtally(score, 1 + id % 3)::bytea FROM answers)
UNION ALL SELECT 'score_tally', (SELECT score_tally(score, 0, 10)::bytea FROM answers)
UNION ALL SELECT 'csat', (SELECT csat(1 + score % 5)::text::bytea FROM answers)
UNION ALL SELECT 'rfm by customer', (SELECT md5(string_agg(r::text, ';' ORDER BY c))::bytea
    FROM (SELECT customer c, rfm_summary(day, amount, '2023-12-31') r
          FROM purchases GROUP BY 1) s)
UNION ALL SELECT 'pattern_table', (SELECT pattern_table(x, t_x, t, monetary)::bytea
    FROM rfm_2023)
UNION ALL SELECT 'abc_thresholds', (SELECT abc_thresholds(revenue)::text::bytea FROM crm)
UNION ALL SELECT 'abc_loyalty', (SELECT abc_loyalty(abc_class(revenue, t), score, revenue)::bytea
    FROM crm, crm_th)
UNION ALL SELECT 'moments integer', (SELECT moments(ARRAY[score, branch, id % 11, weight * 2],
    1, 'integer bootstrap=20 seed=3', id)::bytea FROM answers)
UNION ALL SELECT 'moments pairwise', (SELECT moments(ARRAY[score, NULLIF(branch, 3), id % 11],
    1, 'integer pairwise')::bytea FROM answers);
SELECT agg, s.bytes = p.bytes AS identical FROM serial s JOIN parallel p USING (agg)
ORDER BY agg;
SELECT (SELECT bgnbd_fit(x, t_x, t) FROM rfm_2023)
     = (SELECT bgnbd_fit(pattern_table(x, t_x, t, monetary)) FROM rfm_2023)
    AS parallel_fit_identical;

-- double sums merge by Chan's update: the analysis agrees to rounding
SELECT bool_and(abs(a.lmg - b.lmg) < 1e-12 AND abs(a.beta - b.beta) < 1e-10)
    AS parallel_drivers_agree
FROM drivers((SELECT moments(ARRAY[score, branch, id % 11, weight]) FROM answers),
             ARRAY['score', 'branch', 'k', 'w']) a
JOIN (SELECT * FROM parallel_drivers) b USING (driver);
SELECT bool_and(abs(a.penalty - b.penalty) < 1e-12 AND abs(a.reward - b.reward) < 1e-12
                AND a.kano = b.kano) AS parallel_prca_agrees
FROM prca((SELECT prca_tally(score, ARRAY[branch, id % 11], 2, 6) FROM answers),
          ARRAY['b', 'k']) a
JOIN serial_prca b USING (attribute);

-- partitionwise aggregation: a partial aggregate per partition, combined
RESET ALL;
SET extra_float_digits = 0;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE answers_part (branch int, day date, score int4)
    PARTITION BY LIST (branch);
CREATE TABLE answers_p1 PARTITION OF answers_part FOR VALUES IN (1, 2, 3);
CREATE TABLE answers_p2 PARTITION OF answers_part FOR VALUES IN (4, 5);
CREATE TABLE answers_p3 PARTITION OF answers_part FOR VALUES IN (6, 7);
INSERT INTO answers_part SELECT branch, day, score FROM answers;
ANALYZE answers_part;
EXPLAIN (COSTS OFF) SELECT date_trunc('month', day), nps_tally(score)
FROM answers_part GROUP BY 1;
SELECT bool_and(p.t::bytea = s.t::bytea) AS partitionwise_identical, count(*) AS months
FROM (SELECT date_trunc('month', day) m, nps_tally(score) t FROM answers_part GROUP BY 1) p
JOIN (SELECT date_trunc('month', day) m, nps_tally(score) t FROM answers GROUP BY 1) s
USING (m);
EXPLAIN (COSTS OFF) SELECT date_trunc('month', day), score_tally(score, 0, 10)
FROM answers_part GROUP BY 1;
SELECT bool_and(p.t::bytea = s.t::bytea) AS partitionwise_identical
FROM (SELECT date_trunc('month', day) m, score_tally(score, 0, 10) t FROM answers_part
      GROUP BY 1) p
JOIN (SELECT date_trunc('month', day) m, score_tally(score, 0, 10) t FROM answers GROUP BY 1) s
USING (m);
-- constant arguments of the final function survive the split (two
-- methods in one query)
SELECT bool_and(p.w = s.w AND p.sc = s.sc) AS constants_survive
FROM (SELECT date_trunc('month', day) m, nps_ci(score, 'wald', 0.9) w,
             nps_ci(score, 'score', 0.8) sc FROM answers_part GROUP BY 1) p
JOIN (SELECT date_trunc('month', day) m, nps_ci(score, 'wald', 0.9) w,
             nps_ci(score, 'score', 0.8) sc FROM answers GROUP BY 1) s USING (m);
-- the whole table: one partial state per partition, then combine
EXPLAIN (COSTS OFF) SELECT abc_thresholds(score) FROM answers_part;
SELECT (SELECT abc_thresholds(score) FROM answers_part)
     = (SELECT abc_thresholds(score) FROM answers) AS thresholds_identical;
RESET ALL;
