"""Unit tests of results_lib's name grammar, its "which results file" rule and the
CSV flattening, and of the crossover model (scripts/crossover.py): pure
functions on small made-up inputs, no script run. test_scripts.py runs them too
(ctest's result_scripts)."""
import json
import os
import shutil
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
import tvp_path  # noqa: E402,F401  (scripts/ on sys.path, as the commands have it)
from tvp import crossover  # noqa: E402
from tvp import results_lib as rl  # noqa: E402


class ParseNameTest(unittest.TestCase):
    def test_scenario_backend_and_parameters(self):
        self.assertEqual(rl.parse_name("create/fork/workers:4/parent_mib:0"),
                         ("create", "fork", {"workers": "4", "parent_mib": "0"}))

    def test_google_benchmark_suffixes_are_dropped(self):
        for suffix in ["/real_time", "/min_time:0.300/real_time", "/iterations:1000/real_time", "/iterations:5",
                       "/min_time:0.02", "/repeats:3/threads:2/manual_time"]:
            self.assertEqual(rl.parse_name("create/fork/workers:4/parent_mib:0" + suffix),
                             ("create", "fork", {"workers": "4", "parent_mib": "0"}), suffix)

    def test_only_trailing_suffixes_are_dropped(self):
        # A part that looks like a suffix but has the suite's parameters after it is the suite's.
        self.assertEqual(rl.parse_name("x/thread/real_time/workers:1")[2], {"parts": "real_time", "workers": "1"})

    def test_aggregates_lose_their_suffix(self):
        for aggregate in rl.AGGREGATES:
            self.assertEqual(rl.parse_name(f"sumsq/fork/workers:2/n:10000/real_time_{aggregate}"),
                             ("sumsq", "fork", {"workers": "2", "n": "10000"}), aggregate)
            self.assertEqual(rl.parse_name(f"sumsq_kernel/fast/n:10000_{aggregate}"),
                             ("sumsq_kernel", "fast", {"n": "10000"}), aggregate)
        self.assertEqual(rl.split_aggregate("a/b/n:1_p90", "p90"), ("a/b/n:1", "p90"))  # a user-defined one
        self.assertEqual(rl.split_aggregate("a/b/n:1"), ("a/b/n:1", None))

    def test_bare_words_go_into_parts(self):
        scenario, backend, params = rl.parse_name("queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency"
                                                  "/iterations:1000/real_time")
        self.assertEqual((scenario, backend), ("queue", "fork"))
        self.assertEqual(params, {"parts": "shm_ring/latency", "bytes": "8", "cpus": "cross", "wait": "spin"})
        self.assertEqual(rl.name_words(params), ["shm_ring", "latency"])
        self.assertEqual(rl.name_words({}), [])

    def test_python_reference_names(self):
        self.assertEqual(rl.parse_name("python_create/process_spawn/workers:4"),
                         ("python_create", "process_spawn", {"workers": "4"}))
        self.assertEqual(rl.parse_name("python_queue/thread/queue/bytes:8/latency"),
                         ("python_queue", "thread", {"parts": "queue/latency", "bytes": "8"}))
        self.assertEqual(rl.parse_name("python_manager/process_fork/store:server/workers:1/mix:write"),
                         ("python_manager", "process_fork", {"store": "server", "workers": "1", "mix": "write"}))

    def test_odd_inputs(self):
        self.assertEqual(rl.parse_name(""), ("", "", {}))
        self.assertEqual(rl.parse_name("create"), ("create", "", {}))
        self.assertEqual(rl.parse_name("create/workers:4"), ("create", "", {"workers": "4"}))  # no back-end
        self.assertEqual(rl.parse_name("create//fork/workers:4/"), ("create", "fork", {"workers": "4"}))
        self.assertEqual(rl.parse_name("a/b/key:x:y/empty:")[2], {"key": "x:y", "empty": ""})
        self.assertEqual(rl.parse_name("a/b/k:1/k:2")[2], {"k": "2"})  # the last one wins
        self.assertEqual(rl.parse_name("real_time"), ("real_time", "", {}))  # a scenario is never a suffix
        for not_text in [None, 4, ["a", "b"]]:
            with self.assertRaises(ValueError):
                rl.parse_name(not_text)

    def test_row_params_use_the_run_name(self):
        row = {"name": "create/fork/workers:4/parent_mib:0/real_time_p90", "run_type": "aggregate",
               "aggregate_name": "p90"}
        self.assertEqual(rl.row_params(row), ("create", "fork", {"workers": "4", "parent_mib": "0"}))
        row["run_name"] = "create/fork/workers:4/parent_mib:0/real_time"
        self.assertEqual(rl.row_params(row), ("create", "fork", {"workers": "4", "parent_mib": "0"}))


