"""Writes the chapter's "Confronto tra Thread e Processi" table with this
machine's numbers (medians over repetitions) from a results JSON.

Usage: scripts/table [RESULTS.json] [--out results/TABLE.md] [--headline]
(--headline without --out prints the compact table; it never replaces TABLE.md unless told to.)
Without RESULTS.json it reads the newest full (non-quick) run in results/.
Every number names the benchmark it came from; rows whose scenario is not in
the file say so instead of showing a number (with --headline such a row is left
out, and said so on standard error, one line each). Any results file will do:
tvp.scenarios says which scenarios each row shows, and scenarios it has no row
for are named under the table. Only a file with no measured benchmark, or one
that is not a results file, is refused (one line, exit 2).
"""
import re
import sys
from pathlib import Path

from . import crossover
from . import results_lib as rl
from . import scenarios

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
PROCESS_BACKENDS = ["fork", "posix_spawn", "boost_process"]
# Columns shown only when the results hold them: the cheapest ways to start a
# process and MPI ranks.
EXTRA_BACKENDS = ["vfork", "clone3", "mpi"]
SUMSQ_N = 100_000_000


class Sources:
    """Numbers the benchmarks they came from, as [1], [2], ... under the table."""

    def __init__(self):
        self.names = []

    def cite(self, name):
        if name not in self.names:
            self.names.append(name)
        return f"[{self.names.index(name) + 1}]"


# The table's rows by key, in its order (tvp.scenarios.REGISTRY's table keys say which scenarios each shows),
# and the key of the Python column, which the python scenario fills in every row.
ROWS = ("memory", "creation", "pool", "communication", "manager", "parallelism", "result", "ideal_use", "isolation")
PYTHON_COLUMN = "python"
# Scenarios that fill a column of their own (mpi, the Python column), never a row: a row's absence is not theirs.
COLUMNS = ("mpi", "python")


def missing(key, found):
    """Why row `key` shows no figure: the scenarios it shows that the file lacks (tvp.scenarios), or else
    that those it holds lack what the row needs."""
    names = [name for name in scenarios.showing("table", key) if name not in COLUMNS]
    lacking = [name for name in names if name not in found]
    held = [name for name in names if name in found]
    said = [f"no {' or '.join(f'`{name}`' for name in lacking)} results in this file"] if lacking else []
    if held:
        said.append(f"the {scenarios.quoted(held)} results here lack what this row needs")
    return "; ".join(said)


def sumsq_n(medians):
    """The n the sum-of-squares rows show: the chapter's 10^8, or else the largest n of the C++ back-ends."""
    sizes = {int(p["n"]) for name in medians for s, b, p in [rl.parse_name(name)]
             if s == "sumsq" and b not in scenarios.MPI_BACKENDS and p.get("n", "").isdigit()}
    return SUMSQ_N if SUMSQ_N in sizes or not sizes else max(sizes)


def other_n(n):
    """' (n = 1e+06)' beside a figure at an n that is not the chapter's; '' at 10^8."""
    return "" if n == SUMSQ_N else f" (n = {n:.0e})"


# One number format for the whole table: three significant digits and the unit
# of each value (rl.format_seconds for times, three_figures for the rest); at
# most two figures per cell, the rest is in scripts/report.
def three_figures(value, unit="", prefixes=(("G", 1e9), ("M", 1e6), ("k", 1e3))):
    """12345 -> '12.3 k<unit>'; 0.5 -> '0.500<unit>': three significant digits."""
    for prefix, scale in prefixes:
        if abs(value) >= scale * 0.9995:
            return f"{value / scale:#.3g}".rstrip(".") + f" {prefix}{unit}"
    return f"{value:#.3g}".rstrip(".") + (f" {unit}" if unit else "")


def size(value):
    """Bytes in KiB or MiB, three significant digits."""
    return (f"{value / (1 << 20):#.3g} MiB" if value >= 1000 * 1024 else f"{value / 1024:#.3g} KiB").replace(". ", " ")


def times(value):
    """A ratio: '1.93×'."""
    return f"{value:#.3g}".rstrip(".") + "×"


def seconds(value):
    return rl.format_seconds(value)


def figure(medians, sources, name, field, show, scale=1.0, before="", after=""):
    """'<before><value><noisy mark><after> [n]' for `field` of benchmark `name`, or None."""
    row = medians.get(name)
    if not name or not row or field not in row:
        return None
    return f"{before}{show(row[field] * scale)}{rl.mark(row, field)}{after} {sources.cite(name)}"


