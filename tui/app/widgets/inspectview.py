"""The backprop inspector (``i``): one data point through the weights in view, layer by
layer: z, a, dL/da, dL/dz, dL/dW, dL/db, the loss, and what one SGD step at the current
lr would do (Δw, and the loss on the point after it). The point is the paint cursor's
(``p`` places it), else the first training point; the target the nearest training
point's. The engine computes it (:mod:`torchplay.engine.train.backprop`, equal to
autograd); ``[`` and ``]`` recompute it at the snapshot travelled to.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from torchplay.tui.draw.rows import SHOWN, largest

ROWS = (
    ("z", "z"),
    ("a", "a"),
    ("dL/da", "grad_a"),
    ("dL/dz", "grad_z"),
    ("dL/db", "bias_grad"),
    ("dL/dW", "weight_grad"),
    ("Δw", "weight_step"),
)
"""The rows of each layer: label and the trace's key."""


def _numbers(values: list, width: int) -> str:
    """A row's numbers; past :data:`SHOWN` values, the largest as ``index:value``."""
    top = largest(values)
    if top is not None:
        n = sum(len(r) for r in values) if isinstance(values[0], list) else len(values)
        text = f"(largest {SHOWN} of {n}) " + " ".join(f"{i}:{v + 0.0:.3g}" for i, v in top)
    else:
        flat = [v for r in values for v in r] if values and isinstance(values[0], list) else values
        text = " ".join(f"{v + 0.0:.4g}" for v in flat)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def render(point: list[float], trace: dict, width: int) -> Text:
    """The trace as text ``width`` columns wide (long rows end in …)."""
    out = Text()
    shown = ", ".join(f"{v:.3g}" for v in point)
    out.append(f"point ({shown}) · target {trace['target']} · {trace['loss_name']}\n", style="bold")
    for k, layer in enumerate(trace["layers"]):
        n_in = len(trace["layers"][k - 1]["z"]) if k else len(trace["inputs"])
        head = f"layer {k}: Linear({n_in}→{len(layer['z'])}), then {layer['activation']}\n"
        out.append(head, style="bold")
        for label, key in ROWS:
            out.append(f"  {label:6} ", style="dim")
            out.append(_numbers(layer[key], width - 9) + "\n")
    out.append(f"loss {trace['loss']:.6g}", style="bold")
    out.append(f" · after one SGD step at lr {trace['lr']:g}: {trace['loss_after']:.6g}\n")
    return out


class InspectScreen(Screen[None]):
    """One point's backprop; ``i`` or Escape returns to the charts."""

    BINDINGS = [Binding("escape,i", "close", "Close")]

    DEFAULT_CSS = """
    InspectScreen #inspect-head { height: auto; background: $boost; padding: 0 1; }
    InspectScreen #inspect-scroll { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.shown: tuple[int, list[float], dict] | None = None

    def compose(self) -> ComposeResult:
        yield Static("inspect: waiting for the engine", id="inspect-head")
        with VerticalScroll(id="inspect-scroll"):
            yield Static(id="inspect-body")
        yield Footer(compact=True)

    def show(self, step: int, point: list[float], trace: dict) -> None:
        self.shown = (step, point, trace)
        self.redraw()

    def redraw(self) -> None:
        if self.shown is None or not self.is_mounted:
            return
        step, point, trace = self.shown
        body = render(point, trace, max(20, self.size.width - 2))
        self.query_one("#inspect-body", Static).update(body)
        self.query_one("#inspect-head", Static).update(
            f"backprop at step {step:,} · by hand, equal to autograd · i closes"
        )

    def on_resize(self) -> None:
        self.redraw()

    def action_close(self) -> None:
        self.dismiss()
