"""The C++ model behind scripts/advise: the seconds a batch of N tasks takes with each strategy of bench's
`workload` scenario, predicted from that scenario's calibration rows on this machine. Pure functions over a
Costs object (advise_costs reads one from a results file), so that tests can give made-up costs.

For strategy s at W workers, from the calibration rows of that W (medians over the repetitions; a row's
seconds per iteration / its tasks = its seconds per task; bench runs pools 8 times the tasks of the others at
the short points, so the tasks are read from each row's name):

    u_s(T) = seconds per task with T µs of work and no bytes: piecewise linear in T through the rows
             workload/s/tasks:N/task_us:T/bytes:0/workers:W at T = 0, 10, 100, 1000 and 10000; beyond 10 ms
             the last segment (1 to 10 ms) goes on. Not a straight line through 0: a pool's parent is the
             bottleneck while tasks are short (10 µs of work cost a pool nothing more than none), and a thread
             or process started per task shares its parent's CPU for its first milliseconds.
    v_s(B) = what B bytes each way add per task: o_s(B) - o_s(0), with o_s piecewise linear in B through the
             rows workload/s/tasks:N/task_us:0/bytes:B/workers:W at B = 0, 65536 and 1048576 (beyond 1 MiB
             the last segment goes on); never below 0.
    predicted_seconds(N, T, B) = N × (u_s(T) + v_s(B))
    overhead_share = 1 - (N × T µs / min(W, CPUs)) / predicted_seconds, clamped to [0, 1]: the share of the
             predicted time beyond the work spread ideally over the workers.

CPUs is the calibration run's num_cpus. The ranking is by predicted seconds, fastest first. Since every term
is per task, the winner does not depend on N. A strategy whose calibration row reported an error has no
costs: it is in Costs.left_out with bench's message, never dropped silently.

Isolation: the process strategies (fork, posix_spawn and vfork per task, fork and posix_spawn pools) keep a
crashed task from taking the others down; the thread strategies do not (a crash ends the whole process).
"""
from dataclasses import dataclass, field

# Every strategy of bench's workload scenario, in bench's order: whether a crashed task leaves the others be.
STRATEGIES = {"thread_per_task": False, "thread_pool": False, "fork_per_task": True, "posix_spawn_per_task": True,
              "vfork_per_task": True, "fork_pool": True, "posix_spawn_pool": True}
POOLS = ("thread_pool", "fork_pool", "posix_spawn_pool")
PROCESS_POOLS = ("fork_pool", "posix_spawn_pool")
# The calibration points bench's default workload grid runs for each W: (task_us, bytes).
OVERHEAD_BYTES = (0, 65536, 1048576)
WORK_US = (0, 10, 100, 1000, 10000)
CALIBRATION_POINTS = tuple((0, b) for b in OVERHEAD_BYTES) + tuple((t, 0) for t in WORK_US if t)


@dataclass(frozen=True)
class Workload:
    tasks: int
    task_us: float
    bytes: int
    workers: int


@dataclass(frozen=True)
class Term:
    """One measured cost and the benchmark it comes from."""
    value: float
    benchmark: str


@dataclass(frozen=True)
class StrategyCosts:
    """A strategy's calibration: seconds per task with no work at each size ((bytes, Term), ...: ascending,
    the first at 0 bytes), and with no bytes at each work size ((task_us, Term), ...: ascending, the first at
    0 µs, the same row as the overhead's first)."""
    strategy: str
    overhead: tuple
    work: tuple


@dataclass(frozen=True)
class Costs:
    workers: int
    cpus: int
    strategies: dict  # {strategy: StrategyCosts}
    left_out: dict = field(default_factory=dict)  # {strategy: why it has no costs}


@dataclass(frozen=True)
class Prediction:
    strategy: str
    predicted_seconds: float
    overhead_share: float
    isolated: bool
    terms: dict  # the formula's terms for this workload, in seconds (named after the benchmarks in the docs)


def interpolate(points, x):
    """Piecewise linear through points ((x, y), ...) ascending in x, the last segment extended beyond the last
    point (and the first before the first); a single point is a constant."""
    if len(points) == 1:
        return points[0][1]
    index = next((i for i in range(1, len(points) - 1) if x <= points[i][0]), len(points) - 1)
    (x0, y0), (x1, y1) = points[index - 1], points[index]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def overhead_per_task(costs, nbytes):
    """o_s(B), seconds."""
    return interpolate([(b, term.value) for b, term in costs.overhead], nbytes)


def time_per_task(costs, task_us):
    """u_s(T), seconds."""
    return interpolate([(t, term.value) for t, term in costs.work], task_us)


def payload_per_task(costs, nbytes):
    """v_s(B) = o_s(B) - o_s(0), seconds, never below 0."""
    return max(0.0, overhead_per_task(costs, nbytes) - costs.overhead[0][1].value)


def ideal_seconds(workload, cpus):
    """N × T µs spread over min(W, CPUs) workers: the work alone, ideally parallel."""
    return workload.tasks * workload.task_us * 1e-6 / min(workload.workers, cpus)


def overhead_share(predicted, workload, cpus):
    if predicted <= 0:
        return 0.0
    return min(1.0, max(0.0, 1.0 - ideal_seconds(workload, cpus) / predicted))


def predict_one(costs, workload, cpus):
    per_task, payload = time_per_task(costs, workload.task_us), payload_per_task(costs, workload.bytes)
    seconds = workload.tasks * (per_task + payload)
    return Prediction(costs.strategy, seconds, overhead_share(seconds, workload, cpus),
                      STRATEGIES.get(costs.strategy, False),
                      {"time_per_task_s": per_task, "payload_per_task_s": payload})


def rank(predictions):
    """Fastest first; equal times in the order given."""
    return sorted(predictions, key=lambda p: p.predicted_seconds)


def predict(costs, workload):
    """Every strategy with costs, ranked."""
    return rank(predict_one(c, workload, costs.cpus) for c in costs.strategies.values())


def keep_isolated(predictions):
    """(the isolated predictions, the strategies left out for not being isolated)."""
    return [p for p in predictions if p.isolated], [p.strategy for p in predictions if not p.isolated]


def ratio(slower, faster):
    return slower.predicted_seconds / faster.predicted_seconds if faster.predicted_seconds > 0 else float("inf")


def comparison(ranked):
    """'thread_pool is 1.8× faster than fork_pool (the runner-up) and 12× faster than vfork_per_task (the
    slowest).' for a ranked list."""
    if not ranked:
        return "No strategy is left to compare."
    if len(ranked) == 1:
        return f"{ranked[0].strategy} is the only strategy left."
    winner, runner_up, slowest = ranked[0], ranked[1], ranked[-1]
    if ratio(runner_up, winner) < 1.005:
        text, joint = (f"{winner.strategy} and {runner_up.strategy} (the runner-up) are predicted equal, within "
                       f"0.5%"), f"; {winner.strategy} is"
    else:
        text, joint = (f"{winner.strategy} is {times(ratio(runner_up, winner))} faster than {runner_up.strategy} "
                       "(the runner-up)"), " and"
    if slowest is not runner_up:
        text += f"{joint} {times(ratio(slowest, winner))} faster than {slowest.strategy} (the slowest)"
    return text + "."


def times(factor):
    """1.8×, 12×, 1.03×."""
    return f"{factor:.3g}×" if factor < 100 else f"{factor:,.0f}×"
