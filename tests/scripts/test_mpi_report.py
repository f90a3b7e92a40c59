"""Unit tests of scripts/mpi_report.py (the report's MPI section) and of the
suite's mpirun line, run by test_scripts.py (ctest's result_scripts).

The fixture tests/fixtures/mpi-functional.json comes from a short functional
run, not a timing run (its numbers mean nothing): bench with
--benchmark_filter='^(queue/fork/shm_ring/bytes:8/cpus:cross/wait:(spin|block)/latency|pipe/fork/pipe/bytes:8/
cpus:cross/latency|sumsq/fork/workers:(1|2)/n:100000000/)', and bench_mpi on 2 ranks over vader and over tcp
with --sumsq_n=100000000 --benchmark_filter='pingpong/.*bytes:(8|65536)/|sumsq', all with --round_trips=200
--benchmark_repetitions=2 --benchmark_min_time=0.01, merged as scripts/suite merges them (repetitions only).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
import tvp_path  # noqa: E402  (scripts/ on sys.path, as the commands have it)
from tvp import mpi_report  # noqa: E402
from tvp import results_lib as rl  # noqa: E402
from build_dir import BUILD_DIR  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "mpi-functional.json"


def load_script(name):
    """The code of the command scripts/<name> (the module tvp/<name>.py), loaded anew."""
    return tvp_path.fresh(name)


def fixture_rows(name_start):
    """The fixture's repetitions of the benchmark whose name starts with `name_start`."""
    rows = [row for row in json.loads(FIXTURE.read_text())["benchmarks"] if row["name"].startswith(name_start + "/")]
    assert rows, name_start
    return rows


class FakeReport:
    """What mpi_report.section needs of scripts/report's Report."""
    def __init__(self, data):
        self.data, self.m = data, rl.medians(data)

    def cell(self, name, field, pattern="{:.1f}"):
        value = self.m.get(name, {}).get(field)
        return "—" if value is None else pattern.format(value) + rl.mark(self.m[name], field)


def markdown(header, rows):
    return "\n".join(["| " + " | ".join(header) + " |", *["| " + " | ".join(map(str, r)) + " |" for r in rows]]) + "\n"


class MpiFiguresTest(unittest.TestCase):
    def setUp(self):
        self.data = rl.load(FIXTURE)
        self.m = rl.medians(self.data)

    def test_the_8_byte_latency_rows_are_mpi_over_both_transports_the_ring_and_the_pipe(self):
        self.assertEqual(mpi_report.latency_rows(self.m), [
            ("MPI, shared memory (btl vader)", "pingpong/mpi/ranks:2/btl:vader/bytes:8/latency", "half the round trip"),
            ("MPI, TCP (btl tcp)", "pingpong/mpi/ranks:2/btl:tcp/bytes:8/latency", "half the round trip"),
            ("shm_ring, spin (fork)", "queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency", "both sides' clocks"),
            ("shm_ring, futex (fork)", "queue/fork/shm_ring/bytes:8/cpus:cross/wait:block/latency",
             "both sides' clocks"),
            ("pipe (fork)", "pipe/fork/pipe/bytes:8/cpus:cross/latency", "both sides' clocks")])

    def test_the_harness_ratio_is_the_ratio_of_median_times_per_round_trip(self):
        ratios = mpi_report.harness_ratios(self.m)
        self.assertEqual(set(ratios), {(btl, size) for btl in ["vader", "tcp"] for size in [8, 65536]})
        for btl in ["vader", "tcp"]:
            for size in [8, 65536]:
                ours = statistics.median(r["real_time"] for r in fixture_rows(
                    f"pingpong/mpi/ranks:2/btl:{btl}/bytes:{size}/latency"))
                raw = statistics.median(r["real_time"] for r in fixture_rows(
                    f"pingpong/raw_mpi/ranks:2/btl:{btl}/bytes:{size}/latency"))
                self.assertAlmostEqual(ratios[(btl, size)][0], ours / raw)

    def test_the_2_way_sumsq_speedups_at_10_to_the_8(self):
        self.assertEqual(mpi_report.sumsq_speedups(self.m), {
            "MPI, 2 ranks, shared memory (btl vader)": "sumsq/mpi/ranks:2/btl:vader/n:100000000",
            "MPI, 2 ranks, TCP (btl tcp)": "sumsq/mpi/ranks:2/btl:tcp/n:100000000",
            "fork, 2 workers": "sumsq/fork/workers:2/n:100000000"})

    def test_the_fewest_ranks_are_picked_when_a_file_holds_several(self):
        medians = {f"pingpong/mpi/ranks:{r}/btl:vader/bytes:8/latency": {} for r in (4, 2, 8)}
        medians["pingpong/mpi/ranks:2/btl:tcp/bytes:8/latency"] = {}
        self.assertEqual(mpi_report.pingpong_name(medians, "vader"), "pingpong/mpi/ranks:2/btl:vader/bytes:8/latency")
        self.assertIsNone(mpi_report.pingpong_name(medians, "vader", payload=64))


