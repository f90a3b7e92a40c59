"""MPI ranks (bench_mpi, merged into the results by scripts/suite) beside the
suite's own mechanisms and back-ends: the MPI figures, from one
results file, and the report's section for them (scripts/report).

- Latency: the 8-byte one-way p50 of bench_mpi's ping-pong over shared memory
  (btl vader) and over TCP, beside the suite's ring (shm_ring, wait:spin and
  wait:block, the futex) and the pipe, both on the fork back-end and 2 CPUs
  (cpus:cross). MPI's one-way is half the round trip (OSU's definition); the
  suite's is taken from both sides' clocks. The round-trip p50 is shown too: it
  is measured the same way everywhere.
- Harness cost: bench_mpi's ping-pong over the raw MPI loop (pingpong/raw_mpi)
  at 8 B and 64 KiB, the ratio of the medians of their time per round trip
  (real_time); the issue's target is at most 1.2.
- sumsq: the speedup of 2 ranks at n = 10^8 (against 1 rank, same run) beside
  the fork back-end's with 2 workers.

MPI rows are found whatever the rank count of the run (`ranks:N` in the
ping-pong's name); where a run holds several, the smallest is shown.
"""
from . import results_lib as rl

TARGET_RATIO = 1.2
TRANSPORTS = {"vader": "shared memory (btl vader)", "tcp": "TCP (btl tcp)"}
RATIO_SIZES = {8: "8 B", 65536: "64 KiB"}
SUMSQ_N = 100_000_000
# The suite's own 8-byte round trips on 2 CPUs (fork back-end), as the issue names them.
SUITE_LATENCY = [
    ("shm_ring, spin (fork)", "queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency"),
    ("shm_ring, futex (fork)", "queue/fork/shm_ring/bytes:8/cpus:cross/wait:block/latency"),
    ("pipe (fork)", "pipe/fork/pipe/bytes:8/cpus:cross/latency"),
]


def mpi_name(medians_by_name, scenario, variant, btl, **params):
    """The name of the bench_mpi benchmark `scenario/variant/ranks:N/btl:B/...params` with the fewest ranks, or
    None."""
    wanted = {key: str(value) for key, value in params.items()}
    found = []
    for name in medians_by_name:
        s, b, p = rl.parse_name(name)
        if s != scenario or b != variant or p.get("btl") != btl or "ranks" not in p:
            continue
        rest = {key: value for key, value in p.items() if key not in ("ranks", "btl")}
        if rest == wanted:
            found.append((int(p["ranks"]), name))
    return min(found)[1] if found else None


def pingpong_name(medians_by_name, btl, variant="mpi", payload=8):
    return mpi_name(medians_by_name, "pingpong", variant, btl, bytes=payload, parts="latency")


def latency_rows(medians_by_name):
    """[(mechanism, benchmark name or None, how its one-way is measured)]: MPI over each transport, then the
    suite's ring and pipe."""
    rows = [(f"MPI, {TRANSPORTS[btl]}", pingpong_name(medians_by_name, btl), "half the round trip")
            for btl in TRANSPORTS]
    rows += [(label, name if name in medians_by_name else None, "both sides' clocks") for label, name in SUITE_LATENCY]
    return rows


def harness_ratios(medians_by_name):
    """{(btl, bytes): (pingpong/mpi's median time per round trip over pingpong/raw_mpi's, whether either is
    noisy)}, where both are present."""
    ratios = {}
    for btl in TRANSPORTS:
        for payload in RATIO_SIZES:
            ours = pingpong_name(medians_by_name, btl, "mpi", payload)
            raw = pingpong_name(medians_by_name, btl, "raw_mpi", payload)
            if ours and raw:
                a, b = (rl.to_seconds(medians_by_name[n]["real_time"], medians_by_name[n]["time_unit"])
                        for n in (ours, raw))
                if b > 0:
                    noisy = any(rl.noisy(medians_by_name[n], "real_time") for n in (ours, raw))
                    ratios[(btl, payload)] = (a / b, noisy)
    return ratios


def describe_ratio(ratio, noisy):
    return f"{ratio:.2f}{rl.NOISY_MARK if noisy else ''}" + ("" if ratio <= TARGET_RATIO else " (over the target)")


def sumsq_speedups(medians_by_name):
    """{label: benchmark name} of the 2-way sums at n = 10^8: MPI over each transport, the fork back-end."""
    names = {f"MPI, 2 ranks, {TRANSPORTS[btl]}": f"sumsq/mpi/ranks:2/btl:{btl}/n:{SUMSQ_N}" for btl in TRANSPORTS}
    names["fork, 2 workers"] = f"sumsq/fork/workers:2/n:{SUMSQ_N}"
    return {label: name for label, name in names.items() if name in medians_by_name}


def has_mpi(medians_by_name):
    return any(rl.parse_name(name)[1] in ("mpi", "raw_mpi") for name in medians_by_name)


def section(report, table):
    """The report's MPI section; `report` is scripts/report's Report, `table` its Markdown table. Empty without
    any MPI row; says so where the suite recorded why MPI was skipped."""
    m = report.m
    skipped = (report.data.get("context", {}).get("mpi") or {}).get("skipped")
    if not has_mpi(m):
        return f"### MPI ranks: skipped: {skipped}\n" if skipped else ""
    out = ["### MPI ranks: 8-byte latency on one host, µs: one-way p50 (how it is measured), round-trip p50\n"]
    rows = []
    for label, name, how in latency_rows(m):
        if name is None:
            rows.append([label, "—", "—", "—"])
        else:
            rows.append([label, report.cell(name, "one_way_p50_us", "{:.3g}"), how,
                         report.cell(name, "round_trip_p50_us", "{:.3g}")])
    out.append(table(["mechanism", "one-way p50", "one-way from", "round-trip p50"], rows))
    ratios = harness_ratios(m)
    if ratios:
        out.append(f"\n### MPI ranks: bench_mpi's ping-pong over the raw MPI loop (median time per round trip; "
                   f"target ≤ {TARGET_RATIO})\n")
        out.append(table(["transport", *RATIO_SIZES.values()], [
            [TRANSPORTS[btl], *[describe_ratio(*ratios[(btl, size)]) if (btl, size) in ratios else "—"
                                for size in RATIO_SIZES]]
            for btl in TRANSPORTS if any((btl, size) in ratios for size in RATIO_SIZES)]))
    speedups = sumsq_speedups(m)
    if speedups:
        out.append("\n### MPI ranks: sumsq at n = 10^8, speedup of 2 against 1 (same back-end, same run)\n")
        out.append(table(["back-end", "speedup", "wall time (ms)"], [
            [label, report.cell(name, "speedup", "{:.2f}"),
             f"{rl.to_seconds(m[name]['real_time'], m[name]['time_unit']) * 1e3:.2f}{rl.mark(m[name], 'real_time')}"]
            for label, name in speedups.items()]))
    return "".join(out)
