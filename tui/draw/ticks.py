"""Tick labels for plotext charts: short, in the data's units, never more than fit.

plotext prints every digit of 1e35 and picks its own ticks (not the same ones from run to
run); :func:`compact_ticks` sets them itself. On a log scale the values are log10 of the
loss and the labels say the loss (``1e-2``).
"""

from __future__ import annotations

import math

FRAME_ROWS = 5
"""Rows of a chart that are not plot area: title, two borders, tick labels, axis name."""
ZERO = 1e-3
"""On an axis across 0, a tick closer to 0 than this fraction of the tick spacing is
labelled ``0`` (an even split of -1.3013 .. 1.3 puts one at -0.000325, which means 0)."""


def compact_ticks(
    plt, xs: list[float], ys: list[float], n: int = 5, log_y: bool = False, height: int = 0
) -> None:
    """Tick labels of at most ~9 characters.

    With ``log_y`` the y values are log10 of the loss; the labels say the loss itself
    (``1e-2``), at whole decades when the range holds two or more, else at evenly spread
    values inside the range (one decade, or less). A chart ``height`` rows tall gets no more
    y ticks than its plot area has rows. Non-finite values are ignored.
    """
    rows = height - FRAME_ROWS if height else n
    y_count = max(2, min(n, rows))
    for values, ticks, log, count in ((xs, plt.xticks, False, n), (ys, plt.yticks, log_y, y_count)):
        values = [v for v in values if math.isfinite(v)]
        if not values:
            continue
        lo, hi = min(values), max(values)
        if hi == lo:
            hi = lo + 1.0
        at = [lo + (hi - lo) * i / (count - 1) for i in range(count)]
        if log:
            decades = log_decades(lo, hi, count)
            if len(decades) >= 2:
                ticks(decades, [f"1e{k}" for k in decades])
            else:
                ticks(at, [f"{10**v:.2g}" for v in at])
            continue
        step = (hi - lo) / (count - 1) if lo < 0 < hi else 0.0  # 0 is inside: snap to it
        ticks(at, [tick_label(v, step) for v in at])


def log_decades(lo: float, hi: float, count: int) -> list[int]:
    """Whole decades (exponents) inside ``lo``..``hi`` (log10 units), thinned to at most
    about ``count``: empty when the range lies inside one decade (``-0.358..-0.179``)."""
    decades = list(range(math.ceil(lo), math.floor(hi) + 1))
    if not decades:
        return []
    return decades[:: -(-len(decades) // max(1, count))]


def tick_label(value: float, step: float = 0.0) -> str:
    """Three significant digits; thousands written out (``2,250``, not ``2.25e+03``); a
    tick within :data:`ZERO` of a ``step`` from 0 says ``0``."""
    if value == 0 or abs(value) < abs(step) * ZERO:
        return "0"
    if 1e3 <= abs(value) < 1e6:
        return f"{value:,.0f}"
    return f"{value:.3g}"
