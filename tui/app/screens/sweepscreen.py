"""The sweep screen (``s``): train a grid of runs live, watch their losses, open one.

Pick one or two ``KEY=V1,V2,...`` axes (the grammar of ``torchplay sweep --grid``,
checked here by :func:`torchplay.engine.run.grid.parse_grid` before anything is sent; a spec
file's ``[sweep]`` table fills them first), a step count and, optionally, a Ray address; Start sends the sweep to the app's engine
process (:meth:`torchplay.engine.process.client.EngineClient.sweep`), which trains it and
reports :class:`~torchplay.engine.process.events.SweepStepsCompleted` events. This screen only
presents them: a heatmap of each member's current loss (one cell per member, shaded by
log loss, diverged cells marked) and small multiples of the best and worst members' loss
curves. Enter on a cell opens that member in the playground, paused where it stands.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.events import RunState
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import GridError, members, parse_grid, table_texts
from torchplay.engine.run.history import History
from torchplay.engine.run.spec import Spec, SpecError
from torchplay.engine.sweeps.raycluster import LOCAL, parse_address
from torchplay.tui.app.screens.sweeplabels import member_label, member_title, short_names
from torchplay.tui.app.widgets.heatmap import Heatmap
from torchplay.tui.app.widgets.smallmultiples import SmallMultiples
from torchplay.tui.draw.plotting import DIVERGED_STYLE, heat_style, log_range

DEFAULT_AXES = ("training.lr=0.05,0.1,0.2,0.4", "data.seed=1..4")
TICK = 0.5
"""Seconds between redraws of the heatmap and the curves (events come 20 times a second)."""
FEW = 3
"""How many of the best, and of the worst, members the small multiples show."""
STOPPED_MARK = "▪"
"""After an early-stopped member's loss in its cell (a diverged one shows ``✗ div``)."""
SWEEP_EVENTS = (ev.SweepStarted, ev.SweepStepsCompleted)
SWEEP_COMMANDS = (c.Sweep, c.OpenMember)


def is_sweep_event(event: object) -> bool:
    """Whether ``event`` belongs to the sweep screen (a failed sweep command included)."""
    return isinstance(event, SWEEP_EVENTS) or (
        isinstance(event, ev.CommandFailed) and isinstance(event.command, SWEEP_COMMANDS)
    )


def first_axes(table: dict) -> tuple[list[str], str]:
    """The axis fields' first texts: the spec file's ``[sweep]`` table (its first two
    keys), else :data:`DEFAULT_AXES`; and a note for the error line (a bad table, or one
    with more keys than the screen shows)."""
    try:
        texts = table_texts(table, "the file's [sweep]")
    except GridError as exc:
        return list(DEFAULT_AXES), str(exc)
    if not texts:
        return list(DEFAULT_AXES), ""
    note = ""
    if len(texts) > 2:
        note = f"the file's [sweep] has {len(texts)} keys: the first two are here"
    return (texts + [""])[:2], note


def check_address(text: str) -> str:
    """The Ray address typed in the panel: blank (train here), ``local`` (a Ray started
    here) or ``HOST:PORT`` of a running cluster.

    Raises:
        InputError: anything else, with what to type.
    """
    text = text.strip()
    if text and text != LOCAL:
        parse_address(text)
    return text


