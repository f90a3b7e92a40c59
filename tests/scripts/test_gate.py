"""Tests of what the regression gate can see (issue 22): the minimum detectable effect (MDE) against values
worked out by hand, the rounds-on-demand stop rule on made-up streams of samples, compare's "cannot see
changes below" and --gate verdicts on small results files written here, regress's option checks (each one
line, exit 2, before anything is built), and regress --calibrate and the rounds of tvp.regress on a
stand-in for bench (fake_gate_bench.py: no benchmark runs, no build)."""
import json
import math
import os
import random
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import ROOT, SCRIPTS, SPREAD, ScratchTest, repetitions, run, scaled  # noqa: E402
import tvp_path  # noqa: E402,F401
from tvp import compare, headline  # noqa: E402
from tvp import regress as rounds_lib  # noqa: E402

FAKE_BENCH = Path(__file__).resolve().parent / "fake_gate_bench.py"
FORK = "create/fork/workers:4"


def tvp_regress(*args, timeout=60):
    """The Python part of scripts/regress, run as scripts/regress runs it."""
    return subprocess.run(["/usr/bin/python3", "-P", "-m", "tvp.regress", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(SCRIPTS)})


class MdeTest(unittest.TestCase):
    # Ten values a side whose logs are -0.1, +0.1, ... around their mean (B is A times 1.2: the shift does not
    # count): each side's squares sum to 10 x 0.01 = 0.1, so the pooled variance is 0.2 / 18 and
    # s = 0.105409. With one benchmark at alpha 0.05, Student's t with 18 degrees of freedom:
    # t(0.975) = 2.100922 and t(0.8) = 0.862049, sum 2.962971; sqrt(2/10) = 0.447214; sqrt(3/pi) = 0.977205.
    # Shift = 2.962971 x 0.105409 x 0.447214 / 0.977205 = 0.142934; MDE = exp(0.142934) - 1 = 0.153656.
    A = [math.exp(x) for x in [-0.1, 0.1] * 5]
    B = [1.2 * value for value in A]

    def test_the_mde_of_a_known_sample(self):
        self.assertAlmostEqual(compare.pooled_log_sd(self.A, self.B), 0.105409, places=6)
        self.assertAlmostEqual(compare.mde(self.A, self.B, 1, 0.05), 0.153656, places=5)

    def test_the_rounds_needed_for_the_threshold(self):
        # n = 22: t(0.975, 42) = 2.018082, t(0.8, 42) = 0.850263, sum 2.868345; x 0.105409 x sqrt(2/22) =
        # 0.091162; / 0.977205 = 0.093289: MDE = 9.78% <= 10%. n = 21: 2.021075 + 0.850700 = 2.871775;
        # x 0.105409 x sqrt(2/21) / 0.977205 = 0.095598: MDE = 10.03% > 10%. So 22 rounds per side.
        s = compare.pooled_log_sd(self.A, self.B)
        self.assertEqual(compare.rounds_needed(s, 1, 0.05, 0.10), 22)
        self.assertAlmostEqual(compare.mde_of_sd(s, 22, 22, 1, 0.05), 0.097778, places=5)
        self.assertAlmostEqual(compare.mde_of_sd(s, 21, 21, 1, 0.05), 0.100317, places=5)
        # Never fewer than the rounds that can reach alpha / k at all: 6 for 13 benchmarks, even without noise.
        self.assertEqual(compare.rounds_needed(0.0, 13, 0.05, 0.10), 6)
        self.assertIsNone(compare.rounds_needed(s, 1, 0.05, 0.0))

    def test_the_correction_and_the_sizes_that_cannot_reach_alpha(self):
        s = compare.pooled_log_sd(self.A, self.B)
        # 13 benchmarks: the quantile is t(1 - 0.05/26) instead of t(0.975): a larger MDE.
        self.assertGreater(compare.mde_of_sd(s, 10, 10, 13, 0.05), compare.mde_of_sd(s, 10, 10, 1, 0.05))
        # 5 a side cannot reach 0.05 / 13 (smallest p 0.0079): nothing is detectable; 6 a side can (0.0022).
        self.assertEqual(compare.mde_of_sd(s, 5, 5, 13, 0.05), math.inf)
        self.assertLess(compare.mde_of_sd(s, 6, 6, 13, 0.05), math.inf)
        self.assertEqual(compare.needed_per_side(len(headline.NAMES), 0.05), 6)

    def test_many_rounds_give_the_normal_formula(self):
        """With many rounds Student's t is the normal quantile: exp((z(1 - a/2k) + z(0.8)) s sqrt(2/n) /
        sqrt(3/pi)) - 1. At s = 0.1, k = 13, n = 2000: z(0.998077) = 2.8914, z(0.8) = 0.8416, sum 3.7330;
        x 0.1 x sqrt(0.001) / 0.977205 = 0.012080: MDE = 1.2153%."""
        self.assertAlmostEqual(compare.mde_of_sd(0.1, 2000, 2000, 13, 0.05), 0.012153, places=4)

    def test_values_without_a_logarithm_have_no_mde(self):
        self.assertIsNone(compare.mde([0, 1, 2], [1, 2, 3], 1, 0.05))
        self.assertIsNone(compare.mde([1], [2], 1, 0.05))


