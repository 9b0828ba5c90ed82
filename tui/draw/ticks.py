"""Tick labels for plotext charts: short, in the data's units, never more than fit.

plotext prints every digit of 1e35 and picks its own ticks (not the same ones from run to
run); :func:`compact_ticks` sets them itself. On a log scale the values are log10 of the
loss and the labels say the loss (``1e-2``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from torchplay.engine.run.views import GRID_MARGIN
from torchplay.tui.draw.decimate import LIMIT, drawable

FRAME_ROWS = 5
"""Rows of a chart that are not plot area: title, two borders, tick labels, axis name."""
MIN_SPAN = 1e-200
"""The narrowest axis (plotext divides by the span: a subnormal one overflows)."""
ZERO = 1e-3
"""On an axis across 0, a tick closer to 0 than this fraction of the tick spacing is
labelled ``0`` (an even split of -1.3013 .. 1.3 puts one at -0.000325, which means 0)."""


class Axes(NamedTuple):
    """What :func:`compact_ticks` set: each axis's limits (None: no values), and the
    widest y tick label (the columns left of the plot area)."""

    x: tuple[float, float] | None
    y: tuple[float, float] | None
    label_width: int


def compact_ticks(
    plt,
    xs: list[float],
    ys: list[float],
    n: int = 5,
    log_y: bool = False,
    height: int = 0,
    legend: int = 0,
) -> Axes:
    """Tick labels of at most ~9 characters, and the axes' limits set to match.

    With ``log_y`` the y values are log10 of the loss; the labels say the loss itself
    (``1e-2``), at whole decades when the range holds two or more, else at evenly spread
    values inside the range (one decade, or less). A chart ``height`` rows tall gets no more
    y ticks than its plot area has rows. Non-finite values are ignored. Returns the
    limits set (:func:`axis_limits`) and the y labels' width.
    A ``legend`` of that many rows (plotext draws it over the plot's top left) gets as many
    empty rows above the data (:func:`headroom`), so it covers no point.
    """
    rows = height - FRAME_ROWS if height else n
    raised = bool(height) and legend > 0 and rows >= 3 * legend  # see headroom()
    y_count = max(2, min(n, rows - legend if raised else rows))  # one tick a data row at most
    limits, labels = [], [""]
    for values, axis, log, count in ((xs, "x", False, n), (ys, "y", log_y, y_count)):
        span = axis_limits(values)
        limits.append(span)
        if span is None:
            continue
        lo, hi = span
        if axis == "y":
            limits[-1] = (lo, headroom(lo, hi, rows, legend) if raised else hi)
        getattr(plt, f"{axis}lim")(*limits[-1])
        ticks = getattr(plt, f"{axis}ticks")
        at = [lo + (hi - lo) * i / (count - 1) for i in range(count)]
        if log:
            decades = log_decades(lo, hi, count)
            if len(decades) >= 2:
                at, names = decades, [f"1e{k}" for k in decades]
            else:
                names = [f"{10 ** min(v, 300):.2g}" for v in at]
        else:
            step = (hi - lo) / (count - 1) if lo < 0 < hi else 0.0  # 0 is inside: snap to it
            names = [tick_label(v, step) for v in at]
        ticks(at, names)
        labels = names
    return Axes(limits[0], limits[1], max(map(len, labels)))


def headroom(lo: float, hi: float, rows: int, legend: int) -> float:
    """The top limit that leaves ``legend`` of ``rows`` plot rows above ``hi`` empty (none
    when the plot has fewer than three rows for each legend row)."""
    if legend <= 0 or rows < 3 * legend:
        return hi
    return min(LIMIT, hi + (hi - lo) * legend / (rows - legend))


def axis_limits(values: list[float]) -> tuple[float, float] | None:
    """(low, high) of the drawable ``values`` (:func:`~torchplay.tui.draw.decimate.drawable`), widened so plotext can scale the axis: one
    value (or all equal) spans 1 above it, a span below 1e-9 of the values' size (or below
    :data:`MIN_SPAN`) is widened to it, and the limits stay within +-:data:`~torchplay.tui.draw.decimate.LIMIT`.
    None when none is drawable."""
    finite = [v for v in values if drawable(v)]
    if not finite:
        return None
    lo = max(min(finite), -LIMIT)
    hi = min(max(finite), LIMIT)
    least = max(max(abs(lo), abs(hi)) * 1e-9, MIN_SPAN)
    if hi == lo:
        hi = lo + max(1.0, least)
    elif hi - lo < least:
        mid = lo / 2 + hi / 2
        lo, hi = mid - least / 2, mid + least / 2
    return lo, hi


def grid_extent(x: list[float], y: list[float]) -> tuple[list[float], list[float]]:
    """The corners of the area a decision or heat grid will cover (the points' range and
    :data:`~torchplay.engine.run.views.GRID_MARGIN` of it on each side, as the engine's grid):
    drawn before the grid comes, the axes start where it will put them, instead of jumping
    when a rebuilt run's grid arrives. Empty lists when no point is drawable."""
    xs, ys = [v for v in x if drawable(v)], [v for v in y if drawable(v)]
    if not xs or not ys:
        return [], []
    pad_x, pad_y = (max(xs) - min(xs)) * GRID_MARGIN, (max(ys) - min(ys)) * GRID_MARGIN
    return [min(xs) - pad_x, max(xs) + pad_x], [min(ys) - pad_y, max(ys) + pad_y]


def log_decades(lo: float, hi: float, count: int) -> list[int]:
    """Whole decades (exponents) inside ``lo``..``hi`` (log10 units), thinned to at most
    about ``count``: empty when the range lies inside one decade (``-0.358..-0.179``)."""
    first, last = math.ceil(lo), math.floor(hi)
    if last < first:
        return []
    return list(range(first, last + 1, -(-(last - first + 1) // max(1, count))))


def tick_label(value: float, step: float = 0.0) -> str:
    """Three significant digits; thousands written out (``2,250``, not ``2.25e+03``); a
    tick within :data:`ZERO` of a ``step`` from 0 says ``0``."""
    if value == 0 or abs(value) < abs(step) * ZERO:
        return "0"
    if 1e3 <= abs(value) < 1e6:
        return f"{value:,.0f}"
    return f"{value:.3g}"
