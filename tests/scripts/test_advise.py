"""Tests of scripts/advise on results files written here (the workload scenario's calibration rows, the
Python reference's rows) and, for the calibration and validation runs, on a stand-in for bench
(fake_workload_bench.py); the models' unit tests (test_advise_model.py) run with them. No real benchmark runs.
ctest's advise_scripts runs this file."""
import json
import os
import platform
import shutil
import stat
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import ScratchTest, errored, repetitions, run, write_results  # noqa: E402
from test_advise_model import (BreakEvenTest, CppModelTest, PythonModelTest,  # noqa: E402,F401
                               ValidationGridTest)

FAKE_BENCH = Path(__file__).resolve().parent / "fake_workload_bench.py"
HOST, CPUS = platform.node(), os.cpu_count()
# Per strategy, µs per task: no work at 0 B, 64 KiB and 1 MiB, then 1000 µs of work at 0 B; the rows at 10, 100
# and 10000 µs of work lie on the line through 0 and 1000 µs. So u(T) = o(0) + e T with e = (work - o(0)) / 1000:
# 0.5 for every one but posix_spawn_per_task, (1400 - 400) / 1000 = 1.
CALIBRATION = {"thread_per_task": (40, 60, 360, 540), "thread_pool": (10, 30, 330, 510),
               "fork_per_task": (200, 260, 1000, 700), "posix_spawn_per_task": (400, 460, 1200, 1400),
               "fork_pool": (20, 40, 140, 520), "posix_spawn_pool": (25, 45, 145, 525)}
POINTS = [(0, 0), (0, 65536), (0, 1048576), (10, 0), (100, 0), (1000, 0), (10000, 0)]
VFORK_ERROR = "vfork: not available in this container"


def workload_name(strategy, task_us, nbytes, workers=2, tasks=256):
    return f"workload/{strategy}/tasks:{tasks}/task_us:{task_us}/bytes:{nbytes}/workers:{workers}"


def per_task_us(figures, task_us, nbytes):
    """A strategy's µs per task at a calibration point, from its four figures (see CALIBRATION)."""
    o0, o64k, o1m, work = figures
    if task_us == 0:
        return {0: o0, 65536: o64k, 1048576: o1m}[nbytes]
    return o0 + (work - o0) * task_us / 1000


def calibration_rows(workers=2, leave_out=(), calibration=None):
    """3 repetitions a row (median = the figure), time in ms per batch (256 tasks, 2048 for pools at the
    short points, as bench runs them); vfork_per_task errored."""
    rows = []
    for strategy, figures in (calibration or CALIBRATION).items():
        if strategy in leave_out:
            continue
        for task_us, nbytes in POINTS:
            tasks = 2048 if strategy.endswith("_pool") and task_us <= 100 and nbytes <= 65536 else 256
            ms = per_task_us(figures, task_us, nbytes) * tasks / 1000
            rows += repetitions(workload_name(strategy, task_us, nbytes, workers, tasks), [ms * 0.98, ms, ms * 1.02],
                                unit="ms", tasks=tasks, verified=3, work_us_per_task=task_us)
    for task_us, nbytes in POINTS:
        rows.append(errored(workload_name("vfork_per_task", task_us, nbytes, workers), VFORK_ERROR))
    return rows


