"""Tests of scripts/history: recording runs (add, list), the change-point finder (tvp.changepoints) and check
on synthetic histories, bisect on a throwaway git repository with a stand-in gate, and the page html writes
(its structure and its time over 200 runs; test_dashboard.py opens it in Chromium). No benchmark runs.
ctest's history_scripts runs this file."""
import json
import os
import re
import statistics
import subprocess
import sys
import time
import unittest
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import ScratchTest, run, write_results, repetitions  # noqa: E402
import history_fixtures as hf  # noqa: E402
from tvp import changepoints, headline, history  # noqa: E402

import numpy as np  # noqa: E402

FIRST = headline.NAMES[0]


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


class AddTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.history = self.scratch / "history"

    def add(self, path, *more):
        return run("history", "add", path, "--history", self.history, *more)

    def files(self):
        return sorted(self.history.glob("*.json"))

    def test_records_only_the_headline_figures_with_the_run_and_machine(self):
        data = hf.results(hf.revision(1), hf.START, names=headline.NAMES[1:])
        data["benchmarks"] += repetitions(FIRST, [0.1, 0.13, 0.11], unit="ms")
        data["benchmarks"] += repetitions("create/vfork/workers:4/parent_mib:0", [5.0, 5.0, 5.0])
        path = hf.write(self.scratch / "run.json", data)
        result = self.add(path)
        self.assertEqual(result.returncode, 0, result.stderr)
        [file] = self.files()
        self.assertEqual(file.name, f"20260105T090000Z-vm-{hf.revision(1)[:12]}.json")
        record = json.loads(file.read_text())
        self.assertEqual(sorted(record["figures"]), sorted(headline.NAMES))
        fig = record["figures"][FIRST]
        self.assertAlmostEqual(fig["median"], 0.11e-3)
        self.assertEqual(fig["values"], [0.1e-3, 0.13e-3, 0.11e-3])
        self.assertEqual((fig["unit"], fig["count"]), ("s", 3))
        values = [0.1, 0.13, 0.11]
        self.assertAlmostEqual(fig["cv"], statistics.stdev(values) / statistics.fmean(values), places=5)
        self.assertEqual((record["revision"], record["dirty"]), (hf.revision(1), False))
        self.assertEqual(record["machine"], {"host": "vm", "cpu_model": "AMD EPYC", "num_cpus": 2,
                                             "kernel": "Linux 6.1.0", "compiler": "g++ 12.2.0",
                                             "build_type": "Release"})
        self.assertLess(file.stat().st_size, 8000)

    def test_the_reference_run(self):
        result = self.add(hf.tvp_path.SCRIPTS.parent / "results" / "vm-20261207-084257.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("recorded 13 headline figures of 81ba536482cf", result.stdout)

    def test_two_runs_of_one_revision_are_both_kept_and_nothing_is_rewritten(self):
        first = hf.write(self.scratch / "a.json", hf.results(hf.revision(1), hf.START, seed=1))
        second = hf.write(self.scratch / "b.json", hf.results(hf.revision(1), hf.START, seed=2))
        self.assertEqual(self.add(first).returncode, 0)
        [old] = self.files()
        before = old.read_bytes()
        result = self.add(second)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.files()), 2)
        self.assertEqual(old.read_bytes(), before)
        self.assertTrue(self.files()[1].name.endswith("_2.json"), self.files())
        # The same file again is the same run: recorded once.
        again = self.add(second)
        self.assertEqual(again.returncode, 0)
        self.assertIn("already recorded", again.stdout)
        self.assertEqual(len(self.files()), 2)

    def test_files_sort_by_date(self):
        for i, hours in enumerate([30, 2, 11]):
            self.add(hf.write(self.scratch / f"{i}.json",
                              hf.results(hf.revision(i), hf.START + timedelta(hours=hours))))
        dates = [json.loads(f.read_text())["date"] for f in self.files()]
        self.assertEqual(dates, sorted(dates))

    def test_verdicts(self):
        path = hf.write(self.scratch / "run.json", hf.results(hf.revision(1), hf.START))
        verdicts = self.scratch / "verdicts.json"
        # As scripts/compare --verdicts writes them (scripts/regress --out keeps them as verdicts.json).
        verdicts.write_text(json.dumps({f"{FIRST}/real_time": {"p_value": 0.004, "p_adj": 0.05, "ratio": 1.2,
                                                               "mde": 0.06, "verdict": "SLOWER"},
                                        headline.NAMES[1]: {"p_value": 0.5, "p_adj": 1.0, "ratio": 1.0,
                                                            "mde": None, "verdict": "no significant change"}}))
        self.assertEqual(self.add(path, "--verdicts", verdicts).returncode, 0)
        record = json.loads(self.files()[0].read_text())
        self.assertEqual(record["verdicts"], {FIRST: {"p_value": 0.004, "p_adj": 0.05, "mde": 0.06, "ratio": 1.2,
                                                      "verdict": "SLOWER"},
                                              headline.NAMES[1]: {"p_value": 0.5, "p_adj": 1.0, "ratio": 1.0,
                                                                  "verdict": "no significant change"}})
        for text in ["[]", "{\"x\": 1}", json.dumps({FIRST: {"p_value": "low"}}), "not json"]:
            with self.subTest(verdicts=text):
                verdicts.write_text(text)
                self.assert_one_line_exit_2(self.add(path, "--verdicts", verdicts), "verdicts.json")

    def test_refused_in_one_line(self):
        no_revision = hf.results(hf.revision(1), hf.START)
        del no_revision["context"]["tvp_revision"]
        unknown = hf.results("unknown (not a git checkout)", hf.START)
        no_headline = hf.results(hf.revision(1), hf.START, names=[])
        no_headline["benchmarks"] = repetitions("create/vfork/workers:4/parent_mib:0", [5.0, 5.0])
        no_date = hf.results(hf.revision(1), hf.START)
        del no_date["context"]["date"]
        cases = [("no-revision.json", json.dumps(no_revision), "no revision"),
                 ("unknown.json", json.dumps(unknown), "no revision"),
                 ("none.json", json.dumps(no_headline), "none of the 13 headline benchmarks"),
                 ("no-date.json", json.dumps(no_date), "no date"),
                 ("vm-20260101-000000-quick.json", json.dumps(hf.results(hf.revision(1), hf.START)), "--quick"),
                 ("garbage.json", "{not json", "not readable JSON"),
                 ("empty.json", "", "empty file")]
        for name, text, message in cases:
            with self.subTest(name=name):
                path = self.scratch / name
                path.write_text(text)
                self.assert_one_line_exit_2(self.add(path), message)
        self.assert_one_line_exit_2(self.add(self.scratch / "missing.json"), "no such file")
        self.assertEqual(self.files(), [])

    def test_list_and_a_history_folder_with_a_corrupt_and_a_foreign_file(self):
        hf.make_history(self.history, [1.0, 1.0, 1.1])
        (self.history / "zz-corrupt.json").write_text("{\"format\": \"tvp-hist")
        write_results(self.history, "results.json", repetitions(FIRST, [1.0, 2.0]))
        (self.history / "notes.txt").write_text("hello")
        (self.history / ".gitkeep").write_text("")
        result = run("history", "--history", self.history, "list")  # --history before the command too
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3, result.stdout)
        self.assertIn(hf.revision(2)[:12], lines[2])
        self.assertIn("vm (AMD EPYC, 2 CPUs)", lines[0])
        self.assertIn("13/13 headline figures", lines[0])
        warnings = result.stderr.strip().splitlines()
        self.assertEqual(len(warnings), 3, result.stderr)
        for name in ("zz-corrupt.json", "results.json", "notes.txt"):
            self.assertEqual(sum(name in line for line in warnings), 1, result.stderr)


