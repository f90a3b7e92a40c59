"""Compares two results files benchmark by benchmark, as a gate: exit 1 when the
new file loses, slows down or breaks a benchmark of the base file.

Usage: scripts/compare BASE.json NEW.json [--metric real_time] [--threshold 0.10]
                       [--alpha 0.05] [--direction auto|lower|higher] [--gate]
                       [--verdicts FILE] [--verbose]

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
benchmarks tested (the family, below) by the Holm-Bonferroni method (which
bounds the chance of any false alarm among them by alpha), gives p < alpha.

Repetitions needed: with n repetitions on each side the smallest p the test can
give is 2 / C(2n, n) (exact test, used up to 12 a side without ties), and Holm's
first step needs it below alpha / m for m benchmarks: at alpha 0.05, 4 per side
for one benchmark, 5 for up to 6, 6 for up to 23, 7 for up to 85, 8 for up to 321,
9 for up to 1215 (scripts/regress runs 8 rounds by default).

The family: the Holm correction is over the benchmarks tested, and a benchmark
is tested only where its sample sizes can reach the corrected alpha of that
family. The family is found by a fixed point: start with every benchmark
compared; k = the family's size; while the benchmarks with the family's weakest
sample sizes (the largest smallest p) cannot reach alpha / k (Holm's first,
strictest step: k * smallest p >= alpha), drop them and recompute k. What stays
is the largest family in which every member can reach alpha / k. (Dropping the
weakest sizes first, not every benchmark that fails at the current k at once,
matters: of 13 benchmarks at 10 vs 10, 200 at 8 vs 8 and 500 at 3 vs 3, the
8 vs 8 (smallest p 1.6e-4) cannot reach 0.05 / 713 but reach 0.05 / 213 once
the 3 vs 3 are out: a family of 213, not 13.) The rule reads the sample sizes
alone, decided before any p-value is computed, so it cannot favour a result:
the correction still bounds the chance of any false alarm among the tested by
alpha.
The others are not tested: they are listed in one section, "not compared: too
few repetitions", grouped by their repetitions (3 vs 3 reach at best p = 0.1),
with the repetitions per side that would let them join the family; --verbose
names them all. So two full suite runs (3 repetitions of most benchmarks, more
of the headline set) give a verdict on what their repetitions allow. Only when
nothing at all can be tested does compare say so and exit 2, with the
repetitions (scripts/regress rounds) per side that would do.

The headline set (scripts/tvp/headline.py: the chapter's figures) is reported
first, in its own block: each one's verdict, or that it was not tested and the
repetitions per side it would need, or that it is missing or failed.

What it can see: the minimum detectable effect (MDE) of each benchmark is the
smallest change these samples could show as significant after the correction, at
80% power, from a normal approximation on the logarithm of the metric:

    MDE = exp((t(1 - alpha/(2m)) + t(0.8)) * s * sqrt(1/n_base + 1/n_new) / sqrt(3/pi)) - 1

with m the benchmarks tested (Holm's first, strictest step: alpha/m), s the
pooled standard deviation of log(metric) within the two samples, t Student's
quantiles with n_base + n_new - 2 degrees of freedom and 3/pi the U test's
asymptotic efficiency against the t test. (With normal quantiles instead of t, a
simulated exact U test at 8 against 8 over 13 benchmarks has 55% power at the
MDE, not 80%; with t, 75%; both agree from about 40 a side.) It is infinite
where the sample sizes cannot reach alpha/m at all. A benchmark with no
significant change whose MDE is above --threshold is reported as "no
significant change, cannot see changes below X%": a slowdown of the threshold's
size would likely have gone unseen.

--gate: the verdict of a CI gate. Exit 1 only for a benchmark that is slower by
at least --threshold (ratio of the medians) with p_adj < alpha AND whose MDE is
at most --threshold, or that is missing, errored or without the metric in NEW;
else 0. The last line says "gate: PASS ..." or "gate: FAIL <benchmarks>".

Exit codes: 0 no regression among the benchmarks tested and nothing missing or
broken (benchmarks not tested for too few repetitions are listed, not failed);
1 at least one regression among the tested, or a benchmark missing or errored in
NEW; 2 unusable input (a file missing, empty, not JSON or not Google Benchmark's,
a malformed row, an unknown time unit, no benchmark in common or with the metric,
too few repetitions for any benchmark to be tested) or a bad option, said in one
line on stderr.
"""
import argparse
import collections
import functools
import json
import math
import statistics
import sys
from typing import NamedTuple

