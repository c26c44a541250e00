-- Purchase-log summary per customer: lifetimes' reference log L2
-- (MODELS.md 5.4), weekly periods, calibration/holdout, roll-up.
SET extra_float_digits = 0;

CREATE TABLE l2 (customer int, day date, amount float8);
INSERT INTO l2 VALUES
  (1, '2015-01-01', 1), (1, '2015-02-06', 2), (2, '2015-01-01', 2),
  (3, '2015-01-01', 3), (3, '2015-01-02', 1), (3, '2015-01-05', 5),
  (4, '2015-01-16', 6), (4, '2015-02-02', 3), (4, '2015-02-05', 3),
  (5, '2015-01-16', 3), (5, '2015-01-17', 1), (5, '2015-01-18', 8),
  (6, '2015-02-02', 5);

-- daily, end 2015-02-07: (1,36,37,2) (0,0,37,0) (2,4,37,3) (2,20,22,3)
-- (2,2,22,4.5) (0,0,5,0)
SELECT customer, (r).x, (r).t_x, (r).t, (r).monetary, (r).x_holdout
FROM (SELECT customer, rfm_summary(day, amount, '2015-02-07') AS r
      FROM l2 GROUP BY customer) s ORDER BY customer;
-- weekly (Monday-Sunday): (1,5,5) (0,0,5) (1,1,5) (1,3,3) (0,0,3) (0,0,0)
SELECT customer, (r).x, (r).t_x, (r).t
FROM (SELECT customer, rfm_summary(day, amount, '2015-02-07', 'week') AS r
      FROM l2 GROUP BY customer) s ORDER BY customer;
-- daily periods reported in weeks (freq_multiplier 7)
SELECT customer, round((r).t_x::numeric, 4) AS t_x_weeks, round((r).t::numeric, 4) AS t_weeks
FROM (SELECT customer, rfm_summary(day, amount, '2015-02-07', 'day', 7) AS r
      FROM l2 GROUP BY customer) s ORDER BY customer;
-- calibration to 02-01, holdout to 02-07 (daily): customer 6 has no
-- calibration purchase (NULL); x_holdout 1 for 1; monetary_cal
-- {0,0,3,0,4.5}; monetary_holdout {2,0,0,3,0}
SELECT customer, (r).x, (r).t_x, (r).t, (r).monetary, (r).x_holdout, (r).monetary_holdout
FROM (SELECT customer, rfm_calibration(day, amount, '2015-02-01', '2015-02-07') AS r
      FROM l2 GROUP BY customer) s ORDER BY customer;
-- weekly calibration: (0,0,4,1) (0,0,4,0) (1,1,4,0) (0,0,2,1) (0,0,2,0)
SELECT customer, (r).x, (r).t_x, (r).t, (r).x_holdout
FROM (SELECT customer, rfm_calibration(day, amount, '2015-02-01', '2015-02-07', 'week', 1)
          AS r FROM l2 GROUP BY customer) s ORDER BY customer;
-- observation end 02-04: the 02-05 and 02-06 rows are dropped
SELECT customer, (r).x_holdout
FROM (SELECT customer, rfm_calibration(day, amount, '2015-02-01', '2015-02-04') AS r
      FROM l2 GROUP BY customer) s WHERE customer IN (1, 4) ORDER BY customer;
-- raw integer clock (days since 1970-01-01) equals the date form; the
-- first purchase counted (segmentation variant)
SELECT bool_and(a = b) AS raw_equals_date FROM
  (SELECT customer, rfm_summary(day, amount, '2015-02-07') a FROM l2 GROUP BY 1) x
  JOIN (SELECT customer, rfm_summary(day - DATE '1970-01-01', amount,
               DATE '2015-02-07' - DATE '1970-01-01', 1, 0, 1, false) b
        FROM l2 GROUP BY 1) y USING (customer);
SELECT customer, (r).x, (r).monetary
FROM (SELECT customer, rfm_summary(day - DATE '1970-01-01', amount,
             DATE '2015-02-07' - DATE '1970-01-01', 1, 0, 1, true) AS r
      FROM l2 GROUP BY customer) s ORDER BY customer;
-- three sales 10, 20, 25 on three dates: monetary 22.5 in any row order
SELECT (rfm_summary(d, a, '2020-12-31' ORDER BY k)).monetary AS ordered,
       (rfm_summary(d, a, '2020-12-31' ORDER BY -k)).monetary AS reversed
FROM (VALUES (1, DATE '2020-01-05', 10.0), (2, '2020-03-01', 20.0),
             (3, '2020-02-01', 25.0)) v(k, d, a);
-- two purchases in one week: one period
SELECT (rfm_summary(d, 1.0, '2020-12-31', 'week')).x AS x
FROM (VALUES (DATE '2020-06-01'), ('2020-06-03')) v(d);

-- states stored per month and rolled up equal one pass over the log
CREATE TABLE monthly AS
SELECT customer, date_trunc('month', day) AS month,
       rfm_customer(day, amount, '2023-12-31') AS st
FROM purchases GROUP BY 1, 2;
SELECT bool_and(a.r = b.r) AS rollup_equal, count(*) AS customers FROM
  (SELECT customer, rfm_row(rfm_customer(st)) r FROM monthly GROUP BY 1) a
  JOIN (SELECT customer, rfm_summary(day, amount, '2023-12-31') r
        FROM purchases GROUP BY 1) b USING (customer);
SELECT bool_and(a.s::bytea = b.s::bytea) AS rollup_bytes_equal FROM
  (SELECT customer, rfm_customer(st) s FROM monthly GROUP BY 1) a
  JOIN (SELECT customer, rfm_customer(day, amount, '2023-12-31') s
        FROM purchases GROUP BY 1) b USING (customer);
SELECT st::text FROM monthly WHERE customer = 5 ORDER BY month LIMIT 1;
SELECT bool_and(st::text::rfm_customer::bytea = st::bytea) AS text_round_trip
FROM monthly;
-- combine called directly: empty side, and a hand-built state
SELECT rfm_row(rfm_combine(NULL, st)) = rfm_row(st) AS null_plus_s
FROM monthly WHERE customer = 5 ORDER BY month LIMIT 1;
SELECT rfm_row('{"period_length": 1, "period_origin": 0, "freq_multiplier": 1,
  "calibration_end": 0, "flags": 0, "observation_end": 100, "rows": 3,
  "rows_dropped": 0, "has_calibration": 1, "holdout_rows": 0,
  "first_time": 90, "first_sum": 5, "repeat_sum": [7, 0],
  "holdout_sum": [0, 0], "periods": [10, 4], "holdout_periods": []}');
