"""Parallel coordinates of a sweep: one vertical axis per grid key and one for the loss.

Each member is a braille polyline through its values (:mod:`torchplay.tui.draw.braille`):
the best few in the ``best`` role, the diverged ones in ``diverged`` reaching the ``div``
row above the loss axis, the chosen member (the cursor) over all. Axes come from
:mod:`torchplay.tui.draw.scales` (log for lr-like keys, categories for activations and
optimizers). Any number of keys from 1; any size from 12 x 5 cells (smaller: one line
saying so). No Textual here: the app's widget and ``sweep --plot`` both draw with it.
"""

from __future__ import annotations

from torchplay.tui.draw.braille import PRIORITY, Canvas, Run
from torchplay.tui.draw.scales import Scale, SweepView

MIN_WIDTH, MIN_HEIGHT = 12, 5
MAX_LINES = 400
"""The most members drawn (spread over the ranking; the best and the cursor always): a
4,096-member sweep would cost a second a frame and draw a solid block anyway."""
BEST = 3
"""How many of the best members are highlighted."""


def axis_columns(n: int, width: int, right: int) -> list[int]:
    """The columns of ``n`` axes spread over ``width`` cells, ``right`` kept free after
    the last (for its labels)."""
    span = max(1, width - 1 - right)
    if n == 1:
        return [span // 2]
    return [round(i * span / (n - 1)) for i in range(n)]


def tick_width(scale: Scale, rows: int) -> int:
    return max((len(t) for _, t in scale.ticks(rows)), default=0)


def render(
    view: SweepView, width: int, height: int, best: int = BEST, cursor: int | None = None
) -> list[list[Run]]:
    """``height`` rows of ``width`` cells: axis names on the first, the ``div`` row under
    it, then the plot."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return [[("parallel coordinates need a larger window", "")]]
    scales = view.scales()
    canvas = Canvas(width, height)
    plot_rows = height - 2  # the names row and the div row
    loss = scales[-1]
    right = min(8, tick_width(loss, plot_rows) + 1)
    xs = axis_columns(len(scales), width, right)
    top, bottom = 4 * 2 + 1, 4 * height - 2  # dot rows of a value's 1 and 0
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)] + [right + 1]

    def y_of(pos: float) -> int:
        return round(top + (1.0 - pos) * (bottom - top))

    chosen = view.best(best)
    segments: dict[tuple, str] = {}  # members of a grid share segments: each drawn once
    places: dict[tuple[int, str], float | None] = {}
    for i in view.shown(MAX_LINES, chosen | {cursor} - {None}):
        over = view.overrides[i]
        role = view.role(i, chosen, cursor)
        points: list[tuple[int, int] | None] = []
        for k, (scale, x) in enumerate(zip(scales[:-1], xs, strict=False)):
            value = over.get(scale.key)
            pos = places.get((k, repr(value)), -1.0)
            if pos == -1.0:
                pos = places[(k, repr(value))] = scale.place(value)
            points.append(None if pos is None else (2 * x, y_of(pos)))
        if view.diverged[i]:
            points.append((2 * xs[-1], 5))  # the div row
        else:
            pos = loss.place(view.losses[i])
            points.append(None if pos is None else (2 * xs[-1], y_of(pos)))
        for a, b in zip(points, points[1:], strict=False):
            if a is not None and b is not None:
                old = segments.get((a, b))
                if old is None or PRIORITY[role] > PRIORITY[old]:
                    segments[(a, b)] = role
        if len(points) == 1 and points[0] is not None:
            canvas.dot(*points[0], role)
    for order in sorted(PRIORITY.values()):  # higher roles last, as one colour per cell
        for (a, b), role in segments.items():
            if PRIORITY[role] == order:
                canvas.line(*a, *b, role)
    for scale, x, gap in zip(scales, xs, gaps, strict=True):
        room = max(1, gap - 2)
        for pos, text in scale.ticks(plot_rows - 1):
            canvas.put(x + 1, y_of(pos) // 4, text[:room], "tick")
        name = scale.name if scale is not loss else "loss"
        if x == xs[-1] and len(xs) > 1:
            start = max(xs[-2] + 2, min(x, width - len(name)))
            canvas.put(start, 0, name[: width - start], "name")
        else:
            canvas.put(x, 0, name[: max(1, gap - 1)], "name")
        for row in range(1, height):
            canvas.fill(x, row, "│", "axis")
    if any(view.diverged):
        canvas.put(xs[-1] + 1, 1, "div"[: max(1, right)], "diverged")
    return canvas.lines()


def describe(view: SweepView, i: int) -> str:
    """One line about member ``i``: its loss and rank, then its values (``#4 loss
    0.0123 (2nd of 27): lr 0.1, act tanh``), the values last: a narrow view cuts them."""
    from torchplay.tui.draw.scales import label

    values = ", ".join(f"{view.name(k)} {label(view.overrides[i].get(k))}" for k in view.keys)
    if view.diverged[i]:
        head = "diverged"
    elif view.losses[i] is None:
        head = "no loss yet"
    else:
        rank = view.ranked().index(i) + 1
        head = f"loss {view.losses[i]:.3g} ({ordinal(rank)} of {len(view.overrides)})"
    return f"#{i} {head}: {values}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
