-- ABC thresholds and classes (MODELS.md 7.1) and the ABC x loyalty
-- crossing (MODELS.md 8).
SET extra_float_digits = 0;

-- values 1..9, cut-offs 0.80/0.95, rule AFTER: C C B B A A A A A
SELECT abc_thresholds(v) FROM generate_series(1, 9) v;
SELECT string_agg(abc_class(v, t), ' ' ORDER BY v) AS classes
FROM generate_series(1, 9) v, (SELECT abc_thresholds(v) t FROM generate_series(1, 9) v) s;
SELECT (abc_thresholds(v, 0.5, 0.9)).* FROM generate_series(1, 9) v;
-- ties never split; NULLs skipped
SELECT (t).threshold_ab, (t).count_a, (t).count_b, (t).count_c
FROM (SELECT abc_thresholds(v) t
      FROM unnest(ARRAY[5, 5, 5, 5, 1, NULL]::float8[]) v) s;
-- the state is the values themselves (float8[]); combine concatenates
SELECT abc_values_combine('{1, 2}', '{3}'), abc_values_combine(NULL, '{3}'),
       abc_values_add(abc_values_add(NULL, 4), 5);
SELECT abc_final(abc_values_combine('{1, 2, 3, 4}', '{5, 6, 7, 8, 9}'), NULL)
     = (SELECT abc_thresholds(v) FROM generate_series(1, 9) v) AS combine_equals_one_pass;

-- the crossing: 10 customers, values 10..1, A = 10..6, B = 5..3, C = 2, 1
CREATE TABLE small_crm (id int, value float8, score int4, churn float8);
INSERT INTO small_crm VALUES
  (1, 10, 10, 0), (2, 9, 0, 0), (3, 8, 7, 0.5), (4, 7, 9, 0), (5, 6, NULL, 0),
  (6, 5, 2, 0), (7, 4, 10, 0), (8, 3, 8, 0.25), (9, 2, NULL, 0), (10, 1, 6, 0);
CREATE TABLE small_cross AS
SELECT abc_loyalty(abc_class(value, t), score, value) AS st
FROM small_crm, (SELECT abc_thresholds(value) t FROM small_crm) s;
SELECT value_class, loyalty, customers, value, round(value_share::numeric, 6) AS share,
       small, action
FROM abc_loyalty_cells((SELECT st FROM small_cross), 'wald', 0.95, 2)
WHERE customers > 0 ORDER BY value_class, loyalty;
SELECT value_class, customers, value, respondents, round(nps::numeric, 6) AS nps,
       round(rw_nps::numeric, 6) AS rw_nps, value_at_risk
FROM abc_loyalty_classes((SELECT st FROM small_cross));
-- lifetime values and churn probabilities: passives' value at risk
SELECT value_class, round(value_at_risk::numeric, 6) AS value_at_risk
FROM abc_loyalty_classes((
  SELECT abc_loyalty(abc_class(value, t), score, value, value * 3, churn)
  FROM small_crm, (SELECT abc_thresholds(value) t FROM small_crm) s));

-- on the answers: shards rolled up equal one pass, byte for byte
CREATE TABLE crm AS
SELECT id, 1 + (id * 7919) % 1000 AS revenue,
       CASE WHEN id % 5 = 0 THEN NULL ELSE score END AS score
FROM answers;
CREATE TABLE crm_th AS SELECT abc_thresholds(revenue) AS t FROM crm;
SELECT (t).count_a, (t).count_b, (t).count_c, (t).threshold_ab, (t).threshold_bc FROM crm_th;
SELECT (SELECT abc_loyalty(st)::bytea FROM
          (SELECT id % 3, abc_loyalty(abc_class(revenue, t), score, revenue) st
           FROM crm, crm_th GROUP BY 1) s)
     = (SELECT abc_loyalty(abc_class(revenue, t), score, revenue)::bytea
        FROM crm, crm_th) AS rollup_bytes_equal;
SELECT value_class, customers, respondents, round(nps::numeric, 4) AS nps,
       round(nps_lower::numeric, 4) AS lower, round(nps_upper::numeric, 4) AS upper
FROM abc_loyalty_classes((SELECT abc_loyalty(abc_class(revenue, t), score, revenue)
                          FROM crm, crm_th), 'adjusted', 0.9);
SELECT st::text::segment_tally::bytea = st::bytea AS text_round_trip,
       segment_combine(NULL, st)::bytea = st::bytea AS null_plus_s,
       segment_combine(st, NULL)::bytea = st::bytea AS s_plus_null
FROM small_cross;
SELECT segment_combine(('{"shape": 0, "customers": 0, "cells": [' ||
                       repeat('[0, 0, 0, 0, 0], ', 23) || '[0, 0, 0, 0, 0]], ' ||
                       '"risk": [[0, 0], [0, 0], [0, 0]]}')::segment_tally,
                       st)::bytea = st::bytea
    AS empty_plus_s
FROM small_cross;
