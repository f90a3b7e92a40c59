"""The headline figures of every recorded run, per commit and machine: record, list, find steps, bisect, chart.

Usage: scripts/history add RESULTS.json [--verdicts FILE] [--history DIR]
       scripts/history list [--history DIR]
       scripts/history check [--machine M] [--threshold T] [--history DIR] [--repo DIR]
       scripts/history bisect GOOD BAD --benchmark NAME [--threshold T] [--rounds N] [--repo DIR]
       scripts/history html --out DIR [--machine M] [--history DIR] [--repo DIR]

add: records a results file (a full scripts/suite run, or the head side of a scripts/regress run) as one
plain JSON file in DIR (default results/history/), named <UTC date>-<host>-<revision>.json so that the
files sort by date; an older file is never rewritten (a second run of one revision and machine gets a file
of its own; the same results file added twice is recorded once). Only the headline figures
(tvp.headline) are kept: per benchmark the median wall time in seconds, the repetitions, their count and
CV; with the context that identifies the run (revision, dirty tree, date; the machine: host, CPU model,
CPUs, kernel, compiler, build type). --verdicts FILE adds a gate's verdicts, JSON
{benchmark: {"p_value": P, "mde": D, "ratio": R}} (mde: the smallest change the gate could detect, as a
fraction; "p_adj" and "verdict" are kept too: scripts/regress --out writes such a verdicts.json), shown by
html. A file that is unreadable, not a results file, a --quick run (its figures are not
comparable), without a revision or a date, or without any headline figure: one line, exit 2.

list: one line per recorded run, oldest first: date, revision, machine, how many headline figures.

check: for each headline benchmark, over the runs of one machine (--machine: a host name; default the
machine of the newest run) in commit order (git rev-list of --repo, default this repository, when every
run's revision is in it; else in date order, said so), finds the change points of the run medians
(E-divisive means with a permutation test: tvp.changepoints) and prints each step with its size (the
change of the median from one segment to the next) and its commit range (the last revision before the step,
the first after). Exit 1 when a benchmark's newest step (the one whose later segment holds the newest run) is
a slowdown of at least --threshold (default 0.10), else 0; 2 on bad input.

bisect: runs `git bisect start BAD GOOD` and `git bisect run` in a temporary worktree of --repo (your tree
and its bisect state are untouched), where each step builds the bench target in a scratch build folder
(a failed build skips the commit: exit 125) and asks the gate whether the commit is slower than GOOD at
NAME: `scripts/regress GOOD COMMIT --filter <NAME> --gate --threshold T` (exit 0 good, 1 bad, any other
exit skips the commit). It checks BAD first: if the gate finds BAD no slower, there is nothing to bisect.
Names the first bad commit (exit 0), or says it could not (exit 1); always ends with `git bisect reset`.
The environment variable TVP_HISTORY_GATE replaces scripts/regress with another command (given the same
arguments, and TVP_BISECT_BENCH naming the bench just built): a test's stand-in.

html: writes DIR/index.html, one self-contained page (no network: its CSS, SVG and script are inline):
per machine, one chart per headline benchmark across the runs in commit order (the median, the spread of
the repetitions as whiskers, each segment's median and every change point with its size; hovering a
point shows its revision, date, value and machine), a table of the latest verdicts (latest value, change
against the previous run, step status, and a gate's p-value and detectable change when recorded), and
the table of runs with the machine of each.

A history folder's file that is not a history record (corrupt, foreign) is named in one line on stderr and
skipped; the others are read. Every command takes --history DIR.
"""
import argparse
import hashlib
import json
import math
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from . import headline
from . import results_lib as rl

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
DEFAULT_HISTORY = ROOT / "results" / "history"
FORMAT = "tvp-history/1"
THRESHOLD = 0.10
MACHINE_FIELDS = (("host", "host_name"), ("cpu_model", "cpu_model"), ("num_cpus", "num_cpus"),
                  ("kernel", "kernel"), ("compiler", "compiler"), ("build_type", "tvp_build_type"),
                  ("compile_flags", "tvp_compile_flags"))
SETTINGS = ("repetitions", "min_time_s", "round_trips")
VERDICT_FIELDS = ("p_value", "p_adj", "mde", "ratio")  # as scripts/compare --verdicts writes them
SKIP = 125  # git bisect run: this commit cannot be tested


