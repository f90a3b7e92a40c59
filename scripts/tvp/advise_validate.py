"""scripts/advise --validate: the C++ model's predictions against bench's workload scenario run for real.

The grid: for each worker count (default 1, the CPUs, twice the CPUs), 8 of the 20 (task_us, bytes) pairs of
task_us 1, 10, 100, 1000, 10000 and bytes 0, 4096, 65536, 1048576, chosen so that every task size meets every
byte size somewhere on the grid (24 workloads with three worker counts; with fewer, more pairs each, up to
all 20). N per workload is what the model predicts the slowest strategy needs for about 0.15 s (at least 16
tasks). For each worker count: its calibration (the newest of this machine, else a run), then one run of bench
with all its workloads (a filter of their exact names: bench registers the cross product of its flags), 5
repetitions. Printed: predicted and measured seconds per strategy and workload, the median and the worst
absolute relative error |predicted - measured| / measured, and in how many workloads the predicted winner's
measured time was within 10% of the measured best (and how often it was the measured winner itself).
"""
import json
import math
import os
import statistics
import sys
from datetime import datetime

from . import advise_calibrate
from . import advise_costs
from . import advise_model as model
from . import results_lib as rl

TASK_US = (1, 10, 100, 1000, 10000)
BYTES = (0, 4096, 65536, 1048576)
GRID_SIZE = 24
TARGET_S, MIN_TASKS, MAX_TASKS = 0.15, 16, 1_000_000
WITHIN = 0.10
MISS = 0.35  # the bound on the worst error: predictions beyond it are listed
TIMEOUT_S = 1800
# More than the calibration's 3: a worker per task varies by a quarter from one batch to the next here.
REPETITIONS = 5


def worker_counts(cpus):
    return list(dict.fromkeys([1, cpus, 2 * cpus]))


def pairs_for(index, count):
    """`count` (task_us, bytes) pairs for the index-th worker count: diagonals of the task × bytes table,
    shifted by the index, so that the worker counts together cover every pairing of sizes."""
    order = []
    for group, offset in enumerate((0, 2, 1, 3)):
        for j in range(len(TASK_US)):
            i = (j + 2 * group + index) % len(TASK_US)
            order.append((TASK_US[i], BYTES[(i + offset + index) % len(BYTES)]))
    return order[:count]


def grid(workers_list):
    """[(task_us, bytes, workers)]: at least GRID_SIZE workloads where the pairs allow."""
    per = min(len(TASK_US) * len(BYTES), math.ceil(GRID_SIZE / len(workers_list)))
    return [(t, b, w) for k, w in enumerate(workers_list) for t, b in pairs_for(k, per)]


def tasks_for(costs, task_us, nbytes, workers):
    """N such that the slowest strategy takes about TARGET_S, at least MIN_TASKS."""
    slowest = max(p.predicted_seconds for p in model.predict(costs, model.Workload(1, task_us, nbytes, workers)))
    return max(MIN_TASKS, min(MAX_TASKS, round(TARGET_S / slowest))) if slowest > 0 else MAX_TASKS


def bench_filter(workloads, workers):
    """Exactly the workloads' benchmarks at `workers`, every strategy (POSIX extended, as bench reads it)."""
    shapes = "|".join(f"tasks:{n}/task_us:{t}/bytes:{b}" for n, t, b in workloads)
    return f"^{advise_costs.SCENARIO}/[a-z_0-9]+/({shapes})/workers:{workers}(/|$)"


def run_flags(workloads, workers):
    def listed(values):
        return ",".join(str(v) for v in dict.fromkeys(values))
    return [f"--benchmark_filter={bench_filter(workloads, workers)}",
            f"--tasks={listed(n for n, _, _ in workloads)}", f"--task_us={listed(t for _, t, _ in workloads)}",
            f"--bytes={listed(b for _, _, b in workloads)}", f"--workers={workers}",
            f"--benchmark_repetitions={REPETITIONS}",
            f"--benchmark_min_time={advise_calibrate.MIN_TIME_S}"]


def compare(costs, workloads, data, workers):
    """One record per workload: each strategy's predicted and measured seconds, and the strategies left out."""
    measured, errored = advise_costs.measured_and_errored(data)
    records = []
    for n, t, b in workloads:
        workload = model.Workload(n, t, b, workers)
        rows, left_out = [], dict(costs.left_out)
        for prediction in model.predict(costs, workload):
            key = (prediction.strategy, float(t), b, workers)
            if key in errored:
                left_out[prediction.strategy] = f"{errored[key][0]} reported an error: {errored[key][1]}"
            elif key not in measured:
                left_out[prediction.strategy] = "not in bench's output"
            else:
                name, row, _ = measured[key]
                seconds = rl.to_seconds(row["real_time"], row["time_unit"])
                rows.append({"strategy": prediction.strategy, "predicted_seconds": prediction.predicted_seconds,
                             "measured_seconds": seconds, "benchmark": name,
                             "error": abs(prediction.predicted_seconds - seconds) / seconds})
        records.append({"tasks": n, "task_us": t, "bytes": b, "workers": workers, "strategies": rows,
                        "left_out": left_out, **winners(rows)})
    return records


def winners(rows):
    if not rows:
        return {"predicted_winner": None, "measured_winner": None, "within": False, "exact": False}
    predicted = min(rows, key=lambda r: r["predicted_seconds"])
    best = min(rows, key=lambda r: r["measured_seconds"])
    return {"predicted_winner": predicted["strategy"], "measured_winner": best["strategy"],
            "within": predicted["measured_seconds"] <= (1 + WITHIN) * best["measured_seconds"],
            "exact": predicted is best}