from . import headline
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


@functools.lru_cache(maxsize=None)
def smallest_p(n_base, n_new):
    """The smallest p the test can give for these sample sizes: that of two
    samples that do not overlap at all (2 / C(n_base + n_new, n_base) when exact)."""
    return u_test(list(range(n_base)), list(range(n_base, n_base + n_new)))


def reachable(n_base, n_new, comparisons, alpha):
    """Whether samples of these sizes can give p < alpha / comparisons at all (Holm's first step)."""
    return comparisons * smallest_p(n_base, n_new) < alpha


def needed_per_side(comparisons, alpha):
    """The fewest repetitions per side that can reach alpha / comparisons."""
    n = 2
    while comparisons * smallest_p(n, n) >= alpha and n < 100:
        n += 1
    return n


def family_bound(counts, alpha):
    """The family of the Holm correction (see the module's docstring), from {smallest p: how many benchmarks
    have it}: (the largest smallest p admitted, the family's size), or (None, 0) when no benchmark can be
    tested. The fixed point: start with all, k their number; while the weakest sizes left (largest smallest
    p) cannot reach alpha / k, drop them and recompute k."""
    levels = sorted(counts)
    k = sum(counts.values())
    while levels and k * levels[-1] >= alpha:
        k -= counts[levels.pop()]
    return (levels[-1], k) if levels else (None, 0)


def tested_family(sizes, alpha):
    """[True where tested] for benchmarks of these (n_base, n_new): the largest family in which every member's
    smallest p reaches alpha / (the family's size); decided from the sizes alone, before any p-value."""
    p_min = [smallest_p(*size) for size in sizes]
    bound, _ = family_bound(collections.Counter(p_min), alpha)
    return [bound is not None and p <= bound for p in p_min]


def needed_to_join(tested_sizes, count, alpha):
    """The fewest repetitions per side (equal sides) with which `count` more benchmarks would be tested beside
    benchmarks of these sizes (the family recomputed with them), or None past 100."""
    counts = collections.Counter(smallest_p(*size) for size in tested_sizes)
    for n in range(2, 101):
        bound, _ = family_bound(counts + collections.Counter({smallest_p(n, n): count}), alpha)
        if bound is not None and smallest_p(n, n) <= bound:
            return n
    return None


# The minimum detectable effect (see the module's docstring): the power aimed at, and the U test's asymptotic
# efficiency against the t test for normal data (Mann-Whitney needs pi/3 times the t test's repetitions).
POWER = 0.8
U_EFFICIENCY = 3 / math.pi
# rounds_needed looks no further.
MOST_ROUNDS = 100_000


def pooled_log_sd(before, after):
    """The pooled standard deviation of log(value) within the two samples, or None where a value is not
    positive (no logarithm) or there is no degree of freedom (one value in all)."""
    if len(before) < 1 or len(after) < 1 or len(before) + len(after) < 3 or min(*before, *after) <= 0:
        return None
    squares = sum(sum((math.log(v) - statistics.fmean(map(math.log, sample))) ** 2 for v in sample)
                  for sample in (before, after))
    return math.sqrt(squares / (len(before) + len(after) - 2))