def warn(message):
    print(f"history: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------
# Records


def revision_of(context):
    """(full revision, dirty) from bench's context or scripts/suite's, or (None, False) when not recorded."""
    suite = context.get("tvp_suite") if isinstance(context.get("tvp_suite"), dict) else {}
    for source in (context, suite):
        rev = source.get("tvp_revision")
        if isinstance(rev, str) and re.fullmatch(r"[0-9a-f]{7,64}", rev):
            return rev, str(source.get("tvp_revision_dirty", "")).lower() == "true"
    return None, False


def parse_date(text):
    """An aware datetime from an ISO 8601 date (one without an offset is local time, as Google Benchmark
    writes it), or None."""
    if not isinstance(text, str):
        return None
    try:
        date = datetime.fromisoformat(text)
    except ValueError:
        return None
    return date if date.tzinfo else date.astimezone()


def figure(rows):
    """The headline figure of a benchmark's repetition rows: median wall time in seconds and its spread."""
    values = [rl.to_seconds(row["real_time"], row.get("time_unit", "ns")) for row in rows]
    cv = rl.cv_of(rows, "real_time")
    return {"unit": "s", "median": statistics.median(values), "count": len(values),
            "cv": None if cv is None else round(cv, 6), "values": [float(f"{v:.6g}") for v in values]}


def read_verdicts(path):
    """{base name: {p_value, mde, ratio}} from a gate's verdicts file, or fails (one line, exit 2)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        rl.fail(f"{path}: not a readable verdicts file ({error})")
    if not isinstance(data, dict) or not data:
        rl.fail(f"{path}: not a verdicts file: expected a JSON object {{benchmark: {{p_value, mde, ratio}}}}")
    verdicts = {}
    for name, fields in data.items():
        if not isinstance(fields, dict):
            rl.fail(f"{path}: the verdict of {rl.printable(str(name))} is not an object of p_value, mde, ratio")
        try:
            rl.parse_name(name)
        except ValueError as error:
            rl.fail(f"{path}: {rl.printable(str(name))} is not a benchmark name ({error})")
        kept = {}
        for key in VERDICT_FIELDS:
            value = fields.get(key)
            if value is not None and not rl.is_figure(value):
                rl.fail(f"{path}: {key} of {name} is {rl.brief(value)}, not a number")
            if value is not None:
                kept[key] = value
        if isinstance(fields.get("verdict"), str):
            kept["verdict"] = fields["verdict"][:200]
        verdicts[rl.base_name(name)] = kept
    return verdicts


def record_of(path, text, data):
    """The history record of a loaded results file, or fails (one line, exit 2)."""
    context = data["context"]
    suite = context.get("tvp_suite") if isinstance(context.get("tvp_suite"), dict) else {}
    if rl.is_quick(path) or suite.get("quick") is True:
        rl.fail(f"{path}: a --quick run: its figures are not comparable with full runs, so it is not recorded")
    revision, dirty = revision_of(context)
    if revision is None:
        rl.fail(f"{path}: no revision in its context (tvp_revision): it cannot be placed in the history")
    date = parse_date(context.get("date"))
    if date is None:
        rl.fail(f"{path}: no date in its context: it cannot be placed in the history")
    try:
        measured = rl.iterations_by_benchmark(data)
        errored = rl.errored_by_benchmark(data)
    except rl.UnusableResults as error:
        rl.fail(str(error))
    figures = {name: figure(measured[name]) for name in headline.NAMES if name in measured}
    if not figures:
        rl.fail(f"{path}: holds none of the {len(headline.NAMES)} headline benchmarks (tvp.headline): "
                "nothing to record")
    machine = {key: context.get(field) for key, field in MACHINE_FIELDS if context.get(field) not in (None, "")}
    machine.setdefault("host", "unknown")
    return {"format": FORMAT, "revision": revision, "dirty": dirty, "date": date.isoformat(),
            "machine": machine,
            "settings": {key: suite[key] for key in SETTINGS if key in suite},
            "source": {"file": Path(path).name, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                       "kind": "suite" if suite else "bench"},
            "figures": figures,
            "errored": {name: message[:200] for name, message in errored.items() if name in headline.TITLES}}


def file_name(record, attempt):
    stamp = datetime.fromisoformat(record["date"]).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    host = re.sub(r"[^A-Za-z0-9._-]", "_", str(record["machine"]["host"]))[:40] or "unknown"
    dirty = "-dirty" if record["dirty"] else ""
    again = "" if attempt == 1 else f"_{attempt}"  # "_2.json" sorts after ".json"
    return f"{stamp}-{host}-{record['revision'][:12]}{dirty}{again}.json"


class BadRecord(Exception):
    pass


def check_record(record):
    """Raises BadRecord unless `record` is a history record this version reads."""
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise BadRecord(f"not a history record (no \"format\": \"{FORMAT}\")")
    if not isinstance(record.get("revision"), str) or not record["revision"]:
        raise BadRecord("no revision")
    if parse_date(record.get("date")) is None:
        raise BadRecord("no readable date")
    if not isinstance(record.get("machine"), dict) or not isinstance(record.get("figures"), dict):
        raise BadRecord("no machine or figures")
    for name, fig in record["figures"].items():
        if not isinstance(fig, dict) or not (rl.is_figure(fig.get("median")) and fig["median"] > 0):
            raise BadRecord(f"the figure of {rl.printable(str(name))} has no positive median")
        values = fig.get("values", [])
        if not isinstance(values, list) or not all(rl.is_figure(v) and v > 0 for v in values):
            raise BadRecord(f"the figure of {rl.printable(str(name))} has values that are not positive numbers")
    if not isinstance(record.get("verdicts", {}), dict):
        raise BadRecord("verdicts that are not an object")


def read_history(directory):
    """[record] of every history file in `directory` (each with "path" added), oldest first; a file that is
    not a record is named in one line on stderr and skipped. Fails (exit 2) when the folder cannot be read."""
    directory = Path(directory)
    if not directory.is_dir():
        rl.fail(f"{directory}: no such history folder (scripts/history add RESULTS.json records a run there)")
    records = []
    try:
        paths = sorted(directory.iterdir())
    except OSError as error:
        rl.fail(f"{directory}: cannot read this folder ({error.strerror})")
    for path in paths:
        if path.name.startswith(".") or path.name.startswith("README") or path.is_dir():
            continue
        try:
            if path.suffix != ".json":
                raise BadRecord("not a .json file")
            try:
                record = json.loads(path.read_text())
            except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
                raise BadRecord(f"not readable JSON ({error})")
            check_record(record)
        except BadRecord as error:
            warn(f"{path}: skipped: {error}")
            continue
        record["path"] = str(path)
        records.append(record)
    records.sort(key=lambda r: (parse_date(r["date"]), r["path"]))
    return records


def machine_key(record):
    """What tells machines apart: host, CPU model and CPU count (a kernel update is the same machine)."""
    m = record["machine"]
    return (str(m.get("host", "unknown")), str(m.get("cpu_model", "?")), str(m.get("num_cpus", "?")))


def machine_label(record):
    m = record["machine"]
    return f"{m.get('host', 'unknown')} ({m.get('cpu_model', '?')}, {m.get('num_cpus', '?')} CPUs)"


def machine_details(record):
    """'vm, AMD EPYC, 2 CPUs, Linux 6.1.0, g++ 12.2.0, Release build': what the record says of its machine."""
    m = record["machine"]
    words = {"num_cpus": "{} CPUs", "build_type": "{} build"}
    return ", ".join(words.get(key, "{}").format(m[key]) for key, _ in MACHINE_FIELDS
                     if key in m and key != "compile_flags")


def short_revision(record):
    return record["revision"][:12] + ("+" if record.get("dirty") else "")


# ---------------------------------------------------------------------------------------------------------
# Order and steps


def commit_positions(repo):
    """{full revision: position in `git rev-list --topo-order --reverse HEAD` of repo}, or {} outside git."""
    try:
        listing = subprocess.run(["git", "-C", str(repo), "rev-list", "--topo-order", "--reverse", "HEAD"],
                                 capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if listing.returncode != 0:
        return {}
    return {rev: index for index, rev in enumerate(listing.stdout.split())}


def position(positions, revision):
    if revision in positions:
        return positions[revision]
    if len(revision) < 40:
        found = [pos for rev, pos in positions.items() if rev.startswith(revision)]
        if len(found) == 1:
            return found[0]
    return None


def in_order(records, positions):
    """(records in commit order, "commit order") when every revision is in `positions`, else (records in
    date order, "date order"). Runs of one revision keep their date order."""
    places = [position(positions, r["revision"]) for r in records]
    if records and all(place is not None for place in places):
        order = sorted(zip(places, records), key=lambda pair: (pair[0], parse_date(pair[1]["date"])))
        return [record for _, record in order], "commit order"
    return sorted(records, key=lambda r: (parse_date(r["date"]), r["path"])), "date order"


def select_machine(records, wanted):
    """(the records of one machine, its label): --machine (a host name or a label) or the newest run's."""
    if not records:
        return [], None
    if wanted is None:
        key = machine_key(records[-1])
    else:
        keys = {machine_key(r) for r in records if wanted in (r["machine"].get("host"), machine_label(r))}
        if not keys:
            known = sorted({str(r["machine"].get("host")) for r in records})
            rl.fail(f"--machine {wanted}: no run recorded on it (machines: {', '.join(known)})")
        key = max(keys, key=lambda k: max(parse_date(r["date"]) for r in records if machine_key(r) == k))
    chosen = [r for r in records if machine_key(r) == key]
    return chosen, machine_label(chosen[-1])


def machines(records):
    """[(label, records)] per machine, the machine with the newest run first."""
    groups = {}
    for record in records:
        groups.setdefault(machine_key(record), []).append(record)
    ordered = sorted(groups.values(), key=lambda rs: max(parse_date(r["date"]) for r in rs), reverse=True)
    return [(machine_label(rs[-1]), rs) for rs in ordered]


class Series:
    """One headline benchmark over the ordered runs that measured it, and its steps."""

    def __init__(self, name, ordered, threshold=THRESHOLD, **options):
        from . import changepoints
        self.name, self.title = name, headline.TITLES.get(name, name)
        self.runs = [r for r in ordered if name in r["figures"]]
        self.medians = [r["figures"][name]["median"] for r in self.runs]
        self.threshold = threshold
        self.points = changepoints.e_divisive([math.log(m) for m in self.medians], **options) \
            if len(self.medians) >= 2 * options.get("min_size", changepoints.MIN_SIZE) else []
        self.enough = len(self.medians) >= 2 * options.get("min_size", changepoints.MIN_SIZE)
        self.segments = changepoints.segments_of(len(self.medians), self.points)
        self.steps = []
        for (a, b), (c, d), point in zip(self.segments, self.segments[1:], self.points):
            before, after = statistics.median(self.medians[a:b]), statistics.median(self.medians[c:d])
            self.steps.append({"index": point.index, "p_value": point.p_value, "before": before, "after": after,
                               "change": after / before - 1, "last_before": self.runs[b - 1],
                               "first_after": self.runs[c], "newest": d == len(self.medians)})

    def segment_median(self, index):
        a, b = next((a, b) for a, b in self.segments if a <= index < b)
        return statistics.median(self.medians[a:b])

    def new_slowdown(self):
        """The newest step when it is a slowdown of at least the threshold, else None."""
        newest = self.steps[-1] if self.steps else None
        return newest if newest and newest["newest"] and newest["change"] >= self.threshold else None

    def status(self):
        """The step status in words."""
        if not self.enough:
            return f"too few runs ({len(self.medians)}) to find a step"
        if not self.steps:
            return f"no step over {len(self.medians)} runs"
        step = self.steps[-1]
        kind = "new slowdown step" if self.new_slowdown() else ("step" if not step["newest"] else "newest step")
        return (f"{kind} {step['change']:+.1%} between {short_revision(step['last_before'])} and "
                f"{short_revision(step['first_after'])}")


def describe_step(step):
    return (f"step {step['change']:+.1%} ({rl.format_seconds(step['before'])} -> "
            f"{rl.format_seconds(step['after'])}) after {short_revision(step['last_before'])} "
            f"({step['last_before']['date'][:10]}), from {short_revision(step['first_after'])} "
            f"({step['first_after']['date'][:10]}) on; p {step['p_value']:.3g}")


# ---------------------------------------------------------------------------------------------------------
# Commands


def add(args):
    path = Path(args.results)
    try:
        data = rl.load(path)
        text = path.read_text()
    except rl.UnusableResults as error:
        rl.fail(str(error))
    except (OSError, UnicodeDecodeError) as error:
        rl.fail(f"{path}: not readable ({error})")
    record = record_of(path, text, data)
    if args.verdicts:
        record["verdicts"] = read_verdicts(args.verdicts)
    directory = Path(args.history)
    rl.check_output_dir(directory)
    for other in directory.glob("*.json"):
        try:
            known = json.loads(other.read_text())
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(known, dict) and known.get("source", {}).get("sha256") == record["source"]["sha256"] \
                and known.get("verdicts") == record.get("verdicts"):
            print(f"history: {path} is already recorded, as {other}")
            return 0
    text = json.dumps(record, indent=1, sort_keys=False) + "\n"
    for attempt in range(1, 1000):
        target = directory / file_name(record, attempt)
        try:
            with open(target, "x") as out:  # never over an older file
                out.write(text)
            break
        except FileExistsError:
            continue
        except OSError as error:
            rl.fail(f"{target}: cannot write ({error.strerror})")
    else:
        rl.fail(f"{directory}: 999 runs of {record['revision'][:12]} at one date: not recording another")
    print(f"history: recorded {len(record['figures'])} headline figures of {short_revision(record)} "
          f"({record['date']}, {machine_label(record)}) as {target}")
    return 0


def list_runs(args):
    records = read_history(args.history)
    if not records:
        print(f"history: no runs recorded in {args.history}")
        return 0
    for record in records:
        print(f"{record['date']}  {short_revision(record):13}  {machine_label(record)}  "
              f"{len(record['figures'])}/{len(headline.NAMES)} headline figures"
              f"{'  + verdicts' if record.get('verdicts') else ''}  {Path(record['path']).name}")
    return 0


def analyse(records, repo, threshold):
    """(ordered records, order, [Series]) of one machine's records."""
    ordered, order = in_order(records, commit_positions(repo))
    return ordered, order, [Series(name, ordered, threshold) for name in headline.NAMES]


def check(args):
    records = read_history(args.history)
    if not records:
        rl.fail(f"{args.history}: no runs recorded (scripts/history add RESULTS.json)")
    chosen, label = select_machine(records, args.machine)
    ordered, order, series = analyse(chosen, args.repo, args.threshold)
    print(f"history: {len(ordered)} runs on {label}, in {order}"
          + ("" if order == "commit order" else f" (not every revision is in the git history of {args.repo})"))
    slower = []
    for one in series:
        print(f"{one.name} ({one.title}): {len(one.medians)} runs")
        if not one.enough or not one.steps:
            print(f"  {one.status()}")
        for step in one.steps:
            flag = "  <- NEW SLOWDOWN STEP" if step is one.new_slowdown() else ""
            print(f"  {describe_step(step)}{flag}")
        if one.new_slowdown():
            slower.append(one)
    if slower:
        print(f"history: a new slowdown step of at least {args.threshold:.0%} in {len(slower)} headline "
              f"benchmark(s): {', '.join(one.name for one in slower)}")
        return 1
    print(f"history: no new slowdown step of {args.threshold:.0%} or more")
    return 0


def html(args):
    from . import dashboard
    records = read_history(args.history)
    if not records:
        rl.fail(f"{args.history}: no runs recorded (scripts/history add RESULTS.json)")
    if args.machine:
        records = select_machine(records, args.machine)[0]
    sections = []
    positions = commit_positions(args.repo)
    for label, group in machines(records):
        ordered, order = in_order(group, positions)
        sections.append((label, ordered, order, [Series(name, ordered, THRESHOLD) for name in headline.NAMES]))
    out = Path(args.out)
    rl.check_output_dir(out)
    rl.write_text(out / "index.html", dashboard.page(sections, records))
    print(f"history: wrote {out / 'index.html'} ({len(records)} runs, {len(sections)} machine(s))")
    return 0


# ---------------------------------------------------------------------------------------------------------
# Bisect


def git(repo, *arguments, check=True, **options):
    result = subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, text=True, **options)
    if check and result.returncode != 0:
        rl.fail(f"git {' '.join(arguments)} failed: {result.stderr.strip().splitlines()[-1:] or '?'}")
    return result


