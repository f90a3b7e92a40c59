"""The Python parts of scripts/regress (a bash script, which checks the options, builds the revisions and
cleans up), run as `python3 -P -m tvp.regress` with scripts/ on PYTHONPATH:

  regex-error FILTER           prints why FILTER is not a POSIX extended regex ('' if it is one)
  headline-filter              prints the headline set's filter (tvp.headline.bench_filter())
  merge SCRATCH SIDE ROUNDS    every round's repetitions of SIDE (base or head) in SCRATCH/SIDE.json; a bad
                               round is one line, exit 2
  rounds SCRATCH BASE_BENCH HEAD_BENCH [options]
                               runs the two benches interleaved, round after round (below), merges each side
                               into SCRATCH/base.json and SCRATCH/head.json and prints why it stopped
  calibrate SCRATCH BENCH [options] [--json FILE]
                               runs BENCH against itself (A/A) the same way and prints its noise and the
                               smallest slowdown the gate could see per benchmark

Rounds. Each round runs both sides once (one repetition each), in an order drawn at random (--seed: the
same seed draws the same orders). With --rounds N there are exactly N rounds. With --budget S, rounds are
added until every benchmark's minimum detectable effect (below), from all the rounds so far, is at most
--threshold ("MDE reached"), or another round would take the seconds of measuring past S ("budget
spent"; a round is assumed to take as long as the rounds so far did on average), or --max-rounds are done
("max rounds"); never fewer than --min-rounds, which is raised (and said so) to the fewest rounds with which
the U test can reach alpha / k at all for the k benchmarks measured (compare.needed_per_side). A benchmark
that errored or is missing on one side does not hold the rounds up (compare fails it anyway).
calibrate with --budget runs until the budget or --max-rounds is spent (the longer, the better the noise
estimate), never stopping at the MDE.

Minimum detectable effect (MDE): the smallest slowdown that the U test, at alpha after Holm's correction
over k benchmarks (its strictest step: alpha / k), detects with 80% power, in a normal approximation on log
times:

    MDE = exp((t(1 - alpha/(2k)) + t(0.8)) * s * sqrt(1/n_A + 1/n_B) / sqrt(3/pi)) - 1

(sqrt(2/n) for n rounds a side), s the pooled standard deviation of log(time) within the two sides, t
Student's quantiles with n_A + n_B - 2 degrees of freedom, 3/pi the U test's asymptotic efficiency against
the t test; infinite while n_A, n_B cannot reach alpha / k at all. Student's t rather than the normal
quantiles: at 8 against 8 over 13 benchmarks a simulated exact U test has 55% power at the normal
formula's MDE and 75% at this one (the two agree from about 40 a side). The rounds needed for --threshold
are the fewest n per side with MDE(n) <= threshold at the measured s (and at least needed_per_side).
"""
import argparse
import collections
import json
import math
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Optional

from . import compare
from . import headline
from . import results_lib as rl


def fail(message):
    print(f"regress: {message}", file=sys.stderr)
    sys.exit(2)


def say(message):
    print(f"regress: {message}", file=sys.stderr, flush=True)


def load_round(scratch, side, r):
    """The results of SIDE's run in round r, with at least one benchmark measured or errored; else fails."""
    try:
        data = rl.load(f"{scratch}/{side}-{r}.json")
        measured = rl.iterations_by_benchmark(data) or rl.errored_by_benchmark(data)
    except rl.UnusableResults as error:
        fail(f"the {side} run of round {r} wrote no usable results: {error}")
    if not measured:
        fail(f"the {side} run of round {r} measured no benchmark (does --filter match any?)")
    return data


def merge(scratch, side, rounds):
    merged, count = None, collections.Counter()
    for r in range(1, rounds + 1):
        data = load_round(scratch, side, r)
        # Every round's repetition is index 0: numbered across the rounds, each stays
        # one repetition rather than a duplicate that compare refuses.
        for row in filter(rl.is_repetition, data["benchmarks"]):
            row["repetition_index"] = count[row["name"]]
            count[row["name"]] += 1
        if merged is None:
            merged = data
        else:
            merged["benchmarks"].extend(data["benchmarks"])
    json.dump(merged, open(f"{scratch}/{side}.json", "w"))


