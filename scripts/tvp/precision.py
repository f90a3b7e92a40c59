"""Stop when known: how scripts/suite repeats each benchmark until its median is known to the precision asked
for, or its time is up.

Every benchmark of a scenario first gets the floor of repetitions (FLOOR; HEADLINE_FLOOR for the headline set,
so that scripts/compare can judge two full runs on them: 10 against 10 reach p = 1.1e-5, below 0.05 over a
thousand benchmarks). Then, pass after pass, those whose median is not yet known get BATCH more, until the 95%
interval of the median is within the target of it (`precise`) or the benchmark has had its cap of seconds
(`time cap`). The interval is the distribution-free one of the order statistics (the ranks a Binomial(n, 1/2)
puts 2.5% of its mass below and above; with fewer than 6 repetitions it spans them all), as bench's paired
ratios use. A benchmark's seconds are the scenario's wall time shared out by what each benchmark measured
(real_time x iterations of its repetitions), so the setup of a run counts too.

The decision uses the spread of the repetitions alone, never how a comparison would come out, so stopping
early does not bias any test made on the results later.
"""
import math
import statistics

DEFAULT_TARGET = 0.03  # ±3% of the median, at 95%: scripts/suite's default, and what the report counts
FLOOR = 3
HEADLINE_FLOOR = 10
BATCH = 5
PRECISE, TIME_CAP = "precise", "time cap"


def binomial_cdf_half(n, k):
    """P(Binomial(n, 1/2) <= k)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n


def median_interval(values):
    """(median, low, high) of `values`: the median and its 95% order-statistic interval."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("no values")
    j = 0
    while j + 1 <= n // 2 and binomial_cdf_half(n, j) <= 0.025:
        j += 1
    rank = max(j, 1)  # 1-based
    return statistics.median(ordered), ordered[rank - 1], ordered[n - rank]


def half_width(values):
    """The interval's larger distance from the median, as a fraction of the median (inf for a median of 0)."""
    median, low, high = median_interval(values)
    if median == 0:
        return math.inf
    return max(median - low, high - median) / abs(median)


def known(rows, target):
    """Whether the 95% interval of the median wall time of these repetitions is within ±target of it; None where
    none of them has a wall time (an errored benchmark)."""
    values = [row["real_time"] for row in rows if isinstance(row.get("real_time"), (int, float))]
    return half_width(values) <= target if values else None


def known_share(medians, target):
    """(how many, of how many) benchmarks of rl.medians() have their median wall time known to ±target: the
    suite's measure of how precise a run is, the same for any results file."""
    found = [known(entry["rows"], target) for entry in medians.values()]
    return found.count(True), len(found) - found.count(None)


def seconds_to_target(values, spent_s, target):
    """The seconds more repetitions of a benchmark are predicted to take before the interval of its median is
    within `target`: an interval narrows as 1/sqrt(repetitions), so n repetitions at half-width h need about
    n (h / target)^2 in all, at the seconds a repetition has cost so far (at least one more BATCH)."""
    n = len(values)
    ratio = half_width(values) / target
    needed = n * ratio * ratio  # inf, not OverflowError, for a ratio past 1e154
    return max(needed - n, BATCH) * spent_s / n


def verdict(values, floor, target, spent_s, cap_s):
    """None while the benchmark needs more repetitions; else why it stopped: PRECISE or TIME_CAP."""
    if len(values) < floor:
        return None  # the floor is kept whatever the cap: compare needs it (HEADLINE_FLOOR)
    if half_width(values) <= target:
        return PRECISE
    return TIME_CAP if spent_s >= cap_s else None


def record(values, floor, target, spent_s, cap_s, stopped):
    """What the results keep of one benchmark's stopping: repetitions, interval, target, reason."""
    median, low, high = median_interval(values)
    return {"repetitions": len(values), "median": median, "low": low, "high": high,
            "half_width": half_width(values), "target": target, "floor": floor, "seconds": round(spent_s, 3),
            "cap_s": cap_s, "stopped": stopped}


def share_time(wall_s, measured_s):
    """{name: seconds}: a run's wall time shared out in proportion to what each benchmark measured (equally
    where nothing was)."""
    total = sum(measured_s.values())
    if total <= 0:
        return {name: wall_s / max(len(measured_s), 1) for name in measured_s}
    return {name: wall_s * seconds / total for name, seconds in measured_s.items()}


# Characters with a meaning in a POSIX extended regex (bench's --benchmark_filter).
ERE_SPECIAL = set(".[]()*+?{}|^$\\")


def escaped(name):
    """`name` with every character that means something in a POSIX extended regex escaped."""
    return "".join("\\" + c if c in ERE_SPECIAL else c for c in name)


def exact_filter(names):
    """A POSIX extended regex that selects exactly these benchmark names."""
    return "^(" + "|".join(map(escaped, names)) + ")$"


def aggregate_rows(name, repetitions):
    """Google Benchmark's mean, median and stddev rows for one benchmark, from all its repetitions (the suite
    merges passes, whose own aggregates each saw only theirs)."""
    first = repetitions[0]
    numeric = [key for key, value in first.items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)
               and key not in ("repetition_index", "repetitions", "threads", "family_index",
                               "per_family_instance_index", "iterations")]
    rows = []
    for aggregate, function in (("mean", statistics.fmean), ("median", statistics.median),
                                ("stddev", lambda v: statistics.stdev(v) if len(v) > 1 else 0.0)):
        row = {key: first[key] for key in ("family_index", "per_family_instance_index", "threads", "time_unit")
               if key in first}
        row.update(name=f"{name}_{aggregate}", run_name=name, run_type="aggregate",
                   repetitions=len(repetitions), aggregate_name=aggregate, aggregate_unit="time",
                   iterations=len(repetitions))
        for key in numeric:
            values = [rep[key] for rep in repetitions if isinstance(rep.get(key), (int, float))]
            if values:
                row[key] = function(values)
        rows.append(row)
    return rows
