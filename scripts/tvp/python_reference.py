"""Runs the chapter's own examples in Python (threading vs multiprocessing) and
writes their timings in Google Benchmark's JSON format, so that the table and
the plots can show the Python the chapter describes beside the C++ back-ends.

Usage: scripts/python_reference [--out FILE] [--repetitions N] [--n N[,N...]] [--workers W[,W...]] [--quick]

Measured, each repeated: creating and joining 4 threads / processes (fork and
spawn start methods); a Queue and a Pipe round trip (threads; processes); a
Manager dict+list write under a Manager Lock; the sum of squares for every n
and worker count asked, threads vs processes. The default is the chapter's own
case, n = 10^8 on 4 workers, plus 1 and 2 workers for the speedup (on a 2-CPU
machine about 40 s per repetition). Every result is checked (sum exact, echoes
in order, final state).

The processes run the chapter's code as written: each stores its partial sum in
a multiprocessing.Value('d'), a C double, and the parent adds those doubles.
Above 2^53 a double cannot hold every integer, so for n = 10^8 (sum about
3.3e23) the chapter's result is rounded. Each process also sends its exact
partial sum back through a Queue; every process row reports both (label: the
exact sum, the Value('d') result, their difference; counters value_d_result and
value_d_error = exact - Value('d') result).
"""
import argparse
import json
import multiprocessing
import os
import platform
import queue
import signal
import sys
import threading
import time
from datetime import datetime, timezone

from . import python_pools

# 0^2 + 1^2 + ... + (n-1)^2, exactly: the closed form the pools check against too.
exact_sum_of_squares = python_pools.closed_form
from . import results_lib

WORKERS = 4
CHAPTER_N = 100_000_000  # the chapter's case: n = 10^8 on 4 processes
DEFAULT_WORKERS = [1, 2, 4]  # the chapter's 4, and 1 and 2 for the speedup
QUICK_N, QUICK_WORKERS = [1_000_000], [1, 2]
SECONDS_PER_ELEMENT_BOUND = 2e-7  # for the watchdog: Python's generator sum runs at about 5e-8 s per element


def idle():
    pass


def time_creation(start_worker, workers, rounds):
    started = time.perf_counter()
    for _ in range(rounds):
        handles = [start_worker() for _ in range(workers)]
        for handle in handles:
            handle.join()
            if getattr(handle, "exitcode", 0) != 0:
                raise RuntimeError(f"a worker exited with {handle.exitcode}")
    return (time.perf_counter() - started) / rounds


def thread_starter():
    def start():
        thread = threading.Thread(target=idle)
        thread.start()
        return thread
    return start


def process_starter(context):
    def start():
        process = context.Process(target=idle)
        process.start()
        return process
    return start


def echo_queue(inbox, outbox):
    while True:
        item = inbox.get()
        if item is None:
            return
        outbox.put(item)


def echo_pipe(connection, parents_end):
    parents_end.close()  # else the child's copy keeps the pipe open, and EOF never comes
    try:
        while True:
            connection.send(connection.recv())
    except EOFError:
        pass


def queue_round_trips(make_queue, start_peer, rounds):
    inbox, outbox = make_queue(), make_queue()
    peer = start_peer(echo_queue, (inbox, outbox))
    inbox.put(b"warm-up")
    outbox.get()
    started = time.perf_counter()
    for i in range(rounds):
        inbox.put(i.to_bytes(8, "little"))
        if int.from_bytes(outbox.get(), "little") != i:
            raise RuntimeError("queue echo out of order")
    elapsed = (time.perf_counter() - started) / rounds
    inbox.put(None)
    peer.join()
    return elapsed


def pipe_round_trips(start_peer, rounds):
    """Between a parent and a forked child: the chapter's Pipe example, as a ping-pong."""
    ours, theirs = multiprocessing.Pipe()
    peer = start_peer(echo_pipe, (theirs, ours))
    ours.send(b"warm-up")
    ours.recv()
    started = time.perf_counter()
    for i in range(rounds):
        ours.send(i.to_bytes(8, "little"))
        if int.from_bytes(ours.recv(), "little") != i:
            raise RuntimeError("pipe echo out of order")
    elapsed = (time.perf_counter() - started) / rounds
    ours.close()
    peer.join()
    theirs.close()
    return elapsed


def start_thread(target, args):
    thread = threading.Thread(target=target, args=args)
    thread.start()
    return thread


def start_process(target, args):
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    return process


