"""The neuron view (``v``): every hidden neuron as a mini-heatmap over the input plane
(2-D inputs) or an activation curve (1-D), layer by layer, as TF Playground draws them.

Each card's title gives the neuron's number and its outgoing weights: ``▲`` when they
sum positive, ``▼`` negative, and their size (L2 norm). The engine computes the values
(:mod:`torchplay.engine.train.neurons`) and sends them with every progress event while this
screen is open; cards wrap to the width (fewer per row on a narrow terminal) and the
screen scrolls when the layers do not fit.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from torchplay.engine.run.views import Neuron, NeuronView
from torchplay.tui.draw.contain import fault, record

CARD = (10, 5)
"""Grid cells of one neuron's card: columns, rows (the engine computes this many)."""
SHADES = " ░▒▓█"
"""From no activation to the neuron's largest, by size."""
POSITIVE, NEGATIVE = "dodger_blue1", "dark_orange"
"""Colours of positive and negative activations and weights (TF Playground's pair)."""
GAP = 2
"""Columns between two cards."""


def _title(i: int, n: Neuron, width: int, chosen: bool = False) -> Text:
    sign, style = ("▲", POSITIVE) if n.out_sum >= 0 else ("▼", NEGATIVE)
    text = Text(f"{i:>2}", style="bold reverse" if chosen else "bold")
    text.append(f" {sign}{n.out_norm:.2f}"[: width - 2], style=style)
    text.pad_right(width - len(text))
    return text


def _heat_row(n: Neuron, view: NeuronView, r: int) -> Text:
    top = max((abs(v) for v in n.values), default=0.0) or 1.0
    row = n.values[r * view.cols : (r + 1) * view.cols]
    text = Text()
    for v in row:
        level = min(len(SHADES) - 1, round(abs(v) / top * (len(SHADES) - 1)))
        text.append(SHADES[level], style=POSITIVE if v >= 0 else NEGATIVE)
    return text


def _curve_rows(n: Neuron, height: int, lo: float, hi: float) -> list[Text]:
    """The neuron's activation along x, on its layer's scale ``lo``..``hi`` (shared, so a
    dead ReLU neuron lies flat on the 0 row, not at the top), over an x axis line."""
    span = hi - lo
    grid = [[" "] * len(n.values) for _ in range(height)]
    for c, v in enumerate(n.values):
        row = round((hi - v) / span * (height - 1)) if span > 0 else height // 2
        grid[max(0, min(height - 1, row))][c] = "•"
    style = POSITIVE if n.out_sum >= 0 else NEGATIVE
    axis = Text("─" * len(n.values), style="dim")
    return [Text("".join(line), style=style) for line in grid] + [axis]


def _axes(view: NeuronView, layer: list[Neuron]) -> tuple[str, float, float]:
    """The layer heading's axes note, and its activations' range (1-D: the curves' scale)."""
    values = [v for n in layer for v in n.values]
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    if view.rows > 1:
        return f"x1 across, x2 up, |activation| to {max(abs(lo), abs(hi)):.3g}", lo, hi
    return f"x across, activation up from {lo:.3g} to {hi:.3g}", lo, hi


