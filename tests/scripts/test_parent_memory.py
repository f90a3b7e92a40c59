"""Unit tests of scripts/tvp/parent_memory.py (fork's cost against the parent's
size, fitted by least squares) and of the report's parent-memory and
copy-on-write sections, on results written here."""
import json
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
import tvp_path  # noqa: E402,F401  (scripts/ on sys.path, as the commands have it)
from build_dir import BUILD_DIR  # noqa: E402
from tvp import parent_memory as pm  # noqa: E402
from tvp import results_lib as rl  # noqa: E402


def repetitions(name, values, unit="us", **counters):
    """Repetition rows of one benchmark; a counter is one value for all or a list, one per repetition."""
    rows = []
    for index, value in enumerate(values):
        row = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": len(values),
               "repetition_index": index, "threads": 1, "iterations": 10, "real_time": value,
               "cpu_time": value, "time_unit": unit}
        for key, counter in counters.items():
            row[key] = counter[index] if isinstance(counter, list) else counter
        rows.append(row)
    return rows


def errored(name, message):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
            "threads": 1, "error_occurred": True, "error_message": message, "iterations": 0, "real_time": 0,
            "cpu_time": 0, "time_unit": "us"}


# fork: 400 µs + 76 µs per MiB, ±1% noise over three repetitions; posix_spawn: flat.
NOISE = [0.99, 1.0, 1.01]


def parent_sweep():
    rows = []
    for mib in [0, 64, 512]:
        fork = [(400 + 76 * mib) * factor for factor in NOISE]
        rows += repetitions(f"create/fork/workers:4/parent_mib:{mib}/real_time", fork, us_per_worker=fork)
        rows += repetitions(f"create/posix_spawn/workers:4/parent_mib:{mib}/real_time", [800.0] * 3,
                            us_per_worker=[800.0, 790.0, 810.0])
    return rows


class LeastSquaresTest(unittest.TestCase):
    def test_an_exact_line_has_its_slope_and_a_zero_width_interval(self):
        fit = pm.least_squares([(0, 1), (1, 3), (2, 5), (3, 7)])
        self.assertAlmostEqual(fit.slope, 2.0)
        self.assertAlmostEqual(fit.intercept, 1.0)
        self.assertAlmostEqual(fit.interval[0], 2.0)
        self.assertAlmostEqual(fit.interval[1], 2.0)
        self.assertEqual((fit.points, fit.sizes), (4, 4))

    def test_the_interval_is_students_t_on_n_minus_2_degrees_of_freedom(self):
        # x = 0, 0, 1, 1; y = 0, 2, 1, 3: slope 1, residuals ±1, s² = 4/2, Sxx = 1, t(0.975, 2) = 4.303.
        fit = pm.least_squares([(0, 0), (0, 2), (1, 1), (1, 3)])
        self.assertAlmostEqual(fit.slope, 1.0)
        self.assertAlmostEqual(fit.interval[0], 1.0 - 4.302653 * 2 ** 0.5, places=4)
        self.assertAlmostEqual(fit.interval[1], 1.0 + 4.302653 * 2 ** 0.5, places=4)

    def test_points_that_cannot_define_a_line_give_none(self):
        self.assertIsNone(pm.least_squares([]))
        self.assertIsNone(pm.least_squares([(1, 2)]))
        self.assertIsNone(pm.least_squares([(64, 2), (64, 3), (64, 4)]))  # one size only
        self.assertIsNone(pm.least_squares([(64, float("nan")), (128, 3)]))
        two = pm.least_squares([(0, 1), (1, 2)])
        self.assertAlmostEqual(two.slope, 1.0)
        self.assertIsNone(two.interval)


