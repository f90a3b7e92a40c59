"""Draws the plots of a results JSON, PNG (for the README) and SVG beside it:
creation cost per worker and against the parent's size, the creation ladder
(create_split), the copy-on-write bill with fork's fitted cost per GiB, the sum
of squares' speedup (MPI ranks beside the back-ends), the GIL (Python threads vs
processes vs the C++ back-ends), IPC round trip and throughput against message
size (MPI's ping-pong and bandwidth in a panel of their own), memory per worker,
I/O-bound throughput, the Manager's cost per operation, the pools' crossover and
dispatch, and crash detection. A plot whose benchmarks are not in the results is
skipped with one line saying so (tvp.scenarios says which scenarios each plot
shows). Benchmarks of scenarios no plot knows are drawn in other_benchmarks
(median wall time per benchmark). Any results file will do: only a file with no
measured benchmark, or one that is not a results file, is refused (one line,
exit 2).

Usage: scripts/plots [RESULTS.json] [--out-dir results/plots]
Without RESULTS.json it reads the newest full (non-quick) run in results/.

One look for every plot: 900 px wide (a README's width) with text legible at
that size; colour means the back-end, the same in every plot (BACKEND_COLOURS),
line style the mechanism or variant; ticks at the measured values; the spread of
the repetitions (min-max error bars; for latency the p50-p99 band); reference
lines where there are any (raw baselines, ideal speedup capped at the run's
CPUs, the atomic ping-pong, memcpy). A back-end present in the scenario but
absent from a panel is named on it. Every plot names the machine and the
suite's revision of the run it shows.
"""
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator  # noqa: E402

from . import parent_memory
from . import pools
from . import results_lib as rl
from . import scenarios

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
WIDTH_IN, DPI = 9.0, 100  # 900 px: legible in a README without scaling
plt.rcParams.update({"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
                     "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 12, "svg.hashsalt": "tvp",
                     "lines.linewidth": 1.8, "lines.markersize": 6,
                     "svg.fonttype": "none"})  # SVG text stays text: searchable, and smaller

# Colour = back-end, in every plot. A raw baseline (raw_fork) and Python's start
# methods take their back-end's colour; a back-end not listed here (a new one)
# gets the next free colour in the order of its name, the same in every plot of a run.
BACKEND_COLOURS = {"thread": "#1f77b4", "fork": "#ff7f0e", "posix_spawn": "#2ca02c", "boost_process": "#d62728",
                   "mpi": "#9467bd", "vfork": "#8c564b", "clone3": "#e377c2", "spawn": "#bcbd22",
                   "boost_process_vfork": "#17becf"}
SPARE_COLOURS = ["#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]
RAW_OF = {"raw_pthread": "thread", "raw_fork": "fork", "raw_posix_spawn": "posix_spawn", "raw_vfork": "vfork",
          "raw_mpi": "mpi"}
# Line style = mechanism or variant, in every plot.
STYLES = {"": "-", "pipe": "-", "socketpair": "--", "posix_mq": "-.", "bip_mq": (0, (5, 1, 1, 1, 1, 1)),
          "shm_ring": (0, (1, 1)), "mutex_cv": "--", "spsc": (0, (1, 1)), "queue": "--",
          "raw": ":", "python": "-.", "pss": "-", "rss": "--", "memory": "-", "shm": "--", "server": ":"}
MARKERS = {"": "o", "raw": "s", "python": "D", "rss": "^", "shm": "s", "server": "D"}
PLACEMENTS = {"cross": "ends on two CPUs", "same": "both ends on one CPU", "any": "unpinned"}


class Palette:
    """BACKEND_COLOURS, extended once per run for back-ends it does not list."""

    def __init__(self, backends):
        unknown = sorted(b for b in backends if self.family(b) not in BACKEND_COLOURS)
        self.colours = {**BACKEND_COLOURS,
                        **{b: SPARE_COLOURS[i % len(SPARE_COLOURS)] for i, b in enumerate(unknown)}}

    @staticmethod
    def family(backend):
        return RAW_OF.get(backend, backend)

    def colour(self, backend):
        return self.colours.get(self.family(backend), "black")


def byte_label(value):
    for unit, size in [("MiB", 1 << 20), ("KiB", 1 << 10)]:
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value:g} B"


def plain(value, _=None):
    """A tick label without exponent: 0.2, 5, 300, 20k."""
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def measured_ticks(ax, values, axis="x", label=plain):
    """Ticks at the measured values only, labelled in plain numbers."""
    values = sorted(set(values))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(values))
    target.set_major_formatter(FuncFormatter(lambda v, _: label(v)))
    target.set_minor_locator(NullLocator())


def log_values(ax, axis="y"):
    """A log axis labelled in plain numbers: at 1, 2 and 5 of every decade over up
    to three decades, at every decade over more (call it once the data is drawn)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    decades = math.log10(high / low) if low > 0 else 99
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if decades <= 3 else (1.0,)))
    target.set_major_formatter(FuncFormatter(plain))
    target.set_minor_locator(LogLocator(base=10, subs=range(1, 10)))
    target.set_minor_formatter(NullFormatter())


def spread(row, field, scale=1.0):
    """(median, lowest, highest) of `field` over the repetitions, scaled."""
    if field == "real_time":
        values = [rl.to_seconds(r["real_time"], r.get("time_unit", "ns")) for r in row["rows"]]
        median = rl.to_seconds(row["real_time"], row["time_unit"])
    else:
        values = [r[field] for r in row["rows"] if rl.is_number(r.get(field))]
        median = row[field]
    return median * scale, min(values) * scale, max(values) * scale


def collect(medians, keep, x_key, field, series_of, scale=1.0):
    """{series: sorted [(x, median, low, high, row)]} over the benchmarks whose
    identity (results_lib.identity) `keep` accepts; `series_of(identity)` names
    the line. Benchmarks without `field` are skipped."""
    lines = {}
    for name, row in medians.items():
        ident = rl.identity(name)
        if not keep(ident) or x_key not in ident or (field != "real_time" and field not in row):
            continue
        lines.setdefault(series_of(ident), []).append((ident[x_key], *spread(row, field, scale), row))
    return {key: sorted(points, key=lambda p: p[0]) for key, points in lines.items()}


def draw(ax, points, colour, style="-", marker="o", label=None, hollow=False):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    errors = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
    ax.errorbar(xs, ys, yerr=errors, color=colour, linestyle=style, marker=marker, label=label, capsize=3,
                markerfacecolor="white" if hollow else colour, elinewidth=1)


def note_absent(ax, expected, drawn, what="not measured"):
    """Names, under the panel's title, the back-ends of the scenario that the panel does not show."""
    absent = sorted(set(expected) - set(drawn))
    if absent:
        ax.set_title(f"{ax.get_title()}\n{what}: {', '.join(absent)}", fontsize=10)


def legend_below(ax, **options):
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=options.pop("ncol", 3), **options)


def backends_of(medians, scenario, language="cpp"):
    return {rl.identity(name)["backend"] for name in medians
            if rl.identity(name)["scenario"] == scenario and rl.identity(name)["language"] == language}


def footer(data):
    return f"{data['context'].get('date', '')}; {rl.revision(data)}"


