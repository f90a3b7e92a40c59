"""scripts/compare on two full suite runs (issue 23, item 4): the family of the Holm correction is the
benchmarks whose repetitions can reach the corrected alpha (a fixed point on the sample sizes alone); the
others are listed in one section, not tested; the headline set comes first, in its own block; exit 2 only
when nothing at all can be tested. Small results files written here; no build, no benchmark run."""
import collections
import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import SPREAD, ScratchTest, repetitions, run, scaled  # noqa: E402
import tvp_path  # noqa: E402,F401
from tvp import compare, headline  # noqa: E402

SLOWED = "create/fork/workers:4/parent_mib:0"  # the headline benchmark made 30% slower
THREE = [100.0, 101.0, 99.0]  # a full run's 3 repetitions


def other_names(count):
    """Benchmarks outside the headline set, as many as asked."""
    return [f"pipe/thread/pipe/bytes:{8 * (i + 1)}/cpus:cross/latency" for i in range(count)]


def full_run(slowdown=1.0, headline_reps=10, others=500, slowed=SLOWED, other_slowdown=1.0):
    """Rows of a full suite run: the 13 headline benchmarks at `headline_reps` repetitions (10 of SPREAD's),
    `others` more at 3; `slowed` multiplied by `slowdown`, every other benchmark by `other_slowdown`."""
    rows = []
    for i, name in enumerate(headline.NAMES):
        rows += repetitions(name, scaled((1 + i) * (slowdown if name == slowed else 1.0), SPREAD[:headline_reps]))
    for i, name in enumerate(other_names(others)):
        rows += repetitions(name, scaled((1 + i % 7) * other_slowdown, THREE))
    return rows


class FixedPointTest(unittest.TestCase):
    """The family on hand-made sample sizes (tested_family, family_bound), the smallest p's worked out: exact
    U test without overlap, p = 2 / C(n_base + n_new, n_base)."""

    def test_five_at_10_reps_and_a_hundred_at_4(self):
        # 10 vs 10: 2 / C(20, 10) = 2 / 184756 = 1.0825e-5; 4 vs 4: 2 / C(8, 4) = 2 / 70 = 0.028571.
        # Start with all, k = 105: 105 x 0.028571 = 3.0 >= 0.05, the 4 vs 4 go; k = 5: 5 x 1.0825e-5 =
        # 5.4e-5 < 0.05, stable. (4 vs 4 would fail even at k = 5: 5 x 0.028571 = 0.14.) A family of 5.
        self.assertAlmostEqual(compare.smallest_p(10, 10), 2 / 184756, delta=1e-9)
        self.assertAlmostEqual(compare.smallest_p(4, 4), 2 / 70, delta=1e-9)
        sizes = [(10, 10)] * 5 + [(4, 4)] * 100
        self.assertEqual(compare.tested_family(sizes, 0.05), [True] * 5 + [False] * 100)
        self.assertEqual(compare.family_bound(collections.Counter(compare.smallest_p(*s) for s in sizes), 0.05),
                         (compare.smallest_p(10, 10), 5))

    def test_the_weakest_sizes_go_first_so_the_family_is_the_largest(self):
        # 8 vs 8: 2 / C(16, 8) = 2 / 12870 = 1.554e-4. Of 13 at 10 vs 10, 200 at 8 vs 8, 500 at 3 vs 3 (0.1):
        # k = 713: 0.1 x 713 >= 0.05, the 3 vs 3 go (8 vs 8 fails too: 713 x 1.554e-4 = 0.111, but is
        # kept: it is not the weakest); k = 213: 213 x 1.554e-4 = 0.0331 < 0.05, stable. A family of 213
        # (dropping every failing size at once would have stopped at 13).
        sizes = [(10, 10)] * 13 + [(8, 8)] * 200 + [(3, 3)] * 500
        self.assertEqual(sum(compare.tested_family(sizes, 0.05)), 213)
        # Past 321 at 8 vs 8 (321 x 1.554e-4 = 0.0499, 322 x = 0.05005): 13 + 310 = 323 go down to 13.
        sizes = [(10, 10)] * 13 + [(8, 8)] * 310 + [(3, 3)] * 500
        self.assertEqual(sum(compare.tested_family(sizes, 0.05)), 13)

    def test_sizes_that_each_reach_alpha_alone_may_not_together(self):
        # 4 vs 4 alone: 0.0286 < 0.05, tested; two of them: 2 x 0.0286 = 0.057 >= 0.05, none.
        self.assertEqual(compare.tested_family([(4, 4)], 0.05), [True])
        self.assertEqual(compare.tested_family([(4, 4)] * 2, 0.05), [False, False])
        self.assertEqual(compare.family_bound(collections.Counter(), 0.05), (None, 0))

    def test_repetitions_needed_to_join(self):
        # Beside 13 at 10 vs 10, 500 more need 9 a side (513 x 2 / C(18, 9) = 513 x 4.11e-5 = 0.021; 8: 0.080);
        # one more needs 6 (14 x 2 / C(12, 6) = 14 x 0.00216 = 0.030; 5: 14 x 0.00794 = 0.11).
        self.assertEqual(compare.needed_to_join([(10, 10)] * 13, 500, 0.05), 9)
        self.assertEqual(compare.needed_to_join([(10, 10)] * 12, 1, 0.05), 6)


