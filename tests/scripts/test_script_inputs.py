"""Inputs that a result script must refuse in one line with exit 2 (never a
traceback, whose exit 1 compare means as "a regression", and never a wrong
answer): repetitions given twice, two benchmarks read as one, figures no
measurement gives, names with values that are not numbers, and flags out of
range. Small results files written here; no build and no benchmark run, except
that regress asks build/release/bench for its list of benchmarks."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import ROOT, SPREAD, ScratchTest, repetitions, run, scaled  # noqa: E402

FORK = "create/fork/workers:4/parent_mib:0"
THREAD = "create/thread/workers:4/parent_mib:0"


def renamed(rows, old, new):
    """The rows with `old` replaced by `new` in their names."""
    return [{**row, "name": row["name"].replace(old, new), "run_name": row["run_name"].replace(old, new)}
            for row in rows]


def creation_rows():
    """Rows that compare, table, report and plots all read (see test_the_untouched_rows_are_read)."""
    return (repetitions(THREAD, SPREAD, us_per_worker=scaled(0.2)) +
            repetitions(FORK, scaled(1.3), us_per_worker=scaled(1.3)))


class ReaderTest(ScratchTest):
    def readers(self, path):
        """Each script that reads one results file, run on `path`: {what: result}."""
        good = self.results("good.json", creation_rows())
        return {"compare, as the base": run("compare", path, good),
                "compare, as the new file": run("compare", good, path),
                "table": run("table", path, "--out", self.scratch / "TABLE.md"),
                "report": run("report", path),
                "plots": run("plots", path, "--out-dir", self.scratch / "plots")}

    def assert_every_reader_refuses(self, rows, message):
        path = self.results("odd.json", rows)
        for reader, result in self.readers(path).items():
            with self.subTest(reader=reader):
                self.assert_one_line_exit_2(result, message)


class UntouchedRowsTest(ReaderTest):
    def test_the_untouched_rows_are_read(self):
        """The control: each refusal below comes from what the test changed, not from the rows themselves."""
        for reader, result in self.readers(self.results("good.json", creation_rows())).items():
            with self.subTest(reader=reader):
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


class DuplicateRepetitionsTest(ReaderTest):
    def test_a_file_with_its_repetitions_twice_is_refused_naming_them(self):
        """Plant: counted as 6 against 6, 3 repetitions a side pass the test's minimum and read SLOWER, p = 0.026."""
        base = self.results("base.json", repetitions(FORK, [100, 101, 99]) * 2)
        new = self.results("new.json", repetitions(FORK, [200, 201, 199]) * 2)
        self.assert_one_line_exit_2(run("compare", base, new),
                                    f"repetition_index 0 of {FORK}/real_time appears 2 times")

    def test_every_reader_refuses_a_repetition_given_twice(self):
        rows = creation_rows()
        self.assert_every_reader_refuses(rows + rows[-1:], f"repetition_index 9 of {FORK}/real_time appears 2 times")


class DistinctNamesTest(ReaderTest):
    def test_compare_keeps_names_that_differ_only_in_a_suffix_apart(self):
        """Plant: read as one, X/real_time and X/min_time:0.100/real_time pool 20 repetitions, and the
        30% slowdown of one of them vanishes into the median of both."""
        other = renamed(repetitions(FORK, scaled(2)), "/real_time", "/min_time:0.100/real_time")
        slower = renamed(repetitions(FORK, scaled(2 * 1.3)), "/real_time", "/min_time:0.100/real_time")
        base = self.results("base.json", repetitions(FORK, SPREAD) + other)
        new = self.results("new.json", repetitions(FORK, SPREAD) + slower)
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("2 benchmarks compared", result.stdout)
        self.assertRegex(result.stdout, rf"{FORK}/min_time:0\.100/real_time .*\+30\.0%.*SLOWER")
        self.assertRegex(result.stdout, rf"{FORK}/real_time .*no significant change")

    def test_a_suffix_that_changed_between_the_files_still_pairs_the_one_benchmark(self):
        """Another --round-trips renames a latency benchmark's /iterations:N: still the same benchmark."""
        name = "queue/fork/posix_mq/bytes:8/cpus:cross/latency"
        base = self.results("base.json", renamed(repetitions(name, SPREAD), "/real_time", "/iterations:1000/real_time"))
        new = self.results("new.json", renamed(repetitions(name, SPREAD), "/real_time", "/iterations:2000/real_time"))
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, rf"{name} .*no significant change")

    def test_a_renamed_benchmark_pairs_with_its_old_name(self):
        """The pools' chunked sums were task:sumsq (results_lib.RENAMED): an old results file's rows pair with
        a new one's, and a 30% slowdown between them is seen. Plant: without the mapping, compare finds no
        benchmark in common (exit 2)."""
        old = "pool/fork/mechanism:pipe/workers:2/task:sumsq/n:10000000/chunk:1000"
        new_name = old.replace("task:sumsq", "task:squares")
        base = self.results("base.json", repetitions(old, SPREAD))
        new = self.results("new.json", repetitions(new_name, scaled(1.3)))
        result = run("compare", base, new)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout, rf"{new_name} .*\+30\.0%.*SLOWER")

    def test_readers_by_base_name_refuse_two_benchmarks_that_would_pool(self):
        rows = creation_rows() + renamed(repetitions(FORK, scaled(2)), "/real_time", "/min_time:0.100/real_time")
        path = self.results("both.json", rows)
        for reader, result in self.readers(path).items():
            if reader.startswith("compare"):
                continue  # keeps them apart (above)
            with self.subTest(reader=reader):
                self.assert_one_line_exit_2(result, f"both read as {FORK}")