def save(figure, data, out_dir, stem):
    """Writes <stem>.png and <stem>.svg with a footer naming the run (its date and
    the suite's revision), also kept in the files' metadata."""
    figure.text(0.995, 0.005, footer(data), ha="right", va="bottom", fontsize=8, color="dimgrey")
    figure.tight_layout(rect=(0, 0.025, 1, 1))
    return write_figure(figure, data, out_dir, stem)


def write_figure(figure, data, out_dir, stem):
    """<stem>.png and <stem>.svg, the run named in their metadata; closes the figure. Returns 1 (one plot)."""
    for suffix in ("png", "svg"):
        path = out_dir / f"{stem}.{suffix}"
        try:
            figure.savefig(path, dpi=DPI, metadata={"Description": footer(data)})
        except OSError as error:
            rl.fail(f"{path}: cannot write ({error.strerror})")
        print(f"wrote {path}")
    plt.close(figure)
    return 1


def title(figure, text, data):
    figure.suptitle(f"{text}\n{rl.machine_title(data)}")


def cpus(data):
    value = data["context"].get("num_cpus")
    return value if isinstance(value, int) and value > 0 else None


def plot_create(medians, data, out_dir, palette):
    keep = (lambda i: i["scenario"] == "create" and i["language"] == "cpp" and i.get("parent_mib") == 0
            and set(i) - set(rl.CSV_IDENTITY) == {"workers", "parent_mib"})
    lines = collect(medians, keep, "workers", "us_per_worker", lambda i: i["backend"])
    if not lines:
        print("no create results: creation plots skipped")
        return 0
    written = 0
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 5.5))
    for backend, points in sorted(lines.items(), key=lambda item: (Palette.family(item[0]), item[0] in RAW_OF)):
        raw = backend in RAW_OF
        draw(ax, points, palette.colour(backend), STYLES["raw" if raw else ""], MARKERS["raw" if raw else ""],
             f"{backend} (baseline)" if raw else backend, hollow=raw)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    measured_ticks(ax, [p[0] for points in lines.values() for p in points])
    log_values(ax)
    ax.set_xlabel("workers started, then joined")
    ax.set_ylabel("wall time per worker (µs, log)")
    ax.set_title("Creation cost per worker (parent 0 MiB); bars: min–max of the repetitions")
    ax.grid(True, which="major", alpha=0.3)
    legend_below(ax, ncol=4)
    note_absent(ax, backends_of(medians, "create"), lines)
    title(figure, "", data)
    written += save(figure, data, out_dir, "create_per_worker")

    keep = (lambda i: i["scenario"] == "create" and i["language"] == "cpp" and i.get("workers") == 4
            and set(i) - set(rl.CSV_IDENTITY) == {"workers", "parent_mib"})
    lines = collect(medians, keep, "parent_mib", "us_per_worker", lambda i: i["backend"])
    if lines:
        sizes = sorted({p[0] for points in lines.values() for p in points})
        position = {size: index for index, size in enumerate(sizes)}  # measured sizes, evenly spaced
        figure, ax = plt.subplots(figsize=(WIDTH_IN, 5.5))
        for backend, points in sorted(lines.items(), key=lambda item: (Palette.family(item[0]), item[0] in RAW_OF)):
            raw = backend in RAW_OF
            draw(ax, [(position[p[0]], *p[1:]) for p in points], palette.colour(backend),
                 STYLES["raw" if raw else ""], MARKERS["raw" if raw else ""],
                 f"{backend} (baseline)" if raw else backend, hollow=raw)
        ax.set_yscale("log")
        log_values(ax)
        ax.xaxis.set_major_locator(FixedLocator(list(position.values())))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{sizes[int(round(v))]} MiB"))
        ax.set_xlabel("memory the parent has touched (the measured sizes, evenly spaced)")
        ax.set_ylabel("wall time per worker (µs, log)")
        ax.set_title("fork copies the parent's page tables, posix_spawn does not (4 workers)")
        ax.grid(True, which="major", alpha=0.3)
        legend_below(ax, ncol=4)
        note_absent(ax, backends_of(medians, "create"), lines)
        title(figure, "", data)
        written += save(figure, data, out_dir, "create_parent_size")
    return written


def ideal_speedup(ax, top_workers, machine_cpus):
    """y = workers up to the machine's CPUs, flat after: no more speedup than CPUs."""
    cap = machine_cpus or top_workers
    xs = sorted({1, min(cap, top_workers), top_workers})
    ax.plot(xs, [min(x, cap) for x in xs], color="grey", linestyle=(0, (2, 2)), linewidth=1.2,
            label=f"ideal (capped at the run's {cap} CPUs)" if machine_cpus else "ideal")


def mark_chapter(ax, workers=4):
    ax.axvline(workers, color="black", linewidth=0.8, alpha=0.4)
    ax.text(workers, 0.02, " the chapter's case", transform=ax.get_xaxis_transform(), fontsize=9, rotation=90,
            va="bottom", ha="right", color="dimgrey")


def plot_sumsq(medians, data, out_dir, palette):
    keep_all = lambda i: i["scenario"] == "sumsq" and i["language"] == "cpp"  # noqa: E731
    sizes = sorted({rl.identity(name)["n"] for name, row in medians.items()
                    if keep_all(rl.identity(name)) and "speedup" in row and "n" in rl.identity(name)})
    if not sizes:
        print("no sumsq results: speedup plot skipped")
        return 0
    columns = 2 if len(sizes) > 1 else 1
    rows = (len(sizes) + 1) // 2
    figure, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, 3.6 * rows + 1.8), sharey=True, squeeze=False)
    machine_cpus = cpus(data)
    top_y = 0
    for ax, n in zip(axes.flat, sizes):
        lines = collect(medians, lambda i: keep_all(i) and i.get("n") == n, "workers", "speedup",
                        lambda i: i["backend"])
        for backend, points in sorted(lines.items()):
            draw(ax, points, palette.colour(backend), label=backend)
        # bench_mpi's sumsq on R ranks: the ranks are its workers, the transport its line style.
        ranks = collect(medians, lambda i: keep_all(i) and i.get("n") == n, "ranks", "speedup",
                        lambda i: (i["backend"], str(i.get("btl", "?"))))
        for (backend, btl), points in sorted(ranks.items()):
            draw(ax, points, palette.colour(backend), BTL_STYLES.get(btl, ":"), label=f"{backend} ranks, btl {btl}")
        lines.update({backend: points for (backend, _), points in ranks.items()})
        workers = [p[0] for points in lines.values() for p in points]
        ideal_speedup(ax, max(workers), machine_cpus)
        top_y = max(top_y, max(p[3] for points in lines.values() for p in points))
        ax.set_xscale("log", base=2)
        measured_ticks(ax, workers)
        ax.set_title(f"n = {n:,}" + (" (the chapter's n)" if n == 10**8 else ""))
        if n == 10**8:
            mark_chapter(ax)
        ax.set_xlabel("workers (MPI: ranks)" if ranks else "workers")
        ax.grid(True, alpha=0.3)
        note_absent(ax, backends_of(medians, "sumsq"), lines)
    for ax in axes.flat[len(sizes):]:
        ax.set_visible(False)
    axes[0][0].set_ylim(0, max(top_y, machine_cpus or 1) * 1.15)
    for ax in axes[:, 0]:
        ax.set_ylabel("speedup vs 1 worker")
    legend = {}  # every panel's series, once each
    for ax in axes.flat[:len(sizes)]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    figure.legend(list(legend.values()), list(legend), loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.03))
    title(figure, "Sum of squares in C++: speedup (bars: min–max of the repetitions)", data)
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    return save_with_legend(figure, data, out_dir, "sumsq_speedup")


