-- Lifetime models: pattern tables, fits, roll-up, per-customer functions.
SET extra_float_digits = 0;

CREATE TABLE rfm_2023 AS
SELECT customer, (r).x, (r).t_x, (r).t, (r).monetary
FROM (SELECT customer, rfm_summary(day, amount, '2023-12-31', 'day', 7) AS r
      FROM purchases GROUP BY customer) s;
SELECT count(*) AS customers, sum(x) AS repeat_purchases,
       count(*) FILTER (WHERE x = 0) AS one_time FROM rfm_2023;

-- the pattern table: a sufficient statistic, byte-identical however built
CREATE TABLE tables_by_part AS
SELECT customer % 4 AS part, pattern_table(x, t_x, t, monetary) AS pt
FROM rfm_2023 GROUP BY 1;
SELECT pattern_info(pattern_table(x, t_x, t, monetary)) FROM rfm_2023;
SELECT (SELECT pattern_table(pt)::bytea FROM tables_by_part)
     = (SELECT pattern_table(x, t_x, t, monetary)::bytea FROM rfm_2023)
    AS rollup_bytes_equal;
SELECT (SELECT pattern_table(pt ORDER BY part DESC)::bytea FROM tables_by_part)
     = (SELECT pattern_table(x, t_x, t, monetary ORDER BY customer DESC)::bytea
        FROM rfm_2023) AS order_independent;
SELECT bool_and(pt::text::pattern_table::bytea = pt::bytea) AS text_round_trip
FROM tables_by_part;
SELECT pattern_table(x, t_x, t) FROM (VALUES (2.0, 3.0, 10.0), (0, 0, 10),
                                              (2, 3, 10)) v(x, t_x, t);
-- weights: a row of weight 2 is two customers (the patterns are equal;
-- the tables differ in the rows added)
SELECT pattern_table(x, t_x, t, NULL, w)::text::jsonb -> 'patterns'
     = (SELECT pattern_table(x, t_x, t)::text::jsonb -> 'patterns'
        FROM (VALUES (1.0, 1.0, 5.0), (1, 1, 5), (0, 0, 5)) v(x, t_x, t))
    AS weights_are_customers
FROM (VALUES (1.0, 1.0, 5.0, 2.0), (0, 0, 5, 1)) v(x, t_x, t, w);

-- fits (the published values are checked on CDNOW, cdnow test); the log
-- was simulated with r = 1, alpha = 20/7 weeks, a = 1, b = 3
SELECT (f).model, (SELECT array_agg(round(p::numeric, 2)) FROM unnest((f).params) p)
           AS params, (f).customers, (f).patterns, (f).converged
FROM (SELECT bgnbd_fit(x, t_x, t) f FROM rfm_2023
      UNION ALL SELECT mbgnbd_fit(x, t_x, t) FROM rfm_2023
      UNION ALL SELECT pnbd_fit(x, t_x, t) FROM rfm_2023) s;
SELECT (f).model, (f).customers, (f).patterns, cardinality((f).params) AS k
FROM (SELECT ggamma_fit(x, t_x, t, monetary) f FROM rfm_2023) s;
SELECT (SELECT bgnbd_fit(pattern_table(pt)) FROM tables_by_part)
     = (SELECT bgnbd_fit(x, t_x, t) FROM rfm_2023) AS same_fit_from_rollup,
       (SELECT ggamma_fit(pattern_table(pt)) FROM tables_by_part)
     = (SELECT ggamma_fit(x, t_x, t, monetary) FROM rfm_2023) AS same_spend_fit;

-- per customer, from published CDNOW parameters (BG/NBD: FHL 2005)
CREATE TABLE fhl AS SELECT make_lifetime_fit('bgnbd', '{0.243, 4.414, 0.793, 2.426}') AS f;
SELECT * FROM fhl;
-- P(alive) against the closed form 1/(1 + a/(b + x - 1) ((alpha+T)/(alpha+t_x))^(r+x))
SELECT bool_and(abs(palive(f, x, t_x, t)
                    - CASE WHEN x = 0 THEN 1 ELSE
                      1 / (1 + 0.793 / (2.426 + x - 1)
                           * ((4.414 + t) / (4.414 + t_x)) ^ (0.243 + x)) END) < 1e-12)
           AS palive_closed_form,
       bool_and(expected_purchases(f, x, t_x, t, 52) >= expected_purchases(f, x, t_x, t, 26))
           AS expected_grows_with_horizon,
       bool_and(clv(f, x, t_x, t, 10, 0.002) > 0) AS clv_positive
FROM rfm_2023, fhl;
SELECT round(palive(f, 2, 30.43, 38.86)::numeric, 6) AS palive,
       round(expected_purchases(f, 2, 30.43, 38.86, 39)::numeric, 6) AS next_39_weeks,
       round(clv(f, 2, 30.43, 38.86, 1, 0.0015)::numeric, 4) AS dert,
       round(clv(f, 2, 30.43, 38.86, 20, 0.0015, 52)::numeric, 4) AS clv_one_year
FROM fhl;
-- Gamma-Gamma expected spend against p (gamma + x m) / (p x + q - 1)
SELECT round(expected_spend(make_lifetime_fit('ggamma', '{6.25, 3.74, 15.44}'), 3, 40)::numeric, 9)
     = round((6.25 * (15.44 + 3 * 40) / (6.25 * 3 + 3.74 - 1))::numeric, 9) AS spend_formula;
-- Pareto/NBD CLV over an infinite horizon; MBG/NBD P(alive)
SELECT round(clv(make_lifetime_fit('pnbd', '{0.553, 10.578, 0.606, 11.669}'),
                 2, 30.43, 38.86, 1, 0.0015)::numeric, 4) AS pnbd_dert,
       round(palive(make_lifetime_fit('mbgnbd', '{0.525, 6.183, 0.891, 1.614}'),
                    0, 0, 38.86)::numeric, 6) AS mbgnbd_palive_x0;

-- combine called directly on hand-built and empty tables
SELECT pattern_combine('{"flags": 0, "rows": 2, "zero_spend": 0,
                         "patterns": [[0, 0, 5, 1], [1, 1, 5, 1]], "spend": []}',
                       '{"flags": 0, "rows": 0, "zero_spend": 0,
                         "patterns": [], "spend": []}');
SELECT pattern_combine(NULL, '{"flags": 0, "rows": 1, "zero_spend": 0,
                               "patterns": [[3, 2, 5, 1]], "spend": []}');
