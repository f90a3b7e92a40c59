"""Where scripts/advise's C++ costs come from: the calibration rows of bench's workload scenario
(advise_model.CALIBRATION_POINTS, whatever their task counts) at one worker count, read from a results file
into an advise_model.Costs.

A file has the costs for W when it holds every calibration row of every strategy at W, measured or reporting
an error (a strategy with an errored row is left out with bench's message). Without a named file, the newest
results file in results/ or results/advise/ (by the date in its context, as results_lib.newest_full_run
orders them; --quick runs aside) that has them and comes from this machine (its context's host_name and
num_cpus) is used.
"""
import json
import os
import platform
from pathlib import Path

from . import advise_model as model
from . import results_lib as rl

SCENARIO = "workload"
CACHE_FOLDER = "advise"  # results/advise/: calibration runs and validation measurements


def this_machine():
    """(host name, CPUs) as bench's context names them (host_name, num_cpus)."""
    return platform.node(), os.cpu_count()


def same_machine(context):
    return (context.get("host_name"), context.get("num_cpus")) == this_machine()


def calibration_name(strategy, task_us, nbytes, workers):
    return f"{SCENARIO}/{strategy}/tasks:N/task_us:{task_us}/bytes:{nbytes}/workers:{workers}"


def point_key(key):
    """(strategy, task_us, bytes, workers): a workload key without its task count."""
    strategy, _, task_us, nbytes, workers = key
    return strategy, task_us, nbytes, workers


def workload_key(name):
    """(strategy, tasks, task_us, bytes, workers) of a workload benchmark's name, or None for another name."""
    scenario, strategy, params = rl.parse_name(name)
    if scenario != SCENARIO or set(params) != {"tasks", "task_us", "bytes", "workers"}:
        return None
    try:
        return (strategy, int(params["tasks"]), float(params["task_us"]), int(params["bytes"]),
                int(params["workers"]))
    except ValueError:
        return None


def workload_data(data):
    """The results with only the workload scenario's rows (medians of a whole suite's file cost more)."""
    return {"context": data["context"],
            "benchmarks": [row for row in data["benchmarks"] if rl.exact_name(row).startswith(f"{SCENARIO}/")]}


def measured_and_errored(data):
    """({point: (name, median row, tasks)}, {point: (name, error message)}) of the workload rows, keyed by
    point_key (the row with the most tasks where a point has several)."""
    subset = workload_data(data)
    measured, errored = {}, {}
    for name, row in rl.medians(subset).items():
        key = workload_key(name)
        if key and (point_key(key) not in measured or key[1] > measured[point_key(key)][2]):
            measured[point_key(key)] = (name, row, key[1])
    for name, message in rl.errored_by_benchmark(subset).items():
        if key := workload_key(name):
            errored[point_key(key)] = (name, message)
    return measured, errored


def seconds_per_task(row, tasks):
    return rl.to_seconds(row["real_time"], row["time_unit"]) / tasks


def strategy_costs(strategy, workers, measured, errored):
    """(StrategyCosts or None, why it is left out or None, [calibration names missing from the file])."""
    keys = {point: (strategy, float(point[0]), point[1], workers) for point in model.CALIBRATION_POINTS}
    missing = [calibration_name(strategy, t, b, workers) for (t, b), key in keys.items()
               if key not in measured and key not in errored]
    if missing:
        return None, None, missing
    for key in keys.values():
        if key in errored:
            name, message = errored[key]
            return None, f"{name} reported an error: {message}", []
    terms = {point: model.Term(seconds_per_task(measured[key][1], measured[key][2]), measured[key][0])
             for point, key in keys.items()}
    overhead = tuple((b, terms[(0, b)]) for b in model.OVERHEAD_BYTES)
    work = tuple((t, terms[(t, 0)]) for t in model.WORK_US)
    return model.StrategyCosts(strategy, overhead, work), None, []


def costs_from(data, workers):
    """(Costs, [calibration names missing]): the strategies with every calibration row at `workers`, those
    left out (an errored row; a strategy of the file that advise does not know) and what the file lacks."""
    measured, errored = measured_and_errored(data)
    strategies, left_out, missing = {}, {}, []
    for strategy in model.STRATEGIES:
        costs, reason, absent = strategy_costs(strategy, workers, measured, errored)
        missing += absent
        if costs:
            strategies[strategy] = costs
        elif reason:
            left_out[strategy] = reason
    for key in sorted(set(measured) | set(errored), key=str):
        if key[0] not in model.STRATEGIES and key[3] == workers:
            left_out.setdefault(key[0], "a strategy advise does not know (advise_model.STRATEGIES lists them)")
    cpus = data["context"].get("num_cpus")
    if not (isinstance(cpus, int) and cpus > 0):
        raise rl.UnusableResults("its context has no num_cpus (a whole number of CPUs), which the model needs")
    return model.Costs(workers, cpus, strategies, left_out), missing


def missing_text(missing):
    shown = ", ".join(missing[:2])
    return shown + (f" and {len(missing) - 2} more calibration row(s)" if len(missing) > 2 else "")


def load_named(path, workers, what="--results"):
    """(data, Costs) from the file the user named (or a calibration run wrote: `what` says which); one line
    and exit 2 when it cannot give them."""
    try:
        data = rl.load(path)
        costs, missing = costs_from(data, workers)
    except rl.UnusableResults as error:
        rl.fail(f"{what}: {error}")
    if missing:
        rl.fail(f"{what}: {path} lacks the calibration for workers:{workers}: no {missing_text(missing)} "
                f"(bench's default workload grid with --workers={workers} runs them)")
    return data, costs


def candidates(results_dir):
    """The results files advise may read, newest first (the date in their context; undated ones last)."""
    results_dir = Path(results_dir)
    paths = [p for folder in (results_dir, results_dir / CACHE_FOLDER) for p in folder.glob("*.json")
             if not rl.is_quick(p)]

    def newest_first(path):
        date = rl.run_date(path)
        return (date is not None, date or 0.0, path.name)

    return sorted(paths, key=newest_first, reverse=True)


def names_at(path, workers):
    """The workload points (point_key) at `workers` that a file names (read cheaply, without checking it)."""
    try:
        data = json.loads(Path(path).read_text())
        rows, context = data["benchmarks"], data["context"]
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError):
        return None, set()
    if not isinstance(context, dict) or not isinstance(rows, list):
        return None, set()
    keys = set()
    for row in rows:
        name = row.get("run_name") or row.get("name") if isinstance(row, dict) else None
        if isinstance(name, str) and name.startswith(f"{SCENARIO}/"):
            try:
                key = workload_key(name)
            except ValueError:
                continue
            if key and key[4] == workers:
                keys.add(point_key(key))
    return context, keys


def find_costs(results_dir, workers):
    """(path, data, Costs) of the newest results file of this machine with the calibration for `workers`,
    or None."""
    needed = {(s, float(t), b, workers) for s in model.STRATEGIES for t, b in model.CALIBRATION_POINTS}
    for path in candidates(results_dir):
        context, keys = names_at(path, workers)
        if context is None or not same_machine(context) or not needed <= keys:
            continue
        try:
            data = rl.load(path)
            costs, missing = costs_from(data, workers)
        except rl.UnusableResults:
            continue
        if not missing:
            return path, data, costs
    return None