def plot_gil(medians, data, out_dir, palette):
    """Python threads vs Python processes vs the C++ back-ends: speedup against workers."""
    python = collect(medians, lambda i: i["scenario"] == "sumsq" and i["language"] == "python", "workers",
                     "speedup", lambda i: (i["backend"], i["n"]))
    if not python:
        print("no Python sumsq results: GIL plot skipped")
        return 0
    n = max(n for _, n in python)
    # The C++ back-ends at the same n, or else at the nearest n measured (said in the legend).
    cpp_sizes = {rl.identity(name).get("n") for name, row in medians.items() if "speedup" in row
                 and "workers" in rl.identity(name)
                 and rl.identity(name)["scenario"] == "sumsq" and rl.identity(name)["language"] == "cpp"} - {None}
    cpp_n = min(cpp_sizes, key=lambda size: (abs(math.log10(size / n)), -size)) if cpp_sizes else None
    cpp = collect(medians, lambda i: i["scenario"] == "sumsq" and i["language"] == "cpp" and i.get("n") == cpp_n,
                  "workers", "speedup", lambda i: i["backend"])
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 5.5))
    for backend, points in sorted(cpp.items()):
        draw(ax, points, palette.colour(backend), label=f"C++ {backend}" + (f" (n = {cpp_n:,})" if cpp_n != n else ""))
    for (backend, size), points in sorted(python.items()):
        if size != n:
            continue
        kind = "threads (threading)" if backend == "thread" else f"processes (multiprocessing, {backend})"
        draw(ax, points, palette.colour(backend), STYLES["python"], MARKERS["python"], f"Python {kind}")
    workers = [p[0] for points in [*cpp.values(), *python.values()] for p in points]
    ideal_speedup(ax, max(workers), cpus(data))
    ax.set_xscale("log", base=2)
    measured_ticks(ax, workers)
    if 4 in workers and n == 10**8:
        mark_chapter(ax)
    top = max(p[3] for points in [*cpp.values(), *python.values()] for p in points)
    ax.set_ylim(0, max(top, cpus(data) or 1) * 1.15)
    ax.set_xlabel("workers (threads or processes)")
    ax.set_ylabel("speedup vs 1 worker of the same kind")
    ax.set_title(f"The GIL: sum of squares, n = {n:,} (bars: min–max of the repetitions)")
    ax.grid(True, alpha=0.3)
    note_absent(ax, ["C++ back-ends"], [] if not cpp else ["C++ back-ends"], "no C++ sumsq run")
    legend_below(ax, ncol=2)
    title(figure, "Python threads do not speed up the sum (the GIL), Python processes do", data)
    return save(figure, data, out_dir, "python_gil")


def ipc_label(ident):
    return ident["mechanism"] + (f" ({ident['wait']})" if "wait" in ident else "")


def plot_ipc(medians, data, out_dir, palette):
    """Round-trip p50 (band to p99) and throughput against message size: one panel
    per mechanism, colour = back-end, one figure per mode and CPU placement."""
    written = 0
    for mode, field, scale, ylabel, stem in [
            ("latency", "round_trip_p50_us", 1.0, "round-trip p50 (µs, log)", "ipc_latency"),
            ("throughput", "bytes_per_second", 1e-9, "payload throughput (GB/s, log)", "ipc_throughput")]:
        for placement, where in PLACEMENTS.items():
            keep = (lambda i, mode=mode, placement=placement: i["scenario"] in ("queue", "pipe")
                    and i["mode"] == mode and i.get("cpus") == placement and "bytes" in i)
            lines = collect(medians, keep, "bytes", field, lambda i: (ipc_label(i), i["backend"]), scale)
            mpi = mpi_lines(medians, mode) if placement == "cross" else {}  # MPI: beside the two-CPU plots
            if not lines and not mpi:
                continue
            if placement != "cross" and all(len(points) < 2 for points in lines.values()):
                continue  # no line to draw: one size (the default grid measures one CPU and unpinned at 8 B)
            mechanisms = sorted({mechanism for mechanism, _ in lines}) + ([MPI_PANEL] if mpi else [])
            columns = 3 if len(mechanisms) > 4 else min(2, len(mechanisms))
            rows = (len(mechanisms) + columns - 1) // columns
            figure, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, 2.9 * rows + 1.6), sharex=True,
                                        sharey=True, squeeze=False)
            reference = reference_line(medians, mode, placement)
            backends = set()
            for ax, mechanism in zip(axes.flat, mechanisms):
                if mechanism == MPI_PANEL:
                    draw_mpi_panel(ax, mpi, {f"fork, {m}": ("fork", STYLES[m.split(" ")[0]], lines[(m, "fork")])
                                             for m in ("shm_ring (spin)", "pipe") if (m, "fork") in lines},
                                   palette, mode)
                    backends.add("mpi")
                    ax.set_xscale("log", base=2)
                    ax.set_yscale("log")
                    ax.grid(True, which="major", alpha=0.3)
                    continue
                drawn = []
                here = sorted(backend for m, backend in lines if m == mechanism)
                for index, backend in enumerate(here):
                    drawn.append(backend)
                    # Back-ends side by side around each measured size, not on top of one another.
                    dodge = 2 ** (0.1 * (index - (len(here) - 1) / 2))
                    points = [(p[0] * dodge, *p[1:]) for p in lines[(mechanism, backend)]]
                    draw(ax, points, palette.colour(backend), STYLES.get(mechanism.split(" ")[0], "-"), label=backend)
                    if mode == "latency":
                        p99 = [(p[0], p[4].get("round_trip_p99_us")) for p in points]
                        if all(value is not None for _, value in p99):
                            ax.fill_between([x for x, _ in p99], [p[1] for p in points], [v for _, v in p99],
                                            color=palette.colour(backend), alpha=0.12, linewidth=0)
                backends.update(drawn)
                if reference:
                    ax.axhline(reference[1] * scale, color="black", linestyle=(0, (2, 2)), linewidth=1)
                ax.set_title(mechanism, fontsize=10)
                ax.set_xscale("log", base=2)
                ax.set_yscale("log")
                ax.grid(True, which="major", alpha=0.3)
                note_absent(ax, backends_of(medians, "queue") | backends_of(medians, "pipe"), drawn)
            for ax in axes.flat[len(mechanisms):]:
                ax.set_visible(False)
            mpi_legend = []  # the MPI panel's series, for the figure's legend when no slot is free for them
            if mpi:
                mpi_ax = axes.flat[len(mechanisms) - 1]
                handles, labels = mpi_ax.get_legend_handles_labels()
                mpi_ax.get_legend().remove()  # off the panel's lines: in the empty slot beside it, or below
                if len(mechanisms) < axes.size:
                    spare = axes.flat[len(mechanisms)]
                    spare.set_visible(True)
                    spare.axis("off")
                    spare.legend(handles, labels, loc="center left", fontsize=9, title="MPI panel", title_fontsize=9)
                else:
                    mpi_legend = list(zip(handles, labels))
            sizes = [p[0] for points in [*lines.values(), *mpi.values()] for p in points]
            for ax in axes.flat:
                measured_ticks(ax, sizes, label=byte_label)
                log_values(ax)
                for tick in ax.get_xticklabels():
                    tick.set_rotation(30)
            for ax in axes[:, 0]:
                ax.set_ylabel(ylabel)
            for ax in axes[-1]:
                ax.set_xlabel("payload per message")
            handles = [Line2D([], [], color=palette.colour(b), marker="o", label=b) for b in sorted(backends)]
            if mode == "latency":
                handles.append(matplotlib.patches.Patch(color="grey", alpha=0.25, label="p50 to p99"))
            if reference:
                handles.append(Line2D([], [], color="black", linestyle=(0, (2, 2)), label=reference[0]))
            for handle, label in mpi_legend:
                handle.set_label(f"MPI panel: {label}")
                handles.append(handle)
            figure.legend(handles=handles, loc="lower center", ncol=3 if mpi_legend else min(len(handles), 4),
                          bbox_to_anchor=(0.5, 0.03), fontsize=9 if mpi_legend else None)
            title(figure, f"IPC {'round-trip p50' if mode == 'latency' else 'streaming throughput'}, {where} "
                          "(bars: min–max of the repetitions)", data)
            figure.tight_layout(rect=(0, 0.14 if mpi_legend else 0.1, 1, 1))
            written += save_with_legend(figure, data, out_dir, stem if placement == "cross" else f"{stem}_{placement}")
    if not written:
        print("no queue/pipe/MPI ping-pong results: IPC plots skipped")
    return written


