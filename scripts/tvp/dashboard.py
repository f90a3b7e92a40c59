"""The page scripts/history html writes: one self-contained HTML file (inline CSS, inline SVG charts drawn
here, a few lines of inline script for the hover box; nothing fetched from the network).

Per machine: a table of the latest verdicts, one chart per headline benchmark across the runs in commit
order, and the runs themselves. A chart (<svg class="chart" data-points="N">) draws N runs, each a
<circle class="point"> with its revision, date, value and machine in a <title> (and data-tip, which the
script shows on hover); the band is the repetitions' spread (lowest to highest), the dashed lines each
segment's median, and a change point is a vertical line labelled with its size (red a slowdown, green a
speed-up). The script records any error it meets in <html data-errors> and #script-errors, and sets
data-ready once it has run: tests/scripts/test_dashboard.py opens the page in headless Chromium and reads
both. Colours are the back-ends' of scripts/plots (tvp.plots.BACKEND_COLOURS)."""
import html as htmllib
import math
import statistics
from datetime import datetime, timezone

from . import headline
from . import results_lib as rl

WIDTH, HEIGHT = 620, 250
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 30, 46
SLOWER, FASTER = "#c62828", "#2e7d32"


def esc(text):
    return htmllib.escape(str(text), quote=True)


def colour(name):
    from .plots import BACKEND_COLOURS  # one look with scripts/plots
    _, backend, _ = rl.parse_name(name)
    return BACKEND_COLOURS.get(backend, "#555555")


