"""Unit tests of scripts/tvp/pools.py: which task size a pool reaches 90% of the
ideal from, and the report's pool section, on small made-up medians. Run by
test_scripts.py (ctest's result_scripts)."""
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
import tvp_path  # noqa: E402,F401  (scripts/ on sys.path, as the commands have it)
from tvp import pools  # noqa: E402

N = 10_000_000


def sumsq_row(backend, feed, chunk, efficiency):
    part = {"ring": "mechanism:shm_ring/wait:spin", "pipe": "mechanism:pipe", "per_task": "per_task"}[feed]
    return (f"pool/{backend}/{part}/workers:2/task:squares/n:{N}/chunk:{chunk}/min_time:0.050/real_time",
            {"efficiency": efficiency, "real_time": 1.0, "time_unit": "ms", "rows": []})


class ReachesTest(unittest.TestCase):
    def test_first_size_from_which_every_larger_one_is_at_90_percent(self):
        self.assertEqual(pools.reaches({1000: 0.2, 10000: 0.95, 100000: 0.85, 1000000: 0.97})[0], 1000000)
        self.assertEqual(pools.reaches({1000: 0.2, 10000: 0.95, 100000: 0.92})[0], 10000)

    def test_the_crossing_is_interpolated_on_the_log_of_the_size(self):
        first, crossing = pools.reaches({1000: 0.8, 10000: 1.0})
        self.assertEqual(first, 10000)
        self.assertAlmostEqual(crossing, 10 ** 3.5)

    def test_never_and_already(self):
        self.assertEqual(pools.reaches({1000: 0.5, 10000: 0.89}), (None, None))
        self.assertEqual(pools.reaches({1000: 0.95, 10000: 0.99}), (1000, None))
        self.assertIn("never (best 89%)", pools.describe_reach({1000: 0.5, 10000: 0.89}))
        self.assertIn("smallest size swept", pools.describe_reach({1000: 0.95}))


class CurvesTest(unittest.TestCase):
    def test_rows_are_grouped_by_pool_and_feed(self):
        medians = dict([sumsq_row("fork", "ring", 1000, 0.5), sumsq_row("fork", "ring", 10000, 0.95),
                        sumsq_row("fork", "pipe", 1000, 0.3), sumsq_row("thread", "per_task", 100000, 0.7),
                        ("sumsq/fork/workers:2/n:1000", {"speedup": 1.0})])
        curves = pools.efficiency_curves(medians)
        self.assertEqual(curves[("fork", "shm_ring (spin)", 2, N)], {1000: 0.5, 10000: 0.95})
        self.assertEqual(curves[("fork", "pipe", 2, N)], {1000: 0.3})
        self.assertEqual(curves[("thread", "per task", 2, N)], {100000: 0.7})
        self.assertEqual(len(curves), 3)

    def test_python_rows_have_their_own_scenario(self):
        medians = {"python_pool/process_spawn/workers:2/task:sumsq/n:1000000/chunk:1000": {"efficiency": 0.4}}
        self.assertEqual(pools.efficiency_curves(medians), {})
        self.assertEqual(pools.efficiency_curves(medians, "python_pool"),
                         {("process_spawn", "pool", 2, 1000000): {1000: 0.4}})

    def test_ring_ratio_of_the_process_pools_to_the_thread_pool(self):
        def empty(backend, feed, p50):
            part = "mechanism:shm_ring/wait:spin" if feed == "ring" else "mechanism:pipe"
            return (f"pool/{backend}/{part}/workers:1/cpus:cross/task:empty/iterations:1000/real_time",
                    {"round_trip_p50_us": p50})
        medians = dict([empty("thread", "ring", 2.0), empty("fork", "ring", 2.5), empty("posix_spawn", "ring", 4.0),
                        empty("fork", "pipe", 20.0)])
        self.assertEqual(pools.ring_ratios(medians), {"fork": 1.25, "posix_spawn": 2.0})


if __name__ == "__main__":
    unittest.main()