def found_name(medians, scenario, backend, **params):
    found = rl.find(medians, scenario, backend, **params)
    return found[0] if found else None


def cell(*parts):
    """At most two figures, joined; '—' when none."""
    parts = [part for part in parts if part][:2]
    return "<br>".join(parts) if parts else "—"


def creation_cells(medians, sources):
    def per_worker(backend, mib):
        name = found_name(medians, "create", backend, workers=4, parent_mib=mib)
        label = " per thread" if backend == "thread" else (" per process" if mib == 0 else f" with a {mib} MiB parent")
        return figure(medians, sources, name, "us_per_worker", seconds, 1e-6, after=label)

    thread = per_worker("thread", 0)
    if thread is None:
        return None
    cells = {"thread": thread}
    largest = max(map(int, rl.sweep(medians, "create", "parent_mib", workers=4)))  # the sweep's largest parent
    for backend in PROCESS_BACKENDS:
        cells[backend] = cell(per_worker(backend, 0), per_worker(backend, largest) if largest else None)
    # vfork and clone3 run, by default, one worker at 0 MiB and four at 512 MiB.
    for backend in ["vfork", "clone3"]:
        alone = found_name(medians, "create", backend, workers=1, parent_mib=0)
        beside = found_name(medians, "create", backend, workers=4, parent_mib=512)
        cells[backend] = cell(figure(medians, sources, alone, "us_per_worker", seconds, 1e-6, after=" (1 worker)"),
                              figure(medians, sources, beside, "us_per_worker", seconds, 1e-6,
                                     after=" with a 512 MiB parent"))
    startup = [(int(p["ranks"]), name) for name in medians for s, b, p in [rl.parse_name(name)]
               if (s, b) == ("mpi_startup", "mpi") and p.get("btl") == "vader"]
    if startup:
        ranks, name = max(startup)
        cells["mpi"] = figure(medians, sources, name, "real_time", seconds,
                              rl.to_seconds(1, medians[name]["time_unit"]), before=f"mpirun -np {ranks}: ")
    return cells


def pool_cells(medians, sources):
    """One empty task through a pool of started workers: the round trip's p50
    over the ring (spin) and over a pipe, on 2 CPUs."""
    cells = {}
    labels = {"thread": "thread pool", "fork": "pre-forked pool", "posix_spawn": "pre-spawned pool"}
    for backend, label in labels.items():
        parts = []
        for mechanism, wait, via in [("shm_ring", "spin", "ring"), ("pipe", None, "pipe")]:
            params = dict(mechanism=mechanism, workers=1, cpus="cross", task="empty")
            if wait:
                params["wait"] = wait
            name = found_name(medians, "pool", backend, **params)
            parts.append(figure(medians, sources, name, "round_trip_p50_us", seconds, 1e-6,
                                before=f"{label}, {via}: "))
        cells[backend] = cell(*parts)
    return None if all(text == "—" for text in cells.values()) else cells


def round_trip(medians, sources, scenario, backend, mechanism, cpus="cross", wait=None):
    """The 8-byte round trip's p50 (the atomic ping-pong, which times no round
    trip alone: its mean, named so), cited, or None if not measured."""
    for name, row in medians.items():
        s, b, p = rl.parse_name(name)
        if (s, b) == (scenario, backend) and p.get("parts") == f"{mechanism}/latency" and p.get("bytes") == "8" \
                and p.get("cpus") == cpus and p.get("wait") == wait:
            if "round_trip_p50_us" in row:
                return figure(medians, sources, name, "round_trip_p50_us", seconds, 1e-6)
            return (f"mean {seconds(rl.to_seconds(row['real_time'], row['time_unit']))}{rl.mark(row, 'real_time')} "
                    f"{sources.cite(name)}")
    return None


