"""Painting data (TF Playground never had it): click the data chart to add a point, or
press ``p`` and use the keyboard: the arrows move a cursor, ``a`` adds a point there,
``x`` removes the nearest one, ``1``..``9`` pick the class (``1`` = class 0).

:class:`PaintChart` is the main data chart with those keys, bound only while it has
the focus, so arrows and digits never reach it while a panel field is edited. It maps
a character cell to data coordinates through the plot box it finds in its own frame
(:class:`PlotBox`) and posts :class:`PaintChart.Painted`; :func:`painted` makes the new
spec, whose ``data.points`` (saved, restored and run headless alike) hold the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from torchplay.engine.run.spec import Spec, SpecError
from torchplay.engine.run.views import Samples
from torchplay.tui.app.widgets.charts import DataChart

CURSOR = "X"
"""The keyboard cursor's glyph (no class uses it)."""


@dataclass(frozen=True)
class PlotBox:
    """Where the plot area lies in a chart's frame, and the data range it shows.

    plotext puts ``x`` at column ``left + 1 + bin`` of the box's inside, ``bin`` being
    ``(x - x0) / (x1 - x0) * (width - 1)`` rounded half up (rows likewise, from the
    bottom); :meth:`to_data` inverts that, to the centre of the cell.
    """

    top: int
    bottom: int
    left: int
    right: int
    limits: tuple[float, float, float, float]

    @classmethod
    def find(cls, plain: str, limits) -> PlotBox | None:
        """The box drawn in ``plain`` (a frame's text), or None before one is drawn."""
        if limits is None:
            return None
        lines = plain.splitlines()
        for top, line in enumerate(lines):
            left = line.find("┌")
            if left < 0 or "┐" not in line[left:]:
                continue
            right = line.index("┐", left)
            for bottom in range(top + 1, len(lines)):
                if lines[bottom][left : left + 1] == "└":
                    return cls(top, bottom, left, right, tuple(limits))
        return None

    @property
    def size(self) -> tuple[int, int]:
        """Inside columns and rows."""
        return self.right - self.left - 1, self.bottom - self.top - 1

    def to_data(self, col: int, row: int) -> tuple[float, float] | None:
        """The data point at a frame cell, None outside the plot area."""
        w, h = self.size
        c, r = col - self.left - 1, self.bottom - 1 - row
        if not (0 <= c < w and 0 <= r < h) or w < 2 or h < 2:
            return None
        x0, x1, y0, y1 = self.limits
        return x0 + c / (w - 1) * (x1 - x0), y0 + r / (h - 1) * (y1 - y0)

    def to_cell(self, x: float, y: float) -> tuple[int, int]:
        """The frame cell where plotext draws the data point (x, y)."""
        w, h = self.size
        x0, x1, y0, y1 = self.limits
        col = self.left + 1 + _bin((x - x0) / (x1 - x0), w)
        return col, self.bottom - 1 - _bin((y - y0) / (y1 - y0), h)

    def clamp(self, x: float, y: float) -> tuple[float, float]:
        x0, x1, y0, y1 = self.limits
        return min(max(x, x0), x1), min(max(y, y0), y1)

    def cell_size(self) -> tuple[float, float]:
        """One character cell in data units (columns, rows)."""
        w, h = self.size
        x0, x1, y0, y1 = self.limits
        return (x1 - x0) / max(1, w - 1), (y1 - y0) / max(1, h - 1)


def _bin(t: float, n: int) -> int:
    """plotext's ``get_matrix_data`` (plotext==5.3.2): half rounds up."""
    return math.floor(round(0.5 + (n - 1) * t, 8))


