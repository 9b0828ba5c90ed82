"""The control panel: fields and buttons. It validates inline and posts what it means;
the app decides what to do (attributes down, messages up)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select
from textual.widgets.select import InvalidSelectValueError
from torchplay.engine.run.dataspec import CLASS_DATASETS
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.schedule import USES
from torchplay.engine.run.spec import Spec, SpecError, SpecField, spec_fields
from torchplay.tui.app.fields import Choice, PanelButton, SteppedField, TextField
from torchplay.tui.app.layout import default_width, panel_width

FIELDS: dict[str, SpecField] = {f.name: f for f in spec_fields()}
"""Every spec field by its name (``lr``), which is also its widget's id."""

LAYOUT = (
    *("dataset", "classes", "samples", "noise", "test_fraction", "test_split", "features"),
    *("activation", "hidden"),
    *("optimizer", "lr", "schedule", "schedule_every", "schedule_gamma", "schedule_decay"),
    *("schedule_period", "schedule_min_lr", "schedule_patience"),
    *("momentum", "weight_decay", "l1", "l2", "steps", "patience", "min_delta", "batch_size"),
    "seed",
    *("dropout", "norm", "residual", "init"),
    "kernel",
)
"""The panel's spec fields, top to bottom: a list where the field has choices, else a text
field; labels, characters and parsers are the fields' own (:class:`FieldInfo`)."""

TEXT_FIELDS = {name: FIELDS[name] for name in LAYOUT if not FIELDS[name].info.choices}
"""The text fields by id."""
TEXT_KEYS = frozenset(field.key for field in TEXT_FIELDS.values())
"""The spec keys of the text fields (an error naming one is shown at that field)."""
CHOICES = {name: FIELDS[name].key for name in LAYOUT if FIELDS[name].info.choices}
"""Choice id -> spec key, for the choices that are spec fields (not the scenario)."""
IDS = {FIELDS[name].key: name for name in LAYOUT}
"""Spec key -> the id of its panel widget (a text field or a list), for every panel field."""
STEPPED = {"noise": (0.05, 0.0, 100.0), "classes": (1, 2, 8)}
"""Fields that ``+`` and ``-`` step, with (step, low, high): the noise slider, and the
classes from 2 to 8 (the classes the charts colour apart; typing takes up to 20)."""
CSV = "csv"
"""The dataset list's last entry: opens the CSV picker (a ``csv:PATH`` is then a choice)."""
SCHEDULE_FIELDS = frozenset(name for names in USES.values() for name in names)
"""The schedule parameter rows: each shown only while the schedule reads it
(:data:`torchplay.engine.run.schedule.USES`)."""


def _dataset_options(value: str) -> list[str]:
    """The dataset list: the built-in sets, a ``csv:PATH`` in use, and ``csv`` (pick one)."""
    named = FIELDS["dataset"].info.choices
    return [*named, *([] if value in named else [value]), CSV]


def _options(name: str, value) -> list[str]:
    """A list's options: its field's choices, and the value in use where it is none of
    them (an activation per layer, ``relu,tanh``, set by a flag or a TOML file)."""
    if name == "dataset":
        return _dataset_options(value)
    named = FIELDS[name].info.choices
    return [*named, *([] if value in named else [value])]


def _value(spec: Spec, key: str):
    """The value of a dotted spec key (``training.schedule``)."""
    section, name = key.split(".")
    return getattr(getattr(spec, section), name)