def stream(sd, benchmarks=3, seed=1):
    """An endless stream of rounds: {name: (base value, head value)}, log-normal around 100 with this sd."""
    draw = random.Random(seed)
    while True:
        yield {f"bench/{i}": (100 * math.exp(draw.gauss(0, sd)), 100 * math.exp(draw.gauss(0, sd)))
               for i in range(benchmarks)}


def simulate(rounds, rule, seconds_per_round=10.0):
    """Feeds the stop rule round after round as regress does: (rounds run, reason, stop_reasons)."""
    samples, history = {}, []
    for r, values in enumerate(rounds, start=1):
        for name, (base, head) in values.items():
            samples.setdefault(name, ([], []))
            samples[name][0].append(base)
            samples[name][1].append(head)
        reason, found = rounds_lib.stop_check(samples, r, r * seconds_per_round, rule)
        history.append(found)
        if reason:
            return r, reason, rounds_lib.stop_reasons(history, reason, rule)
    raise AssertionError("the stream ended")


class StopRuleTest(unittest.TestCase):
    def rule(self, **fields):
        return rounds_lib.StopRule(**{"threshold": 0.10, "alpha": 0.05, "min_rounds": 6, "max_rounds": 40,
                                      "budget": 1000.0, **fields})

    def test_a_steady_pair_stops_at_the_minimum_with_its_mde_reached(self):
        r, reason, why = simulate(stream(0.005), self.rule())
        self.assertEqual((r, reason), (6, rounds_lib.MDE_REACHED))
        for name, text in why.items():
            self.assertRegex(text, r"^MDE reached at round [56] \(MDE [0-9.]+%\)$", name)

    def test_a_noisy_pair_stops_at_the_budget(self):
        """10 s a round, 100 s of budget: after 9 rounds (90 s) a tenth fits, after 10 an eleventh does not."""
        r, reason, why = simulate(stream(0.4), self.rule(budget=100.0))
        self.assertEqual((r, reason), (10, rounds_lib.BUDGET_SPENT))
        for text in why.values():
            self.assertRegex(text, r"^budget spent with MDE [0-9.]+%$")

    def test_a_noisy_pair_without_a_budget_stops_at_the_max_rounds(self):
        r, reason, why = simulate(stream(0.4), self.rule(budget=None, max_rounds=12))
        self.assertEqual((r, reason), (12, rounds_lib.MAX_ROUNDS))
        self.assertTrue(all(text.startswith("max rounds (12) with MDE") for text in why.values()), why)

    def test_one_noisy_benchmark_holds_the_others_up_and_each_says_why(self):
        both = ({**steady, "noisy": noisy["bench/0"]} for steady, noisy in zip(stream(0.005), stream(0.4, 1, 7)))
        r, reason, why = simulate(both, self.rule(budget=None, max_rounds=15))
        self.assertEqual((r, reason), (15, rounds_lib.MAX_ROUNDS))
        # 4 benchmarks: 5 rounds is the first that can reach 0.05 / 4 (smallest p 0.0079): a steady MDE
        # falls below 10% there and stays, though the rounds stop at 15.
        self.assertRegex(why["bench/0"], r"^MDE reached at round 5 \(MDE [0-9.]+%\)$")
        self.assertRegex(why["noisy"], r"^max rounds \(15\) with MDE [0-9.]+%$")

    def test_the_minimum_is_raised_to_reach_the_corrected_alpha(self):
        """13 benchmarks: 4 rounds cannot reach 0.05 / 13 (needed_per_side: 6), so the rule runs 6."""
        rule = self.rule(min_rounds=4)
        self.assertEqual(rounds_lib.minimum_rounds(rule, 13), 6)
        self.assertEqual(rounds_lib.minimum_rounds(rule, 1), 4)
        r, reason, _ = simulate(stream(0.005, benchmarks=13), rule)
        self.assertEqual((r, reason), (6, rounds_lib.MDE_REACHED))

    def test_fixed_rounds_run_exactly_that_many(self):
        r, reason, why = simulate(stream(0.4), rounds_lib.StopRule(0.10, 0.05, fixed=8))
        self.assertEqual((r, reason), (8, rounds_lib.FIXED_ROUNDS))
        self.assertTrue(all(text.startswith("--rounds 8 with MDE") for text in why.values()), why)

    def test_the_budget_never_cuts_the_minimum(self):
        r, reason, _ = simulate(stream(0.4), self.rule(budget=5.0))
        self.assertEqual((r, reason), (6, rounds_lib.BUDGET_SPENT))


