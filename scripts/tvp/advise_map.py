"""scripts/advise --map: the chapter's advice as a picture, from the model (advise_model, or
advise_python_model with --language python) and this machine's costs.

The map: task size (µs of work per task, 1 µs to 100 ms, a log axis of 1-2-5 steps) across, bytes per task
each way (0 to 1 MiB) up; each cell takes the colour of the strategy predicted fastest there and says how much
slower the runner-up is. The winner does not depend on the number of tasks (every
term is per task), so one map holds for any N. Written as advise_map_<language>.png and .svg, drawn as
scripts/plots draws (tvp.plots.save: 900 px wide, the run named in a footer).

The break-even task sizes, from the same model, for the bytes given (default 0 and 4096): the task size above
which the best process pool is within 5% of the thread pool, and above which the per-task process strategy
(fork_per_task; for Python process_per_task) is within 5% of the best pool (threads' included), each "from the
smallest size, 1 µs" when it holds everywhere, or "never below 100 ms" when it does not hold at 100 ms.
"""
import contextlib
import json
import math
import sys

from . import advise_model as model
from . import results_lib as rl

X_US = [m * 10 ** e for e in range(5) for m in (1, 2, 5)] + [100_000]  # 1 µs .. 100 ms
Y_BYTES = [0, 64, 1024, 4096, 16384, 65536, 262144, 1048576]
LOW_US, HIGH_US = X_US[0], X_US[-1]
WITHIN = 0.05
# Colour = strategy: a pool takes its back-end's colour in scripts/plots, a worker per task a colour of its own.
COLOURS = {"thread_pool": "#1f77b4", "thread_per_task": "#17becf", "fork_pool": "#ff7f0e",
           "fork_per_task": "#d62728", "posix_spawn_pool": "#2ca02c", "posix_spawn_per_task": "#98df8a",
           "vfork_per_task": "#8c564b", "process_pool_fork": "#ff7f0e", "process_pool_forkserver": "#9467bd",
           "process_pool_spawn": "#bcbd22", "process_per_task": "#d62728"}
# Per language: (the thread pool, the process pools, the per-task process strategy).
GROUPS = {"cpp": ("thread_pool", model.PROCESS_POOLS, "fork_per_task"),
          "python": ("thread_pool", ("process_pool_fork", "process_pool_forkserver", "process_pool_spawn"),
                     "process_per_task")}


def per_task(predict, costs, task_us, nbytes, workers):
    """{strategy: predicted seconds per task}."""
    return {p.strategy: p.predicted_seconds for p in predict(costs, model.Workload(1, task_us, nbytes, workers))}


def threshold_above(holds, low=LOW_US, high=HIGH_US, steps=2000):
    """The task size above which holds(T) is true up to `high`: `low` if it holds from there, None if it does
    not hold at `high`; between, found on a log grid and refined by bisection."""
    if not holds(high):
        return None
    grid = [low * (high / low) ** (i / steps) for i in range(steps + 1)]
    failing = next((i for i in range(steps, -1, -1) if not holds(grid[i])), None)
    if failing is None:
        return low
    bad, good = grid[failing], grid[failing + 1]
    for _ in range(60):
        middle = math.sqrt(bad * good)
        bad, good = (bad, middle) if holds(middle) else (middle, good)
    return good


def break_even(predict, costs, language, workers, nbytes):
    """{bytes, pool_vs_thread_us, per_task_vs_pool_us (None: never below 100 ms), text}."""
    thread, process_pools, per_task_strategy = GROUPS[language]
    present = set(per_task(predict, costs, 1, nbytes, workers))
    pools = [s for s in process_pools if s in present]
    every_pool = pools + ([thread] if thread in present else [])
    parts, result = [], {"bytes": nbytes}

    def figure(key, holds, what):
        value = threshold_above(holds)
        result[key] = value
        if value is None:
            parts.append(f"{what}: never below 100 ms")
        elif value == LOW_US:
            parts.append(f"{what}: from the smallest size, 1 µs")
        else:
            parts.append(f"{what}: above {rl.format_seconds(value * 1e-6)}")

    if thread in present and pools:
        figure("pool_vs_thread_us", lambda t: min(cost_of(predict, costs, t, nbytes, workers, pools))
               <= (1 + WITHIN) * cost_of(predict, costs, t, nbytes, workers, [thread])[0],
               f"the best process pool within 5% of {thread}")
    else:
        result["pool_vs_thread_us"] = None
        parts.append(f"the best process pool against {thread}: cannot say, one of them has no costs")
    if per_task_strategy in present and every_pool:
        figure("per_task_vs_pool_us", lambda t: cost_of(predict, costs, t, nbytes, workers, [per_task_strategy])[0]
               <= (1 + WITHIN) * min(cost_of(predict, costs, t, nbytes, workers, every_pool)),
               f"{per_task_strategy} within 5% of the best pool")
    else:
        result["per_task_vs_pool_us"] = None
        parts.append(f"{per_task_strategy} against the pools: cannot say, it or they have no costs")
    result["text"] = f"{nbytes:,} bytes each way: " + "; ".join(parts) + "."
    return result