# ---- the stop rule: pure functions of the samples so far ----------------------------------------------------

MDE_REACHED, BUDGET_SPENT, MAX_ROUNDS, FIXED_ROUNDS, NOTHING = (
    "MDE reached", "budget spent", "max rounds", "fixed rounds", "nothing to compare")


@dataclass(frozen=True)
class StopRule:
    """When the rounds stop: `fixed` rounds exactly (--rounds), else on demand: at least `min_rounds`, at
    most `max_rounds`, within `budget` seconds of measuring (None: no budget), and as soon as every MDE is at
    most `threshold` when `stop_on_mde`."""
    threshold: float
    alpha: float
    fixed: Optional[int] = None
    min_rounds: int = 6
    max_rounds: int = 100
    budget: Optional[float] = None
    stop_on_mde: bool = True


def minimum_rounds(rule, benchmarks):
    """The rounds the rule runs at least for this many benchmarks: min_rounds, raised to the fewest with which
    the corrected alpha is reachable (compare.needed_per_side); a fixed count stays as given."""
    if rule.fixed is not None:
        return rule.fixed
    return max(rule.min_rounds, compare.needed_per_side(benchmarks, rule.alpha) if benchmarks else 0)


def mdes(samples, alpha):
    """{name: MDE (math.inf: not reachable yet; None: undefined)} of {name: (side A values, side B values)},
    over k = len(samples) benchmarks."""
    return {name: compare.mde(before, after, len(samples), alpha) for name, (before, after) in samples.items()}


def stop_check(samples, rounds, elapsed, rule):
    """(why the rounds stop now, or None to go on; {name: MDE}) after `rounds` rounds that took `elapsed`
    seconds of measuring, `samples` being {name: (base values, head values)} pooled over them."""
    found = mdes(samples, rule.alpha)
    if rule.fixed is not None:
        return (FIXED_ROUNDS if rounds >= rule.fixed else None), found
    if not samples:
        return NOTHING, found
    least = minimum_rounds(rule, len(samples))
    if rounds < least:
        return None, found
    if rule.stop_on_mde and all(value is not None and value <= rule.threshold for value in found.values()):
        return MDE_REACHED, found
    if rounds >= rule.max_rounds:
        return MAX_ROUNDS, found
    if rule.budget is not None and elapsed + elapsed / rounds > rule.budget:
        return BUDGET_SPENT, found
    return None, found


def stop_reasons(history, reason, rule):
    """{name: why its rounds ended, in words} from `history` ([{name: MDE}] after each round, the last one
    final) and the rounds' `reason`."""
    rounds, final = len(history), history[-1]
    reasons = {}
    for name, value in final.items():
        if value is not None and value <= rule.threshold:
            first = rounds
            while first > 1 and (history[first - 2].get(name) is not None
                                 and history[first - 2][name] <= rule.threshold):
                first -= 1
            reasons[name] = f"MDE reached at round {first} (MDE {compare.percent(value)})"
        else:
            mde = "no MDE" if value is None else (
                "MDE none yet" if math.isinf(value) else f"MDE {compare.percent(value)}")
            reasons[name] = {BUDGET_SPENT: f"budget spent with {mde}",
                             MAX_ROUNDS: f"max rounds ({rounds}) with {mde}",
                             FIXED_ROUNDS: f"--rounds {rounds} with {mde}"}.get(reason, f"{reason} with {mde}")
    return reasons


# ---- running the rounds --------------------------------------------------------------------------------------

def run_bench(bench, bench_filter, min_time, out, err):
    """Runs one repetition of bench; (exit status, seconds it took)."""
    start = time.monotonic()
    with open(err, "w") as errors:
        status = subprocess.run([bench, f"--benchmark_filter={bench_filter}", f"--benchmark_min_time={min_time}",
                                 "--benchmark_format=json", f"--benchmark_out={out}"],
                                stdout=subprocess.DEVNULL, stderr=errors).returncode
    return status, time.monotonic() - start


