"""Unit tests of scripts/tvp/precision.py, the suite's rule for stopping each benchmark when its median is
known: the interval of the median on known sample sets, and the rule on synthetic streams (a steady one stops
at the floor, a noisy one at the cap, marked). No benchmark runs."""
import random
import re
import unittest

import tvp_path  # noqa: F401  (scripts/ on sys.path, as the commands have it)
from tvp import precision  # noqa: E402
from tvp import suite  # noqa: E402


def run_stream(next_value, floor, target=0.03, cap_s=3.0, seconds_per_repetition=0.1):
    """Feeds a stream to the rule as the suite does (the floor first, then BATCH at a time); returns (values,
    why it stopped)."""
    values, spent = [], 0.0
    count = floor
    while True:
        for _ in range(count):
            values.append(next_value())
            spent += seconds_per_repetition
        why = precision.verdict(values, floor, target, spent, cap_s)
        if why:
            return values, why
        count = precision.BATCH


class IntervalTest(unittest.TestCase):
    def test_the_order_statistic_interval_of_a_known_sample(self):
        """n = 20: P(Bin(20, 1/2) <= 5) = 2.07% <= 2.5% < P(<= 6): the 6th and 15th values. Plant: the 5th and
        16th (one rank wider) give 5 and 16."""
        self.assertEqual(precision.median_interval(list(range(20, 0, -1))), (10.5, 6, 15))
        self.assertAlmostEqual(precision.half_width(list(range(1, 21))), 4.5 / 10.5)

    def test_below_six_values_the_interval_spans_them_all(self):
        self.assertEqual(precision.median_interval([3, 1, 2, 5, 4]), (3, 1, 5))
        self.assertRaises(ValueError, precision.median_interval, [])


