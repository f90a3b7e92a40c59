"""The Python model behind scripts/advise --language python: the seconds a batch of N tasks takes in the
chapter's Python with each way to run it, predicted from scripts/python_reference's rows (python_pools.py
measures the pools). Pure functions over a PythonCosts object (advise_python_costs reads one).

A task is T µs of Python work (as long as it runs alone in one thread) that sends B bytes to its worker and B
bytes back. The terms, medians over the repetitions (X: the largest n with a one-thread sum; W': the measured
worker count nearest W from below, else the smallest measured):

    S1          = t(python_sumsq/thread/workers:1/n:X): the work alone, in one thread.
    e_thread(W) = t(python_sumsq/thread/workers:W'/n:X) / S1 µs per µs of work: the GIL runs threads' work
                  one at a time, so no scaling by CPUs.
    e_proc(W)   = t(python_sumsq/process_fork/workers:W'/n:X) / S1 × min(W', CPUs) / min(W, CPUs) µs per µs
                  (the same for every start method: the start method does not change how fast the work runs).
    o_k         = (t(R1) - t(R2)) / (tasks(R1) - tasks(R2)), at least 0: pool k's wall time per task,
                  R1 and R2 = python_pool/k/workers:W_k/task:sumsq/n:n/chunk:C, the two rows of that pool with
                  the most tasks (the two smallest chunks): the same sum cut in more tasks, so the difference
                  is what the extra tasks cost (the work cancels out).
    p(B)        = the extra round trip of B bytes each way over the smallest size measured, never below 0:
                  piecewise linear through python_pipe/process_fork/pipe/bytes:B/latency where two sizes or
                  more exist; else, assumed, through the C++ pipe between forked processes of the same file
                  (pipe/fork/pipe/bytes:B/cpus:any/latency: pickling a bytes object adds one copy this leaves
                  out); else 0, assumed and said.
    c_fork      = t(python_create/process_fork/workers:4) / 4: one process started and joined, 4 at a time.

    thread_pool              = N × (o_thread + T × e_thread(W))           (ThreadPool passes references)
    process_pool_<method>    = N × (o_<method> + p(B) + T × e_proc(W))    (multiprocessing.Pool, fork,
                                                                           forkserver or spawn)
    process_per_task         = N × (c_fork + p(B) / 2 + T × e_proc(W))    (a fork Process per task: its
                                                                           argument is in the forked copy,
                                                                           only the result travels)
    overhead_share           = 1 - (N × T µs / min(W, CPUs)) / predicted, clamped to [0, 1], as for C++: for
                               the thread pool it includes the parallelism the GIL forgoes.

Assumed, not measured: o_k and c_fork at any W are those measured at W_k and at 4 workers, and o_k does not
depend on the task's length; a process's crash
leaves the other tasks be in the process strategies (multiprocessing.Pool replaces the dead worker, but the
crashed task's result never comes, so a map() waits for it); a thread's crash ends them all.
"""
from dataclasses import dataclass, field

from .advise_model import Prediction, interpolate, overhead_share, rank

START_METHODS = ("fork", "forkserver", "spawn")
CREATE_WORKERS = 4  # python_create's rows start and join 4 at a time


@dataclass(frozen=True)
class PoolRows:
    """One pool's two rows with the most tasks: ((tasks, Term: seconds for the whole sum), ...), most first."""
    rows: tuple


@dataclass(frozen=True)
class PythonCosts:
    cpus: int
    serial: object  # Term: S1, seconds
    thread_sums: dict  # {W: Term}, python_sumsq/thread/workers:W, seconds
    process_sums: dict  # {W: Term}, python_sumsq/process_fork/workers:W
    pools: dict  # {"thread" or a start method: PoolRows}
    create_fork: object = None  # Term, seconds for python_create's CREATE_WORKERS processes; None: not measured
    payload: tuple = ()  # ((bytes, Term: round trip seconds), ...), ascending; () when none
    payload_source: str = "no payload rows: p(B) = 0 assumed"
    left_out: dict = field(default_factory=dict)


def nearest(measured, workers):
    """W': the largest measured worker count up to `workers`, else the smallest."""
    below = [w for w in measured if w <= workers]
    return max(below) if below else min(measured)


def e_thread(costs, workers):
    """Wall seconds per µs of work per task on `workers` threads."""
    return costs.thread_sums[nearest(costs.thread_sums, workers)].value / costs.serial.value * 1e-6


def e_proc(costs, workers):
    """Wall seconds per µs of work per task on `workers` processes."""
    measured = nearest(costs.process_sums, workers)
    return (costs.process_sums[measured].value / costs.serial.value * 1e-6
            * min(measured, costs.cpus) / min(workers, costs.cpus))


def pool_overhead(costs, kind):
    """o_k: seconds per task."""
    (tasks_1, time_1), (tasks_2, time_2) = costs.pools[kind].rows
    return max(0.0, (time_1.value - time_2.value) / (tasks_1 - tasks_2))


def payload(costs, nbytes):
    """p(B): seconds of round trip for B bytes each way beyond the smallest size measured."""
    if not costs.payload:
        return 0.0
    base = costs.payload[0][1].value
    return max(0.0, interpolate([(b, term.value - base) for b, term in costs.payload], nbytes))


def strategies(costs):
    """{strategy: (overhead per task, payload factor, e function)} for those the costs allow."""
    found = {}
    if "thread" in costs.pools:
        found["thread_pool"] = (pool_overhead(costs, "thread"), 0.0, e_thread)
    for method in START_METHODS:
        if method in costs.pools:
            found[f"process_pool_{method}"] = (pool_overhead(costs, method), 1.0, e_proc)
    if costs.create_fork is not None:
        found["process_per_task"] = (costs.create_fork.value / CREATE_WORKERS, 0.5, e_proc)
    return found


def predict(costs, workload):
    """Every strategy the costs allow, ranked (advise_model.Prediction)."""
    predictions = []
    for strategy, (overhead, factor, per_us_of) in strategies(costs).items():
        moved, per_us = factor * payload(costs, workload.bytes), per_us_of(costs, workload.workers)
        seconds = workload.tasks * (overhead + moved + workload.task_us * per_us)
        predictions.append(Prediction(strategy, seconds, overhead_share(seconds, workload, costs.cpus),
                                      strategy != "thread_pool",
                                      {"overhead_per_task_s": overhead, "payload_per_task_s": moved,
                                       "wall_s_per_work_us": per_us, "overhead_s": workload.tasks * overhead,
                                       "payload_s": workload.tasks * moved,
                                       "work_s": workload.tasks * workload.task_us * per_us}))
    return rank(predictions)