class PaintChart(DataChart):
    """The main data chart, which adds and removes points (see the module docstring)."""

    BINDINGS = [
        Binding("left", "move(-1, 0)", "←", show=False),
        Binding("right", "move(1, 0)", "→", show=False),
        Binding("up", "move(0, 1)", "↑", show=False),
        Binding("down", "move(0, -1)", "↓", show=False),
        Binding("a", "add", "Add point"),
        Binding("x", "remove", "Remove nearest"),
        *(Binding(str(d), f"pick({d - 1})", f"Class {d - 1}", show=False) for d in range(1, 10)),
    ]

    class Painted(Message):
        """Add a point of ``label`` at (x, y), or (``remove``) the one nearest it."""

        def __init__(self, x: float, y: float, label: int, remove: bool = False) -> None:
            super().__init__()
            self.x, self.y, self.label, self.remove = x, y, label, remove

    def on_mount(self) -> None:
        super().on_mount()
        self.cursor: tuple[float, float] | None = None
        self.label = 0
        """The class that ``a`` and clicks add (the digit keys pick it)."""
        self.box: PlotBox | None = None
        self.frame_limits: tuple[float, float, float, float] | None = None
        """The axes' limits of the frame shown (:attr:`limits` may be a newer figure's)."""

    def plot(self, plt) -> None:
        super().plot(plt)
        # The screen's focus, not has_focus: that flag changes after on_blur runs.
        if self.screen.focused is self and self.cursor is not None and self.limits is not None:
            plt.scatter([self.cursor[0]], [self.cursor[1]], marker=CURSOR, color="white")

    def on_chart_built(self, message: DataChart.Built) -> None:
        if message.text is not None:  # a frame that changes what is shown
            self.frame_limits = self.limits
        super().on_chart_built(message)
        self.box = PlotBox.find(self.frame.plain, self.frame_limits)

    def on_focus(self) -> None:
        self._place_cursor()
        self.replot()

    def _place_cursor(self) -> None:
        box = self.box
        if self.cursor is None and box is not None:  # the middle cell, at its centre
            self.cursor = box.to_data((box.left + box.right) // 2, (box.top + box.bottom) // 2)

    def paint(self) -> None:
        """Paint mode: the chart takes the focus (and the keys) until it loses it; out of
        it, it stays off the Tab chain of the panel's fields. Both at once, not later
        (``focus()`` defers): keys typed right after ``p`` are the chart's."""
        self.can_focus = True
        self.screen.set_focus(self)

    def on_blur(self) -> None:
        self.can_focus = False
        self.replot()

    def on_click(self, event: events.Click) -> None:
        point = self.box.to_data(event.x, event.y) if self.box else None
        if point is not None:
            self.cursor = point
            self.post_message(self.Painted(*point, self.label))

    def action_move(self, dx: int, dy: int) -> None:
        self._place_cursor()  # keys typed right after p may come before on_focus
        if self.box is None or self.cursor is None:
            return
        cw, ch = self.box.cell_size()
        self.cursor = self.box.clamp(self.cursor[0] + dx * cw, self.cursor[1] + dy * ch)
        self.replot()

    def action_add(self) -> None:
        self._place_cursor()
        if self.cursor is not None:
            self.post_message(self.Painted(*self.cursor, self.label))

    def action_remove(self) -> None:
        self._place_cursor()
        if self.cursor is not None:
            self.post_message(self.Painted(*self.cursor, self.label, remove=True))

    def action_pick(self, label: int) -> None:
        self.label = label
        self.notify(f"painting class {label} (key {label + 1})", timeout=2)


def painted(spec: Spec, samples: Samples, message: PaintChart.Painted) -> Spec:
    """``spec`` with the point added or removed. The first paint starts from the points
    on the chart (training and test; a chart shows at most 2,000 of a larger set).

    Raises:
        SpecError: too many points, or fewer than two would be left.
    """
    points = list(spec.data.points) or _shown(samples)
    x, y = message.x, message.y
    if message.remove:
        if len(points) <= 2:
            raise SpecError("data.points", f"{len(points)} points", "keep at least two")
        span_x, span_y = _span(points, 0), _span(points, 1)
        nearest = min(
            range(len(points)),
            key=lambda i: math.hypot((points[i][0] - x) / span_x, (points[i][1] - y) / span_y),
        )
        del points[nearest]
    elif samples.task == "regression":
        points.append((x, y))
    else:
        points.append((x, y, message.label))
    return spec.with_overrides({"data.points": points})


def _span(points: list, k: int) -> float:
    values = [p[k] for p in points]
    return (max(values) - min(values)) or 1.0


def _shown(s: Samples) -> list[tuple]:
    if s.task == "regression":
        return [*zip(s.x, s.y, strict=True), *zip(s.test_x, s.test_y, strict=True)]
    return [
        *zip(s.x, s.y, s.labels or [], strict=True),
        *zip(s.test_x, s.test_y, s.test_labels or [], strict=True),
    ]
