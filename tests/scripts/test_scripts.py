"""Tests of the result scripts (compare, regress, suite, table, report, plots) on
the fixtures in tests/fixtures and on small results files written here."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SCRIPTS = ROOT / "scripts"
import tvp_path  # noqa: E402  (scripts/ on sys.path, as the commands have it)
from tvp import results_lib as rl  # noqa: E402
from build_dir import BUILD_DIR  # noqa: E402
# The unit tests of results_lib and crossover, run by the same ctest entry (result_scripts).
from test_results_lib import (CrossoverTest, CsvTest, NewestRunTest, ParseNameTest,  # noqa: E402,F401
                              SweepTest)
from test_pools import CurvesTest, ReachesTest  # noqa: E402,F401
from test_mpi_report import (MpiFiguresTest, MpiSectionTest, SuiteHostfileTest,  # noqa: E402,F401
                             SuiteMpirunTest)


def run(script, *args, timeout=120):
    """Runs a script in its own session; on a timeout the whole session is killed
    (a regress that failed to stop before building must not leave a build running)."""
    command = [str(SCRIPTS / script), *map(str, args)]
    if script != "regress":
        command.insert(0, "/usr/bin/python3")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n(killed after {timeout} s)"
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def load_script(name):
    """The code of the command scripts/<name> (the module tvp/<name>.py), loaded anew."""
    return tvp_path.fresh(name)


def repetitions(name, values, unit="us", **counters):
    """Repetition rows of one benchmark; a counter is one value for all or a list, one per repetition
    (None: absent from that repetition)."""
    rows = []
    for index, value in enumerate(values):
        row = {"name": f"{name}/real_time", "run_name": f"{name}/real_time", "run_type": "iteration",
               "repetitions": len(values), "repetition_index": index, "threads": 1, "iterations": 100,
               "real_time": value, "cpu_time": value, "time_unit": unit}
        for key, counter in counters.items():
            counter = counter[index] if isinstance(counter, list) else counter
            if counter is not None:
                row[key] = counter
        rows.append(row)
    return rows


def errored(name, message="the benchmark failed"):
    return {"name": f"{name}/real_time", "run_name": f"{name}/real_time", "run_type": "iteration",
            "repetitions": 1, "repetition_index": 0, "threads": 1, "error_occurred": True,
            "error_message": message, "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"}


def write_results(directory, filename, benchmarks, **context):
    path = Path(directory) / filename
    path.write_text(json.dumps({"context": {"date": "2026-11-27T00:00:00+00:00", "host_name": "fixture",
                                            "num_cpus": 2, **context}, "benchmarks": benchmarks}))
    return path


SPREAD = [100.0, 101.0, 99.0, 102.0, 98.0, 100.5, 99.5, 101.5, 98.5, 100.2]  # 10 repetitions, ±2%


def scaled(factor, values=SPREAD):
    return [value * factor for value in values]


class ScratchTest(unittest.TestCase):
    def setUp(self):
        self.scratch = Path(tempfile.mkdtemp(prefix="tvp-scripts-"))
        self.addCleanup(shutil.rmtree, self.scratch, ignore_errors=True)

    def results(self, filename, benchmarks, **context):
        return write_results(self.scratch, filename, benchmarks, **context)

    def assert_one_line_exit_2(self, result, message=None):
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        if message:
            self.assertIn(message, result.stderr)


class CompareTest(ScratchTest):
    def base(self):
        return self.results("base.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                            repetitions("create/fork/workers:4", scaled(1.3)) +
                            repetitions("sumsq/thread/workers:2/n:100000000", scaled(120), unit="ms"))

    def test_a_planted_30_percent_slowdown_is_reported(self):
        result = run("compare", FIXTURES / "baseline.json", FIXTURES / "slower.json")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        slower = [line for line in result.stdout.splitlines() if "SLOWER" in line]
        self.assertEqual(len(slower), 1, result.stdout)
        self.assertIn("create/fork/workers:4/parent_mib:0", slower[0])

    def test_noise_alone_passes(self):
        result = run("compare", FIXTURES / "baseline.json", FIXTURES / "noise.json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("SLOWER", result.stdout)

    def test_a_higher_threshold_forgives_the_slowdown(self):
        result = run("compare", FIXTURES / "baseline.json", FIXTURES / "slower.json", "--threshold", "0.5")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_times_are_printed_in_units_that_fit(self):
        result = run("compare", FIXTURES / "baseline.json", FIXTURES / "noise.json")
        self.assertRegex(result.stdout, r"create/thread/workers:4/parent_mib:0\s+20\.0 µs")
        self.assertRegex(result.stdout, r"sumsq/thread/workers:2/n:100000000\s+12\.0 ms")

    def test_a_speedup_is_never_a_regression(self):
        """Plant: a regression taken as the absolute change flags a 30% speedup."""
        faster = self.results("faster.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                              repetitions("create/fork/workers:4", scaled(1.3 * 0.7)) +
                              repetitions("sumsq/thread/workers:2/n:100000000", scaled(120), unit="ms"))
        result = run("compare", self.base(), faster)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"create/fork/workers:4 .*-30\.0%.*faster")
        self.assertNotIn("SLOWER", result.stdout)

    def test_a_slowdown_that_is_not_significant_passes(self):
        """Plant: a comparison that ignores significance flags this 30% move of the median (p = 0.063)."""
        spread = [60, 65, 70, 75, 80, 120, 125, 130, 135, 140]
        base = self.results("base.json", repetitions("create/fork/workers:4", spread))
        new = self.results("new.json", repetitions("create/fork/workers:4", [v + 30 for v in spread]))
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"\+30\.0%.*no significant change")

    def test_p_values_are_corrected_for_the_number_of_benchmarks(self):
        """p = 0.028 alone is significant; among three benchmarks Holm makes it three times that."""
        spread = [60, 65, 70, 75, 80, 120, 125, 130, 135, 140]
        base = [*repetitions("create/fork/workers:4", spread), *repetitions("create/thread/workers:4", SPREAD),
                *repetitions("create/posix_spawn/workers:4", scaled(3))]
        new = [*repetitions("create/fork/workers:4", [v + 50 for v in spread]),
               *repetitions("create/thread/workers:4", SPREAD), *repetitions("create/posix_spawn/workers:4", scaled(3))]
        alone = run("compare", self.results("b1.json", base[:10]), self.results("n1.json", new[:10]))
        self.assertEqual(alone.returncode, 1, alone.stdout + alone.stderr)
        result = run("compare", self.results("b3.json", base), self.results("n3.json", new))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        fork = re.search(r"create/fork/workers:4 .*\+50\.0%\s+(\S+)\s+(\S+)\s+10/10\s+no significant change",
                         result.stdout)
        self.assertTrue(fork, result.stdout)
        p_value, adjusted = map(float, fork.groups())
        self.assertLess(p_value, 0.05)
        self.assertAlmostEqual(adjusted, 3 * p_value, delta=0.002)
        self.assertIn("Holm-Bonferroni", result.stdout)

    def test_a_benchmark_errored_in_the_new_file_fails(self):
        new = self.results("new.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                           [errored("create/fork/workers:4", "waitpid: No child processes")] +
                           repetitions("sumsq/thread/workers:2/n:100000000", scaled(120), unit="ms"))
        result = run("compare", self.base(), new)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"FAILED\s+create/fork/workers:4: reported an error .*waitpid")

    def test_a_benchmark_missing_from_the_new_file_fails(self):
        new = self.results("new.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                           repetitions("sumsq/thread/workers:2/n:100000000", scaled(120), unit="ms"))
        result = run("compare", self.base(), new)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"FAILED\s+create/fork/workers:4: missing from the new file")

    def test_a_benchmark_errored_in_the_base_is_listed_and_the_others_compared(self):
        base = self.results("base.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                            [errored("create/fork/workers:4")])
        new = self.results("new.json", repetitions("create/thread/workers:4", scaled(0.2)) +
                           repetitions("create/fork/workers:4", scaled(1.3)))
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"SKIPPED create/fork/workers:4: reported an error in the base file")
        self.assertRegex(result.stdout, r"create/thread/workers:4 .*no significant change")
        self.assertIn("1 benchmarks compared", result.stdout)

    def test_a_base_where_every_benchmark_errored_exits_2(self):
        base = self.results("base.json", [errored("create/fork/workers:4")])
        new = self.results("new.json", repetitions("create/fork/workers:4", SPREAD))
        self.assert_one_line_exit_2(run("compare", base, new), "reported an error: nothing to compare")

    def test_too_few_repetitions_to_reach_significance_exit_2(self):
        base = self.results("base.json", repetitions("create/fork/workers:4", [100, 101, 99]))
        new = self.results("new.json", repetitions("create/fork/workers:4", [200, 201, 199]))
        result = run("compare", base, new)
        self.assert_one_line_exit_2(result, "too few repetitions")
        self.assertIn("at best p = 0.1", result.stderr)
        self.assertIn("need at least 4 per side", result.stderr)

    def test_metric_on_a_counter_where_lower_is_better(self):
        name = "queue/fork/posix_mq/bytes:8/cpus:cross/latency"
        base = self.results("base.json", repetitions(name, SPREAD, round_trip_p50_us=scaled(0.5)))
        # Same time per iteration; the round trip's p50 50% higher.
        new = self.results("new.json", repetitions(name, SPREAD, round_trip_p50_us=scaled(0.75)))
        self.assertEqual(run("compare", base, new).returncode, 0)
        result = run("compare", base, new, "--metric", "round_trip_p50_us")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("metric: round_trip_p50_us (lower is better)", result.stdout)
        self.assertRegex(result.stdout, rf"{name}\s+50\.0 µs\s+75\.1 µs\s+\+50\.0%.*SLOWER")

    def test_metric_on_a_counter_where_higher_is_better(self):
        name = "pipe/fork/pipe/bytes:65536/cpus:cross/throughput"
        base = self.results("base.json", repetitions(name, SPREAD, bytes_per_second=scaled(1e7)))
        drop = self.results("drop.json", repetitions(name, SPREAD, bytes_per_second=scaled(0.7e7)))
        rise = self.results("rise.json", repetitions(name, SPREAD, bytes_per_second=scaled(1.3e7)))
        result = run("compare", base, drop, "--metric", "bytes_per_second")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("(higher is better)", result.stdout)
        self.assertRegex(result.stdout, r"1\.00 GB/s\s+701 MB/s\s+-30\.0%.*SLOWER")
        result = run("compare", base, rise, "--metric", "bytes_per_second")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("faster", result.stdout)
        self.assertEqual(run("compare", base, rise, "--metric", "bytes_per_second", "--direction", "lower").returncode, 1)

    def test_a_metric_the_new_file_lacks_fails(self):
        name = "queue/fork/posix_mq/bytes:8/cpus:cross/latency"
        base = self.results("base.json", repetitions(name, SPREAD, round_trip_p50_us=50.0))
        new = self.results("new.json", repetitions(name, SPREAD))
        result = run("compare", base, new, "--metric", "round_trip_p50_us")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"FAILED  {name}: the new file does not report round_trip_p50_us", result.stdout)

    def test_a_metric_no_benchmark_reports_exits_2(self):
        self.assert_one_line_exit_2(run("compare", self.base(), self.base(), "--metric", "round_trip_p50_us"),
                                    "reports round_trip_p50_us")

    def test_unusable_input_exits_2_with_one_line(self):
        good = repetitions("create/fork/workers:4", SPREAD)
        (self.scratch / "empty.json").write_text("")
        cases = {
            "missing.json": (FIXTURES / "missing.json", "no such file"),
            "not JSON": (FIXTURES / "malformed.json", "not readable JSON"),
            "empty file": (self.scratch / "empty.json", "empty file"),
            "not results": (FIXTURES / "not_results.json", "not a Google Benchmark results file"),
            "no benchmarks": (self.results("none.json", []), "holds no benchmarks"),
            "nothing in common": (FIXTURES / "unrelated.json", "no benchmark in common"),
            "no name": (self.results("noname.json", [{k: v for k, v in good[0].items() if k != "name"}] + good),
                        "has no name"),
            "zero median": (self.results("zero.json", repetitions("create/fork/workers:4", [0.0] * 10)),
                            "real_time 0.0 is not a positive number"),
            "negative": (self.results("negative.json", repetitions("create/fork/workers:4", scaled(-1))),
                         "is not a positive number"),
            "not a number": (self.results("text.json", repetitions("create/fork/workers:4", ["fast"] * 10)),
                             "'fast' is not a positive number"),
            "unknown unit": (self.results("unit.json", repetitions("create/fork/workers:4", SPREAD, unit="fortnights")),
                             "unknown time_unit 'fortnights'"),
        }
        base = self.results("base.json", good)
        for case, (path, message) in cases.items():
            for args in [(base, path), (path, base)]:
                if case == "nothing in common" and args[0] == path:
                    continue
                with self.subTest(case=case, order="new" if args[0] == base else "base"):
                    self.assert_one_line_exit_2(run("compare", *args), message)

    def test_odd_json_exits_2_with_one_line(self):
        """Fields of the wrong type, JSON that Python's parser itself gives up on, and files with
        nothing to compare: one line and exit 2, never a traceback, a silently dropped row or
        an error invented from a string."""
        good = repetitions("create/fork/workers:4", SPREAD)

        def with_first(**fields):
            return [{**good[0], **fields}] + good[1:]

        cases = {
            "run_name null": (with_first(run_name=None), "run_name None is not a name"),
            "run_name number": (with_first(run_name=5), "run_name 5 is not a name"),
            "time_unit list": (with_first(time_unit=["us"]), "unknown time_unit ['us']"),
            "run_type null": (with_first(run_type=None), "unknown run_type None"),
            "run_type other": (with_first(run_type="warmup"), "unknown run_type 'warmup'"),
            "error_occurred text": (with_first(error_occurred="false"), "error_occurred 'false' is not true or false"),
            "aggregates only": ([{**row, "run_type": "aggregate", "aggregate_name": "mean"} for row in good],
                                "only aggregates"),
        }
        base = self.results("base.json", good)
        for case, (rows, message) in cases.items():
            path = self.results("odd.json", rows)
            for args in [(base, path), (path, base)]:
                with self.subTest(case=case, order="new" if args[0] == base else "base"):
                    self.assert_one_line_exit_2(run("compare", *args), message)
        text = json.dumps({"context": {}, "benchmarks": good})
        raw = {"a 5000-digit number": text.replace('"iterations": 100', '"iterations": 1' + "0" * 5000, 1),
               "nested 100000 deep": "[" * 100_000 + "]" * 100_000}
        for case, content in raw.items():
            (self.scratch / "raw.json").write_text(content)
            with self.subTest(case=case):
                self.assert_one_line_exit_2(run("compare", base, self.scratch / "raw.json"), "not readable JSON")

    def test_a_counter_that_is_not_a_number_exits_2(self):
        name = "queue/fork/posix_mq/bytes:8/cpus:cross/latency"
        base = self.results("base.json", repetitions(name, SPREAD, round_trip_p50_us=50.0))
        new = self.results("new.json", repetitions(name, SPREAD, round_trip_p50_us="fast"))
        self.assert_one_line_exit_2(run("compare", base, new, "--metric", "round_trip_p50_us"), "not a number")

    def test_bad_options_exit_2_with_one_line(self):
        base = self.base()
        for args in [["--alpha", "2"], ["--alpha", "x"], ["--threshold", "-1"], ["--threshold", "nan"],
                     ["--direction", "sideways"], ["--bogus"], []]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("compare", base, *([base] if args else []), *args))

    def test_help_states_the_correction_and_the_exit_codes(self):
        result = run("compare", "--help")
        self.assertEqual(result.returncode, 0)
        for text in ["Holm-Bonferroni", "Exit codes: 0", "1 at least one", "2 unusable input", "4 per side"]:
            self.assertIn(text, result.stdout)


class RegressOptionsTest(ScratchTest):
    """Option checks only: each must stop before anything is set up or built."""

    def check(self, *args, message=None):
        result = run("regress", *args, timeout=30)
        self.assert_one_line_exit_2(result, message)
        self.assertNotIn("building", result.stderr)

    def test_an_option_without_its_value(self):
        for option in ["--rounds", "--filter", "--threshold", "--alpha", "--min-time", "--out"]:
            with self.subTest(option=option):
                self.check("HEAD", option, message=f"{option} needs a value")

    def test_values_out_of_range_or_not_numbers(self):
        for args, message in [(["--rounds", "0"], "--rounds"), (["--rounds", "3"], "--rounds"),
                              (["--rounds", "eight"], "--rounds"), (["--rounds=-1"], "--rounds"),
                              (["--rounds", "9" * 30], "--rounds"),  # beyond what bash's test can compare
                              (["--threshold", "x"], "--threshold"), (["--threshold", "-0.1"], "--threshold"),
                              (["--alpha", "1"], "--alpha"), (["--min-time", "0"], "--min-time"),
                              (["--filter", "(?!sumsq)"], "not a POSIX extended regex"),
                              (["--bogus"], "unknown option")]:
            with self.subTest(args=args):
                self.check("HEAD", *args, message=message)

    def test_revisions_are_checked_before_building(self):
        self.check(message="give BASE_REF")
        self.check("no-such-revision", message="unknown revision 'no-such-revision'")
        self.check("HEAD", "no-such-revision", message="unknown revision 'no-such-revision'")
        self.check("HEAD", "HEAD", "HEAD", message="give BASE_REF")

    def test_an_output_folder_that_cannot_be_created(self):
        blocker = self.scratch / "file"
        blocker.write_text("")
        self.check("HEAD", "--out", blocker / "results", message="cannot create or write")


class SuiteTest(ScratchTest):
    def test_bad_options_are_rejected_before_any_work(self):
        blocker = self.scratch / "file"
        blocker.write_text("")
        for args, message in [(["--repetitions", "0"], "0 is not at least 1"),
                              (["--repetitions", "x"], "not a whole number"),
                              (["--min-time", "0"], "not a positive number"),
                              (["--scenarios", ","], "names no scenario"),
                              (["--scenarios", "create,nope"], "unknown scenario(s) nope"),
                              (["--out", blocker / "results"], "cannot create this folder"),
                              (["--bogus"], "unrecognized arguments"),
                              (["extra"], "'extra' is not a bench flag"),
                              (["--", "0.01"], "'0.01' is not a bench flag"),
                              (["--mpi-ranks", "1"], "the MPI benchmarks need at least 2"),
                              (["--precision", "0"], "0 cannot be met"),
                              (["--precision", "-0.03"], "-0.03 cannot be met"),
                              (["--precision", "1"], "1 cannot be met"),
                              (["--precision", "1e-160"], "1e-160 cannot be met"),
                              (["--precision", "x"], "'x' is not a number"),
                              (["--cap", "0"], "not a positive number"),
                              (["--cap", "0.01"], "below one repetition's --min-time 0.05 s"),
                              (["--precision", "0.03", "--repetitions", "3"], "--repetitions fixes the schedule"),
                              (["--quick", "--cap", "2"], "--quick fixes the schedule")]:
            with self.subTest(args=args):
                result = run("suite", "--no-build", "--build-dir", BUILD_DIR, *args, timeout=30)
                self.assert_one_line_exit_2(result, message)
                self.assertNotIn("machine check", result.stdout)

    def test_the_shell_scripts_refuse_arguments_they_do_not_take(self):
        """A stray argument is a mistake to report, not one to ignore while building (or installing). The tools
        they would run are stand-ins here that only say they were called: a script that ignored its stray
        argument must not build, test or install anything from inside the tests."""
        tools = self.scratch / "bin"
        tools.mkdir()
        called = self.scratch / "called"
        for tool in ["cmake", "ctest", "dpkg-query", "apt-get", "sudo"]:
            (tools / tool).write_text(f"#!/bin/sh\necho {tool} >> '{called}'\necho 'install ok installed'\n")
            (tools / tool).chmod(0o755)
        environment = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}
        for script, args in [("build", ["release", "extra"]), ("test", ["sanitize", "--quick"]),
                             ("setup", ["--bogus"])]:
            with self.subTest(script=script):
                result = subprocess.run([str(SCRIPTS / script), *args], capture_output=True, text=True,
                                        timeout=60, cwd=ROOT, env=environment)
                self.assert_one_line_exit_2(result)
                self.assertFalse(called.exists(), called.read_text() if called.exists() else "")

    def test_bench_flags_that_the_suite_sets_itself_are_refused(self):
        """After --, a flag the suite sets for every scenario would override it: the filter would run the same
        benchmarks in every scenario, the output file would leave the suite nothing to read."""
        for flag, message in [("--benchmark_filter=^isolation/thread", "use --scenarios"),
                              ("--benchmark_repetitions=1", "use --repetitions"),
                              ("--benchmark_min_time=0.01", "use --min-time"),
                              ("--round_trips=10", "use --round-trips"),
                              (f"--benchmark_out={self.scratch / 'elsewhere.json'}", "the suite sets it"),
                              ("--benchmark_out_format=csv", "the suite sets it"),
                              ("--benchmark_list_tests=true", "the suite sets it"),
                              ("--benchmark_report_aggregates_only=true", "the suite sets it")]:
            with self.subTest(flag=flag):
                result = run("suite", "--no-build", "--build-dir", BUILD_DIR, "--quick", "--scenarios", "isolation",
                             "--out", self.scratch / "results", "--", flag, timeout=60)
                self.assert_one_line_exit_2(result, message)
                self.assertNotIn("machine check", result.stdout)

    def test_bench_ends_when_the_suite_is_killed(self):
        """SIGKILL leaves the suite no way to stop bench, which ignores SIGPIPE and would run the rest of its
        scenario for nobody: it must end with the suite."""
        def children(parent):
            found = []
            for entry in os.listdir("/proc"):
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except (OSError, ValueError):
                    continue
                fields = stat[stat.rfind(")") + 2:].split()
                if entry.isdigit() and int(fields[1]) == parent:
                    found.append(int(entry))
            return found

        def running(pid):
            try:
                return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] not in ("Z", "X")
            except OSError:
                return False

        suite = subprocess.Popen(["/usr/bin/python3", str(SCRIPTS / "suite"), "--no-build", "--build-dir",
                                  str(BUILD_DIR), "--quick", "--scenarios", "queue", "--out",
                                  str(self.scratch / "results")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        bench = None
        deadline = time.monotonic() + 30
        while bench is None and time.monotonic() < deadline and suite.poll() is None:
            for pid in children(suite.pid):
                try:
                    if b"--benchmark_out=" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        bench = pid
                except OSError:
                    pass
            time.sleep(0.05)
        suite.kill()
        suite.wait()
        self.assertIsNotNone(bench, "the suite never started bench")
        deadline = time.monotonic() + 2
        while running(bench) and time.monotonic() < deadline:
            time.sleep(0.05)
        still_running = running(bench)
        if still_running:
            os.kill(bench, signal.SIGTERM)  # its own clean-up: the janitor removes its names
        self.assertFalse(still_running, "bench still runs 2 s after the suite was killed")

    def test_a_scenario_named_twice_runs_once(self):
        """Run twice, its rows would be in the results twice: twice the repetitions to a reader and to compare."""
        suite = load_script("suite")
        argv = sys.argv
        sys.argv = ["suite", "--scenarios", "create,sumsq,create", "--out", str(self.scratch)]
        try:
            self.assertEqual(suite.parse_arguments().scenarios, ["create", "sumsq"])
        finally:
            sys.argv = argv

    def test_the_suite_context_names_the_revision(self):
        suite = load_script("suite")
        args = type("Args", (), {"quick": True, "repetitions": 2, "min_time": 0.02, "round_trips": 100,
                                 "scenarios": ["create"], "bench_flags": []})
        context = suite.suite_context(args, {"warnings": []})
        self.assertRegex(context["tvp_revision"], r"^[0-9a-f]{40}$")
        self.assertIn(context["tvp_revision_dirty"], ("true", "false"))
        outside = suite.suite_context(args, {"warnings": []}, root=self.scratch)
        self.assertEqual((outside["tvp_revision"], outside["tvp_revision_dirty"]), ("unknown", "unknown"))


class MutationPlantsTest(unittest.TestCase):
    def test_every_plant_is_one_the_audit_can_make(self):
        """scripts/mutation-audit refuses its whole list for one plant of an unknown area or whose original is not
        in its file exactly once (the advise plants' area once made it refuse every run)."""
        listed = subprocess.run([str(SCRIPTS / "mutation-audit"), "--list"], capture_output=True, text=True,
                                timeout=60, cwd=ROOT)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        plants = json.loads((ROOT / "tests" / "mutation" / "plants.json").read_text())
        self.assertEqual(len(listed.stdout.splitlines()), len(plants))
        for plant in plants:
            with self.subTest(plant=plant["id"]):
                self.assertEqual((ROOT / plant["file"]).read_text().count(plant["original"]), 1)


class TidyCsvTest(ScratchTest):
    REFERENCE = rl.newest_full_run(ROOT / "results")  # the committed reference run, whatever its name

    def csv_from(self, source):
        copy = self.scratch / "run.json"
        shutil.copy(source, copy)
        result = run("suite", "--csv-from", copy, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return self.scratch / "run.csv", self.scratch / "run.aggregates.csv"

    def test_pandas_pivots_it_without_cleaning(self):
        import pandas
        repetitions, aggregates = self.csv_from(self.REFERENCE)
        frame = pandas.read_csv(repetitions)
        pivot = frame.pivot_table(index=["scenario", "backend"], columns="workers", values="real_time_ns")
        self.assertIn(("sumsq", "thread"), pivot.index)
        self.assertIn(("create", "spawn"), pivot.index)  # Python's spawn start method, beside the C++ back-ends
        queue = frame[frame.scenario == "queue"]
        self.assertEqual(list(queue.pivot_table(index=["scenario", "backend"], columns="bytes",
                                                values="real_time_ns").columns), [8, 64, 4096, 65536, 1048576])
        sumsq = frame[frame.scenario == "sumsq"].pivot_table(index=["backend", "language"], columns="workers",
                                                             values="real_time_ns")
        self.assertIn(("fork", "python"), sumsq.index)
        self.assertIn(("fork", "cpp"), sumsq.index)
        self.assertEqual(set(frame.language), {"cpp", "python"})
        self.assertEqual(str(frame.real_time_ns.dtype), "float64")
        mechanisms = frame[frame.scenario == "queue"].pivot_table(index="mechanism", columns="mode",
                                                                  values="real_time_ns")
        self.assertEqual(list(mechanisms.columns), ["latency", "throughput"])
        self.assertFalse(frame.base_name.str.contains("real_time|_mean|iterations:|min_time:").any())
        self.assertEqual(len(frame), sum(1 for row in rl.load(self.REFERENCE)["benchmarks"] if rl.is_repetition(row)))
        means = pandas.read_csv(aggregates)
        self.assertEqual(set(means.aggregate_name), {"mean", "median", "stddev"})
        self.assertNotIn("bytes=1048576.0", repetitions.read_text())
        self.assertNotRegex(repetitions.read_text(), r",1\.048576e\+06,|,1048576\.0,")

    def test_the_committed_csv_is_the_writer_s(self):
        repetitions, aggregates = self.csv_from(self.REFERENCE)
        self.assertEqual(repetitions.read_text(), self.REFERENCE.with_suffix(".csv").read_text())
        self.assertEqual(aggregates.read_text(), self.REFERENCE.with_suffix(".aggregates.csv").read_text())

    def test_an_unusable_file_exits_2_with_one_line(self):
        self.assert_one_line_exit_2(run("suite", "--csv-from", FIXTURES / "malformed.json"), "not readable JSON")
        self.assert_one_line_exit_2(run("suite", "--csv-from", FIXTURES / "missing.json"), "no such file")
        self.assertFalse((FIXTURES / "malformed.csv").exists())
        # Not a path at all, or not a regular file: refused before reading (a FIFO would hang, /dev/zero never ends).
        self.assert_one_line_exit_2(run("suite", "--csv-from", ""), "'' is not a results file")
        self.assert_one_line_exit_2(run("suite", "--csv-from", "/dev/zero", timeout=20), "not a regular file")


class MachineCheckTest(ScratchTest):
    def machine(self, load="0.05", governor="performance", boost=None, smt="0", thp="always madvise [never]"):
        proc, sys_root = self.scratch / "proc", self.scratch / "sys"
        (proc / "4242").mkdir(parents=True)
        (proc / "loadavg").write_text(f"{load} 0.10 0.10 1/100 4242\n")
        (proc / "4242" / "stat").write_text("4242 (cc1 plus) R 1 1 1 0 -1 0 0 0 0 0 100 20 0 0 20 0 1 0\n")
        cpu = sys_root / "devices" / "system" / "cpu"
        (cpu / "cpu0" / "cpufreq").mkdir(parents=True)
        (cpu / "cpu0" / "cpufreq" / "scaling_governor").write_text(governor + "\n")
        (cpu / "smt").mkdir()
        (cpu / "smt" / "active").write_text(smt + "\n")
        if boost is not None:
            (cpu / "cpufreq").mkdir()
            (cpu / "cpufreq" / "boost").write_text(boost + "\n")
        (sys_root / "kernel" / "mm" / "transparent_hugepage").mkdir(parents=True)
        (sys_root / "kernel" / "mm" / "transparent_hugepage" / "enabled").write_text(thp + "\n")
        return proc, sys_root

    def check(self, proc, sys_root, busy_ticks=0):
        from tvp import machine_check

        def wait(seconds):  # the other process runs meanwhile
            stat = proc / "4242" / "stat"
            stat.write_text(stat.read_text().replace(" 100 20 ", f" {100 + busy_ticks} 20 "))
        return machine_check.check(proc=proc, sys_root=sys_root, cpus=2, ours={1}, seconds=0.5, wait=wait)

    def test_a_quiet_machine_gets_no_warning(self):
        found = self.check(*self.machine())
        self.assertEqual(found["warnings"], [])
        self.assertEqual((found["governor"], found["smt"], found["thp"], found["boost"]),
                         ("performance", "off", "never", "unreadable"))

    def test_each_source_of_noise_is_said_in_plain_words(self):
        ticks = os.sysconf("SC_CLK_TCK")  # half a second of CPU in half a second: a whole CPU
        found = self.check(*self.machine(load="1.50", governor="powersave", boost="1", smt="1",
                                         thp="[always] madvise never"), busy_ticks=ticks // 2)
        text = "\n".join(found["warnings"])
        for words in ["load average over the last minute is 1.50 on 2 CPUs", "cc1 plus (pid 4242, 100% of a CPU)",
                      "governor is powersave", "turbo boost is on", "SMT (hyper-threading) is on",
                      "transparent huge pages are 'always'"]:
            self.assertIn(words, text)


class ResultsLibTest(ScratchTest):
    def test_the_newest_run_is_picked_by_its_date_not_its_host_name(self):
        for name, date in [("zz-host-20261125-200729.json", "2026-11-25T20:07:29+00:00"),
                           ("aa-host-20261127-090000.json", "2026-11-27T09:00:00+00:00"),
                           ("mm-20261128-120000-quick.json", "2026-11-28T12:00:00+00:00")]:
            self.results(name, repetitions("create/fork/workers:4", SPREAD), date=date)
        self.assertEqual(rl.newest_full_run(self.scratch).name, "aa-host-20261127-090000.json")

    def test_revision_text(self):
        self.assertEqual(rl.revision({"context": {"tvp_revision": "0123456789abcdef0123", "tvp_revision_dirty": "true"}}),
                         "revision 0123456789ab with local changes")
        self.assertEqual(rl.revision({"context": {"tvp_suite": {"tvp_revision": "fedcba9876543210",
                                                                "tvp_revision_dirty": "false"}}}),
                         "revision fedcba987654")
        self.assertEqual(rl.revision({"context": {}}), "revision not recorded (file predates provenance)")
        # What cmake/revision.cmake writes when bench is built outside git, and what scripts/suite writes.
        for outside in ["unknown (not a git checkout)", "unknown"]:
            self.assertEqual(rl.revision({"context": {"tvp_revision": outside, "tvp_revision_dirty": "unknown"}}),
                             "revision unknown (built outside git)")

    def test_times_get_the_unit_that_fits(self):
        self.assertEqual([rl.format_seconds(s) for s in [812e-9, 61.8e-6, 4.76e-3, 1.2, 999.7e-6]],
                         ["812 ns", "61.8 µs", "4.76 ms", "1.20 s", "1.00 ms"])


def sumsq_sweep(thread_factors, costs_ms=None):
    """The sumsq sweep: thread time 0.05 ms + 0.25 ns * n / W, three repetitions each
    (the thread's scaled by `thread_factors`); a process back-end adds its start cost."""
    costs_ms = costs_ms or {"fork": 0.3, "posix_spawn": 0.8, "boost_process": 1.2}
    rows = []
    for workers in [1, 2]:
        for n in [10**4, 10**6, 10**8, 10**9]:
            thread = 0.05 + 0.25e-6 * n / workers
            name = f"sumsq/thread/workers:{workers}/n:{n}"
            rows += repetitions(name, [thread * f for f in thread_factors], unit="ms", speedup=float(workers))
            for backend, cost in costs_ms.items():
                rows += repetitions(f"sumsq/{backend}/workers:{workers}/n:{n}",
                                    [(thread + cost) * f for f in [0.995, 1.0, 1.005]], unit="ms",
                                    speedup=float(workers))
    return rows


def latency(name, real_time_us, p50_us, samples, p99_us=None, p999_us=None):
    return repetitions(name, [real_time_us] * 3, round_trip_p50_us=p50_us, round_trip_p99_us=p99_us,
                       one_way_p50_us=p50_us / 2, one_way_p99_us=p99_us, one_way_p999_us=p999_us,
                       samples=float(samples))


def ipc_rows():
    return (latency("queue/thread/mutex_cv/bytes:8/cpus:cross/latency", 61.8, 56.8, 20_000, 93.7, 150.0) +
            latency("queue/fork/posix_mq/bytes:8/cpus:cross/latency", 70.0, 52.4, 1_000, 84.6) +
            latency("pipe/fork/pipe/bytes:8/cpus:cross/latency", 80.0, 69.2, 237))


class TableTest(ScratchTest):
    def table(self, results, out=None):
        out = out or self.scratch / "TABLE.md"
        result = run("table", results, "--out", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        return out.read_text()

    def test_every_row_of_the_chapter_is_written(self):
        table = self.table(FIXTURES / "suite-quick.json")
        for row in ["Spazio di memoria", "Overhead di creazione", "Comunicazione", "Parallelismo", "Uso ideale"]:
            self.assertIn(f"| {row}", table)
        self.assertIn("µs per thread [1]", table)
        self.assertIn("`create/thread/workers:4/parent_mib:0`", table)
        self.assertIn("speedup", table)

    def test_the_headline_has_one_figure_per_cell_and_links_the_full_table(self):
        out = self.scratch / "HEADLINE.md"
        self.assertEqual(run("table", FIXTURES / "suite-quick.json", "--headline", "--out", out).returncode, 0)
        headline = out.read_text()
        self.assertIn("| Overhead di creazione: Basso · Alto (4 workers, parent 0 MiB, µs per worker) |", headline)
        self.assertNotIn("<br>", headline)
        self.assertIsNone(re.search(r"\[\d+\]", headline), headline)
        self.assertIn("(results/TABLE.md)", headline)
        # Without --out the headline goes to standard output; results/TABLE.md is not touched.
        before = (ROOT / "results" / "TABLE.md").read_text()
        printed = run("table", FIXTURES / "suite-quick.json", "--headline")
        self.assertEqual(printed.returncode, 0, printed.stderr)
        self.assertIn("| Overhead di creazione: Basso · Alto (4 workers, parent 0 MiB, µs per worker) |", printed.stdout)
        self.assertEqual((ROOT / "results" / "TABLE.md").read_text(), before)

    def test_the_new_back_ends_get_a_column_where_the_results_have_them(self):
        rows = (repetitions("create/thread/workers:4/parent_mib:0", SPREAD, us_per_worker=25.0) +
                repetitions("create/vfork/workers:1/parent_mib:0", SPREAD, us_per_worker=80.0) +
                repetitions("pingpong/mpi/ranks:2/btl:vader/bytes:8/latency", SPREAD, round_trip_p50_us=0.4))
        table = self.table(self.results("new-backends.json", rows))
        self.assertIn("| thread | fork | posix_spawn | boost_process | vfork | mpi |", table)
        self.assertIn("80.0 µs (1 worker)", table)
        self.assertIn("shared memory: 400 ns", table)
        self.assertNotIn("| clone3 |", table)

    def test_the_table_names_the_revision_of_its_run(self):
        new = self.results("new.json", repetitions("create/thread/workers:4/parent_mib:0", SPREAD, us_per_worker=25.0),
                           tvp_revision="0123456789abcdef0123456789abcdef01234567", tvp_revision_dirty="false")
        self.assertIn("revision 0123456789ab)", self.table(new))
        self.assertIn("revision not recorded (file predates provenance)", self.table(FIXTURES / "suite-quick.json"))

    def test_a_round_trip_is_the_p50_of_the_round_trips(self):
        table = self.table(self.results("ipc.json", ipc_rows()))
        self.assertIn("mutex+condvar queue: 56.8 µs", table)
        self.assertIn("| Comunicazione (round-trip p50, 8 B, 2 CPUs) |", table)
        self.assertNotIn("61.8", table)

    def test_noisy_figures_are_marked(self):
        rows = (repetitions("create/thread/workers:4/parent_mib:0", SPREAD, us_per_worker=[20.0, 25.0, 30.0] * 3 + [25.0]) +
                repetitions("create/fork/workers:4/parent_mib:0", SPREAD, us_per_worker=[150.0, 151.0] * 5))
        table = self.table(self.results("noisy.json", rows))
        self.assertIn("25.0 µs† per thread", table)
        self.assertIn("150 µs per process", table)
        self.assertIn("† its repetitions vary by more than 10%", table)

    def test_the_crossover_is_the_model_s_estimate(self):
        table = self.table(self.results("sweep.json", sumsq_sweep([0.995, 1.0, 1.005])))
        match = re.search(r"≥ 90% of threads' speed from n ≈ (\S+) \(2 workers\)", table)  # the first is fork's
        self.assertTrue(match, table)
        self.assertGreater(float(match.group(1)), 0)

    def test_one_number_format_and_at_most_two_figures_per_cell(self):
        table = load_script("table")
        self.assertEqual([table.three_figures(v, "waits/s") for v in [155_123.0, 999.96, 56.06, 0.5]],
                         ["155 kwaits/s", "1.00 kwaits/s", "56.1 waits/s", "0.500 waits/s"])
        self.assertEqual([table.size(v) for v in [67_584.0, 272_804.0, 67_423_191.0]],
                         ["66.0 KiB", "266 KiB", "64.3 MiB"])
        self.assertEqual([table.times(v) for v in [1.9301, 0.99, 12.34]], ["1.93×", "0.990×", "12.3×"])
        text = self.table(rl.newest_full_run(ROOT / "results"))
        rows = [line for line in text.splitlines() if line.startswith("| ") and "Caratteristica" not in line]
        self.assertGreaterEqual(len(rows), 6)
        for row in rows:
            for cell in row.strip("| ").split(" | ")[3:]:
                self.assertLessEqual(cell.count("<br>"), 1, cell)  # two figures at most
        for old in ["e+03 µs", "× a thread", "µs CPU per wait", "lost work redone", "Rss "]:
            self.assertNotIn(old, text)
        for value in re.findall(r"(\d+(?:\.\d+)?)†? (?:ns|µs|ms|s) ", text):
            self.assertEqual(len(value.replace(".", "").lstrip("0")), 3, value)  # three significant digits

    def test_the_python_column_shows_the_chapter_s_case_and_the_value_d_error(self):
        exact = 333333328333333350000000
        rows = []
        for workers, thread, process in [(1, 1.0, 1.0), (2, 0.99, 1.8), (4, 0.98, 1.89)]:
            rows += repetitions(f"python_sumsq/thread/workers:{workers}/n:100000000", SPREAD, speedup=thread)
            rows += repetitions(f"python_sumsq/process_fork/workers:{workers}/n:100000000", SPREAD,
                                speedup=process, value_d_result=3.333333283333333e+23, value_d_error=24323456.0,
                                label=f"sum={exact}; Value('d') sum=3.333333283333333e+23; "
                                      "exact - Value('d') = 24323456")
        rows += repetitions("create/thread/workers:4/parent_mib:0", SPREAD, us_per_worker=20.0)
        table = self.table(self.results("python.json", rows))
        python = {line.split(" | ")[0]: line.split(" | ")[-1] for line in table.splitlines() if line.startswith("| ")}
        parallel = python["| Parallelismo (speedup vs 1 worker, sum of squares, n = 10^8; the chapter's case: 4 workers)"]
        self.assertIn("threads 0.980× on 4", parallel)
        self.assertIn("processes 1.89× on 4", parallel)
        self.assertNotIn("not the chapter's case", parallel)
        result = python["| Risultato (the sum at n = 10^8)"]
        self.assertIn(f"{exact} exact; the chapter's Value('d') gives 3.33333328333333e+23, off by 24,323,456", result)
        older = self.table(self.results("older.json", repetitions(
            "python_sumsq/thread/workers:2/n:10000000", SPREAD, speedup=0.97) + repetitions(
            "create/thread/workers:4/parent_mib:0", SPREAD, us_per_worker=20.0)))
        self.assertIn("threads 0.970× on 2 (n = 1e+07, not the chapter's case)", older)

    def test_the_crossover_says_the_data_cannot_decide_when_thread_repetitions_vary_by_10_percent(self):
        table = self.table(self.results("noisy-sweep.json", sumsq_sweep([1.0, 1.1, 1.1])))
        self.assertIn("the data cannot decide: the start cost is not clearly above 0", table)
        self.assertNotRegex(table, r"start cost -|n ≈ -|n ≈ 0\.0e\+00")

    def test_results_without_a_measured_benchmark_write_nothing(self):
        """Any other results file gets a table (tests/scripts/test_any_results.py); one where every benchmark
        errored has nothing to show."""
        out = self.scratch / "TABLE.md"
        out.write_text("the committed table\n")
        result = run("table", self.results("errored.json", [errored("create/thread/workers:4/parent_mib:0")]),
                     "--out", out)
        self.assert_one_line_exit_2(result, "holds no measured benchmark")
        self.assertEqual(out.read_text(), "the committed table\n")

    def test_unusable_input_or_output_exits_2_with_one_line(self):
        blocker = self.scratch / "file"
        blocker.write_text("")
        unit = self.results("unit.json", repetitions("create/thread/workers:4/parent_mib:0", SPREAD, unit="hours"))
        for args, message in [([FIXTURES / "malformed.json", "--out", self.scratch / "T.md"], "not readable JSON"),
                              ([unit, "--out", self.scratch / "T.md"], "unknown time_unit 'hours'"),
                              ([FIXTURES / "suite-quick.json", "--out", blocker / "T.md"], "cannot create"),
                              ([FIXTURES / "suite-quick.json", "--out", self.scratch], "is a directory"),
                              (["--bogus"], "unrecognized arguments")]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("table", *args), message)
        self.assertFalse((self.scratch / "T.md").exists())

    def test_the_committed_reference_run_is_readable(self):
        table = self.table(rl.newest_full_run(ROOT / "results"))
        self.assertIn("| Uso ideale |", table)


class ReportTest(ScratchTest):
    def test_prints_the_scenario_tables(self):
        result = run("report", FIXTURES / "suite-quick.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        for heading in ["### create: median µs per worker", "### sumsq: the chapter's case", "### sumsq: crossover"]:
            self.assertIn(heading, result.stdout)
        self.assertIn("333333328333333350000000", result.stdout)
        title, _, source = result.stdout.splitlines()[:3]  # the title, then the line naming the file
        self.assertTrue(title.startswith("# "), title)
        self.assertIn("from `suite-quick.json`", source)
        self.assertIn("revision not recorded", source)

    def test_names_the_revision(self):
        new = self.results("new.json", repetitions("create/thread/workers:1/parent_mib:0", SPREAD, us_per_worker=25.0),
                           tvp_revision="abcdef0123456789", tvp_revision_dirty="true")
        result = run("report", new)
        self.assertIn("revision abcdef012345 with local changes", result.stdout.splitlines()[2])

    def test_says_why_a_percentile_is_absent(self):
        result = run("report", self.results("ipc.json", ipc_rows()))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("| queue | thread | mutex_cv | — | 56.8 / 93.7 (28) | — |", result.stdout)
        self.assertIn("| queue | fork | posix_mq | 26.2 / 84.6 / — |", result.stdout)
        self.assertIn("`queue/fork/posix_mq/bytes:8/cpus:cross/latency`: one-way p99.9 not reported: "
                      "1,000 round trips < 10,000", result.stdout)
        self.assertIn("`pipe/fork/pipe/bytes:8/cpus:cross/latency`: round-trip p99 not reported: "
                      "237 round trips < 1,000", result.stdout)
        self.assertNotIn("/ 0 ", result.stdout)

    def test_a_percentile_every_row_lacks_for_one_reason_is_said_once(self):
        rows = (latency("queue/thread/mutex_cv/bytes:8/cpus:cross/latency", 61.8, 56.8, 1_000, 93.7) +
                latency("queue/fork/posix_mq/bytes:8/cpus:cross/latency", 70.0, 52.4, 1_000, 84.6))
        result = run("report", self.results("ipc.json", rows))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("- every row of the one-way table (2 benchmarks): one-way p99.9 not reported: "
                      "1,000 round trips < 10,000\n", result.stdout)
        self.assertEqual(result.stdout.count("p99.9 not reported"), 1, result.stdout)

    def test_the_crossover_says_the_data_cannot_decide_when_thread_repetitions_vary_by_10_percent(self):
        result = run("report", self.results("noisy-sweep.json", sumsq_sweep([1.0, 1.1, 1.1])))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\| 1 \| the data cannot decide¹")
        self.assertIn("fork, 1 worker: the start cost is not clearly above 0", result.stdout)
        self.assertNotRegex(result.stdout, r"≈ -|; -\d")

    def test_noisy_figures_are_marked(self):
        rows = repetitions("sumsq/fork/workers:4/n:100000000", [10.0, 13.0, 10.5], unit="ms", speedup=[3.0, 3.5, 2.5])
        result = run("report", self.results("noisy.json", rows))
        self.assertIn("| fork | 10.50† | 3.00† |", result.stdout)
        self.assertIn("† its repetitions vary by more than 10%", result.stdout)

    def test_writes_to_a_file_or_says_why_not(self):
        out = self.scratch / "report.md"
        result = run("report", FIXTURES / "suite-quick.json", "--out", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("### create", out.read_text())
        blocker = self.scratch / "file"
        blocker.write_text("")
        unit = self.results("unit.json", repetitions("create/thread/workers:4/parent_mib:0", SPREAD, unit="days"))
        for args, message in [([FIXTURES / "suite-quick.json", "--out", blocker / "r.md"], "cannot create"),
                              ([unit], "unknown time_unit 'days'"), ([FIXTURES / "missing.json"], "no such file"),
                              ([self.results("errored.json", [errored("pipe/fork/pipe/bytes:8/cpus:cross/latency")]),
                                "--out", self.scratch / "r.md"], "holds no measured benchmark")]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("report", *args), message)
        self.assertFalse((self.scratch / "r.md").exists())

    def test_the_committed_reference_run_is_readable(self):
        result = run("report", rl.newest_full_run(ROOT / "results"))
        self.assertEqual(result.returncode, 0, result.stderr)


class PlotsTest(ScratchTest):
    def test_plots_are_written_headless_png_and_svg_and_name_the_revision(self):
        data = json.loads((FIXTURES / "suite-quick.json").read_text())
        data["context"]["tvp_revision"], data["context"]["tvp_revision_dirty"] = "c0ffee0123456789", "false"
        results = self.scratch / "results.json"
        results.write_text(json.dumps(data))
        result = run("plots", results, "--out-dir", self.scratch / "plots")
        self.assertEqual(result.returncode, 0, result.stderr)
        stems = ["copy_on_write", "create_parent_size", "create_per_worker", "sumsq_speedup"]  # cow: the sweep's fit
        self.assertEqual(sorted(p.name for p in (self.scratch / "plots").iterdir()),
                         sorted(f"{stem}.{suffix}" for stem in stems for suffix in ["png", "svg"]))
        for stem in stems:
            png = (self.scratch / "plots" / f"{stem}.png").read_bytes()
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            self.assertIn(b"revision c0ffee012345", png)
            self.assertIn("revision c0ffee012345", (self.scratch / "plots" / f"{stem}.svg").read_text())
            width = int.from_bytes(png[16:20], "big")  # the IHDR chunk
            self.assertEqual(width, 900, stem)  # a README's width: its text legible without scaling

    def captured(self, plot, rows, **context):
        """The figures `plot` (a plots.plot_* function) draws from `rows`, by stem, without writing them."""
        plots = load_script("plots")
        figures = {}
        plots.save = plots.save_with_legend = lambda figure, data, out_dir, stem: figures.setdefault(stem, figure) and 1
        data = rl.load(self.results("plot.json", rows, **context))
        medians = rl.medians(data)
        palette = plots.Palette({rl.identity(name)["backend"] for name in medians})
        getattr(plots, plot)(medians, data, self.scratch, palette)
        return plots, palette, figures

    def test_colour_is_the_back_end_in_every_plot_and_new_back_ends_appear(self):
        rows = []
        for backend in ["thread", "fork", "mpi", "clone3"]:
            for workers in [1, 2, 4]:
                rows += repetitions(f"sumsq/{backend}/workers:{workers}/n:1000", SPREAD, speedup=float(workers))
        rows += repetitions("python_sumsq/thread/workers:1/n:1000", SPREAD, speedup=1.0)
        rows += repetitions("python_sumsq/process_fork/workers:1/n:1000", SPREAD, speedup=1.0)
        plots, palette, figures = self.captured("plot_sumsq", rows, num_cpus=2)
        plots_gil, _, gil = self.captured("plot_gil", rows, num_cpus=2)
        colours = {}
        for figure in [figures["sumsq_speedup"], gil["python_gil"]]:
            for handle, label in zip(*figure.axes[0].get_legend_handles_labels()):
                line = handle.lines[0] if hasattr(handle, "lines") else handle  # an errorbar's data line
                label = label.removeprefix("C++ ").removeprefix("Python ")
                colours.setdefault(label.split(" ")[0], set()).add(line.get_color())
        self.assertEqual(colours["fork"], {plots.BACKEND_COLOURS["fork"]})
        self.assertEqual(colours["mpi"], {plots.BACKEND_COLOURS["mpi"]})
        self.assertIn("clone3", colours)
        self.assertEqual(colours["threads"], {plots.BACKEND_COLOURS["thread"]})  # Python threads: thread's colour
        self.assertEqual(colours["processes"], {plots.BACKEND_COLOURS["fork"]})  # Python fork: fork's colour
        self.assertEqual(palette.colour("raw_fork"), palette.colour("fork"))
        unknown = plots.Palette({"thread", "zz_new", "aa_new"})
        self.assertNotIn(unknown.colour("aa_new"), plots.BACKEND_COLOURS.values())
        self.assertNotEqual(unknown.colour("aa_new"), unknown.colour("zz_new"))

    def test_the_ideal_speedup_is_capped_at_the_run_s_cpus_and_ticks_are_the_measured_workers(self):
        rows = []
        for workers in [1, 3, 12]:
            rows += repetitions(f"sumsq/thread/workers:{workers}/n:100000000", SPREAD, speedup=1.5)
        _, _, figures = self.captured("plot_sumsq", rows, num_cpus=2)
        ax = figures["sumsq_speedup"].axes[0]
        ideal = next(line for line in ax.get_lines() if "ideal" in line.get_label())
        self.assertEqual(max(ideal.get_ydata()), 2)
        self.assertIn("2 CPUs", ideal.get_label())
        self.assertEqual(list(ax.get_xticks()), [1, 3, 12])
        self.assertIn("the chapter's", ax.get_title())

    def test_spread_is_drawn_and_a_missing_back_end_is_named(self):
        rows = (repetitions("create/thread/workers:4/parent_mib:0", [10.0, 20.0, 30.0], us_per_worker=[10.0, 20.0, 30.0])
                + repetitions("create/fork/workers:4/parent_mib:0", SPREAD, us_per_worker=100.0)
                + repetitions("create/vfork/workers:4/parent_mib:64", SPREAD, us_per_worker=50.0))
        _, _, figures = self.captured("plot_create", rows)
        ax = figures["create_per_worker"].axes[0]
        self.assertIn("not measured: vfork", ax.get_title())
        bars = [collection for collection in ax.collections if collection.get_segments()]
        segments = [segment for collection in bars for segment in collection.get_segments()]
        self.assertIn((10.0, 30.0), [(min(s[:, 1]), max(s[:, 1])) for s in segments])  # min-max of the repetitions

    def test_the_new_plots_are_drawn_from_their_scenarios(self):
        rows = (repetitions("memory/thread/workers:16", SPREAD, rss_bytes_per_worker=65536.0)
                + repetitions("memory/fork/workers:16", SPREAD, pss_bytes_per_worker=262144.0)
                + repetitions("iobound/thread/workers:4", SPREAD, waits_per_second=3600.0)
                + repetitions("manager/fork/store:shm/workers:1/mix:write", SPREAD, ns_per_op=50.0)
                + repetitions("manager/fork/store:server/workers:1/mix:write", SPREAD, ns_per_op=1.3e5)
                + repetitions("python_sumsq/thread/workers:1/n:100000000", SPREAD, speedup=1.0)
                + repetitions("python_sumsq/thread/workers:4/n:100000000", SPREAD, speedup=0.99)
                + repetitions("python_sumsq/process_fork/workers:4/n:100000000", SPREAD, speedup=1.9))
        results = self.results("new.json", rows)
        result = run("plots", results, "--out-dir", self.scratch / "plots")
        self.assertEqual(result.returncode, 0, result.stderr)
        for stem in ["memory_per_worker", "iobound_throughput", "manager_cost", "python_gil"]:
            self.assertTrue((self.scratch / "plots" / f"{stem}.png").exists(), stem)
            self.assertTrue((self.scratch / "plots" / f"{stem}.svg").exists(), stem)
        svg = (self.scratch / "plots" / "manager_cost.svg").read_text()
        self.assertIn("store: server", svg)
        self.assertIn("no C++ sumsq run", (self.scratch / "plots" / "python_gil.svg").read_text())

    def test_the_ipc_plots_show_every_back_end_with_the_p99_band(self):
        rows = ipc_rows() + latency("queue/posix_spawn/posix_mq/bytes:8/cpus:cross/latency", 70.0, 50.0, 1_000, 80.0)
        _, _, figures = self.captured("plot_ipc", rows)
        figure = figures["ipc_latency"]
        titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
        self.assertEqual(titles[0].split("\n")[0], "mutex_cv")
        self.assertIn("not measured: fork, posix_spawn", titles[0])
        labels = [text.get_text() for text in figure.legends[0].get_texts()]
        self.assertLessEqual({"fork", "posix_spawn", "thread", "p50 to p99"}, set(labels))
        self.assertTrue(any(collection.get_paths() for ax in figure.axes for collection in ax.collections
                            if type(collection).__name__ == "PolyCollection"))

    # The creation, memory, pool and crash plots and MPI beside the back-ends, from a trimmed functional run
    # (tests/fixtures/creation-pools-mpi.json: bench's create_split, create, cow, pool and isolation
    # detect: families, and scripts/suite --quick --scenarios mpi,queue,pipe; no timing claims).
    ISSUE_15_STEMS = ["create_ladder", "copy_on_write", "pool_crossover", "pool_dispatch", "crash_detection"]

    def test_the_creation_pool_crash_and_mpi_plots_are_written_from_a_functional_run(self):
        result = run("plots", FIXTURES / "creation-pools-mpi.json", "--out-dir", self.scratch / "plots")
        self.assertEqual(result.returncode, 0, result.stderr)
        for stem in [*self.ISSUE_15_STEMS, "ipc_latency", "ipc_throughput", "sumsq_speedup"]:
            png = (self.scratch / "plots" / f"{stem}.png").read_bytes()
            self.assertEqual(int.from_bytes(png[16:20], "big"), 900, stem)
            self.assertTrue((self.scratch / "plots" / f"{stem}.svg").exists(), stem)
        svg = {stem: (self.scratch / "plots" / f"{stem}.svg").read_text()
               for stem in [*self.ISSUE_15_STEMS, "ipc_latency"]}
        for backend in ["thread", "fork", "posix_spawn", "boost_process", "vfork", "clone3", "boost_process_vfork"]:
            self.assertIn(f">{backend}<", svg["create_ladder"])
        self.assertIn("parent 512 MiB touched", svg["create_ladder"])
        self.assertIn("ms/GiB", svg["copy_on_write"])
        self.assertIn("9–13 ms per GB", svg["copy_on_write"])
        self.assertIn("90% of the ideal", svg["pool_crossover"])
        self.assertIn("a worker created per task", svg["pool_crossover"])
        self.assertIn("robust mutex", svg["crash_detection"])
        for text in ["MPI ranks", "one-way = round trip / 2", "mpi, btl vader", "mpi, btl tcp", "raw MPI loop"]:
            self.assertIn(text, svg["ipc_latency"])

    def test_a_plot_whose_benchmarks_are_absent_is_skipped_with_one_line(self):
        rows = repetitions("create/fork/workers:4/parent_mib:0", SPREAD, us_per_worker=100.0)
        result = run("plots", self.results("create.json", rows), "--out-dir", self.scratch / "plots")
        self.assertEqual(result.returncode, 0, result.stderr)
        for stem in self.ISSUE_15_STEMS:
            self.assertEqual(len([line for line in result.stdout.splitlines() if f"{stem} skipped" in line]), 1,
                             result.stdout)
            self.assertFalse((self.scratch / "plots" / f"{stem}.png").exists(), stem)

    @staticmethod
    def marker_colours(ax):
        """[(colour, marker, filled)] of the panel's data points (not the error bars' caps)."""
        return [(line.get_color(), line.get_marker(), line.get_markerfacecolor() != "white")
                for line in ax.get_lines() if line.get_marker() in ("o", "s", "^", "D")]

    def test_the_ladder_colours_the_back_end_and_marks_the_parent_size_by_marker(self):
        rows = []
        for backend, cost in [("fork", 300.0), ("vfork", 90.0)]:
            for mib, factor in [(0, 1), (512, 100)]:
                rows += repetitions(f"create_split/{backend}/parent_mib:{mib}", SPREAD, first_run_us=cost * factor,
                                    parent_blocked_us=cost * factor / 2, reap_us=cost * factor * 1.2)
        rows += repetitions("create/raw_fork/workers:1/parent_mib:0", SPREAD, us_per_worker=250.0)
        plots, palette, figures = self.captured("plot_create_ladder", rows)
        first, _, reap = figures["create_ladder"].axes[:3]
        self.assertEqual([label.get_text() for label in first.get_yticklabels()], ["vfork", "fork"])  # cheapest on top
        points = self.marker_colours(first)
        fork = {(marker, filled) for colour, marker, filled in points if colour == plots.BACKEND_COLOURS["fork"]}
        self.assertEqual(fork, {("o", True), ("s", False)})  # 0 MiB and 512 MiB: one colour, two markers
        self.assertIn(plots.BACKEND_COLOURS["vfork"], {colour for colour, _, _ in points})
        raw = [line for line in reap.get_lines() if line.get_gid() == "raw baseline"]
        self.assertEqual([(line.get_color(), list(line.get_xdata())) for line in raw],
                         [(plots.BACKEND_COLOURS["fork"], [250.0])])
        self.assertEqual(reap.get_xscale(), "log")

    def test_copy_on_write_shows_the_bill_and_fork_s_fitted_cost_per_gib_beside_the_published_band(self):
        rows = (repetitions("cow/fork/mib:64/writer:child", SPREAD, us_per_mib=250.0)
                + repetitions("cow/fork/mib:64/writer:parent", SPREAD, us_per_mib=230.0)
                + repetitions("cow/thread/mib:64", SPREAD, us_per_mib=2.5))
        for mib in [0, 64, 512]:  # 1 ms per 16 MiB: 64 ms per GiB, exactly
            rows += repetitions(f"create/fork/workers:4/parent_mib:{mib}", SPREAD,
                                us_per_worker=[300.0 + mib * 62.5 + noise for noise in [-1, 0, 1] * 3 + [0]])
        plots, _, figures = self.captured("plot_copy_on_write", rows)
        bill, fit = figures["copy_on_write"].axes
        colours = {plots.matplotlib.colors.to_hex(bar.get_facecolor()) for bar in bill.patches}
        self.assertLessEqual({plots.BACKEND_COLOURS["fork"], plots.BACKEND_COLOURS["thread"]}, colours)
        self.assertIn("100×", bill.get_xlabel())  # the child's writes over the thread's (250 / 2.5 = 100, medians)
        labels = fit.get_legend_handles_labels()[1]
        self.assertTrue(any(label.startswith("fork: 64.0 ms/GiB") for label in labels), labels)
        self.assertTrue(any("9–13 ms per GB" in label for label in labels), labels)
        self.assertTrue(any(type(c).__name__ == "PolyCollection" for c in fit.collections))  # the published band

    def test_the_pool_crossover_styles_the_feed_and_ticks_the_measured_task_sizes(self):
        rows = []
        for backend in ["thread", "fork"]:
            for feed in ["mechanism:shm_ring/wait:spin", "mechanism:pipe", "per_task"]:
                for chunk, efficiency in [(1000, 0.2), (100000, 0.8), (5000000, 0.95)]:
                    rows += repetitions(f"pool/{backend}/{feed}/workers:2/task:squares/n:10000000/chunk:{chunk}",
                                        [10.0, 11.0, 12.0], unit="ms", efficiency=[efficiency * 0.9, efficiency,
                                                                                   efficiency * 1.02])
        plots, _, figures = self.captured("plot_pool_crossover", rows)
        ax = figures["pool_crossover"].axes[0]
        self.assertEqual(list(ax.get_xticks()), [1000, 100000, 5000000])
        self.assertEqual([label.get_text() for label in ax.get_xticklabels()], ["1k", "100k", "5M"])
        self.assertIn(90.0, [line.get_ydata()[0] for line in ax.get_lines() if len(line.get_ydata()) == 2
                             and line.get_ydata()[0] == line.get_ydata()[1]])
        styles = {}
        for line in ax.get_lines():
            if line.get_marker() in ("o", "s"):  # get_linestyle() says '--' for every dash pattern: compare those
                styles.setdefault(line.get_color(), set()).add(str(line._unscaled_dash_pattern))
        self.assertEqual(set(styles), {plots.BACKEND_COLOURS["thread"], plots.BACKEND_COLOURS["fork"]})
        self.assertEqual(len(styles[plots.BACKEND_COLOURS["fork"]]), 3)  # ring, pipe, per task: three styles

    def test_the_pool_dispatch_shows_the_p99_band_beside_the_plain_round_trip(self):
        rows = (latency("pool/fork/mechanism:shm_ring/wait:spin/workers:1/cpus:cross/task:empty", 1.0, 0.6, 1000, 2.0)
                + latency("queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency", 0.3, 0.2, 1000, 0.5))
        _, _, figures = self.captured("plot_pool_dispatch", rows)
        ax = figures["pool_dispatch"].axes[0]
        self.assertIn([0.6, 2.0], [list(line.get_xdata()) for line in ax.get_lines()])  # p50 to p99
        self.assertIn([0.2], [list(line.get_xdata()) for line in ax.get_lines()])  # the plain ring's p50

    def test_crash_detection_has_a_bar_per_back_end_and_method_and_names_what_is_absent(self):
        rows = []
        for backend in ["fork", "clone3"]:
            for method in ["signalfd", "pidfd", "waitpid", "robust_mutex"]:
                if (backend, method) != ("clone3", "robust_mutex"):
                    rows += repetitions(f"isolation/{backend}/detect:{method}", SPREAD, detect_p50_us=80.0)
        rows += repetitions("isolation/fork/workers:4", SPREAD, detect_ms=1.0)  # the other isolation benchmark
        plots, _, figures = self.captured("plot_crash_detection", rows)
        ax = figures["crash_detection"].axes[0]
        self.assertEqual(len(ax.patches), 7)
        self.assertIn("not measured: clone3 robust_mutex", ax.get_title())
        self.assertEqual([t.get_text() for t in ax.get_legend().get_texts()], ["fork", "clone3"])

    def test_mpi_is_drawn_beside_the_ring_and_the_pipe_with_the_transport_as_line_style(self):
        rows = ipc_rows() + latency("queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency", 0.3, 0.2, 1000, 0.5)
        for btl, base in [("vader", 0.4), ("tcp", 15.0)]:
            for size in [8, 65536]:
                rows += latency(f"pingpong/mpi/ranks:2/btl:{btl}/bytes:{size}/latency", base, base, 1000, base * 2)
                rows += repetitions(f"pingpong/raw_mpi/ranks:2/btl:{btl}/bytes:{size}/latency", [base * 0.8] * 3)
        for ranks, speedup in [(1, 1.0), (2, 1.9)]:
            rows += repetitions(f"sumsq/mpi/ranks:{ranks}/btl:vader/n:1000000", SPREAD, unit="ms", speedup=speedup)
        plots, _, figures = self.captured("plot_ipc", rows)
        mpi = next(ax for ax in figures["ipc_latency"].axes if ax.get_title().startswith("MPI ranks"))
        self.assertIn("one-way = round trip / 2", mpi.get_title())
        drawn = {label: handle for handle, label in zip(*mpi.get_legend_handles_labels())}
        self.assertEqual(drawn["mpi, btl vader"].lines[0].get_linestyle(), "-")
        self.assertEqual(drawn["mpi, btl tcp"].lines[0].get_linestyle(), "--")
        self.assertEqual(drawn["mpi, btl tcp"].lines[0].get_color(), plots.BACKEND_COLOURS["mpi"])
        for value in drawn["raw MPI loop (mean), btl vader"].lines[0].get_ydata():  # its mean round trip, µs
            self.assertAlmostEqual(value, 0.32)
        self.assertIn("fork, shm_ring (spin)", drawn)
        self.assertIn("fork, pipe", drawn)
        _, _, sumsq = self.captured("plot_sumsq", rows)  # MPI ranks as workers: no longer a crash
        labels = sumsq["sumsq_speedup"].axes[0].get_legend_handles_labels()[1]
        self.assertIn("mpi ranks, btl vader", labels)

    def test_unusable_input_or_output_exits_2_and_writes_nothing(self):
        blocker = self.scratch / "file"
        blocker.write_text("")
        unit = self.results("unit.json", repetitions("create/thread/workers:4/parent_mib:0", SPREAD, unit="weeks"))
        for args, message in [([FIXTURES / "suite-quick.json", "--out-dir", blocker / "plots"], "cannot create"),
                              ([FIXTURES / "suite-quick.json", "--out-dir", blocker], "not a folder"),
                              ([unit, "--out-dir", self.scratch / "plots"], "unknown time_unit 'weeks'"),
                              ([self.results("errored.json", [errored("isolation/fork/workers:4")]),
                                "--out-dir", self.scratch / "plots"], "holds no measured benchmark")]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("plots", *args), message)
        self.assertFalse((self.scratch / "plots").exists())


class LicenseTest(unittest.TestCase):
    def test_the_repository_is_mit_licensed(self):
        text = (ROOT / "LICENSE").read_text()
        self.assertTrue(text.startswith("MIT License"))
        self.assertIn("Copyright (c) 2026 The threads-vs-processes suite authors", text)
        self.assertIn('THE SOFTWARE IS PROVIDED "AS IS"', text)


class PythonReferenceOptionsTest(ScratchTest):
    def test_bad_options_are_rejected_before_the_run(self):
        blocker = self.scratch / "file"
        blocker.write_text("")
        for args, message in [(["--repetitions", "0"], "0 is not at least 1"),
                              (["--out", blocker / "out.json"], "cannot create"),
                              (["--n", "0"], "0 is not at least 1"), (["--n", "1e8"], "'1e8' is not a whole number"),
                              (["--n", "10,,20"], "'' is not a whole number"), (["--n", ""], "names no number"),
                              (["--workers", "-1"], "-1 is not at least 1"), (["--workers", "two"], "not a whole"),
                              (["--workers"], "expected one argument"),
                              (["--n", "3"], "3 is not a size from 10"),  # the pools split n / 10
                              (["--n", "1" + "0" * 23], "is not a size from 10 to 100_000_000_000"),
                              (["--workers", "100000"], "100000 is not a worker count from 1 to 1_024")]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("python_reference", *args, timeout=20), message)

    def test_the_default_is_the_chapter_s_case(self):
        result = run("python_reference", "--help", timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"default 100_000_000, the\s+chapter.s")
        reference = load_script("python_reference")
        self.assertEqual((reference.CHAPTER_N, max(reference.DEFAULT_WORKERS)), (10**8, 4))
        self.assertIn(1, reference.DEFAULT_WORKERS)  # the speedup's reference

    def test_every_n_and_worker_count_asked_is_run_and_the_value_d_result_reported(self):
        out = self.scratch / "python.json"
        result = run("python_reference", "--quick", "--repetitions", "1", "--n", "30000,20000", "--workers", "3,1",
                     "--out", out, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = {row["name"]: row for row in rl.load(out)["benchmarks"] if row["name"].startswith("python_sumsq/")}
        self.assertEqual(sorted(rows), sorted(f"python_sumsq/{kind}/workers:{w}/n:{n}" for kind in
                                              ["thread", "process_fork"] for w in [1, 3] for n in [20000, 30000]))
        exact = 29999 * 30000 * 59999 // 6
        process = rows["python_sumsq/process_fork/workers:3/n:30000"]
        self.assertEqual(process["value_d_result"], float(exact))  # below 2^53 the double is exact
        self.assertEqual(process["value_d_error"], 0.0)
        self.assertIn(f"sum={exact}; Value('d') sum=", process["label"])
        self.assertIn("speedup", process)
        thread = rows["python_sumsq/thread/workers:3/n:30000"]
        self.assertEqual(thread["label"], f"sum={exact}")
        self.assertNotIn("value_d_error", thread)

    def test_the_chapter_s_value_d_rounds_the_sum_of_10_to_the_8(self):
        reference = load_script("python_reference")
        n, workers = 10**8, 4
        chunk = n // workers
        partials = [sum_of_squares_between(i * chunk, (i + 1) * chunk) for i in range(workers)]
        exact = sum(partials)
        self.assertEqual(exact, reference.exact_sum_of_squares(n))
        self.assertEqual(exact, 333333328333333350000000)
        chapter = sum(float(p) for p in partials)  # what Value('d') holds and the chapter adds
        counters = reference.sumsq_counters(n, 4.0, exact, chapter)
        self.assertEqual(counters["value_d_error"], float(exact - int(chapter)))
        self.assertNotEqual(counters["value_d_error"], 0.0)
        self.assertLess(abs(counters["value_d_error"]), 2**30)
        self.assertIn(f"sum={exact}; Value('d') sum=3.333333283333", counters["label"])
        self.assertIn(f"exact - Value('d') = {exact - int(chapter)}", counters["label"])
        self.assertAlmostEqual(counters["ns_per_element"], 40.0)


def sum_of_squares_between(begin, end):
    """begin^2 + ... + (end-1)^2, exactly."""
    def below(k):
        return k * (k - 1) * (2 * k - 1) // 6
    return below(end) - below(begin)


if __name__ == "__main__":
    unittest.main()