class FullRunsTest(ScratchTest):
    def compare(self, base_rows, new_rows, *args):
        return run("compare", self.results("base.json", base_rows), self.results("new.json", new_rows), *args)

    def test_a_headline_slowdown_among_500_benchmarks_at_3_repetitions_fails_naming_it(self):
        """Plants: the family is every benchmark again (the corrected p of the 30% slowdown is 513 times its p,
        the report says 513 comparisons, nothing is listed as not compared); the headline block is dropped."""
        result = self.compare(full_run(), full_run(slowdown=1.3))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        out = result.stdout
        self.assertIn("p corrected for 13 comparisons", out)
        slower = [line for line in out.splitlines() if "SLOWER" in line]
        self.assertEqual(len(slower), 1, out)
        self.assertTrue(slower[0].startswith(SLOWED + " "), slower[0])
        # The 13 are tested with Holm over 13: the slowdown's p (no overlap, 1.0825e-5) ranks first, x 13 =
        # 1.407e-4, printed to 2 digits (over all 513 it would be 0.0056).
        p_value, adjusted = re.search(r"\+30\.0%\s+(\S+)\s+(\S+)\s+10/10", slower[0]).groups()
        self.assertEqual((p_value, adjusted), ("1.1e-05", "0.00014"))
        # The 500: one line with their count, the smallest p of 3 vs 3 and the repetitions needed
        # (FixedPointTest: 9 per side beside the 13), a few names, not 500 lines.
        self.assertEqual(out.count("not compared: too few repetitions:"), 1, out)
        self.assertIn("not compared: too few repetitions: 500 benchmarks (3 vs 3 reach at best p = 0.1; "
                      "at least 9 per side are needed)", out)
        self.assertLess(sum(1 for line in out.splitlines() if "pipe/thread/pipe/" in line), 3, out)
        self.assertIn("and 497 more (--verbose lists them all)", out)
        self.assertIn("13 benchmarks compared; 1 worse by more than 10%", out)
        self.assertIn("500 not compared: too few repetitions", out)
        self.assertNotIn("compare:", result.stderr)

    def test_the_headline_block_comes_first_with_every_headline_benchmark(self):
        out = self.compare(full_run(), full_run(slowdown=1.3)).stdout
        lines = out.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("headline set")), None)
        self.assertIsNotNone(start, out)
        self.assertIn("13 of 13 tested", lines[start])
        block = lines[start:lines.index("", start)]
        for name in headline.NAMES:
            with self.subTest(name=name):
                self.assertTrue(any(line.startswith(name + " ") for line in block), block)
        # Before any other benchmark and before the section of those not compared.
        first_other = next(i for i, line in enumerate(lines) if "pipe/thread/pipe/" in line)
        self.assertLess(start + len(block), first_other)
        self.assertLess(start, next(i for i, line in enumerate(lines) if line.startswith("not compared:")))

    def test_no_change_passes_and_an_untested_slowdown_is_no_regression(self):
        """The 500 at 3 repetitions are 30% slower: not testable, so listed, not failed (exit 0)."""
        result = self.compare(full_run(), full_run(other_slowdown=1.3))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("SLOWER", result.stdout)
        self.assertIn("not compared: too few repetitions: 500 benchmarks", result.stdout)

    def test_verbose_names_every_benchmark_not_compared(self):
        out = self.compare(full_run(), full_run(), "--verbose").stdout
        for name in other_names(500):
            self.assertIn(f"\n  {name}\n", out)

    def test_a_headline_benchmark_that_cannot_be_tested_says_so_with_the_repetitions_it_needs(self):
        """sumsq_kernel at 3 repetitions beside 12 headline benchmarks at 10: it would need 6 a side
        (FixedPointTest.test_repetitions_needed_to_join)."""
        kernel = "sumsq_kernel/fast/n:100000000"

        def rows(slowdown):
            return [row for row in full_run(slowdown=slowdown, others=20) if not row["name"].startswith(kernel)] \
                + repetitions(kernel, THREE)

        result = self.compare(rows(1.0), rows(1.0))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("12 of 13 tested, 1 not tested: too few repetitions", result.stdout)
        self.assertRegex(result.stdout, rf"\n{kernel} +not tested: 3 vs 3 reach at best p = 0\.1; it needs at "
                                        r"least 6 per side to be tested\n")
        self.assertIn("not compared: too few repetitions: 21 benchmarks (3 vs 3", result.stdout)

    def test_a_benchmark_missing_from_the_new_file_still_fails(self):
        new = [row for row in full_run() if not row["name"].startswith(other_names(1)[0] + "/")]
        result = self.compare(full_run(), new, "--gate")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"FAILED  {other_names(1)[0]}: missing from the new file", result.stdout)
        self.assertEqual(result.stdout.strip().splitlines()[-1], f"gate: FAIL {other_names(1)[0]} (missing)")

    def test_the_gate_passes_and_says_what_it_did_not_compare(self):
        result = self.compare(full_run(), full_run(), "--gate")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        last = result.stdout.strip().splitlines()[-1]
        self.assertTrue(last.startswith("gate: PASS (13 benchmarks"), last)
        self.assertIn("500 not compared: too few repetitions", last)


class NothingTestableTest(ScratchTest):
    def test_a_full_run_at_3_repetitions_everywhere_exits_2(self):
        rows = full_run(headline_reps=3, others=30)
        result = run("compare", self.results("base.json", rows), self.results("new.json", rows))
        self.assert_one_line_exit_2(result, "too few repetitions to ever reach p < 0.05 over 43 benchmark(s) "
                                            "(Holm-Bonferroni)")
        self.assertIn("has 3 vs 3, at best p = 0.1; need at least 7 per side", result.stderr)

    def test_sizes_each_testable_alone_but_not_together_exit_2(self):
        """Two benchmarks at 4 vs 4 (FixedPointTest): the family is empty; 5 a side would do for 2."""
        rows = repetitions("create/fork/workers:4", SPREAD[:4]) + repetitions("create/thread/workers:4", SPREAD[:4])
        result = run("compare", self.results("base.json", rows), self.results("new.json", rows))
        self.assert_one_line_exit_2(result, "too few repetitions to ever reach p < 0.05 over 2 benchmark(s)")
        self.assertIn("need at least 5 per side", result.stderr)


if __name__ == "__main__":
    unittest.main()
