"""A short look at the machine before a run: is it quiet enough for timings?

Reads the 1-minute load average against the CPUs this process may use, the
processes (not ours) that use CPU right now (two samples of /proc/<pid>/stat half
a second apart), the CPU frequency governor and boost, SMT and the transparent
huge pages mode. Each finding that makes a run noisy becomes a warning in plain
words; the run goes on anyway (the warnings are recorded in its results).
"""
import os
import time
from pathlib import Path

LOAD_PER_CPU_LIMIT = 0.25  # a quarter of the CPUs busy on average already shows in the times
BUSY_SHARE_LIMIT = 0.10    # a process using a tenth of a CPU or more competes with the benchmarks


def read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def cpu_ticks(proc):
    """{pid: (command, utime + stime in clock ticks)} for every process readable now."""
    ticks = {}
    for entry in Path(proc).iterdir():
        if not entry.name.isdigit():
            continue
        stat = read(entry / "stat")
        if not stat or ")" not in stat:
            continue
        command = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()  # fields[0] is the state, field 3 of stat(5)
        try:
            ticks[int(entry.name)] = (command, int(fields[11]) + int(fields[12]))
        except (IndexError, ValueError):
            continue
    return ticks


def busy_processes(proc, ours, seconds, wait):
    """[(pid, command, share of one CPU)] of the processes not in `ours` using
    BUSY_SHARE_LIMIT of a CPU or more over `seconds`, busiest first."""
    before = cpu_ticks(proc)
    wait(seconds)
    after = cpu_ticks(proc)
    per_second = os.sysconf("SC_CLK_TCK")
    busy = []
    for pid, (command, ticks) in after.items():
        if pid in ours or pid not in before:
            continue
        share = (ticks - before[pid][1]) / per_second / seconds
        if share >= BUSY_SHARE_LIMIT:
            busy.append((pid, command, share))
    return sorted(busy, key=lambda entry: -entry[2])


def check(proc="/proc", sys_root="/sys", cpus=None, ours=None, seconds=0.5, wait=time.sleep):
    """{"load_1min", "cpus", "busy_processes", "governor", "boost", "smt", "thp", "warnings"}."""
    cpus = cpus or len(os.sched_getaffinity(0))
    ours = ours if ours is not None else {os.getpid()}
    cpu = Path(sys_root) / "devices" / "system" / "cpu"
    found = {"cpus": cpus, "warnings": []}
    warn = found["warnings"].append

    loadavg = read(Path(proc) / "loadavg")
    found["load_1min"] = float(loadavg.split()[0]) if loadavg else None
    if found["load_1min"] is not None and found["load_1min"] > LOAD_PER_CPU_LIMIT * cpus:
        warn(f"the machine is busy: the load average over the last minute is {found['load_1min']:.2f} on "
             f"{cpus} CPUs, so other work competes with the benchmarks")

    busy = busy_processes(proc, ours, seconds, wait)
    found["busy_processes"] = [f"{pid} {command} {share:.0%}" for pid, command, share in busy[:5]]
    if busy:
        names = ", ".join(f"{command} (pid {pid}, {share:.0%} of a CPU)" for pid, command, share in busy[:3])
        warn(f"other programs are using the CPUs right now: {names}")

    governors = {read(path) for path in cpu.glob("cpu[0-9]*/cpufreq/scaling_governor")} - {None}
    found["governor"] = ",".join(sorted(governors)) if governors else "unreadable"
    if governors - {"performance"}:
        warn(f"the CPU frequency governor is {found['governor']}: the clock speed follows the load, so the first "
             "moments of each benchmark run slower ('performance' holds it steady)")

    boost, no_turbo = read(cpu / "cpufreq" / "boost"), read(cpu / "intel_pstate" / "no_turbo")
    found["boost"] = ("on" if boost == "1" or no_turbo == "0" else
                      "off" if boost == "0" or no_turbo == "1" else "unreadable")
    if found["boost"] == "on":
        warn("turbo boost is on: the clock speed depends on temperature and on how many cores are busy")

    smt = read(cpu / "smt" / "active")
    found["smt"] = {"1": "on", "0": "off"}.get(smt, "unreadable")
    if found["smt"] == "on":
        warn("SMT (hyper-threading) is on: two workers may share one physical core, and which pair of CPUs they "
             "get changes from run to run")

    thp = read(Path(sys_root) / "kernel" / "mm" / "transparent_hugepage" / "enabled")
    found["thp"] = (thp[thp.index("[") + 1:thp.index("]")] if thp and "[" in thp else "unreadable")
    if found["thp"] == "always":
        warn("transparent huge pages are 'always': fork and memory figures change as the kernel merges pages "
             "in the background")
    return found


def summary(found):
    """One line of what was found."""
    load = "unreadable" if found["load_1min"] is None else f"{found['load_1min']:.2f}"
    return (f"machine check: load {load} on {found['cpus']} CPUs; {len(found['busy_processes'])} other busy "
            f"process(es); governor {found['governor']}; boost {found['boost']}; SMT {found['smt']}; "
            f"THP {found['thp']}")