class StoppingRuleTest(unittest.TestCase):
    def test_a_steady_stream_stops_at_the_floor(self):
        """±0.5% around 100 µs: the interval of 5 values (all of them) is within ±3%."""
        generator = random.Random(7)
        values, why = run_stream(lambda: 100 * (1 + generator.uniform(-0.005, 0.005)), precision.FLOOR)
        self.assertEqual((len(values), why), (precision.FLOOR, precision.PRECISE))

    def test_a_noisy_stream_stops_at_the_cap_and_says_so(self):
        """±40%: never within ±3% before 3 s of 0.1 s repetitions: the first pass that reaches 30 of them."""
        generator = random.Random(7)
        values, why = run_stream(lambda: 100 * (1 + generator.uniform(-0.4, 0.4)), precision.FLOOR)
        passes_to_cap = -(-(30 - precision.FLOOR) // precision.BATCH)
        self.assertEqual((len(values), why), (precision.FLOOR + passes_to_cap * precision.BATCH, precision.TIME_CAP))

    def test_a_moderately_noisy_stream_is_repeated_until_known(self):
        """±6% uniform: 5 values span more than ±3%; the interval of the median narrows with more."""
        generator = random.Random(11)
        values, why = run_stream(lambda: 100 * (1 + generator.uniform(-0.06, 0.06)), precision.FLOOR)
        self.assertEqual(why, precision.PRECISE)
        self.assertGreater(len(values), precision.FLOOR)
        self.assertLess(len(values), 30)

    def test_the_headline_floor_is_kept_even_when_steady(self):
        values, why = run_stream(lambda: 100.0, precision.HEADLINE_FLOOR)
        self.assertEqual((len(values), why), (precision.HEADLINE_FLOOR, precision.PRECISE))
        self.assertIsNone(precision.verdict([100.0] * 5, precision.HEADLINE_FLOOR, 0.03, 0.5, 3.0))
        # The floor is kept past the cap (compare needs the headline's 10): then the cap stops it, marked.
        self.assertIsNone(precision.verdict([100.0, 120, 80], 10, 0.03, 3.5, 3.0))
        self.assertEqual(precision.verdict([100.0, 120, 80] * 4, 10, 0.03, 3.5, 3.0), precision.TIME_CAP)

    def test_the_record_keeps_repetitions_interval_target_and_reason(self):
        record = precision.record([1.0, 2.0, 3.0, 4.0, 5.0], 5, 0.03, 1.25, 3.0, precision.TIME_CAP)
        self.assertEqual((record["repetitions"], record["median"], record["low"], record["high"]), (5, 3.0, 1.0, 5.0))
        self.assertEqual((record["target"], record["stopped"]), (0.03, "time cap"))


class PlumbingTest(unittest.TestCase):
    def test_the_exact_filter_selects_those_names_alone(self):
        names = ["create/fork/workers:4/parent_mib:0/real_time", "sumsq/thread/workers:4/n:100/min_time:0.100/real_time"]
        pattern = re.compile(precision.exact_filter(names))
        self.assertTrue(all(pattern.search(name) for name in names))
        self.assertFalse(pattern.search("create/fork/workers:4/parent_mib:0/api:class/real_time"))
        self.assertFalse(pattern.search("sumsq/thread/workers:4/n:100/min_time:0x100/real_time"), "'.' is escaped")

    def test_time_is_shared_by_what_each_benchmark_measured(self):
        self.assertEqual(precision.share_time(10.0, {"a": 1.0, "b": 3.0}), {"a": 2.5, "b": 7.5})
        self.assertEqual(precision.share_time(4.0, {"a": 0.0, "b": 0.0}), {"a": 2.0, "b": 2.0})

    def test_aggregates_cover_every_repetition(self):
        reps = [{"name": "x", "real_time": t, "cpu_time": t / 2, "iterations": 10, "time_unit": "us",
                 "repetition_index": i, "threads": 1} for i, t in enumerate([1.0, 2.0, 6.0])]
        rows = {row["aggregate_name"]: row for row in precision.aggregate_rows("x", reps)}
        self.assertEqual(rows["median"]["real_time"], 2.0)
        self.assertEqual(rows["mean"]["real_time"], 3.0)
        self.assertAlmostEqual(rows["stddev"]["real_time"], 2.6457513110645907)
        self.assertEqual(rows["median"]["repetitions"], 3)


class PlanTest(unittest.TestCase):
    """What the later passes spend their time on (tvp.suite.next_pass, tvp.precision.seconds_to_target)."""

    def test_the_seconds_to_the_target_on_a_known_sample(self):
        """10 values at a half-width of 6%: 10 x (6/3)^2 = 40 repetitions in all, 30 more at 0.2 s each."""
        values = [94.0, 94.0, 97, 99, 100, 100, 101, 103, 106, 106]
        self.assertAlmostEqual(precision.half_width(values), 0.06)
        self.assertAlmostEqual(precision.seconds_to_target(values, 2.0, 0.03), 6.0)
        # Already within it: one more batch at least.
        self.assertAlmostEqual(precision.seconds_to_target([100.0] * 10, 2.0, 0.03), precision.BATCH * 0.2)

    def test_a_pass_takes_the_headline_first_then_the_cheapest_to_make_precise(self):
        args = type("Args", (), {"precision": 0.03, "cap": 3.0})
        near = [99.0, 100, 101, 97, 103]          # ±3%: 5 more repetitions at 0.1 s
        far = [80.0, 100, 120, 90, 110]            # ±20%: hundreds more, past its cap: left out
        costly = [97.0, 100, 103, 96.9, 103.1]     # a little over 3%, at 0.2 s a repetition
        values = {"near": near, "far": far, "costly": costly, "head": far}
        spent = {"near": 0.5, "far": 0.5, "costly": 1.0, "head": 0.5}
        floors = dict.fromkeys(values, 5)
        self.assertEqual(suite.next_pass(list(values), values, spent, args, {"head"}, floors, 100.0),
                         ["head", "near", "costly"])
        # 1 s left: the headline's batch (0.5 s) and near's (0.5 s); costly's 1 s does not fit.
        self.assertEqual(suite.next_pass(list(values), values, spent, args, {"head"}, floors, 1.0), ["head", "near"])
        self.assertEqual(suite.next_pass(list(values), values, spent, args, set(), floors, 0.1), [])
        # Past its cap by the prediction: the same sample that has spent 2.5 s of its 3.
        self.assertEqual(suite.next_pass(["costly"], values, {"costly": 2.5}, args, set(), floors, 100.0), [])
        # Below its floor (the headline's 10), a benchmark runs whatever the time left and its cap.
        self.assertEqual(suite.next_pass(["head"], values, {"head": 9.0}, args, {"head"}, {"head": 10}, 0.0),
                         ["head"])

    def test_names_are_cut_into_filters_bench_can_take_in_one_argument(self):
        names = [f"queue/fork/shm_ring/bytes:{size}/cpus:cross/wait:spin/latency/iterations:1000/real_time"
                 for size in range(3000)]
        chunks = suite.filter_chunks(names)
        self.assertGreater(len(chunks), 1)
        self.assertEqual([name for _, chunk in chunks for name in chunk], names)
        for regex, chunk in chunks:
            self.assertLessEqual(len(regex), suite.FILTER_CHARS)
            self.assertEqual(regex, precision.exact_filter(chunk))
        self.assertEqual(len(suite.filter_chunks(names[:184])), 1, "a scenario's names fit in one run")
        self.assertEqual(suite.filter_chunks([]), [])

    def test_the_share_of_figures_known_to_the_target(self):
        medians = {"steady": {"rows": [{"real_time": v} for v in (100.0, 101, 99)]},
                   "noisy": {"rows": [{"real_time": v} for v in (100.0, 110, 90)]},
                   "error": {"rows": [{"error_occurred": True}]}}
        self.assertEqual(precision.known_share(medians, 0.03), (1, 2))
        self.assertEqual(precision.known_share(medians, 0.10), (2, 2))


class RunUntilKnownTest(unittest.TestCase):
    """tvp.suite.run_until_known on a bench that errors or overruns (a stand-in for run_bench and read_results:
    each call returns rows made by `behaviour`). Its results must load (results_lib's checks: one row per
    repetition index) and keep what was measured."""

    def run_with(self, names, behaviour):
        import json
        import tempfile
        from pathlib import Path
        from tvp import results_lib, suite_jobs
        calls = {"n": 0}
        made = {}

        def run_bench(args, filter_regex, count, batch, scenario, part, budget, quiet=False):
            calls["n"] += 1
            made[part] = behaviour(calls["n"], batch, count)
            return 1.0

        original = suite.run_bench, suite.read_results
        suite.run_bench = run_bench
        suite.read_results = lambda part: {"context": {"date": "2026-12-07T00:00:00"}, "benchmarks": made[part]}
        try:
            args = type("Args", (), {"precision": 0.03, "cap": 100.0, "repetitions": 3, "min_time": 0.05})
            budget = suite_jobs.Budget("fake", 1e9)
            with tempfile.TemporaryDirectory() as folder:
                results, records = suite.run_until_known(args, "^fake/", names, "fake", Path(folder) / "fake.json",
                                                         budget)
                path = Path(folder) / "out.json"
                path.write_text(json.dumps(results))
                return results_lib.load(path), records
        finally:
            suite.run_bench, suite.read_results = original

    @staticmethod
    def rows(batch, count, value=lambda name, i: 100.0 + (i % 7), error=lambda name, i: False):
        out = []
        for name in batch:
            for i in range(count):
                row = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": count,
                       "repetition_index": i, "threads": 1, "iterations": 10, "real_time": value(name, i),
                       "cpu_time": 1.0, "time_unit": "us"}
                if error(name, i):
                    row.update(error_occurred=True, error_message="fake error")
                out.append(row)
        return out

    def test_a_benchmark_that_errors_in_every_repetition_is_its_error_row(self):
        data, records = self.run_with(["fake/a", "fake/b"], lambda call, batch, count: self.rows(
            batch, count, error=lambda name, i: name == "fake/b"))
        errors = [row for row in data["benchmarks"] if row.get("error_occurred")]
        self.assertEqual([(row["name"], row["repetition_index"]) for row in errors], [("fake/b", 0)])
        self.assertNotIn("fake/b", records)
        self.assertIn("fake/a", records)

    # A headline benchmark: below its floor of 10 after the first pass, it always gets a second.
    HEAD = "sumsq_kernel/fast/n:100000000"

    def test_an_error_after_good_repetitions_leaves_one_error_row_and_no_repeated_index(self):
        def behaviour(call, batch, count):
            return self.rows(batch, count, error=lambda name, i: call == 2 and name == self.HEAD and i == 1)
        data, records = self.run_with(["fake/a", self.HEAD], behaviour)
        head_rows = [row for row in data["benchmarks"] if row["name"] == self.HEAD]
        self.assertEqual([(row["repetition_index"], row.get("error_occurred")) for row in head_rows], [(0, True)])
        self.assertNotIn(self.HEAD, records)
        self.assertIn("fake/a", records)

    def test_an_overrun_in_a_later_pass_keeps_the_floor_and_says_so(self):
        from tvp import suite_jobs

        def behaviour(call, batch, count):
            if call == 2:
                raise suite_jobs.Overrun("fake", 60, "bench")
            return self.rows(batch, count)
        data, records = self.run_with([self.HEAD], behaviour)
        names = [row["name"] for row in data["benchmarks"] if row.get("run_type") == "iteration"]
        self.assertEqual(names, [self.HEAD] * 3 + ["fake/time_budget"])
        self.assertEqual((records[self.HEAD]["stopped"], records[self.HEAD]["repetitions"]), (precision.TIME_CAP, 3))
        self.assertEqual(records[self.HEAD]["limit"], "the scenario's budget")

    def test_a_benchmark_left_out_says_which_time_ran_out(self):
        args = type("Args", (), {"precision": 0.03, "cap": 2.0})
        noisy, steady_but_short = [80.0, 100, 120], [99.0, 100, 103.5]
        self.assertEqual(suite.short_because(noisy, 2.5, args, None), "its cap")
        self.assertEqual(suite.short_because(noisy, 0.3, args, None), "its cap, predicted")
        self.assertEqual(suite.short_because(steady_but_short, 0.3, args, None), "the scenario's time for later passes")

if __name__ == "__main__":
    unittest.main()