class SweepTest(unittest.TestCase):
    NAMES = ["create/fork/workers:16/parent_mib:0/real_time", "create/fork/workers:2/parent_mib:0/real_time",
             "create/thread/workers:64/parent_mib:0/real_time", "create/fork/workers:4/parent_mib:512/real_time",
             "create/fork/workers:4/parent_mib:64/real_time", "create/fork/workers:4/parent_mib:0/api:class",
             "memory/fork/workers:1", "memory/fork/workers:3", "memory/fork/workers:3/write_mib:64",
             "sumsq/fork/workers:2/n:100"]

    def test_values_come_from_the_names_sorted_numerically(self):
        self.assertEqual(rl.sweep(self.NAMES, "create", "workers", parent_mib=0), ["2", "4", "16", "64"])
        self.assertEqual(rl.sweep(self.NAMES, "create", "parent_mib", workers=4), ["0", "64", "512"])
        self.assertEqual(rl.sweep(self.NAMES, "create", "parent_mib"), ["0", "64", "512"])

    def test_a_fixed_none_means_the_parameter_is_absent(self):
        self.assertEqual(rl.sweep(self.NAMES, "memory", "workers", write_mib=None), ["1", "3"])
        self.assertEqual(rl.sweep(self.NAMES, "memory", "workers", write_mib=64), ["3"])

    def test_nothing_found_is_an_empty_sweep_and_words_sort_after_numbers(self):
        self.assertEqual(rl.sweep(self.NAMES, "iobound", "workers"), [])
        self.assertEqual(rl.sweep(["a/b/k:x", "a/b/k:10", "a/b/k:9", "a/b/k:1e3"], "a", "k"), ["9", "10", "1e3", "x"])


def rows_of(name, count, **extra):
    return [{"name": name, "run_name": name, "run_type": "iteration", "repetition_index": index,
             "repetitions": count, "iterations": 10, "real_time": 1.0 + index, "cpu_time": 1.0, "time_unit": "us",
             **extra} for index in range(count)]


def aggregates_of(name):
    return [{"name": f"{name}_{aggregate}", "run_name": name, "run_type": "aggregate", "aggregate_name": aggregate,
             "repetitions": 2, "iterations": 2, "real_time": 1.5, "cpu_time": 1.0, "time_unit": "us"}
            for aggregate in ["mean", "median", "stddev"]]


class PrecisionMarkTest(unittest.TestCase):
    """‡: a figure whose median is not known to the suite's target: stopped at its time cap, or (MPI, Python,
    repeated a fixed number of times in a run that repeated the rest until known) short of it."""

    @staticmethod
    def run_of(precision_records, target=0.03):
        def rows(name, values):
            return [{"name": name, "run_name": name, "run_type": "iteration", "repetitions": len(values),
                     "repetition_index": i, "iterations": 1, "real_time": v, "time_unit": "us"}
                    for i, v in enumerate(values)]
        return {"context": {"tvp_suite": {"precision_target": target, "precision": precision_records}},
                "benchmarks": rows("create/fork/workers:4/parent_mib:0/real_time", [100.0, 101, 99]) +
                rows("pingpong/mpi/ranks:2/btl:vader/bytes:8/latency", [100.0, 105, 96]) +
                rows("python/sumsq/thread/workers:2/n:100", [100.0, 101, 100])}

    def test_a_fixed_row_short_of_the_target_is_marked_and_a_steady_one_is_not(self):
        medians = rl.medians(self.run_of({"create/fork/workers:4/parent_mib:0/real_time": {"stopped": "time cap"}}))
        self.assertEqual(rl.mark(medians["create/fork/workers:4/parent_mib:0"], "real_time"), rl.CAP_MARK)
        self.assertEqual(medians["pingpong/mpi/ranks:2/btl:vader/bytes:8/latency"]["stopped"], "fixed repetitions")
        self.assertEqual(rl.mark(medians["pingpong/mpi/ranks:2/btl:vader/bytes:8/latency"], "real_time"),
                         rl.CAP_MARK)
        self.assertEqual(rl.mark(medians["python/sumsq/thread/workers:2/n:100"], "real_time"), "")
        self.assertIn("fixed number of repetitions", rl.legends(rl.CAP_MARK)[0])

    def test_a_fixed_schedule_run_marks_nothing_for_precision(self):
        medians = rl.medians(self.run_of({}, target=0.0))
        self.assertTrue(all(rl.mark(row, "real_time") == "" for row in medians.values()))