def nice_ticks(low, high, count=5):
    """Round tick values covering [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if raw <= m * step)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def spread(fig):
    values = fig.get("values") or [fig["median"]]
    return min(values), max(values)


def percent(value):
    return "—" if value is None else f"{value:+.1%}"


def value_text(fig):
    low, high = spread(fig)
    cv = fig.get("cv")
    noisy = rl.NOISY_MARK if cv is not None and cv > rl.CV_LIMIT else ""
    return (f"{rl.format_seconds(fig['median'])}{noisy}", f"{rl.format_seconds(low)} – {rl.format_seconds(high)}, "
            f"{fig.get('count', len(fig.get('values', [])))} repetitions"
            + (f", CV {cv:.1%}" if cv is not None else ""))


def chart(series, machine_of, order="commit order", key="0"):
    """The SVG of one benchmark's series (a history.Series); `key` makes its clip path's id unique."""
    from . import history
    n = len(series.runs)
    figs = [run["figures"][series.name] for run in series.runs]
    paint = colour(series.name)
    head = (f'<svg class="chart" role="img" data-benchmark="{esc(series.name)}" data-points="{n}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
            f'<title>{esc(series.title)}: {n} runs</title>')
    if n == 0:
        return head + (f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" class="empty">'
                       'no run measured it</text></svg>')
    medians = series.medians
    lows, highs = zip(*(spread(fig) for fig in figs))
    # The band may reach far (one slow repetition): the scale keeps the medians readable and clips the rest.
    low = max(min(lows), min(medians) / 2)
    high = min(max(highs), max(medians) * 2)
    pad = (high - low) * 0.08 or high * 0.05
    low, high = max(low - pad, 0), high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (i + 0.5) * plot_w / n

    def y(v):
        v = min(max(v, low), high)
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = [head, f'<clipPath id="clip-{key}"><rect x="{LEFT}" y="{TOP}" width="{plot_w}" '
                   f'height="{plot_h}"/></clipPath>',
             f'<rect class="frame" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>']
    ticks = nice_ticks(low, high)
    digits = next((d for d in range(3, 7) if len({rl.format_seconds(t, d) for t in ticks}) == len(ticks)), 7)
    for tick in ticks:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
                     f'<text class="tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{esc(rl.format_seconds(tick, digits))}</text>')
    every = max(1, math.ceil(n / 7))
    for i in range(0, n, every):
        parts.append(f'<line class="xtick" x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{TOP + plot_h}" '
                     f'y2="{TOP + plot_h + 4}"/><text class="tick" x="{x(i):.1f}" y="{TOP + plot_h + 16}" '
                     f'text-anchor="middle">{esc(series.runs[i]["revision"][:7])}</text>')
    parts.append(f'<text class="axis" x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
                 f'{n} runs in {esc(order)} (revision)</text>')
    parts.append(f'<g clip-path="url(#clip-{key})">')
    band = [(x(i), y(h)) for i, h in enumerate(highs)] + [(x(i), y(lo)) for i, lo in reversed(list(enumerate(lows)))]
    if n == 1:
        parts.append(f'<line class="whisker" x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{y(highs[0]):.1f}" '
                     f'y2="{y(lows[0]):.1f}" stroke="{paint}"/>')
    else:
        parts.append(f'<polygon class="band" fill="{paint}" points="'
                     + " ".join(f"{px:.1f},{py:.1f}" for px, py in band) + '"/>')
    for a, b in series.segments:
        level = statistics.median(medians[a:b])
        parts.append(f'<line class="segment" x1="{x(a) - plot_w / n / 2:.1f}" x2="{x(b - 1) + plot_w / n / 2:.1f}" '
                     f'y1="{y(level):.1f}" y2="{y(level):.1f}"/>')
    parts.append(f'<polyline class="line" stroke="{paint}" points="'
                 + " ".join(f"{x(i):.1f},{y(m):.1f}" for i, m in enumerate(medians)) + '"/>')
    parts.append("</g>")
    for step in series.steps:
        boundary = LEFT + step["index"] * plot_w / n
        tint = SLOWER if step["change"] > 0 else FASTER
        anchor = "end" if boundary > LEFT + plot_w * 0.8 else "start"
        shift = -3 if anchor == "end" else 3
        parts.append(f'<g class="step" data-change="{step["change"]:.4f}">'
                     f'<title>{esc(history.describe_step(step))}</title>'
                     f'<line x1="{boundary:.1f}" x2="{boundary:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     f'stroke="{tint}"/><text x="{boundary + shift:.1f}" y="{TOP - 6}" fill="{tint}" '
                     f'text-anchor="{anchor}">{step["change"]:+.1%}</text></g>')
    radius = 3.2 if n <= 60 else 2.2
    for i, (run, fig) in enumerate(zip(series.runs, figs)):
        median, range_text = value_text(fig)
        tip = (f"{history.short_revision(run)} · {run['date'][:19].replace('T', ' ')} · {median} "
               f"({range_text}) · {machine_of(run)}")
        hollow = ' hollow' if run.get("dirty") else ''
        parts.append(f'<circle class="point{hollow}" cx="{x(i):.1f}" cy="{y(fig["median"]):.1f}" r="{radius}" '
                     f'fill="{paint}" stroke="{paint}" data-tip="{esc(tip)}"><title>{esc(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def verdict_rows(series_list, newest):
    """The latest verdicts: one <tr> per headline benchmark."""
    verdicts = newest.get("verdicts", {})
    rows = []
    for series in series_list:
        cells = [f'<td><span class="name">{esc(series.title)}</span><br><code>{esc(series.name)}</code></td>']
        if series.runs:
            fig = series.runs[-1]["figures"][series.name]
            median, range_text = value_text(fig)
            cells.append(f'<td class="num" title="{esc(range_text)}">{esc(median)}'
                         f'<br><small>{esc(series.runs[-1]["revision"][:12])}</small></td>')
            change = series.medians[-1] / series.medians[-2] - 1 if len(series.medians) > 1 else None
            cells.append(f'<td class="num">{percent(change)}</td>')
        else:
            cells += ['<td class="num">—</td>', '<td class="num">—</td>']
        status = series.status()
        kind = "bad" if series.new_slowdown() else ("ok" if series.enough and not series.steps else "")
        cells.append(f'<td class="{kind}">{esc(status)}</td>')
        verdict = verdicts.get(series.name, {})
        p_value, p_adj, mde, ratio = (verdict.get(key) for key in ("p_value", "p_adj", "mde", "ratio"))
        cells.append(f'<td class="num">{"—" if p_value is None else f"{p_value:.3g}"}'
                     + ("" if p_adj is None else f"<br><small>corrected {p_adj:.3g}</small>") + "</td>")
        cells.append(f'<td class="num">{"—" if mde is None else f"{mde:.1%}"}</td>')
        cells.append(f'<td class="num">{"—" if ratio is None else f"{ratio:.3f}"}'
                     + (f'<br><small>{esc(verdict["verdict"])}</small>' if verdict.get("verdict") else "")
                     + "</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return rows


STYLE = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.note { color: #555; margin: 4px 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
th { background: #f4f4f4; text-align: left; } td.num { text-align: right; white-space: nowrap; }
td.bad { color: #c62828; font-weight: 600; } td.ok { color: #2e7d32; }
code { font-size: 12px; color: #555; } small { color: #777; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(640px, 1fr)); gap: 8px 16px; }
figure { margin: 0; } figcaption { font-weight: 600; margin: 4px 0 0; }
figcaption code { font-weight: normal; }
svg.chart { background: #fff; font-size: 11px; }
svg .frame { fill: none; stroke: #bbb; } svg .grid { stroke: #eee; } svg .xtick { stroke: #999; }
svg .tick { fill: #555; } svg .axis { fill: #444; } svg .empty { fill: #999; font-size: 14px; }
svg .band { opacity: 0.18; stroke: none; } svg .line { fill: none; stroke-width: 1.3; opacity: 0.7; }
svg .segment { stroke: #333; stroke-dasharray: 5 3; stroke-width: 1.2; }
svg .step line { stroke-width: 1.6; stroke-dasharray: 2 2; } svg .step text { font-weight: 700; font-size: 12px; }
svg .point { stroke-width: 1.2; } svg .point.hollow { fill: #fff; } svg .point:hover { stroke: #000; }
svg .whisker { stroke-width: 2; }
#tip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 4px 8px; border-radius: 4px;
       font-size: 12px; display: none; max-width: 520px; z-index: 10; }
#script-errors { color: #c62828; font-weight: 600; }
details summary { cursor: pointer; font-weight: 600; margin: 12px 0; }
"""