class MpiSectionTest(unittest.TestCase):
    def section(self, data):
        return mpi_report.section(FakeReport(data), markdown)

    def test_the_section_shows_each_figure_of_the_fixture(self):
        data = rl.load(FIXTURE)
        m = rl.medians(data)
        text = self.section(data)
        vader = m["pingpong/mpi/ranks:2/btl:vader/bytes:8/latency"]
        self.assertIn(f"| MPI, shared memory (btl vader) | {vader['one_way_p50_us']:.3g}", text)
        ring = m["queue/fork/shm_ring/bytes:8/cpus:cross/wait:spin/latency"]
        self.assertIn(f"| shm_ring, spin (fork) | {ring['one_way_p50_us']:.3g}", text)
        ratio, noisy = mpi_report.harness_ratios(m)[("vader", 8)]
        self.assertIn(f"| shared memory (btl vader) | {ratio:.2f}{rl.NOISY_MARK if noisy else ''}", text)
        self.assertIn("target ≤ 1.2", text)
        fork = m["sumsq/fork/workers:2/n:100000000"]["speedup"]
        self.assertIn(f"| fork, 2 workers | {fork:.2f}", text)

    def test_a_ratio_over_the_target_is_said(self):
        self.assertEqual(mpi_report.describe_ratio(1.19, False), "1.19")
        self.assertEqual(mpi_report.describe_ratio(1.5, True), f"1.50{rl.NOISY_MARK} (over the target)")

    def test_no_mpi_rows_no_section_and_a_skipped_mpi_says_why(self):
        data = rl.load(FIXTURE)
        data["benchmarks"] = [row for row in data["benchmarks"] if "mpi/" not in row["name"]]
        data["context"].pop("mpi")
        self.assertEqual(self.section(data), "")
        data["context"]["mpi"] = {"skipped": "CMake found no MPI"}
        self.assertEqual(self.section(data), "### MPI ranks: skipped: CMake found no MPI\n")

    def test_scripts_report_prints_the_section(self):
        import subprocess
        result = subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "report"), str(FIXTURE)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        for heading in ["### MPI ranks: 8-byte latency", "### MPI ranks: bench_mpi's ping-pong over the raw MPI loop",
                        "### MPI ranks: sumsq at n = 10^8"]:
            self.assertIn(heading, result.stdout)


class SuiteMpirunTest(unittest.TestCase):
    """Over TCP the manager's window must cross TCP too: Open MPI would map it into shared memory (osc sm)."""
    def prefix(self, btl, mca=()):
        suite = load_script("suite")
        return suite.mpirun_prefix(argparse.Namespace(mpi_ranks=2, mpi_hostfile=None, mpi_mca=list(mca)), btl)

    def test_tcp_runs_get_the_one_sided_component_pt2pt_and_vader_runs_do_not(self):
        tcp = " ".join(self.prefix("tcp"))
        self.assertIn("--mca btl self,tcp --mca osc pt2pt", tcp)
        self.assertNotIn("osc", " ".join(self.prefix("vader")))

    def test_an_osc_the_user_names_is_left_alone(self):
        line = self.prefix("tcp", ["osc=rdma"])
        self.assertEqual(line.count("osc"), 1)
        self.assertIn("rdma", line)


@unittest.skipUnless((BUILD_DIR / "bench_mpi").exists(), "bench_mpi is not built")
class SuiteHostfileTest(unittest.TestCase):
    """A hostfile mpirun cannot use is one line naming mpirun and its reason, and a host that
    does not answer ends the suite within seconds, leaving no ssh behind."""
    def suite(self, hostfile, timeout_s="60"):
        return subprocess.run([str(ROOT / "scripts" / "suite"), "--scenarios", "mpi", "--quick", "--no-build",
                               "--build-dir", str(BUILD_DIR), "--out", tempfile.mkdtemp(),
                               "--mpi-hostfile", str(hostfile)],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "TVP_SUITE_LISTING_TIMEOUT_S": timeout_s})

    def test_an_empty_hostfile_is_mpirun_s_reason_in_one_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".hosts") as hosts:
            result = self.suite(hosts.name)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("mpirun refused to run", result.stderr)
        self.assertNotIn("---", result.stderr)

    def test_an_unreachable_host_ends_the_run_within_seconds_and_leaves_no_ssh(self):
        with tempfile.NamedTemporaryFile("w", suffix=".hosts") as hosts:
            hosts.write("10.255.255.1 slots=1\n")  # a reserved address nobody answers
            hosts.flush()
            started = time.monotonic()
            result = self.suite(hosts.name, timeout_s="3")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertLess(time.monotonic() - started, 30)
        self.assertIn("did not list its benchmarks within 3 s", result.stderr)
        time.sleep(0.5)
        ssh = subprocess.run(["pgrep", "-f", "ssh .*10.255.255.1"], capture_output=True, text=True)
        self.assertEqual(ssh.stdout, "", "an ssh to the unreachable host outlived the suite")
        sessions = subprocess.run(["sh", "-c", "ls -d /tmp/ompi.*/pid.* 2>/dev/null"], capture_output=True, text=True)
        for session in sessions.stdout.split():
            pid = int(session.rsplit(".", 1)[1])
            self.assertTrue(Path(f"/proc/{pid}").exists(), f"{session}: the killed mpirun's session directory is left")


if __name__ == "__main__":
    unittest.main()
