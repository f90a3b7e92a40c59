"""Where scripts/advise --language python's costs come from: scripts/python_reference's rows (python_sumsq,
python_pool, python_create, python_pipe) in a results file, read into an advise_python_model.PythonCosts.

Without a named file: the newest results file in results/ or results/advise/ that has them, from this machine
if one does (else the newest from any machine, and the answer says whose figures they are).
"""
import json
from pathlib import Path

from . import advise_costs
from . import advise_python_model as pm
from . import results_lib as rl
from .advise_model import Term

SUM_TASKS = ("sumsq", "squares")  # the chunked sum's task, by its name then and (should it follow C++'s) now
HOW_TO_MEASURE = "run scripts/python_reference --out results/python-$(hostname).json"
NEEDED = ("python_sumsq/thread/workers:1/n:*", "python_sumsq/process_fork/workers:*/n:*",
          "python_pool/*/workers:*/task:sumsq/n:*/chunk:*")


def seconds(name, row):
    return Term(rl.to_seconds(row["real_time"], row["time_unit"]), name)


def sums(medians):
    """{(kind, workers, n): Term} of the python_sumsq rows."""
    found = {}
    for name, row in medians.items():
        scenario, kind, params = rl.parse_name(name)
        if scenario == "python_sumsq" and set(params) == {"workers", "n"}:
            found[(kind, int(params["workers"]), int(params["n"]))] = seconds(name, row)
    return found


def pool_rows(medians):
    """{kind: PoolRows}: per pool (thread, fork, forkserver, spawn) its two sumsq rows with the most tasks, for
    the pools that have two."""
    found = {}
    for name, row in medians.items():
        scenario, label, params = rl.parse_name(name)
        if scenario == "python_pool" and params.get("task") in SUM_TASKS and {"n", "chunk"} <= set(params):
            tasks = -(-int(params["n"]) // int(params["chunk"]))
            found.setdefault(label.removeprefix("process_"), {})[tasks] = seconds(name, row)
    return {kind: pm.PoolRows(tuple(sorted(rows.items(), reverse=True)[:2]))
            for kind, rows in found.items() if len(rows) >= 2}


def payload_points(medians):
    """(((bytes, Term), ...), what they are): Python's pipe by size, else the C++ fork pipe, else none."""
    python, cpp = {}, {}
    for name, row in medians.items():
        scenario, backend, params = rl.parse_name(name)
        words = rl.name_words(params)
        if scenario == "python_pipe" and backend == "process_fork" and "bytes" in params:
            python[int(params["bytes"])] = seconds(name, row)
        elif (scenario, backend, words) == ("pipe", "fork", ["pipe", "latency"]) and params.get("cpus") == "any":
            cpp[int(params["bytes"])] = seconds(name, row)
    if len(python) >= 2:
        return tuple(sorted(python.items())), "p(B) from Python's own pipe round trips by size"
    if len(cpp) >= 2:
        return tuple(sorted(cpp.items())), ("p(B) assumed from the C++ pipe between forked processes (Python's "
                                            "pipe rows have one size only; pickling adds a copy this leaves out)")
    return (), "p(B) = 0 assumed: no pipe round trips by size in this file (bytes cost nothing in this model)"


def costs_from(data):
    """(PythonCosts or None, [the rows it lacks, as patterns])."""
    medians = rl.medians({"context": data["context"],
                          "benchmarks": [row for row in data["benchmarks"] if rl.exact_name(row).startswith(
                              ("python_", "pipe/fork/pipe/"))]})
    found, pools = sums(medians), pool_rows(medians)
    sizes = [n for (kind, workers, n) in found if (kind, workers) == ("thread", 1)]
    size = max(sizes, default=None)
    thread = {w: t for (k, w, n), t in found.items() if k == "thread" and n == size}
    process = {w: t for (k, w, n), t in found.items() if k == "process_fork" and n == size}
    missing = [pattern for pattern, present in zip(NEEDED, (size, process, pools)) if not present]
    if missing:
        return None, missing
    left_out = {f"process_pool_{m}": f"fewer than two python_pool/process_{m}/workers:*/task:sumsq rows"
                for m in pm.START_METHODS if m not in pools}
    if "thread" not in pools:
        left_out["thread_pool"] = "fewer than two python_pool/thread/workers:*/task:sumsq rows"
    create = next(((name, row) for name, row in medians.items()
                   if name == f"python_create/process_fork/workers:{pm.CREATE_WORKERS}"), None)
    if create is None:
        left_out["process_per_task"] = f"no python_create/process_fork/workers:{pm.CREATE_WORKERS} row"
    context = data["context"]
    cpus = (context.get("python_reference") or {}).get("num_cpus") or context.get("num_cpus")
    if not (isinstance(cpus, int) and cpus > 0):
        raise rl.UnusableResults("its context has no num_cpus (a whole number of CPUs), which the model needs")
    points, source = payload_points(medians)
    return pm.PythonCosts(cpus, thread[1], thread, process, pools, seconds(*create) if create else None,
                          points, source, left_out), []


def load_named(path):
    try:
        data = rl.load(path)
        costs, missing = costs_from(data)
    except rl.UnusableResults as error:
        rl.fail(f"--results: {error}")
    if missing:
        rl.fail(f"--results: {path} lacks the Python figures: no {', '.join(missing)}; {HOW_TO_MEASURE}")
    return data, costs


def has_python_rows(path):
    """(context, whether the file names the rows NEEDED), read cheaply."""
    try:
        data = json.loads(Path(path).read_text())
        names = {row.get("run_name") or row.get("name") for row in data["benchmarks"] if isinstance(row, dict)}
        context = data["context"]
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return None, False
    prefixes = ("python_sumsq/thread/workers:1/", "python_sumsq/process_fork/", "python_pool/")
    found = all(any(isinstance(n, str) and n.startswith(p) for n in names) for p in prefixes)
    return (context if isinstance(context, dict) else None), found


def find_costs(results_dir):
    """(path, data, PythonCosts) of the newest file with the Python figures, this machine's first; else exit 2
    saying how to measure them."""
    mine, others = [], []
    for path in advise_costs.candidates(results_dir):
        context, found = has_python_rows(path)
        if context is not None and found:
            same = advise_costs.same_machine(context.get("python_reference") or context)
            (mine if same else others).append(path)
    for path in mine + others:  # newest first within each
        try:
            data = rl.load(path)
            costs, _ = costs_from(data)
        except rl.UnusableResults:
            continue
        if costs:
            return path, data, costs
    rl.fail(f"no results file in {results_dir} has the Python figures ({', '.join(NEEDED)}): {HOW_TO_MEASURE}")