def commit(repo, ref):
    result = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if result.returncode != 0:
        rl.fail(f"unknown revision '{ref}' in {repo}")
    return result.stdout.strip()


def gate_command():
    override = os.environ.get("TVP_HISTORY_GATE")
    return shlex.split(override) if override else [str(ROOT / "scripts" / "regress")]


def bisect_step(args):
    """One step of git bisect run, in the commit checked out in the current folder: 0 good, 1 bad, 125 skip."""
    candidate = git(".", "rev-parse", "HEAD").stdout.strip()
    build = Path(args.build_dir)
    log = build.parent / "build.log"
    with open(log, "a") as out:
        built = subprocess.run(["cmake", "-S", ".", "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                                "-DTVP_BUILD_TESTS=OFF"], stdout=out, stderr=out).returncode == 0 and \
            subprocess.run(["cmake", "--build", str(build), "--target", "bench", "-j", str(os.cpu_count() or 1)],
                           stdout=out, stderr=out).returncode == 0
    if not built:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        warn(f"{candidate[:12]}: the bench target does not build: skipped"
             + "".join(f"\n    {line[:200]}" for line in tail))
        return SKIP
    command = [*gate_command(), args.good, candidate, "--filter", headline.bench_filter([args.benchmark]),
               "--gate", "--threshold", f"{args.threshold:.6f}".rstrip("0")]  # as regress reads numbers
    if args.rounds:
        command += ["--rounds", str(args.rounds)]
    status = subprocess.run(command, stdout=sys.stderr,  # the gate's report beside the steps, not in git's output
                            env={**os.environ, "TVP_BISECT_BENCH": str(build / "bench")}).returncode
    if status in (0, 1):
        warn(f"{candidate[:12]}: {'no slower' if status == 0 else 'slower'} than {args.good[:12]} "
             f"at {args.benchmark}: {'good' if status == 0 else 'bad'}")
        return status
    warn(f"{candidate[:12]}: the gate failed as a tool (exit {status}): skipped")
    return SKIP


def bisect(args):
    repo = Path(args.repo).resolve()
    if git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        rl.fail(f"{repo}: not a git checkout: nothing to bisect")
    if "TVP_HISTORY_GATE" not in os.environ and repo != ROOT:
        rl.fail(f"--repo {repo}: scripts/regress gates revisions of {ROOT} only (TVP_HISTORY_GATE names "
                "another gate)")
    try:
        rl.parse_name(args.benchmark)
    except ValueError as error:
        rl.fail(f"--benchmark {args.benchmark!r} is not a benchmark name ({error})")
    if not args.benchmark or rl.posix_regex_error(headline.bench_filter([args.benchmark])):
        rl.fail(f"--benchmark {args.benchmark!r} is not a benchmark name")
    if args.benchmark not in headline.TITLES:
        warn(f"{args.benchmark} is not a headline benchmark (tvp.headline): bisecting it all the same")
    good, bad = commit(repo, args.good), commit(repo, args.bad)
    if good == bad:
        rl.fail(f"GOOD and BAD are the same commit ({good[:12]}): nothing to bisect")
    if git(repo, "merge-base", "--is-ancestor", good, bad, check=False).returncode != 0:
        rl.fail(f"GOOD {args.good} ({good[:12]}) is not an ancestor of BAD {args.bad} ({bad[:12]}): "
                "git bisect needs GOOD before BAD in one line of history")
    scratch = Path(tempfile.mkdtemp(prefix="tvp-bisect-"))
    tree, build = scratch / "tree", scratch / "build"
    step = [sys.executable, str(ROOT / "scripts" / "history"), "bisect-step", "--good", good,
            "--benchmark", args.benchmark, "--threshold", str(args.threshold), "--build-dir", str(build)]
    if args.rounds:
        step += ["--rounds", str(args.rounds)]

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    started = False
    try:
        git(repo, "worktree", "add", "--detach", str(tree), bad)
        warn(f"checking BAD first: {bad[:12]} against GOOD {good[:12]} at {args.benchmark}")
        first = subprocess.run(step, cwd=tree).returncode
        if first == 0:
            print(f"history: the gate finds BAD ({bad[:12]}) no slower than GOOD ({good[:12]}) at "
                  f"{args.benchmark}: nothing to bisect")
            return 1
        if first != 1:
            print(f"history: BAD ({bad[:12]}) could not be built or gated: nothing to bisect")
            return 1
        git(tree, "bisect", "start", bad, good)
        started = True
        run = subprocess.run(["git", "-C", str(tree), "bisect", "run", *step], stdout=subprocess.PIPE,
                             text=True)
        output = run.stdout
        found = re.search(r"^([0-9a-f]{40}) is the first bad commit", output, re.M)
        if found:
            sha = found.group(1)
            subject = git(repo, "log", "-1", "--format=%s", sha).stdout.strip()
            steps = sum(1 for line in git(tree, "bisect", "log").stdout.splitlines()
                        if re.match(r"git bisect (good|bad|skip)", line))
            print(f"history: the first bad commit at {args.benchmark} is {sha} ({subject[:80]}), "
                  f"after {steps} bisect steps")
            return 0
        if "only 'skip'ped commits left" in output:
            candidates = re.findall(r"^([0-9a-f]{40})$", output, re.M)
            print(f"history: the first bad commit is one of {len(candidates)} that could not be tested: "
                  f"{', '.join(c[:12] for c in candidates)}")
            return 1
        print(f"history: git bisect run ended without naming a commit (exit {run.returncode}):")
        print(output.strip()[-2000:])
        return 1
    finally:
        if started:
            git(tree, "bisect", "reset", check=False)
        if tree.exists():
            git(repo, "worktree", "remove", "--force", str(tree), check=False)
        git(repo, "worktree", "prune", check=False)
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------


def threshold(text):
    value = rl.number(text)
    if not (math.isfinite(value) and 0 <= value < 100):
        raise argparse.ArgumentTypeError(f"{text} is not a fraction >= 0 (0.10 = 10%)")
    return value


def rounds(text):
    value = rl.positive_int(text)
    if value < 4:
        raise argparse.ArgumentTypeError(f"{text} is below 4, the fewest rounds scripts/regress takes")
    return value


def parser():
    # --history before the command or after it; given after, the command's own parser must not reset it.
    top = rl.Parser(prog="history", description=__doc__.split("\n\n")[0],
                    epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--history", default=str(DEFAULT_HISTORY), metavar="DIR",
                     help="the history folder (default results/history/)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--history", default=argparse.SUPPRESS, metavar="DIR",
                        help="the history folder (default results/history/)")
    commands = top.add_subparsers(dest="command", metavar="add|list|check|bisect|html", parser_class=rl.Parser)
    commands.required = True
    one = commands.add_parser("add", parents=[common], help="record a results file")
    one.add_argument("results", metavar="RESULTS.json")
    one.add_argument("--verdicts", metavar="FILE", help="a gate's verdicts: {benchmark: {p_value, mde, ratio}}")
    commands.add_parser("list", parents=[common], help="one line per recorded run")
    repo = argparse.ArgumentParser(add_help=False)
    repo.add_argument("--repo", default=str(ROOT), metavar="DIR",
                      help="the git repository whose history orders the runs (default this one)")
    one = commands.add_parser("check", parents=[common, repo], help="find steps; exit 1 on a new slowdown step")
    one.add_argument("--machine", metavar="M", help="a host name (default the machine of the newest run)")
    one.add_argument("--threshold", type=threshold, default=THRESHOLD, metavar="T",
                     help="a newest step at least this much slower fails (default 0.10 = 10%%)")
    one = commands.add_parser("bisect", parents=[common, repo], help="git bisect a slowdown with the gate")
    one.add_argument("good", metavar="GOOD")
    one.add_argument("bad", metavar="BAD")
    one.add_argument("--benchmark", required=True, metavar="NAME", help="the benchmark's base name")
    one.add_argument("--threshold", type=threshold, default=THRESHOLD, metavar="T",
                     help="the gate's threshold (default 0.10)")
    one.add_argument("--rounds", type=rounds, metavar="N", help="the gate's rounds (default regress's; at least 4)")
    one = commands.add_parser("bisect-step", parents=[common])  # internal: what git bisect run runs
    one.add_argument("--good", required=True)
    one.add_argument("--benchmark", required=True)
    one.add_argument("--threshold", type=threshold, default=THRESHOLD)
    one.add_argument("--rounds", type=rounds)
    one.add_argument("--build-dir", required=True)
    one = commands.add_parser("html", parents=[common, repo], help="write the dashboard")
    one.add_argument("--out", required=True, metavar="DIR", help="the folder for index.html")
    one.add_argument("--machine", metavar="M", help="only this machine's runs (a host name)")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    commands = {"add": add, "list": list_runs, "check": check, "bisect": bisect, "html": html}
    if args.command == "bisect-step":
        # git bisect run reads 1-127 but 125 as "bad": a step that fails as a tool (exit 2) aborts it instead.
        try:
            code = bisect_step(args)
        except SystemExit as error:
            code = error.code if error.code in (0, 1, SKIP) else 128
        except Exception as error:  # noqa: BLE001  (any failure of the step is not a verdict on the commit)
            warn(f"the bisect step failed: {error!r}")
            code = 128
        sys.exit(code)
    sys.exit(commands[args.command](args))


if __name__ == "__main__":
    main()