class FiguresTest(ReaderTest):
    """JSON takes numbers of any size; no measurement is 400 digits long, 1e308 or 5e-324."""
    ODD = {"a 401-digit integer": 10**400, "1e308": 1e308, "5e-324": 5e-324}

    def test_every_reader_refuses_a_figure_out_of_range(self):
        for field in ["real_time", "us_per_worker", "iterations"]:
            for case, value in self.ODD.items():
                with self.subTest(field=field, case=case):
                    rows = creation_rows()
                    rows[0] = {**rows[0], field: value}
                    self.assert_every_reader_refuses(rows, f"{field} is")

    def test_a_not_a_number_in_an_aggregate_is_google_benchmark_s_cv_of_a_zero_mean(self):
        rows = creation_rows()
        cv = {**rows[0], "name": f"{THREAD}/real_time_cv", "run_type": "aggregate", "aggregate_name": "cv",
              "aggregate_unit": "percentage", "us_per_worker": float("nan")}
        path = self.results("cv.json", rows + [cv])
        self.assertEqual(run("compare", path, path).returncode, 0)


class NameValuesTest(ReaderTest):
    def test_every_reader_refuses_a_parameter_that_is_not_a_finite_number(self):
        for old, new, message in [("parent_mib:0", "parent_mib:-inf", "parent_mib:-inf is not a whole number"),
                                  ("parent_mib:0", "parent_mib:0/n:nan", "n:nan is not a whole number"),
                                  ("parent_mib:0", "parent_mib:0/wait:infinity", "wait:infinity is not a finite"),
                                  ("workers:4", "workers:4\u0000", "'\\x00', a character that is not printable"),
                                  ("workers:4", "workers:4.5", "workers:4.5 is not a whole number")]:
            with self.subTest(name=new):
                rows = creation_rows()
                self.assert_every_reader_refuses(renamed(rows[:1], old, new) + rows[1:], message)


class RegressFilterTest(ScratchTest):
    @unittest.skipUnless((ROOT / "build" / "release" / "bench").exists(), "needs build/release/bench")
    def test_a_filter_that_selects_nothing_is_refused_before_building(self):
        result = run("regress", "HEAD", "--filter", "nomatch", timeout=30)
        self.assert_one_line_exit_2(result, "--filter 'nomatch' selects no benchmark of build/release/bench")
        self.assertNotIn("building", result.stderr)

    def test_a_threshold_no_double_holds_is_refused_before_building(self):
        result = run("regress", "HEAD", "--threshold", "9" * 400, timeout=30)
        self.assert_one_line_exit_2(result, "--threshold must be a finite number")
        self.assertNotIn("building", result.stderr)


class PythonReferenceFlagsTest(ScratchTest):
    def test_numbers_past_what_the_run_can_take_are_refused(self):
        for args, message in [(["--repetitions", "99999999999999999999"], "is not a repetition count from 1 to"),
                              (["--repetitions", "1" + "0" * 6000], "is not a whole number"),
                              (["--n", "1e400"], "'1e400' is not a whole number"),
                              (["--workers", "1,99999999999999999999"], "is not a worker count")]:
            with self.subTest(args=args):
                self.assert_one_line_exit_2(run("python_reference", *args, "--out", self.scratch / "out.json",
                                                timeout=20), message)


if __name__ == "__main__":
    unittest.main()
