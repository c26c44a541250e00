-- CSAT and CES from score tallies (MODELS.md 2 reference values).
SET extra_float_digits = 0;

-- Delighted: scores 5..1 with counts 42, 32, 10, 9, 14 -> 74/107
CREATE TABLE delighted AS
SELECT s AS score FROM (VALUES (5, 42), (4, 32), (3, 10), (2, 9), (1, 14)) v(s, k),
       generate_series(1, k);
SELECT (c).top, (c).n, round((c).csat::numeric, 6) AS csat,
       round((c).lower::numeric, 6) AS lower, round((c).upper::numeric, 6) AS upper,
       (c).flags
FROM (SELECT csat(score) AS c FROM delighted) s;
-- Intercom: 5..1 with 10, 20, 10, 5, 5 -> 30/50
SELECT round((csat(score)).csat::numeric, 6) AS intercom
FROM (VALUES (5, 10), (4, 20), (3, 10), (2, 5), (1, 5)) v(score, k),
     generate_series(1, k);
-- the tally, its counts, and CSAT with an explicit scale
SELECT score_tally(score, 1, 5) FROM delighted;
SELECT score_counts(score_tally(score, 1, 5)) FROM delighted;
SELECT csat(score, 1, 4, 5) = csat(score) AS same_default,
       round((csat(score, 1, 5, 5)).csat::numeric, 6) AS top_box_only,
       csat(score_tally(score, 1, 5), 4) = csat(score) AS same_scalar
FROM delighted;

-- CES 2.0 on 1..7: mean with interval, agree (5-7) and disagree (1-3)
CREATE TABLE effort AS
SELECT 1 + (i * 5 + i / 9) % 7 AS score FROM generate_series(1, 500) i;
SELECT round((c).mean::numeric, 6) AS mean, round((c).lower::numeric, 6) AS lower,
       round((c).upper::numeric, 6) AS upper, round((c).sd::numeric, 6) AS sd,
       round((c).agree::numeric, 6) AS agree, round((c).disagree::numeric, 6) AS disagree,
       (c).n, (c).flags
FROM (SELECT ces(score) AS c FROM effort) s;
SELECT ces(score, 1, 3, 5, 7) = ces(score) AS same_default,
       ces(score_tally(score, 1, 7), 3, 5) = ces(score) AS same_scalar,
       (ces(score_tally(score, 1, 7), 2, 6, 0.9)).agree AS agree_6_7,
       (ces(score_tally(score, 1, 7), 2, 6, 0.9)).disagree AS disagree_1_2
FROM effort;

-- roll-up and merge equal one pass, byte for byte; empty input
SELECT (SELECT score_tally(t)::bytea
        FROM (SELECT score % 2, score_tally(score, 1, 7) t FROM effort GROUP BY 1) s)
     = (SELECT score_tally(score, 1, 7)::bytea FROM effort) AS rollup_bytes_equal;
SELECT score_tally(score, 1, 7), csat(score), ces(score) FROM effort WHERE false;
SELECT score_tally_combine(NULL, '{"lo": 1, "hi": 3, "rejected": 0, "counts": [1, 2, 3]}'),
       score_tally_combine('{"lo": 1, "hi": 3, "rejected": 0, "counts": [1, 2, 3]}',
                           '{"lo": 1, "hi": 3, "rejected": 0, "counts": [0, 0, 0]}');
SELECT t::text::score_tally::bytea = t::bytea AS text_round_trip,
       t::bytea::score_tally::text = t::text AS bytea_round_trip
FROM (SELECT score_tally(score, 1, 7) t FROM effort) s;
-- an NPS tally from a 0-10 score tally
SELECT nps_tally(score_tally(score, 0, 10))::bytea = nps_tally(score)::bytea
    AS nps_from_score_tally
FROM answers;
