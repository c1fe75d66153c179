"""Charts drawn on the server as inline SVG: no third-party script, nothing fetched from elsewhere (the CSP
allows neither). Each chart is described in words too (``<title>``/``<desc>``, and the table beside it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")
PALETTE = ("#b83227", "#1f6fb2", "#1f7a3f", "#a86b00", "#6b3fa0", "#4a5560", "#c2185b", "#00838f")


@dataclass
class Bar:
    label: str
    value: float | None
    text: str
    href: str = ""


def _nice_max(value: float) -> float:
    if value <= 0 or not math.isfinite(value):
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    bars: Sequence[Bar], *, title: str, no_data: str, reference: tuple[float, float] | None = None
) -> SafeString:
    """Horizontal bars, one per unit; a unit without a value says so instead of drawing a zero."""
    row_h, label_w, plot_w, value_w = 24, 170, 400, 110
    width = label_w + plot_w + value_w
    height = row_h * len(bars) + 28
    finite = [b.value for b in bars if b.value is not None and math.isfinite(b.value)]
    top = _nice_max(max(finite + ([reference[1]] if reference else []), default=1.0))
    parts = [
        f'<svg class="chart bar" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if reference:
        x0 = label_w + plot_w * reference[0] / top
        x1 = label_w + plot_w * min(reference[1], top) / top
        parts.append(
            f'<rect class="reference" x="{x0:.1f}" y="0" width="{max(x1 - x0, 1):.1f}" height="{height - 24}"/>'
        )
    for i, bar in enumerate(bars):
        y = i * row_h + 4
        label = str(escape(bar.label))
        if bar.href:
            label = f'<a href="{escape(bar.href)}">{label}</a>'
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{label}</text>')
        if bar.value is None or not math.isfinite(bar.value):
            parts.append(f'<text class="nodata" x="{label_w + 4}" y="{y + 15}">{escape(bar.text or no_data)}</text>')
            continue
        w = max(plot_w * max(bar.value, 0) / top, 1)
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 8}"/>')
        parts.append(f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + 15}">{escape(bar.text)}</text>')
    axis_y = height - 20
    parts.append(f'<line class="axis" x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}"/>')
    for k in range(5):
        v = top * k / 4
        x = label_w + plot_w * k / 4
        parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 4}" text-anchor="middle">{_fmt(v)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


@dataclass
class Series:
    name: str
    values: list[float | None]
    low: list[float | None] | None = None
    high: list[float | None] | None = None


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10 or v == int(v):
        return f"{v:.0f}"
    return f"{v:.2g}"


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    reference: tuple[float, float] | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """Lines over periods, broken where there is no value; shaded intervals where given; a shaded reference
    band (the normal SRB range) if asked."""
    width, height = 760, 300
    left, right, top_m, bottom = 56, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top_m - bottom
    pts: list[float] = []
    for s in series:
        for seq in (s.values, s.low or [], s.high or []):
            pts += [v for v in seq if v is not None and math.isfinite(v)]
    if reference:
        pts += list(reference)
    lo = min(pts) if y_min is None and pts else (y_min if y_min is not None else 0.0)
    hi = max(pts) if y_max is None and pts else (y_max if y_max is not None else 1.0)
    if y_min is None:
        lo = min(lo, 0.0) if lo >= 0 and hi > 0 and lo < hi * 0.3 else lo
    if hi <= lo:
        hi = lo + 1
    pad = (hi - lo) * 0.05
    never_negative = bool(pts) and min(pts) >= 0
    lo, hi = lo - (pad if y_min is None else 0), hi + pad
    if never_negative:
        lo = max(lo, 0.0)
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        v = min(max(v, lo), hi)
        return top_m + plot_h * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="chart line" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if reference:
        y0, y1 = y(reference[1]), y(reference[0])
        parts.append(
            f'<rect class="reference" x="{left}" y="{y0:.1f}" width="{plot_w}" height="{max(y1 - y0, 1):.1f}"/>'
        )
        if reference_label:
            parts.append(
                f'<text class="tick" x="{left + plot_w - 4}" y="{y0 - 3:.1f}" text-anchor="end">'
                f"{escape(reference_label)}</text>"
            )
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line class="grid" x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    step = max(1, math.ceil(n / 14))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            ty = top_m + plot_h + 16
            parts.append(f'<text class="tick" x="{x(i):.1f}" y="{ty}" text-anchor="middle">{escape(label)}</text>')
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        if s.low and s.high:
            bands = [(a, b) if a is not None and b is not None else None for a, b in zip(s.low, s.high, strict=True)]
            for band in _segments(bands):
                upper = " ".join(f"{x(i):.1f},{y(min(h, hi)):.1f}" for i, (_l, h) in band)
                lower = " ".join(f"{x(i):.1f},{y(lv):.1f}" for i, (lv, _h) in reversed(band))
                parts.append(f'<polygon class="band" fill="{colour}" points="{upper} {lower}"/>')
        for run in _segments(s.values):
            if len(run) == 1:
                i, v = run[0]
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
                continue
            path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(f'<polyline class="series" stroke="{colour}" points="{path}"/>')
    legend_y = height - 22
    lx = left
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        parts.append(f'<rect x="{lx}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text class="legend" x="{lx + 16}" y="{legend_y + 1}">{escape(s.name)}</text>')
        lx += 26 + 8 * len(s.name) + (8 * sum(1 for ch in s.name if ord(ch) > 0x2E80))
        if lx > width - 120:
            lx, legend_y = left, legend_y + 16
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _segments(values: Sequence[T | None]) -> list[list[tuple[int, T]]]:
    """Runs of consecutive values that exist (a line is not drawn across a gap)."""
    out: list[list[tuple[int, T]]] = []
    run: list[tuple[int, T]] = []
    for i, v in enumerate(values):
        if v is not None and (not isinstance(v, float) or math.isfinite(v)):
            run.append((i, v))
        elif run:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return out


def sparkline(labels: Sequence[str], values: Sequence[float | None], *, title: str) -> SafeString:
    """A small trend line without axes, for a dashboard card: the first and last period named under it."""
    width, height, pad = 220, 56, 6
    finite = [v for v in values if v is not None and math.isfinite(v)]
    parts = [
        f'<svg class="chart spark" role="img" viewBox="0 0 {width} {height + 14}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if finite:
        lo, hi = min(finite), max(finite)
        if hi == lo:
            lo, hi = lo - 1, hi + 1
        n = max(len(values) - 1, 1)

        def at(i: int, v: float) -> str:
            return f"{pad + (width - 2 * pad) * i / n:.1f},{pad + (height - 2 * pad) * (1 - (v - lo) / (hi - lo)):.1f}"

        for run in _segments(values):
            if len(run) > 1:
                points = " ".join(at(i, v) for i, v in run)
                parts.append(f'<polyline class="series" stroke="{PALETTE[1]}" points="{points}"/>')
        last = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)][-1]
        x, y = at(*last).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{PALETTE[1]}"/>')
    if labels:
        parts.append(f'<text class="tick" x="{pad}" y="{height + 12}">{escape(labels[0])}</text>')
        parts.append(
            f'<text class="tick" x="{width - pad}" y="{height + 12}" text-anchor="end">{escape(labels[-1])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def shade(value: float | None, breaks: Sequence[float]) -> str:
    """The class of a map-grid cell: ``nodata`` or ``q0``…``q4`` by the quintile breaks."""
    if value is None or not math.isfinite(value):
        return "nodata"
    k = sum(1 for b in breaks if value > b)
    return f"q{min(k, 4)}"


def class_breaks(values: Sequence[float | None]) -> list[float]:
    """Four breaks cutting the range of the values into five equal classes (none when all are equal): equal
    intervals read plainly on a map and survive skewed data (most villages at 0, a few at 70 %)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite or min(finite) == max(finite):
        return []
    lo, hi = min(finite), max(finite)
    return [lo + (hi - lo) * k / 5 for k in (1, 2, 3, 4)]