def communication_cells(medians, sources):
    """The 8-byte round trip's p50 on 2 CPUs: the plain mechanism and the fastest."""
    def line(label, *where):
        value = round_trip(medians, sources, *where)
        return f"{label}: {value}" if value else None

    cells = {"thread": cell(line("mutex+condvar queue", "queue", "thread", "mutex_cv"),
                            line("spsc queue (spin)", "queue", "thread", "spsc", "cross", "spin"))}
    for backend in PROCESS_BACKENDS:
        cells[backend] = cell(line("pipe", "pipe", backend, "pipe"),
                              line("shm ring (spin)", "queue", backend, "shm_ring", "cross", "spin"))
    mpi = []
    for btl, label in [("vader", "shared memory"), ("tcp", "TCP")]:
        name = next((name for name in medians for s, b, p in [rl.parse_name(name)]
                     if (s, b) == ("pingpong", "mpi") and p.get("ranks") == "2" and p.get("btl") == btl
                     and p.get("bytes") == "8"), None)
        mpi.append(figure(medians, sources, name, "round_trip_p50_us", seconds, 1e-6, before=f"{label}: "))
    cells["mpi"] = cell(*mpi)
    return None if all(text == "—" for text in cells.values()) else cells


def manager_cells(medians, sources):
    """ns per locked write, 1 worker: the store of each kind."""
    cells = {}
    for backend in ["thread", *PROCESS_BACKENDS]:
        parts = []
        for store, label in ([("memory", "dict+list under a mutex")] if backend == "thread" else
                             [("shm", "shared segment"), ("server", "server (Python's design)")]):
            name = found_name(medians, "manager", backend, store=store, workers=1, mix="write")
            parts.append(figure(medians, sources, name, "ns_per_op", seconds, 1e-9, before=f"{label}: "))
        cells[backend] = cell(*parts)
    return None if all(text == "—" for text in cells.values()) else cells


def memory_cells(medians, sources):
    cells = {}
    for backend in ["thread", *PROCESS_BACKENDS]:
        name = found_name(medians, "memory", backend, workers=16)
        if not name:
            return None
        written = found_name(medians, "memory", backend, workers=16, write_mib=64)
        if backend == "thread":
            first = figure(medians, sources, name, "rss_bytes_per_worker", size, after=" per thread (16 threads)")
        else:
            first = figure(medians, sources, name, "pss_bytes_per_worker", size, before="Pss ",
                           after=" per process (16)")
        label = "writing the parent's 64 MiB" if backend == "fork" else "writing a shared 64 MiB"
        cells[backend] = cell(first, figure(medians, sources, written, "pss_bytes_per_worker", size,
                                            before="Pss ", after=f" each, {label}"))
    return cells


def io_bound_cells(medians, sources):
    rates = {}
    for name, row in medians.items():
        scenario, backend, params = rl.parse_name(name)
        if scenario == "iobound" and set(params) == {"workers"} and "waits_per_second" in row:
            rates[(backend, int(params["workers"]))] = name
    if not any(backend == "thread" for backend, _ in rates):
        return None
    top = max(workers for _, workers in rates)
    return {backend: figure(medians, sources, rates.get((backend, top)), "waits_per_second", three_figures,
                            after=f" waits/s with {top} workers") for backend in ["thread", *PROCESS_BACKENDS]}


def isolation_cells(medians, sources):
    cells = {}
    for backend in ["thread", *PROCESS_BACKENDS, "vfork", "clone3"]:
        found = rl.find(medians, "isolation", backend, workers=4)
        if (not found or not {"survivors", "detect_ms"} <= set(found[1])) and backend in EXTRA_BACKENDS:
            continue
        if not found or not {"survivors", "detect_ms"} <= set(found[1]):
            return None
        name, row = found
        cells[backend] = (f"{row['survivors']:.0f} of 3 other workers' results kept; crash seen after "
                          f"{seconds(row['detect_ms'] * 1e-3)}{rl.mark(row, 'detect_ms')} {sources.cite(name)}")
    return cells


def parallelism_cells(medians, sources):
    """Speedup on 2 workers and in the chapter's case (4 workers), n = 10^8 (or the file's largest n)."""
    cells = {}
    n = sumsq_n(medians)
    for backend in ["thread", *PROCESS_BACKENDS]:
        two, four = (found_name(medians, "sumsq", backend, workers=w, n=n) for w in (2, 4))
        if not two and not four:
            return None
        cells[backend] = cell(figure(medians, sources, two, "speedup", times, after=f" on 2 workers{other_n(n)}"),
                              figure(medians, sources, four, "speedup", times, after=" on 4"))
    for backend in ["vfork", "clone3"]:  # the chapter's case only, by default
        four = found_name(medians, "sumsq", backend, workers=4, n=n)
        cells[backend] = figure(medians, sources, four, "speedup", times, after=f" on 4 workers{other_n(n)}")
    ranks = [(int(p["ranks"]), name) for name in medians for s, b, p in [rl.parse_name(name)]
             if (s, b) == ("sumsq", "mpi") and p.get("btl") == "vader" and p.get("n") == str(SUMSQ_N)]
    ranks = [entry for entry in ranks if entry[0] > 1]
    if ranks:
        count, name = min(ranks)
        cells["mpi"] = figure(medians, sources, name, "speedup", times, after=f" on {count} ranks")
    return cells