class ChangePointTest(unittest.TestCase):
    """tvp.changepoints on synthetic series (log scale, as history reads them)."""

    @staticmethod
    def series(runs, at, size, cv=0.03, seed=0):
        rng = np.random.default_rng(seed)
        level = np.where(np.arange(runs) >= at, 1 + size, 1.0)
        return np.log(level * (1 + cv * rng.standard_normal(runs)))

    def test_the_statistic_is_the_papers(self):
        x = np.random.default_rng(3).standard_normal(11)
        q = changepoints.pair_statistics(x)[0]
        for tau in range(len(x) + 1):
            for kappa in range(len(x) + 1):
                a, b = x[:tau], x[tau:kappa]
                p, r = len(a), len(b)
                if p < 2 or r < 2:
                    self.assertEqual(q[tau, kappa], -np.inf)
                    continue
                e = (2 * np.abs(a[:, None] - b[None, :]).mean() - np.abs(a[:, None] - a).sum() / (p * (p - 1))
                     - np.abs(b[:, None] - b).sum() / (r * (r - 1)))
                self.assertAlmostEqual(q[tau, kappa], p * r / (p + r) * e)
        np.testing.assert_array_equal(changepoints.split_statistics(x, 3)[0, 3:9],
                                      [q[tau, tau + 3:].max() for tau in range(3, 9)])

    def test_a_flat_noisy_series_has_no_step(self):
        self.assertEqual(changepoints.e_divisive(self.series(25, 0, 0.0, seed=0)), [])
        # The false-step rate is the permutation test's: below p_limit (1%), here 5 of 500 series.
        false = sum(bool(changepoints.e_divisive(self.series(25, 0, 0.0, seed=seed))) for seed in range(500))
        self.assertLessEqual(false, 10)

    def test_a_20_percent_step_at_run_12_of_25(self):
        for seed in range(5):
            with self.subTest(seed=seed):
                [point] = changepoints.e_divisive(self.series(25, 12, 0.20, seed=seed))
                self.assertEqual(point.index, 12)
                self.assertLess(point.p_value, changepoints.P_LIMIT)

    def test_a_10_percent_step_after_30_runs(self):
        [point] = changepoints.e_divisive(self.series(45, 30, 0.10, seed=7))
        self.assertEqual(point.index, 30)

    def test_two_steps(self):
        x = np.concatenate([self.series(15, 0, 0.0, seed=1), self.series(15, 0, 0.25, seed=2),
                            self.series(15, 0, 0.0, seed=3)])
        self.assertEqual([p.index for p in changepoints.e_divisive(x)], [15, 30])

    def test_the_same_series_gives_the_same_answer(self):
        x = self.series(30, 20, 0.08, cv=0.04, seed=11)
        self.assertEqual(changepoints.e_divisive(x), changepoints.e_divisive(x.copy()))

    def test_step_size_and_range(self):
        runs = [{"revision": hf.revision(i), "date": f"2026-01-{i + 1:02d}T00:00:00+00:00",
                 "figures": {FIRST: {"median": float(np.exp(v))}}}
                for i, v in enumerate(self.series(25, 12, 0.20, seed=4))]
        series = history.Series(FIRST, runs)
        [step] = series.steps
        self.assertAlmostEqual(step["change"], 0.20, delta=0.03)
        self.assertEqual((step["last_before"]["revision"], step["first_after"]["revision"]),
                         (hf.revision(11), hf.revision(12)))
        self.assertIs(series.new_slowdown(), step)


class CheckTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.history = self.scratch / "history"

    def check(self, *args):
        return run("history", "check", "--history", self.history, *args)

    def test_a_flat_history_passes(self):
        hf.make_history(self.history, [1.0] * 25)
        result = self.check()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.count("no step over 25 runs"), 13, result.stdout)
        self.assertIn("25 runs on vm (AMD EPYC, 2 CPUs), in date order", result.stdout)

    def test_a_20_percent_step_at_run_12_of_25_is_found_where_it_is(self):
        revisions = hf.make_history(self.history, hf.step_factors(25, 12, 0.20, names=[FIRST]))
        result = self.check()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)  # the newest step: a slowdown
        block = result.stdout.split(f"{FIRST} ")[1].split("\n", 2)[1]
        size = float(re.search(r"step \+([0-9.]+)%", block).group(1))
        self.assertAlmostEqual(size, 20, delta=3)
        self.assertIn(f"after {revisions[11][:12]}", block)
        self.assertIn(f"from {revisions[12][:12]}", block)
        self.assertIn("NEW SLOWDOWN STEP", block)
        self.assertEqual(result.stdout.count("no step over 25 runs"), 12, result.stdout)
        self.assertIn(f"in 1 headline benchmark(s): {FIRST}", result.stdout)

    def test_a_step_in_the_newest_runs_fails(self):
        hf.make_history(self.history, hf.step_factors(25, 21, 0.30, names=[headline.NAMES[4]]))
        result = self.check()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(headline.NAMES[4], result.stdout.splitlines()[-1])

    def test_an_old_step_undone_or_a_speed_up_or_a_small_step_passes(self):
        back = [{FIRST: 1.25 if 8 <= i < 17 else 1.0} for i in range(25)]
        faster = hf.step_factors(25, 12, -0.20)
        small = hf.step_factors(25, 12, 0.06, names=[FIRST])
        for name, factors, threshold, code in [("back", back, "0.10", 0), ("faster", faster, "0.10", 0),
                                               ("small", small, "0.10", 0), ("small-3%", small, "0.03", 1)]:
            with self.subTest(history=name):
                folder = self.scratch / name
                hf.make_history(folder, factors, cv=0.01)
                result = run("history", "check", "--history", folder, "--threshold", threshold)
                self.assertEqual(result.returncode, code, result.stdout + result.stderr)
                self.assertIn("step", result.stdout.split(f"{FIRST} ")[1].split("\n", 2)[1])

    def test_one_machine_at_a_time(self):
        hf.make_history(self.history, hf.step_factors(12, 6, 0.5))
        hf.make_history(self.history, [1.0] * 12, machine={"host_name": "other"}, seed=2,
                        dates=[hf.START - timedelta(days=1, hours=-i) for i in range(12)])
        self.assertEqual(self.check().returncode, 1)  # the newest run's machine, vm
        result = self.check("--machine", "other")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("12 runs on other (AMD EPYC, 2 CPUs)", result.stdout)
        self.assert_one_line_exit_2(self.check("--machine", "nowhere"), "no run recorded on it")

    def test_commit_order_comes_from_git(self):
        repo = self.scratch / "repo"
        repo.mkdir()
        git(repo, "init", "-q")
        revisions = []
        for i in range(12):
            git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", f"c{i}")
            revisions.append(git(repo, "rev-parse", "HEAD"))
        # Measured newest commit first: by date the step would be at the wrong end.
        dates = [hf.START + timedelta(hours=12 - i) for i in range(12)]
        hf.make_history(self.history, hf.step_factors(12, 6, 0.4, names=[FIRST]), revisions=revisions,
                        dates=dates)
        result = self.check("--repo", repo)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("in commit order", result.stdout)
        self.assertIn(f"after {revisions[5][:12]}", result.stdout)
        by_date = self.check("--repo", self.scratch)  # not a git repository: date order, said so
        self.assertIn("in date order", by_date.stdout)

    def test_bad_input(self):
        self.assert_one_line_exit_2(self.check(), "no such history folder")
        self.history.mkdir()
        self.assert_one_line_exit_2(self.check(), "no runs recorded")
        self.assert_one_line_exit_2(self.check("--threshold", "-1"), "--threshold")


