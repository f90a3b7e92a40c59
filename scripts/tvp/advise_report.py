"""scripts/advise's answer, as text or JSON: the ranked strategies, the comparison, what was left out and why,
then every cost the prediction used with the benchmark behind it."""
import json

from . import advise_costs
from . import advise_model as model
from . import advise_python_model as pm
from . import results_lib as rl


def entry(strategy, term, seconds, benchmark, note=""):
    return {"strategy": strategy, "term": term, "seconds": seconds, "benchmark": benchmark, "note": note}


def cpp_costs(costs, workload):
    """Every C++ cost used: per strategy the rows at each size and each work size, then u_s(T) and v_s(B)."""
    entries = []
    for strategy, sc in costs.strategies.items():
        for nbytes, term in sc.overhead:
            entries.append(entry(strategy, f"o({nbytes} B)", term.value, term.benchmark, "per task, no work"))
        for task_us, term in sc.work[1:]:
            entries.append(entry(strategy, f"u({task_us:g} µs)", term.value, term.benchmark, "per task, no bytes"))
        entries.append(entry(strategy, f"u({workload.task_us:g} µs)", model.time_per_task(sc, workload.task_us), "",
                             "derived: piecewise linear in the work"))
        entries.append(entry(strategy, f"v({workload.bytes} B)", model.payload_per_task(sc, workload.bytes), "",
                             "derived: o(B) - o(0), piecewise linear in bytes"))
    return entries


def python_costs(costs, workload):
    """Every Python cost used, named after its row."""
    w = workload.workers
    thread_w, process_w = pm.nearest(costs.thread_sums, w), pm.nearest(costs.process_sums, w)
    entries = [entry("all", "S1", costs.serial.value, costs.serial.benchmark, "the work alone, one thread"),
               entry("thread_pool", f"t(threads, {thread_w})", costs.thread_sums[thread_w].value,
                     costs.thread_sums[thread_w].benchmark, f"so e_thread({w}) = {pm.e_thread(costs, w) * 1e6:.3g}"),
               entry("process_*", f"t(processes, {process_w})", costs.process_sums[process_w].value,
                     costs.process_sums[process_w].benchmark, f"so e_proc({w}) = {pm.e_proc(costs, w) * 1e6:.3g}")]
    for kind, pool in costs.pools.items():
        strategy = "thread_pool" if kind == "thread" else f"process_pool_{kind}"
        for tasks, term in pool.rows:
            entries.append(entry(strategy, f"t({tasks} tasks)", term.value, term.benchmark, "the whole sum"))
        entries.append(entry(strategy, "o", pm.pool_overhead(costs, kind), "", "derived: per task"))
    if costs.create_fork is not None:
        entries.append(entry("process_per_task", f"t({pm.CREATE_WORKERS} processes)", costs.create_fork.value,
                             costs.create_fork.benchmark, "started and joined"))
    for nbytes, term in costs.payload:
        entries.append(entry("process_*", f"round trip({nbytes} B)", term.value, term.benchmark, "for p(B)"))
    entries.append(entry("process_*", f"p({workload.bytes})", pm.payload(costs, workload.bytes), "",
                         costs.payload_source))
    return entries


def measured_context(data, language):
    """The context of the run that measured the figures (a suite's file keeps the Python reference's apart)."""
    context = data["context"]
    return (context.get("python_reference") or context) if language == "python" else context


def answer(workload, language, ranked, left_out, cost_entries, path, data, isolation):
    """The answer as the JSON prints it."""
    return {"workload": {"tasks": workload.tasks, "task_us": workload.task_us, "bytes": workload.bytes,
                         "workers": workload.workers, "language": language, "isolation": isolation},
            "strategies": [{"strategy": p.strategy, "predicted_seconds": p.predicted_seconds,
                            "overhead_share": p.overhead_share, "isolated": p.isolated, "terms": p.terms}
                           for p in ranked],
            "winner": ranked[0].strategy if ranked else None,
            "comparison": model.comparison(ranked),
            "costs_from": str(path), "machine": rl.machine_title(data), "revision": rl.revision(data),
            "this_machine": advise_costs.same_machine(measured_context(data, language)),
            "left_out": [{"strategy": s, "reason": r} for s, r in left_out.items()],
            "costs": cost_entries}


def text(result):
    """The answer in words and tables."""
    w = result["workload"]
    lines = [f"{w['tasks']:,} tasks of {w['task_us']:g} µs, {w['bytes']:,} bytes each way, on {w['workers']} "
             f"workers ({'Python' if w['language'] == 'python' else 'C++'})",
             f"Costs from {result['costs_from']} ({result['machine']}; {result['revision']})"]
    if not result["this_machine"]:
        lines.append("  (measured on another machine than this one: the answer is for that machine)")
    if w["isolation"]:
        lines.append("Only strategies where a crashed task cannot take the others down (--isolation).")
    lines += ["", f"  {'':3} {'strategy':24} {'predicted':>11} {'overhead':>9}"]
    for rank, p in enumerate(result["strategies"], 1):
        lines.append(f"  {rank:<3} {p['strategy']:24} {rl.format_seconds(p['predicted_seconds']):>11} "
                     f"{p['overhead_share']:>9.0%}")
    lines += ["", result["comparison"]]
    for item in result["left_out"]:
        lines.append(f"Left out: {item['strategy']}: {item['reason']}")
    lines += ["", "Costs used (medians over the repetitions; per task unless said):"]
    for item in result["costs"]:
        value = (f"{item['seconds'] * 1e6:.3g} µs per µs" if item["term"] == "e"
                 else rl.format_seconds(item["seconds"]))
        lines.append(f"  {item['strategy']:23} {item['term']:21} {value:>14}  "
                     f"{item['benchmark'] or item['note']}")
    return "\n".join(lines)


def show(result, as_json):
    print(json.dumps(result, indent=1) if as_json else text(result))