class SweepScreen(Screen[None]):
    """A live sweep over the playground's spec; the app feeds it engine events."""

    CSS_PATH = Path(__file__).with_name("sweepscreen.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Back to the playground"),
        Binding("space", "toggle", "Start/Stop", tooltip="Start the sweep, or stop it"),
        Binding("question_mark,f1", "help", "Help", show=False, tooltip="Every key"),
    ]

    def __init__(
        self, base: Spec, client, show_rate: bool = True, table: dict | None = None
    ) -> None:
        super().__init__(id="sweep")
        self.base, self.client, self.show_rate = base, client, show_rate
        self.axes, self.note = first_axes(table or {})
        """The axis fields' first texts and a note about them (see :func:`first_axes`)."""
        self.asked = False
        """A sweep was asked for and the engine has not said it started (nor refused it)."""
        self.told: RunState | None = None
        """The sweep's state as the engine last told it (None: no sweep, or it failed)."""
        self.started: ev.SweepStarted | None = None
        self.last: ev.SweepStepsCompleted | None = None
        self.histories: list[History] = []
        self.cells: list[Coordinate] = []
        self.names: dict[str, str] = {}
        """Each grid key's short name in titles (``training.lr``: ``lr``)."""
        self.stale = False
        self.fresh = False
        """A sweep was sent and its SweepStarted has not come yet."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="sweep-main"):
            with Vertical(id="sweep-panel"):
                yield Label("grid: one or two KEY=V1,V2,...")
                yield Input(self.axes[0], id="axis-0", compact=True)
                yield Input(self.axes[1], id="axis-1", compact=True)
                yield Label("steps per member")
                yield Input(str(self.base.training.steps), id="sweep-steps", compact=True)
                yield Label("Ray address (blank: no Ray)")
                yield Input("", id="sweep-address", placeholder="HOST:PORT or local", compact=True)
                yield Static(Text(self.note), id="sweep-error", classes="error")
                yield Button("Start", id="sweep-start", variant="primary", compact=True)
                yield Static("", id="sweep-info")
            with Vertical(id="sweep-view"):
                yield Static("Start trains the grid; Enter on a cell opens it", id="heat-title")
                yield Heatmap(id="heatmap")
                yield SmallMultiples(id="sweep-curves")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(TICK, self.draw)

    # -- starting and stopping -------------------------------------------------------

    def request(self) -> tuple[Spec, list[str], str] | None:
        """The spec, grid texts and address of the panel, or None (each field's problem
        is shown, one a line)."""
        value = {i.id: i.value for i in self.query(Input)}
        texts = [value[k].strip() for k in ("axis-0", "axis-1") if value[k].strip()]
        errors: list[str] = []
        base, steps = self.base, value["sweep-steps"].strip()
        if not steps.isdigit():
            errors.append(f"steps {steps!r}: give a whole number, e.g. 300")
        else:
            try:
                base = self.base.with_overrides({"training.steps": int(steps)})
            except SpecError as exc:
                errors.append(f"steps: {exc}")
        for text in texts:  # each axis alone first: every bad field is named at once
            errors += _problems(lambda text=text: parse_grid([text], base))
        if not errors:  # together: a key given twice, too many members, a bad member
            errors += _problems(lambda: members(parse_grid(texts, base), base))
        address = value["sweep-address"]
        errors += _problems(lambda: check_address(address))
        self.query_one("#sweep-error", Static).update(Text("\n".join(errors)))
        return None if errors else (base, texts, address.strip())

    @property
    def running(self) -> bool:
        """A sweep trains, or was asked for and has not started yet."""
        return self.asked or self.told == RunState.RUNNING

    def action_toggle(self) -> None:
        if self.running:
            self.client.pause()  # the engine stops the sweep at a step; an event says so
            return
        asked = self.request()
        if asked is None:
            return
        self.client.sweep(*asked)
        self.asked = self.fresh = True
        self.query_one("#sweep-info", Static).update("starting...")
        # The focus stays where it was: keys meant for a field stay there (Tab, or a
        # click, reaches the heatmap, where Enter opens a member).

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        if not self.running:
            self.action_toggle()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sweep-start":
            self.action_toggle()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.action_help()

    # -- events from the engine --------------------------------------------------------

    def handle(self, event: object) -> None:
        """A sweep event from the engine (see :func:`is_sweep_event`)."""
        if isinstance(event, ev.SweepStarted):
            if self.fresh:  # a new sweep (Ray sends a second one naming its cluster)
                if not (event.resumed and self.cells):  # going on: keep cells and curves
                    self._layout(event)
                self.fresh = False
            self.started = event
            if self.asked:  # not Ray's second one, sent once it has finished
                self.asked, self.told = False, RunState.RUNNING
        elif isinstance(event, ev.SweepStepsCompleted):
            self.last = event
            for history, points in zip(self.histories, event.points, strict=False):
                for step, loss in points:
                    if history.due(step):  # halves its resolution as the engine's does
                        history.add((step, loss, None))
            self.told = event.state
            self.stale = True
        elif isinstance(event, (ev.CommandFailed, ev.EngineCrashed)):
            self.failed(event.message.strip().splitlines()[-1] if event.message else "")

    def failed(self, message: str) -> None:
        """The engine refused the sweep, or failed in it: say so here, ready to start."""
        self.asked = self.fresh = False
        self.told = None
        self.query_one("#sweep-error", Static).update(Text(message))
        if self.last is None or self.started is None:  # nothing trained: no progress line
            self.query_one("#sweep-info", Static).update("")
        self.query_one("#sweep-start", Button).label = "Start"

    def _layout(self, event: ev.SweepStarted) -> None:
        """One cell per member: the first key across, the second down."""
        table = self.query_one(Heatmap)
        self.histories = [History(capacity=ev.SWEEP_POINTS) for _ in event.overrides]
        self.last = None
        (k0, v0), rest = event.axes[0], event.axes[1:]
        self.names = short_names([key for key, _ in event.axes])
        k0 = self.names[k0]
        if rest:
            k1, v1 = rest[0]
            k1 = self.names[k1]
            table.reset(
                [(member_label(v), max(8, len(member_label(v)))) for v in v0],
                list(map(member_label, v1)),
            )
            self.cells = [
                Coordinate(i % len(v1), i // len(v1)) for i in range(len(event.overrides))
            ]
            title = f"loss by {k0} (across) and {k1} (down)"
        else:
            table.reset([("loss", 10)], list(map(member_label, v0)))
            self.cells = [Coordinate(i, 0) for i in range(len(v0))]
            title = f"loss by {k0} (down)"
        legend = f" · {STOPPED_MARK} stopped early" if self.base.training.patience else ""
        self.query_one("#heat-title", Static).update(
            Text(f"{title} · greener is lower · ✗ diverged{legend}")
        )

    # -- drawing -------------------------------------------------------------------------

    def draw(self) -> None:
        """Apply the latest event to the heatmap, the curves and the info line."""
        if not self.stale or self.last is None or self.started is None:
            return
        self.stale = False
        last, started = self.last, self.started
        table = self.query_one(Heatmap)
        lo, hi = log_range(
            [v for v, s in zip(last.losses, last.states, strict=True) if s != "diverged"]
        )
        for i, (loss, state) in enumerate(zip(last.losses, last.states, strict=True)):
            if state == "diverged":
                text = Text("✗ div", style=DIVERGED_STYLE)
            elif loss is None:
                text = Text("·")
            else:
                mark = STOPPED_MARK if state == "stopped_early" else ""
                text = Text(f"{loss:.3g}{mark}", style=heat_style(loss, lo, hi))
            table.set_cell(self.cells[i], text)
        self._curves()
        done = sum(
            t if state in ev.ENDED else min(s, t)
            for s, t, state in zip(last.steps, started.targets, last.states, strict=True)
        )
        total = sum(started.targets) or 1
        parts = [
            f"{len(started.targets)} members on {started.where}",
            f"{last.state} {100 * done / total:.0f}%",
            f"{last.states.count('diverged')} diverged",
        ]
        if "stopped_early" in last.states:
            parts.append(f"{last.states.count('stopped_early')} stopped early {STOPPED_MARK}")
        if self.show_rate:  # off in snapshot tests: the only clock-dependent text
            parts.append(f"{last.model_steps_per_s:,.0f} model-steps/s")
        self.query_one("#sweep-info", Static).update(Text("\n".join(parts)), layout=False)
        button = self.query_one("#sweep-start", Button)
        label = "Stop" if self.running else "Start"
        if str(button.label) != label:  # a new label costs a layout pass
            button.label = label

    def _curves(self) -> None:
        """The best and the worst few of the members that have a loss and did not diverge."""
        last, started = self.last, self.started
        ranked = sorted(
            (loss, i)
            for i, (loss, state) in enumerate(zip(last.losses, last.states, strict=True))
            if loss is not None and state != "diverged"
        )
        chosen = ranked[:FEW] + ranked[max(FEW, len(ranked) - FEW) :]
        self.query_one(SmallMultiples).show(
            [
                (
                    member_title(started.overrides[i], loss, self.names),
                    self.histories[i].points,
                )
                for loss, i in chosen
            ]
        )

    def member_at(self, cell: Coordinate) -> int | None:
        """The member shown in ``cell`` of the heatmap."""
        return self.cells.index(cell) if cell in self.cells else None

    def on_heatmap_cell_selected(self, event: Heatmap.CellSelected) -> None:
        self.open(event.coordinate)

    def open(self, cell: Coordinate) -> None:
        """Open the member in ``cell`` in the playground (the engine stops the sweep)."""
        index = self.member_at(cell)
        if index is None or self.started is None:
            return
        self.client.open_member(index)  # the sweep's last progress event says it stopped
        self.app.pop_screen()


SWEEP_KEYS = [
    *SweepScreen.BINDINGS,
    Binding("enter", "", tooltip="In a field: start the sweep. On the heatmap: open that member"),
    Binding("tab", "", tooltip="The next field, the Start button, the heatmap"),
    Binding("up,down,left,right", "", tooltip="Move over the heatmap's cells"),
]
"""The sweep screen's keys as the help screen lists them."""


def _problems(check) -> list[str]:
    """What ``check()`` refuses (an :class:`InputError`), worded for this screen: the
    ``--grid`` of the CLI's messages left out."""
    try:
        check()
    except InputError as exc:
        return [re.sub(r"^--grid:? ", "", str(exc))]
    return []
