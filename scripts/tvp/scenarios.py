"""The one registry of what the scripts know about each scenario: which benchmarks of a results file are
its, and which sections of scripts/report, rows of scripts/table and plots of scripts/plots show it.

A scenario is named as bench --list-scenarios and scripts/suite name it. The report, the table and the
plots each keep their code per key (Report.SECTIONS, table.ROWS, plots.PLOTS) and ask this registry which
scenarios a key shows: a key whose scenarios are all absent from a results file is left out and named as
lacking, one line each. Benchmarks of a scenario the registry does not know (a new one, before anyone
writes its section) are still shown: the report lists them under "Other benchmarks" (name and median), the
table names them under its sources and the plots draw them in other_benchmarks.png.

A new scenario that needs a table, a row or a plot of its own: its entry here, then the code under the keys
it names. tests/scripts/test_any_results.py checks that every key named here has its code and every piece
of code its key.
"""
from dataclasses import dataclass

from . import results_lib as rl

# The scenarios of bench_mpi (under mpirun) and bench_mpi_startup: the mpi scenario, whatever their names.
MPI_BACKENDS = ("mpi", "raw_mpi")


@dataclass(frozen=True)
class Scenario:
    name: str
    report: tuple = ()  # keys of the report's sections that show it
    table: tuple = ()  # keys of the table's rows
    plots: tuple = ()  # keys of the plots


# In bench's order (bench/scenarios.hpp).
REGISTRY = (
    Scenario("create", report=("create", "ladder", "fork_cost"), table=("creation",),
             plots=("create", "create_ladder", "copy_on_write")),
    Scenario("sumsq_kernel", report=("sumsq_kernel",)),
    Scenario("sumsq", report=("sumsq", "sumsq_crossover"), table=("parallelism", "result", "ideal_use"),
             plots=("sumsq_speedup", "python_gil")),
    Scenario("ipc_baseline", report=("ipc",), plots=("ipc",)),
    Scenario("queue", report=("ipc",), table=("communication",), plots=("ipc",)),
    Scenario("pipe", report=("ipc",), table=("communication",), plots=("ipc",)),
    Scenario("manager", report=("manager",), table=("manager",), plots=("manager_cost",)),
    Scenario("memory", report=("memory",), table=("memory",), plots=("memory_per_worker",)),
    Scenario("cow", report=("cow",), plots=("copy_on_write",)),
    Scenario("iobound", report=("iobound",), table=("ideal_use",), plots=("iobound_throughput",)),
    Scenario("isolation", report=("isolation", "detection"), table=("isolation",), plots=("crash_detection",)),
    Scenario("pool", report=("pool",), table=("pool",), plots=("pool_crossover", "pool_dispatch")),
    Scenario("workload"),
    Scenario("mpi", report=("mpi",), table=("creation", "communication", "parallelism"),
             plots=("sumsq_speedup", "ipc")),
    Scenario("python", report=("manager", "pool"), table=("python",), plots=("python_gil",)),
)
BY_NAME = {scenario.name: scenario for scenario in REGISTRY}


def scenario_of(name):
    """The scenario a benchmark of the results belongs to: a registered one, or else the first part of its
    name (a scenario the registry does not know)."""
    ident = rl.identity(name)
    if ident["language"] == "python":
        return "python"
    if ident["backend"] in MPI_BACKENDS:
        return "mpi"
    if ident["scenario"] == "create_split":
        return "create"
    return ident["scenario"]


def present(medians):
    """{scenario: [benchmark names]} of a results file's medians, in the order of the file."""
    found = {}
    for name in medians:
        found.setdefault(scenario_of(name), []).append(name)
    return found


def showing(kind, key):
    """The registered scenarios whose `kind` ('report', 'table' or 'plots') names `key`, in bench's order."""
    return [scenario.name for scenario in REGISTRY if key in getattr(scenario, kind)]


def keys(kind):
    """Every key of `kind` the registry names."""
    return {key for scenario in REGISTRY for key in getattr(scenario, kind)}


def shown(kind, key, found):
    """Whether `key` of `kind` has any of its scenarios in `found` (present())."""
    return any(name in found for name in showing(kind, key))


def unknown(found):
    """{scenario: names} of `found` that the registry does not know."""
    return {name: names for name, names in found.items() if name not in BY_NAME}


def absent(found):
    """The registered scenarios with no benchmark in `found`, in bench's order."""
    return [scenario.name for scenario in REGISTRY if scenario.name not in found]


def quoted(names):
    """'`a`', '`a` and `b`', '`a`, `b` and `c`'."""
    names = [f"`{name}`" for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def median_text(row):
    """A benchmark's median wall time per iteration, with its unit and the noisy mark."""
    return rl.format_seconds(rl.to_seconds(row["real_time"], row["time_unit"])) + rl.mark(row, "real_time")