def manager_worker(dictionary, items, lock, worker, operations):
    # The chapter's worker, repeated: under the lock, set the key and append.
    for op in range(operations):
        with lock:
            dictionary[f"worker{worker}"] = op
            items.append((worker, op))


def manager_writes(operations):
    with multiprocessing.get_context("fork").Manager() as manager:
        dictionary, items, lock = manager.dict(), manager.list(), manager.Lock()
        process = multiprocessing.get_context("fork").Process(
            target=manager_worker, args=(dictionary, items, lock, 0, operations))
        started = time.perf_counter()
        process.start()
        process.join()
        elapsed = time.perf_counter() - started
        if list(items) != [(0, op) for op in range(operations)] or dict(dictionary) != {"worker0": operations - 1}:
            raise RuntimeError("the Manager lost an update")
    return elapsed / operations


def partial_sum_thread(begin, end, results, index):
    results[index] = sum(i * i for i in range(begin, end))


def partial_sum_process(begin, end, result, exact):
    """The chapter's calcola_somma_quadrati (result.value = somma, a Value('d')),
    and the exact partial sum through a Queue beside it."""
    somma = sum(i * i for i in range(begin, end))
    result.value = somma
    exact.put(somma)


def sum_of_squares(n, workers, use_processes):
    """The chapter's example: (seconds, exact sum, the chapter's Value('d') result
    or None for threads). Threads put their exact partial sums in a list."""
    chunk = n // workers
    ranges = [(i * chunk, (i + 1) * chunk if i < workers - 1 else n) for i in range(workers)]
    chapter = None
    if use_processes:
        context = multiprocessing.get_context("fork")
        results = [context.Value("d", 0.0) for _ in range(workers)]
        outputs = [context.Queue() for _ in range(workers)]
        processes = [context.Process(target=partial_sum_process, args=(b, e, r, q))
                     for (b, e), r, q in zip(ranges, results, outputs)]
        started = time.perf_counter()
        for process in processes:
            process.start()
        total = sum(q.get() for q in outputs)  # before join: a child blocks until its Queue is drained
        for process in processes:
            process.join()
            if process.exitcode != 0:
                raise RuntimeError(f"a worker exited with {process.exitcode}")
        chapter = sum(r.value for r in results)
    else:
        partial = [0] * workers
        threads = [threading.Thread(target=partial_sum_thread, args=(b, e, partial, i))
                   for i, (b, e) in enumerate(ranges)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = sum(partial)
    elapsed = time.perf_counter() - started
    if total != exact_sum_of_squares(n):
        raise RuntimeError(f"wrong sum of squares for n={n}")
    return elapsed, total, chapter


def sumsq_counters(n, seconds, exact, chapter):
    """The counters and label of one sum-of-squares row: ns per element; for the
    processes the chapter's Value('d') result and its error, exact - result
    (computed in integers: a double above 2^53 is a whole number)."""
    counters = {"ns_per_element": seconds * 1e9 / n, "label": f"sum={exact}"}
    if chapter is not None:
        error = exact - int(chapter)
        counters.update(value_d_result=chapter, value_d_error=float(error),
                        label=f"sum={exact}; Value('d') sum={chapter!r}; exact - Value('d') = {error}")
    return counters


def whole_number(text, low, high, what):
    """A whole number from low to high."""
    value = results_lib.positive_int(text)
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} is not a {what} from {low:_} to {high:_}")
    return value


def number_list(text, low, high, what):
    """'1,2,4' -> [1, 2, 4]: whole numbers between low and high, in the order given, each once."""
    values = [whole_number(part.strip(), low, high, what) for part in text.split(",")] if text.strip() else []
    if not values:
        raise argparse.ArgumentTypeError(f"{text!r} names no number")
    return list(dict.fromkeys(values))


# The bounds bench itself keeps (--workers up to 1024, --benchmark_repetitions up
# to 1,000,000) and a size the pools can split (n / 10 at least 1) that a Python
# loop finishes in hours, not years.
MAX_N = 10**11
MAX_WORKERS = 1024
MAX_REPETITIONS = 1_000_000
# signal.alarm takes a C int: past this (68 years) the watchdog waits this long.
MAX_ALARM_S = 2**31 - 1


def repetitions_count(text):
    return whole_number(text, 1, MAX_REPETITIONS, "repetition count")


def sizes_list(text):
    return number_list(text, 10, MAX_N, "size")


