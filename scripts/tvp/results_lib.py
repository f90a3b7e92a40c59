"""Reading the suite's results: Google Benchmark JSON plus the suite's naming.

Benchmark names read scenario/backend/key:value/...; Google Benchmark appends
/min_time:X to benchmarks with their own minimum time, /real_time to those timed
in wall-clock time, and _mean, _median, ... to aggregates (run_type "aggregate").
"""
import argparse
import collections
import math
import os
import json
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from . import precision

# Every script here runs under Debian's python3, which has matplotlib, pandas and scipy.
DEBIAN_PYTHON = "/usr/bin/python3"

UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# A figure whose repetitions vary more than this (standard deviation over mean)
# is marked wherever it is shown.
CV_LIMIT = 0.10
NOISY_MARK = "†"
NOISY_LEGEND = (f"{NOISY_MARK} its repetitions vary by more than {CV_LIMIT:.0%} (coefficient of variation): "
                "a noisy figure, read it with care.")
# A figure scripts/suite stopped repeating at its time cap before its median was known to its target
# (tvp/precision.py; the results' context, tvp_suite.precision, keeps why each benchmark stopped).
CAP_MARK = "‡"
CAP_LEGEND = (f"{CAP_MARK} the 95% interval of its median is not within the suite's target (scripts/suite "
              "--precision): its time cap ran out first, or (MPI, Python: a fixed number of repetitions) they did "
              "not get there; known less precisely than the others.")
# Why scripts/suite stopped repeating a benchmark (tvp/precision.py), and what a run that repeated until known
# says of its fixed-schedule rows (MPI, Python) whose median is not known to the target.
SHORT_OF_TARGET = ("time cap", "fixed repetitions")


def legends(text):
    """The legend lines of the marks `text` uses."""
    return [legend for mark_, legend in ((NOISY_MARK, NOISY_LEGEND), (CAP_MARK, CAP_LEGEND)) if mark_ in text]

# Latency percentiles bench reports only where the repetition's sample holds them
# (counter "samples"); otherwise the counter is absent, not zero.
PERCENTILES = {"round_trip_p99_us": ("round-trip p99", 1_000), "one_way_p99_us": ("one-way p99", 1_000),
               "round_trip_p999_us": ("round-trip p99.9", 10_000), "one_way_p999_us": ("one-way p99.9", 10_000)}


class UnusableResults(Exception):
    """A results file that is missing, unreadable, not Google Benchmark's JSON, or holds a malformed row."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one line and exit 2 (not the usage text)."""

    def error(self, message):
        fail(message)


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not at least 1")
    return value