def detectable_log_shift(s, n_base, n_new, comparisons, alpha, power=POWER):
    """The shift of log(value) detectable at `power`: (t(1 - alpha/(2m)) + t(power)) * s *
    sqrt(1/n_base + 1/n_new) / sqrt(3/pi), t with n_base + n_new - 2 degrees of freedom; infinite where the
    sizes cannot reach alpha / comparisons at all."""
    if not reachable(n_base, n_new, comparisons, alpha):
        return math.inf
    from scipy.stats import t
    degrees = n_base + n_new - 2
    quantiles = t.ppf(1 - alpha / (2 * comparisons), degrees) + t.ppf(power, degrees)
    return quantiles * s * math.sqrt(1 / n_base + 1 / n_new) / math.sqrt(U_EFFICIENCY)


def mde_of_sd(s, n_base, n_new, comparisons, alpha, power=POWER):
    """The minimum detectable effect, relative (0.1 = 10%), of samples with this pooled log standard
    deviation and these sizes; math.inf where they cannot reach alpha / comparisons."""
    shift = detectable_log_shift(s, n_base, n_new, comparisons, alpha, power)
    return math.inf if math.isinf(shift) else math.expm1(shift)


def mde(before, after, comparisons, alpha, power=POWER):
    """The minimum detectable effect of these two samples (mde_of_sd), or None where it is undefined (a value
    that is not positive, a single value in all)."""
    s = pooled_log_sd(before, after)
    return None if s is None else mde_of_sd(s, len(before), len(after), comparisons, alpha, power)


def rounds_needed(s, comparisons, alpha, threshold, power=POWER):
    """The fewest repetitions per side (equal sides) whose MDE at log standard deviation s is at most
    `threshold`, never fewer than needed_per_side; None where no count up to MOST_ROUNDS is enough."""
    if threshold <= 0 and s > 0:
        return None
    n = needed_per_side(comparisons, alpha)
    # From the normal quantiles' closed form, n = 2 ((z + z) s / (log(1 + T) sqrt(3/pi)))^2, a lower bound:
    # Student's quantiles are larger; then up one at a time.
    if s > 0:
        z = statistics.NormalDist().inv_cdf(1 - alpha / (2 * comparisons)) + statistics.NormalDist().inv_cdf(power)
        n = max(n, math.floor(2 * (z * s / (math.log1p(threshold) * math.sqrt(U_EFFICIENCY))) ** 2))
    while n <= MOST_ROUNDS:
        if mde_of_sd(s, n, n, comparisons, alpha, power) <= threshold:
            return n
        n += 1
    return None


def percent(value):
    """A relative change as the report writes it: 12.3%, or 'any' for an infinite one."""
    return "any" if value is None or math.isinf(value) else f"{value:.1%}"


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
        self.no_metric = []  # labels of the base file's benchmarks without the metric
        self.base_names = {rl.base_name(name) for name in names}
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
                    self.no_metric.append(label[name])
                    continue
                after = metric_values(new_runs[other], metric)
                if not after:
                    self.lacking.append(label[name])
                    continue
                self.compared.append((label[name], before, after))
        self.in_common = len(partner)
        self.tested, self.untested = [], []  # split(): the family of the correction, and the rest

    def split(self, alpha):
        """Splits the compared benchmarks into the family that is tested and those whose repetitions cannot
        reach the family's corrected alpha (tested_family): from the sample sizes alone."""
        keep = tested_family([(len(before), len(after)) for _, before, after in self.compared], alpha)
        self.tested = [item for item, tested in zip(self.compared, keep) if tested]
        self.untested = [item for item, tested in zip(self.compared, keep) if not tested]

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
        self.split(alpha)
        if self.compared and not self.tested:  # nothing at all can be tested
            too_few = [(name, len(before), len(after)) for name, before, after in self.compared]
            name, n_base, n_new = too_few[0]
            others = f" and {len(too_few) - 1} other(s)" if len(too_few) > 1 else ""
            needed = needed_per_side(len(self.compared), alpha)
            rl.fail(f"too few repetitions to ever reach p < {alpha} over {len(self.compared)} benchmark(s) "
                    f"({CORRECTION}): {name}{others} has {n_base} vs {n_new}, at best p = "
                    f"{smallest_p(n_base, n_new):.3g}; need at least {needed} per side (scripts/regress "
                    f"--rounds {needed} would give them)")

    def verdicts(self, threshold, alpha):
        """[Row] of the tested benchmarks (split), in the order compared: medians, change, p, adjusted p
        (Holm over the tested), sizes, MDE and verdict."""
        p_values = [u_test(before, after) for _, before, after in self.tested]
        rows = []
        for (name, before, after), p_value, adjusted in zip(self.tested, p_values, holm(p_values)):
            base_median, new_median = statistics.median(before), statistics.median(after)
            change = new_median / base_median - 1
            worse = -change if self.higher_is_better else change  # > 0: moved in the bad direction
            significant = adjusted < alpha
            detectable = mde(before, after, len(self.tested), alpha)
            if significant and worse > threshold:
                verdict = "SLOWER"
            elif significant and worse < -threshold:
                verdict = "faster"
            elif significant:
                verdict = "changed, within threshold"
            else:
                verdict = "no significant change"
                if detectable is not None and detectable > threshold:
                    verdict += f", {cannot_see(detectable)}"
            rows.append(Row(name, base_median, new_median, change, p_value, adjusted, len(before), len(after),
                            worse, significant, detectable, verdict))
        return rows