def last_line(path):
    try:
        lines = open(path, errors="replace").read().strip().splitlines()
    except OSError:
        return ""
    return lines[-1] if lines else ""


def paired(data_a, data_b):
    """{label: (A values, B values)} of real_time, in seconds, for the benchmarks measured on both sides
    (compare's pairing: exact names, or one benchmark per base name)."""
    try:
        comparison = compare.Comparison(data_a, data_b, "real_time", "lower")
    except rl.UnusableResults as error:
        fail(str(error))
    return {name: (before, after) for name, before, after in comparison.compared}


class Rounds:
    """The rounds of two sides: each side's bench, its rows pooled over the rounds, each round's pairs."""

    def __init__(self, scratch, sides, benches, bench_filter, min_time, rule, seed):
        self.scratch, self.sides, self.benches = scratch, sides, dict(zip(sides, benches))
        self.filter, self.min_time, self.rule, self.seed = bench_filter, min_time, rule, seed
        self.pooled = {side: None for side in sides}
        self.count = {side: collections.Counter() for side in sides}
        self.per_round, self.history, self.elapsed, self.reason = [], [], 0.0, None

    def progress(self, r):
        if self.rule.fixed is not None:
            return f"round {r}/{self.rule.fixed}"
        budget = f", {self.elapsed:.0f}/{self.rule.budget:g} s" if self.rule.budget is not None else ""
        return f"round {r} (at most {self.rule.max_rounds}{budget})"

    def run(self):
        order = random.Random(self.seed)
        raised = False
        r = 0
        while self.reason is None:
            r += 1
            this_round = {}
            for side in order.sample(self.sides, len(self.sides)):
                say(f"{self.progress(r)}: {side}")
                out, err = f"{self.scratch}/{side}-{r}.json", f"{self.scratch}/{side}-{r}.err"
                status, seconds = run_bench(self.benches[side], self.filter, self.min_time, out, err)
                self.elapsed += seconds
                if status != 0:
                    fail(f"bench of {side} failed in round {r} (exit {status}): {last_line(err)}")
                this_round[side] = load_round(self.scratch, side, r)
                self.pool(side, this_round[side])
            self.per_round.append(paired(*(this_round[side] for side in self.sides)))
            samples = paired(*(self.pooled[side] for side in self.sides))
            least = minimum_rounds(self.rule, len(samples))
            if not raised and self.rule.fixed is None and least > self.rule.min_rounds:
                raised = True
                say(f"--min-rounds raised from {self.rule.min_rounds} to {least}: with {len(samples)} "
                    f"benchmarks fewer rounds cannot reach p < {self.rule.alpha}/{len(samples)} at all"
                    + (" (and --max-rounds with it)" if least > self.rule.max_rounds else ""))
            self.reason, found = stop_check(samples, r, self.elapsed, self.rule)
            self.history.append(found)
        self.samples = samples
        return self

    def pool(self, side, data):
        data = json.loads(json.dumps(data))
        for row in filter(rl.is_repetition, data["benchmarks"]):
            row["repetition_index"] = self.count[side][row["name"]]
            self.count[side][row["name"]] += 1
        if self.pooled[side] is None:
            self.pooled[side] = data
        else:
            self.pooled[side]["benchmarks"].extend(data["benchmarks"])

    def summary(self):
        """The lines that say how many rounds ran, why they stopped and, per benchmark, its reason."""
        rounds = len(self.history)
        lines = [f"rounds: {rounds} per side ({self.reason}), {self.elapsed:.1f} s of measuring; order within "
                 f"a round drawn with seed {self.seed} (--seed {self.seed} repeats it)"]
        if self.reason == BUDGET_SPENT and rounds <= minimum_rounds(self.rule, len(self.samples)) \
                and self.elapsed > (self.rule.budget or math.inf):
            lines.append(f"rounds: the minimum of {rounds} rounds took {self.elapsed:.0f} s, past the budget of "
                         f"{self.rule.budget:g} s")
        reasons = stop_reasons(self.history, self.reason, self.rule)
        if reasons:
            width = max(map(len, reasons))
            lines += [f"  {name:<{width}}  {why}" for name, why in reasons.items()]
        return "\n".join(lines) + "\n"


