"""Pools (bench's `pool` scenario and the Python reference's `python_pool`):
from which task size each pool reaches 90% of the ideal in the chunked sum of
squares, and the dispatch cost of one empty task beside the plain round trips.

The ideal is the kernel over n on one thread divided by the workers; each
benchmark reports `efficiency` = ideal / its time. A pool "reaches 90% from
task size K" when every swept size from K up is at ≥ 90%: the first such swept
size, and, between it and the size below, where the line through the two
points (efficiency against log10 of the size) crosses 90%.
"""
import math

from . import results_lib as rl

THRESHOLD = 0.9
SCENARIOS = ("pool", "python_pool")


def feed_of(params):
    """How a pool's tasks travel ('shm_ring (spin)', 'pipe'), 'per task' for a
    worker created per task, or None for a name of neither kind."""
    if "mechanism" in params:
        return params["mechanism"] + (f" ({params['wait']})" if "wait" in params else "")
    if "per_task" in rl.name_words(params):
        return "per task"
    return "pool" if params.get("task") else None  # the Python reference: multiprocessing's own pipes


# The chunked sum's task, as bench's pools name it (task:squares, once task:sumsq: results_lib.RENAMED) and
# as the Python reference's do.
SUM_TASK = {"pool": "squares", "python_pool": "sumsq"}


def sumsq_rows(medians_by_name, scenario="pool"):
    """(name, back-end, feed, workers, n, chunk) of each chunked sum-of-squares row that has an efficiency."""
    for name, row in medians_by_name.items():
        found, backend, params = rl.parse_name(name)
        if found != scenario or params.get("task") != SUM_TASK.get(scenario) or "efficiency" not in row:
            continue
        feed = feed_of(params)
        if feed is None or not {"workers", "n", "chunk"} <= set(params):
            continue
        yield name, backend, feed, int(params["workers"]), int(params["n"]), int(params["chunk"])


def efficiency_curves(medians_by_name, scenario="pool"):
    """{(back-end, feed, workers, n): {chunk: median efficiency}} of the sum-of-squares rows."""
    curves = {}
    for name, backend, feed, workers, n, chunk in sumsq_rows(medians_by_name, scenario):
        curves.setdefault((backend, feed, workers, n), {})[chunk] = medians_by_name[name]["efficiency"]
    return curves


def reaches(curve, threshold=THRESHOLD):
    """(first swept chunk from which every larger one is at ≥ threshold, or None;
    the interpolated crossing between it and the chunk below, or None)."""
    chunks = sorted(curve)
    first = None
    for chunk in reversed(chunks):
        if curve[chunk] < threshold:
            break
        first = chunk
    if first is None:
        return None, None
    below = [chunk for chunk in chunks if chunk < first]
    if not below:
        return first, None
    low = below[-1]
    e_low, e_high = curve[low], curve[first]
    if e_high == e_low:
        return first, None
    fraction = (threshold - e_low) / (e_high - e_low)
    crossing = 10 ** (math.log10(low) + fraction * (math.log10(first) - math.log10(low)))
    return first, crossing


def describe_reach(curve, threshold=THRESHOLD):
    first, crossing = reaches(curve, threshold)
    if first is None:
        return f"never (best {max(curve.values()):.0%})" if curve else "—"
    return f"{first:.0e}" + (f" (≈ {crossing:.1e})" if crossing else " (the smallest size swept)")


def dispatch(medians_by_name, scenario="pool"):
    """{(back-end, feed): name} of the empty-task dispatch rows."""
    found_rows = {}
    for name in medians_by_name:
        found, backend, params = rl.parse_name(name)
        if found == scenario and params.get("task") == "empty":
            found_rows[(backend, feed_of(params))] = name
    return found_rows


def ring_ratios(medians_by_name):
    """{process back-end: its ring pool's dispatch p50 / the thread pool's}: the
    issue's target is ≤ 1.5 on two CPUs."""
    rows = dispatch(medians_by_name)
    thread = rows.get(("thread", "shm_ring (spin)"))
    base = medians_by_name.get(thread, {}).get("round_trip_p50_us") if thread else None
    ratios = {}
    for (backend, feed), name in rows.items():
        value = medians_by_name[name].get("round_trip_p50_us")
        if backend != "thread" and feed == "shm_ring (spin)" and value and base:
            ratios[backend] = value / base
    return ratios


def section(report, table):
    """The report's pool section; `report` is scripts/report's Report, `table` its Markdown table."""
    m = report.m
    rows = dispatch(m)
    curves = efficiency_curves(m)
    if not rows and not curves:
        return ""
    out = ["### pool: one empty task dispatched and its result back, µs: round-trip p50 / p99 (one worker, 2 CPUs), "
           "beside the plain 8-byte round trip of the same mechanism\n"]
    lines = []
    for (backend, feed), name in sorted(rows.items()):
        plain = (f"queue/{backend}/shm_ring/bytes:8/cpus:cross/wait:spin/latency" if feed.startswith("shm_ring")
                 else f"pipe/{backend}/pipe/bytes:8/cpus:cross/latency")
        lines.append([backend, feed, report.round_trip(name), report.round_trip(plain) if plain in m else "—"])
    out.append(table(["pool", "fed through", "dispatch p50 / p99", "plain round trip p50 / p99"], lines))
    ratios = ring_ratios(m)
    if ratios:
        out.append("\nProcess pool over thread pool, ring (spin), dispatch p50 (target ≤ 1.5): "
                   + ", ".join(f"{b} {r:.2f}×" for b, r in sorted(ratios.items())) + ".\n")
    for (workers, n) in sorted({(w, n) for _, _, w, n in curves}):
        chunks = sorted({c for (_, _, w, n_), curve in curves.items() if (w, n_) == (workers, n) for c in curve})
        out.append(f"\n### pool: sum of squares, n = {n:.0e}, {workers} workers: efficiency (ideal / measured) by "
                   "task size, and the task size from which it stays ≥ 90%\n")
        out.append(table(["pool", "fed through", *[f"{c:.0e}" for c in chunks], "≥ 90% from"], [
            [backend, feed, *[f"{curve[c]:.0%}" if c in curve else "—" for c in chunks], describe_reach(curve)]
            for (backend, feed, w, n_), curve in sorted(curves.items()) if (w, n_) == (workers, n)]))
    python = efficiency_curves(m, "python_pool")
    python_dispatch = dispatch(m, "python_pool")
    if python or python_dispatch:
        out.append("\nPython's multiprocessing.Pool and ThreadPool (scripts/python_reference): empty-task dispatch "
                   "p50 / p99 µs: " + "; ".join(f"{backend} {report.round_trip(name)}"
                                               for (backend, _), name in sorted(python_dispatch.items()))
                   + ". Sum of squares ≥ 90% of the ideal from: " + "; ".join(
                       f"{backend} {describe_reach(curve)}" for (backend, _, _, _), curve in sorted(python.items()))
                   + ".\n")
    return "".join(out)