class CalibrationTableTest(unittest.TestCase):
    def test_noise_ratio_spread_and_mde_of_made_up_rounds(self):
        """Five rounds: A always 1.0 s, B 1.0, 1.1, 0.9, 1.2, 0.8 s. The ratios B/A sorted: 0.8 0.9 1.0 1.1 1.2;
        median 1.0; the 2.5% quantile sits at position 0.025 x 4 = 0.1: 0.8 + 0.1 x 0.1 = 0.81; the 97.5% at 3.9:
        1.1 + 0.9 x 0.1 = 1.19. CV A is 0; CV B = stdev 0.158114 / mean 1.0."""
        b_values = [1.0, 1.1, 0.9, 1.2, 0.8]
        per_round = [{"x": ([1.0], [b])} for b in b_values]
        [row] = rounds_lib.calibration({"x": ([1.0] * 5, b_values)}, per_round, 0.05, 0.10)
        self.assertAlmostEqual(row["ratio"]["median"], 1.0)
        self.assertAlmostEqual(row["ratio"]["q025"], 0.81)
        self.assertAlmostEqual(row["ratio"]["q975"], 1.19)
        self.assertAlmostEqual(row["ratio"]["q25"], 0.9)
        self.assertAlmostEqual(row["cv_a"], 0.0)
        self.assertAlmostEqual(row["cv_b"], 0.158114, places=6)
        self.assertEqual((row["n_a"], row["n_b"]), (5, 5))
        s = compare.pooled_log_sd([1.0] * 5, b_values)
        self.assertAlmostEqual(row["log_sd"], s)
        self.assertAlmostEqual(row["mde"], compare.mde_of_sd(s, 5, 5, 1, 0.05))
        self.assertEqual(row["rounds_needed"], compare.rounds_needed(s, 1, 0.05, 0.10))

    def test_too_few_rounds_have_no_mde_but_say_how_many_would_do(self):
        [row] = rounds_lib.calibration({"x": ([1.0, 1.01, 0.99], [1.0, 1.02, 0.98])},
                                       [{"x": ([1.0], [1.0])}] * 3, 0.05, 0.10)
        self.assertIsNone(row["mde"])  # 3 against 3: the smallest p is 0.1
        self.assertEqual(row["rounds_needed"], 4)


class CompareSeesTest(ScratchTest):
    NOISY = [60, 65, 70, 75, 80, 120, 125, 130, 135, 140]

    def test_a_noisy_pair_cannot_see_and_a_steady_pair_can(self):
        base = self.results("base.json", repetitions(FORK, self.NOISY) + repetitions("create/thread", SPREAD))
        new = self.results("new.json", repetitions(FORK, self.NOISY) + repetitions("create/thread", SPREAD))
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # The noisy pair: s = 0.339274 (the logs of 60..140, on both sides); over 2 benchmarks
        # t(1 - 0.05/4, 18) + t(0.8, 18) = 2.445006 + 0.862049 = 3.307055; x 0.339274 x sqrt(2/10) / 0.977205
        # = 0.513476: MDE = exp(0.513476) - 1 = 67.1%. The steady pair (SPREAD, +-2%): well below 10%.
        self.assertRegex(result.stdout, rf"{FORK} .*no significant change, cannot see changes below 67\.1%")
        self.assertRegex(result.stdout, r"create/thread .*no significant change\n")
        self.assertIn("1 cannot see changes below 10%", result.stdout)

    def test_too_few_repetitions_say_how_many_rounds_would_do(self):
        base = self.results("base.json", repetitions(FORK, [100, 101, 99]))
        new = self.results("new.json", repetitions(FORK, [200, 201, 199]))
        self.assert_one_line_exit_2(run("compare", base, new),
                                    "need at least 4 per side (scripts/regress --rounds 4 would give them)")