def cost_of(predict, costs, task_us, nbytes, workers, strategies):
    seconds = per_task(predict, costs, task_us, nbytes, workers)
    return [seconds[s] for s in strategies]


def margin_label(margin):
    """How much slower the runner-up is: <1%, +63%, 4.7×, 990×."""
    if math.isinf(margin):
        return ""
    if margin < 0.01:
        return "<1%"
    return f"+{margin:.0%}" if margin < 1 else model.times(1 + margin)


def size_label(us):
    return f"{us:g} µs" if us < 1000 else f"{us / 1000:g} ms"


def draw(predict, costs, data, language, workers, out_dir):
    """Writes the map; returns the paths."""
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch
    from . import plots

    strategies = list(per_task(predict, costs, 1, 0, workers))
    image, labels = [], []
    for nbytes in Y_BYTES:
        row_colours, row_labels = [], []
        for us in X_US:
            ranked = predict(costs, model.Workload(1, us, nbytes, workers))
            row_colours.append(to_rgb(COLOURS.get(ranked[0].strategy, "#7f7f7f")))
            row_labels.append(margin_label(model.ratio(ranked[1], ranked[0]) - 1 if len(ranked) > 1 else math.inf))
        image.append(row_colours)
        labels.append(row_labels)
    figure, ax = plots.plt.subplots(figsize=(plots.WIDTH_IN, 6.0))
    ax.imshow(image, origin="lower", aspect="auto")
    for y, row in enumerate(labels):
        for x, text in enumerate(row):
            dark = sum(w * c for w, c in zip((0.299, 0.587, 0.114), image[y][x])) < 0.5
            ax.text(x, y, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_xticks(range(len(X_US)), [size_label(us) for us in X_US], rotation=45, ha="right")
    ax.set_yticks(range(len(Y_BYTES)), [plots.byte_label(b) if b else "0 B" for b in Y_BYTES])
    ax.set_xlabel("task size: µs of work per task (log scale)")
    ax.set_ylabel("bytes per task, each way")
    handles = [Patch(color=COLOURS.get(s, "#7f7f7f"), label=s) for s in strategies]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=4)  # below the rotated ticks
    name = "Python" if language == "python" else "C++"
    plots.title(figure, f"{name}: the strategy predicted fastest on {workers} workers, for any number of tasks\n"
                "(in each cell: how much slower the runner-up is there)", data)
    stem = f"advise_map_{language}"
    with contextlib.redirect_stdout(sys.stderr):
        plots.save(figure, data, out_dir, stem)
    return [str(out_dir / f"{stem}.{suffix}") for suffix in ("png", "svg")]


def main(args, path, data, costs, predict, workers):
    rl.check_output_dir(args.out)
    files = draw(predict, costs, data, args.language, workers, args.out)
    sizes = [args.bytes] if args.bytes is not None else [0, 4096]
    figures = [break_even(predict, costs, args.language, workers, b) for b in sizes]
    if args.json:
        print(json.dumps({"map": files, "costs_from": str(path), "workers": workers, "language": args.language,
                          "left_out": costs.left_out, "break_even": figures}, indent=1))
        return
    print(f"Decision map ({'Python' if args.language == 'python' else 'C++'}, {workers} workers, costs from "
          f"{path}): {', '.join(files)}")
    for strategy, reason in costs.left_out.items():
        print(f"Left out: {strategy}: {reason}")
    print("Break-even task sizes (from the model, per task, so for any number of tasks):")
    for item in figures:
        print(f"  {item['text']}")
