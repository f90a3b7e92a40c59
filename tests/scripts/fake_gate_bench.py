#!/usr/bin/python3
"""A stand-in for bench, for the gate's tests (test_gate.py): it takes bench's flags (--benchmark_filter,
--benchmark_list_tests, --benchmark_out; others are ignored) and writes one repetition of each selected
benchmark in Google Benchmark's JSON, in no time: steady/... varies by 0.5% (coefficient of variation),
noisy/... by 40%, each around 100 µs times --fake_factor (default 1; a wrapper passes 1.3 for a side 30%
slower). --fake_error=NAME makes that benchmark report an error."""
import json
import random
import re
import sys

BENCHMARKS = {"steady/thread/workers:4": 0.005, "steady/fork/workers:4": 0.005, "noisy/fork/workers:4": 0.40}


def main():
    flags = dict(arg[2:].split("=", 1) for arg in sys.argv[1:] if arg.startswith("--") and "=" in arg)
    pattern = re.compile(flags.get("benchmark_filter", "."))
    names = [name for name in BENCHMARKS if pattern.search(f"{name}/real_time")]
    if not names:
        print("bench: --benchmark_filter selects no benchmark", file=sys.stderr)
        sys.exit(2)
    if flags.get("benchmark_list_tests") == "true":
        print("\n".join(f"{name}/real_time" for name in names))
        return
    factor = float(flags.get("fake_factor", "1"))
    rows = []
    for name in names:
        row = {"name": f"{name}/real_time", "run_name": f"{name}/real_time", "run_type": "iteration",
               "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 100, "time_unit": "us"}
        if flags.get("fake_error") == name:
            row.update(error_occurred=True, error_message="planted error", real_time=0, cpu_time=0)
        else:
            value = 100 * factor * max(0.05, random.gauss(1, BENCHMARKS[name]))
            row.update(real_time=value, cpu_time=value)
        rows.append(row)
    with open(flags["benchmark_out"], "w") as out:
        json.dump({"context": {"date": "2026-11-27T00:00:00+00:00", "host_name": "fake", "num_cpus": 2},
                   "benchmarks": rows}, out)


if __name__ == "__main__":
    main()