class GateTest(ScratchTest):
    def gate(self, base_values, new_values, *extra_new):
        base = self.results("base.json", repetitions(FORK, base_values))
        new = self.results("new.json", repetitions(FORK, new_values) + list(extra_new))
        gated = run("compare", base, new, "--gate", "--verdicts", self.scratch / "verdicts.json")
        plain = run("compare", base, new)
        return gated, plain, gated.stdout.strip().splitlines()[-1] if gated.stdout.strip() else ""

    def test_a_30_percent_slowdown_with_little_noise_fails(self):
        gated, plain, last = self.gate(SPREAD, scaled(1.3))
        self.assertEqual(gated.returncode, 1, gated.stdout + gated.stderr)
        self.assertEqual(plain.returncode, 1)
        self.assertRegex(last, rf"^gate: FAIL {FORK} \(\+30\.0%, p_adj [0-9.e-]+, MDE [0-9.]+%\)$")
        verdicts = json.loads((self.scratch / "verdicts.json").read_text())
        self.assertAlmostEqual(verdicts[FORK]["ratio"], 1.3)
        self.assertLess(verdicts[FORK]["mde"], 0.10)
        self.assertEqual(verdicts[FORK]["verdict"], "SLOWER")

    def test_a_30_percent_slowdown_the_gate_cannot_see_passes(self):
        """Not significant: the U test's p is 0.063 and the MDE 50.3% (CompareSeesTest's noisy pair, alone)."""
        spread = CompareSeesTest.NOISY
        gated, plain, last = self.gate(spread, [v + 30 for v in spread])
        self.assertEqual((gated.returncode, plain.returncode), (0, 0), gated.stdout + gated.stderr)
        self.assertRegex(gated.stdout, r"\+30\.0%.*no significant change, cannot see changes below 50\.3%")
        self.assertTrue(last.startswith("gate: PASS (1 benchmarks"), last)

    def test_a_significant_slowdown_whose_mde_is_above_the_threshold_is_not_gated(self):
        """Logs at -0.125 and +0.125 (s = 0.125 x sqrt(10/9) = 0.131762), head 30% slower (+0.262): the sides
        do not overlap, p = 0.00011, but the MDE is exp(2.962971 x 0.131762 x 0.447214 / 0.977205) - 1 =
        19.6% (MdeTest's quantiles): plain compare says SLOWER (exit 1); the gate does not block on it."""
        spread = [100 * math.exp(x) for x in [-0.125, 0.125] * 5]
        gated, plain, last = self.gate(spread, scaled(1.3, spread))
        self.assertEqual(plain.returncode, 1, plain.stdout)
        self.assertEqual(gated.returncode, 0, gated.stdout + gated.stderr)
        self.assertRegex(gated.stdout, r"SLOWER, not gated: cannot see changes below 19\.6%")
        self.assertIn("1 of them measured slower (not gated)", last)

    def test_no_change_passes(self):
        gated, plain, last = self.gate(SPREAD, SPREAD)
        self.assertEqual((gated.returncode, plain.returncode), (0, 0))
        self.assertTrue(last.startswith("gate: PASS"), last)

    def test_a_benchmark_missing_or_errored_in_head_fails(self):
        base = self.results("base.json", repetitions(FORK, SPREAD) + repetitions("create/thread", SPREAD))
        new = self.results("new.json", repetitions(FORK, SPREAD))
        result = run("compare", base, new, "--gate")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout.strip().splitlines()[-1], "gate: FAIL create/thread (missing)")

    def test_without_gate_the_report_has_no_gate_line(self):
        _, plain, _ = self.gate(SPREAD, scaled(1.3))
        self.assertNotIn("gate:", plain.stdout)


