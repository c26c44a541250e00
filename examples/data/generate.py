#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the bundled sample data of libloyalty (examples/data).

A synthetic company, "Nordlicht Coffee Roasters", sells coffee online to
three kinds of customers (Home, Office, Cafe). The script writes:

  purchases.csv  customer_id,date,amount        (ISO dates, comma, LF)
  survey.csv     survey export: UTF-8 BOM, ';' delimiter, quoted comments,
                 response_id;customer_id;segment;score;comment, with some
                 blank scores (people who opened the survey but did not answer),
                 then seven attribute ratings on 0-10 (key-driver analysis):
                 taste;freshness;delivery_on_time;order_accuracy;
                 value_for_money;personal_touch;app_ease, each sometimes
                 blank (not applicable)
  customers.csv  customer_id,segment,revenue,score,potential
                 (the input of `loyalty segment`: revenue from the log, the
                 customer's latest survey score or blank, a potential estimate)

Customers buy by a BG/NBD-like process: purchase rate lambda ~ Gamma,
dropout probability p ~ Beta after each repeat purchase, spend per order
Gamma-Gamma. Satisfaction (the survey score) rises with the purchase rate and
differs by segment. The attribute ratings follow the score with the structure
a driver analysis should find: taste, freshness and value for money act
linearly ("performance" attributes), delivery on time and order accuracy are
basic factors (a failure drags the score down, a perfect rating does not lift
it), the personal touch is an excitement factor (delight lifts promoters, its
absence costs little), and the app barely matters. They come from a second
generator, so the columns before them are the same as without them. Standard
library only; the fixed seeds make the output identical byte for byte on every
run.

Usage: python3 generate.py [OUTPUT_DIR [CUSTOMERS]]
  (defaults: the script's folder, 3000 customers; bench/cli_bench.sh asks
  for about 1.55 million customers, some 10 million purchase rows)
"""
import datetime
import math
import os
import random
import sys

SEED = 20240601
N_CUSTOMERS = 3000
START = datetime.date(2024, 1, 1)       # first day of acquisition
ACQ_DAYS = 365                          # customers join during 2024
END = datetime.date(2025, 12, 31)       # observation end (inclusive)
SEGMENTS = (("Home", 0.62, 0.0, 1.0), ("Office", 0.25, -1.1, 2.2),
            ("Cafe", 0.13, 0.9, 4.0))   # name, share, score shift, spend x
COMMENTS = (
    "Great beans, fast delivery",
    "Too expensive lately",
    "Love the \"Morning Fjord\" blend",
    "Delivery was late, twice; support was kind",
    "Good, but the app keeps logging me out",
    "Packaging could be greener",
    "Best espresso roast I have found, honestly",
    "Subscription paused, moving house",
    "Grinder advice was really helpful",
    "Cancelled: price rise of 12%",
)


def pick_segment(rng):
    u = rng.random()
    acc = 0.0
    for seg in SEGMENTS:
        acc += seg[1]
        if u < acc:
            return seg
    return SEGMENTS[-1]


def customer_purchases(rng, first, lam, p):
    """Days (offsets from `first`) of the customer's purchases until dropout."""
    days = [0]
    horizon = (END - first).days
    t = 0.0
    while True:
        if rng.random() < p:            # dies after the last purchase
            break
        t += rng.expovariate(lam)
        if t > horizon:
            break
        days.append(int(t))
    return days


def order_amount(rng, nu, mult):
    # Gamma-Gamma: per-order value ~ Gamma(shape 6, rate nu), in euros.
    return max(2.5, rng.gammavariate(6.0, 1.0 / nu) * mult)


def latent_score(rng, lam, shift):
    mu = 8.3 + 0.6 * math.log(lam * 30.0 + 0.05) + shift
    s = int(round(rng.gauss(mu, 2.0)))
    return min(10, max(0, s))


def make_customers(rng, count):
    customers = []
    for i in range(count):
        cid = "C%05d" % (i + 1) if count <= 99999 else "C%07d" % (i + 1)
        seg = pick_segment(rng)
        first = START + datetime.timedelta(days=rng.randrange(ACQ_DAYS))
        lam = rng.gammavariate(0.9, 1.0 / 30.0)     # purchases per day
        p = rng.betavariate(1.2, 6.0)
        nu = rng.gammavariate(8.0, 1.0 / 35.0)
        days = customer_purchases(rng, first, lam, p)
        orders = [(first + datetime.timedelta(days=d),
                   order_amount(rng, nu, seg[3])) for d in days]
        customers.append({"id": cid, "segment": seg[0], "shift": seg[2],
                          "lam": lam, "orders": orders})
    return customers


def write_purchases(path, customers, rng):
    rows = []
    for c in customers:
        for date, amount in c["orders"]:
            rows.append((date, c["id"], amount))
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(path, "w", newline="\n", encoding="utf-8") as f:
        f.write("customer_id,date,amount\n")
        for date, cid, amount in rows:
            f.write("%s,%s,%.2f\n" % (cid, date.isoformat(), amount))


def csv_quote(text):
    if any(ch in text for ch in ';"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


ATTRIBUTES = ("taste", "freshness", "delivery_on_time", "order_accuracy",
              "value_for_money", "personal_touch", "app_ease")


def clip_rating(v):
    return min(10, max(0, int(round(v))))


def attribute_ratings(arng, score):
    """Seven 0-10 ratings given the 0-10 score (None when it was left blank).

    g is the respondent's overall satisfaction on a standard scale. The
    performance attributes move with g; a basic factor fails (0-5) mostly
    for unhappy customers and is otherwise rated 8-10 whatever g is; the
    excitement factor is rated 9-10 mostly by the happiest customers and
    otherwise 0-8 whatever g is; the app rating hardly depends on g.
    """
    if score is None:
        g = arng.gauss(0.0, 1.0)
    else:
        g = (score - 7.5) / 2.2 + arng.gauss(0.0, 0.55)
    out = []
    for mean, load in ((7.8, 1.5), (7.5, 1.1)):                 # taste, freshness
        out.append(clip_rating(mean + load * g + arng.gauss(0.0, 1.2)))
    for _ in range(2):                                          # basic factors
        p_fail = 0.03 + 0.40 / (1.0 + math.exp(3.0 * (g + 1.0)))
        if arng.random() < p_fail:
            out.append(arng.randrange(6))
        else:
            u = arng.random()
            out.append(8 if u < 0.25 else (9 if u < 0.6 else 10))
    out.append(clip_rating(6.6 + 1.3 * g + arng.gauss(0.0, 1.2)))  # value
    p_delight = 0.05 + 0.55 / (1.0 + math.exp(-3.0 * (g - 0.8)))
    if arng.random() < p_delight:                               # excitement
        out.append(9 if arng.random() < 0.45 else 10)
    else:
        out.append(min(8, clip_rating(arng.gauss(5.5, 1.8))))
    out.append(clip_rating(7.0 + 0.2 * g + arng.gauss(0.0, 1.8)))  # app
    cells = []
    for name, v in zip(ATTRIBUTES, out):
        blank = arng.random() < (0.12 if name == "app_ease" else 0.03)
        cells.append("" if blank else str(v))
    return cells


def write_survey(path, customers, rng):
    """About 55% of customers were surveyed; 6% of them left the score blank.

    The attribute ratings draw from their own generator (seeded from SEED),
    so adding them left every earlier column unchanged.
    """
    scores = {}
    arng = random.Random(SEED + 14)
    with open(path, "w", newline="\n", encoding="utf-8-sig") as f:
        f.write("response_id;customer_id;segment;score;comment;%s\n"
                % ";".join(ATTRIBUTES))
        rid = 0
        for c in customers:
            if rng.random() >= 0.55:
                continue
            rid += 1
            blank = rng.random() < 0.06
            score = "" if blank else str(latent_score(rng, c["lam"], c["shift"]))
            comment = ""
            if rng.random() < 0.15:
                comment = csv_quote(COMMENTS[rng.randrange(len(COMMENTS))])
            if not blank:
                scores[c["id"]] = int(score)
            attrs = attribute_ratings(arng, None if blank else int(score))
            f.write("R%05d;%s;%s;%s;%s;%s\n" % (rid, c["id"], c["segment"], score,
                                                 comment, ";".join(attrs)))
    return scores


def write_customers(path, customers, scores, rng):
    with open(path, "w", newline="\n", encoding="utf-8") as f:
        f.write("customer_id,segment,revenue,score,potential\n")
        for c in customers:
            revenue = sum(a for _, a in c["orders"])
            # Potential: a rough estimate of the customer's yearly category
            # spend, what a sales team would enter by hand.
            potential = revenue * (1.0 + rng.gammavariate(2.0, 1.0))
            score = scores.get(c["id"])
            f.write("%s,%s,%.2f,%s,%.2f\n" % (
                c["id"], c["segment"], revenue,
                "" if score is None else str(score), potential))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    count = int(sys.argv[2]) if len(sys.argv) > 2 else N_CUSTOMERS
    rng = random.Random(SEED)
    customers = make_customers(rng, count)
    write_purchases(os.path.join(out, "purchases.csv"), customers, rng)
    scores = write_survey(os.path.join(out, "survey.csv"), customers, rng)
    write_customers(os.path.join(out, "customers.csv"), customers, scores, rng)


if __name__ == "__main__":
    main()
