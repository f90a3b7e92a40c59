"""Unit tests of scripts/advise's models (tvp/advise_model.py, tvp/advise_python_model.py), the break-even
search of tvp/advise_map.py and the validation grid of tvp/advise_validate.py, on made-up costs whose figures
are worked out by hand in the comments. Run by test_advise.py (ctest's advise_scripts)."""
import unittest

import tvp_path  # noqa: F401  (scripts/ on sys.path, as the commands have it)
from tvp import advise_map, advise_validate  # noqa: E402
from tvp import advise_model as model  # noqa: E402
from tvp import advise_python_model as pm  # noqa: E402
from tvp.advise_model import Term, Workload  # noqa: E402

US = 1e-6


def strategy(name, o0, o64k, o1m, work):
    """Calibration in µs per task: no work at 0, 64 KiB and 1 MiB; 1000 µs of work at 0 bytes, and the other
    work sizes on the line through 0 and 1000 µs: u(T) = o0 + (work - o0) T / 1000."""
    overhead = ((0, Term(o0 * US, f"{name}/0")), (65536, Term(o64k * US, f"{name}/64k")),
                (1048576, Term(o1m * US, f"{name}/1m")))
    work_points = tuple((t, Term((o0 + (work - o0) * t / 1000) * US, f"{name}/t{t}")) for t in model.WORK_US)
    return model.StrategyCosts(name, overhead, work_points)


# u(T) = o(0) + e T, e = (work - o(0)) / 1000: thread_pool (510 - 10) / 1000 = 0.5; fork_pool 0.5;
# fork_per_task (1200 - 200) / 1000 = 1.
COSTS = model.Costs(2, 2, {"thread_pool": strategy("thread_pool", 10, 30, 330, 510),
                           "fork_pool": strategy("fork_pool", 20, 40, 140, 520),
                           "fork_per_task": strategy("fork_per_task", 200, 260, 1000, 1200)})


class CppModelTest(unittest.TestCase):
    def test_the_overhead_is_piecewise_linear_through_the_three_sizes(self):
        """Plant: the 64 KiB and 1 MiB points swapped; or a straight line from 0 to 1 MiB."""
        thread = COSTS.strategies["thread_pool"]
        self.assertAlmostEqual(model.overhead_per_task(thread, 0), 10 * US)
        self.assertAlmostEqual(model.overhead_per_task(thread, 32768), 20 * US)  # 10 + (30 - 10) / 2
        self.assertAlmostEqual(model.overhead_per_task(thread, 65536), 30 * US)
        # 30 + (330 - 30) × (557056 - 65536) / (1048576 - 65536) = 30 + 300 × 0.5 = 180
        self.assertAlmostEqual(model.overhead_per_task(thread, 557056), 180 * US)

    def test_beyond_one_mib_the_last_segment_goes_on(self):
        """Plant: the overhead held at its 1 MiB value. 330 + 300 × (2097152 - 1048576) / 983040 = 330 + 320."""
        self.assertAlmostEqual(model.overhead_per_task(COSTS.strategies["thread_pool"], 2097152), 650 * US)

    def test_the_time_per_task_follows_the_measured_work_sizes(self):
        """u(T) is read off the rows at 0, 10, 100, 1000 and 10000 µs, linear between them: a pool whose
        parent is the bottleneck (12 µs a task with no work, 10 µs with 10 µs of work) is 11 µs at 5 µs,
        then (100 µs: 55) 32.5 µs at 55 µs; beyond 10 ms the 1 to 10 ms segment goes on (1000: 505,
        10000: 5005 → 20000: 10005). Plant: a straight line from 0 to 1000 µs (o(0) + e T) gives 14.5 at
        5 µs; holding u at its 10 ms value gives 5005 at 20 ms."""
        rows = ((0, 12), (10, 10), (100, 55), (1000, 505), (10000, 5005))
        pool = model.StrategyCosts("thread_pool", ((0, Term(12 * US, "o0")), (65536, Term(30 * US, "o64k")),
                                                   (1048576, Term(330 * US, "o1m"))),
                                   tuple((t, Term(us * US, f"t{t}")) for t, us in rows))
        self.assertAlmostEqual(model.time_per_task(pool, 5), 11 * US)
        self.assertAlmostEqual(model.time_per_task(pool, 55), 32.5 * US)
        self.assertAlmostEqual(model.time_per_task(pool, 20000), 10005 * US)
        # v(B) = o(B) - o(0): 18 µs at 64 KiB; never below 0 (a noisy row below o(0) adds nothing).
        self.assertAlmostEqual(model.payload_per_task(pool, 65536), 18 * US)
        self.assertEqual(model.payload_per_task(pool, 0), 0.0)

    def test_predicted_seconds_overhead_share_and_ranking(self):
        """N 1000, T 100 µs, B 32768, W 2 on 2 CPUs; the ideal is 1000 × 100 µs / 2 = 0.05 s.
        thread_pool: 1000 × (20 + 100 × 0.5) µs = 0.070 s, share 1 - 0.05 / 0.07 = 2/7;
        fork_pool: o = 20 + 20 / 2 = 30, 1000 × (30 + 50) µs = 0.080 s, share 1 - 0.05 / 0.08 = 0.375;
        fork_per_task: o = 200 + 60 / 2 = 230, 1000 × (230 + 100) µs = 0.330 s, share 1 - 0.05 / 0.33."""
        ranked = model.predict(COSTS, Workload(1000, 100, 32768, 2))
        self.assertEqual([p.strategy for p in ranked], ["thread_pool", "fork_pool", "fork_per_task"])
        for prediction, seconds, share in zip(ranked, (0.070, 0.080, 0.330), (2 / 7, 0.375, 1 - 0.05 / 0.33)):
            self.assertAlmostEqual(prediction.predicted_seconds, seconds)
            self.assertAlmostEqual(prediction.overhead_share, share)
        self.assertAlmostEqual(ranked[0].terms["time_per_task_s"], 60 * US)  # 10 + 100 × 0.5
        self.assertAlmostEqual(ranked[0].terms["payload_per_task_s"], 10 * US)  # 20 - 10
        self.assertEqual(model.comparison(ranked), "thread_pool is 1.14× faster than fork_pool (the runner-up) and "
                                                   "4.71× faster than fork_per_task (the slowest).")

    def test_the_ideal_counts_at_most_the_cpus_and_the_share_stays_in_0_to_1(self):
        """Plant: N T / W instead of N T / min(W, CPUs). W 4 on 2 CPUs: the same shares as on W 2.
        W 1: 1 - 0.1 / 0.07 < 0, clamped to 0."""
        for workers in (2, 4):
            self.assertAlmostEqual(model.predict(COSTS, Workload(1000, 100, 32768, workers))[0].overhead_share,
                                   2 / 7)
        self.assertEqual(model.predict(COSTS, Workload(1000, 100, 32768, 1))[0].overhead_share, 0.0)
        self.assertEqual(model.predict(COSTS, Workload(1000, 0, 0, 2))[0].overhead_share, 1.0)

    def test_isolation_keeps_only_the_process_strategies(self):
        """Plant: the flag read the wrong way round keeps thread_pool."""
        kept, dropped = model.keep_isolated(model.predict(COSTS, Workload(1000, 100, 32768, 2)))
        self.assertEqual([p.strategy for p in kept], ["fork_pool", "fork_per_task"])
        self.assertEqual(dropped, ["thread_pool"])
        self.assertEqual(sorted(s for s, isolated in model.STRATEGIES.items() if not isolated),
                         ["thread_per_task", "thread_pool"])

    def test_the_winner_does_not_depend_on_the_task_count(self):
        for tasks in (1, 17, 10**6):
            self.assertEqual(model.predict(COSTS, Workload(tasks, 100, 32768, 2))[0].strategy, "thread_pool")