def save_with_legend(figure, data, out_dir, stem):
    """save() without its tight_layout, which would move the figure legend."""
    figure.text(0.995, 0.005, footer(data), ha="right", va="bottom", fontsize=8, color="dimgrey")
    return write_figure(figure, data, out_dir, stem)


def reference_line(medians, mode, placement):
    """(label, value) of the IPC floor: the atomic ping-pong's mean round trip (µs)
    on the same placement, or memcpy of 64 KiB (bytes/s); None if not measured."""
    for name, row in medians.items():
        ident = rl.identity(name)
        if ident["scenario"] != "ipc_baseline":
            continue
        if mode == "latency" and ident["mechanism"] == "atomic_pingpong" and ident.get("cpus") == placement:
            return "atomic ping-pong (mean round trip)", rl.to_seconds(row["real_time"], row["time_unit"]) * 1e6
        if mode == "throughput" and ident["mechanism"] == "memcpy" and ident.get("bytes") == 65536 \
                and "bytes_per_second" in row:
            return "memcpy, 64 KiB", row["bytes_per_second"]
    return None


def simple_plot(medians, data, out_dir, palette, scenario, x_key, series, stem, text, xlabel, ylabel,
                logy=True, reference=None):
    """One panel: `series` [(field, variant, label suffix, keep, scale)] per back-end against `x_key`."""
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 5.5))
    drawn, xs = set(), []
    for field, variant, suffix, keep, scale in series:
        lines = collect(medians, lambda i: i["scenario"] == scenario and i["language"] == "cpp" and keep(i),
                        x_key, field, lambda i: i["backend"], scale)
        for index, (backend, points) in enumerate(sorted(lines.items())):
            dodge = 2 ** (0.06 * (index - (len(lines) - 1) / 2))  # equal values side by side, not hidden
            draw(ax, [(p[0] * dodge, *p[1:]) for p in points], palette.colour(backend), STYLES.get(variant, "-"),
                 MARKERS.get(variant, "o"), f"{backend}{suffix}")
            drawn.add(backend)
            xs += [p[0] for p in points]
    if not drawn:
        plt.close(figure)
        print(f"no {scenario} results: {stem} skipped")
        return 0
    if reference:
        reference(ax, sorted(set(xs)))
    ax.set_xscale("log", base=2)
    measured_ticks(ax, xs)
    if logy:
        ax.set_yscale("log")
        log_values(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(text)
    ax.grid(True, which="major", alpha=0.3)
    legend_below(ax, ncol=3)
    note_absent(ax, backends_of(medians, scenario), drawn)
    title(figure, "", data)
    return save(figure, data, out_dir, stem)


def plot_memory(medians, data, out_dir, palette):
    plain_run = lambda i: "write_mib" not in i  # noqa: E731
    return simple_plot(
        medians, data, out_dir, palette, "memory", "workers",
        [("pss_bytes_per_worker", "pss", " Pss", plain_run, 1 / 1024),
         ("rss_bytes_per_worker", "rss", " Rss", lambda i: plain_run(i) and i["backend"] == "thread", 1 / 1024)],
        "memory_per_worker", "Memory per worker: processes' Pss (shared pages split), threads' own stack mappings",
        "workers", "KiB per worker (log)")


def plot_iobound(medians, data, out_dir, palette):
    def ideal(ax, workers):
        ax.plot(workers, [w * 1000 for w in workers], color="grey", linestyle=(0, (2, 2)), linewidth=1.2,
                label="ideal: each worker, one 1 ms wait per ms")

    return simple_plot(medians, data, out_dir, palette, "iobound", "workers",
                       [("waits_per_second", "", "", lambda i: True, 1.0)], "iobound_throughput",
                       "I/O-bound: completed 1 ms waits per second", "workers waiting", "waits per second (log)",
                       reference=ideal)


def plot_manager(medians, data, out_dir, palette):
    mixes = sorted({rl.identity(name).get("mix") for name in medians if rl.identity(name)["scenario"] == "manager"
                    and rl.identity(name)["language"] == "cpp"} - {None})
    if not mixes:
        print("no manager results: manager plot skipped")
        return 0
    figure, axes = plt.subplots(1, len(mixes), figsize=(WIDTH_IN, 5.5), sharey=True, squeeze=False)
    for ax, mix in zip(axes[0], mixes):
        lines = collect(medians, lambda i: i["scenario"] == "manager" and i["language"] == "cpp"
                        and i.get("mix") == mix, "workers", "ns_per_op", lambda i: (i["backend"], i.get("store", "")))
        for (backend, store), points in sorted(lines.items()):
            draw(ax, points, palette.colour(backend), STYLES.get(store, "-"), MARKERS.get(store, "o"),
                 f"{backend}, store {store}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        measured_ticks(ax, [p[0] for points in lines.values() for p in points])
        log_values(ax)
        ax.set_title({"write": "every operation a write"}.get(mix, mix.replace("read90", "90% reads")))
        ax.set_xlabel("workers")
        ax.grid(True, which="major", alpha=0.3)
        note_absent(ax, backends_of(medians, "manager"), {b for b, _ in lines})
    axes[0][0].set_ylabel("ns per locked operation (log)")
    handles = [Line2D([], [], color="black", linestyle=STYLES[s], marker=MARKERS.get(s, "o"), label=label)
               for s, label in [("memory", "store: memory (threads)"), ("shm", "store: shared segment"),
                                ("server", "store: server (Python's design)")]]
    backends = sorted({rl.identity(n)["backend"] for n in medians if rl.identity(n)["scenario"] == "manager"})
    handles += [Line2D([], [], color=palette.colour(b), linewidth=4, label=b) for b in backends]
    axes[0][-1].legend(handles=handles, fontsize=9)
    title(figure, "The Manager's cost per operation, per store", data)
    return save(figure, data, out_dir, "manager_cost")


# --- How a process is started, what its parent's memory costs, crash detection, pools ---

LADDER_FIELDS = [("first_run_us", "until the child's first instruction"),
                 ("parent_blocked_us", "the parent blocked in the start call"),
                 ("reap_us", "start to reap")]
SIZE_MARKERS = ["o", "s", "^", "D"]  # parent sizes, smallest first: 0 MiB filled circle, 512 MiB hollow square


def rows_of(medians, scenario, language="cpp"):
    """{identity: median row} of one scenario's benchmarks."""
    found = {}
    for name, row in medians.items():
        ident = rl.identity(name)
        if ident["scenario"] == scenario and ident["language"] == language:
            found[name] = (ident, row)
    return found.values()


def backend_rank(backend):
    """Sorts back-ends in BACKEND_COLOURS's order (the suite's), others after by name."""
    order = list(BACKEND_COLOURS)
    family = Palette.family(backend)
    return (order.index(family) if family in order else len(order), family, backend)


def colour_tick_labels(labels, palette):
    for label in labels:
        label.set_color(palette.colour(label.get_text().split(" ")[0]))


def plot_create_ladder(medians, data, out_dir, palette):
    """create_split: per back-end, the three times of a start at each parent size,
    one panel per time, the back-ends ordered by their start to reap (a ladder)."""
    points = {}  # (back-end, parent MiB) -> row
    for ident, row in rows_of(medians, "create_split"):
        if "parent_mib" in ident:
            points[(ident["backend"], ident["parent_mib"])] = row
    if not points:
        print("no create_split results: create_ladder skipped")
        return 0
    sizes = sorted({mib for _, mib in points})
    smallest = sizes[0]

    def rung(backend):
        row = points.get((backend, smallest)) or {}
        return row.get("reap_us", math.inf)

    backends = sorted({b for b, _ in points}, key=lambda b: (rung(b), b))  # cheapest at the top
    raw = {}  # family -> {parent MiB: row} of the raw C loops with one worker
    for ident, row in rows_of(medians, "create"):
        if ident["backend"] in RAW_OF and ident.get("workers") == 1 and ident.get("parent_mib") in sizes \
                and set(ident) - set(rl.CSV_IDENTITY) == {"workers", "parent_mib"}:
            raw.setdefault(RAW_OF[ident["backend"]], {})[ident["parent_mib"]] = row
    figure, axes = plt.subplots(1, len(LADDER_FIELDS), figsize=(WIDTH_IN, 0.55 * len(backends) + 2.6),
                                sharey=True, squeeze=False)
    offsets = {mib: 0.3 * index - 0.3 * (len(sizes) - 1) / 2 for index, mib in enumerate(sizes)}  # 0 MiB above
    not_shown = set()
    for ax, (field, heading) in zip(axes[0], LADDER_FIELDS):
        for y, backend in enumerate(backends):
            colour = palette.colour(backend)
            shown = [(points[(backend, mib)][field], y + offsets[mib]) for mib in sizes
                     if field in points.get((backend, mib), {}) and points[(backend, mib)][field] > 0]
            ax.plot([x for x, _ in shown], [y for _, y in shown], color=colour, alpha=0.35, linewidth=1)  # growth
            for index, mib in enumerate(sizes):
                row = points.get((backend, mib))
                if row is None or field not in row or row[field] <= 0:
                    not_shown.add(f"{backend} at {mib} MiB")  # absent (or 0, off a log axis)
                    continue
                median, low, high = spread(row, field)
                ax.errorbar([median], [y + offsets[mib]], xerr=[[median - low], [high - median]], color=colour,
                            marker=SIZE_MARKERS[index % len(SIZE_MARKERS)], markersize=7, capsize=3,
                            linestyle="none", markerfacecolor=colour if index == 0 else "white", elinewidth=1)
            if field == "reap_us":
                for mib, row in raw.get(backend, {}).items():
                    micros = row.get("us_per_worker")
                    if micros:
                        ax.plot([micros], [y + offsets[mib]], marker="|", markersize=14, markeredgewidth=2.2,
                                color=colour, linestyle="none", gid="raw baseline")
        ax.set_xscale("log")
        log_values(ax, "x")
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
        ax.set_title(heading, fontsize=10)
        ax.set_xlabel("µs (log), p50 of a repetition")
        ax.grid(True, which="major", axis="x", alpha=0.3)
    for ax in axes[0]:  # narrow panels: a label per decade
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0,)))
    ax0 = axes[0][0]
    ax0.set_yticks(range(len(backends)))
    ax0.set_yticklabels(backends)
    ax0.set_ylim(len(backends) - 0.5, -0.5)  # the cheapest rung on top
    colour_tick_labels(ax0.get_yticklabels(), palette)
    handles = [Line2D([], [], color="dimgrey", marker=SIZE_MARKERS[index % len(SIZE_MARKERS)], linestyle="none",
                      markerfacecolor="dimgrey" if index == 0 else "white", label=f"parent {mib} MiB touched")
               for index, mib in enumerate(sizes)]
    if raw:
        handles.append(Line2D([], [], color="dimgrey", marker="|", markersize=14, markeredgewidth=2.2,
                              linestyle="none", label="raw C loop, 1 worker (create/raw_*)"))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), bbox_to_anchor=(0.5, 0.03), fontsize=9)
    title(figure, "The ladder: starting one process, timed three ways; cheapest start to reap on top\n"
                  "(bars: min–max of the repetitions)", data)
    figure.tight_layout(rect=(0, 0.09, 1, 1))
    if not_shown:
        figure.text(0.01, 0.005, "not shown (not measured): " + ", ".join(sorted(not_shown)), fontsize=8,
                    color="dimgrey", va="bottom")
    return save_with_legend(figure, data, out_dir, "create_ladder")


