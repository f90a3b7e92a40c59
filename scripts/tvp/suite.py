"""Runs the whole suite: builds Release if needed, runs every scenario with
repetitions in random interleaving (each bench benchmark until its median is known to --precision or its
--cap is spent: tvp/precision.py), and writes results/<host>-<date>.json (the
source of truth: Google Benchmark's JSON with the machine and toolchain in its
context), a tidy .csv of its repetitions beside it and an .aggregates.csv of
Google Benchmark's mean, median and standard deviation ("The CSV columns" in
docs/results.md).

Usage: scripts/suite [--quick] [--precision P] [--cap S] [--full-grid] [--repetitions N] [--round-trips N]
                     [--scenarios a,b] [--out DIR]
                     [--build-dir DIR] [--no-build] [--fail-on-error] [--mpi-ranks N] [--mpi-hostfile FILE]
                     [-- more bench flags]
       scripts/suite --csv-from RESULTS.json   (writes the two CSVs of an existing run, runs nothing)

The programs come from the build folder, build/release unless --build-dir names
another; so do the scenarios: their names, filters and --quick filters are bench's
own table, `bench --list-scenarios`, read once the build is done. The `mpi` scenario runs bench_mpi under mpirun, over shared memory
(btl vader) and TCP, and bench_mpi_startup (the cost of `mpirun -np N`); where
MPI was not built it prints "mpi: skipped: <reason>" and records the reason.
"""
import argparse
import collections
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

from . import headline
from . import machine_check
from . import precision
from . import results_lib
from . import suite_jobs

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
DEFAULT_BUILD_DIR = ROOT / "build" / "release"  # the release preset's
MPI_STATUS = "mpi-status.txt"  # written by CMake in the build folder: "built" or "skipped: why"
# What runs a scenario (the program column of `bench --list-scenarios`), beside bench itself.
MPI_PROGRAM, PYTHON_PROGRAM = "bench_mpi", "python_reference"
PROGRAMS = ("bench", MPI_PROGRAM, PYTHON_PROGRAM)
# Open MPI settings every mpirun of the suite gets. The ob1 PML makes --mca btl
# decide the transport (the UCX PML, where it finds hardware, would ignore it).
MPI_MCA = {"pml": "ob1"}
# Flags the suite gives bench for every scenario: given again after --, bench
# would take the later one (the same filter in every scenario, the results
# written where the suite does not read them). Each maps to the option to use
# instead, or None where the suite must set it.
SUITE_SETS = {"--benchmark_filter": "--scenarios", "--benchmark_repetitions": "--repetitions",
              "--benchmark_min_time": "--min-time", "--round_trips": "--round-trips", "--benchmark_out": None,
              "--benchmark_out_format": None, "--benchmark_list_tests": None,
              "--benchmark_enable_random_interleaving": None, "--benchmark_display_aggregates_only": None,
              "--benchmark_report_aggregates_only": None}
# A scenario's time budget, generous on purpose: a busy machine must not trip it, a hung bench must not
# hold the suite forever. SCENARIO_BASE_S covers listing, starting and ending its programs; each repetition it
# will run adds REPETITION_BASE_S plus REPETITION_MIN_TIMES x --min-time (Google Benchmark runs a few trial
# batches before the timed one). On the 2-CPU reference machine the slowest repetition took 2.3 s and whole
# scenarios a few minutes, against budgets of about an hour. The Python reference, which the suite cannot
# count in advance, gets PYTHON_REPETITION_S per repetition (about 40 s there). TVP_SUITE_BUDGET_S gives
# every scenario that fixed budget instead (the tests' way to trip it).
SCENARIO_BASE_S = 60
REPETITION_BASE_S = 3
REPETITION_MIN_TIMES = 4
PYTHON_REPETITION_S = 300
FIXED_BUDGET_S = os.environ.get("TVP_SUITE_BUDGET_S")
EPILOG = textwrap.fill(
    f"Each scenario has a time budget: {SCENARIO_BASE_S} s, plus {REPETITION_BASE_S} s and {REPETITION_MIN_TIMES} "
    f"times --min-time for each repetition it will run ({PYTHON_REPETITION_S} s a repetition for python). A "
    "scenario that runs past it is ended with everything it started, said in one line, and recorded as an errored "
    "row <scenario>/time_budget; the suite goes on with the next. Results files are written whole or not at all: "
    "where one cannot be written, one line and exit 2.", 80)
# Stop when known: a benchmark's seconds before it stops short of --precision (--cap), and how long a scenario's
# later passes may take in all, as a share of its first pass (the floor of repetitions of every benchmark):
# however noisy the machine, the suite then takes at most (1 + that share) x its floor's time.
DEFAULT_CAP_S = 2.0
# The finest --precision taken: ±0.1% would already need thousands of repetitions of most benchmarks here.
MIN_PRECISION = 0.001
LATER_PASSES_SHARE = 0.25
# The Python reference's sum of squares by default: the chapter's n = 10^8 took 70 of its 605 s in the suite
# here, a quarter of the whole suite's 300 s; at 10^7 the GIL shows the same (threads no faster than one)
# in a tenth of the time. --full-grid runs the chapter's n.
PYTHON_DEFAULT_N = 10_000_000
# Below this, a failed run in the scratch folder is put down to a full TMPDIR.
FULL_BYTES = 1 << 20


