"""The dashboard's chart (统计图), drawn on the server as SVG: violations by family and month.

A stacked bar per month, one colour per family, a legend, a value on top of each bar and a
``<title>`` on each segment (the browser shows it on hover). The SVG scales with the page
(``viewBox``) and prints as it shows; the same figures are in a table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

#: One colour per family, in the catalog's order (colour-blind-safe hues, then their tints).
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#d55e00",
    "#56b4e9",
    "#b8a100",
    "#7a5195",
    "#8c8c8c",
    "#3b7d3b",
)


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def series(families: Sequence[str], label: Mapping[str, str]) -> list[Series]:
    return [Series(f, label.get(f, f), PALETTE[i % len(PALETTE)]) for i, f in enumerate(families)]


def _nice_max(v: int) -> int:
    """The axis' top: 1, 2 or 5 times a power of ten at or above ``v``."""
    top = 1
    while True:
        for m in (1, 2, 5):
            if top * m >= v:
                return top * m
        top *= 10


def stacked_bars(
    months: Sequence[str], data: Mapping[str, Mapping[str, int]], ser: Sequence[Series], *, title: str, empty: str
) -> str:
    """The SVG: ``data[month][family] = n``; ``months`` label the x axis in order."""
    w, h = 760, 300
    left, right, top, bottom = 44, 10, 24, 86
    plot_w, plot_h = w - left - right, h - top - bottom
    totals = [sum(data.get(m, {}).values()) for m in months]
    ymax = _nice_max(max(totals, default=0) or 1)
    out = [
        f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):  # grid and y axis
        v = ymax * i // 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{v}</text>')
    n = max(1, len(months))
    slot = plot_w / n
    bar = min(40.0, slot * 0.7)
    for i, m in enumerate(months):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for s in ser:
            k = data.get(m, {}).get(s.key, 0)
            if not k:
                continue
            hgt = plot_h * k / ymax
            y -= hgt
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{hgt:.1f}" fill="{s.colour}">'
                f"<title>{escape(m)} {escape(s.label)}: {k}</title></rect>"
            )
        if totals[i]:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{totals[i]}</text>')
        out.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#333">{escape(m[-2:])}</text>'
        )
    if not any(totals):
        out.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#777">{escape(empty)}</text>'
        )
    per_row = 5
    for i, s in enumerate(ser):  # legend
        lx = left + (i % per_row) * (plot_w / per_row)
        ly = top + plot_h + 34 + (i // per_row) * 18
        out.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{s.colour}"/>')
        out.append(f'<text x="{lx + 14:.1f}" y="{ly}" fill="#333">{escape(s.label)}</text>')
    out.append("</svg>")
    return "".join(out)