FAKE_GATE = """\
#!/usr/bin/python3
# A stand-in for scripts/regress GOOD COMMIT --filter F --gate --threshold T: the bench just built prints
# its cost; slower than FAKE_GOOD_COST by the threshold or more is a slowdown (exit 1).
import os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["FAKE_GATE_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
cost = float(subprocess.run([os.environ["TVP_BISECT_BENCH"]], capture_output=True, text=True).stdout)
threshold = float(args[args.index("--threshold") + 1])
sys.exit(1 if cost >= float(os.environ["FAKE_GOOD_COST"]) * (1 + threshold) else 0)
"""


class BisectTest(ScratchTest):
    """git bisect on a throwaway repository: a C program whose printed cost rises 30% at one commit,
    another commit whose build fails (skipped), and a stand-in gate (TVP_HISTORY_GATE)."""

    def setUp(self):
        super().setUp()
        self.repo = self.scratch / "repo"
        self.repo.mkdir()
        git(self.repo, "init", "-q")
        (self.repo / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\n"
                                                  "add_executable(bench main.c)\n")
        self.commits = []
        for i in range(10):
            cost = 130 if i >= 7 else 100
            broken = "this does not compile" if i == 4 else ""
            (self.repo / "main.c").write_text(f'#include <stdio.h>\n{broken}\nint main(void) '
                                              f'{{ printf("{cost}\\n"); return 0; }}\n')
            (self.repo / "notes.txt").write_text(f"commit {i}\n")
            git(self.repo, "add", "-A")
            git(self.repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", f"commit {i}")
            self.commits.append(git(self.repo, "rev-parse", "HEAD"))
        (self.repo / "notes.txt").write_text("a local change the bisect must not touch\n")
        self.gate = self.scratch / "fake_gate.py"
        self.gate.write_text(FAKE_GATE)
        self.gate.chmod(0o755)
        self.log = self.scratch / "gate.log"
        self.env = {**os.environ, "TVP_HISTORY_GATE": str(self.gate), "FAKE_GATE_LOG": str(self.log),
                    "FAKE_GOOD_COST": "100"}

    def bisect(self, good, bad, *more):
        return subprocess.run(["/usr/bin/python3", str(hf.tvp_path.SCRIPTS / "history"), "bisect", good, bad,
                               "--benchmark", FIRST, "--repo", str(self.repo), *more],
                              capture_output=True, text=True, env=self.env, timeout=240)

    def assert_untouched(self):
        self.assertEqual(git(self.repo, "rev-parse", "HEAD"), self.commits[-1])
        self.assertEqual((self.repo / "notes.txt").read_text(), "a local change the bisect must not touch\n")
        self.assertEqual(git(self.repo, "worktree", "list").count("\n"), 0)  # only the main tree
        self.assertEqual(git(self.repo, "for-each-ref", "refs/bisect"), "")
        self.assertNotEqual(subprocess.run(["git", "-C", str(self.repo), "bisect", "log"],
                                           capture_output=True).returncode, 0)  # not bisecting

    def test_names_the_first_bad_commit_and_resets(self):
        trace = self.scratch / "git-trace.log"
        self.env["GIT_TRACE"] = str(trace)  # every git command the bisect ran, to see that it reset
        result = self.bisect(self.commits[0], self.commits[-1], "--threshold", "0.2")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        commands = [line.split("trace: exec: ", 1)[1] for line in trace.read_text().splitlines()
                    if "trace: exec: git-bisect" in line]
        self.assertEqual(commands[0].split()[:2], ["git-bisect", "start"])
        self.assertEqual(commands[-1], "git-bisect reset")
        self.assertIn(f"is {self.commits[7]} (commit 7)", result.stdout)
        self.assertIn(f"{self.commits[4][:12]}: the bench target does not build: skipped", result.stderr)
        self.assert_untouched()
        calls = self.log.read_text().splitlines()
        self.assertTrue(calls[0].startswith(f"{self.commits[0]} {self.commits[-1]} --filter "), calls)
        self.assertIn(f"--filter {headline.bench_filter([FIRST])} --gate --threshold 0.2", calls[0])

    def test_bad_that_is_not_slower_and_good_that_is_not_an_ancestor(self):
        result = self.bisect(self.commits[0], self.commits[4])
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("nothing to bisect", result.stdout)
        self.assert_untouched()
        self.assert_one_line_exit_2(self.bisect(self.commits[6], self.commits[2]), "is not an ancestor")
        self.assert_one_line_exit_2(self.bisect(self.commits[0], "nope"), "unknown revision 'nope'")
        self.assert_untouched()


class ElementCounter(HTMLParser):
    """Per <svg class="chart">: its data-points, the number of class="point" elements inside it, of change
    points (class="step"), and the count the page's script wrote (data-drawn, in a browser's DOM)."""

    def __init__(self):
        super().__init__()
        self.charts, self.current, self.links = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            if key in attrs:
                self.links.append(attrs[key])
        if tag == "svg" and "chart" in attrs.get("class", "").split():
            self.current = {"benchmark": attrs["data-benchmark"], "points": int(attrs["data-points"]),
                            "drawn": 0, "steps": 0, "counted": attrs.get("data-drawn")}  # set by the page's script
            self.charts.append(self.current)
        elif self.current is not None and "point" in attrs.get("class", "").split():
            self.current["drawn"] += 1
        elif self.current is not None and "step" in attrs.get("class", "").split():
            self.current["steps"] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def count_elements(text):
    counter = ElementCounter()
    counter.feed(text)
    return counter


class HtmlTest(ScratchTest):
    def test_the_page(self):
        history_dir = self.scratch / "history"
        factors = hf.step_factors(25, 12, 0.20, names=[FIRST])
        hf.make_history(history_dir, factors, skip={3: [headline.NAMES[5]]})
        newest = sorted(history_dir.glob("*.json"))[-1]
        record = json.loads(newest.read_text())
        record["verdicts"] = {FIRST: {"p_value": 0.0123, "p_adj": 0.0789, "mde": 0.0456, "ratio": 1.2}}
        newest.write_text(json.dumps(record))
        out = self.scratch / "site"
        result = run("history", "html", "--out", out, "--history", history_dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = (out / "index.html").read_text()
        counter = count_elements(text)
        self.assertEqual([c["benchmark"] for c in counter.charts], list(headline.NAMES))
        for chart in counter.charts:
            with self.subTest(chart=chart["benchmark"]):
                expected = 24 if chart["benchmark"] == headline.NAMES[5] else 25
                self.assertEqual((chart["points"], chart["drawn"]), (expected, expected))
                self.assertEqual(chart["steps"], 1 if chart["benchmark"] == FIRST else 0)
        self.assertEqual(counter.links, [])  # nothing fetched: no src, no href
        self.assertNotRegex(text, r"https?://")
        self.assertIn("new slowdown step +2", text)
        self.assertIn("0.0123", text)
        self.assertIn("corrected 0.0789", text)
        self.assertIn("4.6%", text)
        self.assertIn(hf.revision(24)[:12], text)
        self.assertIn("vm, AMD EPYC, 2 CPUs, Linux 6.1.0, g++ 12.2.0, Release build", text)

    def test_200_runs_in_under_10_seconds(self):
        history_dir = self.scratch / "history"
        factors = [{name: (1.2 if i >= 100 and k % 3 == 0 else 1.0) * (0.85 if i >= 150 and k % 4 == 1 else 1)
                    for k, name in enumerate(headline.NAMES)} for i in range(200)]
        hf.make_history(history_dir, factors, cv=0.03)
        start = time.monotonic()
        result = run("history", "html", "--out", self.scratch / "site", "--history", history_dir)
        took = time.monotonic() - start
        self.assertEqual(result.returncode, 0, result.stderr)
        print(f"\nhistory html over 200 runs: {took:.2f} s", file=sys.stderr)
        self.assertLess(took, 10)
        counter = count_elements((self.scratch / "site" / "index.html").read_text())
        self.assertTrue(all(c["points"] == c["drawn"] == 200 for c in counter.charts))

    def test_bad_input(self):
        self.assert_one_line_exit_2(run("history", "html", "--history", self.scratch / "none", "--out",
                                        self.scratch / "site"), "no such history folder")
        self.assert_one_line_exit_2(run("history", "html", "--history", self.scratch), "--out")


if __name__ == "__main__":
    unittest.main()
