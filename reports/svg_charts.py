"""Hand-built inline SVG bar charts for the HTML report.

No JavaScript and no chart library: a report must open offline, years later,
from an archive, and print the same.  Charts are horizontal bars (labels are
long bilingual names such as ``22 银行 (Banking)``), sized from the data, with
every text escaped.  SVG has no text measuring without a script, so label
widths are estimated from display columns (a CJK character counts two).

>>> svg = bar_chart("Columns by PI class", [Bar("敏感个人信息 (Sensitive PI)", 3, "#c62828")])
>>> svg.startswith("<svg") and "敏感个人信息" in svg and "http" not in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from connectors.textio import truncate, width

FONT_PX = 12
CHAR_PX = 6.6  # average advance of one display column at 12 px in a sans-serif face
ROW_PX = 26
BAR_PX = 16
NEUTRAL = "#546e7a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = NEUTRAL
    tooltip: str | None = None


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    width_px: int = 600,
    unit: str = "",
    empty_text: str = "nothing to chart",
) -> str:
    """An SVG horizontal bar chart; an empty chart says so in words instead of drawing nothing."""
    label_cols = min(48, max([width(b.label) for b in bars] + [8]))
    label_px = int(label_cols * CHAR_PX) + 12
    value_px = 56
    plot_px = max(120, width_px - label_px - value_px)
    top = 8
    height = top + max(1, len(bars)) * ROW_PX + 8
    total_w = label_px + plot_px + value_px
    t = escape(title)
    out = [
        f'<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {total_w} {height}" '
        f'width="{total_w}" height="{height}" font-size="{FONT_PX}">',
        f"<title>{t}</title>",
    ]
    if not bars:
        out.append(f'<text x="0" y="{top + 16}" fill="#78909c">{escape(empty_text)}</text></svg>')
        return "".join(out)
    peak = max(b.value for b in bars) or 1
    for i, b in enumerate(bars):
        y = top + i * ROW_PX
        w = max(2.0, plot_px * (b.value / peak)) if b.value else 0
        label = escape(truncate(b.label, label_cols))
        tip = escape(b.tooltip or f"{b.label}: {_fmt(b.value)}{unit}")
        out.append(
            f"<g><title>{tip}</title>"
            f'<text x="{label_px - 8}" y="{y + BAR_PX - 3}" text-anchor="end" fill="#263238">{label}</text>'
            f'<rect x="{label_px}" y="{y}" width="{plot_px}" height="{BAR_PX}" rx="3" fill="#eceff1"/>'
            f'<rect x="{label_px}" y="{y}" width="{w:.1f}" height="{BAR_PX}" rx="3" fill="{escape(b.colour)}"/>'
            f'<text x="{label_px + plot_px + 8}" y="{y + BAR_PX - 3}" fill="#263238" font-weight="600">'
            f"{escape(_fmt(b.value))}{escape(unit)}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)