class CsvTest(unittest.TestCase):
    DATA = {"context": {}, "benchmarks": [
        *rows_of("create/fork/workers:4/parent_mib:0/real_time", 2, us_per_worker=5.0),
        *aggregates_of("create/fork/workers:4/parent_mib:0/real_time"),
        *rows_of("queue/fork/shm_ring/bytes:1048576/cpus:cross/wait:spin/latency/iterations:100/real_time", 2,
                 round_trip_p50_us=3.0),
        *[{**row, "time_unit": "ms"} for row in rows_of("sumsq/thread/workers:2/n:100000000/real_time", 1)],
        *rows_of("memory/fork/workers:1/write_mib:64/zeta:1/alpha:x", 1, pss_bytes_per_worker=7.0),
        *rows_of("python_sumsq/process_fork/workers:4/n:100000000", 1, speedup=1.9),
        *rows_of("python_create/process_spawn/workers:4", 1),
        *rows_of("python_queue/thread/queue/bytes:8/latency", 1)]}

    def table(self):
        return rl.csv_table(self.DATA)

    def test_one_row_per_repetition_aggregates_apart(self):
        columns, rows = self.table()
        self.assertEqual(len(rows), len(self.DATA["benchmarks"]) - 3)
        self.assertNotIn("aggregate_name", columns)
        self.assertEqual([row["repetition_index"] for row in rows[:2]], [0, 1])
        columns, aggregates = rl.aggregates_table(self.DATA)
        self.assertEqual([row["aggregate_name"] for row in aggregates], ["mean", "median", "stddev"])
        self.assertEqual({row["base_name"] for row in aggregates}, {"create/fork/workers:4/parent_mib:0"})
        self.assertIn("aggregate_name", columns)

    def test_a_percentage_aggregate_is_left_out(self):
        cv = {**aggregates_of("a/b/n:1")[0], "aggregate_name": "cv", "aggregate_unit": "percentage"}
        self.assertEqual(rl.aggregates_table({"context": {}, "benchmarks": [cv]})[1], [])

    def test_one_unit_per_column(self):
        columns, rows = self.table()
        for gone in ["name", "real_time", "cpu_time", "time_unit", "parts"]:
            self.assertNotIn(gone, columns)
        by_name = {row["base_name"]: row for row in rows if row["repetition_index"] == 0}
        self.assertAlmostEqual(by_name["create/fork/workers:4/parent_mib:0"]["real_time_ns"], 1000.0)  # 1 µs
        self.assertAlmostEqual(by_name["sumsq/thread/workers:2/n:100000000"]["real_time_ns"], 1e6)  # 1 ms
        self.assertAlmostEqual(by_name["sumsq/thread/workers:2/n:100000000"]["cpu_time_ns"], 1e6)

    def test_identity_columns_and_one_column_per_parameter(self):
        columns, rows = self.table()
        self.assertEqual(columns[:6], ["base_name", "language", "scenario", "backend", "mechanism", "mode"])
        self.assertEqual(columns[6:15], ["workers", "n", "parent_mib", "bytes", "cpus", "wait", "alpha",
                                         "write_mib", "zeta"])
        queue = next(row for row in rows if row["scenario"] == "queue")
        self.assertEqual((queue["base_name"], queue["mechanism"], queue["mode"], queue["bytes"], queue["cpus"]),
                         ("queue/fork/shm_ring/bytes:1048576/cpus:cross/wait:spin/latency", "shm_ring", "latency",
                          1048576, "cross"))
        self.assertIs(type(queue["bytes"]), int)
        memory = next(row for row in rows if row["scenario"] == "memory")
        self.assertEqual((memory["write_mib"], memory["zeta"], memory["alpha"]), (64, 1, "x"))

    def test_python_rows_use_the_cpp_vocabulary(self):
        rows = {(row["language"], row["scenario"], row["backend"], row["mechanism"]) for row in self.table()[1]}
        self.assertLessEqual({("python", "sumsq", "fork", ""), ("python", "create", "spawn", ""),
                              ("python", "queue", "thread", "queue"), ("cpp", "sumsq", "thread", "")}, rows)
        self.assertEqual(rl.identity("python_sumsq/fork/workers:4/n:10")["backend"], "fork")

    def test_any_back_end_scenario_or_parameter_flows_through(self):
        data = {"context": {}, "benchmarks": rows_of("queue/mpi/send_recv/bytes:64/ranks:4/latency", 1) +
                rows_of("stencil/clone3/workers:2/halo:0.5", 1)}
        columns, rows = rl.csv_table(data)
        self.assertEqual((rows[0]["backend"], rows[0]["mechanism"], rows[0]["ranks"]), ("mpi", "send_recv", 4))
        self.assertEqual((rows[1]["scenario"], rows[1]["backend"], rows[1]["halo"]), ("stencil", "clone3", 0.5))
        self.assertLessEqual({"ranks", "halo"}, set(columns))

    def test_parameter_values(self):
        self.assertEqual([rl.parameter_value(text) for text in ["1048576", "-3", "0.5", "1e3", "cross", "nan"]],
                         [1048576, -3, 0.5, 1000.0, "cross", "nan"])

    def test_the_suite_writes_both_files(self):
        import csv
        from tvp import suite
        scratch = Path(tempfile.mkdtemp(prefix="tvp-csv-"))
        self.addCleanup(shutil.rmtree, scratch, ignore_errors=True)
        suite.write_csv(self.DATA, scratch / "out")
        with open(scratch / "out.csv", newline="") as file:
            reader = csv.DictReader(file)
            self.assertEqual(reader.fieldnames, rl.csv_table(self.DATA)[0])
            rows = list(reader)
        self.assertEqual(len(rows), len(self.DATA["benchmarks"]) - 3)
        self.assertIn("1048576", [row["bytes"] for row in rows])  # never 1048576.0 or 1.048576e+06
        with open(scratch / "out.aggregates.csv", newline="") as file:
            self.assertEqual(len(list(csv.DictReader(file))), 3)


