#!/usr/bin/python3
"""A stand-in for bench's workload scenario, for scripts/advise's tests (test_advise.py copies it into a scratch
build folder as `bench`): it takes bench's flags (--tasks, --task_us, --bytes, --workers, --benchmark_filter,
--benchmark_repetitions, --benchmark_out) and writes Google Benchmark's JSON for the workloads they select,
each taking exactly what a linear cost says: per task o0 + slope × bytes + task_us / min(workers, CPUs) µs.
So advise's model, fitted on its calibration rows, predicts its other rows exactly. vfork_per_task reports an
error in every row, as a machine without vfork would have it."""
import json
import os
import platform
import re
import sys
from datetime import datetime, timezone

STRATEGIES = {"thread_per_task": (40, 0.0005), "thread_pool": (10, 0.0003), "fork_per_task": (200, 0.0008),
              "posix_spawn_per_task": (400, 0.0008), "vfork_per_task": (150, 0.0008), "fork_pool": (20, 0.0001),
              "posix_spawn_pool": (25, 0.0001)}
# bench's default grid: (tasks, task_us, bytes), pools 8 times the tasks at the short points (workload_bench.cpp).
DEFAULT_GRID = [(256, 0, 0), (256, 0, 65536), (256, 0, 1048576), (256, 10, 0), (256, 100, 0), (256, 1000, 0),
                (32, 10000, 0)]


def default_grid(strategy):
    pooled = strategy.endswith("_pool")
    return [(n * 8 if pooled and t <= 100 and b <= 65536 else n, t, b) for n, t, b in DEFAULT_GRID]
CPUS = os.cpu_count()


def seconds_per_task(strategy, task_us, nbytes, workers):
    o0, slope = STRATEGIES[strategy]
    return (o0 + slope * nbytes + task_us / min(workers, CPUS)) * 1e-6


def main():
    flags = dict(arg[2:].split("=", 1) for arg in sys.argv[1:] if arg.startswith("--") and "=" in arg)
    lists = {key: [int(v) for v in flags[key].split(",")] for key in ("tasks", "task_us", "bytes", "workers")
             if key in flags}
    if {"tasks", "task_us", "bytes"} & set(lists):
        grid = [(n, t, b) for n in lists.get("tasks", [1000]) for t in lists.get("task_us", [50])
                for b in lists.get("bytes", [4096])]
    else:
        grid = None
    pattern = re.compile(flags.get("benchmark_filter", "."))
    repetitions = int(flags.get("benchmark_repetitions", "1"))
    rows = []
    for strategy in STRATEGIES:
        for workers in lists.get("workers", [CPUS]):
            for n, t, b in grid or default_grid(strategy):
                name = f"workload/{strategy}/tasks:{n}/task_us:{t}/bytes:{b}/workers:{workers}/real_time"
                if not pattern.search(name):
                    continue
                for index in range(repetitions):
                    row = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": repetitions,
                           "repetition_index": index, "threads": 1, "iterations": 3, "time_unit": "ms"}
                    if strategy == "vfork_per_task":
                        row.update(error_occurred=True, error_message="vfork is not available here",
                                   real_time=0, cpu_time=0)
                    else:
                        ms = n * seconds_per_task(strategy, t, b, workers) * 1e3 * (1 + 0.01 * (index - (repetitions - 1) / 2))
                        row.update(real_time=ms, cpu_time=ms / 10, tasks=n, verified=n, work_us_per_task=t)
                    rows.append(row)
    if not rows:
        print("bench: --benchmark_filter selects no benchmark", file=sys.stderr)
        sys.exit(2)
    context = {"date": datetime.now(timezone.utc).isoformat(), "host_name": platform.node(), "num_cpus": CPUS,
               "library_build_type": "fake"}
    with open(flags["benchmark_out"], "w") as out:
        json.dump({"context": context, "benchmarks": rows}, out)


if __name__ == "__main__":
    main()
