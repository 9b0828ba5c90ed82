"""Neuron surgery (the neuron view's Enter on a unit): one hidden unit's bias, incoming
and outgoing weights as numbers; ``k`` kills it (its outgoing weights to zero, held
there), ``f`` freezes it (no updates to its incoming weights and bias), ``r`` revives it
(both undone, a killed unit's outgoing weights given back), Enter edits the selected
value. The engine does it at once and records it in the run's ``training.surgery``
(:mod:`torchplay.engine.train.surgery`); the loss and metric before and after show here,
the boundary on the charts. ``[`` and ``]`` show the unit at other snapshots; surgery on
a snapshot forks from it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from torchplay.engine.process.events import UnitShown
from torchplay.engine.run.fieldinfo import NUMBER
from torchplay.engine.run.views import UnitView
from torchplay.tui.app.fields import TextField
from torchplay.tui.draw.progress import fmt

Row = tuple[str, int, str, float]
"""(action that sets it: bias, in, out; the weight's index from 1; label; value)."""


def rows(view: UnitView) -> list[Row]:
    """The values surgery can set, top to bottom: the bias, then each incoming weight,
    then each outgoing one."""
    out: list[Row] = [("bias", 0, "bias", view.bias)]
    out += [
        ("in", i + 1, f"in  {n}", v)
        for i, (n, v) in enumerate(zip(view.in_names, view.incoming, strict=True))
    ]
    out += [
        ("out", j + 1, f"out {n}", v)
        for j, (n, v) in enumerate(zip(view.out_names, view.outgoing, strict=True))
    ]
    return out


def render(event: UnitShown, selected: int, metric_name: str) -> Text:
    """The unit's numbers, the selected row marked."""
    v = event.view
    out = Text()
    out.append(f"train loss {fmt(v.loss, '.4g')} · {metric_name} {fmt(v.metric, '.3f')}")
    if event.operated and event.before is not None:
        loss, metric = event.before
        out.append(
            f" · {event.operated}: loss {fmt(loss, '.4g')} → {fmt(v.loss, '.4g')}, "
            f"{metric_name} {fmt(metric, '.3f')} → {fmt(v.metric, '.3f')}",
            style="bold",
        )
    out.append("\n\n")
    for i, (_, _, label, value) in enumerate(rows(v)):
        line = f"{'▶' if i == selected else ' '} {label:<12} {value:>+12.6f}\n"
        out.append(line, style="reverse" if i == selected else "")
    return out


class SurgeryScreen(Screen[None]):
    """One unit's numbers and the surgery keys; Escape returns to the neuron view."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("k", "operate('kill')", "Kill"),
        Binding("f", "operate('freeze')", "Freeze"),
        Binding("r", "operate('revive')", "Revive"),
        Binding("enter,e", "edit", "Edit value"),
    ]

    AUTO_FOCUS = ""  # nothing: the keys are the screen's; the value field takes focus to edit

    DEFAULT_CSS = """
    SurgeryScreen #surgery-head { height: auto; background: $boost; padding: 0 1; }
    SurgeryScreen #surgery-scroll { padding: 0 1; }
    SurgeryScreen #surgery-edit { display: none; margin: 0 1; }
    SurgeryScreen #surgery-edit.editing { display: block; }
    """

    class Operated(Message):
        """The person asked for surgery on the unit (the app sends it to the engine)."""

        def __init__(self, layer: int, unit: int, action: str, index: int, value: float) -> None:
            super().__init__()
            self.layer, self.unit, self.action = layer, unit, action
            self.index, self.value = index, value

    def __init__(self, layer: int, unit: int, metric_name: str = "accuracy") -> None:
        super().__init__()
        # Not self.layer: a widget's layer is Textual's (CSS layers).
        self.unit_at, self.metric_name = (layer, unit), metric_name
        self.shown: UnitShown | None = None
        self.selected = 0

    def compose(self) -> ComposeResult:
        yield Static(
            "layer {} unit {}: waiting for the engine".format(*self.unit_at), id="surgery-head"
        )
        yield TextField("", NUMBER, id="surgery-edit", compact=True)
        with VerticalScroll(id="surgery-scroll"):
            yield Static(id="surgery-body")
        yield Footer(compact=True)

    def show(self, event: UnitShown) -> None:
        """New numbers from the engine (each progress event, travel and surgery)."""
        if (event.view.layer, event.view.unit) != self.unit_at:
            return
        if self.shown is not None and not event.operated and self.shown.operated:
            if self.shown.view.step == event.view.step:  # keep what the surgery did in view
                event = UnitShown(event.view, self.shown.operated, self.shown.before)
        self.shown = event
        self.redraw()

    def redraw(self) -> None:
        if self.shown is None or not self.is_mounted:
            return
        v = self.shown.view
        self.selected = min(self.selected, len(rows(v)) - 1)
        where = "live" if v.live else "snapshot: surgery forks from it"
        self.query_one("#surgery-head", Static).update(
            f"surgery · layer {v.layer} unit {v.unit} · {v.status} · step {v.step:,} ({where})"
        )
        self.query_one("#surgery-body", Static).update(
            render(self.shown, self.selected, self.metric_name)
        )

    def action_move(self, by: int) -> None:
        if self.shown is not None:
            self.selected = max(0, min(len(rows(self.shown.view)) - 1, self.selected + by))
            self.redraw()

    def action_operate(self, action: str) -> None:
        self.post_message(self.Operated(*self.unit_at, action, 0, 0.0))

    def action_edit(self) -> None:
        if self.shown is None:
            return
        _, _, label, value = rows(self.shown.view)[self.selected]
        field = self.query_one("#surgery-edit", TextField)
        field.value = f"{value:.6g}"
        field.placeholder = f"new {label.strip()}"
        field.add_class("editing")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = float(event.value)
        except ValueError:
            self.notify(f"{event.value!r} is not a number", severity="warning")
            return
        action, index, _, _ = rows(self.shown.view)[self.selected]
        self._close_edit()
        self.post_message(self.Operated(*self.unit_at, action, index, value))

    def _close_edit(self) -> None:
        field = self.query_one("#surgery-edit", TextField)
        field.remove_class("editing")
        self.set_focus(None)

    def action_close(self) -> None:
        if self.query_one("#surgery-edit").has_class("editing"):
            self._close_edit()
            return
        self.dismiss()

    def on_resize(self) -> None:
        self.redraw()