def number(text):
    """float(text) for an argparse type; one line where it is not a number."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")


def positive_float(text):
    value = number(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def is_number(value):
    """A finite int or float, not a bool (an int of any size: math.isfinite would overflow on a huge one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


# JSON takes numbers of any size (a 400-digit integer, 1e308, 5e-324) that no
# measurement reaches and that overflow or lose every digit in sums, squares and
# ratios of figures; within these bounds all of those stay finite and exact enough.
FIGURE_LIMIT = 1e100


def is_figure(value):
    """A number a measurement can be: 0, or between 1/FIGURE_LIMIT and FIGURE_LIMIT in size."""
    return is_number(value) and (value == 0 or 1 / FIGURE_LIMIT <= abs(value) <= FIGURE_LIMIT)


def brief(value, width=24):
    """repr(value), cut short: a 400-digit number is not repeated in full."""
    text = repr(value)
    return text if len(text) <= width else f"{text[:width - 6]}...({len(text)} characters)"


def load(path):
    """The results file at `path`, checked row by row (see check_rows)."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise UnusableResults(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        raise UnusableResults(f"{path}: not readable ({error})")
    if not text.strip():
        raise UnusableResults(f"{path}: empty file, not readable JSON")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:  # ValueError: JSONDecodeError, or a number too long to convert
        raise UnusableResults(f"{path}: not readable JSON ({error})")
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list) \
            or not isinstance(data.get("context"), dict):
        raise UnusableResults(f"{path}: not a Google Benchmark results file (no context and benchmarks)")
    if not data["benchmarks"]:
        raise UnusableResults(f"{path}: holds no benchmarks")
    check_rows(path, data["benchmarks"])
    for row in data["benchmarks"]:
        for field in ("name", "run_name"):
            if isinstance(row.get(field), str):
                row[field] = current_name(row[field])
    if not any(is_repetition(row) for row in data["benchmarks"]):
        raise UnusableResults(f"{path}: holds only aggregates (mean, median, ...), no repetitions: run bench "
                              "without --benchmark_report_aggregates_only")
    return data


# Benchmarks renamed since results were first written: (old pattern, new form). load() gives every row its
# current name, so compare, history and the report pair an old file's rows with a new one's.
RENAMED = (
    # The pools' chunked sums were task:sumsq, which --benchmark_filter=sumsq (the chapter's command) caught.
    (re.compile(r"^(pool/[^/]+/(?:[^/]+/)*)task:sumsq/"), r"\1task:squares/"),
)


def current_name(name):
    """A benchmark's name as bench writes it now (RENAMED), whatever revision wrote it."""
    for old, new in RENAMED:
        name = old.sub(new, name)
    return name


RUN_TYPES = ("iteration", "aggregate")


def check_rows(path, rows):
    """Every row passes check_row, and no repetition appears twice."""
    for index, row in enumerate(rows):
        check_row(f"{path}: benchmark #{index + 1}", row)
    check_repetitions_once(path, rows)


def check_row(where, row):
    """The row has a name that parse_name reads, a known time unit and run type,
    and a true or false error_occurred (a string would count as an error); a
    repetition that did not report an error has a positive wall time; every
    number in it passes check_figures."""
    if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not row["name"]:
        raise UnusableResults(f"{where} has no name")
    where += f" ({printable(row['name'])})"
    if "run_name" in row and not (isinstance(row["run_name"], str) and row["run_name"]):
        raise UnusableResults(f"{where}: run_name {row['run_name']!r} is not a name")
    unit = row.get("time_unit", "ns")
    if not isinstance(unit, str) or unit not in UNIT_SECONDS:
        raise UnusableResults(f"{where}: unknown time_unit {unit!r} (expected one of {', '.join(UNIT_SECONDS)})")
    if row.get("run_type", "iteration") not in RUN_TYPES:
        raise UnusableResults(f"{where}: unknown run_type {row['run_type']!r} (expected one of "
                              f"{', '.join(RUN_TYPES)})")
    if not isinstance(row.get("error_occurred", False), bool):
        raise UnusableResults(f"{where}: error_occurred {row['error_occurred']!r} is not true or false")
    if is_measurement(row) and not (is_number(row.get("real_time")) and row["real_time"] > 0):
        raise UnusableResults(f"{where}: real_time {brief(row.get('real_time'))} is not a positive number")
    try:
        row_params(row)
    except ValueError as error:
        raise UnusableResults(f"{where}: {error}")
    check_figures(where, row)


def is_measurement(row):
    """A repetition that did not report an error: the rows whose figures are measured."""
    return is_repetition(row) and not row.get("error_occurred")


def check_figures(where, row):
    """Every number in the row is a figure (is_figure). Rows that measured
    nothing (aggregates, errored repetitions) may also hold NaN or infinity:
    Google Benchmark writes the cv of a counter whose mean is 0 as NaN."""
    for key, value in row.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if not is_measurement(row) and isinstance(value, float) and not math.isfinite(value):
            continue
        if not is_figure(value):
            raise UnusableResults(f"{where}: {key} is {brief(value)}, not a figure a measurement gives "
                                  f"(0, or from {1 / FIGURE_LIMIT:g} to {FIGURE_LIMIT:g} in size)")


def check_repetitions_once(path, rows):
    """Each repetition (a name and its repetition_index) appears once: a row given
    twice (a file joined to itself, runs merged without renumbering) would count
    twice in every median and make a significance test see twice the sample."""
    seen = collections.Counter((exact_name(row), row.get("repetition_index")) for row in rows if is_repetition(row))
    repeated = [key for key, count in seen.items() if count > 1]
    if repeated:
        (name, index), others = repeated[0], len(repeated) - 1
        raise UnusableResults(f"{path}: repetition_index {index} of {name} appears {seen[repeated[0]]} times"
                              + (f", and {others} other repetition(s) more than once" if others else "")
                              + ": every repetition must appear once")


def printable(text):
    """The text itself, or its repr when it holds a character a terminal would not show as one (a newline, a NUL)."""
    return text if text.isprintable() else repr(text)


# The benchmark-name grammar, read here and nowhere else in scripts/:
#
#     scenario/backend/key:value/.../word/...[/GB suffixes][_aggregate]
#
# The first part is the scenario; the second, when it has no ':', the back-end
# (sumsq_kernel's naive/fast included). Every later part is a key:value
# parameter or a bare word (a mechanism, 'latency'); the bare words, joined by
# '/', are the parameter "parts". Google Benchmark appends suffixes of its own
# after them, and an aggregate row's name ends in _<aggregate>.
GB_FLAG_SUFFIXES = ("real_time", "manual_time", "process_time")
GB_VALUE_SUFFIXES = ("min_time:", "min_warmup_time:", "iterations:", "repeats:", "threads:")
AGGREGATES = ("mean", "median", "stddev", "cv")
# The CSV's parameter columns: these first, in this order (the order scripts/suite
# always wrote), then any other key found in the results, sorted by name.
KNOWN_PARAMS = ["parts", "workers", "n", "parent_mib", "api", "exe", "bytes", "cpus", "wait", "store", "mix"]


def split_aggregate(name, aggregate_name=None):
    """(name without its aggregate suffix, the aggregate or None). Without
    `aggregate_name` (a row's own), only Google Benchmark's built-in aggregates
    are recognised: 'x/n:8_mean' -> ('x/n:8', 'mean')."""
    for aggregate in ([aggregate_name] if aggregate_name else AGGREGATES):
        if name.endswith(f"_{aggregate}"):
            return name[:-len(aggregate) - 1], aggregate
    return name, None


def base_name(run_name):
    """The name without Google Benchmark's trailing suffixes (/min_time:X,
    /iterations:N, /real_time, ...: latency benchmarks run a fixed number of round
    trips, which names them /iterations:N) and without an aggregate's _mean, ...;
    empty parts (a doubled '/') are dropped."""
    parts = [part for part in split_aggregate(run_name)[0].split("/") if part]
    while len(parts) > 1 and (parts[-1] in GB_FLAG_SUFFIXES or parts[-1].startswith(GB_VALUE_SUFFIXES)):
        parts.pop()
    return "/".join(parts)


def parse_name(run_name):
    """'create/fork/workers:4/parent_mib:0/real_time' -> ('create', 'fork', {'workers': '4', 'parent_mib': '0'}).
    Parts without ':' after the back-end (a mechanism, 'latency') go into params['parts'], joined by '/'.
    Values stay text; a key given twice keeps its last value. Raises ValueError for a name that is not text,
    holds a character that is not printable, or has a value check_parameter refuses."""
    if not isinstance(run_name, str):
        raise ValueError(f"{run_name!r} is not a benchmark name")
    if not run_name.isprintable():
        raise ValueError(f"the name holds {ascii(next(c for c in run_name if not c.isprintable()))}, "
                         "a character that is not printable")
    parts = base_name(run_name).split("/")
    scenario = parts[0]
    backend = parts[1] if len(parts) > 1 and ":" not in parts[1] else ""
    params, words = {}, []
    for part in parts[2:] if backend else parts[1:]:
        if ":" in part:
            key, value = part.split(":", 1)
            check_parameter(key, value)
            params[key] = value
        else:
            words.append(part)
    if words:
        params["parts"] = "/".join(words)
    return scenario, backend, params


# The parameters that count something (workers, elements, MiB, bytes, ...), which
# the scripts read with int(): whole numbers, at most 18 digits (an int64).
COUNT_PARAMS = ("workers", "ranks", "n", "chunk", "parent_mib", "bytes", "mib", "write_mib", "pairs", "window")
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def check_parameter(key, value):
    """Raises ValueError unless `value` is one the suite could name a benchmark
    with: a whole number for a COUNT_PARAMS key; for any key, no value that reads
    as a number but is not a finite one (nan, -inf, 1e999)."""
    if key in COUNT_PARAMS and not WHOLE_NUMBER.fullmatch(value):
        raise ValueError(f"parameter {key}:{value} is not a whole number of at most 18 digits")
    try:
        number = float(value)
    except ValueError:
        return
    if not math.isfinite(number):
        raise ValueError(f"parameter {key}:{value} is not a finite number")


def name_words(params):
    """The bare words of a parsed name (params['parts']) as a list: ['shm_ring', 'latency']."""
    return params["parts"].split("/") if params.get("parts") else []


def row_name(row):
    return base_name(row.get("run_name", row["name"]))


def exact_name(row):
    """The name bench gave the row, suffixes included, without an aggregate's _mean:
    what tells two benchmarks apart (X/real_time is not X/min_time:0.100/real_time)."""
    return row.get("run_name") or split_aggregate(row["name"], row.get("aggregate_name"))[0]


def row_params(row):
    """parse_name of a results row, by its run_name (an aggregate's carries no _mean)."""
    return parse_name(exact_name(row))


def param_columns(rows):
    """The parameter keys found in the rows' names: KNOWN_PARAMS first, in that
    order, then any other key, sorted."""
    found = {key for row in rows for key in row_params(row)[2]}
    return [key for key in KNOWN_PARAMS if key in found] + sorted(found - set(KNOWN_PARAMS))


def numeric_key(text):
    """Sorts values numerically ('2' before '16'); those that are not numbers after, by text."""
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def sweep(names, scenario, key, **fixed):
    """The values (text, sorted numerically) that parameter `key` takes among the
    benchmarks of `scenario` whose parameters include `fixed` (a value of None:
    the parameter is absent). `names`: any iterable of names, such as medians()."""
    values = set()
    for name in names:
        s, _, params = parse_name(name)
        if s == scenario and key in params and all(
                (key_ not in params) if value is None else params.get(key_) == str(value)
                for key_, value in fixed.items()):
            values.add(params[key])
    return sorted(values, key=numeric_key)


# The tidy CSV (csv_table): one row per repetition, one unit per column, one column
# per parameter. Bare words of a name that are a mode ('latency', 'throughput')
# go to `mode`, the others to `mechanism`. The Python reference's rows
# (scripts/python_reference: scenario python_<scenario>, back-end thread,
# process_fork / fork, process_spawn / spawn) are written under the C++ rows'
# scenario and back-end names with language "python".
MODES = ("latency", "throughput")
PYTHON_PREFIX = "python_"
CSV_FIXED = {"family_index", "per_family_instance_index", "repetitions", "repetition_index", "threads",
             "iterations", "real_time", "cpu_time"}
CSV_IDENTITY = ["base_name", "language", "scenario", "backend", "mechanism", "mode"]
INTEGER = re.compile(r"-?[0-9]+")


def parameter_value(text):
    """A parameter's text as the CSV writes it: an int for a whole number ('1048576'
    -> 1048576), a float for another number, else the text ('cross')."""
    if INTEGER.fullmatch(text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def identity(name):
    """{base_name, language, scenario, backend, mechanism, mode, **parameters} of a
    benchmark name, in the tidy CSV's vocabulary (see MODES and PYTHON_PREFIX)."""
    scenario, backend, params = parse_name(name)
    words = name_words(params)
    language = "cpp"
    if scenario.startswith(PYTHON_PREFIX):
        language, scenario = "python", scenario[len(PYTHON_PREFIX):]
        backend = backend.removeprefix("process_")
    return {"base_name": base_name(name), "language": language, "scenario": scenario, "backend": backend,
            "mechanism": "/".join(word for word in words if word not in MODES),
            "mode": "/".join(word for word in words if word in MODES),
            **{key: parameter_value(value) for key, value in params.items() if key != "parts"}}


def tidy_param_columns(rows):
    """param_columns without 'parts' (the tidy CSV splits it into mechanism and mode)."""
    return [key for key in param_columns(rows) if key != "parts"]


def _tidy(data, rows, leading, trailing):
    counters = sorted({key for row in rows for key, value in row.items()
                       if is_number(value) and key not in CSV_FIXED})
    columns = [*CSV_IDENTITY, *tidy_param_columns(rows), *leading, "real_time_ns", "cpu_time_ns", *counters,
               *trailing]
    table = []
    for row in rows:
        name = exact_name(row)
        unit = row.get("time_unit", "ns")
        times = {f"{field}_ns": to_seconds(row[field], unit) * 1e9
                 for field in ("real_time", "cpu_time") if is_number(row.get(field)) and not row.get("error_occurred")}
        table.append({**row, **identity(name), **times})
    return columns, table


def csv_table(data):
    """(columns, rows) of the tidy CSV: one row per repetition (errored ones with
    their error_message and no times), the name split into CSV_IDENTITY and one
    column per parameter (tidy_param_columns; whole numbers as ints), times in ns
    (real_time_ns, cpu_time_ns), then every numeric counter bench added (sorted;
    each carries its unit in its name), the label and the error message."""
    return _tidy(data, [row for row in data["benchmarks"] if is_repetition(row)],
                 ["repetition_index", "repetitions", "iterations"], ["label", "error_message"])


def aggregates_table(data):
    """(columns, rows) of the aggregates CSV: Google Benchmark's aggregates (mean,
    median, stddev: the column `aggregate_name`) with the same columns as csv_table.
    Aggregates in percent (cv) are left out: their values are not in the columns'
    units (cv = stddev / mean)."""
    return _tidy(data, [row for row in data["benchmarks"] if not is_repetition(row)
                        and row.get("aggregate_unit", "time") == "time"],
                 ["aggregate_name", "repetitions"], [])


def is_repetition(row):
    return row.get("run_type", "iteration") == "iteration"


def by_benchmark(rows, name):
    """{name(row): [rows]}. Raises UnusableResults when `name` reads two
    benchmarks with different exact names as one: their repetitions would be
    pooled into one sample."""
    groups, exact = {}, {}
    for row in rows:
        key = name(row)
        if exact.setdefault(key, exact_name(row)) != exact_name(row):
            raise UnusableResults(f"{exact[key]} and {exact_name(row)} both read as {key}: two benchmarks "
                                  "whose repetitions would be pooled into one sample")
        groups.setdefault(key, []).append(row)
    return groups


def iterations_by_benchmark(data, name=row_name):
    """{name (by default the base name): [repetition rows]}, skipping aggregates
    and rows that report an error (see by_benchmark)."""
    return by_benchmark([row for row in data["benchmarks"] if is_measurement(row)], name)


def errored_by_benchmark(data, name=row_name):
    """{name (by default the base name): error message} for every benchmark with
    a repetition that reported an error (see by_benchmark)."""
    return {key: rows[0].get("error_message", "") or "(no message)"
            for key, rows in by_benchmark([row for row in data["benchmarks"] if row.get("error_occurred")],
                                          name).items()}


def errors(data):
    """[(name, message)] for every benchmark that reported an error."""
    return [(row["name"], row.get("error_message", "")) for row in data["benchmarks"] if row.get("error_occurred")]


def median_of(rows, field):
    values = [row[field] for row in rows if is_number(row.get(field))]
    return statistics.median(values) if values else None


def cv_of(rows, field):
    """Coefficient of variation (sample standard deviation / mean) over the
    repetitions, or None with fewer than two or a mean of zero."""
    values = [row[field] for row in rows if is_number(row.get(field))]
    if len(values) < 2 or statistics.fmean(values) == 0:
        return None
    return statistics.stdev(values) / abs(statistics.fmean(values))


def medians(data):
    """{base name: {field: median over repetitions}} for real_time and every
    numeric counter, plus "time_unit", "label", "cv" ({field: coefficient of
    variation across repetitions}), "rows" (the repetitions) and, for a suite run that repeated until known,
    "stopped" (why: "precise" or "time cap"). A counter absent from a repetition (a
    percentile its sample could not hold) is left out of that median; absent from
    all, it is absent from the row."""
    result = {}
    suite = (data.get("context") or {}).get("tvp_suite") or {}
    stopped = {base_name(name): record.get("stopped") for name, record in suite.get("precision", {}).items()
               if isinstance(record, dict)}
    target = suite.get("precision_target") if stopped else None
    for name, rows in iterations_by_benchmark(data).items():
        fields = {key for row in rows for key, value in row.items() if is_number(value)}
        fields -= {"repetition_index", "repetitions", "threads", "family_index", "per_family_instance_index"}
        result[name] = {field: median_of(rows, field) for field in fields}
        result[name]["time_unit"] = rows[0].get("time_unit", "ns")
        result[name]["label"] = rows[0].get("label", "")
        result[name]["cv"] = {field: cv_of(rows, field) for field in fields}
        result[name]["rows"] = rows  # the repetitions themselves, for intervals
        if stopped.get(name):
            result[name]["stopped"] = stopped[name]  # scripts/suite's reason: precise, or time cap
        elif is_number(target) and target > 0 and precision.known(rows, target) is False:
            result[name]["stopped"] = SHORT_OF_TARGET[1]
    return result


def noisy(row, field):
    """True when the figure's repetitions vary by more than CV_LIMIT."""
    cv = (row or {}).get("cv", {}).get(field)
    return cv is not None and cv > CV_LIMIT


def mark(row, field):
    """NOISY_MARK for a noisy figure, CAP_MARK for one whose median is not known to the suite's target, else ''."""
    if noisy(row, field):
        return NOISY_MARK
    return CAP_MARK if (row or {}).get("stopped") in SHORT_OF_TARGET else ""


def absent_reason(row, field):
    """Why a percentile counter is absent from a benchmark's row, in words."""
    label, needed = PERCENTILES.get(field, (field, None))
    samples = (row or {}).get("samples")
    if needed is None:
        return f"{label} not reported"
    if samples is None:
        return f"{label} not reported (no sample count in this file)"
    if samples < needed:
        return f"{label} not reported: {samples:,.0f} round trips < {needed:,}"
    return f"{label} not reported"


def to_seconds(value, unit):
    if unit not in UNIT_SECONDS:
        raise UnusableResults(f"unknown time unit {unit!r}")
    return value * UNIT_SECONDS[unit]


def format_seconds(seconds, digits=3):
    """A time with the unit that fits it: 812 ns, 61.8 µs, 4.76 ms, 1.20 s."""
    magnitude = float(f"{abs(seconds):.{digits}g}")  # 999.7 µs rounds to 1.00 ms, not 1.00e+03 µs
    unit, scale = next(((unit, scale) for unit, scale in [("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)]
                        if magnitude >= scale), ("ns", 1e-9))
    return f"{seconds / scale:#.{digits}g}".rstrip(".") + f" {unit}"


def machine_title(data):
    context = data["context"]
    return (f"{context.get('host_name', '?')}: {context.get('cpu_model', '?')}, "
            f"{context.get('num_cpus', '?')} CPUs, {context.get('kernel', '')}").strip(", ")


def revision(data):
    """'revision 1a2b3c4d5e6f' (plus 'with local changes' when the tree was
    dirty) of the suite that produced `data`, from bench's context or, failing
    that, scripts/suite's. Files from before provenance was recorded say so."""
    context = data.get("context", {})
    suite = context.get("tvp_suite") if isinstance(context.get("tvp_suite"), dict) else {}

    def text(source):
        rev = source.get("tvp_revision")
        if not isinstance(rev, str) or not rev or rev.startswith("unknown"):  # bench built outside git says
            return None                                                        # "unknown (not a git checkout)"
        dirty = str(source.get("tvp_revision_dirty", "")).lower() == "true"
        return f"{rev[:12]}{' with local changes' if dirty else ''}"

    bench, script = text(context), text(suite)
    if bench and script and bench != script:
        return f"revision {bench} (bench), {script} (scripts/suite)"
    if bench or script:
        return f"revision {bench or script}"
    if "tvp_revision" in context or "tvp_revision" in suite:
        return "revision unknown (built outside git)"
    return "revision not recorded (file predates provenance)"


PROVENANCE = [("tvp_build_type", "build"), ("tvp_compile_flags", "flags"), ("load_average_start", "load at start"),
              ("cpu_governor", "governor"), ("cpu_boost", "boost"), ("smt", "SMT"), ("thp", "THP")]


def provenance(data):
    """'build Release; flags -O3 ...; governor ...' from what the context records
    (files from before a key was recorded simply lack it)."""
    context = data.get("context", {})
    return "; ".join(f"{label} {context[key]}" for key, label in PROVENANCE if context.get(key) not in (None, ""))


def git_revision(root):
    """(hash, "true"/"false") of the git tree at `root`, or ("unknown", "unknown") outside git."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return "unknown", "unknown"
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown", "unknown"
    dirty = "unknown" if status.returncode != 0 else ("true" if status.stdout.strip() else "false")
    return head.stdout.strip(), dirty


def run_date(path):
    """The date in a results file's context as a POSIX timestamp, or None when the
    file is not readable JSON or its context has no ISO 8601 date (a date without
    a UTC offset is read as local time, as Google Benchmark writes it)."""
    try:
        context = json.loads(Path(path).read_text()).get("context", {})
        return datetime.fromisoformat(context["date"]).timestamp()
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, AttributeError, KeyError, TypeError):
        return None


def is_quick(path):
    """A --quick run: scripts/suite names it *-quick.json (and records it in its context)."""
    return Path(path).stem.endswith("-quick")


def newest_full_run(directory):
    """The one rule for "which results file" when a script is given none: the
    full (non-quick) results JSON in `directory` with the newest date in its
    context, never by its file name (a host name sorts before a date) or its
    modification time (a checkout sets that); equal dates by file name, and files
    without a readable date after every dated one."""
    runs = [p for p in Path(directory).glob("*.json") if not is_quick(p)]
    if not runs:
        fail(f"no {directory}/*.json to read: run scripts/suite first, or name a file")

    def newest_first(path):
        date = run_date(path)
        return (date is not None, date or 0.0, path.name)

    return max(runs, key=newest_first)


def check_output_file(path):
    """Fails (one line, exit 2) unless `path` can be written; creates its folder."""
    path = Path(path)
    if path.is_dir():
        fail(f"{path}: is a directory, not a file")
    check_output_dir(path.parent)
    if path.exists() and not os.access(path, os.W_OK):
        fail(f"{path}: not writable")


def check_output_dir(directory):
    """Fails (one line, exit 2) unless files can be written in `directory`; creates it."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{directory}: cannot create this folder ({error.strerror})")
    if not os.access(directory, os.W_OK | os.X_OK):
        fail(f"{directory}: cannot write in this folder")


def write_text(path, text):
    try:
        Path(path).write_text(text)
    except OSError as error:
        fail(f"{path}: cannot write ({error.strerror})")


def fail(message, code=2):
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(code)


def markdown_table(header, rows):
    """A Markdown table: the header row, the rule, one line per row."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def find(medians_by_name, scenario, backend, **params):
    """The median row of the benchmark with exactly these name parts, or None."""
    for name, row in medians_by_name.items():
        s, b, p = parse_name(name)
        if s == scenario and b == backend and p == {key: str(value) for key, value in params.items()}:
            return name, row
    return None


def posix_regex_error(pattern):
    """None if glibc's regcomp takes `pattern` as bench's filter does (POSIX
    extended, REG_EXTENDED | REG_NOSUB), else its error message."""
    import ctypes
    libc = ctypes.CDLL(None)
    compiled = ctypes.create_string_buffer(256)  # a regex_t (64 bytes on glibc x86-64), with room to spare
    code = libc.regcomp(compiled, pattern.encode(), 1 | 8)
    if code == 0:
        libc.regfree(compiled)
        return None
    message = ctypes.create_string_buffer(256)
    libc.regerror(code, compiled, message, ctypes.sizeof(message))
    return message.value.decode(errors="replace")