def exact_sum_cells(medians, sources):
    """The chapter's sum at n = 10^8 as each back-end computes it (bench checks it exact); where the file
    lacks it, the sum at its largest n, on the most workers it ran there."""
    cells = {}
    n = sumsq_n(medians)
    for backend in ["thread", *PROCESS_BACKENDS, "vfork", "clone3"]:
        name = found_name(medians, "sumsq", backend, workers=4, n=n)
        if not name and n != SUMSQ_N:
            runs = [(int(p["workers"]), name) for name in medians for s, b, p in [rl.parse_name(name)]
                    if (s, b) == ("sumsq", backend) and p.get("n") == str(n) and p.get("workers", "").isdigit()]
            name = max(runs)[1] if runs else None
        label = (medians.get(name) or {}).get("label", "") if name else ""
        cells[backend] = f"{label.removeprefix('sum=')}, exact{other_n(n)} {sources.cite(name)}" if label else None
    return cells if any(cells.values()) else None


def ideal_use_cells(medians, sources, io_bound):
    crossovers = crossover.sumsq_crossovers(medians)
    if not crossovers and not io_bound:
        return None
    cells = {}
    for backend in ["thread", *PROCESS_BACKENDS]:
        io = (io_bound or {}).get(backend)
        entry = crossovers.get((backend, 2))
        cpu = None
        if backend == "thread" and crossovers:
            cpu = "CPU-bound: the crossover's reference"
        elif entry and entry["undecided"]:
            cpu = f"CPU-bound: the data cannot decide: {entry['undecided']}"
        elif entry:
            refs = ",".join(sources.cite(f"sumsq/{backend}/workers:2/n:{n}") for n, _ in entry["points"])
            cpu = f"CPU-bound: ≥ 90% of threads' speed from n ≈ {entry['estimate']:.2e} (2 workers) {refs}"
        cells[backend] = cell(io and f"I/O-bound: {io}", cpu)
    return cells


NEAREST_DOUBLE = ": the double nearest the exact sum s, as float(s) is"


def nearest_double(exact, error):
    """NEAREST_DOUBLE when `error` (the exact sum minus Value('d')'s) is what
    rounding the exact sum to a double costs: the chapter's code is then as
    right as a double can be. '' otherwise, or when the sum is not a whole number."""
    if not exact.isdigit():
        return ""
    return NEAREST_DOUBLE if error == int(exact) - int(float(int(exact))) else ""