class Row(NamedTuple):
    """One compared benchmark: `worse` is the change in the bad direction (> 0: worse), `mde` the minimum
    detectable effect (None where the metric has no logarithm)."""
    name: str
    base: float
    new: float
    change: float
    p: float
    p_adj: float
    n_base: int
    n_new: int
    worse: float
    significant: bool
    mde: object
    verdict: str


def cannot_see(detectable):
    return f"cannot see changes below {percent(detectable)}"


def gate_failures(comparison, rows, threshold):
    """[(label, why)] of what fails the gate (see --gate): a significant slowdown of at least the threshold
    whose MDE is at most the threshold, a benchmark missing, errored or without the metric in the new file."""
    failures = [(row.name, f"{row.change:+.1%}, p_adj {row.p_adj:.2g}, MDE {percent(row.mde)}") for row in rows
                if row.significant and row.worse >= threshold and row.mde is not None and row.mde <= threshold]
    failures += [(name, "missing") for name in comparison.missing]
    failures += [(name, "errored") for name, _ in comparison.errored]
    failures += [(name, "without the metric") for name in comparison.lacking]
    return failures


def gate_line(comparison, rows, threshold):
    """The gate's verdict line: 'gate: PASS ...' or 'gate: FAIL name (why), ...'."""
    failures = gate_failures(comparison, rows, threshold)
    if failures:
        return "gate: FAIL " + ", ".join(f"{name} ({why})" for name, why in failures)
    blind = [row for row in rows if row.mde is None or row.mde > threshold]
    noisy_slower = [row for row in rows if row.significant and row.worse >= threshold]
    return (f"gate: PASS ({len(rows)} benchmarks: no significant slowdown of {threshold:.0%} or more that the "
            f"gate can see; {len(blind)} cannot see changes below {threshold:.0%}"
            + (f", {len(noisy_slower)} of them measured slower (not gated)" if noisy_slower else "")
            + (f"; {len(comparison.untested)} not compared: too few repetitions" if comparison.untested else "")
            + ")")


def is_headline(name):
    """Whether a benchmark (its label) is one of the headline set (tvp.headline.NAMES, base names)."""
    return rl.base_name(name) in headline.NAMES


# How many names of a group of benchmarks not compared the report shows without --verbose.
NAMES_SHOWN = 3