COW_SERIES = [("fork", "child", "fork: the child writes", None), ("fork", "parent", "fork: the parent writes", "//"),
              ("thread", None, "thread writes (nothing copied)", None)]
# Redis's latency notes: fork costs 9–13 ms per GB of the parent on physical hosts.
PUBLISHED_MS_PER_GB = parent_memory.PUBLISHED_MS_PER_GB
US_PER_MIB_PER_MS_PER_GB = 1e3 * (1 << 20) / 1e9  # 1 ms per GB (10^9 bytes) = 1.049 µs per MiB


def bar_value(ax, x, value, text):
    ax.annotate(text, (x, value), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=9)


def draw_cow_bill(ax, medians, palette):
    """Bars of µs per MiB written after fork (child, parent) and by a thread, per measured size."""
    bars = {}  # (series index, MiB) -> row
    for ident, row in rows_of(medians, "cow"):
        for index, (backend, writer, _, _) in enumerate(COW_SERIES):
            if ident["backend"] == backend and ident.get("writer") == writer and "mib" in ident \
                    and "us_per_mib" in row:
                bars[(index, ident["mib"])] = row
    sizes = sorted({mib for _, mib in bars})
    width = 0.8 / len(COW_SERIES)
    for index, (backend, writer, label, hatch) in enumerate(COW_SERIES):
        xs = [position + (index - (len(COW_SERIES) - 1) / 2) * width
              for position, mib in enumerate(sizes) if (index, mib) in bars]
        values = [spread(bars[(index, mib)], "us_per_mib") for mib in sizes if (index, mib) in bars]
        if not values:
            continue
        colour = palette.colour(backend)
        ax.bar(xs, [v[0] for v in values], width, color="white" if hatch else colour, edgecolor=colour,
               hatch=hatch, linewidth=1.5, label=label,
               yerr=[[v[0] - v[1] for v in values], [v[2] - v[0] for v in values]], capsize=3,
               error_kw={"elinewidth": 1, "ecolor": "black"})
        for x, value in zip(xs, values):
            bar_value(ax, x, value[2], f"{value[0]:.3g}")
    ax.set_yscale("log")
    log_values(ax)
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels([f"{mib} MiB written" for mib in sizes])
    ax.set_ylabel("µs per MiB written (log)")
    ax.set_title("The copy-on-write bill: one write\nin every 4 KiB page, timed by the writer", fontsize=10)
    ax.grid(True, which="major", axis="y", alpha=0.3)
    ax.margins(y=0.15)
    child = [bars[(0, mib)]["us_per_mib"] / bars[(2, mib)]["us_per_mib"] for mib in sizes
             if (0, mib) in bars and (2, mib) in bars and bars[(2, mib)]["us_per_mib"] > 0]
    if child:
        ax.set_xlabel(f"the child's writes cost {child[-1]:.0f}× a thread's ({sizes[-1]} MiB)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=1, fontsize=9)


def slope_text(fit):
    """'38.2 ms/GiB (35.1 to 41.3)', or 'under 1 ms/GiB' for a slope whose interval stays below 1."""
    high = fit.interval[1] if fit.interval else fit.slope
    if high < 1:
        return "under 1 ms/GiB"
    return f"{fit.slope:.1f} ms/GiB" + (f" ({fit.interval[0]:.1f} to {fit.interval[1]:.1f})" if fit.interval else "")


def draw_parent_fit(ax, medians, palette, fits):
    """The create scenario's parent-size sweep (per worker), the least-squares line
    of each back-end (`fits`: parent_memory.fork_cost_fits) and the published band
    from fork's intercept. Returns the worker count shown, or None without a sweep."""
    if not fits:
        return None
    sweeps = {}
    for (backend, workers), fit in fits.items():
        sweeps.setdefault(workers, {})[backend] = fit
    workers = max(sweeps, key=lambda w: (max(f.sizes for f in sweeps[w].values()), w == 4, w))
    keep = (lambda i: i["scenario"] == "create" and i["language"] == "cpp" and i.get("workers") == workers
            and set(i) - set(rl.CSV_IDENTITY) == {"workers", "parent_mib"})
    lines = collect(medians, keep, "parent_mib", "us_per_worker", lambda i: i["backend"], 1e-3)
    order = sorted(sweeps[workers], key=lambda b: (backend_rank(b), b in RAW_OF))  # those with a fit
    lines = {backend: lines[backend] for backend in order}
    top = max(p[0] for points in lines.values() for p in points)
    xs = [0, top]
    for backend in order:
        raw = backend in RAW_OF
        fit = sweeps[workers][backend]
        colour = palette.colour(backend)
        label = f"{backend} (baseline)" if raw else backend
        label += f": {slope_text(fit)}"
        ax.plot(xs, [fit.intercept * 1e-3 + fit.slope * x / 1024 for x in xs], color=colour,  # slope: ms per GiB
                linestyle=STYLES["raw"] if raw else "-", linewidth=1.2, alpha=0.8)
        draw(ax, lines[backend], colour, "none", MARKERS["raw" if raw else ""], label, hollow=raw)
    fork = sweeps[workers].get("fork")
    if fork:
        low, high = (v * US_PER_MIB_PER_MS_PER_GB * 1e-3 for v in PUBLISHED_MS_PER_GB)  # ms per MiB
        base = fork.intercept * 1e-3
        published = f"{PUBLISHED_MS_PER_GB[0]:g}–{PUBLISHED_MS_PER_GB[1]:g} ms per GB"
        ax.fill_between(xs, [base + low * x for x in xs], [base + high * x for x in xs], color="grey", alpha=0.25,
                        linewidth=0, label=f"published (Redis, physical hosts): {published}, from fork at 0 MiB")
    measured_ticks(ax, [p[0] for points in lines.values() for p in points])
    ax.set_xlabel("parent's touched memory (MiB)", labelpad=0)
    ax.set_ylabel(f"ms per worker ({workers} started, then joined)")
    ax.set_title("What each GiB of the parent adds (least squares,\n95% interval of the slope)", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=1, fontsize=9)
    return workers


def plot_copy_on_write(medians, data, out_dir, palette):
    has_cow = any(True for _ in rows_of(medians, "cow"))
    fits = parent_memory.fork_cost_fits(medians)  # least squares per back-end: once per plot
    has_fit = bool(fits)
    if not has_cow and not has_fit:
        print("no cow or create parent_mib sweep results: copy_on_write skipped")
        return 0
    def draw_fit(ax, medians, palette):
        return draw_parent_fit(ax, medians, palette, fits)

    panels = [panel for panel, present in [(draw_cow_bill, has_cow), (draw_fit, has_fit)] if present]
    figure, axes = plt.subplots(1, len(panels), figsize=(WIDTH_IN, 6.6), squeeze=False)
    for ax, panel in zip(axes[0], panels):
        panel(ax, medians, palette)
    title(figure, "fork and the parent's memory (bars: min–max of the repetitions)", data)
    return save(figure, data, out_dir, "copy_on_write")


# Line style of a pool's feed: the mechanism's own style (STYLES), a third for a worker created per task.
FEED_STYLES = {"shm_ring (spin)": STYLES["shm_ring"], "pipe": STYLES["pipe"], "per task": "--"}
FEED_MARKERS = {"shm_ring (spin)": "o", "pipe": "o", "per task": "s"}


def count_label(value, _=None):
    """1k, 10k, 5M: a task size in elements."""
    for suffix, size in [("M", 10**6), ("k", 10**3)]:
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def plot_pool_crossover(medians, data, out_dir, palette):
    """Efficiency (ideal / measured) of the chunked sum of squares against the task
    size, per pool: colour = back-end, line style = how the tasks travel."""
    groups, feed_of = {}, {}
    for name, _, feed, workers, n, _ in pools.sumsq_rows(medians):
        groups.setdefault((workers, n), set()).add(name)
        feed_of[name] = feed
    if not groups:
        print("no pool sum-of-squares results: pool_crossover skipped")
        return 0
    figure, axes = plt.subplots(len(groups), 1, figsize=(WIDTH_IN, 4.6 * len(groups) + 1.6), squeeze=False)
    feeds, backends = set(), set()
    for ax, ((workers, n), names) in zip(axes[:, 0], sorted(groups.items())):
        lines = collect({name: medians[name] for name in names}, lambda i: True, "chunk", "efficiency",
                        lambda i: (i["backend"], feed_of[i["base_name"]]), 100.0)
        for index, ((backend, feed), points) in enumerate(sorted(lines.items())):
            dodge = 2 ** (0.04 * (index - (len(lines) - 1) / 2))  # equal values side by side, not hidden
            draw(ax, [(p[0] * dodge, *p[1:]) for p in points], palette.colour(backend),
                 FEED_STYLES.get(feed, "-."), FEED_MARKERS.get(feed, "o"), hollow=feed == "per task")
            feeds.add(feed)
            backends.add(backend)
        ax.axhline(pools.THRESHOLD * 100, color="grey", linewidth=3, alpha=0.4)  # unlike any feed's line
        ax.text(0.0, pools.THRESHOLD * 100, f" {pools.THRESHOLD:.0%} of the ideal", transform=ax.get_yaxis_transform(),
                ha="left", va="bottom", fontsize=9)
        ax.set_xscale("log")
        measured_ticks(ax, [p[0] for points in lines.values() for p in points], label=count_label)
        top = max(p[3] for points in lines.values() for p in points)
        ax.set_ylim(0, max(110, top * 1.08))
        ax.set_xlabel("task size (elements of the sum per task; the largest: one task per worker)")
        ax.set_ylabel("efficiency: ideal / measured (%)")
        ax.set_title(f"sum of squares, n = {n:,}, {workers} workers", fontsize=10)
        ax.grid(True, alpha=0.3)
        note_absent(ax, backends_of(medians, "pool"), {b for b, _ in lines})
    handles = [Line2D([], [], color=palette.colour(b), linewidth=4, label=b) for b in sorted(backends)]
    handles += [Line2D([], [], color="black", linestyle=FEED_STYLES.get(f, "-."), marker=FEED_MARKERS.get(f, "o"),
                       markerfacecolor="white" if f == "per task" else "black",
                       label="a worker created per task" if f == "per task" else f"pool fed through {f}")
                for f in sorted(feeds)]
    figure.legend(handles=handles, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.03))
    title(figure, "Pools: from which task size the work outweighs the dispatch (bars: min–max of the repetitions)",
          data)
    figure.tight_layout(rect=(0, 0.13, 1, 1))
    return save_with_legend(figure, data, out_dir, "pool_crossover")


