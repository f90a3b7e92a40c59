"""Compares two results files benchmark by benchmark, as a gate: exit 1 when the
new file loses, slows down or breaks a benchmark of the base file.

Usage: scripts/compare BASE.json NEW.json [--metric real_time] [--threshold 0.10]
                       [--alpha 0.05] [--direction auto|lower|higher]

Every benchmark of BASE must be in NEW without error: one missing from NEW, or
that reported an error there, is a failure, listed by name. One that reported an
error in BASE is listed and skipped. The rest are compared on --metric over their
repetitions: the wall time (real_time) by default, or any counter, such as
round_trip_p50_us. For counters where higher is better (bytes_per_second,
items_per_second, ops_per_second, waits_per_second, speedup, speed_vs_thread,
efficiency, survivors) a drop is the bad direction; for every other metric (times,
latencies, bytes, CPU per operation) a rise is. --direction overrides that.

A benchmark is a regression when its median moved in the bad direction by more
than --threshold, relative to the base median (a change in the good direction
never is), AND the difference is significant: the two-sided Mann-Whitney U test
(scipy) on the repetitions, with the p-values corrected for the number of
benchmarks compared by the Holm-Bonferroni method (which bounds the chance of any
false alarm among them by alpha), gives p < alpha.

Repetitions needed: with n repetitions on each side the smallest p the test can
give is 2 / C(2n, n) (exact test, used up to 12 a side without ties), and Holm's
first step needs it below alpha / m for m benchmarks: at alpha 0.05, 4 per side
for one benchmark, 5 for up to 6, 6 for up to 23, 7 for up to 85, 8 for up to 321,
9 for up to 1215 (scripts/regress runs 8 rounds by default). With fewer the
comparison could never find a regression, and says so (exit 2).

Exit codes: 0 no regression and nothing missing or broken; 1 at least one
regression, or a benchmark missing or errored in NEW; 2 unusable input (a file
missing, empty, not JSON or not Google Benchmark's, a malformed row, an unknown
time unit, no benchmark in common or with the metric, too few repetitions) or a
bad option, said in one line on stderr.
"""
import argparse
import collections
import math
import statistics
import sys

from . import results_lib as rl

HIGHER_IS_BETTER = {"bytes_per_second", "items_per_second", "ops_per_second", "waits_per_second", "speedup",
                    "speed_vs_thread", "efficiency", "survivors"}
TIME_FIELDS = {"real_time", "cpu_time"}
CORRECTION = "Holm-Bonferroni"


def metric_values(rows, metric):
    """The metric over the repetitions that carry it, in seconds for times."""
    values = []
    for row in rows:
        if metric not in row:
            continue
        value = row[metric]
        if not rl.is_number(value):
            raise rl.UnusableResults(f"{row['name']}: {metric} is {value!r}, not a number")
        values.append(rl.to_seconds(value, row.get("time_unit", "ns")) if metric in TIME_FIELDS else value)
    return values


def seconds_per_unit(metric):
    """Seconds per unit of a time-like metric (real_time, round_trip_p50_us,
    us_per_worker, ns_per_op, detect_ms, ...: a unit among its words), else None."""
    if metric in TIME_FIELDS:
        return 1.0
    unit = next((word for word in metric.split("_") if word in rl.UNIT_SECONDS), None)
    return rl.UNIT_SECONDS[unit] if unit else None