def not_compared_groups(comparison, alpha):
    """[(n_base, n_new, [labels], repetitions per side that would let them be tested)] of the benchmarks not
    tested, grouped by their sizes, closest to testable first."""
    groups = collections.defaultdict(list)
    for name, before, after in comparison.untested:
        groups[(len(before), len(after))].append(name)
    tested_sizes = [(len(before), len(after)) for _, before, after in comparison.tested]
    return [(n_base, n_new, names, needed_to_join(tested_sizes, len(names), alpha))
            for (n_base, n_new), names in sorted(groups.items(), key=lambda item: smallest_p(*item[0]))]


def at_least(needed):
    return f"at least {needed}" if needed is not None else "more than 100"


def print_rows(rows, width, args):
    for row in rows:
        verdict = row.verdict
        if args.gate and verdict == "SLOWER" and (row.mde is None or row.mde > args.threshold):
            verdict += f", not gated: {cannot_see(row.mde)}" if row.mde is not None else \
                f", not gated: no MDE for {args.metric}"
        print(f"{row.name:<{width}}  {show(row.base, args.metric):>10}  {show(row.new, args.metric):>10}  "
              f"{row.change:>+8.1%}  {row.p:>7.2g}  {row.p_adj:>7.2g}  {row.n_base:>2}/{row.n_new:<2}  {verdict}")


def print_header(width):
    print(f"{'benchmark':<{width}}  {'base':>10}  {'new':>10}  {'change':>8}  {'p':>7}  {'p_adj':>7}  reps   verdict")


def print_failures(comparison, args, wanted):
    """The FAILED and SKIPPED lines of the benchmarks for which wanted(label) holds."""
    for name in filter(wanted, comparison.missing):
        print(f"FAILED  {name}: missing from the new file")
    for name, message in comparison.errored:
        if wanted(name):
            print(f"FAILED  {name}: reported an error in the new file: {message}")
    for name in filter(wanted, comparison.lacking):
        print(f"FAILED  {name}: the new file does not report {args.metric} for it")
    for name, message in comparison.skipped:
        if wanted(name):
            print(f"SKIPPED {name}: reported an error in the base file: {message}")


def print_headline(comparison, rows, width, args):
    """The headline set's block: each one's verdict, not tested (and the repetitions it would need), failed,
    skipped, without the metric, or not in the base file."""
    tested = [row for row in rows if is_headline(row.name)]
    untested = [(name, len(before), len(after)) for name, before, after in comparison.untested if is_headline(name)]
    absent = [name for name in headline.NAMES if name not in comparison.base_names]
    total = len(headline.NAMES)
    if len(absent) == total:
        print(f"headline set (scripts/tvp/headline.py, the chapter's figures): none of its {total} benchmarks is "
              "in the base file\n")
        return
    print(f"headline set (scripts/tvp/headline.py, the chapter's figures): {len(tested)} of {total} tested"
          + (f", {len(untested)} not tested: too few repetitions" if untested else ""))
    if tested or untested:
        print_header(width)
    print_rows(tested, width, args)
    tested_sizes = [(len(before), len(after)) for _, before, after in comparison.tested]
    for name, n_base, n_new in untested:
        print(f"{name:<{width}}  not tested: {n_base} vs {n_new} reach at best p = {smallest_p(n_base, n_new):.3g}; "
              f"it needs {at_least(needed_to_join(tested_sizes, 1, args.alpha))} per side to be tested")
    print_failures(comparison, args, is_headline)
    for name in filter(is_headline, comparison.no_metric):
        print(f"NOT COMPARED {name}: the base file does not report {args.metric} for it")
    if absent:
        print(f"not in the base file: {len(absent)} of the {total}: {', '.join(absent)}")
    print()


def print_not_compared(comparison, args):
    """One line per sizes of the benchmarks not tested, with how many, a few names (all with --verbose)."""
    for n_base, n_new, names, needed in not_compared_groups(comparison, args.alpha):
        print(f"not compared: too few repetitions: {len(names)} benchmarks ({n_base} vs {n_new} reach at best "
              f"p = {smallest_p(n_base, n_new):.3g}; {at_least(needed)} per side are needed)")
        if args.verbose:
            for name in names:
                print(f"  {name}")
        else:
            more = len(names) - NAMES_SHOWN
            print(f"  {', '.join(names[:NAMES_SHOWN])}"
                  + (f" and {more} more (--verbose lists them all)" if more > 0 else ""))