class NewestRunTest(unittest.TestCase):
    def setUp(self):
        self.scratch = Path(tempfile.mkdtemp(prefix="tvp-newest-"))
        self.addCleanup(shutil.rmtree, self.scratch, ignore_errors=True)

    def write(self, filename, date=None, text=None):
        context = {"host_name": "fixture"} if date is None else {"date": date, "host_name": "fixture"}
        path = self.scratch / filename
        path.write_text(text if text is not None else json.dumps({"context": context, "benchmarks": []}))
        return path

    def test_the_date_in_the_context_wins_over_the_name_and_the_modification_time(self):
        # Names and modification times both sort the other way round.
        newest = self.write("aa-20240101-000000.json", "2026-11-28T10:00:00+00:00")
        older = self.write("zz-20991231-235959.json", "2026-11-27T10:00:00+00:00")
        os.utime(newest, (1_000_000, 1_000_000))
        os.utime(older, (2_000_000_000, 2_000_000_000))
        self.assertEqual(rl.newest_full_run(self.scratch), newest)

    def test_dates_are_compared_with_their_utc_offsets(self):
        later = self.write("a.json", "2026-11-27T11:30:00+02:00")  # 09:30 UTC
        self.write("b.json", "2026-11-27T10:00:00+03:00")  # 07:00 UTC
        self.assertEqual(rl.newest_full_run(self.scratch), later)

    def test_equal_dates_are_broken_by_name_and_undated_files_come_last(self):
        self.write("a.json", "2026-11-27T10:00:00+00:00")
        b = self.write("b.json", "2026-11-27T10:00:00+00:00")
        self.write("zz-undated.json")
        self.write("zz-not-json.json", text="{ not json")
        self.write("zz-bad-date.json", "yesterday")
        self.assertEqual(rl.newest_full_run(self.scratch), b)

    def test_quick_runs_are_never_picked(self):
        full = self.write("host-20261127-000000.json", "2026-11-27T00:00:00+00:00")
        self.write("host-20261128-000000-quick.json", "2026-11-28T00:00:00+00:00")
        self.assertEqual(rl.newest_full_run(self.scratch), full)

    def test_only_undated_files_still_give_one_by_name(self):
        self.write("a.json")
        b = self.write("b.json")
        self.assertEqual(rl.newest_full_run(self.scratch), b)