def python_costs(cpus=2):
    """S1 4.0 s; threads 4.4 s on 2 and 4.8 s on 4; processes 2.2 s on 2 and 2.4 s on 4. Pools (tasks, s):
    thread (10000, 0.50), (1000, 0.41), (100, 0.40); fork (10000, 0.60), (1000, 0.33); spawn (10000, 0.69),
    (1000, 0.33). 4 forked processes in 8 ms. Round trips: 8 B 20 µs, 65544 B 84 µs."""
    def t(seconds):
        return Term(seconds, "row")
    return pm.PythonCosts(
        cpus, t(4.0), {1: t(4.0), 2: t(4.4), 4: t(4.8)}, {1: t(4.2), 2: t(2.2), 4: t(2.4)},
        {"thread": pm.PoolRows(((10000, t(0.50)), (1000, t(0.41)))),
         "fork": pm.PoolRows(((10000, t(0.60)), (1000, t(0.33)))),
         "spawn": pm.PoolRows(((10000, t(0.69)), (1000, t(0.33))))},
        t(0.008), ((8, t(20 * US)), (65544, t(84 * US))))


class PythonModelTest(unittest.TestCase):
    def test_the_terms(self):
        """e_thread(2) = 4.4 / 4.0 = 1.1; e_thread(3) uses W' = 2 (plant: the nearest above, 4.8 / 4 = 1.2);
        e_proc(2) = 2.2 / 4 = 0.55; e_proc(4) = 0.6; with 8 CPUs e_proc(8) = 0.6 × min(4, 8) / min(8, 8) = 0.3.
        o_thread = (0.50 - 0.41) / 9000 = 10 µs, o_fork = 0.27 / 9000 = 30 µs, o_spawn = 0.36 / 9000 = 40 µs.
        p(32776) = (84 - 20) × (32776 - 8) / 65536 = 32 µs."""
        costs = python_costs()
        self.assertAlmostEqual(pm.e_thread(costs, 2), 1.1 * US)
        self.assertAlmostEqual(pm.e_thread(costs, 3), 1.1 * US)
        self.assertAlmostEqual(pm.e_thread(costs, 16), 1.2 * US)  # no scaling by the CPUs: the GIL
        self.assertAlmostEqual(pm.e_proc(costs, 2), 0.55 * US)
        self.assertAlmostEqual(pm.e_proc(costs, 4), 0.6 * US)
        self.assertAlmostEqual(pm.e_proc(python_costs(cpus=8), 8), 0.3 * US)
        self.assertAlmostEqual(pm.pool_overhead(costs, "thread"), 10 * US)
        self.assertAlmostEqual(pm.pool_overhead(costs, "fork"), 30 * US)
        self.assertAlmostEqual(pm.pool_overhead(costs, "spawn"), 40 * US)
        self.assertAlmostEqual(pm.payload(costs, 32776), 32 * US)
        self.assertEqual(pm.payload(costs, 0), 0.0)  # never below 0

    def test_predictions(self):
        """N 1000, T 100 µs, B 32776, W 2: thread_pool 1000 × (10 + 100 × 1.1) µs = 0.120 s (no payload);
        process_pool_fork 1000 × (30 + 32 + 55) µs = 0.117 s; process_pool_spawn 1000 × (40 + 32 + 55) = 0.127 s;
        process_per_task 1000 × (2000 + 32 / 2 + 55) µs = 2.071 s (plant: the whole round trip, 2.087 s)."""
        ranked = pm.predict(python_costs(), Workload(1000, 100, 32776, 2))
        self.assertEqual([p.strategy for p in ranked],
                         ["process_pool_fork", "thread_pool", "process_pool_spawn", "process_per_task"])
        for prediction, seconds in zip(ranked, (0.117, 0.120, 0.127, 2.071)):
            self.assertAlmostEqual(prediction.predicted_seconds, seconds)
        self.assertAlmostEqual(ranked[1].overhead_share, 1 - 0.05 / 0.120)
        self.assertEqual([p.isolated for p in ranked], [True, False, True, True])

    def test_a_pool_that_measured_less_with_more_tasks_costs_nothing_per_task(self):
        costs = python_costs()
        costs.pools["thread"] = pm.PoolRows(((10000, Term(0.40, "row")), (1000, Term(0.41, "row"))))
        self.assertEqual(pm.pool_overhead(costs, "thread"), 0.0)


