"""Fewer points for a chart: min/max decimation for lines, even strides for scatters.

A line (a loss curve, a sweep member's curve, a fit) keeps, in every bucket of points that
one drawn column stands for, the bucket's lowest and highest point (TensorBoard keeps
extremes too): a spike, the first steps and the best moment always show, whatever the
width. A scatter only needs about as many points as the chart has cells, so it is strided.
"""

from __future__ import annotations

import math

LIMIT = 1e300
"""The largest size a drawn value may have: beyond it (or not finite) a point is left out,
as plotext's scaling of it would overflow."""


def drawable(v: float) -> bool:
    """Whether ``v`` can be drawn: finite and within :data:`LIMIT`."""
    return -LIMIT <= v <= LIMIT


def downsample(xs: list[float], ys: list[float], n: int) -> tuple[list[float], list[float]]:
    """About ``n`` finite points, evenly strided (scatters: a cloud, no extremes to keep).

    Strides first with C-level slicing, then drops values it cannot draw, so a million points
    cost a few milliseconds.
    """
    if len(xs) > n:
        stride = -(-len(xs) // n)
        xs, ys = xs[::stride] + xs[-1:], ys[::stride] + ys[-1:]
    pts = [(x, y) for x, y in zip(xs, ys, strict=False) if drawable(x) and drawable(y)]
    return [p[0] for p in pts], [p[1] for p in pts]


def decimate(xs: list[float], ys: list[float], n: int) -> tuple[list[float], list[float]]:
    """At most about ``n`` drawable points of a line, in order: the points split into
    ``n // 2`` buckets of neighbours, and each bucket gives its lowest and its highest
    point (one when they are the same). The first and the last point always stay.
    """
    lim = LIMIT  # inline bounds checks (NaN fails them): this runs on the UI thread
    pts = [(x, y) for x, y in zip(xs, ys, strict=False) if -lim <= x <= lim and -lim <= y <= lim]
    if len(pts) <= max(2, n):
        return [p[0] for p in pts], [p[1] for p in pts]
    total, buckets = len(pts), max(1, n // 2)
    y_of = [p[1] for p in pts]
    keep = {0, total - 1}
    for b in range(buckets):
        lo, hi = b * total // buckets, (b + 1) * total // buckets
        if hi > lo:
            seg = y_of[lo:hi]  # min, max and index run in C
            keep.add(lo + seg.index(min(seg)))
            keep.add(lo + seg.index(max(seg)))
    order = sorted(keep)
    return [pts[i][0] for i in order], [pts[i][1] for i in order]


def curve(points: list[tuple[int, float]], n: int) -> list[float]:
    """At most about ``n`` log10 losses of a (step, loss) curve, min/max decimated, for a
    small multiple (a sparkline: no axes, cheap enough to redraw while a sweep trains)."""
    pts = [(s, math.log10(v)) for s, v in points if v > 0 and math.isfinite(v)]
    return decimate([p[0] for p in pts], [p[1] for p in pts], n)[1]
