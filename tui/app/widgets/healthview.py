"""The health view (``g``): per Linear layer a gradient-flow bar (the full-batch weight
gradient's norm, on a log scale shared by the layers), vanishing and exploding layers
marked, dead units named; each layer's weights and outputs as histograms, and the same
over the snapshots as heat-strips (step across, value bins up, the step in view
reversed); for classification the training set's confusion matrix.

The engine computes it from the weights in view (:mod:`torchplay.engine.train.healthview`)
and sends it at each progress event and each time-travel step while this screen is
open, so ``[`` and ``]`` scrub it. The text is built by :func:`render` in a thread
worker, off the UI thread; the newest view wins.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from torchplay.engine.run.views import HealthView, Strip

FLOW_STYLE = {"ok": "green", "vanishing": "dark_orange", "exploding": "red"}
"""How each flow mark is coloured."""
LABEL = 8
"""Columns of a strip's value labels."""
SHADES = " ░▒▓█"
"""A strip's cell, from an empty bin to its column's fullest."""
SPARKS = " ▁▂▃▄▅▆▇█"
"""An empty bin, then bins by height."""
DECADES = 3
"""Bars span this many powers of ten below the largest gradient norm."""


def _bar(norm: float, top: float, width: int) -> str:
    """A bar whose length is log10(norm) over :data:`DECADES` decades below ``top``."""
    if not (norm > 0 and math.isfinite(norm)) or top <= 0:
        return "█" * width if not math.isfinite(norm) else ""
    frac = 1 + (math.log10(norm) - math.log10(top)) / DECADES
    return "█" * max(0, min(width, round(frac * width)))


def _spark(counts: list[int]) -> str:
    """Counts as one line of block heights, tallest bin full."""
    top = max(counts, default=0)
    if not top:
        return " " * len(counts)
    return "".join(SPARKS[0 if not c else 1 + round(c / top * (len(SPARKS) - 2))] for c in counts)


def render(view: HealthView, width: int) -> Text:
    """The whole view as text ``width`` columns wide."""
    out = Text()
    bar_width = max(8, width - 44)
    top = max((b.grad_norm for b in view.layers if math.isfinite(b.grad_norm)), default=0.0)
    out.append("gradient flow", style="bold")
    out.append(f" · |dL/dW| per layer, log scale over {DECADES} decades\n", style="dim")
    for k, b in enumerate(view.layers):
        out.append(f"L{k} {b.units:>3}u |W| {b.weight_norm:<8.3g}")
        out.append(f"{b.grad_norm:<9.2e} ")
        out.append(f"{_bar(b.grad_norm, top, bar_width):<{bar_width}}", style=FLOW_STYLE[b.flow])
        out.append(f" {b.flow}\n", style=FLOW_STYLE[b.flow])
    dead = [(k, b.dead_units) for k, b in enumerate(view.layers) if b.dead_units]
    out.append("dead units: ", style="bold")
    if dead:
        out.append("; ".join(f"L{k} {','.join(map(str, units))}" for k, units in dead) + "\n")
    else:
        out.append("none\n")
    out.append("\nhistograms", style="bold")
    out.append(" · 10 bins from the lowest value to the highest\n", style="dim")
    for k, b in enumerate(view.layers):
        out.append(
            f"L{k} weights {_spark(b.weights[2])} {b.weights[0]:>7.3g}..{b.weights[1]:<7.3g}"
        )
        out.append(f" outputs {_spark(b.activations[2])} ")
        out.append(f"{b.activations[0]:>7.3g}..{b.activations[1]:<7.3g}\n")
    if view.strips is not None and view.strips.steps:
        _over_time(out, view, width)
    if view.confusion is not None:
        out.append("\nconfusion", style="bold")
        out.append(" · training set, rows true class, columns predicted\n", style="dim")
        cell = max(4, *(len(str(c)) + 1 for row in view.confusion for c in row))
        out.append("    " + "".join(f"{j:>{cell}}" for j in range(len(view.confusion))) + "\n")
        for i, row in enumerate(view.confusion):
            out.append(f"{i:>3} ")
            for j, c in enumerate(row):
                out.append(f"{c:>{cell}}", style="bold green" if i == j else "")
            out.append("\n")
    return out