def python_cells(medians, sources):
    """The chapter's own Python (scripts/python_reference), per row, if it ran:
    the sum of squares from the chapter's case (n = 10^8, 4 workers) when the
    file has it, else from the largest n and worker count it has."""
    python = {}
    for name in medians:
        ident = rl.identity(name)
        if ident["language"] == "python":
            python[name] = ident

    def pick(scenario, backend, **params):
        names = [name for name, i in python.items() if (i["scenario"], i["backend"]) == (scenario, backend)
                 and all(i.get(key) == value for key, value in params.items())]
        return sorted(names)[0] if names else None

    cells = {}
    thread, fork = pick("create", "thread", workers=4), pick("create", "fork", workers=4)
    cells["create"] = cell(figure(medians, sources, thread, "us_per_worker", seconds, 1e-6, after=" per thread"),
                           figure(medians, sources, fork, "us_per_worker", seconds, 1e-6, after=" per fork process"))
    queue, pipe = pick("queue", "fork", mechanism="queue"), pick("pipe", "fork", mechanism="pipe")

    def mean_round_trip(name):
        row = medians[name]
        return (f"{seconds(rl.to_seconds(row['real_time'], row['time_unit']))}{rl.mark(row, 'real_time')} "
                f"{sources.cite(name)}")

    cells["communication"] = cell(queue and f"multiprocessing.Queue: mean {mean_round_trip(queue)}",
                                  pipe and f"multiprocessing.Pipe: mean {mean_round_trip(pipe)}")
    manager = pick("manager", "fork")
    cells["manager"] = cell(figure(medians, sources, manager, "ns_per_op", seconds, 1e-9, before="server: "))
    pool_fork, pool_thread = (pick("pool", backend, workers=2, task="empty") for backend in ("fork", "thread"))
    cells["pool"] = cell(figure(medians, sources, pool_fork, "round_trip_p50_us", seconds, 1e-6, before="Pool (fork): "),
                         figure(medians, sources, pool_thread, "round_trip_p50_us", seconds, 1e-6,
                                before="ThreadPool: "))
    sums = [(i["n"], i["workers"], name) for name, i in python.items() if i["scenario"] == "sumsq"]
    if sums:
        chapter = [(n, w) for n, w, _ in sums if n == SUMSQ_N and w == 4]
        n, workers = chapter[0] if chapter else max((n, w) for n, w, _ in sums)
        case = "" if chapter else f" (n = {n:.0e}, not the chapter's case)"
        threads, processes = pick("sumsq", "thread", n=n, workers=workers), pick("sumsq", "fork", n=n, workers=workers)
        cells["parallelism"] = cell(
            figure(medians, sources, threads, "speedup", times, before="threads ", after=f" on {workers}{case}"),
            figure(medians, sources, processes, "speedup", times, before="processes ", after=f" on {workers}"))
        row = medians.get(processes) if processes else None
        if row and "value_d_error" in row:
            exact = row["label"].split(";")[0].removeprefix("sum=")
            cells["sum"] = (f"{exact} exact; the chapter's Value('d') gives "
                            f"{row['value_d_result']:.15g}, off by {row['value_d_error']:,.0f}"
                            f"{nearest_double(exact, row['value_d_error'])} {sources.cite(processes)}")
    return {key: value for key, value in cells.items() if value != "—"}