def print_report(comparison, rows, args):
    direction = "higher is better" if comparison.higher_is_better else "lower is better"
    print(f"metric: {args.metric} ({direction}); two-sided Mann-Whitney U over the repetitions, p corrected for "
          f"{len(rows)} comparisons by {CORRECTION} (p_adj); regression: worse by more than "
          f"{args.threshold:.0%} with p_adj < {args.alpha}")
    if comparison.untested:
        print(f"family: the {len(rows)} benchmarks whose repetitions can reach p < {args.alpha}/{len(rows)} "
              f"(decided from the repetitions alone); {len(comparison.untested)} others not compared (below)")
    print()
    untested_headline = [name for name, _, _ in comparison.untested if is_headline(name)]
    width = max([len("benchmark"), *(len(row.name) for row in rows), *map(len, untested_headline)])
    print_headline(comparison, rows, width, args)
    others = [row for row in rows if not is_headline(row.name)]
    if others:
        print(f"other benchmarks: {len(others)} tested")
        print_header(width)
        print_rows(others, width, args)
    print_not_compared(comparison, args)
    print_failures(comparison, args, lambda name: not is_headline(name))
    slower = sum(1 for row in rows if row.verdict == "SLOWER")
    blind = sum(1 for row in rows if row.mde is not None and row.mde > args.threshold)
    failed = len(comparison.missing) + len(comparison.errored) + len(comparison.lacking)
    print(f"\n{len(rows)} benchmarks compared; {slower} worse by more than {args.threshold:.0%} with p_adj < "
          f"{args.alpha} ({CORRECTION}); {len(comparison.missing)} missing and {len(comparison.errored)} errored "
          f"in the new file; {len(comparison.lacking)} without {args.metric} in the new file; "
          f"{len(comparison.skipped)} errored in the base file (skipped)"
          + (f"; {comparison.without_metric} without {args.metric} (not compared)" if comparison.without_metric
             else "")
          + (f"; {len(comparison.untested)} not compared: too few repetitions" if comparison.untested else "")
          + (f"; {blind} cannot see changes below {args.threshold:.0%} (MDE at {POWER:.0%} power)" if blind
             else ""))
    if args.gate:
        line = gate_line(comparison, rows, args.threshold)
        print(line)
        return line.startswith("gate: FAIL")
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
    parser.add_argument("--verdicts", metavar="FILE",
                        help="also write the verdicts as JSON: {benchmark: {p_value, p_adj, mde, ratio, verdict}} "
                             "(mde null where undefined; scripts/history add --verdicts reads it)")
    parser.add_argument("--gate", action="store_true",
                        help="exit 1 only for a significant slowdown of at least --threshold whose minimum "
                             "detectable effect is at most --threshold, or a benchmark missing or errored in "
                             "NEW; end with one line 'gate: PASS ...' or 'gate: FAIL <benchmarks>'")
    parser.add_argument("--verbose", action="store_true",
                        help="name every benchmark not compared for too few repetitions (by default a few of "
                             "each group and the count)")
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
    if args.verdicts:
        rl.check_output_file(args.verdicts)
    comparison.check_usable(args.alpha, args.baseline)
    rows = comparison.verdicts(args.threshold, args.alpha)
    if args.verdicts:
        rl.write_text(args.verdicts, json.dumps(
            {row.name: {"p_value": row.p, "p_adj": row.p_adj, "ratio": row.new / row.base,
                        "mde": None if row.mde is None or math.isinf(row.mde) else row.mde, "verdict": row.verdict}
             for row in rows}, indent=1) + "\n")
    sys.exit(1 if print_report(comparison, rows, args) else 0)


if __name__ == "__main__":
    main()
