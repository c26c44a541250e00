#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""NPS by customer segment with 95% intervals, and each segment against the rest.

Reads a survey export (UTF-8 with BOM, ';' delimiter, columns
response_id;customer_id;segment;score;comment; blank scores are people who
opened the survey without answering) and prints, per segment, the tally,
the NPS with an adjusted-Wald interval, and a comparison with all other
responses. Standard library only (numpy is used by the binding if present).

Usage: python3 nps_by_segment.py [SURVEY_CSV]
  (default: examples/data/survey.csv of the repository)
"""

import csv
import os
import sys

from loyalty import nps

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "..", "examples", "data", "survey.csv")


def read_survey(path):
    """Return (segment names, scores, segment index per score); blank scores skipped."""
    segments, scores, groups = [], [], []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f, delimiter=";"):
            score = (row["score"] or "").strip()
            if not score:
                continue
            seg = row["segment"]
            if seg not in segments:
                segments.append(seg)
            scores.append(int(score))
            groups.append(segments.index(seg))
    return segments, scores, groups


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT
    segments, scores, groups = read_survey(path)
    # one pass over all responses, one tally per segment
    tallies = nps.grouped(scores, groups, len(segments))
    total = nps.merge(*tallies)
    print("%d responses, %d segments (%s)" % (total.n, len(segments), os.path.basename(path)))
    print("%-8s %6s %5s %5s %5s %7s %17s %9s %7s"
          % ("segment", "n", "det", "pas", "pro", "NPS", "95% interval", "vs rest", "p"))
    rows = sorted(zip(segments, tallies), key=lambda st: int(st[1].n), reverse=True)
    for seg, t in rows + [("ALL", total)]:
        est = nps.estimate(t, "adjusted", 0.95)
        line = ("%-8s %6d %5d %5d %5d %+7.1f [%+6.1f, %+6.1f]"
                % (seg, t.n, t.detractors, t.passives, t.promoters,
                   100 * est.nps, 100 * est.lower, 100 * est.upper))
        if seg != "ALL":
            rest = nps.merge(*[u for s, u in rows if s != seg])
            cmp_ = nps.compare(t, rest, "adjusted", 0.95)
            line += " %+9.1f %7.3f" % (100 * cmp_.diff, cmp_.p_value)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
