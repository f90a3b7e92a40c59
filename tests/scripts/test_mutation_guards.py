"""Guards written by the mutation audit (scripts/mutation-audit): each checks a
figure bench reports against what it must be, in its unit, so that a wrong unit
or a dropped division in a counter fails a test.

Usage: test_mutation_guards.py BUILD_DIR (the folder holding bench)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

BUILD_DIR = None
ROWS = {}

FILTER = ("^(create/thread/workers:4/parent_mib:0/real_time"
          "|sumsq/thread/workers:2/n:1000000/min_time:[0-9.]+/real_time"
          "|isolation/fork/workers:4/real_time"
          "|pipe/thread/pipe/bytes:8/cpus:same/latency/iterations:1000/real_time"
          "|cow/fork/mib:64/writer:child/manual_time)$")
MPI_FILTER = "^(sumsq/mpi/ranks:2/btl:vader/n:1000000|pingpong/mpi/ranks:2/btl:vader/bytes:8/latency)/"
MPI_ROWS = {}


def short_name(name):
    """The name without Google Benchmark's and the runner's suffixes (iterations, min_time, real_time...)."""
    return re.sub(r"(/(iterations|min_time):[^/]*|/(real_time|manual_time))+$", "", name)


def another_mpirun_running():
    """Open MPI 4's session directories race when two jobs start together (ctest -j)."""
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/comm") as comm:
                if comm.read().strip() in ("mpirun", "orterun", "prterun"):
                    return True
        except OSError:
            continue
    return False


def run_mpi(folder):
    """bench_mpi's sumsq and pingpong rows on two ranks over shared memory; {} without MPI."""
    program = os.path.join(BUILD_DIR, "bench_mpi")
    if not os.path.exists(program) or shutil.which("mpirun") is None:
        return
    out = os.path.join(folder, "mpi.json")
    command = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-q", "-np", "2", "--mca", "pml", "ob1",
               "--mca", "btl", "self,vader", program, f"--benchmark_filter={MPI_FILTER}",
               f"--benchmark_out={out}", "--benchmark_out_format=json"]
    for attempt in range(5):
        deadline = time.monotonic() + 120
        while another_mpirun_running() and time.monotonic() < deadline:
            time.sleep(0.5)
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=240)
        if done.returncode == 0:
            break
        time.sleep(1 + attempt)
    else:
        raise RuntimeError(f"bench_mpi failed: {done.stderr[-2000:]}")
    with open(out) as file:
        for row in json.load(file)["benchmarks"]:
            MPI_ROWS[short_name(row["name"])] = row


def setUpModule():
    with tempfile.TemporaryDirectory() as folder:
        run_mpi(folder)
        out = os.path.join(folder, "guards.json")
        subprocess.run([os.path.join(BUILD_DIR, "bench"), f"--benchmark_filter={FILTER}", "--n=1000000",
                        "--workers=2", "--benchmark_min_time=0.05", f"--benchmark_out={out}",
                        "--benchmark_out_format=json"], check=True, stdout=subprocess.DEVNULL, timeout=240)
        with open(out) as file:
            for row in json.load(file)["benchmarks"]:
                ROWS[short_name(row["name"])] = row