def workers_list(text):
    return number_list(text, 1, MAX_WORKERS, "worker count")


def row(name, seconds_per_iteration, repetition, repetitions, iterations=1, label=None, **counters):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": repetitions,
            "repetition_index": repetition, "threads": 1, "iterations": iterations,
            "real_time": seconds_per_iteration * 1e6, "cpu_time": seconds_per_iteration * 1e6, "time_unit": "us",
            **counters, **({"label": label} if label else {})}


def main():
    parser = results_lib.Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="-", help="JSON file to write (default: standard output)")
    parser.add_argument("--repetitions", type=repetitions_count, default=3,
                        help=f"from 1 to {MAX_REPETITIONS:_} (default 3)")
    parser.add_argument("--n", type=sizes_list, metavar="N[,N...]",
                        help=f"sum of squares of 0..N-1 (default {CHAPTER_N:_}, the chapter's; --quick: "
                             f"{QUICK_N[0]:_})")
    parser.add_argument("--workers", type=workers_list, metavar="W[,W...]",
                        help=f"threads and processes for the sum (default {','.join(map(str, DEFAULT_WORKERS))}; "
                             f"--quick: {','.join(map(str, QUICK_WORKERS))}); with 1, rows report their speedup")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a smaller n (smoke runs)")
    args = parser.parse_args()
    if args.out != "-":
        results_lib.check_output_file(args.out)  # before the run, not after it
    sizes = args.n or (QUICK_N if args.quick else [CHAPTER_N])
    worker_counts = args.workers or (QUICK_WORKERS if args.quick else DEFAULT_WORKERS)
    # A watchdog: a hung example must fail the run, not hang the suite.
    sums = args.repetitions * 2 * len(worker_counts) * sum(sizes) * SECONDS_PER_ELEMENT_BOUND
    signal.alarm(min(MAX_ALARM_S, int((120 if args.quick else 900) + sums)))
    rounds = 20 if args.quick else 200
    manager_operations = 100 if args.quick else 1000

    rows = []
    for repetition in range(args.repetitions):
        def add(name, seconds, **counters):
            rows.append(row(name, seconds, repetition, args.repetitions, **counters))

        for label, starter in [("thread", thread_starter()),
                               ("process_fork", process_starter(multiprocessing.get_context("fork"))),
                               ("process_spawn", process_starter(multiprocessing.get_context("spawn")))]:
            count = max(2, rounds // (10 if label == "process_spawn" else 1) // WORKERS)
            seconds = time_creation(starter, WORKERS, count)
            add(f"python_create/{label}/workers:{WORKERS}", seconds, us_per_worker=seconds * 1e6 / WORKERS)
        add("python_queue/thread/queue/bytes:8/latency", queue_round_trips(queue.Queue, start_thread, rounds))
        add("python_queue/process_fork/queue/bytes:8/latency",
            queue_round_trips(multiprocessing.get_context("fork").Queue, start_process, rounds))
        add("python_pipe/process_fork/pipe/bytes:8/latency", pipe_round_trips(start_process, rounds))
        per_op = manager_writes(manager_operations)
        add("python_manager/process_fork/store:server/workers:1/mix:write", per_op * manager_operations,
            ns_per_op=per_op * 1e9)
        for n in sizes:
            for kind in ["thread", "process_fork"]:
                single = None
                for workers in sorted(worker_counts):
                    seconds, exact, chapter = sum_of_squares(n, workers, kind != "thread")
                    single = seconds if workers == 1 else single
                    speedup = {"speedup": single / seconds} if single else {}
                    add(f"python_sumsq/{kind}/workers:{workers}/n:{n}", seconds, **speedup,
                        **sumsq_counters(n, seconds, exact, chapter))
        # The pools (scripts/python_pools.py), on a tenth of the smallest n: five task sizes, four pools.
        python_pools.measure(add, min(sizes) // 10, rounds if args.quick else 1000)
        print(f"python_reference: repetition {repetition + 1}/{args.repetitions} done", file=sys.stderr)

    context = {"date": datetime.now(timezone.utc).isoformat(), "host_name": platform.node(),
               "executable": sys.executable, "num_cpus": os.cpu_count(),
               "python": platform.python_version(), "kernel": f"{platform.system()} {platform.release()}",
               "library_build_type": "python"}
    output = json.dumps({"context": context, "benchmarks": rows}, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(output)
    else:
        with open(args.out, "w") as file:
            file.write(output)


if __name__ == "__main__":
    main()