class ControlPanel(VerticalScroll, can_focus=False):
    """Scenario, dataset, network and optimizer fields, and the run buttons.

    Not focusable itself (no invisible Tab stop): Tab moves between its fields.
    """

    class CsvRequested(Message):
        """The dataset list's ``csv`` entry was chosen: the app opens the CSV picker."""

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
        self._read: tuple[tuple, Spec | None, dict[str, str]] | None = None
        """The last :meth:`read`: what the fields held, and what it gave for them."""
        self._dataset = spec.data.dataset
        """The dataset in use: the list goes back to it when the CSV picker is cancelled."""
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
        with Horizontal(id="buttons"):
            yield PanelButton("Start", id="start", variant="success", compact=True)
            yield PanelButton("Step", id="step", compact=True)
            yield PanelButton("Reset", id="reset", compact=True)
        with Horizontal(id="buttons2"):
            yield PanelButton("Save", id="save", compact=True)
            yield PanelButton("Load", id="load", compact=True)
        scenario = s.name if s.name in SCENARIOS else "custom"
        yield from self._choice("scenario", "scenario", [*SCENARIOS, "custom"], scenario)
        for name in LAYOUT:
            info, value = FIELDS[name].info, _value(s, FIELDS[name].key)
            if info.choices:
                yield from self._choice(name, info.label, _options(name, value), value)
                continue
            if name in STEPPED:
                text = info.text(value)
                field = SteppedField(text, info.chars, *STEPPED[name], id=name, compact=True)
            else:
                field = TextField(info.text(value), info.chars, id=name, compact=True)
            field.placeholder = info.blank[0] if info.blank else ""
            yield from self._row(info.label, field, f"{name}-row")
            error = Label("", id=f"{name}-error", classes="error")
            error.display = False
            yield error

    def _choice(self, name: str, label: str, options, value: str) -> ComposeResult:
        select = Choice(
            [(o, o) for o in options], id=name, value=value, allow_blank=False, compact=True
        )
        yield from self._row(label, select)

    @staticmethod
    def _row(label: str, widget, row_id: str | None = None) -> ComposeResult:
        with Horizontal(classes="row", id=row_id):
            yield Label(label, classes="name")
            yield widget

    def on_mount(self) -> None:
        self._show_schedule_fields(self.spec.training.schedule)
        self._show_data_fields(self.spec.data.dataset)

    def _show_data_fields(self, dataset: str) -> None:
        """The classes row only for the datasets whose classes it sets."""
        self.query_one("#classes-row").display = dataset in CLASS_DATASETS

    def _show_schedule_fields(self, schedule: str) -> None:
        """Show the parameter rows the schedule uses, hide the others."""
        used = USES.get(schedule, ())
        for name in SCHEDULE_FIELDS:
            self.query_one(f"#{name}-row").display = name in used

    @staticmethod
    def _text(name: str, s: Spec) -> str:
        """What the text field ``name`` shows for ``s``."""
        return FIELDS[name].info.text(_value(s, FIELDS[name].key))

    def show(self, spec: Spec) -> None:
        """Set every field from ``spec`` (after a load or a scenario change)."""
        self._loading = True
        self.spec = self.base = spec
        self._dataset = spec.data.dataset
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = self._text(name, spec)
        dataset = self.query_one("#dataset", Select)
        dataset.set_options([(o, o) for o in _dataset_options(spec.data.dataset)])
        activation = self.query_one("#activation", Select)
        activation.set_options([(o, o) for o in _options("activation", spec.model.activation)])
        for sel, spec_key in CHOICES.items():
            try:
                self.query_one(f"#{sel}", Select).value = _value(spec, spec_key)
            except InvalidSelectValueError:  # not one of the choices
                pass
        self._show_schedule_fields(spec.training.schedule)
        self._show_data_fields(spec.data.dataset)
        self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def read(self) -> tuple[Spec | None, dict[str, str]]:
        """The spec the fields describe, and an error for every invalid field at once.

        Fields that hold what they held at the last call give its answer again: each
        field's ``Changed`` after a load reads the same values (25 reads of 27 specs each
        at every start)."""
        held = (
            self.base,
            *(self.query_one(f"#{sel}", Select).value for sel in CHOICES),
            *(self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS),
        )
        if self._read is not None and self._read[0] == held:
            return self._read[1], dict(self._read[2])
        spec, errors = self._read_fields()
        self._read = held, spec, errors
        return spec, dict(errors)

    def _read_fields(self) -> tuple[Spec | None, dict[str, str]]:
        overrides, errors = {}, {}
        for sel, spec_key in CHOICES.items():
            overrides[spec_key] = self.query_one(f"#{sel}", Select).value
        for name, field in TEXT_FIELDS.items():
            text = self.query_one(f"#{name}", Input).value
            try:
                value = field.info.read(text)
                self.base.with_overrides({**overrides, field.key: value})  # its own range
                overrides[field.key] = value
            except SpecError as exc:
                if exc.field != field.key and exc.field in TEXT_KEYS:
                    overrides[field.key] = value  # a later field's error: that one shows it
                    continue
                errors[name] = str(exc)
            except ValueError:
                errors[name] = f"{text!r} is not a valid {field.info.label} value"
        spec = None
        if not errors:
            try:  # what no field breaks alone (a batch larger than the data)
                spec = self.base.with_overrides(overrides)
            except SpecError as exc:
                name = next((n for n, f in TEXT_FIELDS.items() if f.key == exc.field), "")
                errors[name or "lr"] = str(exc)
        return spec, errors

    def validate_all(self) -> Spec | None:
        spec, errors = self.read()
        for name in TEXT_FIELDS:
            msg = errors.get(name, "")
            error = self.query_one(f"#{name}-error", Label)
            if str(error.content) != msg:  # Label.update lays the whole screen out again
                error.update(msg)
                error.display = bool(msg)
            self.query_one(f"#{name}", Input).set_class(bool(msg), "-invalid")
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
            if event.value != event.select.value or event.value == self._dataset:
                return  # stale (a list refilled), or the dataset in use (picker cancelled)
            if event.value == CSV:
                self._pick_csv(event.select)
                return
            self._dataset = str(event.value)
            # A dataset of the other task needs that task's loss and outputs; painted
            # points replace a dataset, so choosing one drops them; a built-in one has
            # no CSV target or task.
            reset = {"training.loss": "auto", "data.points": []}
            if not str(event.value).startswith("csv:"):
                reset |= {"data.target": None, "data.task": "auto"}
            self.base = self.base.with_overrides(reset)
            self._show_data_fields(str(event.value))
        self.post_message(self.Changed(self.validate_all(), event.select.id or ""))

    # -- CSV data ----------------------------------------------------------------------

    def _pick_csv(self, select: Select) -> None:
        """Put the list back on the dataset in use and ask the app for the CSV picker
        (:meth:`use_csv` takes its answer; a cancel leaves the data as it was)."""
        select.value = self._dataset
        self.post_message(self.CsvRequested())

    def use_csv(self, path: str, target: str) -> None:
        """Train on the CSV file ``path`` with the column ``target`` as the target."""
        value = self._dataset = f"csv:{path}"  # the list's Changed is then no news
        self.base = self.base.with_overrides(
            {"training.loss": "auto", "data.points": [], "data.target": target, "data.task": "auto"}
        )
        select = self.query_one("#dataset", Select)
        select.set_options([(o, o) for o in _dataset_options(value)])
        select.value = value
        self._show_data_fields(value)
        self.post_message(self.Changed(self.validate_all(), "dataset"))
