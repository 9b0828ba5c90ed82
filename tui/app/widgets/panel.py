"""The control panel: fields and buttons. It validates inline and posts what it means;
the app decides what to do (attributes down, messages up)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select
from textual.widgets.select import InvalidSelectValueError
from torchplay.engine.run.datafields import parse_features
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.schedule import SCHEDULES
from torchplay.engine.run.spec import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    MAX_STEPS,
    OPTIMIZERS,
    REGRESSION_DATASETS,
    Spec,
    SpecError,
    parse_hidden,
)
from torchplay.tui.app.fields import NUMBER_CHARS, WIDTHS_CHARS, Choice, NumberField, PanelButton
from torchplay.tui.app.layout import default_width, panel_width

# field id -> (label, spec key, parser)
NUMERIC = {
    "samples": ("samples", "data.samples", int),
    "noise": ("noise", "data.noise", float),
    "test_fraction": ("test frac", "data.test_fraction", float),
    "features": ("features", "data.features", parse_features),
    "hidden": ("hidden", "model.hidden", lambda text: parse_hidden(_widths(text))),
    "lr": ("lr", "training.lr", float),
    "schedule_every": ("sched every", "training.schedule_every", int),
    "schedule_gamma": ("sched gamma", "training.schedule_gamma", float),
    "schedule_decay": ("sched decay", "training.schedule_decay", float),
    "schedule_period": ("sched period", "training.schedule_period", int),
    "schedule_min_lr": ("sched min lr", "training.schedule_min_lr", float),
    "schedule_patience": ("sched wait", "training.schedule_patience", int),
    "momentum": ("momentum", "training.momentum", float),
    "weight_decay": ("wt decay", "training.weight_decay", float),
    "l1": ("L1", "training.l1", float),
    "l2": ("L2", "training.l2", float),
    "steps": ("steps", "training.steps", lambda text: _steps(text)),
    "patience": ("patience", "training.patience", int),
    "min_delta": ("min delta", "training.min_delta", float),
    "batch_size": ("batch (0=all)", "training.batch_size", int),
    "seed": ("seed", "data.seed", int),
}


def _steps(text: str) -> int:
    """The run's total steps; an empty field (placeholder ``until paused``) is no end."""
    return int(text) if text.strip() else MAX_STEPS


PLACEHOLDERS = {"hidden": "none", "steps": "until paused"}
"""What an empty field means, shown in it."""

SCHEDULE_FIELDS = {
    "constant": (),
    "step": ("schedule_every", "schedule_gamma"),
    "cosine": ("schedule_period", "schedule_min_lr"),
    "exponential": ("schedule_decay",),
    "plateau": ("schedule_gamma", "schedule_patience", "schedule_min_lr"),
}
"""The parameter fields each schedule uses; the others are hidden (engine/run/schedule.py)."""
CHOICES = {
    "dataset": "data.dataset",
    "activation": "model.activation",
    "optimizer": "training.optimizer",
    "schedule": "training.schedule",
}
"""Choice id -> spec key, for the choices that are spec fields (not the scenario)."""


def _value(spec: Spec, key: str):
    """The value of a dotted spec key (``training.schedule``)."""
    section, name = key.split(".")
    return getattr(getattr(spec, section), name)


def _widths(text: str) -> str:
    """An empty hidden field is no hidden layer (its placeholder says ``none``; ``n`` is
    a key, so the field cannot take the word)."""
    return text if text.strip() else "none"


