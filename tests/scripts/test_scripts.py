"""Tests of the result scripts (compare, table, plots) on the fixtures in tests/fixtures."""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SCRIPTS = ROOT / "scripts"


def run(script, *args):
    return subprocess.run(["/usr/bin/python3", str(SCRIPTS / script), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


class CompareTest(unittest.TestCase):
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

    def test_unusable_input_exits_2_with_a_message(self):
        for other, message in [("missing.json", "no such file"), ("malformed.json", "not readable JSON"),
                               ("not_results.json", "not a Google Benchmark results file"),
                               ("unrelated.json", "no benchmark in common")]:
            with self.subTest(other=other):
                result = run("compare", FIXTURES / "baseline.json", FIXTURES / other)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)


class TableTest(unittest.TestCase):
    def test_every_row_of_the_chapter_is_written(self):
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "TABLE.md"
            result = run("table", FIXTURES / "suite-quick.json", "--out", out)
            self.assertEqual(result.returncode, 0, result.stderr)
            table = out.read_text()
        for row in ["Spazio di memoria", "Overhead di creazione", "Comunicazione", "Parallelismo", "Uso ideale"]:
            self.assertIn(f"| {row} |", table)
        self.assertIn("µs per thread [1]", table)
        self.assertIn("`create/thread/workers:4/parent_mib:0`", table)
        self.assertIn("speedup", table)

    def test_a_bad_file_exits_2(self):
        result = run("table", FIXTURES / "malformed.json", "--out", "/dev/null")
        self.assertEqual(result.returncode, 2)


class ReportTest(unittest.TestCase):
    def test_prints_the_scenario_tables(self):
        result = run("report", FIXTURES / "suite-quick.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        for heading in ["### create: median µs per worker", "### sumsq: the chapter's case", "### sumsq: crossover"]:
            self.assertIn(heading, result.stdout)
        self.assertIn("333333328333333350000000", result.stdout)

    def test_a_missing_file_exits_2(self):
        self.assertEqual(run("report", FIXTURES / "missing.json").returncode, 2)


class PlotsTest(unittest.TestCase):
    def test_plots_are_written_headless(self):
        with tempfile.TemporaryDirectory() as scratch:
            result = run("plots", FIXTURES / "suite-quick.json", "--out-dir", scratch)
            self.assertEqual(result.returncode, 0, result.stderr)
            pngs = sorted(Path(scratch).glob("*.png"))
            self.assertEqual([p.name for p in pngs],
                             ["create_parent_size.png", "create_per_worker.png", "sumsq_speedup.png"])
            for png in pngs:
                self.assertGreater(png.stat().st_size, 10_000)
                self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