def precision_target(text):
    """--precision: a fraction of the median above 0 and below 1 (0 could never be met)."""
    value = results_lib.number(text)
    if not MIN_PRECISION <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} cannot be met: give a fraction from {MIN_PRECISION:g} to below 1, "
                                         "e.g. 0.03 for ±3%")
    return value


def parse_arguments():
    parser = results_lib.Parser(description=__doc__.split("\n\n")[0], epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run for CI: 2 repetitions each, short minimum time (about 1 min on 2 CPUs)")
    parser.add_argument("--precision", type=precision_target,
                        help="repeat each bench benchmark until the 95%% interval of its median is within this "
                             f"fraction of it (default {precision.DEFAULT_TARGET:g}: ±{precision.DEFAULT_TARGET:.0%}%), "
                             f"at least {precision.FLOOR} times ({precision.HEADLINE_FLOOR} for the headline set), "
                             "until --cap is spent or the scenario's later passes have taken "
                             f"{LATER_PASSES_SHARE:g} of its first's time")
    parser.add_argument("--cap", type=results_lib.positive_float,
                        help=f"seconds a benchmark may take in all before it stops short of --precision (default "
                             f"{DEFAULT_CAP_S:g}; at least --min-time)")
    parser.add_argument("--repetitions", type=results_lib.positive_int,
                        help="a fixed schedule instead: exactly this many repetitions of every benchmark, at least 1 "
                             "(--quick: 2; the mpi and python scenarios always repeat a fixed number of times, 3 "
                             "unless this says)")
    parser.add_argument("--min-time", type=results_lib.positive_float,
                        help="seconds per repetition, above 0 (default 0.05; with --repetitions 0.3; --quick: "
                             "0.02); benchmarks that set their own keep it")
    parser.add_argument("--round-trips", type=results_lib.positive_int,
                        help="round trips per latency repetition (default 1000, enough for p99; "
                             "10000 adds p99.9; --quick: 100, no p99)")
    parser.add_argument("--scenarios",
                        help="comma-separated names from the scenario table that the build folder's bench prints "
                             f"with `bench --list-scenarios` (default: all, in its order){scenarios_for_help()}")
    parser.add_argument("--full-grid", action="store_true",
                        help="every scenario's whole sweep (bench --full_grid: queue and pipe at every size on one "
                             "CPU and unpinned, sumsq at n = 10^9) and the Python reference at the chapter's n = "
                             "10^8; by default what the report, table and plots use, and Python at n = 10^7")
    parser.add_argument("--out", default=str(ROOT / "results"), help="directory for the JSON and CSV")
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, metavar="DIR",
                        help="the build folder to take bench, bench_mpi and bench_mpi_startup from (default "
                             "build/release, built with scripts/build; another folder is built with cmake "
                             "--build DIR, so it must be configured)")
    parser.add_argument("--no-build", action="store_true", help="use the programs already in the build folder")
    parser.add_argument("--fail-on-error", action="store_true",
                        help="exit 1 if any benchmark reported an error (CI)")
    parser.add_argument("--csv-from", metavar="RESULTS.json",
                        help="run nothing: write RESULTS.csv and RESULTS.aggregates.csv from this results file")
    parser.add_argument("--mpi-ranks", type=at_least_two, default=2,
                        help="ranks for the mpi scenario, at least 2 (default 2)")
    parser.add_argument("--mpi-hostfile",
                        help="run the mpi scenario across the hosts of this Open MPI hostfile, one rank per node, "
                             "over TCP (see docs/mpi.md)")
    parser.add_argument("--mpi-mca", action="append", default=[], metavar="KEY=VALUE",
                        help="an Open MPI setting for every mpirun, e.g. btl_tcp_if_include=eth0 (repeatable)")
    parser.add_argument("bench_flags", nargs="*", help="after --: passed to bench as they are")
    args = parser.parse_args()
    if args.csv_from is not None:
        return args
    # Stop when known, unless a fixed schedule is asked for (--repetitions, or --quick's smoke run). The MPI and
    # Python scenarios repeat a fixed number of times either way.
    fixed = args.quick or args.repetitions is not None
    if fixed and (args.precision is not None or args.cap is not None):
        parser.error(f"--{'precision' if args.precision is not None else 'cap'} stops each benchmark when its median "
                     f"is known; {'--quick' if args.quick else '--repetitions'} fixes the schedule: give one of them")
    args.fixed_repetitions = args.repetitions or (2 if args.quick else 3)
    args.precision = 0.0 if fixed else args.precision or precision.DEFAULT_TARGET
    args.cap = None if fixed else args.cap or DEFAULT_CAP_S
    if args.repetitions is None:
        args.repetitions = args.fixed_repetitions if fixed else precision.FLOOR
    if args.min_time is None:
        args.min_time = 0.02 if args.quick else 0.3 if fixed else 0.05
    if args.precision and args.cap < args.min_time:
        parser.error(f"--cap {args.cap:g} s is below one repetition's --min-time {args.min_time:g} s: no "
                     "benchmark could ever reach --precision")
    if args.round_trips is None:
        args.round_trips = 100 if args.quick else 1000
    if args.scenarios is not None:  # checked against bench's table once it is built (select_scenarios)
        args.scenarios = list(dict.fromkeys(name for name in args.scenarios.split(",") if name))  # each once
        if not args.scenarios:
            parser.error("--scenarios names no scenario; `bench --list-scenarios` lists them")
    if args.full_grid:
        args.bench_flags.append("--full_grid")
    for flag in args.bench_flags:
        if not flag.startswith("-"):  # every bench flag is -name or --name=value
            parser.error(f"'{flag}' is not a bench flag; bench flags go after --, as --name=value")
        name = flag.split("=", 1)[0]
        if name in SUITE_SETS:
            instead = SUITE_SETS[name]
            parser.error(f"{name} after --: {'use ' + instead + ' instead' if instead else 'the suite sets it'}")
    if args.mpi_hostfile and not Path(args.mpi_hostfile).is_file():
        parser.error(f"--mpi-hostfile: {args.mpi_hostfile} is not a file")
    for setting in args.mpi_mca:
        if "=" not in setting or not setting.split("=", 1)[0]:
            parser.error(f"--mpi-mca: '{setting}' is not KEY=VALUE")
    # Checked now, not after the whole run: results that cannot be written are lost.
    results_lib.check_output_dir(args.out)
    check_build_dir(args)
    if FIXED_BUDGET_S is not None:
        try:
            results_lib.positive_float(FIXED_BUDGET_S)
        except argparse.ArgumentTypeError as error:
            parser.error(f"TVP_SUITE_BUDGET_S: {error}")
    return args


