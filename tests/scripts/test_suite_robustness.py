"""scripts/suite under attack: a bench that hangs, an mpirun stopped or killed,
the suite itself killed, a full disk or TMPDIR, a build folder that is not the
preset's. Most run a fake bench (a small script in a build folder of its own);
the MPI ones run the real bench_mpi of the build folder under test
(TVP_BUILD_DIR, set by ctest; else build/release)."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import BUILD_DIR, SCRIPTS, ScratchTest, run  # noqa: E402

# A stand-in for bench: lists two scenarios (--list-scenarios, as bench prints its table) and one benchmark;
# a run then does what FAKE_BENCH says: "hang" (with a child, both ignoring SIGTERM, their pids in
# FAKE_BENCH_PIDS) or "write" (FAKE_BENCH_BYTES of valid results; where they do not fit, exit 1, or exit 0 as
# Google Benchmark does with FAKE_BENCH_EXIT_0).
FAKE_BENCH = """#!/usr/bin/python3
import json, os, signal, subprocess, sys, time
if sys.argv[1:] == ["--list-scenarios"]:
    print("sumsq_kernel\\tbench\\t^sumsq_kernel/\\t\\tthe sum of squares on one core")
    print("ipc_baseline\\tbench\\t^ipc_baseline/\\t\\tthe floor under every mechanism")
    sys.exit(0)
flags = dict(arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg)
if flags.get("--benchmark_list_tests") == "true":
    print("sumsq_kernel/naive/n:1")
    sys.exit(0)
if os.environ["FAKE_BENCH"] == "hang":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "1000"])
    with open(os.environ["FAKE_BENCH_PIDS"], "a") as pids:
        pids.write(f"{os.getpid()}\\n{child.pid}\\n")
    while True:
        time.sleep(1)
row = {"name": "sumsq_kernel/naive/n:1", "run_name": "sumsq_kernel/naive/n:1", "run_type": "iteration",
       "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 1, "real_time": 1.0, "cpu_time": 1.0,
       "time_unit": "ns", "label": "x" * int(os.environ["FAKE_BENCH_BYTES"])}
try:
    with open(flags["--benchmark_out"], "w") as out:
        json.dump({"context": {"date": "2026-11-27T00:00:00+00:00", "host_name": "fake"}, "benchmarks": [row]}, out)
except OSError:
    sys.exit(0 if os.environ.get("FAKE_BENCH_EXIT_0") else 1)