class ControlPanel(VerticalScroll, can_focus=False):
    """Scenario, dataset, network and optimizer fields, and the run buttons.

    Not focusable itself (no invisible Tab stop): Tab moves between its fields.
    """

    class Changed(Message):
        """The fields now describe ``spec`` (None while a field is invalid)."""

        def __init__(self, spec: Spec | None, field: str) -> None:
            super().__init__()
            self.spec, self.field = spec, field

    def __init__(self, spec: Spec, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.base = spec
        self._loading = False
        self.moved = 0
        """Columns the user added to the default width (the app's ``<`` and ``>``)."""

    def fit(self, columns: int) -> None:
        """Take the width for a terminal ``columns`` wide (:func:`panel_width`)."""
        self.styles.width = panel_width(columns, self.moved)

    def widen(self, columns: int, by: int) -> None:
        """Move the panel's edge ``by`` columns (negative: narrower), within its limits."""
        self.moved = panel_width(columns, self.moved) + by - default_width(columns)
        self.fit(columns)

    def compose(self) -> ComposeResult:
        s = self.spec
        datasets = list(REGRESSION_DATASETS + CLASSIFICATION_DATASETS)
        if s.data.dataset not in datasets:
            datasets.append(s.data.dataset)
        with Horizontal(id="buttons"):
            yield PanelButton("Start", id="start", variant="success", compact=True)
            yield PanelButton("Step", id="step", compact=True)
            yield PanelButton("Reset", id="reset", compact=True)
        with Horizontal(id="buttons2"):
            yield PanelButton("Save", id="save", compact=True)
            yield PanelButton("Load", id="load", compact=True)
        scenario = s.name if s.name in SCENARIOS else "custom"
        yield from self._choice("scenario", [*SCENARIOS, "custom"], scenario)
        yield from self._choice("dataset", datasets, s.data.dataset)
        for key, (label, _, _) in NUMERIC.items():
            if key == "lr":
                yield from self._choice("optimizer", OPTIMIZERS, s.training.optimizer)
            if key == "hidden":
                yield from self._choice("activation", ACTIVATIONS, s.model.activation)
            if key == "schedule_every":
                yield from self._choice("schedule", SCHEDULES, s.training.schedule)
            chars = WIDTHS_CHARS if key == "hidden" else NUMBER_CHARS
            field = NumberField(self._text(key, s), chars, id=key, compact=True)
            field.placeholder = PLACEHOLDERS.get(key, "")
            yield from self._row(label, field, f"{key}-row")
            error = Label("", id=f"{key}-error", classes="error")
            error.display = False
            yield error

    def _choice(self, name: str, options, value: str) -> ComposeResult:
        select = Choice(
            [(o, o) for o in options], id=name, value=value, allow_blank=False, compact=True
        )
        yield from self._row(name, select)

    @staticmethod
    def _row(label: str, widget, row_id: str | None = None) -> ComposeResult:
        with Horizontal(classes="row", id=row_id):
            yield Label(label, classes="name")
            yield widget

    def on_mount(self) -> None:
        self._show_schedule_fields(self.spec.training.schedule)

    def _show_schedule_fields(self, schedule: str) -> None:
        """Show the parameter rows the schedule uses, hide the others."""
        used = SCHEDULE_FIELDS.get(schedule, ())
        for key in {k for keys in SCHEDULE_FIELDS.values() for k in keys}:
            self.query_one(f"#{key}-row").display = key in used

    @staticmethod
    def _text(key: str, s: Spec) -> str:
        value = {
            "samples": s.data.samples,
            "noise": s.data.noise,
            "test_fraction": s.data.test_fraction,
            "features": ",".join(s.data.features) or "raw",
            "lr": s.training.lr,
            "momentum": s.training.momentum,
            "weight_decay": s.training.weight_decay,
            "l1": s.training.l1,
            "l2": s.training.l2,
            "batch_size": s.training.batch_size,
            "seed": s.data.seed,
            "hidden": ",".join(map(str, s.model.hidden)),
            "steps": "" if s.training.steps >= MAX_STEPS else s.training.steps,
        }.get(key)
        if value is None:  # the rest are named as in TrainingSpec
            value = getattr(s.training, key)
        return str(value)

    def show(self, spec: Spec) -> None:
        """Set every field from ``spec`` (after a load or a scenario change)."""
        self._loading = True
        self.spec = self.base = spec
        for key in NUMERIC:
            self.query_one(f"#{key}", Input).value = self._text(key, spec)
        for sel, spec_key in CHOICES.items():
            try:
                self.query_one(f"#{sel}", Select).value = _value(spec, spec_key)
            except InvalidSelectValueError:  # e.g. a csv: dataset: not one of the choices
                pass
        self._show_schedule_fields(spec.training.schedule)
        self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def read(self) -> tuple[Spec | None, dict[str, str]]:
        """The spec the fields describe, and an error for every invalid field at once."""
        overrides, errors = {}, {}
        for sel, spec_key in CHOICES.items():
            overrides[spec_key] = self.query_one(f"#{sel}", Select).value
        for key, (label, spec_key, parse) in NUMERIC.items():
            text = self.query_one(f"#{key}", Input).value
            try:
                value = parse(text)
                self.base.with_overrides({**overrides, spec_key: value})  # its own range
                overrides[spec_key] = value
            except SpecError as exc:
                errors[key] = str(exc)
            except ValueError:
                errors[key] = f"{text!r} is not a valid {label} value"
        spec = None
        if not errors:
            try:  # what no field breaks alone (a batch larger than the data)
                spec = self.base.with_overrides(overrides)
            except SpecError as exc:
                key = next((k for k, v in NUMERIC.items() if v[1] == exc.field), "")
                errors[key or "lr"] = str(exc)
        return spec, errors

    def validate_all(self) -> Spec | None:
        spec, errors = self.read()
        for key in NUMERIC:
            msg = errors.get(key, "")
            error = self.query_one(f"#{key}-error", Label)
            error.update(msg)
            error.display = bool(msg)
            self.query_one(f"#{key}", Input).set_class(bool(msg), "-invalid")
        self.query_one("#start", PanelButton).disabled = spec is None
        return spec

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Light up the focused field's row (its label): Textual does not restyle the
        children of a ``:focus-within`` row."""
        self._mark_row(event.widget, True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_row(event.widget, False)

    @staticmethod
    def _mark_row(widget, focused: bool) -> None:
        if widget.parent is not None and widget.parent.has_class("row"):
            widget.parent.set_class(focused, "-focused")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self._loading:
            self.post_message(self.Changed(self.validate_all(), event.input.id or ""))

    class Submitted(Message):
        """Enter was pressed in a field: apply what the fields say."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._loading:
            return
        if event.select.id == "scenario" and event.value == self.spec.name:
            return  # the initial value, or no change
        if event.select.id == "scenario" and event.value in SCENARIOS:
            self.show(get_scenario(str(event.value)))
            self.post_message(self.Changed(self.spec, "scenario"))
            return
        if event.select.id == "schedule":
            self._show_schedule_fields(str(event.value))
        if event.select.id == "dataset":
            # A dataset of the other task needs that task's loss and outputs; painted
            # points replace a dataset, so choosing one drops them.
            self.base = self.base.with_overrides({"training.loss": "auto", "data.points": []})
        self.post_message(self.Changed(self.validate_all(), event.select.id or ""))
