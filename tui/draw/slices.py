"""Slice plots and importance bars: the loss against each key, and each key's share.

:func:`render_slices` draws one small chart per grid key (its values across, log loss
up), every member a braille point, the best few and the chosen one in their roles, the
diverged ones as ``✗`` on the top row. :func:`render_importance` draws a bar per key from
:class:`torchplay.engine.sweeps.importance.Importance`, the most important first. Both
return rows of ``(text, role)`` runs (:mod:`torchplay.tui.draw.braille`); no Textual.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from torchplay.engine.sweeps.importance import Importance
from torchplay.tui.draw.braille import PRIORITY, Canvas, Run
from torchplay.tui.draw.parcoords import BEST
from torchplay.tui.draw.scales import Scale, SweepView

MAX_POINTS = 1500
"""The most members a slice plots (spread over the ranking; the best and the cursor always)."""
CHART_WIDTH = 26
"""The narrowest slice chart, in cells (fewer columns of charts when narrower)."""
CHART_HEIGHT = (6, 12)
"""The lowest and highest a slice chart may be, in rows."""
EIGHTHS = " ▏▎▍▌▋▊▉█"
METHODS = {
    "anova": "exact main-effect ANOVA (full grid)",
    "binned anova": "main-effect ANOVA over quantile bins (sampled trials)",
    "none": "no spread in the loss yet",
}


def grid_shape(n: int, width: int, height: int) -> tuple[int, int, int, int]:
    """(columns, rows, chart width, chart height) for ``n`` charts in ``width`` x ``height``:
    as many columns as :data:`CHART_WIDTH` allows, more when the rows would not fit."""
    fit = max(1, height // CHART_HEIGHT[0])  # rows of charts that fit at the lowest
    cols = max(1, min(n, max(width // CHART_WIDTH, -(-n // fit))))
    rows = -(-n // cols)
    return cols, rows, width // cols, max(CHART_HEIGHT[0], min(CHART_HEIGHT[1], height // rows))


def render_slices(
    view: SweepView, width: int, height: int, best: int = BEST, cursor: int | None = None
) -> list[list[Run]]:
    """One chart per key, in a grid that fills ``width`` (rows past ``height`` too: the
    widget scrolls)."""
    if not view.keys or width < 16:
        return [[("slice plots need a larger window", "")]]
    scales = view.scales()
    cols, rows, cw, ch = grid_shape(len(view.keys), width, height)
    canvas = Canvas(width, rows * ch)
    chosen = view.best(best)
    loss = scales[-1]
    members = [
        (
            view.overrides[i],
            view.role(i, chosen, cursor),
            math.inf if view.diverged[i] else loss.place(view.losses[i]),
        )
        for i in view.shown(MAX_POINTS, chosen | {cursor} - {None})
    ]
    for k, scale in enumerate(scales[:-1]):
        at = ((k % cols) * cw, (k // cols) * ch, cw - 2, ch)
        chart(canvas, [(o.get(scale.key), role, y) for o, role, y in members], scale, loss, *at)
    return canvas.lines()


def chart(
    canvas: Canvas,
    points: list[tuple[Any, str, float | None]],
    scale: Scale,
    loss: Scale,
    left: int,
    top: int,
    width: int,
    height: int,
) -> None:
    """One slice: title row, the ✗ row, the plot, and the key's tick row under it;
    ``points``: each member's value, role and place on the loss axis (inf: diverged)."""
    ticks = loss.ticks(max(2, (height - 4) // 2))
    margin = min(9, max(len(t) for _, t in ticks) + 2)
    x0, x1 = 2 * (left + margin) + 1, 2 * (left + width) - 2
    y_top, y_bottom = 4 * (top + 2) + 1, 4 * (top + height - 1) - 2

    def y_of(pos: float) -> int:
        return round(y_top + (1.0 - pos) * (y_bottom - y_top))

    def x_of(pos: float) -> int:
        pad = 2 if scale.kind == "category" else 0  # categories off the frame's edges
        return round(x0 + pad + pos * (x1 - x0 - 2 * pad))

    canvas.put(left, top, f"loss by {scale.name}"[:width], "name")
    for pos, text in ticks:
        canvas.put(left, y_of(pos) // 4, text[: margin - 1].rjust(margin - 1), "tick")
    for row in range(top + 1, top + height - 1):
        canvas.fill(left + margin, row, "│", "axis")
    marks: dict[tuple[int, int], str] = {}  # each cell's ✗, each dot's highest role
    cross: dict[int, str] = {}
    places: dict[str, float | None] = {}
    for value, role, at in points:
        pos = places.get(repr(value), -1.0)
        if pos == -1.0:
            pos = places[repr(value)] = scale.place(value)
        if pos is None:
            continue
        if at == math.inf:  # diverged
            col = x_of(pos) // 2
            if role == "cursor" or col not in cross:
                cross[col] = role
            continue
        if at is None:
            continue
        big = role in ("best", "cursor")
        for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)) if big else ((0, 0),):
            dot = (x_of(pos) + dx, y_of(at) + dy)
            if PRIORITY[role] >= PRIORITY[marks.get(dot, "line")]:
                marks[dot] = role
    for (x, y), role in marks.items():
        canvas.dot(x, y, role)
    for col, role in cross.items():
        canvas.put(col, top + 1, "✗", role)
    base = top + height - 1
    for col in range(left + margin, left + width):
        canvas.fill(col, base, "─", "axis")
    canvas.put(left + margin, base, "└", "axis")
    room = max(2, (width - margin) // 6)
    x_labels(
        canvas,
        scale.ticks(room),
        [x_of(p) // 2 for p, _ in scale.ticks(room)],
        left + margin,
        left + width,
        base,
    )


def x_labels(
    canvas: Canvas, labels: list[tuple[float, str]], cols: list[int], lo: int, hi: int, row: int
) -> None:
    """Tick labels along ``row`` between columns ``lo`` and ``hi``: the first from its
    tick, the last ending at its tick (or the edge), the others centred; a label that would
    touch the one before it is left out (the last is kept, its neighbour dropped)."""
    placed: list[tuple[int, str]] = []
    for j, ((_, text), col) in enumerate(zip(labels, cols, strict=True)):
        last = j == len(labels) - 1 and j > 0
        start = col if j == 0 else min(col, hi - len(text)) if last else col - len(text) // 2
        start = max(lo, start)
        while placed and start <= placed[-1][0] + len(placed[-1][1]):
            if not last:
                break
            placed.pop()  # the last label wins over a middle one
        else:
            placed.append((start, text))
    for start, text in placed:
        canvas.put(start, row, text[: max(0, hi - start)], "tick")


def render_importance(rated: Importance, names: dict[str, str], width: int) -> list[list[Run]]:
    """A bar per key, longest first, its share after it; the interactions' share and the
    method on the last lines."""
    items = rated.ranked()
    label_w = min(24, max([len(names.get(k, k)) for k, _ in items] + [12]))
    bar_w = max(4, width - label_w - 9)
    out: list[list[Run]] = []
    for key, share in items:
        out.append(bar_line(names.get(key, key), share, label_w, bar_w, "bar"))
    if rated.method == "anova":
        out.append(bar_line("interactions", rated.interactions, label_w, bar_w, "axis"))
    out.append([("", "")])
    note = f"share of log10-loss variance · {METHODS[rated.method]} · {rated.members} members"
    out.extend([(line, "axis")] for line in textwrap.wrap(note, max(10, width)))
    return out


def bar_line(name: str, share: float, label_w: int, bar_w: int, role: str) -> list[Run]:
    """``name  ███▌      0.42`` as runs."""
    eighths = round(max(0.0, min(1.0, share)) * bar_w * 8)
    bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
    text = name if len(name) <= label_w else name[: label_w - 1] + "…"
    return [
        (text.ljust(label_w) + " ", "name"),
        (bar.ljust(bar_w), role),
        (f" {share:5.2f}", ""),
    ]
