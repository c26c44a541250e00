# SPDX-License-Identifier: MIT
"""Mergeable states: bytes round trips, split-and-merge = one pass."""

import random
import unittest

from loyalty import mergeable, nps, LoyaltyError


class TestMergeable(unittest.TestCase):
    def test_nps_tally_bytes(self):
        t = nps.tally([0, 7, 9, 10, 3, 8])
        b = mergeable.tally_to_bytes(t)
        self.assertEqual(len(b), 48)
        self.assertEqual(b[:4], b"LOYS")
        self.assertEqual(mergeable.tally_from_bytes(b), t)
        with self.assertRaises(LoyaltyError) as cm:
            mergeable.tally_from_bytes(b[:-1])
        self.assertEqual(cm.exception.name, "LOY_EFORMAT")
        w = nps.weighted_tally([0, 9, 10], [1.5, 2.0, 0.5])
        self.assertEqual(mergeable.weighted_tally_from_bytes(
            mergeable.weighted_tally_to_bytes(w)), w)

    def test_score_tally(self):
        a = mergeable.ScoreTally(1, 5, [5, 5, 4, 1])
        b = mergeable.ScoreTally.from_bytes(
            mergeable.ScoreTally(1, 5, [2, 3, 5]).to_bytes())
        a += b
        self.assertEqual(a.counts(), ([1, 1, 1, 1, 3], 0))
        self.assertAlmostEqual(a.csat(4).csat, 4 / 7)
        one = mergeable.ScoreTally(1, 5, [5, 5, 4, 1, 2, 3, 5])
        self.assertEqual(one.to_bytes(), a.to_bytes())

    def test_pattern_table_split(self):
        rng = random.Random(3)
        rows = []
        for _ in range(2000):
            T = float(rng.randint(20, 39))
            x = float(rng.randint(0, 4))
            tx = float(rng.randint(1, int(T))) if x else 0.0
            rows.append((x, tx, T))
        x, tx, T = (list(c) for c in zip(*rows))
        whole = mergeable.PatternTable().add(x, tx, T)
        a = mergeable.PatternTable().add(x[:700], tx[:700], T[:700])
        b = mergeable.PatternTable().add(x[700:], tx[700:], T[700:])
        b.merge(mergeable.PatternTable.from_bytes(a.to_bytes()))
        self.assertEqual(b.to_bytes(), whole.to_bytes())
        self.assertEqual(sum(whole.rows()[3]), 2000.0)
        with self.assertRaises(LoyaltyError) as cm:
            mergeable.PatternTable().add([1.0], [5.0], [4.0])
        self.assertEqual(cm.exception.name, "LOY_EINCONSISTENT")
        self.assertEqual(cm.exception.index, 0)

    def test_rfm_customer(self):
        c = mergeable.RfmCustomer(16473)  # 2015-02-07 in days
        c.add([16436, 16440], [1.0, 2.0])
        d = mergeable.RfmCustomer.from_bytes(
            mergeable.RfmCustomer(16473).add([16437], [4.0]).to_bytes())
        c.merge(d)
        row, first = c.row()
        self.assertEqual(row[:4], (2.0, 4.0, 37.0, 3.0))
        self.assertEqual(first, 16436)

    def test_segment_tally(self):
        t = mergeable.SegmentTally().add([10, 9, 8], [0, 0, 1], [10, 3, -1])
        u = mergeable.SegmentTally.from_bytes(
            mergeable.SegmentTally().add([1], [2], [7]).to_bytes())
        t += u
        r = t.result()
        self.assertEqual(r.n, 4)
        self.assertEqual(r.total_value, 28.0)


if __name__ == "__main__":
    unittest.main()