def latency_point(row):
    """(p50, p99 or None) of a round-trip benchmark's median row, µs."""
    return row["round_trip_p50_us"], row.get("round_trip_p99_us")


def plain_round_trip(medians, backend, feed):
    """The name of the plain 8-byte round trip (2 CPUs) of a pool's mechanism and
    back-end: the shared-memory ring (threads: their in-process spsc ring) or the pipe."""
    if not feed.startswith("shm_ring"):
        return f"pipe/{backend}/pipe/bytes:8/cpus:cross/latency"
    ring = f"queue/{backend}/shm_ring/bytes:8/cpus:cross/wait:spin/latency"
    return ring if ring in medians else f"queue/{backend}/spsc/bytes:8/cpus:cross/wait:spin/latency"


def plot_pool_dispatch(medians, data, out_dir, palette):
    """One empty task dispatched and its result back (p50, line to p99), per pool,
    beside the plain 8-byte round trip of the same mechanism and back-end."""
    rows = {key: name for key, name in pools.dispatch(medians).items() if "round_trip_p50_us" in medians[name]}
    if not rows:
        print("no pool dispatch results: pool_dispatch skipped")
        return 0
    order = sorted(rows, key=lambda key: (not key[1].startswith("shm_ring"), key[1], backend_rank(key[0])))
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 0.75 * len(order) + 2.4))
    plain_shown = False
    for y, (backend, feed) in enumerate(order):
        colour = palette.colour(backend)
        plain = plain_round_trip(medians, backend, feed)
        for offset, name, hollow in [(-0.17, rows[(backend, feed)], False), (0.17, plain, True)]:
            row = medians.get(name)
            if not row or "round_trip_p50_us" not in row:
                continue
            p50, p99 = latency_point(row)
            if p99:
                ax.plot([p50, p99], [y + offset] * 2, color=colour, linewidth=5, alpha=0.3, solid_capstyle="butt")
            ax.plot([p50], [y + offset], marker="D" if hollow else "o", markersize=8, color=colour,
                    markerfacecolor="white" if hollow else colour, linestyle="none")
            ax.annotate(f"{p50:.3g}", (p50, y + offset), xytext=(-6, 0), textcoords="offset points", ha="right",
                        va="center", fontsize=9)
            plain_shown |= hollow
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{backend} pool, {feed}" for backend, feed in order])
    colour_tick_labels(ax.get_yticklabels(), palette)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xscale("log")
    low, high = ax.get_xlim()
    ax.set_xlim(low / 2, high)  # room for the values left of the markers
    log_values(ax, "x")
    ax.set_xlabel("round trip (µs, log): p50, band to p99")
    ax.grid(True, which="major", axis="x", alpha=0.3)
    handles = [Line2D([], [], color="dimgrey", marker="o", linestyle="none", label="pool: empty task and its result"),
               matplotlib.patches.Patch(color="grey", alpha=0.3, label="p50 to p99")]
    if plain_shown:
        handles.insert(1, Line2D([], [], color="dimgrey", marker="D", markerfacecolor="white", linestyle="none",
                                 label="plain 8-byte round trip, same mechanism (threads: spsc ring)"))
    legend_below(ax, handles=handles, ncol=2, fontsize=9)
    title(figure, "Pools: the dispatch of one empty task (one worker, ends on two CPUs)", data)
    return save(figure, data, out_dir, "pool_dispatch")


