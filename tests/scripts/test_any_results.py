"""scripts/report, table and plots on any results file: a sumsq-only run of bench, a pool-only file, the
committed reference run and a file of a scenario they do not know. Each shows what the file holds and names,
one line each, what it lacks; only a file with no measured benchmark is refused. Also: the registry
(scripts/tvp/scenarios.py) and the code it names agree; scripts/suite takes its scenarios from
`bench --list-scenarios`, so a dummy scenario a fake bench lists is run and reported with no other edit; and
the commands find their package from any folder, through a symlink too."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import BUILD_DIR, ROOT, SCRIPTS, SPREAD, ScratchTest, repetitions, run  # noqa: E402
import tvp_path  # noqa: E402,F401  (scripts/ on sys.path, as the commands have it)
from tvp import results_lib as rl  # noqa: E402
from tvp import scenarios  # noqa: E402

REFERENCE = rl.newest_full_run(ROOT / "results")
# Scenarios newer than the reference run: the report says they are not in it. A new reference run empties this.
NEWER_THAN_THE_REFERENCE = []
BENCH = BUILD_DIR / "bench"
REGISTERED = [scenario.name for scenario in scenarios.REGISTRY]


def lacking_lines(text):
    """The report's lines under '### Not in this file', by scenario."""
    found = re.findall(r"^- `([a-z_0-9]+)`: no results in this file", text, re.M)
    return found


