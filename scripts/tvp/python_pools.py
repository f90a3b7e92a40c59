#!/usr/bin/python3
"""The chapter's advice in Python: a pool of workers started once, through
multiprocessing.Pool with each start method (fork, forkserver, spawn) and
multiprocessing.pool.ThreadPool, measured like bench's `pool` scenario: the
round trip of one empty task (apply), and the sum of squares over [0, n) cut
into tasks of a swept size (map, one task at a time), its total checked
against the closed form, with `efficiency` = (the sum over n in this process /
workers) / the pool's time.

scripts/python_reference calls measure() with its row writer; run alone, this
prints the figures (usage: scripts/tvp/python_pools.py [--quick]).
"""
import multiprocessing
import multiprocessing.pool
import statistics
import sys
import time

WORKERS = 2
CHUNKS = (1_000, 10_000, 100_000, 1_000_000)
MIN_SAMPLES_P99 = 1000  # as bench: p99 of fewer samples is just their maximum


def empty_task():
    return 0


def partial_sum(bounds):
    begin, end = bounds
    return sum(i * i for i in range(begin, end))


def closed_form(n):
    return n * (n - 1) * (2 * n - 1) // 6


def chunk_sizes(n, workers):
    """The swept sizes below n / workers, and n / workers (one task per worker)."""
    return [chunk for chunk in CHUNKS if chunk < n // workers] + [max(1, n // workers)]


def tasks_of(n, chunk):
    return [(begin, min(begin + chunk, n)) for begin in range(0, n, chunk)]


def percentile_us(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1e6


def dispatch_samples(pool, rounds):
    """Seconds per apply() of the empty task, one by one, after a warm-up."""
    pool.apply(empty_task)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        if pool.apply(empty_task) != 0:
            raise RuntimeError("the empty task returned something")
        samples.append(time.perf_counter() - started)
    return samples


def chunked_sum(pool, n, chunk):
    """Seconds for the sum over [0, n) in tasks of `chunk` elements, checked."""
    tasks = tasks_of(n, chunk)
    started = time.perf_counter()
    total = sum(pool.imap_unordered(partial_sum, tasks, chunksize=1))
    elapsed = time.perf_counter() - started
    if total != closed_form(n):
        raise RuntimeError(f"wrong sum of squares for n={n} in tasks of {chunk}")
    return elapsed


def pools():
    """(label, a function making a pool of WORKERS) for each kind, labelled as python_reference labels its workers."""
    def process_pool(method):
        return lambda: multiprocessing.get_context(method).Pool(WORKERS)
    return [("thread", lambda: multiprocessing.pool.ThreadPool(WORKERS)),
            ("process_fork", process_pool("fork")),
            ("process_forkserver", process_pool("forkserver")),
            ("process_spawn", process_pool("spawn"))]


def measure(add, n, rounds):
    """Measures every pool once; add(name, seconds, **counters) records a row."""
    started = time.perf_counter()
    if partial_sum((0, n)) != closed_form(n):
        raise RuntimeError(f"wrong sum of squares for n={n}")
    ideal = (time.perf_counter() - started) / WORKERS
    for label, make_pool in pools():
        with make_pool() as pool:
            samples = dispatch_samples(pool, rounds)
            counters = {"samples": len(samples), "round_trip_p50_us": percentile_us(samples, 0.5)}
            if len(samples) >= MIN_SAMPLES_P99:
                counters["round_trip_p99_us"] = percentile_us(samples, 0.99)
            add(f"python_pool/{label}/workers:{WORKERS}/task:empty", statistics.fmean(samples), **counters)
            for chunk in chunk_sizes(n, WORKERS):
                seconds = chunked_sum(pool, n, chunk)
                tasks = len(tasks_of(n, chunk))
                add(f"python_pool/{label}/workers:{WORKERS}/task:sumsq/n:{n}/chunk:{chunk}", seconds,
                    efficiency=ideal / seconds, tasks=tasks, us_per_task=seconds * 1e6 / tasks)


def main():
    quick = "--quick" in sys.argv[1:]
    if set(sys.argv[1:]) - {"--quick"}:
        sys.exit(f"usage: {sys.argv[0]} [--quick]")

    def show(name, seconds, **counters):
        print(f"{name}: {seconds * 1e6:.1f} µs", *(f"{key}={value:.3g}" for key, value in counters.items()))
    measure(show, 1_000_000 if quick else 10_000_000, 100 if quick else 1000)


if __name__ == "__main__":
    main()