class BreakEvenTest(unittest.TestCase):
    def test_the_thresholds_from_the_model(self):
        """B 0: the best process pool (fork_pool, 20 + 0.5 T) within 5% of thread_pool (10 + 0.5 T) when
        20 + 0.5 T <= 10.5 + 0.525 T, T >= 380 µs. fork_per_task (200 + T) never comes within 5%."""
        result = advise_map.break_even(model.predict, COSTS, "cpp", 2, 0)
        self.assertAlmostEqual(result["pool_vs_thread_us"], 380, places=6)
        self.assertIsNone(result["per_task_vs_pool_us"])
        self.assertIn("fork_per_task within 5% of the best pool: never below 100 ms", result["text"])

    def test_from_the_smallest_size_when_it_always_holds(self):
        self.assertEqual(advise_map.threshold_above(lambda t: True), advise_map.LOW_US)
        self.assertIsNone(advise_map.threshold_above(lambda t: t < 5))
        self.assertAlmostEqual(advise_map.threshold_above(lambda t: t >= 1234.5), 1234.5, places=6)


class ValidationGridTest(unittest.TestCase):
    def test_24_workloads_that_span_every_size(self):
        points = advise_validate.grid([1, 2, 4])
        self.assertEqual(len(points), 24)
        self.assertEqual(len(set(points)), 24)
        self.assertEqual({t for t, _, _ in points}, set(advise_validate.TASK_US))
        self.assertEqual({b for _, b, _ in points}, set(advise_validate.BYTES))
        for workers in (1, 2, 4):
            self.assertEqual({t for t, _, w in points if w == workers}, set(advise_validate.TASK_US))
        self.assertEqual(len(advise_validate.grid([2])), 20)  # one worker count: every pair, no more

    def test_the_task_count_aims_at_the_slowest_strategy(self):
        """The slowest at T 100, B 0 is fork_per_task, 200 + 100 = 300 µs a task: 0.15 s / 300 µs = 500."""
        self.assertEqual(advise_validate.tasks_for(COSTS, 100, 0, 2), 500)
        self.assertEqual(advise_validate.tasks_for(COSTS, 10000, 0, 2), advise_validate.MIN_TASKS)

    def test_the_filter_names_exactly_the_workloads(self):
        import re
        pattern = re.compile(advise_validate.bench_filter([(16, 1, 0), (500, 100, 4096)], 2))
        self.assertTrue(pattern.search("workload/fork_pool/tasks:16/task_us:1/bytes:0/workers:2/real_time"))
        self.assertTrue(pattern.search("workload/vfork_per_task/tasks:500/task_us:100/bytes:4096/workers:2"))
        self.assertFalse(pattern.search("workload/fork_pool/tasks:16/task_us:100/bytes:0/workers:2"))
        self.assertFalse(pattern.search("workload/fork_pool/tasks:16/task_us:1/bytes:0/workers:20"))


if __name__ == "__main__":
    unittest.main()
