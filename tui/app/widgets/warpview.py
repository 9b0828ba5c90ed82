"""The representation view (``w``, ConvNetJS's "warped space"): how one hidden layer sees
the data. Each training point sits where two of the layer's units put it, over a grid of
the input plane bent the same way, so one sees the layer pull the classes apart (or fail
to). A layer of two units shows its whole space; ``x`` and ``y`` pick other units of a
wider one, ``l`` another layer; ``[`` and ``]`` travel in time and the view follows. The
engine computes the points (:mod:`torchplay.engine.train.warp`); this draws them on a
braille canvas (:mod:`torchplay.tui.draw.braille`) in a thread worker, off the UI thread.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from torchplay.engine.run.views import WarpView
from torchplay.tui.draw.braille import Canvas
from torchplay.tui.draw.contain import fault, record

MARKS = "ox+*#@"
"""Each class's mark (the data chart's o and x first)."""
COLOURS = ["dodger_blue1", "red1", "green3", "orange1", "magenta", "cyan"]
"""Each class's colour (the data chart's order)."""
STYLES = {"grid": "grey46", "point": "bold yellow", "axis": "dim"}


def _bounds(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = (hi - lo) * 0.05 or 0.5
    return lo - pad, hi + pad


def render(view: WarpView, width: int, height: int) -> Text:
    """The view as text, ``width`` x ``height`` cells (axes included)."""
    label = 8
    cols, rows = max(4, width - label - 1), max(4, height - 1)
    xs = view.x + [v for line in view.lines for v in line[0]]
    ys = view.y + [v for line in view.lines for v in line[1]]
    (x0, x1), (y0, y1) = _bounds(xs), _bounds(ys)

    def at(vx: float, vy: float) -> tuple[int, int]:
        return (
            round((vx - x0) / (x1 - x0) * (2 * cols - 1)),
            round((y1 - vy) / (y1 - y0) * (4 * rows - 1)),
        )

    canvas = Canvas(cols, rows)
    for lx, ly in view.lines:
        pts = [at(a, b) for a, b in zip(lx, ly, strict=True) if math.isfinite(a + b)]
        for (a, b), (c, d) in zip(pts, pts[1:], strict=False):
            canvas.line(a, b, c, d, "grid")
    for i, (vx, vy) in enumerate(zip(view.x, view.y, strict=True)):
        if not math.isfinite(vx + vy):
            continue
        dx, dy = at(vx, vy)
        k = view.labels[i] if view.labels is not None else -1
        mark, role = ("•", "point") if k < 0 else (MARKS[k % len(MARKS)], f"class{k}")
        canvas.put(dx // 2, dy // 4, mark, role)
    out = Text()
    for r, runs in enumerate(canvas.lines()):
        tick = f"{y1:.3g}" if r == 0 else f"{y0:.3g}" if r == rows - 1 else ""
        out.append(f"{tick:>{label}} ", style=STYLES["axis"])
        for chunk, role in runs:
            out.append(chunk, style=_style(role))
        out.append("\n")
    left, right = f"{x0:.3g}", f"{x1:.3g}"
    name_x, name_y = f"h{view.layer}.{view.units[0]}", f"h{view.layer}.{view.units[1]}"
    axis = f"{left}{name_x + ' →':^{max(1, cols - len(left) - len(right))}}{right}"
    out.append(f"{name_y + ' ↑':>{label}} " + axis, style=STYLES["axis"])
    return out


def _style(role: str) -> str:
    if role.startswith("class"):
        return COLOURS[int(role[5:]) % len(COLOURS)]
    return STYLES.get(role, "")


class WarpScreen(Screen[None]):
    """The representation view; ``w`` or Escape returns to the charts."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("escape,w", "close", "Close"),
        Binding("l", "layer", "Layer"),
        Binding("x", "unit(0)", "x unit"),
        Binding("y", "unit(1)", "y unit"),
    ]

    DEFAULT_CSS = """
    WarpScreen #warp-head { height: auto; background: $boost; padding: 0 1; }
    WarpScreen #warp-body { padding: 0 1; height: 1fr; }
    """

    def __init__(self, widths: tuple[int, ...], ask) -> None:
        super().__init__()
        self.widths = widths
        self.ask = ask
        """Asks the engine for (layer, x unit, y unit)."""
        self.layer_at = self._first_layer()
        self.units = self._units_of(self.layer_at)
        self.view: WarpView | None = None

    def _first_layer(self) -> int:
        """The first layer of two units (the whole space), else the last hidden layer."""
        return next((i + 1 for i, w in enumerate(self.widths) if w == 2), len(self.widths))

    def _units_of(self, layer: int) -> list[int]:
        return [1, min(2, self.widths[layer - 1])]

    def compose(self) -> ComposeResult:
        yield Static("representation: waiting for the engine", id="warp-head")
        yield Static(id="warp-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.ask(self.layer_at, *self.units)

    def show(self, view: WarpView) -> None:
        """New points from the engine (each progress event and time-travel step)."""
        if (view.layer, list(view.units)) != (self.layer_at, self.units):
            return  # an answer to an earlier choice
        self.view = view
        self.redraw()

    def redraw(self) -> None:
        if self.view is None or not self.is_mounted:
            return
        v = self.view
        width = v.widths[v.layer - 1]
        whole = (
            "its whole space" if width == 2 else f"units {v.units[0]} and {v.units[1]} of {width}"
        )
        self.query_one("#warp-head", Static).update(
            f"representation at step {v.step:,}: the data and the input plane's grid as hidden "
            f"layer {v.layer} ({v.activation}) maps them, {whole} · l layer · x y units · [ ] travel"
        )
        size = self.query_one("#warp-body", Static).content_region.size
        self._draw(v, max(20, size.width), max(6, size.height))

    @work(thread=True, exclusive=True, group="warp")
    def _draw(self, view: WarpView, width: int, height: int) -> None:
        """The canvas off the UI thread (tens of ms for a wide one); the newest view wins."""
        try:
            fault("warp-body")
            text = render(view, width, height)
        except Exception as exc:  # a drawing error stays in the view
            text = Text(record("warp-body", exc))
        self.app.call_from_thread(self._swap, view, text)

    def _swap(self, view: WarpView, text: Text) -> None:
        if view is self.view and self.is_mounted:
            self.query_one("#warp-body", Static).update(text)

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)

    def action_layer(self) -> None:
        self.layer_at = self.layer_at % len(self.widths) + 1
        self.units = self._units_of(self.layer_at)
        self.ask(self.layer_at, *self.units)

    def action_unit(self, axis: int) -> None:
        width = self.widths[self.layer_at - 1]
        self.units[axis] = self.units[axis] % width + 1
        self.ask(self.layer_at, *self.units)

    def action_close(self) -> None:
        self.dismiss()