def render(data, path, headline=False):
    """The table as Markdown. headline: the compact form for the README's first screen (compact())."""
    medians = rl.medians(data)
    found = scenarios.present(medians)
    sources = Sources()
    present = {rl.parse_name(name)[1] for name in medians}
    backends = ["thread", *PROCESS_BACKENDS, *[b for b in EXTRA_BACKENDS if b in present]]
    header = ["Caratteristica", "Capitolo: Thread", "Capitolo: Processi", *backends, "Python (the chapter's code)"]
    # C++ first, so that their sources come first.
    memory = memory_cells(medians, sources)
    creation, communication = creation_cells(medians, sources), communication_cells(medians, sources)
    pools = pool_cells(medians, sources)
    manager = manager_cells(medians, sources)
    parallelism, exact_sum = parallelism_cells(medians, sources), exact_sum_cells(medians, sources)
    ideal_use = ideal_use_cells(medians, sources, io_bound_cells(medians, sources))
    isolation = isolation_cells(medians, sources)
    python = python_cells(medians, sources)
    # Each row's key (tvp.scenarios.REGISTRY's table keys: the scenarios it shows) and its cells.
    keyed = [
        ("memory", "Spazio di memoria", "Condiviso", "Separato", memory, None),
        ("creation", "Overhead di creazione", "Basso", "Alto", creation, python.get("create")),
        ("pool", "Overhead di creazione, evitato: a pool (one empty task, round-trip p50, 2 CPUs)", "—",
         "multiprocessing.Pool", pools, python.get("pool")),
        ("communication", "Comunicazione (round-trip p50, 8 B, 2 CPUs)", "Diretta (variabili condivise)",
         "Attraverso meccanismi specifici (Queue, Pipe, Manager)", communication, python.get("communication")),
        ("manager", "Comunicazione: Manager (per locked write, 1 worker)", "—", "Manager", manager,
         python.get("manager")),
        ("parallelism", "Parallelismo (speedup vs 1 worker, sum of squares, n = 10^8; the chapter's case: 4 workers)",
         "Limitato dal GIL", "Vero parallelismo", parallelism, python.get("parallelism")),
        ("result", "Risultato (the sum at n = 10^8)", "—", "Value('d') per process", exact_sum, python.get("sum")),
        ("ideal_use", "Uso ideale", "Operazioni I/O bound", "Operazioni CPU bound", ideal_use, None),
        ("isolation", "Isolamento (Quando usare i processi)", "un crash ferma tutto il processo",
         "isolare parti del programma", isolation, None),
    ]
    assert tuple(row[0] for row in keyed) == ROWS
    rows = [(key, feature, thread, process, cells, missing(key, found), python_cell)
            for key, feature, thread, process, cells, python_cell in keyed]
    others = scenarios.unknown(found)
    if headline:
        for key, feature, _, _, cells, python_cell in keyed:
            if cells is None:
                print(f"{Path(sys.argv[0]).name}: row '{feature.split(' (')[0]}' left out: {missing(key, found)}",
                      file=sys.stderr)
        for name, names in others.items():
            print(f"{Path(sys.argv[0]).name}: `{name}` ({len(names)} benchmark{'s' if len(names) != 1 else ''}): "
                  "a scenario the table has no row for (scripts/report lists its benchmarks)", file=sys.stderr)
        return compact(rows, backends, path, data)
    lines = [
        "# Thread vs Processi, measured",
        "",
        f"Generated by `scripts/table` from `{path.name}` ({rl.machine_title(data)}; "
        f"{data['context'].get('date', '')}; {rl.revision(data)}). Medians over repetitions; [n] names the "
        "benchmark. Three significant digits, each value with its unit; at most two figures per cell (the "
        "rest: `scripts/report`). A round trip is the p50 (median) of the round trips a benchmark timed one by "
        "one; the Python reference times no round trip alone and gives the mean.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for _, feature, chapter_thread, chapter_process, cells, absent, python_cell in rows:
        measured = ([absent] + [""] * (len(backends) - 1) if cells is None
                    else [cells.get(b) or "—" for b in backends])
        lines.append(f"| {feature} | {chapter_thread} | {chapter_process} | " + " | ".join(measured) +
                     f" | {python_cell or '—'} |")
    for legend in rl.legends("\n".join(lines)):
        lines += ["", legend]
    lines += ["", "Sources:", ""]
    lines += [f"{i}. `{name}`" for i, name in enumerate(sources.names, 1)]
    if others:
        lines += ["", "Not in this table: " + ", ".join(
            f"`{name}` ({len(names)} benchmark{'s' if len(names) != 1 else ''})" for name, names in others.items())
            + f", {'a scenario' if len(others) == 1 else 'scenarios'} it has no row for (scripts/report lists "
            "their benchmarks and medians)."]
    return "\n".join(lines) + "\n"


CITATION = re.compile(r"\s*\[\d+\](,\[\d+\])*")


# The headline keeps, in each row, one worker count and one class of mechanism
# (a blocking wait or a spinning one), and names them in the row; a cell the
# full table measured otherwise is "—" here (TABLE.md has it). Each entry:
# (row key, the row's name, a choice per cell: (backend, the cell's parts) -> text or None).
def _strip(pattern):
    return lambda text: re.sub(pattern, "", text)


def _part(matching, shown=lambda text: text):
    """The first part that matches `matching`, as `shown` makes it."""
    def choose(backend, parts):
        found = next((part for part in parts if re.search(matching, part)), None)
        return shown(found) if found else None
    return choose


def _python_pair(matching, shown):
    """Python's threads and processes side by side: the chapter's pair."""
    def choose(backend, parts):
        if backend != "python":
            return None
        found = [shown(part) for part in parts if re.search(matching, part)]
        return "; ".join(found) or None
    return choose


def _either(*choices):
    def choose(backend, parts):
        for choice in choices:
            text = choice(backend, parts)
            if text:
                return text
        return None
    return choose


HEADLINE_ROWS = {
    "creation": [("Overhead di creazione (4 workers, parent 0 MiB, µs per worker)",
                  _either(_python_pair(r"per (thread|fork process)$", lambda text: text),
                          _part(r"per (thread|process)$")))],
    "pool": [("Overhead di creazione, evitato: a pool (one empty task to 1 worker through a pipe, round trip)",
              _part(r", pipe: ", _strip(r"^.*, pipe: ")))],
    "communication": [
        ("Comunicazione, blocking wait (8 B round trip, 2 CPUs)",
         _either(_python_pair(r"^multiprocessing\.Queue", lambda text: text),
                 _part(r"^(mutex\+condvar queue|pipe): "))),
        ("Comunicazione, spinning wait (8 B round trip, 2 CPUs)",
         _part(r"^(spsc queue \(spin\)|shm ring \(spin\)|shared memory): ", _strip(r" \(spin\)"))),
    ],
    # The chapter's case, 4 workers; a file without it, on 2.
    "parallelism": [[(f"Parallelismo (speedup on {count} workers{case})",
                      _either(_python_pair(rf"^(threads|processes) .* on {count}\b", _strip(rf" on {count}\b[^(]*?(?= \(|$)")),
                              _part(rf" on {count}( workers| ranks)?(\s|$|\()",
                                    _strip(rf" on {count}( workers| ranks)?"))))
                     for count, case in [(4, ", the chapter's case"), (2, "")]]],
}


def compact(rows, backends, path, data):
    """The README's headline: the chapter's rows, one figure per cell (the
    first of the full table's, without its citation, or the one HEADLINE_ROWS
    picks so that a row holds one worker count and one class of mechanism),
    and a link to the full table, where every figure names its benchmark."""
    header = ["The chapter's claim (Thread · Processi)", *backends, "Python"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, feature, chapter_thread, chapter_process, cells, _, python_cell in rows:
        if cells is None:
            continue

        def parts_of(text):
            return [CITATION.sub("", part).strip() for part in (text or "").split("<br>") if part.strip()]

        def first(text):
            parts = parts_of(text)
            text = parts[0] if parts else "—"
            if feature.startswith("Risultato"):
                # The exact 24-digit sum says nothing a reader can compare at a glance; its error does.
                if text.endswith(", exact"):
                    return "exact"
                error = re.search(r"Value\('d'\) gives \S+, off by (-?\d+(?:,\d{3})*)", text)
                if error and NEAREST_DOUBLE in text:
                    return f"Value('d') rounds to the nearest double: off by {error.group(1)}, as float(s) is"
                return f"Value('d') is off by {error.group(1)}" if error else text
            return text

        def words(text):
            return text.split(" (")[0]

        chapter = " · ".join(words(w) for w in (chapter_thread, chapter_process) if w != "—")
        if key in HEADLINE_ROWS:
            # A row is one (name, choice), or a list of them to try in turn: the first that shows a figure.
            for candidates in HEADLINE_ROWS[key]:
                for name, choose in candidates if isinstance(candidates, list) else [candidates]:
                    shown = [choose(b, parts_of(cells.get(b))) or "—" for b in backends]
                    shown.append(choose("python", parts_of(python_cell)) or "—")
                    if any(text != "—" for text in shown):
                        break
                title, _, detail = name.partition(" (")
                claim = f"{title}: {chapter} ({detail}" if detail else f"{title}: {chapter}"
                lines.append(f"| {claim} | " + " | ".join(shown) + " |")
            continue
        claim = f"{feature.split(' (')[0]}: {chapter}"
        lines.append(f"| {claim} | " + " | ".join(first(cells.get(b)) for b in backends) +
                     f" | {first(python_cell)} |")
    capped = ("; ‡ its median is not known to the suite's target (±3% at 95%) when its time or its fixed "
              "repetitions ran out") \
        if rl.CAP_MARK in "\n".join(lines) else ""
    lines += ["", f"From `{path.name}` ({rl.machine_title(data)}; {rl.revision(data)}); medians of the "
              f"repetitions; † a noisy figure (CV > 10%){capped}. Each row names the worker count and the kind of wait "
              "its cells share; a cell measured otherwise is — here. The full table, with a second figure per "
              "cell and the benchmark behind every number: [results/TABLE.md](results/TABLE.md)."]
    return "\n".join(lines) + "\n"


def main():
    parser = rl.Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="a results JSON (default: newest full run in results/)")
    parser.add_argument("--out", help="where to write (default: results/TABLE.md; with --headline: standard output)")
    parser.add_argument("--headline", action="store_true",
                        help="the compact table for the README's first screen (one figure per cell)")
    args = parser.parse_args()
    if args.out is None and not args.headline:
        args.out = str(ROOT / "results" / "TABLE.md")
    if args.out is not None:
        rl.check_output_file(args.out)
    path = Path(args.results) if args.results else rl.newest_full_run(ROOT / "results")
    try:
        data = rl.load(path)
        if not rl.medians(data):
            rl.fail(f"{path} holds no measured benchmark (every one reported an error): nothing written")
        text = render(data, path, headline=args.headline)
    except rl.UnusableResults as error:
        rl.fail(str(error))
    if args.out is None:
        sys.stdout.write(text)
        return
    rl.write_text(args.out, text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