class RegressOptionsTest(ScratchTest):
    """The new options' checks: one line, exit 2, before anything is set up, built or measured."""

    def check(self, *args, message=None):
        result = run("regress", *args, timeout=30)
        self.assert_one_line_exit_2(result, message)
        self.assertNotIn("building", result.stderr)
        self.assertNotRegex(result.stderr, r"regress: round \d")

    def test_bad_options(self):
        for args, message in [
                (["HEAD", "--filter", "sumsq", "--headline"], "--filter and --headline are exclusive"),
                (["HEAD", "--headline", "--filter=sumsq"], "--filter and --headline are exclusive"),
                (["HEAD", "--budget", "0"], "--budget must be a number of seconds above 0"),
                (["HEAD", "--budget", "-5"], "--budget must be"), (["HEAD", "--budget=-1"], "--budget must be"),
                (["HEAD", "--budget", "soon"], "--budget must be"), (["HEAD", "--budget", "1e9"], "--budget must be"),
                (["HEAD", "--budget"], "--budget needs a value"),
                (["HEAD", "--budget", "60", "--rounds", "8"], "--rounds and --budget are exclusive"),
                (["HEAD", "--min-rounds", "6"], "give --budget with them"),
                (["HEAD", "--budget", "60", "--min-rounds", "3"], "--min-rounds must be a whole number from 4"),
                (["HEAD", "--budget", "60", "--max-rounds", "x"], "--max-rounds must be"),
                (["HEAD", "--budget", "60", "--min-rounds", "9", "--max-rounds", "8"], "is more than --max-rounds"),
                (["HEAD", "--seed", "-1"], "--seed must be a whole number"),
                (["HEAD", "--seed", "99999999999"], "--seed must be"),
                (["HEAD", "--json", "x.json"], "--json is for --calibrate"),
                (["HEAD", "--bench", "bench"], "--bench is for --calibrate"),
                (["HEAD", "--gate=yes"], "--gate takes no value"),
                (["--calibrate", "HEAD"], "--calibrate takes no revision ('HEAD')"),
                (["--calibrate", "--gate"], "--calibrate and --gate are exclusive"),
                (["--calibrate", "--bench", "/nonexistent/bench"], "/nonexistent/bench: no such program"),
                (["--calibrate", "--bench", FAKE_BENCH, "--filter", "nothing"], "selects no benchmark"),
                (["--calibrate", "--bench", FAKE_BENCH, "--budget", "0"], "--budget must be")]:
            with self.subTest(args=args):
                self.check(*args, message=message)

    def test_headline_selects_the_headline_set(self):
        """The stand-in bench has none of the headline benchmarks: the refusal quotes the headline's filter."""
        self.assertEqual(tvp_regress("headline-filter").stdout.strip(), headline.bench_filter())
        self.check("--calibrate", "--bench", FAKE_BENCH, "--headline",
                   message=f"--filter '{headline.bench_filter()}' selects no benchmark")

    def test_help_states_the_mde_formula(self):
        result = run("regress", "--help", timeout=30)
        self.assertEqual(result.returncode, 0)
        for text in ["--calibrate", "--budget S", "--headline", "--gate", "--seed N",
                     "MDE = exp((t(1-alpha/(2k)) + t(0.8)) * s * sqrt(2/n) / sqrt(3/pi)) - 1"]:
            self.assertIn(text, result.stdout)