DETECT_METHODS = {"signalfd": "SIGCHLD\n(signalfd)", "pidfd": "pidfd\nin poll", "waitpid": "blocking\nwaitpid",
                  "robust_mutex": "robust mutex\nEOWNERDEAD"}


def plot_crash_detection(medians, data, out_dir, palette):
    """From a worker's abort() to the parent knowing: p50 per back-end (colour), per method (group)."""
    found = {}
    for ident, row in rows_of(medians, "isolation"):
        if "detect" in ident and "detect_p50_us" in row:
            found[(ident["backend"], ident["detect"])] = row
    if not found:
        print("no isolation detect: results: crash_detection skipped")
        return 0
    methods = [m for m in DETECT_METHODS if any(m == method for _, method in found)]
    methods += sorted({method for _, method in found} - set(methods))
    backends = sorted({b for b, _ in found}, key=backend_rank)
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 5.8))
    width = 0.84 / len(backends)
    for index, backend in enumerate(backends):
        xs, values = [], []
        for position, method in enumerate(methods):
            if (backend, method) in found:
                xs.append(position + (index - (len(backends) - 1) / 2) * width)
                values.append(spread(found[(backend, method)], "detect_p50_us"))
        colour = palette.colour(backend)
        ax.bar(xs, [v[0] for v in values], width * 0.92, color=colour, label=backend,
               yerr=[[v[0] - v[1] for v in values], [v[2] - v[0] for v in values]], capsize=2,
               error_kw={"elinewidth": 1, "ecolor": "black"})
        for x, value in zip(xs, values):
            ax.annotate(f"{value[0]:.3g}", (x, value[2]), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8, rotation=90)
    values = [row["detect_p50_us"] for row in found.values() if row["detect_p50_us"] > 0]
    logy = bool(values) and max(values) / min(values) > 10  # bars from 0 where they fit, else a log axis
    if logy:
        ax.set_yscale("log")
        ax.margins(y=0.2)
        log_values(ax)
    else:
        ax.set_ylim(0, max(spread(row, "detect_p50_us")[2] for row in found.values()) * 1.15)
    ax.set_xticks(range(len(methods)))
    ax.set_xticklabels([DETECT_METHODS.get(m, m) for m in methods])
    ax.set_ylabel(f"abort() to the parent knowing, µs ({'log; ' if logy else ''}p50)")
    ax.set_title("How fast a crash is noticed; threads: none (a thread's abort() ends the whole process)",
                 fontsize=10)
    ax.grid(True, which="major", axis="y", alpha=0.3)
    legend_below(ax, ncol=min(len(backends), 4))
    note_absent(ax, [f"{b} {m}" for b in backends for m in methods], [f"{b} {m}" for b, m in found])
    title(figure, "Crash detection latency (bars: min–max of the repetitions)", data)
    return save(figure, data, out_dir, "crash_detection")


