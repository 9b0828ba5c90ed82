"""2-D regression on a plotext figure: the prediction as a heatmap, the points coloured by
their target (TF Playground's picture: orange low, blue high).

The colour scale is the targets' range (training and test points), so a colour means the
same value at every step; a prediction beyond it takes the end colour. Without colour
(``NO_COLOR``) the cells are a density ramp and each training point is the digit of its
colour band (0 lowest); test points are ``T`` in their target's colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from torchplay.engine.run.views import HeatGrid, Samples
from torchplay.tui.draw.decimate import drawable
from torchplay.tui.draw.glyphs import Glyphs
from torchplay.tui.draw.ticks import grid_extent

HEAT_SCALE = [
    (245, 147, 34),
    (248, 181, 106),
    (251, 215, 177),
    (232, 234, 235),
    (167, 198, 221),
    (106, 161, 207),
    (8, 119, 189),
]
"""Colour bands from the lowest value (orange) to the highest (blue), TF Playground's."""
CELL = "▓"
"""A heatmap cell (colour terminals): points, drawn over it as ``●``, stand out."""
ASCII_CELL = "%"
POINT = "●"
MONO_RAMP = (".", ":", "-", "=", "+", "*", "#")
"""Without colour: a cell's glyph per band, lightest for the lowest."""


def value_range(samples: Samples) -> tuple[float, float]:
    """The colour scale's ends: the lowest and highest finite target (train and test)."""
    values = [v for v in (samples.targets or []) + (samples.test_targets or []) if drawable(v)]
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    if not hi > lo:  # one value: a scale around it (wide enough to change a large value)
        pad = max(0.5, abs(lo) * 1e-3)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def band(value: float, lo: float, hi: float) -> int:
    """Which colour band of :data:`HEAT_SCALE` ``value`` falls in (clamped to the ends)."""
    n = len(HEAT_SCALE)
    if not hi > lo:
        return 0
    if not math.isfinite(value):
        return 0 if value < 0 else n - 1
    return max(0, min(n - 1, int((value - lo) / (hi - lo) * n)))


def _groups(xs, ys, values, lo: float, hi: float) -> dict[int, tuple[list, list]]:
    out: dict[int, tuple[list, list]] = {}
    for x, y, v in zip(xs, ys, values, strict=False):
        bx, by = out.setdefault(band(v, lo, hi), ([], []))
        bx.append(x)
        by.append(y)
    return out


def draw_heat(
    plt,
    samples: Samples,
    grid: HeatGrid | None,
    draw: Callable[..., None],
    glyphs: Glyphs,
    show_test: bool,
) -> tuple[list[float], list[float]]:
    """Draw ``grid`` (the prediction's cells) and ``samples``' points by their target;
    ``draw(kind, x, y, **style)`` is :func:`~torchplay.tui.draw.plotting.draw_data`'s
    thinning scatter. Returns the cells' x and y extents (the axes cover them)."""
    lo, hi = value_range(samples)
    xs: list[float] = []
    ys: list[float] = []
    if isinstance(grid, HeatGrid) and grid.x and grid.y:
        cols = len(grid.x)
        cells = [
            (grid.x[i % cols], grid.y[i // cols], v)
            for i, v in enumerate(grid.values)
            if i // cols < len(grid.y)
            and drawable(grid.x[i % cols])
            and drawable(grid.y[i // cols])
        ]
        groups = _groups(*zip(*cells, strict=True), lo, hi) if cells else {}
        for k, (bx, by) in sorted(groups.items()):
            marker = MONO_RAMP[k] if glyphs.mono else ASCII_CELL if glyphs.ascii else CELL
            plt.scatter(bx, by, marker=marker, color=HEAT_SCALE[k])
        xs, ys = [grid.x[0], grid.x[-1]], [grid.y[0], grid.y[-1]]
    else:  # the grid to come (over the training and test points): its axes already
        xs, ys = grid_extent(samples.x + samples.test_x, samples.y + samples.test_y)
    points = _groups(samples.x, samples.y, samples.targets or [], lo, hi)
    last = len(HEAT_SCALE) - 1
    for k, (px, py) in sorted(points.items()):
        label = f"{lo:.3g}" if k == 0 else f"{hi:.3g}" if k == last else None
        marker = str(k) if glyphs.mono else "o" if glyphs.ascii else POINT
        draw("scatter", px, py, marker=marker, color=HEAT_SCALE[k], label=label)
    if show_test and samples.test_x:
        tests = _groups(samples.test_x, samples.test_y, samples.test_targets or [], lo, hi)
        for k, (px, py) in sorted(tests.items()):
            draw("scatter", px, py, marker="T", color=HEAT_SCALE[k])
    return xs, ys