class Scenario(collections.namedtuple("Scenario", "name program filter quick_filter about")):
    """One row of bench's scenario table (bench/scenarios.hpp), as `bench --list-scenarios` prints it."""

    def selection(self, quick):
        """The filter the suite runs it with: --quick's narrower one where the table gives one."""
        return (self.quick_filter or self.filter) if quick else self.filter


def bench_scenarios(bench):
    """[Scenario] of `bench --list-scenarios`, in the order the suite runs them; one line and exit 2 where bench
    cannot give them."""
    try:
        listed = subprocess.run([str(bench), "--list-scenarios"], capture_output=True, text=True,
                                timeout=LISTING_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as error:
        results_lib.fail(f"{bench} --list-scenarios: {getattr(error, 'strerror', None) or error}")
    said = (listed.stderr.strip().splitlines() or [""])[0]
    if listed.returncode != 0:
        results_lib.fail(f"{bench} --list-scenarios failed (exit {listed.returncode}){': ' + said if said else ''}; "
                         "is it older than the suite? rebuild it")
    rows = []
    for number, line in enumerate(listed.stdout.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(Scenario._fields) or not fields[0]:
            results_lib.fail(f"{bench} --list-scenarios, line {number}: not {len(Scenario._fields)} tab-separated "
                             f"fields ({', '.join(Scenario._fields)}): {line!r}")
        rows.append(Scenario(*fields))
    if not rows:
        results_lib.fail(f"{bench} --list-scenarios lists no scenario")
    return rows


def scenarios_for_help():
    """For --help: the scenarios the bench of --build-dir (or build/release) lists, where it is built."""
    if not any(arg == "-h" or (len(arg) > 2 and "--help".startswith(arg)) for arg in sys.argv[1:]):
        return ""  # only --help shows it: no other run asks bench twice
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR)
    bench = early.parse_known_args()[0].build_dir / "bench"
    if not bench.is_file():
        return f"; {bench} is not built, so they cannot be named here"
    try:
        listed = subprocess.run([str(bench), "--list-scenarios"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    names = [line.split("\t", 1)[0] for line in listed.stdout.splitlines() if line.strip()]
    return f"; {bench} lists {', '.join(names)}" if listed.returncode == 0 and names else ""


def select_scenarios(args):
    """The rows of bench's table that --scenarios names (all without it), in the order given; one line and
    exit 2 for a name the table does not hold or a program the suite cannot start."""
    table = {row.name: row for row in bench_scenarios(args.build_dir / "bench")}
    names = args.scenarios if args.scenarios is not None else list(table)
    unknown = [name for name in names if name not in table]
    if unknown:
        results_lib.fail(f"unknown scenario(s) {', '.join(unknown)}; `{args.build_dir / 'bench'} --list-scenarios` "
                         f"lists {', '.join(table)}")
    strange = [f"{name} (program {table[name].program!r})" for name in names if table[name].program not in PROGRAMS]
    if strange:
        results_lib.fail(f"scenario(s) {', '.join(strange)}: the suite runs only {', '.join(PROGRAMS)}")
    args.scenarios = names
    return [table[name] for name in names]


def check_build_dir(args):
    """One line and exit 2 unless the build folder can give the suite its bench."""
    build = args.build_dir
    if args.no_build and not (build / "bench").is_file():
        results_lib.fail(f"--build-dir: no bench in {build}: build it first (scripts/build, or cmake --build DIR)")
    if not args.no_build and build.resolve() != DEFAULT_BUILD_DIR and not (build / "CMakeCache.txt").is_file():
        results_lib.fail(f"--build-dir: {build} is not a configured CMake build folder")


def build(args):
    """The release preset through scripts/build; any other build folder as it was configured."""
    if args.build_dir.resolve() == DEFAULT_BUILD_DIR:
        command = [str(ROOT / "scripts" / "build"), "release"]
    else:
        command = ["cmake", "--build", str(args.build_dir), "-j", str(os.cpu_count() or 1)]
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
        results_lib.fail(f"the build failed: {' '.join(command)}", 1)
    if not (args.build_dir / "bench").is_file():
        results_lib.fail(f"{args.build_dir / 'bench'} is missing after the build")


def check_machine():
    """Warns, in plain words, when this run will be noisy; the run goes on."""
    found = machine_check.check()
    print(machine_check.summary(found), flush=True)
    for warning in found["warnings"]:
        print(f"  warning: {warning}", flush=True)
    if found["warnings"]:
        print("  this run will be noisy: its figures will vary more than on a quiet machine "
              "(noisy figures are marked in the table and the report)", flush=True)
    return found


def at_least_two(text):
    """--mpi-ranks: a ping-pong needs two ranks."""
    value = results_lib.positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"{value} rank is too few: the MPI benchmarks need at least 2")
    return value


# mpirun across hosts waits on ssh: an unreachable host must not hang the suite.
# (TVP_SUITE_LISTING_TIMEOUT_S shortens it for the tests.)
LISTING_TIMEOUT_S = float(os.environ.get("TVP_SUITE_LISTING_TIMEOUT_S", "60"))


def benchmark_names(filter_regex, extra_flags, program, budget, args):
    """The names bench (or mpirun of bench_mpi) would run; the scenario's budget then allows for them.
    The listing has its own limit too: mpirun across hosts waits on ssh."""
    who = Path(program[0]).name
    lines, errors = [], []
    try:
        code, _ = suite_jobs.run_job([*program, f"--benchmark_filter={filter_regex}", "--benchmark_list_tests=true",
                                      *extra_flags], budget, lines.append, errors.append, limit_s=LISTING_TIMEOUT_S)
    except suite_jobs.JobTimeout:
        results_lib.fail(f"{who} did not list its benchmarks within {LISTING_TIMEOUT_S:g} s "
                         "(with --mpi-hostfile: is every host reachable by ssh without a password?)")
    if code != 0:
        # The first line that says something (Open MPI frames its messages in lines of dashes).
        said = [line.strip() for line in errors + lines if any(c.isalnum() for c in line)]
        results_lib.fail(f"{who} refused to run (exit {code}): {said[0] if said else 'no message'}")
    names = [line.strip() for line in lines if line.strip()]
    budget.allow(len(names) * args.repetitions * (REPETITION_BASE_S + REPETITION_MIN_TIMES * args.min_time))
    return names


def scenario_budget(scenario, args):
    """A scenario's Budget (see SCENARIO_BASE_S); benchmark_names adds to it what each listing names."""
    if FIXED_BUDGET_S is not None:
        return suite_jobs.Budget(scenario.name, float(FIXED_BUDGET_S), fixed=True)
    if scenario.program == PYTHON_PROGRAM:
        return suite_jobs.Budget(scenario.name, SCENARIO_BASE_S + args.fixed_repetitions * PYTHON_REPETITION_S)
    return suite_jobs.Budget(scenario.name, SCENARIO_BASE_S)


def run_scenario(index, total_scenarios, row, args, out_json, budget):
    """A bench scenario: every benchmark --repetitions times (--quick, or --precision 0), or until its median is
    known (run_until_known). Returns (results, {name: precision record} or None)."""
    scenario, selection = row.name, row.selection(args.quick)
    bench_flags = [f"--round_trips={args.round_trips}", *args.bench_flags]
    names = benchmark_names(selection, bench_flags, (str(args.build_dir / "bench"),), budget, args)
    if not args.precision:
        print(f"[{index}/{total_scenarios}] {scenario}: {len(names)} benchmarks x {args.repetitions} repetitions",
              flush=True)
        run_bench(args, selection, args.repetitions, names, scenario, out_json, budget)
        return read_results(out_json), None
    print(f"[{index}/{total_scenarios}] {scenario}: {len(names)} benchmarks, each until its median is known to "
          f"±{args.precision * 100:g}% or {args.cap:g} s (at least {args.repetitions} repetitions)", flush=True)
    return run_until_known(args, selection, names, scenario, out_json, budget)


def run_bench(args, selection, repetitions, names, scenario, out_json, budget, quiet=False):
    """One run of bench over `selection` (the names it lists), `repetitions` each, into out_json; its wall time.
    `quiet`: no progress lines (a later pass of run_until_known says one line for the whole pass)."""
    command = [str(args.build_dir / "bench"), f"--benchmark_filter={selection}",
               f"--benchmark_repetitions={repetitions}", "--benchmark_enable_random_interleaving=true",
               f"--benchmark_min_time={args.min_time}", "--benchmark_display_aggregates_only=false",
               f"--benchmark_out={out_json}", "--benchmark_out_format=json", "--benchmark_color=false",
               f"--round_trips={args.round_trips}", *args.bench_flags]
    started = time.monotonic()
    run_with_progress(command, scenario, names, len(names) * repetitions, budget, out_json.parent, quiet)
    return time.monotonic() - started


# The longest filter of names a later pass gives bench in one run: Linux takes at most 128 KiB in one argument
# (MAX_ARG_STRLEN). A scenario's pending names (184 at most by default, about 14,000 characters) fit in one.
FILTER_CHARS = 100_000


def filter_chunks(names):
    """[(filter, names)]: exact filters for `names`, each within FILTER_CHARS, as few as that allows."""
    chunks, current, length = [], [], len(precision.exact_filter([]))
    for name in names:
        size = len(precision.escaped(name)) + 1  # and its "|"
        if current and length + size > FILTER_CHARS:
            chunks.append(current)
            current, length = [], len(precision.exact_filter([]))
        current.append(name)
        length += size
    return [(precision.exact_filter(chunk), chunk) for chunk in chunks + [current] if chunk]


def next_pass(pending, values, spent, args, headline_names, floors, seconds_left):
    """The pending names the next pass can afford, BATCH repetitions each, within `seconds_left`: those below
    their floor whatever the time, then the headline set, then the cheapest to make precise
    (tvp.precision.seconds_to_target). A benchmark predicted to need more than what is left of its --cap is left
    out: it would stop short anyway, and its time makes others precise."""
    cost = {name: precision.seconds_to_target(values[name], spent[name], args.precision) for name in pending}
    chosen, total = [], 0.0
    for name in sorted(pending, key=lambda n: (n not in headline_names, cost[n])):
        below_floor = len(values[name]) < floors[name]  # run whatever the time: the floor is kept
        if not below_floor and name not in headline_names and cost[name] > args.cap - spent[name]:
            continue
        batch = precision.BATCH * spent[name] / max(len(values[name]), 1)
        if below_floor or total + batch <= seconds_left:
            chosen.append(name)
            total += batch
    return chosen


def run_until_known(args, selection, names, scenario, out_json, budget):
    """Every benchmark its floor of repetitions, then BATCH more a pass to those whose median is not yet known
    to --precision, until it is, --cap seconds are spent, or the later passes have taken LATER_PASSES_SHARE of
    the first pass's time (tvp.precision). A benchmark that errors in any repetition is kept as its error row
    alone and repeated no more. A later pass that overruns the scenario's budget ends the passes: what the
    earlier ones measured is kept, beside the <scenario>/time_budget error row. Returns (results with every
    pass's repetitions, numbered on, and aggregates over all of them; {name: precision record})."""
    headline_names = {name for name in names if results_lib.base_name(name) in headline.NAMES}
    floors = {name: max(args.repetitions, precision.HEADLINE_FLOOR) if name in headline_names else args.repetitions
              for name in names}
    repetitions = {name: [] for name in names}
    errored, spent, stopped, context, overrun = {}, collections.defaultdict(float), {}, None, None

    def values_of(name):
        return [row["real_time"] for row in repetitions.get(name, [])]

    pending, passes, later_left = list(names), 0, None
    while pending:
        passes += 1
        if passes == 1:
            chosen, batches, count = pending, [(selection, pending)], args.repetitions
        else:
            chosen = next_pass(pending, {name: values_of(name) for name in pending}, spent, args, headline_names,
                               floors, later_left)
            if not chosen:
                break
            batches, count = filter_chunks(chosen), precision.BATCH
        pass_wall = 0.0
        try:
            for number, (filter_regex, batch) in enumerate(batches):
                budget.allow(len(batch) * count * (REPETITION_BASE_S + REPETITION_MIN_TIMES * args.min_time))
                part = out_json.with_name(f"{out_json.stem}-{passes}-{number}.json")
                wall = run_bench(args, filter_regex, count, batch, scenario, part, budget, quiet=passes > 1)
                pass_wall += wall
                data = read_results(part)
                context = context or data["context"]
                spend(wall, data, repetitions, errored, spent)
        except suite_jobs.Overrun as error:
            if passes == 1:
                raise  # nothing measured yet: the scenario is its error row
            print(f"    {scenario}: pass {passes} overran the scenario's budget; the earlier passes are kept",
                  flush=True)
            overrun = error
        later_left = LATER_PASSES_SHARE * pass_wall if passes == 1 else later_left - pass_wall
        for name in chosen:
            values = values_of(name)
            if name in errored or not values:
                continue
            why = precision.verdict(values, floors[name], args.precision, spent[name], args.cap)
            if why:
                stopped[name] = precision.record(values, floors[name], args.precision, spent[name], args.cap, why)
        pending = [name for name in pending if name not in stopped and name not in errored and values_of(name)]
        if passes > 1:
            print(f"    {scenario}: pass {passes} ({len(chosen)} benchmarks, {pass_wall:.0f} s): {len(pending)} still "
                  f"short of ±{args.precision * 100:g}%", flush=True)
        if overrun:
            break
    for name in pending:  # stopped short: the scenario's time for later passes ran out, or its cap would
        stopped[name] = precision.record(values_of(name), floors[name], args.precision, spent[name], args.cap,
                                         precision.TIME_CAP)
        stopped[name]["limit"] = short_because(values_of(name), spent[name], args, overrun)
    rows = [dict(row, repetition_index=0, repetitions=1) for row in errored.values()]
    for name, reps in repetitions.items():
        if name in errored or not reps:
            continue
        for row in reps:
            row["repetitions"] = len(reps)
        rows += reps + precision.aggregate_rows(name, reps)
    if overrun:
        rows += overrun_results(overrun)["benchmarks"]
    return {"context": context or {}, "benchmarks": rows}, stopped


def short_because(values, spent_s, args, overrun):
    """Which time ran out for a benchmark stopped short of --precision: its cap, its cap as predicted (it was
    left out: tvp.precision.seconds_to_target), or the scenario's (its later passes' share, or its budget)."""
    if overrun:
        return "the scenario's budget"
    if spent_s >= args.cap:
        return "its cap"
    if precision.seconds_to_target(values, spent_s, args.precision) > args.cap - spent_s:
        return "its cap, predicted"
    return "the scenario's time for later passes"


def spend(wall, data, repetitions, errored, spent):
    """Adds one bench run's repetitions to `repetitions` (numbered on) and its wall time to `spent`, shared by
    what each benchmark measured; a benchmark's first error row goes to `errored` (its rows are then dropped)."""
    measured = collections.defaultdict(float)
    for row in filter(results_lib.is_repetition, data["benchmarks"]):
        name = results_lib.exact_name(row)
        if row.get("error_occurred"):
            errored.setdefault(name, row)
            continue
        row["repetition_index"] = len(repetitions.setdefault(name, []))
        repetitions[name].append(row)
        measured[name] += results_lib.to_seconds(row["real_time"], row["time_unit"]) * row["iterations"]
    for name, seconds in precision.share_time(wall, measured).items():
        spent[name] += seconds


def run_with_progress(command, scenario, names, expected, budget, scratch, quiet=False):
    """Runs bench (or mpirun of bench_mpi) to its end, printing progress every 10% (unless `quiet`)."""
    started = time.monotonic()
    progress = {"done": 0, "shown": -1}
    listed = set(names)

    def on_line(line):
        if line.split(" ", 1)[0] in listed:
            progress["done"] += 1  # one console row per repetition; aggregates carry a suffix
        percent = 100 * progress["done"] // max(expected, 1)
        if not quiet and percent // 10 != progress["shown"] // 10:
            progress["shown"] = percent
            print(f"    {scenario}: {percent:3d}%  ({time.monotonic() - started:.0f} s)", flush=True)

    code, tail = suite_jobs.run_job(command, budget, on_line)
    if code != 0:
        fail_run(f"{Path(command[0]).name} exited with code {code} in scenario {scenario}", tail, scratch)
    if not quiet:
        print(f"    {scenario}: done in {time.monotonic() - started:.0f} s", flush=True)


def fail_run(message, tail, scratch):
    """A run that failed: the end of its output (mpirun names the rank that died there), then one line and
    exit 1; where the scratch folder is full, only that, in one line and exit 2."""
    full = scratch_full(scratch)
    if full:
        results_lib.fail(f"{message}: {full}")
    sys.stderr.write(tail)
    results_lib.fail(message, 1)


def scratch_full(scratch):
    """What to say where the scratch folder has under FULL_BYTES left, else None."""
    try:
        free = shutil.disk_usage(scratch).free
    except OSError:
        return None
    return f"TMPDIR is full ({scratch}: {free} bytes free), so the run's results are lost" \
        if free < FULL_BYTES else None


def read_results(out_json):
    """The results a run left in the scratch folder; one line and exit 2 where they are unusable."""
    try:
        return results_lib.load(out_json)
    except results_lib.UnusableResults as error:
        full = scratch_full(out_json.parent)
        results_lib.fail(f"{out_json.name} is cut short: {full}" if full else str(error))


def mpi_skip_reason(build_dir):
    """Why the mpi scenario cannot run here, or None."""
    if not (build_dir / "bench_mpi").exists():
        status = build_dir / MPI_STATUS
        said = status.read_text().strip() if status.exists() else ""
        return said.removeprefix("skipped: ") if said.startswith("skipped") else f"{build_dir}/bench_mpi is missing"
    if shutil.which("mpirun") is None:
        return "mpirun is not on PATH (install openmpi-bin: scripts/setup does)"
    return None


def mpirun_options(args):
    """What every mpirun of the suite needs before -np: as root --allow-run-as-root; --oversubscribe, since the
    ranks may outnumber the cores; across hosts the hostfile, one rank per node; --mpi-mca settings."""
    options = [*(["--allow-run-as-root"] if os.geteuid() == 0 else []), "--oversubscribe"]
    if args.mpi_hostfile:
        options += ["--hostfile", str(Path(args.mpi_hostfile).resolve()), "--map-by", "node"]
    for setting in args.mpi_mca:
        options += ["--mca", *setting.split("=", 1)]
    return options


def mpirun_prefix(args, btl):
    """The mpirun line for bench_mpi: the ob1 PML and the transport. Over TCP also the one-sided component pt2pt
    (its operations as messages over the btl), unless --mpi-mca names one: on one host Open MPI would otherwise
    map the manager's window into shared memory (osc sm), and btl:tcp would not be what it measures."""
    prefix = ["mpirun", *mpirun_options(args), "-np", str(args.mpi_ranks)]
    one_sided = {"osc": "pt2pt"} if btl == "tcp" and not any(s.startswith("osc=") for s in args.mpi_mca) else {}
    for key, value in {**MPI_MCA, "btl": f"self,{btl}", **one_sided}.items():
        prefix += ["--mca", key, value]
    return prefix


def run_mpi(index, total_scenarios, row, args, scratch, budget):
    """bench_mpi under mpirun for each transport (across hosts: TCP only, since shared memory stays within a
    host), then bench_mpi_startup, all within the one budget. Returns (results, what the context should say
    about MPI)."""
    reason = mpi_skip_reason(args.build_dir)
    if reason:
        print(f"[{index}/{total_scenarios}] mpi: skipped: {reason}", flush=True)
        return {"context": {}, "benchmarks": []}, {"skipped": reason}
    selection = row.selection(args.quick)
    flags = [f"--round_trips={args.round_trips}", *(["--sumsq_n=1000000"] if args.quick else [])]
    merged, context = {"context": {}, "benchmarks": []}, {"runs": {}}
    for btl in (("tcp",) if args.mpi_hostfile else ("vader", "tcp")):
        prefix = mpirun_prefix(args, btl)
        program = [*prefix, str(args.build_dir / "bench_mpi")]
        names = benchmark_names(selection, flags, program, budget, args)
        out_json = Path(scratch) / f"mpi-{btl}.json"
        print(f"[{index}/{total_scenarios}] mpi (btl {btl}, {args.mpi_ranks} ranks): "
              f"{len(names)} benchmarks x {args.fixed_repetitions} repetitions", flush=True)
        run_with_progress([*program, f"--benchmark_filter={selection}",
                           f"--benchmark_repetitions={args.fixed_repetitions}",
                           "--benchmark_enable_random_interleaving=true", f"--benchmark_min_time={args.min_time}",
                           "--benchmark_display_aggregates_only=false", f"--benchmark_out={out_json}",
                           "--benchmark_out_format=json", "--benchmark_color=false", *flags],
                          f"mpi/{btl}", names, len(names) * args.fixed_repetitions, budget, scratch)
        data = read_results(out_json)
        merged["benchmarks"] += data["benchmarks"]
        merged["context"] = merged["context"] or data["context"]
        context["runs"][btl] = {key: value for key, value in data["context"].items() if key.startswith("mpi_")}
        context["runs"][btl]["mpirun"] = " ".join(prefix)
    # The start-up cost: mpirun itself, so not from inside an MPI job.
    btl = "tcp" if args.mpi_hostfile else "vader"
    flags = [f"--ranks={','.join(dict.fromkeys(['1', str(args.mpi_ranks)]))}", f"--btl={btl}",
             *[f"--mpirun_arg={option}" for option in mpirun_options(args)]]
    out_json = Path(scratch) / "mpi-startup.json"
    startup = str(args.build_dir / "bench_mpi_startup")
    names = benchmark_names(".", flags, (startup,), budget, args)
    print(f"[{index}/{total_scenarios}] mpi start-up (btl {btl}): {len(names)} benchmarks x {args.fixed_repetitions} "
          f"repetitions", flush=True)
    run_with_progress([startup, *flags, f"--benchmark_repetitions={args.fixed_repetitions}",
                       "--benchmark_display_aggregates_only=false",
                       *(["--benchmark_min_time=0.01"] if args.quick else []),
                       f"--benchmark_out={out_json}", "--benchmark_out_format=json", "--benchmark_color=false"],
                      "mpi/startup", names, len(names) * args.fixed_repetitions, budget, scratch)
    merged["benchmarks"] += read_results(out_json)["benchmarks"]
    context["mca"] = {**MPI_MCA, **dict(setting.split("=", 1) for setting in args.mpi_mca)}
    context["hostfile"] = str(Path(args.mpi_hostfile).resolve()) if args.mpi_hostfile else None
    return merged, context


def run_python_reference(index, total_scenarios, args, out_json, budget):
    print(f"[{index}/{total_scenarios}] python: the chapter's examples in Python, {args.fixed_repetitions} repetitions",
          flush=True)
    started = time.monotonic()
    size = ["--quick"] if args.quick else [] if args.full_grid else ["--n", str(PYTHON_DEFAULT_N)]
    command = [str(ROOT / "scripts" / "python_reference"), "--out", str(out_json),
               "--repetitions", str(args.fixed_repetitions), *size]
    code, _ = suite_jobs.run_job(command, budget)  # its output is the suite's
    if code != 0:
        fail_run(f"scripts/python_reference exited with code {code}", "", out_json.parent)
    print(f"    python: done in {time.monotonic() - started:.0f} s", flush=True)
    return read_results(out_json)


def csv_paths(stem):
    """The tidy CSV of the repetitions and the CSV of the aggregates, beside <stem>.json."""
    return Path(f"{stem}.csv"), Path(f"{stem}.aggregates.csv")


def csv_text(columns, rows):
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def write_results_file(path, text):
    """Every results file the suite writes: whole or not at all (suite_jobs.write_whole); one line and exit 2
    where it cannot be written."""
    try:
        suite_jobs.write_whole(path, text)
    except OSError as error:
        results_lib.fail(f"{path}: cannot write ({error.strerror or error}); nothing written under that name")


def write_csv(data, stem):
    """The tidy CSVs of `data` (results_lib.csv_table and aggregates_table) beside <stem>.json."""
    repetitions, aggregates = csv_paths(stem)
    write_results_file(repetitions, csv_text(*results_lib.csv_table(data)))
    write_results_file(aggregates, csv_text(*results_lib.aggregates_table(data)))
    return repetitions, aggregates


def csv_from(json_path):
    """--csv-from: the two CSVs of an existing results file, beside it."""
    path = Path(json_path)
    if not json_path or (path.exists() and not path.is_file()):  # not a FIFO, /dev/zero or a folder
        results_lib.fail(f"--csv-from: {json_path!r} is not a results file (not a regular file)")
    try:
        data = results_lib.load(path)
    except results_lib.UnusableResults as error:
        results_lib.fail(str(error))
    stem = path.with_suffix("")
    for out in csv_paths(stem):
        results_lib.check_output_file(out)
    written = write_csv(data, stem)
    print(f"wrote {' and '.join(map(str, written))}")


def suite_context(args, machine, root=ROOT):
    """What this script adds to the results' context: its options, the suite's
    git revision and whether the tree had local changes ("unknown" outside git),
    and what the machine check found."""
    revision, dirty = results_lib.git_revision(root)
    return {"quick": args.quick, "repetitions": args.repetitions,
            "fixed_repetitions": getattr(args, "fixed_repetitions", args.repetitions), "min_time_s": args.min_time,
            "precision_target": getattr(args, "precision", 0.0), "cap_s": getattr(args, "cap", None),
            "round_trips": args.round_trips,
            "scenarios": args.scenarios, "bench_flags": args.bench_flags, "tvp_revision": revision,
            "tvp_revision_dirty": dirty, "machine_check": machine}


def scratch_folder():
    """The run's scratch folder, in TMPDIR (removed by the reaper should the suite be killed); where none can
    be made there, one line and exit 2."""
    try:
        return tempfile.TemporaryDirectory(prefix="tvp-suite-")
    except OSError as error:
        results_lib.fail(f"cannot make a scratch folder in TMPDIR ({os.environ.get('TMPDIR', '/tmp')}): "
                         f"{error.strerror or error}")


def overrun_results(overrun):
    """What the results keep of a scenario the watchdog ended: one errored row, <scenario>/time_budget."""
    name = f"{overrun.scenario}/time_budget"
    return {"context": {}, "benchmarks": [
        {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
         "threads": 1, "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "s", "error_occurred": True,
         "error_message": str(overrun)}]}


def interrupt(signal_number, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C, and a SIGTERM or SIGHUP from whoever runs us (a CI time-out, a
    # closed terminal), all take the same way out: stop bench and its workers,
    # remove their segments. SIGINT is set explicitly, since a shell may start a
    # background job with it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    args = parse_arguments()
    if args.csv_from is not None:
        csv_from(args.csv_from)
        return
    started = time.monotonic()
    if args.no_build:
        scenarios = select_scenarios(args)  # before any work: an unknown name costs nothing
        machine = check_machine()
    else:
        machine = check_machine()  # before the build, whose load it would take for the run's
        build(args)
        scenarios = select_scenarios(args)  # from the bench just built

    runs, mpi_context, precision_records, seconds = [], None, {}, {}
    try:
        with scratch_folder() as scratch:
            reaper = suite_jobs.start_reaper(scratch)
            for index, row in enumerate(scenarios, 1):
                scenario = row.name
                budget = scenario_budget(row, args)
                out_json = Path(scratch) / f"{scenario}.json"
                scenario_started = time.monotonic()
                try:
                    if row.program == PYTHON_PROGRAM:
                        data = run_python_reference(index, len(scenarios), args, out_json, budget)
                    elif row.program == MPI_PROGRAM:
                        data, mpi_context = run_mpi(index, len(scenarios), row, args, Path(scratch), budget)
                    else:
                        data, records = run_scenario(index, len(scenarios), row, args, out_json, budget)
                        precision_records.update(records or {})
                except suite_jobs.Overrun as overrun:
                    print(f"{Path(sys.argv[0]).name}: {overrun}; recorded as an error, going on", file=sys.stderr,
                          flush=True)
                    data = overrun_results(overrun)
                runs.append((scenario, data))
                seconds[scenario] = round(time.monotonic() - scenario_started, 1)
    except KeyboardInterrupt:
        print("\ninterrupted: bench and its workers stopped, nothing written", file=sys.stderr)
        sys.exit(130)
    os.close(reaper)  # the scratch folder is gone: the reaper's work is done

    # bench's context describes the C++ run; the Python reference's goes beside it.
    contexts = {scenario: data["context"] for scenario, data in runs if data["context"]}
    python = next((row.name for row in scenarios if row.program == PYTHON_PROGRAM), None)
    # A copy: with python alone, the context would otherwise hold itself as python_reference.
    merged = {"context": dict(next((c for name, c in contexts.items() if name != python),
                                   next(iter(contexts.values()), {}))),
              "benchmarks": [row for _, data in runs for row in data["benchmarks"]]}
    if python in contexts:
        merged["context"]["python_reference"] = contexts[python]
    merged["context"]["tvp_suite"] = suite_context(args, machine)
    # What each scenario took, and the whole run (bench --help quotes the reference run's).
    merged["context"]["tvp_suite"]["scenario_seconds"] = seconds
    merged["context"]["tvp_suite"]["total_seconds"] = round(time.monotonic() - started, 1)
    if args.precision:
        merged["context"]["tvp_suite"]["precision"] = precision_records
    if mpi_context is not None:
        merged["context"]["mpi"] = mpi_context
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out)
    results_lib.check_output_dir(out)
    stem = out / f"{socket.gethostname()}-{stamp}{'-quick' if args.quick else ''}"
    write_results_file(f"{stem}.json", json.dumps(merged, indent=1) + "\n")
    written = write_csv(merged, stem)
    print(f"wrote {stem}.json, {' and '.join(map(str, written))}")

    failures = results_lib.errors(merged)
    for name, message in failures:
        print(f"ERROR {name}: {message}", file=sys.stderr)
    print(f"total time {time.monotonic() - started:.0f} s; {len(failures)} benchmark(s) reported an error")
    if failures and args.fail_on_error:
        sys.exit(1)


if __name__ == "__main__":
    main()