MPI_PANEL = "MPI ranks, placed by mpirun"
# btl = line style: shared memory like the suite's ring, TCP like a socket.
BTL_STYLES = {"vader": "-", "tcp": "--"}


def mpi_lines(medians, mode):
    """{(variant, btl): [(bytes, median, low, high, row)]} of bench_mpi's ping-pong
    (round-trip p50; the raw loop, which times no round trip alone: its mean) or
    its streaming bandwidth (bytes/s)."""
    scenario, field = {"latency": ("pingpong", "round_trip_p50_us"),
                       "throughput": ("bandwidth", "bytes_per_second")}[mode]
    lines = {}
    for name, row in medians.items():
        ident = rl.identity(name)
        if ident["scenario"] != scenario or ident["mode"] != mode or "bytes" not in ident:
            continue
        if ident["backend"] == "raw_mpi" and mode == "latency":
            median, low, high = spread(row, "real_time", 1e6)  # mean µs per round trip, one per repetition
        elif field in row:
            median, low, high = spread(row, field, 1e-9 if mode == "throughput" else 1.0)
        else:
            continue
        lines.setdefault((ident["backend"], str(ident.get("btl", "?"))), []).append(
            (ident["bytes"], median, low, high, row))
    return {key: sorted(points, key=lambda p: p[0]) for key, points in lines.items()}


def draw_mpi_panel(ax, lines, references, palette, mode):
    """bench_mpi's series (colour mpi, line style = btl, the raw loop hollow) and,
    for comparison, the fork back-end's ring and pipe (`references`: {label: points})."""
    for label, (backend, style, points) in sorted(references.items()):
        draw(ax, points, palette.colour(backend), style, "o", label)
        for line in ax.get_lines()[-1:]:
            line.set_alpha(0.55)
    for (variant, btl), points in sorted(lines.items()):
        raw = variant == "raw_mpi"
        draw(ax, points, palette.colour(variant), BTL_STYLES.get(btl, ":"), MARKERS["raw" if raw else ""],
             f"{'raw MPI loop (mean)' if raw else 'mpi'}, btl {btl}", hollow=raw)
        if mode == "latency" and not raw:
            p99 = [p[4].get("round_trip_p99_us") for p in points]
            if all(value is not None for value in p99):
                ax.fill_between([p[0] for p in points], [p[1] for p in points], p99, color=palette.colour(variant),
                                alpha=0.12, linewidth=0)
    ax.set_title(MPI_PANEL + ("\none-way = round trip / 2" if mode == "latency" else ""), fontsize=10)
    ax.legend()  # read back by plot_ipc, which places it


def plot_others(medians, data, out_dir, palette, others):
    """The benchmarks of scenarios the registry does not know (`others`: {scenario: names}): median wall time
    per benchmark, bars from the fastest's tenth (a log axis), the spread of the repetitions as error bars."""
    names = [name for scenario_names in others.values() for name in scenario_names]
    figure, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * len(names) + 2.2))
    values = [spread(medians[name], "real_time", 1e6) for name in names]
    for y, (name, (median, low, high)) in enumerate(zip(names, values)):
        ax.barh([y], [median], color=palette.colour(rl.identity(name)["backend"]),
                xerr=[[median - low], [high - median]], capsize=3, error_kw={"elinewidth": 1, "ecolor": "black"})
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=9)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xscale("log")
    ax.set_xlim(min(v[1] for v in values) / 10, max(v[2] for v in values) * 2)
    log_values(ax, "x")
    ax.set_xlabel("median wall time per iteration (µs, log); bars: min–max of the repetitions")
    ax.grid(True, which="major", axis="x", alpha=0.3)
    title(figure, f"Other benchmarks: {', '.join(others)} (no plot of its own)", data)
    return save(figure, data, out_dir, "other_benchmarks")


# Each plot by its key (tvp.scenarios.REGISTRY's plot keys: the scenarios it shows), in the order drawn,
# with the files it writes.
PLOTS = {
    "create": (plot_create, "create_per_worker and create_parent_size"),
    "create_ladder": (plot_create_ladder, "create_ladder"),
    "copy_on_write": (plot_copy_on_write, "copy_on_write"),
    "sumsq_speedup": (plot_sumsq, "sumsq_speedup"),
    "python_gil": (plot_gil, "python_gil"),
    "ipc": (plot_ipc, "ipc_latency and ipc_throughput"),
    "memory_per_worker": (plot_memory, "memory_per_worker"),
    "iobound_throughput": (plot_iobound, "iobound_throughput"),
    "manager_cost": (plot_manager, "manager_cost"),
    "pool_crossover": (plot_pool_crossover, "pool_crossover"),
    "pool_dispatch": (plot_pool_dispatch, "pool_dispatch"),
    "crash_detection": (plot_crash_detection, "crash_detection"),
}


def draw_all(medians, data, out_dir):
    """Every plot whose scenarios the results hold, one line for each of the others and for each scenario no
    plot draws; the benchmarks of unknown scenarios in other_benchmarks. Returns the number of plots written."""
    found = scenarios.present(medians)
    palette = Palette({rl.identity(name)["backend"] for name in medians})
    written = 0
    for key, (plot, files) in PLOTS.items():
        if scenarios.shown("plots", key, found):
            written += plot(medians, data, out_dir, palette)
        else:
            names = " or ".join(f"`{name}`" for name in scenarios.showing("plots", key))
            print(f"no {names} results in this file: {files} skipped")
    for name in found:
        if name in scenarios.BY_NAME and not scenarios.BY_NAME[name].plots:
            print(f"`{name}`: no plot draws this scenario (scripts/report tables it)")
    others = scenarios.unknown(found)
    if others:
        written += plot_others(medians, data, out_dir, palette, others)
    return written


def main():
    parser = rl.Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="a results JSON (default: newest full run in results/)")
    parser.add_argument("--out-dir", default=str(ROOT / "results" / "plots"))
    args = parser.parse_args()
    out_dir = Path(args.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        rl.fail(f"{out_dir}: not a folder")
    path = Path(args.results) if args.results else rl.newest_full_run(ROOT / "results")
    try:
        data = rl.load(path)
        medians = rl.medians(data)
    except rl.UnusableResults as error:
        rl.fail(str(error))
    if not medians:
        rl.fail(f"{path} holds no measured benchmark (every one reported an error): nothing written")
    rl.check_output_dir(out_dir)
    if not draw_all(medians, data, out_dir):
        print(f"{path}: nothing to plot (the lines above say why)")


if __name__ == "__main__":
    main()
