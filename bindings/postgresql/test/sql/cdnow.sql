-- Published reference values on the CDNOW 1/10 sample (MODELS.md 6.9),
-- from the raw transaction log to the fits, all in SQL. The data live in
-- ../shared/data (LOYALTY_CDNOW names the raw log); without them the test
-- prints a skip notice (expected file cdnow_1.out).
\getenv cdnow LOYALTY_CDNOW
SELECT coalesce(:'cdnow', '') <> '' AS have_cdnow \gset
\if :have_cdnow
CREATE TABLE cdnow_raw (line text);
COPY cdnow_raw FROM :'cdnow';
-- whitespace-separated: master id, sample id, date, CDs, dollars (CRLF)
CREATE TABLE cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[5]::float8 AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), '\s+') AS f FROM cdnow_raw) s;
SELECT count(*) AS rows, count(DISTINCT id) AS customers, min(day), max(day) FROM cdnow;

-- calibration to 1997-09-30, daily periods reported in weeks
CREATE TABLE cdnow_cal AS
SELECT id, (r).x, (r).t_x, (r).t, (r).monetary, (r).x_holdout
FROM (SELECT id, rfm_calibration(day, amount, '1997-09-30', '1998-06-30', 'day', 7) AS r
      FROM cdnow GROUP BY id) s;
-- 2357 customers, 1411 with x = 0, 946 with x > 0, 2457 repeat
-- transactions in calibration, 1882 holdout customer-days
SELECT count(*) AS customers, count(*) FILTER (WHERE x = 0) AS x_zero,
       count(*) FILTER (WHERE x > 0) AS x_positive, sum(x) AS repeat_calibration,
       sum(x_holdout) AS holdout FROM cdnow_cal;

-- BG/NBD r 0.243 alpha 4.414 a 0.793 b 2.426, LL -9582.4 (FHL 2005)
-- Pareto/NBD r 0.553 alpha 10.578 s 0.606 beta 11.669, LL -9595.0
-- MBG/NBD r 0.525 alpha 6.183 a 0.891 b 1.614 (lifetimes)
-- Gamma-Gamma p 6.25 q 3.74 gamma 15.44 on the 946 with x > 0
SELECT (f).model, (SELECT array_agg(round(p::numeric, 3)) FROM unnest((f).params) p)
           AS params, round((f).loglik::numeric, 1) AS loglik, (f).customers,
       (f).converged
FROM (SELECT bgnbd_fit(x, t_x, t) AS f FROM cdnow_cal
      UNION ALL SELECT pnbd_fit(x, t_x, t) FROM cdnow_cal
      UNION ALL SELECT mbgnbd_fit(x, t_x, t) FROM cdnow_cal) s;
SELECT (f).model, (SELECT array_agg(round(p::numeric, 2)) FROM unnest((f).params) p)
           AS params, (f).customers, (f).converged
FROM (SELECT ggamma_fit(x, t_x, t, monetary) AS f FROM cdnow_cal) s;

-- the same fit in parallel workers and from tables of four shards
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE cdnow_cal SET (parallel_workers = 2);
SELECT (SELECT bgnbd_fit(x, t_x, t) FROM cdnow_cal)
     = (SELECT bgnbd_fit(pattern_table(pt))
        FROM (SELECT id % 4, pattern_table(x, t_x, t) pt FROM cdnow_cal GROUP BY 1) s)
    AS shards_same_fit;
RESET ALL;
\else
SELECT 'CDNOW data absent: skipped' AS cdnow;
\endif
