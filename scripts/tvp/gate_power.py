"""scripts/gate-power: what the regression gate does on this machine, measured. It runs the gate
(scripts/regress's rounds on demand, then scripts/compare --gate) RUNS times between two bench builds
already made, and counts the runs that failed it:

  - the same build on both sides (A/A): every failure is a false alarm;
  - a build with a planted slowdown as HEAD: every failure naming the planted benchmark is a detection.

Usage: scripts/gate-power BASE_BENCH HEAD_BENCH [--runs N] [--budget S] [--min-rounds M] [--headline | --filter R]
                          [--threshold T] [--alpha A] [--min-time S] [--expect NAME] [--json FILE]

Each run draws its own seed; the rounds stop as scripts/regress --budget stops them. Printed: one line per
run (verdict, rounds, seconds, benchmarks that failed), then how many runs failed, and with --expect NAME how
many failed on NAME (a base name). Exit 0; bad input one line, exit 2."""
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import headline
from . import results_lib as rl

SCRIPTS = Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
# compare --gate's "gate: FAIL name (why), name (why)": the names.
FAILED_NAME = re.compile(r"(?:^|, )\s*(\S+) \(")


def one_run(args, bench_filter, seed):
    """(the base names that failed the gate, rounds, seconds, the --expect benchmark's measured change and its
    row of compare's table) of one gate run."""
    with tempfile.TemporaryDirectory(prefix="tvp-gate-power-") as scratch:
        start = time.monotonic()
        rounds = subprocess.run(
            [PYTHON, "-P", "-m", "tvp.regress", "rounds", scratch, str(args.base), str(args.head),
             f"--filter={bench_filter}", f"--min-time={args.min_time}", f"--threshold={args.threshold}",
             f"--alpha={args.alpha}", f"--budget={args.budget}", f"--min-rounds={args.min_rounds}",
             f"--seed={seed}"],
            env={**os.environ, "PYTHONPATH": str(SCRIPTS)}, capture_output=True, text=True)
        if rounds.returncode != 0:
            rl.fail(f"the rounds of run with seed {seed} failed: {rounds.stderr.strip().splitlines()[-1:]}")
        compared = subprocess.run([str(SCRIPTS / "compare"), f"{scratch}/base.json", f"{scratch}/head.json",
                                   f"--threshold={args.threshold}", f"--alpha={args.alpha}", "--gate"],
                                  capture_output=True, text=True)
        seconds = time.monotonic() - start
        if compared.returncode not in (0, 1):
            rl.fail(f"compare failed (exit {compared.returncode}): {compared.stderr.strip()}")
        gate_line = next((line for line in compared.stdout.splitlines() if line.startswith("gate:")), "")
        if not gate_line:  # compare broke (a traceback exits 1 too): not a verdict, never counted as one
            rl.fail(f"compare gave no gate line (exit {compared.returncode}): {compared.stderr.strip()[-200:]}")
        failed = [rl.base_name(name) for name in FAILED_NAME.findall(gate_line.removeprefix("gate: FAIL"))] \
            if gate_line.startswith("gate: FAIL") else []
        change, row = None, None
        for line in compared.stdout.splitlines():
            if args.expect and (line.startswith(args.expect + "/") or line.startswith(args.expect + " ")):
                change = next((word for word in line.split() if re.fullmatch(r"[+-]\d+\.\d%", word)), None)
                row = " ".join(line.split())
        return failed, rounds_of(f"{scratch}/base.json"), seconds, change, row


def rounds_of(path):
    """Rounds a merged side holds: the most repetitions of one benchmark."""
    data = rl.load(path)
    counts = {}
    for row in data["benchmarks"]:
        if rl.is_repetition(row):
            counts[row["name"]] = counts.get(row["name"], 0) + 1
    return max(counts.values(), default=0)


def main():
    parser = rl.Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path, metavar="BASE_BENCH")
    parser.add_argument("head", type=Path, metavar="HEAD_BENCH")
    parser.add_argument("--runs", type=rl.positive_int, default=20)
    parser.add_argument("--budget", type=rl.positive_float, default=60.0)
    parser.add_argument("--min-rounds", type=rl.positive_int, default=6)
    parser.add_argument("--headline", action="store_true")
    parser.add_argument("--filter")
    parser.add_argument("--threshold", type=float, default=0.10)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--min-time", default="0.2")
    parser.add_argument("--expect", help="the planted benchmark's base name")
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args()
    for side in (args.base, args.head):
        if not side.is_file():
            parser.error(f"{side}: no such bench")
    if bool(args.headline) == bool(args.filter):
        parser.error("give --headline or --filter R")
    bench_filter = headline.bench_filter() if args.headline else args.filter
    runs = []
    for index in range(args.runs):
        seed = time.time_ns() % 2 ** 32
        failed, count, seconds, change, row = one_run(args, bench_filter, seed)
        runs.append({"seed": seed, "failed": failed, "rounds": count, "seconds": seconds, "change": change,
                     "row": row})
        print(f"run {index + 1}/{args.runs}: {'FAIL ' + ', '.join(failed) if failed else 'pass'}; "
              f"{count} rounds, {seconds:.0f} s (seed {seed})" + (f"; {args.expect} {change}" if change else ""),
              flush=True)
    failures = sum(1 for run in runs if run["failed"])
    summary = {"runs": len(runs), "failed": failures, "budget_s": args.budget,
               "median_rounds": statistics.median(run["rounds"] for run in runs),
               "median_seconds": statistics.median(run["seconds"] for run in runs)}
    line = (f"{failures} of {len(runs)} runs failed the gate (budget {args.budget:g} s; median "
            f"{summary['median_rounds']:g} rounds, {summary['median_seconds']:.0f} s a run)")
    if args.expect:
        summary["failed_on_expected"] = sum(1 for run in runs if args.expect in run["failed"])
        line += f"; {summary['failed_on_expected']} of them on {args.expect}"
    print(line)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