class ForkCostTest(unittest.TestCase):
    def medians(self, rows):
        return rl.medians({"context": {}, "benchmarks": rows})

    def test_fits_ms_per_gib_over_every_repetition_of_the_sweep(self):
        fits = pm.fork_cost_fits(self.medians(parent_sweep()))
        fork = fits[("fork", 4)]
        self.assertEqual((fork.points, fork.sizes), (9, 3))
        self.assertAlmostEqual(fork.slope, 76 * 1024 / 1000, delta=1.0)  # 77.8 ms per GiB
        self.assertLess(fork.interval[0], 76 * 1.024)
        self.assertGreater(fork.interval[1], 76 * 1.024)
        self.assertAlmostEqual(fits[("posix_spawn", 4)].slope, 0.0, delta=0.05)

    def test_only_the_plain_parent_sweep_is_fitted(self):
        rows = parent_sweep() + repetitions("create/fork/workers:1/parent_mib:512/pages:thp/touched:yes/real_time",
                                            [100.0], us_per_worker=100.0)
        rows += repetitions("create/fork/workers:1/parent_mib:0/real_time", [300.0], us_per_worker=300.0)
        self.assertEqual(set(pm.fork_cost_fits(self.medians(rows))), {("fork", 4), ("posix_spawn", 4)})

    def test_describes_the_fit_with_its_interval(self):
        fit = pm.Fit(slope=77.8, intercept=400, interval=(75.0, 80.5), points=9, sizes=3)
        self.assertEqual(pm.describe(fit), "77.8 ms per GiB (95%: 75.0–80.5; 9 points, 3 sizes)")
        fit.interval = None
        self.assertIn("no interval", pm.describe(fit))


class ReportSectionsTest(unittest.TestCase):
    def setUp(self):
        self.scratch = Path(tempfile.mkdtemp(prefix="tvp-parent-memory-"))
        self.addCleanup(shutil.rmtree, self.scratch, ignore_errors=True)

    def report(self, rows):
        path = self.scratch / "results.json"
        path.write_text(json.dumps({"context": {"date": "2026-11-27T00:00:00+00:00", "host_name": "fixture",
                                                "num_cpus": 2}, "benchmarks": rows}))
        result = subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "report"), str(path)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_prints_the_fit_beside_the_published_figures(self):
        text = self.report(parent_sweep())
        self.assertRegex(text, r"\| fork \| 4 \| 77\.\d ms per GiB \(95%: 7\d\.\d–7\d\.\d; 9 points, 3 sizes\) \|")
        self.assertIn("9–13 ms per GB on physical hosts, up to 239 ms per GB on some hypervisors", text)

    def test_prints_the_parent_shapes_and_says_why_one_was_skipped(self):
        rows = []
        for backend in ["fork", "thread"]:
            for pages, touched, us in [("4k", "yes", 40000.0), ("4k", "no", 400.0)]:
                rows += repetitions(f"create/{backend}/workers:1/parent_mib:512/pages:{pages}/touched:{touched}"
                                    "/real_time", [us], us_per_worker=us)
            rows.append(errored(f"create/{backend}/workers:1/parent_mib:512/pages:thp/touched:yes/real_time",
                                "skipped: transparent huge pages are off: always madvise [never]"))
        text = self.report(rows)
        self.assertIn("### create: µs per worker (1 worker) beside a parent of 512 MiB, by its pages", text)
        self.assertIn("| fork | 40000 | 400 | skipped¹ |", text)
        self.assertIn("¹ skipped: transparent huge pages are off: always madvise [never].", text)

    def test_prints_the_copy_on_write_table(self):
        rows = repetitions("cow/fork/mib:64/writer:child/manual_time", [32000.0], us_per_mib=500.0)
        rows += repetitions("cow/fork/mib:64/writer:parent/manual_time", [30000.0], us_per_mib=470.0)
        rows += repetitions("cow/thread/mib:64/manual_time", [640.0], us_per_mib=10.0)
        text = self.report(rows)
        self.assertIn("### copy-on-write: µs per MiB written after fork", text)
        self.assertIn("| 64 | 500.0 | 470.0 | 10.0 | 50.0× |", text)


class SuiteTest(unittest.TestCase):
    def test_the_suite_runs_the_copy_on_write_scenario(self):
        from tvp import suite
        scenarios = {row.name: row for row in suite.bench_scenarios(BUILD_DIR / "bench")}
        self.assertEqual((scenarios["cow"].program, scenarios["cow"].filter), ("bench", "^cow/"))


if __name__ == "__main__":
    unittest.main()