"""
BUDGET_S = 2  # the fixed budget the fake-bench tests give every scenario
GRACE_S = 3  # suite_jobs.GRACE_S: between SIGTERM and SIGKILL


def alive(pid):
    """Running, neither gone nor a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def processes_naming(text):
    """Pids of the processes whose command line holds `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def wait_for(condition, seconds, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def can_unshare():
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class FakeBenchTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.build = self.scratch / "build"
        self.build.mkdir()
        (self.build / "bench").write_text(FAKE_BENCH)
        (self.build / "bench").chmod(0o755)
        self.pids = self.scratch / "pids"
        self.out = self.scratch / "results"
        self.addCleanup(self.kill_fakes)

    def kill_fakes(self):
        """Whatever the fake bench left running should the suite fail to end it."""
        for pid in map(int, self.pids.read_text().split() if self.pids.exists() else []):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def environment(self, mode, **extra):
        return {**os.environ, "FAKE_BENCH": mode, "FAKE_BENCH_PIDS": str(self.pids), "FAKE_BENCH_BYTES": "100",
                **extra}

    def suite(self, *args):
        return [sys.executable, str(SCRIPTS / "suite"), "--no-build", "--build-dir", str(self.build), "--quick",
                "--out", str(self.out), *map(str, args)]


class WatchdogTest(FakeBenchTest):
    def test_a_hung_bench_is_ended_at_its_budget_and_the_suite_goes_on(self):
        """A bench that never ends (and ignores SIGTERM, as does the worker it started) is ended with its
        whole session once its scenario's budget is spent: one line naming the scenario and the budget, an
        errored row in the results, and the next scenario runs."""
        started = time.monotonic()
        result = subprocess.run(self.suite("--scenarios", "sumsq_kernel,ipc_baseline", "--fail-on-error"),
                                capture_output=True, text=True, timeout=60,
                                env=self.environment("hang", TVP_SUITE_BUDGET_S=str(BUDGET_S)))
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertLess(elapsed, 2 * (BUDGET_S + GRACE_S) + 10)
        for scenario in ("sumsq_kernel", "ipc_baseline"):
            said = [line for line in result.stderr.splitlines() if line.startswith("suite: scenario " + scenario)]
            self.assertEqual(said, [f"suite: scenario {scenario} ran past its time budget of {BUDGET_S} s: bench "
                                    "and everything it started were ended; recorded as an error, going on"],
                             result.stderr)
        [written] = self.out.glob("*.json")
        rows = json.loads(written.read_text())["benchmarks"]
        self.assertEqual([(row["name"], row["error_occurred"]) for row in rows],
                         [("sumsq_kernel/time_budget", True), ("ipc_baseline/time_budget", True)])
        pids = [int(pid) for pid in self.pids.read_text().split()]
        self.assertEqual(len(pids), 4)  # two benches, each with a child
        self.assertEqual([pid for pid in pids if alive(pid)], [])


class ClosedStreamsTest(ScratchTest):
    def test_a_suite_started_with_stdin_closed_runs_without_an_error(self):
        """With 0 closed, the pipe to the suite's reaper took number 0, which the reaper replaced with
        /dev/null: it took the suite for ended and removed the scratch folder under bench."""
        out = self.scratch / "out"
        result = subprocess.run(["sh", "-c", f"'{sys.executable}' '{SCRIPTS / 'suite'}' --no-build --build-dir "
                                 f"'{BUILD_DIR}' --quick --scenarios sumsq_kernel --fail-on-error --out '{out}' <&-"],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("0 benchmark(s) reported an error", result.stdout + result.stderr)
        [written] = out.glob("*-quick.json")
        rows = json.loads(written.read_text())["benchmarks"]
        self.assertTrue(rows)
        self.assertFalse([row["name"] for row in rows if row.get("error_occurred")])


class ScratchFolderTest(FakeBenchTest):
    def test_sigkill_to_the_suite_leaves_no_scratch_folder(self):
        temp = self.scratch / "tmp"
        temp.mkdir()
        suite = subprocess.Popen(self.suite("--scenarios", "sumsq_kernel"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True,
                                 env=self.environment("hang", TMPDIR=str(temp)))
        try:
            self.assertTrue(wait_for(lambda: self.pids.exists(), 30), "the suite never started bench")
            self.assertTrue(list(temp.glob("tvp-suite-*")), "no scratch folder in TMPDIR")
        finally:
            suite.kill()
            suite.wait()
        left = wait_for(lambda: not list(temp.glob("tvp-suite-*")), 5)
        self.assertTrue(left, f"the scratch folder outlived the suite: {list(temp.iterdir())}")


class BuildDirTest(FakeBenchTest):
    def test_a_bad_build_dir_is_one_line_and_exit_2(self):
        empty = self.scratch / "empty"
        empty.mkdir()
        for args, message in [(["--no-build", "--build-dir", self.scratch / "missing"], "no bench in"),
                              (["--no-build", "--build-dir", empty], "no bench in"),
                              (["--build-dir", empty], "is not a configured CMake build folder")]:
            with self.subTest(args=args):
                result = run("suite", "--quick", "--out", self.out, *args, timeout=30)
                self.assert_one_line_exit_2(result, message)
                self.assertNotIn("machine check", result.stdout)

    def test_the_bench_of_the_build_dir_is_run_and_help_names_the_option(self):
        result = subprocess.run(self.suite("--scenarios", "sumsq_kernel"), capture_output=True, text=True,
                                timeout=60, env=self.environment("write"))
        self.assertEqual(result.returncode, 0, result.stderr)
        [written] = self.out.glob("*.json")
        self.assertEqual(json.loads(written.read_text())["context"]["host_name"], "fake")
        self.assertIn("--build-dir DIR", run("suite", "--help").stdout)


@unittest.skipUnless(can_unshare(), "unshare -m is not permitted here (no private mount namespace)")
class FullDiskTest(FakeBenchTest):
    """A 64 KiB tmpfs, mounted in a private mount namespace, is the full disk."""
    def suite_on_tmpfs(self, folder, fill_kib, **environment):
        """Runs the suite on the fake bench's sumsq_kernel with a full `folder`; returns its result and what
        is left in the folder after it (apart from the filler)."""
        folder.mkdir(exist_ok=True)
        script = (f"mount -t tmpfs -o size=64k tmpfs '{folder}' || exit 99; "
                  f"dd if=/dev/zero of='{folder}/fill' bs=1k count={fill_kib} 2>/dev/null; "
                  f"\"$@\"; code=$?; echo; echo left: $(ls -A '{folder}' | grep -vx fill); exit $code")
        command = ["unshare", "-m", "sh", "-c", script, "sh", *self.suite("--scenarios", "sumsq_kernel")]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                env=self.environment("write", **environment))
        self.assertNotEqual(result.returncode, 99, result.stderr)
        return result, result.stdout.rsplit("left:", 1)[1].split()

    def test_results_that_do_not_fit_in_out_leave_nothing_behind(self):
        """200 KiB of results on a 64 KiB disk: one line, exit 2, nothing under the final name nor a
        temporary one."""
        self.out = self.scratch / "full"
        result, left = self.suite_on_tmpfs(self.out, 0, FAKE_BENCH_BYTES=str(200 << 10))
        self.assert_one_line_exit_2(result, "cannot write (No space left on device)")
        self.assertEqual(left, [])

    def test_a_full_tmpdir_is_one_line_and_exit_2(self):
        """Room for Python's probe of TMPDIR but not for bench's results: they are cut short."""
        temp = self.scratch / "tmp"
        for bench_says, message in [({}, "bench exited with code 1 in scenario sumsq_kernel: TMPDIR is full"),
                                    ({"FAKE_BENCH_EXIT_0": "1"}, "sumsq_kernel.json is cut short: TMPDIR is full")]:
            with self.subTest(bench_says=bench_says):
                result, left = self.suite_on_tmpfs(temp, 60, TMPDIR=str(temp), FAKE_BENCH_BYTES=str(16 << 10),
                                                   **bench_says)
                self.assert_one_line_exit_2(result, message)
                self.assertEqual(left, [])
                self.assertFalse(self.out.exists() and list(self.out.iterdir()))


def vader_segments():
    return set(Path("/dev/shm").glob("vader_segment.*"))


@unittest.skipUnless((BUILD_DIR / "bench_mpi").exists(), f"{BUILD_DIR}/bench_mpi is not built")
class MpiJobTest(ScratchTest):
    """The real mpirun of bench_mpi, Open MPI's session directories in a TMPDIR of the test's own."""
    def setUp(self):
        super().setUp()
        self.temp = self.scratch / "tmp"
        self.temp.mkdir()
        self.segments_before = vader_segments()
        self.addCleanup(self.remove_leftovers)

    def remove_leftovers(self):
        """What the suite should have removed, should it fail to: this test's jobs (they name its TMPDIR) and
        the segments made meanwhile."""
        for pid in processes_naming(str(self.temp)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
        for segment in vader_segments() - self.segments_before:
            segment.unlink(missing_ok=True)

    def start_suite(self, **environment):
        return subprocess.Popen([sys.executable, str(SCRIPTS / "suite"), "--no-build", "--build-dir", str(BUILD_DIR),
                                 "--quick", "--scenarios", "mpi", "--fail-on-error", "--out",
                                 str(self.scratch / "results")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True,
                                env={**os.environ, "TMPDIR": str(self.temp), **environment})

    def running_job(self):
        """The pid of the suite's mpirun of bench_mpi once its ranks have made their segments."""
        def found():
            runs = [pid for pid in processes_naming(f"--benchmark_out={self.temp}")
                    if Path(f"/proc/{pid}/comm").read_text().strip() in ("mpirun", "orterun")]
            return runs[0] if runs and vader_segments() - self.segments_before else None
        return wait_for(found, 60)

    def finish(self, suite):
        try:
            out, err = suite.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(suite.pid, signal.SIGKILL)
            out, err = suite.communicate()
            err += "\n(the suite was killed after 60 s)"
        return suite.returncode, out, err

    def assert_nothing_left(self):
        time.sleep(0.5)  # ranks that outlived mpirun end
        self.assertEqual(vader_segments() - self.segments_before, set())
        self.assertEqual([str(p) for p in self.temp.iterdir()], [], "Open MPI's session directories are left")

    def test_sigkill_to_mpirun_leaves_no_segments_or_session_directory(self):
        suite = self.start_suite()
        mpirun = self.running_job()
        self.assertIsNotNone(mpirun, "the suite never ran bench_mpi")
        os.kill(mpirun, signal.SIGKILL)
        code, _, err = self.finish(suite)
        self.assertEqual(code, 1, err)
        self.assertIn("suite: mpirun exited with code -9 in scenario mpi/vader", err)
        self.assert_nothing_left()

    def test_a_stopped_mpirun_is_ended_at_the_scenario_s_budget(self):
        budget_s = 20  # the whole scenario takes about 6 s here
        suite = self.start_suite(TVP_SUITE_BUDGET_S=str(budget_s))
        mpirun = self.running_job()
        self.assertIsNotNone(mpirun, "the suite never ran bench_mpi")
        os.kill(mpirun, signal.SIGSTOP)
        code, _, err = self.finish(suite)
        self.assertEqual(code, 1, err)
        self.assertEqual([line for line in err.splitlines() if line.startswith("suite: scenario")],
                         [f"suite: scenario mpi ran past its time budget of {budget_s} s: mpirun and everything it "
                          "started were ended; recorded as an error, going on"])
        self.assertFalse(alive(mpirun))
        self.assert_nothing_left()

    def test_a_listing_timeout_leaves_no_open_mpi_directory(self):
        hosts = self.scratch / "hosts"
        hosts.write_text("10.255.255.1 slots=1\n")  # a reserved address nobody answers
        result = subprocess.run([sys.executable, str(SCRIPTS / "suite"), "--no-build", "--build-dir", str(BUILD_DIR),
                                 "--quick", "--scenarios", "mpi", "--out", str(self.scratch / "results"),
                                 "--mpi-hostfile", str(hosts)], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "TMPDIR": str(self.temp), "TVP_SUITE_LISTING_TIMEOUT_S": "3"})
        self.assert_one_line_exit_2(result, "did not list its benchmarks within 3 s")
        self.assert_nothing_left()


if __name__ == "__main__":
    unittest.main()
