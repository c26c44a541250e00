-- Deterministic data shared by the tests (no random(): the same rows on
-- every run and platform).
CREATE TABLE answers AS
SELECT i AS id,
       1 + (i * 37) % 7 AS branch,
       DATE '2024-01-01' + (i * 13) % 120 AS day,
       least(10, (i::int8 * 7919 + i / 7) % 11 + (1 + (i * 37) % 7) % 3)::int4 AS score,
       0.5 + ((i * 31) % 5) / 2.0 AS weight
FROM generate_series(1, 20000) i;

-- a purchase log of 1500 customers who buy as BG/NBD assumes: first
-- purchase in the first half of 2023, then at a rate lambda ~ Gamma(1,
-- 20 days) while alive, dropping out after each repeat purchase with
-- p ~ Beta(1, 3); whole-dollar amounts. Uniforms come from a hash of
-- (customer, draw).
CREATE FUNCTION uniform(k int, draw int) RETURNS float8
    AS $$ SELECT (hashint8(k::int8 * 1000003 + draw)::int8 + 2147483648.5) / 4294967296.0 $$
    LANGUAGE sql IMMUTABLE PARALLEL SAFE;
CREATE TABLE purchases AS
WITH RECURSIVE c AS (
    SELECT id, floor(uniform(id, 1) * 180) AS first_day,
           -ln(uniform(id, 2)) / 20 AS lambda, 1 - uniform(id, 3) ^ (1.0 / 3) AS p
    FROM generate_series(1, 1500) id),
buys AS (
    SELECT id, 0 AS k, first_day AS t, true AS alive FROM c
    UNION ALL
    SELECT b.id, b.k + 1, b.t - ln(uniform(b.id, 10 + 2 * b.k)) / c.lambda,
           uniform(b.id, 11 + 2 * b.k) >= c.p
    FROM buys b JOIN c USING (id)
    WHERE b.alive AND b.t < 365 AND b.k < 500)
SELECT id AS customer, DATE '2023-01-01' + floor(t)::int AS day,
       floor(10 + 60 * uniform(id, 5000 + k))::float8 AS amount
FROM buys WHERE t < 365;

ANALYZE answers;
ANALYZE purchases;
SELECT count(*) AS answers, count(DISTINCT branch) AS branches FROM answers;
SELECT count(*) AS purchases, count(DISTINCT customer) AS customers FROM purchases;