class Files:
    """The results files the tests read, made once."""
    folder = Path(tempfile.mkdtemp(prefix="tvp-any-results-"))

    @classmethod
    def sumsq(cls):
        """A sumsq-only run of bench, the issue's: n = 10^6 on 1 and 2 workers (short minimum time)."""
        path = cls.folder / "sumsq.json"
        if not path.exists():
            result = subprocess.run([str(BENCH), "--benchmark_filter=^sumsq/", "--n=1000000", "--workers=1,2",
                                     "--benchmark_min_time=0.01", "--benchmark_format=json"],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr
            path.write_text(result.stdout)
        return path

    @classmethod
    def pool(cls):
        """The reference run's C++ pool benchmarks alone."""
        path = cls.folder / "pool.json"
        if not path.exists():
            data = json.loads(REFERENCE.read_text())
            data["benchmarks"] = [row for row in data["benchmarks"] if row["name"].startswith("pool/")]
            path.write_text(json.dumps(data))
        return path

    @classmethod
    def dummy(cls):
        """A scenario no script knows, beside a sumsq row."""
        path = cls.folder / "dummy.json"
        if not path.exists():
            path.write_text(json.dumps({"context": {"date": "2026-11-27T00:00:00+00:00", "host_name": "fixture",
                                                    "num_cpus": 2},
                                        "benchmarks": repetitions("dummy/thread/workers:1", SPREAD) +
                                        repetitions("sumsq/thread/workers:1/n:1000", SPREAD, speedup=1.0)}))
        return path


def tearDownModule():
    import shutil
    shutil.rmtree(Files.folder, ignore_errors=True)


class RegistryTest(unittest.TestCase):
    def test_every_key_has_its_code_and_every_code_its_key(self):
        from tvp import plots, report, table
        self.assertEqual(scenarios.keys("report"), set(report.SECTIONS))
        self.assertEqual(scenarios.keys("table"), {*table.ROWS, table.PYTHON_COLUMN})
        self.assertEqual(scenarios.keys("plots"), set(plots.PLOTS))

    def test_the_registry_knows_every_scenario_of_bench_s_table(self):
        if not BENCH.exists():
            self.skipTest(f"{BENCH} is not built")
        listed = subprocess.run([str(BENCH), "--list-scenarios"], capture_output=True, text=True, check=True)
        self.assertEqual([line.split("\t")[0] for line in listed.stdout.splitlines()], REGISTERED)

    def test_bench_help_and_the_readme_quote_the_reference_run_s_times(self):
        """bench --help gives each scenario's seconds in the reference run, the README the whole run's: both
        from its context (tvp_suite.scenario_seconds, total_seconds), so neither can go stale unnoticed."""
        if not BENCH.exists():
            self.skipTest(f"{BENCH} is not built")
        suite = rl.load(REFERENCE)["context"]["tvp_suite"]
        shown = subprocess.run([str(BENCH), "--help"], capture_output=True, text=True, check=True).stdout
        self.assertIn(f"(results/{REFERENCE.name}, 2 CPUs)", shown)
        quoted = dict(re.findall(r"^  ([a-z_0-9]+) +(\d+) s  ", shown, re.M))
        self.assertEqual(list(quoted), REGISTERED)
        self.assertEqual({name: int(seconds) for name, seconds in quoted.items()},
                         {name: round(seconds) for name, seconds in suite["scenario_seconds"].items()})
        minutes, seconds = divmod(round(suite["total_seconds"]), 60)
        readme = (ROOT / "README.md").read_text()
        self.assertIn(f"<!-- time:suite -->{minutes} min {seconds} s<!-- /time:suite -->", readme)

    def test_every_benchmark_of_the_reference_run_belongs_to_a_registered_scenario(self):
        found = scenarios.present(rl.medians(rl.load(REFERENCE)))
        self.assertEqual(scenarios.unknown(found), {})
        self.assertEqual(scenarios.absent(found), NEWER_THAN_THE_REFERENCE)


class ReportTest(ScratchTest):
    def report(self, path):
        result = run("report", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return result.stdout

    def test_a_sumsq_only_run(self):
        text = self.report(Files.sumsq())
        self.assertIn("### sumsq: n = 10^6 on 2 workers (this file lacks the chapter's case, n = 10^8 on 4 workers)",
                      text)
        self.assertRegex(text, r"\| thread \| \d+\.\d\d†? \| \d\.\d\d†? \| 333332833333500000 \|")
        self.assertIn("### sumsq: speedup at n = 10^6", text)
        self.assertRegex(text, r"\| 2 \| \d\.\d\d")
        for absent in ["### create", "### queue and pipe", "### manager", "### memory", "### pool", "### MPI"]:
            self.assertNotIn(absent, text)
        self.assertEqual(lacking_lines(text), [name for name in REGISTERED if name != "sumsq"])
        self.assertIn("- `create`: no results in this file (left out: create, ladder, fork_cost)\n", text)

    def test_a_pool_only_file(self):
        text = self.report(Files.pool())
        self.assertIn("### pool: one empty task dispatched and its result back", text)
        self.assertIn("### pool: sum of squares, n = 1e+07, 2 workers", text)
        self.assertNotIn("### sumsq", text)
        self.assertEqual(lacking_lines(text), [name for name in REGISTERED if name != "pool"])

    def test_the_reference_run_is_unchanged(self):
        text = self.report(REFERENCE)
        self.assertEqual(text.rstrip("\n"), (ROOT / "results" / "REPORT.md").read_text().rstrip("\n"))
        missing = text.split("### Not in this file", 1)[1] if "### Not in this file" in text else ""
        self.assertEqual(re.findall(r"^- `(\w+)`", missing, re.M), NEWER_THAN_THE_REFERENCE)
        self.assertNotIn("### Other benchmarks", text)

    def test_a_scenario_it_does_not_know_is_listed_with_its_median(self):
        text = self.report(Files.dummy())
        self.assertIn("### Other benchmarks: `dummy`, which this report has no section for", text)
        self.assertIn("| `dummy/thread/workers:1` | 100 µs |", text)
        self.assertNotIn("`dummy`: no results", text)

    def test_a_skipped_scenario_says_why(self):
        data = json.loads(Files.pool().read_text())
        data["context"]["mpi"] = {"skipped": "CMake found no MPI"}
        text = self.report(self.results("skipped.json", data["benchmarks"], **data["context"]))
        self.assertIn("- `mpi`: no results in this file: skipped: CMake found no MPI (left out: mpi)\n", text)


class TableTest(ScratchTest):
    def table(self, path, *args):
        out = self.scratch / "TABLE.md"
        result = run("table", path, "--out", out, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return out.read_text(), result.stderr

    def headline(self, path):
        result = run("table", path, "--headline")
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout, result.stderr

    def test_a_sumsq_only_run(self):
        text, _ = self.table(Files.sumsq())
        self.assertRegex(text, r"\| Vero parallelismo \| \d\.\d+†?× on 2 workers \(n = 1e\+06\) \[1\] \|")
        self.assertRegex(text, r"\| Value\('d'\) per process \| 333332833333500000, exact \(n = 1e\+06\) \[\d+\] \|")
        for row, scenario in [("Spazio di memoria", "memory"), ("Overhead di creazione", "create"),
                              ("Comunicazione: Manager", "manager"), ("Isolamento", "isolation")]:
            self.assertRegex(text, rf"\| {row}[^|]* \|[^|]*\|[^|]*\| no `{scenario}` results in this file \|")
        headline, lacks = self.headline(Files.sumsq())
        self.assertIn("| Parallelismo: Limitato dal GIL · Vero parallelismo (speedup on 2 workers) |", headline)
        self.assertNotIn("Spazio di memoria", headline)
        self.assertEqual(lacks.splitlines(), [
            "table: row 'Spazio di memoria' left out: no `memory` results in this file",
            "table: row 'Overhead di creazione' left out: no `create` results in this file",
            "table: row 'Overhead di creazione, evitato: a pool' left out: no `pool` results in this file",
            "table: row 'Comunicazione' left out: no `queue` or `pipe` results in this file",
            "table: row 'Comunicazione: Manager' left out: no `manager` results in this file",
            "table: row 'Isolamento' left out: no `isolation` results in this file"])

    def test_a_pool_only_file(self):
        text, _ = self.table(Files.pool())
        self.assertRegex(text, r"\| multiprocessing\.Pool \| thread pool, ring: [\d.]+ [nµ]s†? \[1\]")
        self.assertRegex(text, r"\| Vero parallelismo \| no `sumsq` results in this file \|")
        self.assertRegex(text, r"\| Operazioni CPU bound \| no `sumsq` or `iobound` results in this file \|")
        headline, lacks = self.headline(Files.pool())
        self.assertIn("| Overhead di creazione, evitato: a pool: multiprocessing.Pool (one empty task to 1 worker through a pipe, round trip) | 44.9 µs | 42.4 µs‡ | 43.6 µs |", headline)
        self.assertEqual(len(lacks.splitlines()), 8, lacks)  # every other row, one line each

    def test_the_reference_run_is_unchanged(self):
        text, lacks = self.table(REFERENCE)
        self.assertEqual(text, (ROOT / "results" / "TABLE.md").read_text())
        self.assertEqual(lacks, "")
        headline, lacks = self.headline(REFERENCE)
        readme = (ROOT / "README.md").read_text()
        self.assertIn("<!-- headline:start -->\n" + headline + "<!-- headline:end -->", readme)
        self.assertEqual(lacks, "")

    def test_a_scenario_it_does_not_know_is_named_under_the_table(self):
        text, _ = self.table(Files.dummy())
        self.assertIn("Not in this table: `dummy` (1 benchmark), a scenario it has no row for", text)
        _, lacks = self.headline(Files.dummy())
        self.assertIn("table: `dummy` (1 benchmark): a scenario the table has no row for", lacks)


class PlotsTest(ScratchTest):
    def plots(self, path):
        out = self.scratch / "plots"
        result = run("plots", path, "--out-dir", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        written = sorted({p.stem for p in out.iterdir()}) if out.exists() else []
        skipped = [line for line in result.stdout.splitlines() if line.endswith(" skipped")]
        return written, skipped, result.stdout

    def test_a_sumsq_only_run(self):
        written, skipped, _ = self.plots(Files.sumsq())
        self.assertEqual(written, ["sumsq_speedup"])
        self.assertIn("no `create` results in this file: create_per_worker and create_parent_size skipped", skipped)
        self.assertIn("no `pool` results in this file: pool_crossover skipped", skipped)
        self.assertIn("no `isolation` results in this file: crash_detection skipped", skipped)
        self.assertIn("no Python sumsq results: GIL plot skipped", skipped)
        self.assertEqual(len(skipped), 11, skipped)  # every plot but one, one line each

    def test_a_pool_only_file(self):
        written, skipped, _ = self.plots(Files.pool())
        self.assertEqual(written, ["pool_crossover", "pool_dispatch"])
        self.assertIn("no `sumsq` or `mpi` results in this file: sumsq_speedup skipped", skipped)
        self.assertEqual(len(skipped), 10, skipped)

    def test_the_reference_run_draws_what_is_committed(self):
        written, skipped, stdout = self.plots(REFERENCE)
        self.assertEqual(written, sorted({p.stem for p in (ROOT / "results" / "plots").iterdir()}))
        self.assertEqual(skipped, [])
        self.assertIn("`sumsq_kernel`: no plot draws this scenario", stdout)

    def test_a_scenario_it_does_not_know_is_drawn_in_other_benchmarks(self):
        written, _, _ = self.plots(Files.dummy())
        self.assertEqual(written, ["other_benchmarks", "sumsq_speedup"])
        svg = (self.scratch / "plots" / "other_benchmarks.svg").read_text()
        self.assertIn("dummy/thread/workers:1", svg)


# A stand-in for bench with one more scenario than the real one: --list-scenarios prints bench's table and a
# `dummy` row; it lists one dummy benchmark and a run writes it.
DUMMY_BENCH = """#!/usr/bin/python3
import json, subprocess, sys
if sys.argv[1:] == ["--list-scenarios"]:
    sys.stdout.write(subprocess.run([{real!r}, "--list-scenarios"], capture_output=True, text=True,
                                    check=True).stdout)
    print("dummy\\tbench\\t^dummy/\\t\\tfor the test")
    sys.exit(0)
flags = dict(arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg)
assert flags["--benchmark_filter"] == "^dummy/", flags
name = "dummy/thread/workers:1"
if flags.get("--benchmark_list_tests") == "true":
    print(name)
    sys.exit(0)
rows = [{{"name": name, "run_name": name, "run_type": "iteration", "repetitions": 2, "repetition_index": index,
          "threads": 1, "iterations": 10, "real_time": time, "cpu_time": time, "time_unit": "us"}}
        for index, time in enumerate([41.0, 43.0])]
for row in rows:
    print(name, row["real_time"], "us")
with open(flags["--benchmark_out"], "w") as out:
    json.dump({{"context": {{"date": "2026-11-27T00:00:00+00:00", "host_name": "fake", "num_cpus": 2}},
               "benchmarks": rows}}, out)
"""


@unittest.skipUnless(BENCH.exists(), f"{BENCH} is not built")
class DummyScenarioTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.build = self.scratch / "build"
        self.build.mkdir()
        (self.build / "bench").write_text(DUMMY_BENCH.format(real=str(BENCH)))
        (self.build / "bench").chmod(0o755)

    def suite(self, *args):
        return subprocess.run([sys.executable, str(SCRIPTS / "suite"), "--no-build", "--build-dir", str(self.build),
                               *map(str, args)], capture_output=True, text=True, timeout=120)

    def test_a_scenario_bench_lists_is_run_and_reported_with_no_other_edit(self):
        out = self.scratch / "results"
        result = self.suite("--quick", "--scenarios", "dummy", "--out", out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("[1/1] dummy: 1 benchmarks x 2 repetitions", result.stdout)
        [written] = out.glob("*.json")
        data = json.loads(written.read_text())
        self.assertEqual(data["context"]["tvp_suite"]["scenarios"], ["dummy"])
        report = run("report", written)
        self.assertEqual(report.returncode, 0, report.stderr)
        self.assertIn("### Other benchmarks: `dummy`, which this report has no section for", report.stdout)
        self.assertIn("| `dummy/thread/workers:1` | 42.0 µs |", report.stdout)

    def test_help_and_an_unknown_name_come_from_bench_s_list(self):
        helped = self.suite("--help")
        self.assertEqual(helped.returncode, 0, helped.stderr)
        self.assertIn("bench --list-", helped.stdout)
        self.assertIn("dummy", " ".join(helped.stdout.split()))
        result = self.suite("--scenarios", "dumy", "--out", self.scratch / "results")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("unknown scenario(s) dumy;", result.stderr)
        self.assertIn("pool, workload, mpi, python, dummy", result.stderr)
        self.assertNotIn("machine check", result.stdout)


class PackageTest(ScratchTest):
    COMMANDS = ["compare", "plots", "python_reference", "report", "suite", "table", "advise"]

    def test_no_command_or_module_changes_sys_path(self):
        for path in [*(SCRIPTS / name for name in self.COMMANDS), *(SCRIPTS / "tvp").glob("*.py"), SCRIPTS / "regress"]:
            with self.subTest(path=path.name):
                self.assertIsNone(re.search(r"sys\.path\s*(\.|\[|\+?=)|PYTHONPATH=(?!\"\$root/scripts)",
                                            path.read_text()))

    def test_the_commands_are_thin_wrappers(self):
        for name in self.COMMANDS:
            with self.subTest(command=name):
                code = [line for line in (SCRIPTS / name).read_text().splitlines() if line and line[0] not in '#"']
                self.assertIn(f"from tvp.{name} import main", code)
                self.assertLessEqual(len(code), 4, code)

    def test_a_command_finds_its_package_from_another_folder_and_through_a_symlink(self):
        link = self.scratch / "report-link"
        link.symlink_to(SCRIPTS / "report")
        for command in [[str(SCRIPTS / "report")], [str(link)], ["/usr/bin/python3", str(link)]]:
            with self.subTest(command=command):
                result = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=self.scratch,
                                        timeout=60, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertTrue(result.stdout.startswith("usage: "), result.stdout)


if __name__ == "__main__":
    unittest.main()
