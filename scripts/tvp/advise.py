"""Which way to run a batch of tasks is fastest on this machine, predicted from its measured costs: threads,
a pool of them, a process per task (fork, posix_spawn, vfork) or a pool of processes; or, with
--language python, the chapter's Python (ThreadPool, multiprocessing.Pool per start method, a Process per
task).

Usage: scripts/advise --tasks N --task-us T --bytes B [--workers W] [--isolation] [--results FILE] [--json]
                      [--language cpp|python] [--build-dir DIR] [--results-dir DIR]
       scripts/advise --validate [--workers-list 1,2,4] [--out FILE] [--json]
       scripts/advise --map [--language cpp|python] [--workers W] [--bytes B] --out DIR

A task is T µs of CPU work that sends B bytes to its worker and B bytes back; W workers (default: the CPUs
this process may run on). The C++ costs are the calibration rows of bench's workload scenario for W (the model:
tvp/advise_model.py): from --results FILE, else the newest results file of this machine in results/ or
results/advise/ that has them, else a calibration run of bench (about 30 s on 2 CPUs, cached in
results/advise/calibration-<host>-w<W>.json). The Python costs are scripts/python_reference's rows (the
model: tvp/advise_python_model.py). It prints the strategies ranked by predicted seconds with the share of that
time beyond the work spread ideally over the workers, how much faster the winner is, what was left out and
why, and every cost it used with the benchmark behind it. --isolation keeps only the strategies where a
crashed task cannot take the others down.

--validate runs bench's workload scenario on a grid of workloads (tvp/advise_validate.py) and prints predicted
against measured; --map draws the decision map and prints the break-even task sizes (tvp/advise_map.py).

Exit codes: 0 an answer; 2 an input it cannot use (said in one line).
"""
import argparse
import math
import os
from pathlib import Path

from . import advise_calibrate
from . import advise_costs
from . import advise_model as model
from . import advise_python_costs
from . import advise_python_model
from . import advise_report
from . import results_lib as rl

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
MAX_WORKERS = 1024  # bench's bound on --workers
MAX_TASK_US = 1e9  # 1000 s a task
MAX_BYTES = 1 << 40


def whole(low, high, what):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not a {what} from {low:,} to {high:,}")
        return value
    return parse


def task_us(text):
    value = rl.number(text)
    if not (math.isfinite(value) and 0 <= value <= MAX_TASK_US):
        raise argparse.ArgumentTypeError(f"{text} is not a task size from 0 to {MAX_TASK_US:g} µs")
    return value


def workers_list(text):
    parse = whole(1, MAX_WORKERS, "worker count")
    values = [parse(part.strip()) for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError(f"{text!r} names no worker count")
    return list(dict.fromkeys(values))


def parse_arguments(argv=None):
    parser = rl.Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=whole(1, 10**12, "task count"), help="N, the tasks in the batch")
    parser.add_argument("--task-us", type=task_us, help="T, µs of CPU work per task")
    parser.add_argument("--bytes", type=whole(0, MAX_BYTES, "byte count"), help="B, bytes sent each way per task")
    parser.add_argument("--workers", type=whole(1, MAX_WORKERS, "worker count"),
                        help="W (default: the CPUs this process may run on)")
    parser.add_argument("--isolation", action="store_true",
                        help="only strategies where a crashed task cannot take the others down")
    parser.add_argument("--results", type=Path, metavar="FILE", help="the results file to take the costs from")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "results", metavar="DIR",
                        help="where to look for results files and cache calibrations (default results/)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--language", choices=("cpp", "python"), default="cpp")
    parser.add_argument("--build-dir", type=Path, default=advise_calibrate.DEFAULT_BUILD_DIR, metavar="DIR",
                        help="where bench is (default $TVP_BUILD_DIR or build/release)")
    parser.add_argument("--validate", action="store_true", help="predicted against measured on a grid")
    parser.add_argument("--workers-list", type=workers_list, metavar="W[,W...]",
                        help="--validate's worker counts (default 1, the CPUs, twice the CPUs)")
    parser.add_argument("--map", action="store_true", help="draw the decision map in --out DIR")
    parser.add_argument("--out", type=Path, help="--validate: the measurements' file; --map: the folder")
    args = parser.parse_args(argv)
    check_combination(args)
    return args


def check_combination(args):
    """One line and exit 2 for flags that do not go together."""
    if args.validate and args.map:
        rl.fail("--validate and --map: one at a time")
    if (args.validate or args.map) and args.isolation:
        rl.fail("--isolation filters an answer's strategies: it does not go with --validate or --map")
    if args.validate:
        if args.language != "cpp":
            rl.fail("--validate runs bench's C++ workloads: --language python does not apply")
        given = [flag for flag, value in (("--tasks", args.tasks), ("--task-us", args.task_us),
                                         ("--bytes", args.bytes), ("--workers", args.workers),
                                         ("--results", args.results)) if value is not None]
        if given:
            rl.fail(f"--validate chooses its own workloads and runs them: {', '.join(given)} does not apply")
    elif args.map:
        if args.out is None:
            rl.fail("--map needs --out DIR, the folder for the map's PNG and SVG")
        if args.tasks is not None or args.task_us is not None:
            rl.fail("--map covers every task size (the winner does not depend on N): --tasks and --task-us "
                    "do not apply")
    else:
        if args.workers_list is not None or args.out is not None:
            rl.fail("--workers-list and --out go with --validate or --map")
        lacking = [flag for flag, value in (("--tasks", args.tasks), ("--task-us", args.task_us),
                                           ("--bytes", args.bytes)) if value is None]
        if lacking:
            rl.fail(f"{', '.join(lacking)} needed: the workload to advise on (or --validate, or --map)")


def default_workers():
    return len(os.sched_getaffinity(0))


def cpp_costs(args, workers):
    """(path, data, Costs) for C++ at `workers`."""
    if args.results is not None:
        data, costs = advise_costs.load_named(args.results, workers)
        return args.results, data, costs
    return advise_calibrate.costs_for(args.build_dir, args.results_dir, workers)


def python_costs(args):
    if args.results is not None:
        data, costs = advise_python_costs.load_named(args.results)
        return args.results, data, costs
    return advise_python_costs.find_costs(args.results_dir)


def load_costs(args, workers):
    """(path, data, costs, the model's predict function) for the language asked."""
    if args.language == "python":
        return (*python_costs(args), advise_python_model.predict)
    return (*cpp_costs(args, workers), model.predict)


def advise(args):
    workload = model.Workload(args.tasks, args.task_us, args.bytes, args.workers or default_workers())
    path, data, costs, predict = load_costs(args, workload.workers)
    ranked = predict(costs, workload)
    describe = advise_report.python_costs if args.language == "python" else advise_report.cpp_costs
    cost_entries = describe(costs, workload)
    left_out = dict(costs.left_out)
    if args.isolation:
        ranked, dropped = model.keep_isolated(ranked)
        left_out.update({s: "not isolated: a crashed task takes every task of the process down (--isolation)"
                         for s in dropped})
    if not ranked:
        rl.fail(f"{path}: no strategy left to rank ({'; '.join(f'{s}: {r}' for s, r in left_out.items())})")
    advise_report.show(advise_report.answer(workload, args.language, ranked, left_out, cost_entries, path, data,
                                            args.isolation), args.json)


def main(argv=None):
    args = parse_arguments(argv)
    if args.validate:
        from . import advise_validate
        advise_validate.main(args)
    elif args.map:
        from . import advise_map
        workers = args.workers or default_workers()
        advise_map.main(args, *load_costs(args, workers), workers)
    else:
        advise(args)


if __name__ == "__main__":
    main()
