"""The parent's memory in the results: fork's cost fitted against the parent's
size (ms per GiB, with an interval), the creation cost beside touched,
untouched and huge-page parents, and the copy-on-write bill; the report's
sections for them (scripts/report).

The fit: ordinary least squares of every repetition's µs per worker against
the parent's MiB over the create scenario's parent_mib sweep (benchmarks named
create/<back-end>/workers:W/parent_mib:M and nothing else), per back-end and
worker count; the slope, in ms per GiB, with its 95% interval from Student's t
on n - 2 degrees of freedom. The measured cost is the whole start-to-reap of a
worker (fork, exit, wait), so the intercept holds the empty fork and the slope
what each GiB of the parent adds.
"""
import math
from dataclasses import dataclass

from . import results_lib as rl

CONFIDENCE = 0.95
BACKEND_ORDER = ["thread", "fork", "posix_spawn"]  # the suite's order; other back-ends after, by name
MIB_PER_GIB = 1024
# As Redis's latency notes give them (their unit is "GB").
PUBLISHED_MS_PER_GB = (9.0, 13.0)  # physical hosts (Redis latency notes)
PUBLISHED = ("published: 9–13 ms per GB on physical hosts, up to 239 ms per GB on some hypervisors "
             "(Redis latency notes)")


@dataclass
class Fit:
    slope: float            # y per x
    intercept: float
    interval: tuple         # (low, high) of the slope, or None with fewer than 3 points
    points: int
    sizes: int              # distinct x


def least_squares(points, confidence=CONFIDENCE):
    """The straight line through [(x, y)] by least squares, or None when the
    points cannot define one (fewer than two, or fewer than two distinct x)."""
    points = [(float(x), float(y)) for x, y in points if rl.is_number(x) and rl.is_number(y)]
    xs = {x for x, _ in points}
    if len(points) < 2 or len(xs) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    interval = None
    if n > 2:
        from scipy import stats  # only here: the rest of the scripts need no scipy
        residuals = sum((y - intercept - slope * x) ** 2 for x, y in points)
        half = stats.t.ppf(0.5 + confidence / 2, n - 2) * math.sqrt(residuals / (n - 2) / sxx)
        interval = (slope - half, slope + half)
    return Fit(slope, intercept, interval, n, len(xs))


def parent_sweep_points(medians_by_name):
    """{(back-end, workers): [(parent MiB, µs per worker)]}, one point per repetition."""
    points = {}
    for name, row in medians_by_name.items():
        scenario, backend, params = rl.parse_name(name)
        if scenario != "create" or set(params) != {"workers", "parent_mib"}:
            continue
        for repetition in row["rows"]:
            if rl.is_number(repetition.get("us_per_worker")):
                points.setdefault((backend, int(params["workers"])), []).append(
                    (int(params["parent_mib"]), repetition["us_per_worker"]))
    return points


def fork_cost_fits(medians_by_name):
    """{(back-end, workers): Fit} of the parent_mib sweep, slope and interval in ms per GiB."""
    fits = {}
    for key, points in parent_sweep_points(medians_by_name).items():
        fit = least_squares(points)
        if fit is None:
            continue
        scale = MIB_PER_GIB / 1e3  # µs per MiB -> ms per GiB
        fits[key] = Fit(fit.slope * scale, fit.intercept, fit.interval and tuple(v * scale for v in fit.interval),
                        fit.points, fit.sizes)
    return fits


def describe(fit):
    """'38.2 ms per GiB (95%: 35.1–41.3; 30 points, 3 sizes)'."""
    interval = ("no interval: 2 points" if fit.interval is None
                else f"{CONFIDENCE:.0%}: {fit.interval[0]:.1f}–{fit.interval[1]:.1f}")
    return f"{fit.slope:.1f} ms per GiB ({interval}; {fit.points} points, {fit.sizes} sizes)"


def superscript(number):
    return str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def shaped_backends(names):
    """The back-ends with create benchmarks named by their parent's pages."""
    found = {backend for scenario, backend, params in map(rl.parse_name, names)
             if scenario == "create" and "pages" in params}
    return sorted(found, key=lambda backend: (BACKEND_ORDER.index(backend) if backend in BACKEND_ORDER
                                              else len(BACKEND_ORDER), backend))


SHAPES = [("4k", "yes", "4 KiB pages, touched"), ("4k", "no", "mapped, untouched"),
          ("thp", "yes", "huge pages (THP), touched")]


def fork_cost_section(report):
    """The parent-memory creation table and the fitted ms per GiB beside the published figures."""
    out = []
    errored = rl.errored_by_benchmark(report.data)
    skipped = {}  # message -> footnote number
    sizes = rl.sweep(report.m.keys() | errored.keys(), "create", "parent_mib", workers=1, touched="yes")
    for mib in sizes:
        out.append(f"### create: µs per worker (1 worker) beside a parent of {mib} MiB, by its pages\n")
        rows = []
        for backend in shaped_backends(report.m.keys() | errored.keys()):
            row = [backend]
            for pages, touched, _ in SHAPES:
                name = f"create/{backend}/workers:1/parent_mib:{mib}/pages:{pages}/touched:{touched}"
                if name in errored:
                    skipped.setdefault(errored[name], len(skipped) + 1)
                    row.append(f"skipped{superscript(skipped[errored[name]])}")
                else:
                    row.append(report.cell(name, "us_per_worker", "{:.0f}"))
            rows.append(row)
        out.append(rl.markdown_table(["back-end", *[label for _, _, label in SHAPES]], rows))
    if skipped:
        out.append("\n" + "; ".join(f"{superscript(i)} {message}" for message, i in skipped.items()) + ".\n")
    fits = fork_cost_fits(report.m)
    if fits:
        out.append(("\n" if out else "") + "### create: what each GiB of the parent adds to starting a worker "
                   f"(least squares over the parent_mib sweep's repetitions, {CONFIDENCE:.0%} interval)\n")
        out.append(rl.markdown_table(["back-end", "workers", "cost of the parent's size"],
                         [[backend, workers, describe(fit)] for (backend, workers), fit in sorted(fits.items())]))
        out.append(f"\nThe figure is start-to-reap per worker (fork, exit, wait); {PUBLISHED}.\n")
    return "".join(out)


def cow_section(report):
    """The copy-on-write bill: µs per MiB written, one word per 4 KiB page."""
    sizes = rl.sweep(report.m, "cow", "mib")
    if not sizes:
        return ""
    out = ["### copy-on-write: µs per MiB written after fork (one 8-byte write in every 4 KiB page; "
           "timed by the writer)\n"]
    rows = []
    for mib in sizes:
        child = report.get(f"cow/fork/mib:{mib}/writer:child", "us_per_mib")
        thread = report.get(f"cow/thread/mib:{mib}", "us_per_mib")
        rows.append([mib, report.cell(f"cow/fork/mib:{mib}/writer:child", "us_per_mib"),
                     report.cell(f"cow/fork/mib:{mib}/writer:parent", "us_per_mib"),
                     report.cell(f"cow/thread/mib:{mib}", "us_per_mib"),
                     "—" if not child or not thread else f"{child / thread:.1f}×"])
    out.append(rl.markdown_table(["MiB", "fork: the child writes", "fork: the parent writes (child alive)",
                      "thread writes (no copy)", "child / thread"], rows))
    return "".join(out)
