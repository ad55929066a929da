"""Charts drawn on the server as inline SVG: stacked bars per week, with a legend and a text alternative.

No JavaScript and no CDN (the bureau runs offline); every label is escaped, and each chart carries a
``<title>``/``<desc>`` and a table-like summary so a screen reader gets the numbers too."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..services.home import Chart
from .i18n import Msg, N_, ldate, tr
from .present import label

#: Colours with a contrast of at least 3:1 on white (WCAG 1.4.11), in a fixed order per series.
PALETTE = ("#0b5cad", "#1a7f37", "#cf222e", "#8250df", "#bc4c00", "#57606a", "#0a7b83", "#953800")
FIXED = {"on time": "#1a7f37", "late": "#cf222e", "out": "#0b5cad", "in": "#8250df"}
W, H, LEFT, BOTTOM, TOP = 560, 200, 36, 28, 10


def colour(name: str, i: int) -> str:
    """The colour of series ``name`` (the ``i``-th): fixed for on time/late and out/in, else from PALETTE."""
    return FIXED.get(name, PALETTE[i % len(PALETTE)])


def stacked_bars(chart: Chart, chart_id: str) -> Markup:
    """Inline SVG of ``chart``: one stacked bar per week, y axis from 0 to the largest week's total."""
    weeks = chart.weeks
    names = list(chart.series)
    totals = [sum(chart.series[n][i] for n in names) for i in range(len(weeks))]
    top = max(totals or [0]) or 1
    plot_w, plot_h = W - LEFT - 8, H - BOTTOM - TOP
    step = plot_w / max(1, len(weeks))
    bar = step * 0.7
    parts = [f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {W} {H + 22 * ((len(names) + 2) // 3)}"'
             f' aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{escape(chart_id)}-t">{escape(tr(chart.title))}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape(describe(chart))}</desc>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{W - 8}" y2="{TOP + plot_h}" stroke="#59636e"/>',
             f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" class="tick">{top}</text>',
             f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" class="tick">0</text>']
    for i, week in enumerate(weeks):
        x = LEFT + i * step + (step - bar) / 2
        y = TOP + plot_h
        for k, name in enumerate(names):
            n = chart.series[name][i]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            tip = tr(Msg("{series}, week of {week}: {count}", series=Msg(_series(name)), week=ldate(week), count=n))
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour(name, k)}">'
                         f'<title>{escape(tip)}</title></rect>')
        if i % 2 == 0 or len(weeks) <= 6:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" class="tick">'
                         f'{escape(week[5:])}</text>')
    for k, name in enumerate(names):
        lx, ly = LEFT + (k % 3) * 175, H + 4 + 22 * (k // 3)
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour(name, k)}"/>'
                     f'<text x="{lx + 16}" y="{ly + 11}" class="legend">{escape(tr(_series(name)))} ({sum(chart.series[name])})</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def describe(chart: Chart) -> str:
    """The chart in words: per series its total over the weeks shown, and the busiest week."""
    if not any(any(v) for v in chart.series.values()):
        return tr(Msg("Nothing in the {count} weeks from {first} to {last}.", count=len(chart.weeks),
                      first=chart.weeks[0], last=chart.weeks[-1]))
    totals = ", ".join(f"{tr(_series(name))}: {sum(v)}" for name, v in chart.series.items())
    per_week = [sum(v[i] for v in chart.series.values()) for i in range(len(chart.weeks))]
    busiest = max(range(len(per_week)), key=per_week.__getitem__)
    return tr(Msg("{count} weeks from {first}: {totals}; busiest week {busiest} with {most}.", count=len(chart.weeks),
                  first=chart.weeks[0], totals=totals, busiest=chart.weeks[busiest], most=per_week[busiest]))


#: Series that are not domain codes, listed for extraction (statuses are translated by their label).
SERIES = (N_("on time"), N_("late"), N_("out"), N_("in"))


def _series(name: str) -> str:
    """A series name as a msgid: its readable label (``held_by_adverse_power`` → ``held by adverse power``)."""
    return label(name)
