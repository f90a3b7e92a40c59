"""The headline set: one bench benchmark per row of the chapter's table (the cell the README's headline
shows, threads and fork side by side) and the chapter's sum of squares, named in this one place.
scripts/regress --headline gates on it, CI gates on it, scripts/history charts it.

Names are base names (results_lib.base_name: without /min_time:, /iterations:, /real_time)."""
import re

HEADLINE = (
    # Overhead di creazione: 4 workers, parent 0 MiB.
    ("create/thread/workers:4/parent_mib:0", "creation, 4 threads"),
    ("create/fork/workers:4/parent_mib:0", "creation, 4 fork processes"),
    ("create/posix_spawn/workers:4/parent_mib:0", "creation, 4 posix_spawn processes"),
    # Overhead di creazione, evitato: a pool's empty task through a pipe.
    ("pool/thread/mechanism:pipe/workers:1/cpus:cross/task:empty", "pool dispatch, thread"),
    ("pool/fork/mechanism:pipe/workers:1/cpus:cross/task:empty", "pool dispatch, fork"),
    ("pool/posix_spawn/mechanism:pipe/workers:1/cpus:cross/task:empty", "pool dispatch, posix_spawn"),
    # Comunicazione: an 8 B round trip across two CPUs, blocking and spinning.
    ("queue/thread/mutex_cv/bytes:8/cpus:cross/latency", "8 B round trip, mutex+condvar queue (threads)"),
    ("pipe/fork/pipe/bytes:8/cpus:cross/latency", "8 B round trip, pipe (fork)"),
    ("queue/thread/spsc/bytes:8/cpus:cross/wait:spin/latency", "8 B round trip, spsc queue spinning (threads)"),
    ("queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency", "8 B round trip, shm ring spinning (fork)"),
    # Parallelismo: the chapter's case, n = 10^8 on 4 workers, and the kernel on one core.
    ("sumsq/thread/workers:4/n:100000000", "sum of squares, 4 threads"),
    ("sumsq/fork/workers:4/n:100000000", "sum of squares, 4 fork processes"),
    ("sumsq_kernel/fast/n:100000000", "sum of squares kernel, one core"),
)
NAMES = tuple(name for name, _ in HEADLINE)
TITLES = dict(HEADLINE)


def bench_filter(names=NAMES):
    """A POSIX extended regex (bench's --benchmark_filter) selecting exactly these base names, whatever
    Google Benchmark's suffixes (/min_time:, /iterations:, /real_time) follow them."""
    alternatives = "|".join(re.escape(name).replace("\\/", "/").replace("\\:", ":") for name in names)
    return f"^({alternatives})(/(min_time:[0-9.]+|iterations:[0-9]+|real_time))*$"
