-- Fixture tables for the README's "In SQL" queries (the README's SQL
-- follows this file verbatim in the readme test). Deterministic: uniforms
-- come from a hash of (customer, draw).
CREATE FUNCTION pg_temp.u(k int, draw int) RETURNS float8
    AS $$ SELECT (hashint8(k::int8 * 1000003 + draw)::int8 + 2147483648.5) / 4294967296.0 $$
    LANGUAGE sql IMMUTABLE;

CREATE TABLE survey_answers AS
SELECT i AS answer_id, 1 + (i * 37) % 4 AS branch,
       DATE '2024-01-01' + (i * 13) % 180 AS answered_on,
       least(10, (i::int8 * 7919) % 11 + (i * 37) % 4)::int4 AS score
FROM generate_series(1, 4000) i;
-- three 0-10 ratings: delivery follows the score closely, value for money
-- loosely, the app not at all
ALTER TABLE survey_answers ADD COLUMN delivery int4, ADD COLUMN value_for_money int4,
    ADD COLUMN app_ease int4;
UPDATE survey_answers
SET delivery = greatest(0, least(10, score + (answer_id * 7) % 3 - 1)),
    value_for_money = greatest(0, least(10, score / 2 + (answer_id * 11) % 7)),
    app_ease = (answer_id * 13) % 11;

-- customers buying as BG/NBD assumes: first purchase in the first 90 days
-- of 2024, then at a rate lambda ~ Gamma(1, 30 days) while alive,
-- dropping out after each repeat purchase with p ~ Beta(1, 3)
CREATE TABLE orders AS
WITH RECURSIVE c AS (
    SELECT id, floor(pg_temp.u(id, 1) * 90) AS first_day,
           -ln(pg_temp.u(id, 2)) / 30 AS lambda, 1 - pg_temp.u(id, 3) ^ (1.0 / 3) AS p
    FROM generate_series(1, 500) id),
buys AS (
    SELECT id, 0 AS k, first_day AS t, true AS alive FROM c
    UNION ALL
    SELECT b.id, b.k + 1, b.t - ln(pg_temp.u(b.id, 10 + 2 * b.k)) / c.lambda,
           pg_temp.u(b.id, 11 + 2 * b.k) >= c.p
    FROM buys b JOIN c USING (id)
    WHERE b.alive AND b.t < 181 AND b.k < 500)
SELECT id AS customer_id, DATE '2024-01-01' + floor(t)::int AS ordered_on,
       round((15 + 40 * pg_temp.u(id, 5000 + k))::numeric, 2)::float8 AS amount
FROM buys WHERE t < 181;

CREATE TABLE customers AS
SELECT customer_id, sum(amount) AS revenue,
       CASE WHEN customer_id % 4 = 0 THEN NULL ELSE (customer_id * 7) % 11 END AS last_score
FROM orders GROUP BY customer_id;