# Runs first, in <head>: any later script error is recorded where a test (and a reader) sees it.
ERROR_HOOK = """
window.onerror = function (message, source, line) {
  var root = document.documentElement;
  root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + message + ' (line ' + line + '); ');
  var box = document.getElementById('script-errors');
  if (box) { box.textContent = 'Script error: ' + root.getAttribute('data-errors'); box.hidden = false; }
};
"""

HOVER = """
(function () {
  var tip = document.getElementById('tip');
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    svg.setAttribute('data-drawn', svg.querySelectorAll('.point').length);
  });
  document.addEventListener('mouseover', function (event) {
    var point = event.target.closest && event.target.closest('.point');
    if (!point) { tip.style.display = 'none'; return; }
    tip.textContent = point.getAttribute('data-tip');
    tip.style.display = 'block';
  });
  document.addEventListener('mousemove', function (event) {
    tip.style.left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
    tip.style.top = (event.clientY + 14) + 'px';
  });
  document.documentElement.setAttribute('data-ready', '1');
})();
"""


def section(label, ordered, order, series_list, index):
    from . import history
    newest = ordered[-1]
    machine_of = history.machine_label
    parts = [f'<section class="machine" data-machine="{esc(label)}">',
             f"<h2>{esc(label)}</h2>",
             f'<p class="note">{len(ordered)} runs, in {esc(order)}; newest: {esc(history.short_revision(newest))} '
             f"({esc(newest['date'])}) on {esc(history.machine_details(newest))}.</p>",
             "<h3>Latest verdicts</h3>",
             '<table class="verdicts"><tr><th>benchmark</th><th>latest median</th><th>vs previous run</th>'
             "<th>change points</th><th>gate p-value</th><th>detectable change</th><th>gate ratio</th></tr>",
             *verdict_rows(series_list, newest), "</table>",
             f'<p class="note">{esc(rl.NOISY_LEGEND)} Change points: E-divisive means with a permutation test '
             "(Matteson &amp; James 2014) over the run medians; a step is the change of the median from one "
             "segment to the next. The gate's columns are those of the newest run's record "
             "(scripts/history add --verdicts), — where it has none.</p>",
             "<h3>Across commits</h3>",
             '<p class="note">Line and dots: each run\'s median (a hollow dot: a tree with local changes); band: '
             "its repetitions, lowest to highest; dashed: each segment's median; a vertical line: a change point "
             "with its size. Hover a dot for its revision, date, value and machine.</p>",
             '<div class="charts">']
    for number, series in enumerate(series_list):
        parts.append(f"<figure><figcaption>{esc(series.title)}<br><code>{esc(series.name)}</code></figcaption>"
                     f"{chart(series, machine_of, order, f'{index}-{number}')}</figure>")
    parts.append("</div>")
    parts.append(f"<details{' open' if len(ordered) <= 30 else ''}><summary>The {len(ordered)} runs of "
                 f"{esc(label)}</summary>")
    parts.append('<table class="runs"><tr><th>#</th><th>date</th><th>revision</th><th>machine</th>'
                 "<th>headline figures</th><th>gate verdicts</th><th>record</th></tr>")
    for number, run in enumerate(ordered, 1):
        parts.append(f"<tr><td class=\"num\">{number}</td><td>{esc(run['date'])}</td>"
                     f"<td><code>{esc(history.short_revision(run))}</code></td>"
                     f"<td>{esc(history.machine_details(run))}</td>"
                     f"<td class=\"num\">{len(run['figures'])}/{len(headline.NAMES)}</td>"
                     f"<td>{'yes' if run.get('verdicts') else '—'}</td>"
                     f"<td><code>{esc(run['path'].rsplit('/', 1)[-1])}</code></td></tr>")
    parts.append("</table></details></section>")
    return "\n".join(parts)


def page(sections, records):
    """The whole page: `sections` [(machine label, ordered records, order, [Series])]."""
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(section(*one, index) for index, one in enumerate(sections))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Threads vs processes: the headline benchmarks across commits</title>
<script>{ERROR_HOOK}</script>
<style>{STYLE}</style>
</head>
<body>
<h1>Threads vs processes: the headline benchmarks across commits</h1>
<p class="note">{len(records)} recorded runs on {len(sections)} machine(s), written by <code>scripts/history html</code>
on {made}. Every figure is the median wall time of a benchmark's repetitions in one run (lower is better).</p>
<div id="script-errors" hidden></div>
<div id="tip"></div>
{body}
<script>{HOVER}</script>
</body>
</html>
"""