def sweep_medians(thread_ms, process_ms, repetitions_of):
    """rl.medians-shaped rows of a sumsq sweep for one process back-end ('fork'), 2 workers:
    thread_ms / process_ms: {n: median ms}; repetitions_of(ms) -> the repetitions' times in ms."""
    medians = {}
    for side, times in [("thread", thread_ms), ("fork", process_ms)]:
        for n, ms in times.items():
            medians[f"sumsq/{side}/workers:2/n:{n}"] = {
                "rows": [{"real_time": value, "time_unit": "ms"} for value in repetitions_of(ms)]}
    return medians


class CrossoverTest(unittest.TestCase):
    SIZES = [10**4, 10**6, 10**8, 10**9]

    def fork_crossover(self, spread):
        """The fork crossover at 2 workers for thread: 0.1 ms + 1e-6 ms * n and fork: the same + 0.9 ms,
        with three repetitions at -spread, 0 and +spread around each time."""
        thread = {n: 0.1 + 1e-6 * n for n in self.SIZES}
        fork = {n: ms + 0.9 for n, ms in thread.items()}
        medians = sweep_medians(thread, fork, lambda ms: [ms * (1 - spread), ms, ms * (1 + spread)])
        return crossover.sumsq_crossovers(medians)[("fork", 2)]

    def test_a_clean_sweep_gives_the_model_s_answer(self):
        # thread: 0.1 ms + 1e-6 ms * n; fork: the same + 0.9 ms. 90% of the thread's speed where
        # a + k n = c t / (1 - t) = 0.9 * 9 = 8.1 ms: n = (8.1 - 0.1) / 1e-6 = 8e6.
        entry = self.fork_crossover(spread=0.001)
        self.assertIsNone(entry["undecided"])
        self.assertAlmostEqual(entry["start_cost_ms"], 0.9, places=6)
        self.assertAlmostEqual(entry["estimate"] / 8e6, 1.0, delta=1e-3)
        low, high = entry["interval"]
        self.assertLessEqual(low, entry["estimate"])
        self.assertGreaterEqual(high, entry["estimate"])
        self.assertLess((high - low) / entry["estimate"], 0.2)
        self.assertEqual(entry["first_n"], 10**8)  # the first sweep point at ≥ 90%
        self.assertEqual([n for n, _ in entry["points"]], self.SIZES)
        self.assertIn("≈ 8.0e+06", crossover.describe(entry, 2))

    def test_a_noisy_sweep_cannot_decide(self):
        # The same, with repetitions that vary by ±50%: the refits put the start cost below 0 or the
        # crossover at n ≤ 0 too often for any estimate.
        entry = self.fork_crossover(spread=0.5)
        self.assertTrue(entry["undecided"])
        self.assertIsNone(entry["estimate"])
        self.assertIsNone(entry["interval"])
        self.assertIn("the data cannot decide", crossover.describe(entry, 2))

    def test_one_repetition_or_one_size_cannot_decide(self):
        thread = {n: 0.1 + 1e-6 * n for n in self.SIZES}
        fork = {n: ms + 0.9 for n, ms in thread.items()}
        entry = crossover.sumsq_crossovers(sweep_medians(thread, fork, lambda ms: [ms]))[("fork", 2)]
        self.assertIn("one repetition per point", entry["undecided"])
        entry = crossover.sumsq_crossovers(sweep_medians({10**8: 100.1}, {10**8: 101.0},
                                                         lambda ms: [ms, ms]))[("fork", 2)]
        self.assertIn("too few n", entry["undecided"])

    def test_a_process_back_end_without_its_thread_rows_is_left_out(self):
        medians = sweep_medians({}, {n: 1.0 for n in self.SIZES}, lambda ms: [ms, ms])
        self.assertEqual(crossover.sumsq_crossovers(medians), {})


if __name__ == "__main__":
    unittest.main()