def seconds(row):
    return row["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[row["time_unit"]]


class BenchCountersInTheirUnits(unittest.TestCase):
    def row(self, name):
        self.assertIn(name, ROWS, f"bench did not report {name}: {sorted(ROWS)}")
        row = ROWS[name]
        self.assertFalse(row.get("error_occurred"), row.get("error_message"))
        return row

    def test_creation_is_microseconds_per_worker(self):
        row = self.row("create/thread/workers:4/parent_mib:0")
        per_worker_us = seconds(row) * 1e6 / 4
        self.assertGreater(row["us_per_worker"], 0.5 * per_worker_us)
        self.assertLess(row["us_per_worker"], 2 * per_worker_us)

    def test_sumsq_efficiency_is_speedup_per_worker(self):
        row = self.row("sumsq/thread/workers:2/n:1000000")
        self.assertAlmostEqual(row["efficiency"], row["speedup"] / 2, delta=1e-9 * row["speedup"])

    def test_sumsq_ns_per_element_is_the_time_over_n(self):
        row = self.row("sumsq/thread/workers:2/n:1000000")
        expected = seconds(row) * 1e9 / 1e6
        self.assertGreater(row["ns_per_element"], 0.5 * expected)
        self.assertLess(row["ns_per_element"], 2 * expected)

    def test_isolation_detection_is_milliseconds_within_the_run(self):
        row = self.row("isolation/fork/workers:4")
        self.assertGreater(row["detect_ms"], 0)
        self.assertLess(row["detect_ms"] * 1e-3, seconds(row))
        self.assertLess(row["replace_ms"] * 1e-3, seconds(row))

    def test_copy_on_write_is_microseconds_per_mib(self):
        row = self.row("cow/fork/mib:64/writer:child")
        per_mib_us = seconds(row) * 1e6 / 64  # the manual time is the writes' time
        self.assertGreater(row["us_per_mib"], 0.5 * per_mib_us)
        self.assertLess(row["us_per_mib"], 2 * per_mib_us)

    def test_round_trip_percentile_is_microseconds(self):
        row = self.row("pipe/thread/pipe/bytes:8/cpus:same/latency")
        round_trip_us = seconds(row) * 1e6  # one round trip per iteration
        self.assertGreater(row["round_trip_p50_us"], 0.2 * round_trip_us)
        self.assertLess(row["round_trip_p50_us"], 5 * round_trip_us)
        self.assertLessEqual(row["one_way_p50_us"], row["round_trip_p50_us"])


def load_compare():
    """scripts/compare's code, the module tvp.compare (tvp_path puts scripts/ on sys.path)."""
    import tvp_path
    return tvp_path.fresh("compare")


class MpiCountersInTheirUnits(unittest.TestCase):
    def row(self, name):
        if not MPI_ROWS:
            self.skipTest("bench_mpi was not built (no MPI)")
        self.assertIn(name, MPI_ROWS, f"bench_mpi did not report {name}: {sorted(MPI_ROWS)}")
        row = MPI_ROWS[name]
        self.assertFalse(row.get("error_occurred"), row.get("error_message"))
        return row

    def test_efficiency_is_speedup_per_rank(self):
        row = self.row("sumsq/mpi/ranks:2/btl:vader/n:1000000")
        self.assertAlmostEqual(row["efficiency"], row["speedup"] / 2, delta=1e-9 * row["speedup"])

    def test_one_way_is_half_the_round_trip(self):
        row = self.row("pingpong/mpi/ranks:2/btl:vader/bytes:8/latency")
        self.assertAlmostEqual(row["one_way_p50_us"], row["round_trip_p50_us"] / 2,
                               delta=0.01 * row["round_trip_p50_us"] + 0.001)


class CoefficientOfVariation(unittest.TestCase):
    def test_sample_standard_deviation_over_the_mean(self):
        import tvp_path  # noqa: F401  (scripts/ on sys.path, as the commands have it)
        from tvp import results_lib
        rows = [{"real_time": value} for value in (1.0, 2.0, 3.0)]
        self.assertAlmostEqual(results_lib.cv_of(rows, "real_time"), 0.5)  # stdev 1 (n - 1), mean 2
        self.assertIsNone(results_lib.cv_of(rows[:1], "real_time"))
        self.assertAlmostEqual(results_lib.median_of(rows, "real_time"), 2.0)


class HolmBonferroni(unittest.TestCase):
    def test_adjusted_p_values_of_a_known_case(self):
        compare = load_compare()
        # Sorted 0.01, 0.03, 0.04: times 3, 2, 1, kept non-decreasing: 0.03, 0.06, 0.06.
        adjusted = compare.holm([0.01, 0.04, 0.03])
        for got, expected in zip(adjusted, [0.03, 0.06, 0.06]):
            self.assertAlmostEqual(got, expected)
        self.assertEqual(compare.holm([0.5, 0.9]), [1.0, 1.0])  # capped at 1
        self.assertAlmostEqual(compare.holm([0.02])[0], 0.02)

    def test_repetitions_needed_grow_with_the_comparisons(self):
        compare = load_compare()
        # Exact U test, no overlap: p = 2 / C(2n, n) = 0.0286 (n=4), 0.00794 (5), 0.00216 (6).
        self.assertEqual(compare.needed_per_side(1, 0.05), 4)
        self.assertEqual(compare.needed_per_side(10, 0.05), 6)  # 10 p < 0.05


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: test_mutation_guards.py BUILD_DIR", file=sys.stderr)
        sys.exit(2)
    BUILD_DIR = sys.argv.pop(1)
    unittest.main()