def python_rows(forkserver=False):
    """The rows of test_advise_model.python_costs, as python_reference names them (time in µs)."""
    rows = []

    def add(name, seconds, **counters):
        rows.extend(repetitions(name, [seconds * 1e6] * 3, **counters))
    for workers, thread, process in ((1, 4.0, 4.2), (2, 4.4, 2.2), (4, 4.8, 2.4)):
        add(f"python_sumsq/thread/workers:{workers}/n:1000", thread)
        add(f"python_sumsq/process_fork/workers:{workers}/n:1000", process)
    pools = {"thread": (0.50, 0.41, 0.40), "process_fork": (0.60, 0.33, 0.30), "process_spawn": (0.69, 0.33, 0.30)}
    if forkserver:
        pools["process_forkserver"] = (0.60, 0.33, 0.30)
    for label, times in pools.items():
        for chunk, seconds in zip((1000, 10000, 100000), times):
            add(f"python_pool/{label}/workers:2/task:sumsq/n:10000000/chunk:{chunk}", seconds, efficiency=0.5,
                tasks=10_000_000 // chunk)
    add("python_create/process_fork/workers:4", 0.008, us_per_worker=2000)
    add("python_pipe/process_fork/pipe/bytes:8/latency", 20e-6)
    add("python_pipe/process_fork/pipe/bytes:65544/latency", 84e-6)
    return rows


class AdviseTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.results_dir = self.scratch / "results"
        self.build_dir = self.scratch / "build"
        self.results_dir.mkdir()
        self.build_dir.mkdir()

    def advise(self, *args):
        return run("advise", "--results-dir", self.results_dir, "--build-dir", self.build_dir, *args)

    def calibration_file(self, name="cal.json", workers=2, leave_out=()):
        return self.results(name, calibration_rows(workers, leave_out))

    def answer(self, *args):
        result = self.advise(*args, "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return json.loads(result.stdout)

    def install_fake_bench(self):
        bench = self.build_dir / "bench"
        shutil.copy(FAKE_BENCH, bench)
        bench.chmod(bench.stat().st_mode | stat.S_IXUSR)


class AnswerTest(AdviseTest):
    WORKLOAD = ("--tasks", "1000", "--task-us", "100", "--bytes", "32768", "--workers", "2")

    def test_the_ranked_answer_from_a_results_file(self):
        """N 1000, T 100, B 32768 (half of 64 KiB: each o is halfway between its 0 and 64 KiB figures):
        thread_pool 20 + 50 µs a task = 0.070 s; fork_pool 30 + 50 = 0.080 s; posix_spawn_pool 35 + 50 = 0.085 s;
        thread_per_task 50 + 50 = 0.100 s; fork_per_task 230 + 50 = 0.280 s; posix_spawn_per_task 430 + 100 =
        0.530 s. Plant: a strategy's rows read from another strategy's, or the medians' units taken as µs."""
        path = self.calibration_file()
        result = self.answer(*self.WORKLOAD, "--results", path)
        self.assertEqual(result["workload"], {"tasks": 1000, "task_us": 100.0, "bytes": 32768, "workers": 2,
                                              "language": "cpp", "isolation": False})
        expected = [("thread_pool", 0.070), ("fork_pool", 0.080), ("posix_spawn_pool", 0.085),
                    ("thread_per_task", 0.100), ("fork_per_task", 0.280), ("posix_spawn_per_task", 0.530)]
        self.assertEqual([s["strategy"] for s in result["strategies"]], [s for s, _ in expected])
        for got, (_, seconds) in zip(result["strategies"], expected):
            self.assertAlmostEqual(got["predicted_seconds"], seconds)
            self.assertEqual(set(got), {"strategy", "predicted_seconds", "overhead_share", "isolated", "terms"})
        self.assertAlmostEqual(result["strategies"][0]["overhead_share"], 2 / 7)
        self.assertEqual([s["isolated"] for s in result["strategies"]], [False, True, True, False, True, True])
        self.assertEqual(result["winner"], "thread_pool")
        self.assertEqual(result["costs_from"], str(path))
        self.assertEqual(result["comparison"], "thread_pool is 1.14× faster than fork_pool (the runner-up) and "
                                               "7.57× faster than posix_spawn_per_task (the slowest).")
        benchmarks = {c["benchmark"] for c in result["costs"] if c["benchmark"]}
        self.assertIn(workload_name("fork_pool", 1000, 0), benchmarks)
        self.assertEqual(len(benchmarks), 6 * 7)

    def test_an_errored_strategy_is_left_out_with_its_reason(self):
        """Plant: errored rows skipped silently (vfork_per_task neither ranked nor named)."""
        path = self.calibration_file()
        result = self.answer(*self.WORKLOAD, "--results", path)
        self.assertNotIn("vfork_per_task", [s["strategy"] for s in result["strategies"]])
        self.assertEqual(result["left_out"], [{"strategy": "vfork_per_task", "reason": (
            f"{workload_name('vfork_per_task', 0, 0)} reported an error: {VFORK_ERROR}")}])
        text = self.advise(*self.WORKLOAD, "--results", path)
        self.assertIn(f"Left out: vfork_per_task: {workload_name('vfork_per_task', 0, 0)} reported an error: "
                      f"{VFORK_ERROR}", text.stdout)
        self.assertRegex(text.stdout, r"1\s+thread_pool\s+70\.0 ms\s+29%")
        self.assertIn("thread_pool is 1.14× faster than fork_pool", text.stdout)
        self.assertIn(workload_name("thread_pool", 1000, 0), text.stdout)

    def test_isolation_keeps_the_process_strategies_and_says_so(self):
        result = self.answer(*self.WORKLOAD, "--results", self.calibration_file(), "--isolation")
        self.assertEqual(result["winner"], "fork_pool")
        self.assertTrue(all(s["isolated"] for s in result["strategies"]))
        self.assertEqual(len(result["strategies"]), 4)
        reasons = {item["strategy"]: item["reason"] for item in result["left_out"]}
        self.assertEqual(set(reasons), {"vfork_per_task", "thread_pool", "thread_per_task"})
        self.assertIn("not isolated", reasons["thread_pool"])
        text = self.advise(*self.WORKLOAD, "--results", self.calibration_file(), "--isolation")
        self.assertIn("Only strategies where a crashed task cannot take the others down (--isolation).",
                      text.stdout)


class CostsSourceTest(AdviseTest):
    WORKLOAD = ("--tasks", "1000", "--task-us", "100", "--bytes", "0", "--workers", "2")

    def test_the_newest_file_of_this_machine_with_the_calibration(self):
        """Plant: the newest file whatever its machine, or whatever it holds."""
        write_results(self.results_dir, "ours.json", calibration_rows(),
                      date="2026-01-01T00:00:00+00:00", host_name=HOST, num_cpus=CPUS)
        write_results(self.results_dir, "elsewhere.json", calibration_rows(),
                      date="2026-06-01T00:00:00+00:00", host_name=HOST + "-other", num_cpus=CPUS)
        write_results(self.results_dir, "newer-but-w3.json", calibration_rows(workers=3),
                      date="2026-06-01T00:00:00+00:00", host_name=HOST, num_cpus=CPUS)
        self.assertEqual(self.answer(*self.WORKLOAD)["costs_from"], str(self.results_dir / "ours.json"))

    def test_a_calibration_run_when_no_file_fits_then_its_cache(self):
        """Plant: the cache not written (the second run, without bench, would fail) or not read back."""
        self.install_fake_bench()
        first = self.answer(*self.WORKLOAD)
        cache = self.results_dir / "advise" / f"calibration-{HOST}-w2.json"
        self.assertEqual(first["costs_from"], str(cache))
        self.assertTrue(cache.is_file())
        self.assertEqual(first["winner"], "thread_pool")  # 10 + 100 / min(2, CPUs) µs a task: the cheapest
        (self.build_dir / "bench").unlink()
        self.assertEqual(self.answer(*self.WORKLOAD)["costs_from"], str(cache))
        self.assertEqual([p.name for p in cache.parent.iterdir()], [cache.name])  # nothing half-written left


class BadInputTest(AdviseTest):
    def test_impossible_inputs_are_one_line_naming_them(self):
        good = ["--tasks", "10", "--task-us", "5", "--bytes", "0"]
        cases = [(["--tasks", "0", "--task-us", "5", "--bytes", "0"], "--tasks"),
                 (["--tasks", "ten", "--task-us", "5", "--bytes", "0"], "--tasks"),
                 (["--tasks", "10", "--task-us", "-5", "--bytes", "0"], "--task-us"),
                 (["--tasks", "10", "--task-us", "nan", "--bytes", "0"], "--task-us"),
                 (["--tasks", "10", "--task-us", "x", "--bytes", "0"], "--task-us"),
                 (["--tasks", "10", "--task-us", "5", "--bytes", "-1"], "--bytes"),
                 (["--tasks", "10", "--task-us", "5", "--bytes", "1.5"], "--bytes"),
                 ([*good, "--workers", "1025"], "--workers"),
                 ([*good, "--workers", "0"], "--workers"),
                 (["--task-us", "5", "--bytes", "0"], "--tasks needed"),
                 ([*good, "--results", self.scratch / "absent.json"], "no such file"),
                 (["--validate", "--language", "python"], "--language python"),
                 (["--validate", "--tasks", "3"], "--tasks"),
                 (["--map"], "--out"),
                 (["--map", "--out", self.scratch, "--isolation"], "--isolation"),
                 (["--validate", "--workers-list", "1,2000"], "--workers-list")]
        for args, message in cases:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(self.advise(*args), message)

    def test_a_file_without_the_calibration_names_what_it_lacks(self):
        """W 3 is not in the file; then a file without fork_pool's rows."""
        path = self.calibration_file()
        self.assert_one_line_exit_2(
            self.advise("--tasks", "10", "--task-us", "5", "--bytes", "0", "--workers", "3", "--results", path),
            f"lacks the calibration for workers:3: no {workload_name('thread_per_task', 0, 0, 3, tasks='N')}")
        partial = self.results("partial.json", calibration_rows(leave_out=("fork_pool",)))
        self.assert_one_line_exit_2(
            self.advise("--tasks", "10", "--task-us", "5", "--bytes", "0", "--workers", "2", "--results", partial),
            f"no {workload_name('fork_pool', 0, 0, tasks='N')}, {workload_name('fork_pool', 0, 65536, tasks='N')} "
            "and 5 more")

    def test_no_file_and_no_bench_to_calibrate(self):
        self.assert_one_line_exit_2(self.advise("--tasks", "10", "--task-us", "5", "--bytes", "0", "--workers", "2"),
                                    "no calibration for workers:2")
        self.assert_one_line_exit_2(self.advise("--validate"), "no bench")

    def test_python_without_the_python_figures(self):
        path = self.calibration_file()
        for args in (["--results", path], []):
            with self.subTest(args=args):
                self.assert_one_line_exit_2(
                    self.advise("--tasks", "10", "--task-us", "5", "--bytes", "0", "--language", "python", *args),
                    "run scripts/python_reference")
        self.assert_one_line_exit_2(
            self.advise("--tasks", "10", "--task-us", "5", "--bytes", "0", "--language", "python", "--results",
                        path), "no python_sumsq/thread/workers:1/n:*")


class PythonAnswerTest(AdviseTest):
    def test_the_python_answer(self):
        """As test_advise_model.PythonModelTest.test_predictions (0.117, 0.120, 0.127, 2.071 s), read from rows;
        forkserver has no pool rows here: left out, named."""
        path = self.results("python.json", python_rows())
        result = self.answer("--tasks", "1000", "--task-us", "100", "--bytes", "32776", "--workers", "2",
                             "--language", "python", "--results", path)
        got = [(s["strategy"], round(s["predicted_seconds"], 9)) for s in result["strategies"]]
        self.assertEqual(got, [("process_pool_fork", 0.117), ("thread_pool", 0.120), ("process_pool_spawn", 0.127),
                               ("process_per_task", 2.071)])
        self.assertEqual(result["left_out"], [{"strategy": "process_pool_forkserver", "reason": (
            "fewer than two python_pool/process_forkserver/workers:*/task:sumsq rows")}])
        notes = [c["note"] for c in result["costs"] if c["term"] == "p(32776)"]
        self.assertEqual(notes, ["p(B) from Python's own pipe round trips by size"])

    def test_without_pipe_sizes_the_assumption_is_said(self):
        rows = [r for r in python_rows(forkserver=True) if "bytes:65544" not in r["name"]]
        result = self.answer("--tasks", "1000", "--task-us", "100", "--bytes", "32776", "--workers", "2",
                             "--language", "python", "--results", self.results("python.json", rows))
        self.assertEqual(result["left_out"], [])
        self.assertIn("p(B) = 0 assumed", " ".join(c["note"] for c in result["costs"]))
        fork = next(s for s in result["strategies"] if s["strategy"] == "process_pool_fork")
        self.assertAlmostEqual(fork["predicted_seconds"], 0.085)  # 1000 × (30 + 0 + 55) µs


class MapTest(AdviseTest):
    def test_the_map_and_the_break_even_sizes(self):
        """B 0: 380 µs (test_advise_model.BreakEvenTest); fork_per_task (200 + 0.5 T) within 5% of thread_pool
        (10.5 + 0.525 T) from 189.5 / 0.025 = 7580 µs. B 4096: o is 1/16 of the way to its 64 KiB figure:
        thread_pool 11.25, fork_pool 21.25, fork_per_task 203.75 µs: 9.4375 / 0.025 = 377.5 µs and
        191.9375 / 0.025 = 7677.5 µs."""
        out = self.scratch / "map"
        result = self.advise("--map", "--out", out, "--workers", "2", "--results", self.calibration_file(), "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        answer = json.loads(result.stdout)
        for path in answer["map"]:
            self.assertGreater(Path(path).stat().st_size, 1000)
        self.assertEqual([Path(p).name for p in answer["map"]], ["advise_map_cpp.png", "advise_map_cpp.svg"])
        figures = {item["bytes"]: item for item in answer["break_even"]}
        self.assertAlmostEqual(figures[0]["pool_vs_thread_us"], 380, places=4)
        self.assertAlmostEqual(figures[0]["per_task_vs_pool_us"], 7580, places=4)
        self.assertAlmostEqual(figures[4096]["pool_vs_thread_us"], 377.5, places=4)
        self.assertAlmostEqual(figures[4096]["per_task_vs_pool_us"], 7677.5, places=4)
        self.assertIn("above 7.58 ms", figures[0]["text"])
        self.assertIn("vfork_per_task", answer["left_out"])


class ValidateTest(AdviseTest):
    def test_validation_on_the_stand_in_for_bench(self):
        """The stand-in's times are what the model says, so every prediction is exact and every predicted
        winner the measured one; vfork_per_task errs everywhere and is left out, named. Plant: a workload's
        measured row looked up under another N or W (then no strategy of it would be compared)."""
        self.install_fake_bench()
        out = self.scratch / "validation.json"
        result = self.advise("--validate", "--workers-list", "1,2", "--out", out, "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        answer = json.loads(result.stdout)
        summary = answer["summary"]
        self.assertEqual(summary["workloads"], 24)
        self.assertEqual(summary["predictions"], 24 * 6)
        self.assertLess(summary["worst_error"], 1e-9)
        self.assertEqual((summary["winner_within_10pct"], summary["winner_exact"], summary["judged"]), (24, 24, 24))
        for record in answer["workloads"]:
            self.assertGreaterEqual(record["tasks"], 16)
            self.assertIn("vfork is not available here", record["left_out"]["vfork_per_task"])
        measured = json.loads(out.read_text())
        self.assertEqual({row["name"].split("workers:")[1].split("/")[0] for row in measured["benchmarks"]}, {"1", "2"})
        self.assertEqual(set(answer["costs_from"]), {"1", "2"})
        text = self.advise("--validate", "--workers-list", "1,2", "--out", out)
        self.assertIn("median |error| 0.0%", text.stdout)
        self.assertIn("within 10% of the measured best in 24 of 24 workloads (the exact winner in 24)", text.stdout)


if __name__ == "__main__":
    unittest.main()