def show(value, metric):
    scale = seconds_per_unit(metric)
    if scale is not None:
        return rl.format_seconds(value * scale)
    if metric == "bytes_per_second":
        unit, size = next(((unit, size) for unit, size in [("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)]
                           if abs(value) >= size), ("B/s", 1))
        return f"{value / size:#.3g}".rstrip(".") + f" {unit}"
    return f"{value:.4g}"


# The exact distribution costs time that grows fast with the sample sizes; past
# this many repetitions a side the normal approximation is used (as scipy's
# "auto" does past 8, which would make 9 repetitions weaker than 8).
EXACT_UP_TO = 12


def u_test(before, after):
    """Two-sided Mann-Whitney U p-value: exact for small samples without ties."""
    from scipy.stats import mannwhitneyu
    exact = max(len(before), len(after)) <= EXACT_UP_TO and len(set(before) | set(after)) == len(before) + len(after)
    return mannwhitneyu(before, after, alternative="two-sided", method="exact" if exact else "asymptotic").pvalue


def smallest_p(n_base, n_new):
    """The smallest p the test can give for these sample sizes: that of two
    samples that do not overlap at all (2 / C(n_base + n_new, n_base) when exact)."""
    return u_test(list(range(n_base)), list(range(n_base, n_base + n_new)))


def needed_per_side(comparisons, alpha):
    """The fewest repetitions per side that can reach alpha / comparisons."""
    n = 2
    while comparisons * smallest_p(n, n) >= alpha and n < 100:
        n += 1
    return n


def holm(p_values):
    """Holm-Bonferroni adjusted p-values, in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def by_base_name_if_unique(names):
    """{base name: name} for the names whose base name no other of `names` has."""
    counts = collections.Counter(map(rl.base_name, names))
    return {rl.base_name(name): name for name in names if counts[rl.base_name(name)] == 1}


def counterparts(base_names, new_names):
    """{name in the base file: the same benchmark's name in the new file}: the
    same exact name, else the one benchmark of each file with that base name (a
    /iterations: or /min_time: suffix that changed with --round-trips or a
    benchmark's own minimum time). Never two benchmarks of one file for one."""
    base_unique, new_unique = by_base_name_if_unique(base_names), by_base_name_if_unique(new_names)
    found = {}
    for name in base_names:
        if name in new_names:
            found[name] = name
        elif base_unique.get(rl.base_name(name)) == name and rl.base_name(name) in new_unique:
            found[name] = new_unique[rl.base_name(name)]
    return found


def labels(names):
    """{exact name: how the report shows it}: its base name, or the exact name
    where another benchmark of the file has the same base name."""
    unique = by_base_name_if_unique(names)
    return {name: rl.base_name(name) if unique.get(rl.base_name(name)) == name else name for name in names}


class Comparison:
    """The two files' benchmarks, each known by its exact name (rl.exact_name):
    distinct benchmarks whose names differ only in a suffix are never pooled."""

    def __init__(self, base, new, metric, direction):
        self.metric, self.higher_is_better = metric, direction == "higher"
        base_runs, new_runs = (rl.iterations_by_benchmark(data, rl.exact_name) for data in (base, new))
        base_errors, new_errors = (rl.errored_by_benchmark(data, rl.exact_name) for data in (base, new))
        names = list(dict.fromkeys(list(base_runs) + list(base_errors)))
        label = labels(names)
        partner = counterparts(names, set(new_runs) | set(new_errors))
        self.skipped = [(label[name], base_errors[name]) for name in names if name in base_errors]
        self.missing, self.errored, self.lacking, self.without_metric = [], [], [], 0
        self.compared = []  # (label, base values, new values)
        for name in names:
            other = partner.get(name)
            if name in base_errors:
                continue
            if other in new_errors:
                self.errored.append((label[name], new_errors[other]))
            elif other not in new_runs:
                self.missing.append(label[name])
            else:
                before = metric_values(base_runs[name], metric)
                if not before:
                    self.without_metric += 1
                    continue
                after = metric_values(new_runs[other], metric)
                if not after:
                    self.lacking.append(label[name])
                    continue
                self.compared.append((label[name], before, after))
        self.in_common = len(partner)

    def check_usable(self, alpha, base_path):
        if self.in_common == 0:
            rl.fail("the two files have no benchmark in common: are they from the same suite?")
        if not self.compared and not self.errored and not self.missing and not self.lacking:
            if self.without_metric:
                rl.fail(f"no benchmark of {base_path} reports {self.metric}")
            rl.fail(f"every benchmark of {base_path} that the new file holds reported an error: nothing to compare")
        for name, before, _ in self.compared:
            if statistics.median(before) == 0:
                rl.fail(f"{name}: the base median of {self.metric} is 0: a relative change is undefined")
        too_few = [(name, len(before), len(after)) for name, before, after in self.compared
                   if len(self.compared) * smallest_p(len(before), len(after)) >= alpha]
        if too_few:
            name, n_base, n_new = too_few[0]
            others = f" and {len(too_few) - 1} other(s)" if len(too_few) > 1 else ""
            rl.fail(f"too few repetitions to ever reach p < {alpha} over {len(self.compared)} benchmark(s) "
                    f"({CORRECTION}): {name}{others} has {n_base} vs {n_new}, at best p = "
                    f"{smallest_p(n_base, n_new):.3g}; need at least "
                    f"{needed_per_side(len(self.compared), alpha)} per side")

    def verdicts(self, threshold, alpha):
        """[(name, base median, new median, relative change, p, adjusted p, n base, n new, verdict)]."""
        p_values = [u_test(before, after) for _, before, after in self.compared]
        rows = []
        for (name, before, after), p_value, adjusted in zip(self.compared, p_values, holm(p_values)):
            base_median, new_median = statistics.median(before), statistics.median(after)
            change = new_median / base_median - 1
            worse = -change if self.higher_is_better else change  # > 0: moved in the bad direction
            significant = adjusted < alpha
            if significant and worse > threshold:
                verdict = "SLOWER"
            elif significant and worse < -threshold:
                verdict = "faster"
            elif significant:
                verdict = "changed, within threshold"
            else:
                verdict = "no significant change"
            rows.append((name, base_median, new_median, change, p_value, adjusted, len(before), len(after), verdict))
        return rows


def print_report(comparison, rows, args):
    direction = "higher is better" if comparison.higher_is_better else "lower is better"
    print(f"metric: {args.metric} ({direction}); two-sided Mann-Whitney U over the repetitions, p corrected for "
          f"{len(rows)} comparisons by {CORRECTION} (p_adj); regression: worse by more than "
          f"{args.threshold:.0%} with p_adj < {args.alpha}\n")
    if rows:
        width = max(len("benchmark"), *(len(row[0]) for row in rows))
        print(f"{'benchmark':<{width}}  {'base':>10}  {'new':>10}  {'change':>8}  {'p':>7}  {'p_adj':>7}  reps   verdict")
        for name, before, after, change, p_value, adjusted, n_before, n_after, verdict in rows:
            print(f"{name:<{width}}  {show(before, args.metric):>10}  {show(after, args.metric):>10}  "
                  f"{change:>+8.1%}  {p_value:>7.2g}  {adjusted:>7.2g}  {n_before:>2}/{n_after:<2}  {verdict}")
    for name in comparison.missing:
        print(f"FAILED  {name}: missing from the new file")
    for name, message in comparison.errored:
        print(f"FAILED  {name}: reported an error in the new file: {message}")
    for name in comparison.lacking:
        print(f"FAILED  {name}: the new file does not report {args.metric} for it")
    for name, message in comparison.skipped:
        print(f"SKIPPED {name}: reported an error in the base file: {message}")
    slower = sum(1 for row in rows if row[-1] == "SLOWER")
    failed = len(comparison.missing) + len(comparison.errored) + len(comparison.lacking)
    print(f"\n{len(rows)} benchmarks compared; {slower} worse by more than {args.threshold:.0%} with p_adj < "
          f"{args.alpha} ({CORRECTION}); {len(comparison.missing)} missing and {len(comparison.errored)} errored "
          f"in the new file; {len(comparison.lacking)} without {args.metric} in the new file; "
          f"{len(comparison.skipped)} errored in the base file (skipped)"
          + (f"; {comparison.without_metric} without {args.metric} (not compared)" if comparison.without_metric
             else ""))
    return slower + failed


def main():
    parser = rl.Parser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", metavar="BASE.json")
    parser.add_argument("contender", metavar="NEW.json")
    parser.add_argument("--metric", default="real_time",
                        help="the compared quantity: real_time (wall time, the default), cpu_time or a counter")
    parser.add_argument("--threshold", type=float, default=0.10,
                        help="relative change in the bad direction that counts (default 0.10 = 10%%)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help=f"significance level after the {CORRECTION} correction (default 0.05)")
    parser.add_argument("--direction", choices=["auto", "lower", "higher"], default="auto",
                        help="which way is better for the metric (auto: higher for "
                             f"{', '.join(sorted(HIGHER_IS_BETTER))}; lower for the rest)")
    args = parser.parse_args()
    if not (math.isfinite(args.threshold) and args.threshold >= 0):
        rl.fail("--threshold must be a number >= 0")
    if not (0 < args.alpha < 1):
        rl.fail("--alpha must be between 0 and 1")
    if args.direction == "auto":
        args.direction = "higher" if args.metric in HIGHER_IS_BETTER else "lower"
    try:
        base, new = rl.load(args.baseline), rl.load(args.contender)
        comparison = Comparison(base, new, args.metric, args.direction)
    except rl.UnusableResults as error:
        rl.fail(str(error))
    comparison.check_usable(args.alpha, args.baseline)
    rows = comparison.verdicts(args.threshold, args.alpha)
    sys.exit(1 if print_report(comparison, rows, args) else 0)


if __name__ == "__main__":
    main()
