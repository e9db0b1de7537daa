"""The overview's trend over runs: a server-rendered SVG line chart, like the HTML report's bar charts.

No script and no chart library (the console's policy forbids both): lines are
``<polyline>`` elements with presentation attributes only (the policy forbids
inline ``style``), and every text — run ids, dates, series names — is escaped.

>>> svg = trend_chart("趋势 Trend", ["2026-12-01", "2026-12-02"], [Series("敏感字段 sensitive", [1, 3], "#c62828")])
>>> svg.startswith("<svg") and "<polyline" in svg and "script" not in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 52


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str


def trend_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Lines over runs (oldest left); an empty chart says so in words."""
    t = escape(title)
    out = [
        f'<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" font-size="11">',
        f"<title>{t}</title>",
    ]
    if not labels:
        out.append(
            f'<text x="0" y="20" fill="#78909c">{escape("no finished run yet 尚无完成的扫描")}</text></svg>'
        )
        return "".join(out)
    peak = max([v for s in series for v in s.values] + [1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return LEFT + i * step, TOP + plot_h - plot_h * (v / peak)

    for frac in (0, 0.5, 1):
        y = TOP + plot_h - plot_h * frac
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dde3ea"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5f6b7a">{peak * frac:,.0f}</text>'
        )
    for i in sorted({0, len(labels) - 1}):
        x = LEFT + i * step
        anchor = "start" if i == 0 else "end"
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}" fill="#5f6b7a">'
            f"{escape(labels[i])}</text>"
        )
    for n, s in enumerate(series):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(s.values)))
        colour = escape(s.colour)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(s.values):
            x, y = xy(i, v)
            tip = escape(f"{s.name} · {labels[i]}: {v:,.0f}")
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{tip}</title></circle>'
            )
        lx = LEFT + n * 200
        ly = HEIGHT - 12
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly}" fill="#263238">{escape(s.name)}</text>')
    out.append("</svg>")
    return "".join(out)