class CalibrateTest(ScratchTest):
    def test_a_calibration_on_a_stand_in_for_bench(self):
        out = self.scratch / "calibration.json"
        result = run("regress", "--calibrate", "--bench", FAKE_BENCH, "--filter", ".", "--rounds", "8",
                     "--seed", "7", "--json", out, "--out", self.scratch / "kept", timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("against itself (A/A), 8 rounds per side", result.stdout)
        self.assertIn("seed 7", result.stdout)
        self.assertRegex(result.stdout, r"benchmark +median +CV A +CV B +B/A median \[2\.5%, 97\.5%\] +MDE at 8 "
                                        r"+rounds for 10%")
        document = json.loads(out.read_text())
        self.assertEqual((document["rounds"], document["benchmarks"], document["seed"]), (8, 3, 7))
        results = {row["name"]: row for row in document["results"]}
        steady, noisy = results["steady/fork/workers:4"], results["noisy/fork/workers:4"]
        self.assertLess(steady["mde"], 0.05)
        self.assertGreater(noisy["mde"], 0.10)
        self.assertGreater(noisy["rounds_needed"], 8)
        self.assertEqual(steady["rounds_needed"], 5)  # needed_per_side(3, 0.05): the noise asks for fewer
        self.assertGreater(noisy["cv_a"], 0.1)
        self.assertLessEqual(steady["ratio"]["q025"], steady["ratio"]["median"])
        self.assertLessEqual(steady["ratio"]["median"], steady["ratio"]["q975"])
        for row in document["results"]:
            self.assertIn(row["name"], result.stdout)
        self.assertTrue((self.scratch / "kept" / "a.json").exists())
        self.assertTrue((self.scratch / "kept" / "calibration.txt").exists())

    def test_one_seed_repeats_the_order(self):
        orders = []
        for _ in range(2):
            result = run("regress", "--calibrate", "--bench", FAKE_BENCH, "--filter", "steady", "--rounds", "6",
                         "--seed", "12345", timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            orders.append([line for line in result.stderr.splitlines() if line.startswith("regress: round")])
        self.assertEqual(orders[0], orders[1])
        sides = [line[-1] for line in orders[0]]
        self.assertIn(["B", "A"], [sides[i:i + 2] for i in range(0, len(sides), 2)])  # not always A first

    def test_a_budget_runs_until_it_is_spent_or_the_max_rounds(self):
        result = run("regress", "--calibrate", "--bench", FAKE_BENCH, "--filter", ".", "--budget", "600",
                     "--max-rounds", "9", timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("9 rounds per side (max rounds)", result.stdout)


class RoundsTest(ScratchTest):
    """tvp.regress rounds, scripts/regress's loop, on the stand-in: head is base, or base 30% slower."""

    def slower_bench(self):
        wrapper = self.scratch / "slower"
        wrapper.write_text(f"#!/bin/sh\nexec '{FAKE_BENCH}' --fake_factor=1.3 \"$@\"\n")
        wrapper.chmod(0o755)
        return wrapper

    def test_steady_benchmarks_stop_when_their_mde_is_reached(self):
        result = tvp_regress("rounds", self.scratch, FAKE_BENCH, self.slower_bench(), "--filter", "steady",
                             "--budget", "600", "--min-rounds", "4", "--max-rounds", "30", "--seed", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        # 2 benchmarks need 5 rounds to reach 0.05 / 2 at all: the minimum of 4 is raised, and said so.
        self.assertIn("--min-rounds raised from 4 to 5", result.stderr)
        self.assertIn("rounds: 5 per side (MDE reached)", result.stdout)
        self.assertRegex(result.stdout, r"steady/fork/workers:4 +MDE reached at round 5")
        gate = run("compare", self.scratch / "base.json", self.scratch / "head.json", "--gate")
        self.assertEqual(gate.returncode, 1, gate.stdout)
        self.assertIn("gate: FAIL steady/thread/workers:4", gate.stdout)

    def test_a_noisy_benchmark_runs_to_the_max_rounds(self):
        result = tvp_regress("rounds", self.scratch, FAKE_BENCH, FAKE_BENCH, "--filter", ".", "--budget", "600",
                             "--max-rounds", "10", "--seed", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("rounds: 10 per side (max rounds)", result.stdout)
        self.assertRegex(result.stdout, r"noisy/fork/workers:4 +max rounds \(10\) with MDE \d")
        self.assertRegex(result.stdout, r"steady/thread/workers:4 +MDE reached at round \d")
        merged = json.loads((self.scratch / "head.json").read_text())
        self.assertEqual(len(merged["benchmarks"]), 30)

    def test_a_benchmark_that_errors_on_one_side_does_not_hold_the_rounds_up(self):
        wrapper = self.scratch / "errors"
        wrapper.write_text(f"#!/bin/sh\nexec '{FAKE_BENCH}' --fake_error=noisy/fork/workers:4 \"$@\"\n")
        wrapper.chmod(0o755)
        result = tvp_regress("rounds", self.scratch, FAKE_BENCH, wrapper, "--filter", ".", "--budget", "600",
                             "--max-rounds", "30", "--seed", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("(MDE reached)", result.stdout)
        gate = run("compare", self.scratch / "base.json", self.scratch / "head.json", "--gate")
        self.assertEqual(gate.returncode, 1)
        self.assertIn("gate: FAIL noisy/fork/workers:4 (errored)", gate.stdout)

    def test_a_bench_that_fails_is_one_line_exit_2(self):
        wrapper = self.scratch / "crash"
        wrapper.write_text("#!/bin/sh\necho 'bench: crashed' >&2\nexit 3\n")
        wrapper.chmod(0o755)
        result = tvp_regress("rounds", self.scratch, FAKE_BENCH, wrapper, "--filter", ".", "--rounds", "4")
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr.strip().splitlines()[-1],
                         r"^regress: bench of head failed in round 1 \(exit 3\): bench: crashed$")


if __name__ == "__main__":
    unittest.main()