def render(view: NeuronView | None, width: int, cursor: tuple[int, int] | None = None) -> Text:
    """The whole view as text ``width`` columns wide (at least one card a row); the
    ``cursor``'s unit (layer, unit, from 0) has its number reversed."""
    if view is None:
        return Text(
            "No neurons to show: the network has no hidden layer, or the data more than two inputs."
        )
    cols, rows = view.cols, CARD[1]
    per_row = max(1, (width + GAP) // (cols + GAP))
    out = Text()
    for li, layer in enumerate(view.layers):
        note, lo, hi = _axes(view, layer)
        names = view.activation.split(",")
        act = names[li] if len(names) == len(view.layers) else names[0]
        out.append(f"layer {li + 1}: {len(layer)} neurons, {act}", style="bold")
        out.append(f" · {note}\n", style="dim")
        for start in range(0, len(layer), per_row):
            chunk = list(enumerate(layer[start : start + per_row], start + 1))
            lines = [
                Text(" " * GAP).join(_title(i, n, cols, cursor == (li, i - 1)) for i, n in chunk)
            ]
            cards = [
                [_heat_row(n, view, r) for r in range(view.rows)]
                + [Text("─" * view.cols, style="dim")]  # the x1 axis
                if view.rows > 1
                else _curve_rows(n, rows, lo, hi)
                for _, n in chunk
            ]
            for r in range(len(cards[0])):
                lines.append(Text(" " * GAP).join(card[r] for card in cards))
            for line in lines:
                out.append_text(line)
                out.append("\n")
        out.append("\n")
    return out


class NeuronScreen(Screen[None]):
    """Every hidden neuron of the live run; ``v`` or Escape returns to the charts. The
    arrows move a cursor over the units; Enter opens surgery on the one under it."""

    BINDINGS = [
        Binding("escape,v", "close", "Close"),
        # Priority: the scrolling body would take the arrows (and scroll) otherwise.
        Binding("left", "move(0, -1)", "Unit", show=False, priority=True),
        Binding("right", "move(0, 1)", "Unit", show=False, priority=True),
        Binding("up", "move(-1, 0)", "Layer", show=False, priority=True),
        Binding("down", "move(1, 0)", "Layer", show=False, priority=True),
        Binding("enter", "choose", "Surgery", priority=True),
    ]

    class Chosen(Message):
        """Enter on a unit: open surgery on it (layer and unit from 1)."""

        def __init__(self, layer: int, unit: int) -> None:
            super().__init__()
            self.layer, self.unit = layer, unit

    DEFAULT_CSS = """
    NeuronScreen #neurons-head { height: auto; background: $boost; padding: 0 1; }
    NeuronScreen #neurons-scroll { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: NeuronView | None = None
        self.received = False
        self.cursor = (0, 0)
        """The unit under the cursor: (layer, unit), from 0."""

    def compose(self) -> ComposeResult:
        yield Static("neurons: waiting for the engine", id="neurons-head")
        with VerticalScroll(id="neurons-scroll"):
            yield Static(id="neurons-body")
        yield Footer(compact=True)

    def show(self, view: NeuronView | None) -> None:
        """New values from the engine (each progress event while this screen is open)."""
        self.view, self.received = view, True
        self.redraw()

    def redraw(self) -> None:
        if not self.received or not self.is_mounted:
            return  # values before the screen is up: on_resize draws them
        body = self.query_one("#neurons-body", Static)
        try:
            fault("neurons-body")
            body.update(render(self.view, max(1, self.size.width - 2), self.cursor))
        except Exception as exc:  # a drawing error stays in the view
            body.update(Text(record("neurons-body", exc)))
        head = "neurons"
        if self.view is not None:
            n = sum(len(layer) for layer in self.view.layers)
            head = (
                f"neurons at step {self.view.step:,}: {n} in {len(self.view.layers)} layers · "
                "shade = activation (blue +, orange -) · ▲▼ outgoing weights' sign, size · "
                f"Enter: surgery on {self.cursor[0] + 1}.{self.cursor[1] + 1} (arrows move)"
            )
        self.query_one("#neurons-head", Static).update(head)

    def on_resize(self) -> None:
        self.redraw()

    def action_move(self, layers: int, units: int) -> None:
        if self.view is None or not self.view.layers:
            return
        layer = max(0, min(len(self.view.layers) - 1, self.cursor[0] + layers))
        unit = max(0, min(len(self.view.layers[layer]) - 1, self.cursor[1] + units))
        self.cursor = (layer, unit)
        self.redraw()

    def action_choose(self) -> None:
        if self.view is not None and self.view.layers:
            self.post_message(self.Chosen(self.cursor[0] + 1, self.cursor[1] + 1))

    def action_close(self) -> None:
        self.dismiss()
