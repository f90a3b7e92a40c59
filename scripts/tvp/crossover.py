"""Where a process back-end reaches 90% of the thread back-end's speed in the
sum of squares (thread time / its time), per worker count: observed on the
sweep, and estimated from a model with an interval over the repetitions.

The model: a process back-end costs the thread back-end's time plus a fixed
start cost c (the median over the sweep of the differences of the medians), and
the thread time grows linearly in n, a + k n, through the sweep's two largest n.
The ratio reaches the threshold t where a + k n = c t / (1 - t).

The interval is a bootstrap over the repetitions: each point's repetitions are
drawn again with replacement, the model refitted, 1000 times (seeded, so the
same file gives the same text); the 5th to 95th percentile is shown. A fit is
only physically possible with c > 0 (a process costs more to start than a
thread), k > 0 (more elements take longer) and n > 0; when the estimate is not,
or more than 5% of the refits are not, the data cannot decide and we say so
rather than print an impossible number.
"""
import random
import statistics

from . import results_lib as rl

THRESHOLD = 0.9
RESAMPLES = 1000
INTERVAL = (0.05, 0.95)


def wall_times(medians_by_name):
    """{(backend, workers, n): [seconds per repetition]} of the sumsq sweep."""
    times = {}
    for name, row in medians_by_name.items():
        scenario, backend, params = rl.parse_name(name)
        if scenario == "sumsq" and set(params) == {"workers", "n"}:
            times[(backend, int(params["workers"]), int(params["n"]))] = [
                rl.to_seconds(rep["real_time"], rep.get("time_unit", "ns")) for rep in row["rows"]]
    return times


def fit(thread, process, sizes, threshold):
    """(start cost c in s, slope k, crossover n) from {n: median seconds}."""
    start_cost = statistics.median(process[n] - thread[n] for n in sizes)
    n1, n2 = sizes[-2], sizes[-1]
    slope = (thread[n2] - thread[n1]) / (n2 - n1)
    intercept = thread[n1] - slope * n1
    crossover = (start_cost * threshold / (1 - threshold) - intercept) / slope if slope > 0 else None
    return start_cost, slope, crossover


def impossible(start_cost, slope, crossover):
    """The reason a fit is not physically possible, or None."""
    if start_cost <= 0:
        return "start cost"
    if slope <= 0:
        return "slope"
    if crossover is None or crossover <= 0:
        return "crossover"
    return None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def sumsq_crossovers(medians_by_name, threshold=THRESHOLD):
    """{(backend, workers): entry} for every process back-end with thread rows
    at the same worker counts and n. entry: "points" [(n, ratio of medians)],
    "first_n" (first sweep n at the threshold, or None), and from the model
    "estimate" and "interval" (n), "start_cost_ms" and "start_cost_interval_ms",
    or "undecided": why the data cannot decide (then the estimates are None)."""
    times = wall_times(medians_by_name)
    median = {key: statistics.median(values) for key, values in times.items()}
    result = {}
    for (backend, workers, n) in sorted(times):
        if backend == "thread" or ("thread", workers, n) not in times:
            continue
        entry = result.setdefault((backend, workers), {
            "points": [], "first_n": None, "estimate": None, "interval": None, "start_cost_ms": None,
            "start_cost_interval_ms": None, "undecided": None})
        entry["points"].append((n, median[("thread", workers, n)] / median[(backend, workers, n)]))
    for (backend, workers), entry in result.items():
        entry["first_n"] = next((n for n, ratio in entry["points"] if ratio >= threshold), None)
        entry["undecided"] = decide(entry, times, backend, workers, threshold)
    return result


def decide(entry, times, backend, workers, threshold):
    """Fills the model's figures into `entry`; returns why the data cannot decide, or None."""
    sizes = [n for n, _ in entry["points"]]
    if len(sizes) < 2:
        return "too few n in the sweep for the model"
    cells = {(side, n): times[(side, workers, n)] for side in ("thread", backend) for n in sizes}
    if min(len(values) for values in cells.values()) < 2:
        return "one repetition per point: no spread to judge the model by"

    def fit_of(pick):
        return fit({n: pick(cells[("thread", n)]) for n in sizes}, {n: pick(cells[(backend, n)]) for n in sizes},
                   sizes, threshold)

    point = fit_of(statistics.median)
    generator = random.Random(20261125)
    refits = [fit_of(lambda values: statistics.median(generator.choices(values, k=len(values))))
              for _ in range(RESAMPLES)]
    costs = [cost * 1e3 for cost, _, _ in refits]
    cost_range = (percentile(costs, INTERVAL[0]), percentile(costs, INTERVAL[1]))
    failures = [impossible(*refit) for refit in refits]
    reason = impossible(*point)
    if reason is None and sum(1 for f in failures if f) > (1 - INTERVAL[1]) * RESAMPLES:
        reason = max(set(f for f in failures if f), key=failures.count)
    if reason == "start cost":
        return (f"the start cost is not clearly above 0 ({point[0] * 1e3:.2f} ms, "
                f"{cost_range[0]:.2f} to {cost_range[1]:.2f} ms over the repetitions)")
    if reason == "slope":
        return "the thread back-end's time does not clearly grow with n"
    if reason == "crossover":
        return "the model puts the crossover at n ≤ 0, which no run can have"
    crossings = [crossover for crossover, failure in zip((r[2] for r in refits), failures) if not failure]
    entry["estimate"] = round(point[2])
    entry["interval"] = (round(percentile(crossings, INTERVAL[0])), round(percentile(crossings, INTERVAL[1])))
    entry["start_cost_ms"] = point[0] * 1e3
    entry["start_cost_interval_ms"] = cost_range
    return None


def describe(entry, workers):
    """The model's answer in words, for the table and the report."""
    first = f"{entry['first_n']:.0e}" if entry["first_n"] else "none"
    if entry["undecided"]:
        return f"the data cannot decide: {entry['undecided']} (first sweep n at 90%: {first})"
    low, high = entry["interval"]
    cost_low, cost_high = entry["start_cost_interval_ms"]
    return (f"≥ 90% of threads' speed from n ≈ {entry['estimate']:.1e} ({low:.1e} to {high:.1e}; "
            f"{workers} worker{'s' if workers != 1 else ''}; start cost {entry['start_cost_ms']:.2f} ms, {cost_low:.2f} to {cost_high:.2f}; "
            f"first sweep n at 90%: {first})")