def _column(steps: list[int], step: int) -> int:
    """The column of the snapshot nearest ``step``."""
    return min(range(len(steps)), key=lambda c: (abs(steps[c] - step), steps[c]))


def _strip_rows(strip: Strip, mark: int) -> list[Text]:
    """A strip's rows, top bin first: each column's bins shaded by their share of the
    column's largest; the marked column (the step in view) in reverse."""
    rows = []
    for b in range(len(strip.counts[0]) - 1, -1, -1):
        line = Text()
        for c, counts in enumerate(strip.counts):
            top = max(counts) or 1
            shade = SHADES[min(len(SHADES) - 1, math.ceil(counts[b] / top * (len(SHADES) - 1)))]
            line.append(shade, style="reverse" if c == mark else "")
        rows.append(line)
    return rows


def _over_time(out: Text, view: HealthView, width: int) -> None:
    """Each layer's weights and outputs over the snapshots, side by side when they fit."""
    s = view.strips
    mark = _column(s.steps, view.step)
    cols = len(s.steps)
    out.append("\nover time", style="bold")
    out.append(
        f" · step {s.steps[0]:,} to {s.steps[-1]:,} across ({cols} snapshots), value bins up, "
        "the step in view reversed\n",
        style="dim",
    )
    side = width >= 2 * (cols + LABEL + 1) + 2
    for k, (w, a) in enumerate(zip(s.weights, s.outputs, strict=True)):
        blocks = [(f"L{k} weights", w), (f"L{k} outputs", a)]
        parts = [(name, strip, _strip_rows(strip, mark)) for name, strip in blocks]
        for group in [parts] if side else [[p] for p in parts]:
            heads = [f"{' ' * LABEL} {name:<{cols}}" for name, _, _ in group]
            out.append("  ".join(heads).rstrip() + "\n")
            height = len(group[0][2])
            for r in range(height):
                for i, (_, strip, rows) in enumerate(group):
                    label = f"{strip.high:.3g}" if r == 0 else ""
                    label = f"{strip.low:.3g}" if r == height - 1 else label
                    out.append(f"{'  ' if i else ''}{label:>{LABEL}} ", style="dim")
                    out.append_text(rows[r])
                out.append("\n")


class HealthScreen(Screen[None]):
    """The health of the weights in view; ``g`` or Escape returns to the charts."""

    BINDINGS = [Binding("escape,g", "close", "Close")]

    DEFAULT_CSS = """
    HealthScreen #health-head { height: auto; background: $boost; padding: 0 1; }
    HealthScreen #health-scroll { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: HealthView | None = None

    def compose(self) -> ComposeResult:
        yield Static("health: waiting for the engine", id="health-head")
        with VerticalScroll(id="health-scroll"):
            yield Static(id="health-body")
        yield Footer(compact=True)

    def show(self, view: HealthView) -> None:
        """A new view from the engine."""
        self.view = view
        self.redraw()

    def redraw(self) -> None:
        if self.view is not None and self.is_mounted:
            self._draw(self.view, max(1, self.size.width - 2))

    @work(thread=True, exclusive=True, group="health")
    def _draw(self, view: HealthView, width: int) -> None:
        text = render(view, width)  # off the UI thread; the UI only swaps the text in
        self.app.call_from_thread(self._swap, view, text)

    def _swap(self, view: HealthView, text: Text) -> None:
        if view is not self.view or not self.is_mounted:
            return  # a newer view is on its way
        self.query_one("#health-body", Static).update(text)
        self.query_one("#health-head", Static).update(
            f"health at step {view.step:,} · [ ] step through snapshots · g closes"
        )

    def on_resize(self) -> None:
        self.redraw()

    def action_close(self) -> None:
        self.dismiss()