def add_round_options(parser):
    parser.add_argument("--filter", required=True)
    parser.add_argument("--min-time", default="0.2")
    parser.add_argument("--threshold", type=float, default=0.10)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--budget", type=rl.positive_float)
    parser.add_argument("--min-rounds", type=int, default=6)
    parser.add_argument("--max-rounds", type=int, default=100)
    parser.add_argument("--seed", type=int)


def rule_of(args, stop_on_mde=True):
    if args.rounds is not None:
        return StopRule(args.threshold, args.alpha, fixed=args.rounds)
    return StopRule(args.threshold, args.alpha, min_rounds=args.min_rounds, max_rounds=args.max_rounds,
                    budget=args.budget, stop_on_mde=stop_on_mde)


def seed_of(args):
    return args.seed if args.seed is not None else time.time_ns() % 2 ** 32


def rounds_command(args):
    seed = seed_of(args)
    say(f"order within each round drawn with seed {seed}")
    done = Rounds(args.scratch, ("base", "head"), (args.base_bench, args.head_bench), args.filter, args.min_time,
                  rule_of(args), seed).run()
    for side in ("base", "head"):
        merge(args.scratch, side, len(done.history))
    sys.stdout.write(done.summary())


# ---- calibrate: A/A ------------------------------------------------------------------------------------------

