"""Reading the suite's results: Google Benchmark JSON plus the suite's naming.

Benchmark names read scenario/backend/key:value/...; Google Benchmark appends
/min_time:X to benchmarks with their own minimum time, /real_time to those timed
in wall-clock time, and _mean, _median, ... to aggregates (run_type "aggregate").
"""
import json
import statistics
import sys
from pathlib import Path

# Every script here runs under Debian's python3, which has matplotlib, pandas and scipy.
DEBIAN_PYTHON = "/usr/bin/python3"


class UnusableResults(Exception):
    """A results file that is missing, unreadable or not Google Benchmark's JSON."""


def load(path):
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UnusableResults(f"{path}: no such file")
    except (OSError, json.JSONDecodeError) as error:
        raise UnusableResults(f"{path}: not readable JSON ({error})")
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list) or "context" not in data:
        raise UnusableResults(f"{path}: not a Google Benchmark results file (no context and benchmarks)")
    return data


def parse_name(run_name):
    """'create/fork/workers:4/parent_mib:0/real_time' -> ('create', 'fork', {'workers': '4', 'parent_mib': '0'}).
    Parts without ':' after the back-end (a mechanism, 'latency') go into params['parts']."""
    parts = [part for part in base_name(run_name).split("/")]
    scenario = parts[0]
    backend = parts[1] if len(parts) > 1 and ":" not in parts[1] else ""
    params = {}
    for part in parts[2:] if backend else parts[1:]:
        if ":" in part:
            key, value = part.split(":", 1)
            params[key] = value
        else:
            params.setdefault("parts", []).append(part)
    if "parts" in params:
        params["parts"] = "/".join(params["parts"])
    return scenario, backend, params


def base_name(run_name):
    """The name without Google Benchmark's /min_time:X and /real_time suffixes."""
    return "/".join(part for part in run_name.split("/") if part != "real_time" and not part.startswith("min_time:"))


def iterations_by_benchmark(data):
    """{base name: [repetition rows]}, skipping aggregates and rows that report an error."""
    runs = {}
    for row in data["benchmarks"]:
        if row.get("run_type", "iteration") != "iteration" or row.get("error_occurred"):
            continue
        runs.setdefault(base_name(row.get("run_name", row["name"])), []).append(row)
    return runs


def errors(data):
    """[(name, message)] for every benchmark that reported an error."""
    return [(row["name"], row.get("error_message", "")) for row in data["benchmarks"] if row.get("error_occurred")]


def median_of(rows, field):
    values = [row[field] for row in rows if field in row]
    return statistics.median(values) if values else None


def medians(data):
    """{base name: {field: median over repetitions}} for real_time and every numeric counter."""
    result = {}
    for name, rows in iterations_by_benchmark(data).items():
        fields = {key for row in rows for key, value in row.items() if isinstance(value, (int, float))}
        fields -= {"repetition_index", "repetitions", "threads", "family_index", "per_family_instance_index"}
        result[name] = {field: median_of(rows, field) for field in fields}
        result[name]["time_unit"] = rows[0].get("time_unit", "ns")
        result[name]["label"] = rows[0].get("label", "")
    return result


def to_seconds(value, unit):
    return value * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def machine_title(data):
    context = data["context"]
    return (f"{context.get('host_name', '?')}: {context.get('cpu_model', '?')}, "
            f"{context.get('num_cpus', '?')} CPUs, {context.get('kernel', '')}").strip(", ")


def fail(message, code=2):
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(code)


def find(medians_by_name, scenario, backend, **params):
    """The median row of the benchmark with exactly these name parts, or None."""
    for name, row in medians_by_name.items():
        s, b, p = parse_name(name)
        if s == scenario and b == backend and p == {key: str(value) for key, value in params.items()}:
            return name, row
    return None


def sumsq_crossovers(medians_by_name, threshold=0.9):
    """Where each process back-end reaches `threshold` of the thread back-end's
    speed (thread time / its time) in the sum of squares, per worker count.

    first_n: the smallest n of the sweep at which it does (observed).
    estimate: from a model between the sweep's points: a process back-end costs
    the thread back-end's time plus a fixed start cost c (the median of the
    differences over the sweep), and the thread time grows linearly in n (a + k n,
    through the two largest n). The ratio reaches the threshold where
    a + k n = c * threshold / (1 - threshold).
    Returns {(backend, workers): {"points": [(n, ratio)], "first_n", "estimate", "start_cost_ms"}}."""
    import statistics
    times = {}
    for name, row in medians_by_name.items():
        scenario, backend, params = parse_name(name)
        if scenario == "sumsq" and set(params) == {"workers", "n"}:
            times[(backend, int(params["workers"]), int(params["n"]))] = to_seconds(row["real_time"],
                                                                                 row["time_unit"])
    result = {}
    for (backend, workers, n) in sorted(times):
        if backend == "thread" or ("thread", workers, n) not in times:
            continue
        entry = result.setdefault((backend, workers), {"points": [], "first_n": None, "estimate": None,
                                                       "start_cost_ms": None})
        entry["points"].append((n, times[("thread", workers, n)] / times[(backend, workers, n)]))
    for (backend, workers), entry in result.items():
        sizes = [n for n, _ in entry["points"]]
        entry["first_n"] = next((n for n, ratio in entry["points"] if ratio >= threshold), None)
        if len(sizes) < 2:
            continue
        thread = {n: times[("thread", workers, n)] for n in sizes}
        start_cost = statistics.median(times[(backend, workers, n)] - thread[n] for n in sizes)
        n1, n2 = sizes[-2], sizes[-1]
        slope = (thread[n2] - thread[n1]) / (n2 - n1)
        intercept = thread[n1] - slope * n1
        entry["start_cost_ms"] = start_cost * 1e3
        if slope > 0:
            entry["estimate"] = max(0, round((start_cost * threshold / (1 - threshold) - intercept) / slope))
    return result