def summary(records):
    errors = [(row["error"], row["strategy"], record) for record in records for row in record["strategies"]]
    if not errors:
        return {"workloads": len(records), "predictions": 0}
    worst, strategy, where = max(errors, key=lambda e: e[0])
    judged = [r for r in records if r["predicted_winner"]]
    by_strategy = {}
    for error, name, _ in errors:
        by_strategy.setdefault(name, []).append(error)
    return {"workloads": len(records), "predictions": len(errors),
            "median_error": statistics.median(e for e, _, _ in errors), "worst_error": worst,
            "worst": {"strategy": strategy, **shape(where)},
            "median_error_by_strategy": {name: statistics.median(v) for name, v in by_strategy.items()},
            "misses": [{"strategy": name, "error": error, **shape(where)} for error, name, where in errors
                       if error > MISS],
            "winner_within_10pct": sum(r["within"] for r in judged),
            "winner_exact": sum(r["exact"] for r in judged), "judged": len(judged)}


def shape(record):
    return {key: record[key] for key in ("tasks", "task_us", "bytes", "workers")}


def text(records, result):
    lines = [f"{'tasks':>8} {'task µs':>8} {'bytes':>8} {'W':>3}  {'strategy':22} {'predicted':>10} "
             f"{'measured':>10} {'error':>7}"]
    for r in records:
        for row in sorted(r["strategies"], key=lambda row: row["measured_seconds"]):
            lines.append(f"{r['tasks']:>8} {r['task_us']:>8} {r['bytes']:>8} {r['workers']:>3}  "
                         f"{row['strategy']:22} {rl.format_seconds(row['predicted_seconds']):>10} "
                         f"{rl.format_seconds(row['measured_seconds']):>10} {row['error']:>7.1%}")
        lines.append(f"{'':>31}  predicted winner {r['predicted_winner']}, measured {r['measured_winner']}"
                     f"{'' if r['within'] else ' (NOT within 10%)'}")
    reasons = {(s, why): None for r in records for s, why in r["left_out"].items()}
    lines += [f"Left out: {s}: {why}" for s, why in reasons]
    s = result["summary"]
    if s.get("predictions"):
        w = s["worst"]
        lines.append(f"\n{s['workloads']} workloads, {s['predictions']} predictions: median |error| "
                     f"{s['median_error']:.1%}, worst {s['worst_error']:.1%} ({w['strategy']}, tasks:{w['tasks']} "
                     f"task_us:{w['task_us']} bytes:{w['bytes']} workers:{w['workers']}); the predicted winner's "
                     f"measured time within 10% of the measured best in {s['winner_within_10pct']} of "
                     f"{s['judged']} workloads (the exact winner in {s['winner_exact']}).")
        lines.append("Median |error| by strategy: " + ", ".join(
            f"{name} {error:.1%}" for name, error in s["median_error_by_strategy"].items()))
        lines += [f"Missed by more than {MISS:.0%}: {m['strategy']} at tasks:{m['tasks']} task_us:{m['task_us']} "
                  f"bytes:{m['bytes']} workers:{m['workers']} ({m['error']:.0%})" for m in s["misses"]]
    lines.append(f"Measurements: {result['measurements']}; costs: "
                 + ", ".join(f"workers:{w} from {path}" for w, path in result["costs_from"].items()))
    return "\n".join(lines)


def merge(paths, out, grid_description):
    """One results file of every worker count's run (context of the first, plus the grid), written whole."""
    datas = [rl.load(path) for path in paths]
    merged = {"context": {**datas[0]["context"], "tvp_advise_validation": grid_description},
              "benchmarks": [row for data in datas for row in data["benchmarks"]]}
    scratch = out.with_name(f".{out.name}.tmp")
    rl.write_text(scratch, json.dumps(merged, indent=1) + "\n")
    scratch.replace(out)
    for path in paths:
        path.unlink(missing_ok=True)


def main(args):
    bench = advise_calibrate.bench_of(args.build_dir)
    if bench is None:
        rl.fail(f"--validate runs bench, and there is no bench in {args.build_dir}: build it (scripts/build)")
    workers_list = args.workers_list or worker_counts(len(os.sched_getaffinity(0)))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or advise_calibrate.advise_folder(args.results_dir) / (
        f"validation-{advise_calibrate.host_tag()}-{stamp}.json")
    rl.check_output_file(out)
    points = grid(workers_list)
    records, costs_from, runs = [], {}, []
    for workers in workers_list:
        path, _, costs = advise_calibrate.costs_for(args.build_dir, args.results_dir, workers)
        costs_from[workers] = str(path)
        workloads = [(tasks_for(costs, t, b, w), t, b) for t, b, w in points if w == workers]
        run = out.with_name(f".{out.stem}-w{workers}.json")
        print(f"advise: validating {len(workloads)} workloads on workers:{workers}", file=sys.stderr)
        advise_calibrate.run_bench(bench, run_flags(workloads, workers), run, TIMEOUT_S)
        runs.append(run)
        records += compare(costs, workloads, rl.load(run), workers)
    merge(runs, out, {"grid": [list(p) for p in points], "workers": workers_list})
    result = {"summary": summary(records), "measurements": str(out), "costs_from": costs_from,
              "workloads": records}
    print(json.dumps(result, indent=1) if args.json else text(records, result))