def quantile(values, q):
    """The q-quantile of `values`, linear between the order statistics (numpy's default)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cv(values):
    return statistics.stdev(values) / statistics.fmean(values) if len(values) > 1 else None


def calibration(samples, per_round, alpha, threshold):
    """[{name, n_a, n_b, median_a, median_b, cv_a, cv_b, log_sd, ratio: {median, q025, q975, q25, q75}, mde,
    rounds_needed}] of A/A samples ({name: (A values, B values)}) and the rounds' pairs ([{name: (A, B)}]):
    mde None where no change is detectable yet, rounds_needed None where no count up to MOST_ROUNDS is
    enough."""
    k = len(samples)
    results = []
    for name, (a, b) in samples.items():
        ratios = [statistics.median(pair[name][1]) / statistics.median(pair[name][0])
                  for pair in per_round if name in pair]
        s = compare.pooled_log_sd(a, b)
        detectable = compare.mde_of_sd(s, len(a), len(b), k, alpha) if s is not None else math.inf
        results.append({
            "name": name, "n_a": len(a), "n_b": len(b),
            "median_a": statistics.median(a), "median_b": statistics.median(b),
            "cv_a": cv(a), "cv_b": cv(b), "log_sd": s,
            "ratio": {key: quantile(ratios, q) for key, q in
                      (("median", 0.5), ("q025", 0.025), ("q975", 0.975), ("q25", 0.25), ("q75", 0.75))},
            "mde": None if math.isinf(detectable) else detectable,
            "rounds_needed": compare.rounds_needed(s, k, alpha, threshold) if s is not None else None})
    return results


def percent_or(value, missing="-"):
    return missing if value is None else f"{value:.1%}"


def calibration_report(results, done, bench, alpha, threshold):
    k, rounds = len(results), len(done.history)
    needed = compare.needed_per_side(k, alpha) if k else 0
    lines = [f"calibration: {bench} against itself (A/A), {rounds} rounds per side ({done.reason}), "
             f"{done.elapsed:.1f} s of measuring; order within a round drawn with seed {done.seed} "
             f"(--seed {done.seed} repeats it)",
             f"MDE: the smallest slowdown detectable with 80% power by the U test at alpha {alpha} over {k} "
             f"benchmarks (Holm, at worst alpha/{k}): exp((t(1-alpha/(2k)) + t(0.8)) * s * sqrt(2/n) / "
             f"sqrt(3/pi)) - 1, s the pooled SD of log(time), n rounds per side; fewer than {needed} rounds "
             "cannot reach alpha/k at all", ""]
    header = ["benchmark", "median", "CV A", "CV B", "B/A median [2.5%, 97.5%]", f"MDE at {rounds}",
              f"rounds for {threshold:.0%}"]
    table = []
    for row in results:
        ratio = row["ratio"]
        table.append([row["name"], rl.format_seconds(statistics.median([row["median_a"], row["median_b"]])),
                      percent_or(row["cv_a"]), percent_or(row["cv_b"]),
                      f"{ratio['median']:.3f} [{ratio['q025']:.3f}, {ratio['q975']:.3f}]",
                      percent_or(row["mde"], "none"),
                      "-" if row["rounds_needed"] is None else str(row["rounds_needed"])])
    widths = [max(len(header[i]), *(len(line[i]) for line in table)) if table else len(header[i])
              for i in range(len(header))]
    for line in [header, *table]:
        lines.append("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                               for i, cell in enumerate(line)))
    blind = [row for row in results if row["mde"] is None or row["mde"] > threshold]
    most = max((row["rounds_needed"] for row in results if row["rounds_needed"] is not None), default=None)
    lines += ["", f"{k} benchmarks; {len(blind)} cannot see a {threshold:.0%} slowdown at {rounds} rounds"
              + (f"; {most} rounds per side would bring every MDE to {threshold:.0%}" if most is not None
                 and len([row for row in results if row["rounds_needed"] is None]) == 0 else "")]
    return "\n".join(lines) + "\n"


def calibrate_command(args):
    seed = seed_of(args)
    say(f"order within each round drawn with seed {seed}")
    done = Rounds(args.scratch, ("A", "B"), (args.bench, args.bench), args.filter, args.min_time,
                  rule_of(args, stop_on_mde=False), seed).run()
    results = calibration(done.samples, done.per_round, args.alpha, args.threshold)
    report = calibration_report(results, done, args.bench_label or args.bench, args.alpha, args.threshold)
    sys.stdout.write(report)
    if args.out:
        for side in done.sides:
            merge(args.scratch, side, len(done.history))
            rl.write_text(f"{args.out}/{side.lower()}.json", open(f"{args.scratch}/{side}.json").read())
        rl.write_text(f"{args.out}/calibration.txt", report)
    if args.json:
        document = {"bench": args.bench_label or args.bench, "rounds": len(done.history), "stopped": done.reason,
                    "seconds": round(done.elapsed, 3), "seed": seed, "alpha": args.alpha,
                    "threshold": args.threshold, "power": compare.POWER, "benchmarks": len(results),
                    "mde_formula": "exp((t(1-alpha/(2k)) + t(power)) * s * sqrt(1/n_a + 1/n_b) / sqrt(3/pi)) - 1",
                    "results": results}
        rl.write_text(args.json, json.dumps(document, indent=1) + "\n")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["regex-error"] and len(argv) == 2:
        print(rl.posix_regex_error(argv[1]) or "")
    elif argv[:1] == ["headline-filter"] and len(argv) == 1:
        print(headline.bench_filter())
    elif argv[:1] == ["merge"] and len(argv) == 4:
        merge(argv[1], argv[2], int(argv[3]))
    elif argv[:1] in (["rounds"], ["calibrate"]):
        parser = Parser(prog=f"regress {argv[0]}")
        parser.add_argument("scratch")
        if argv[0] == "rounds":
            parser.add_argument("base_bench")
            parser.add_argument("head_bench")
        else:
            parser.add_argument("bench")
            parser.add_argument("--bench-label")
            parser.add_argument("--json")
            parser.add_argument("--out")
        add_round_options(parser)
        args = parser.parse_args(argv[1:])
        try:
            (rounds_command if argv[0] == "rounds" else calibrate_command)(args)
        except KeyboardInterrupt:  # scripts/regress says nothing more either: it exits 130 and cleans up
            sys.exit(130)
    else:
        fail("usage: python3 -m tvp.regress regex-error FILTER | headline-filter | merge SCRATCH SIDE ROUNDS | "
             "rounds SCRATCH BASE_BENCH HEAD_BENCH [options] | calibrate SCRATCH BENCH [options]")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        fail(message)


if __name__ == "__main__":
    main()
