"""The sweep screen (``s``): train a grid of runs live, watch their losses, open one.

Pick ``KEY=V1,V2,...`` axes, one a field, as many as the grid has (the grammar of
``torchplay sweep --grid``, checked here by :func:`torchplay.engine.run.grid.parse_grid`
before anything is sent; a spec file's ``[sweep]`` table fills them first,
:mod:`~torchplay.tui.app.screens.sweepfields`), a step count and, optionally, a Ray address;
Start sends the sweep to the app's engine process
(:meth:`torchplay.engine.process.client.EngineClient.sweep`), which trains it and reports
:class:`~torchplay.engine.process.events.SweepStepsCompleted` events. This screen only
presents them, in one of four views (``v`` cycles): a heatmap of each member's current
loss (the first key across, the others down), parallel coordinates, slice plots and
importance bars (:class:`~torchplay.tui.app.widgets.sweepchart.SweepChart`); small
multiples of the best and worst members' loss curves under them. Enter on a cell, or on
the member chosen in the parallel coordinates or slices, opens it in the playground,
paused where it stands.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.events import RunState
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import members, parse_grid
from torchplay.engine.run.history import History
from torchplay.engine.run.spec import Spec, SpecError
from torchplay.engine.run.sweepplan import panel_plan
from torchplay.tui.app.fields import OrderedInput
from torchplay.tui.app.screens.sweepfields import (  # noqa: F401 (the screen's API)
    DEFAULT_AXES,
    MAX_KEYS,
    check_address,
    first_axes,
    problems,
)
from torchplay.tui.app.screens.sweeplabels import member_title
from torchplay.tui.app.screens.sweepviews import STOPPED_MARK, SweepViews
from torchplay.tui.app.widgets.familytree import FamilyTree
from torchplay.tui.app.widgets.heatmap import Heatmap
from torchplay.tui.app.widgets.smallmultiples import SmallMultiples
from torchplay.tui.app.widgets.sweepchart import SweepChart
from torchplay.tui.draw.plotting import DIVERGED_STYLE, heat_style, log_range

TICK = 0.5
"""Seconds between redraws of the heatmap and the curves (events come 20 times a second)."""
FEW = 3
"""How many of the best, and of the worst, members the small multiples show."""
PRUNED_MARK = "▫"
"""After a pruned member's loss (the panel's ``median N``, ``halving N``)."""
SWEEP_EVENTS = (ev.SweepStarted, ev.SweepStepsCompleted)
SWEEP_COMMANDS = (c.Sweep, c.OpenMember)
AXIS_HINT = "+ KEY=V1,V2,..."
"""The empty axis field's placeholder."""


def is_sweep_event(event: object) -> bool:
    """Whether ``event`` belongs to the sweep screen (a failed sweep command included)."""
    return isinstance(event, SWEEP_EVENTS) or (
        isinstance(event, ev.CommandFailed) and isinstance(event.command, SWEEP_COMMANDS)
    )


class SweepScreen(SweepViews, Screen[None]):
    """A live sweep over the playground's spec; the app feeds it engine events."""

    CSS_PATH = Path(__file__).with_name("sweepscreen.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Back to the playground"),
        Binding("space", "toggle", "Start/Stop", tooltip="Start the sweep, or stop it"),
        Binding("v", "view", "View", tooltip="Heatmap, parallel coordinates, slices, importance"),
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
                yield Label("grid: a KEY=V1,V2,... a field")
                for i, text in enumerate([*self.axes, ""][:MAX_KEYS]):
                    yield OrderedInput(
                        text, id=f"axis-{i}", classes="axis", placeholder=AXIS_HINT, compact=True
                    )
                yield Label("steps per member", id="steps-label")
                yield OrderedInput(str(self.base.training.steps), id="sweep-steps", compact=True)
                yield Label("Ray address (blank: no Ray)")
                yield OrderedInput(
                    "", id="sweep-address", placeholder="HOST:PORT or local", compact=True
                )
                yield Label("prune or PBT (blank: neither)")
                yield OrderedInput(
                    "", id="sweep-plan", placeholder="median N, halving N, pbt N", compact=True
                )
                yield Static(Text(self.note), id="sweep-error", classes="error")
                yield Button("Start", id="sweep-start", variant="primary", compact=True)
                yield Static("", id="sweep-info")
            with Vertical(id="sweep-view"):
                yield Static(self._tabs(), id="sweep-tabs")
                yield Static("Start trains the grid; Enter on a cell opens it", id="heat-title")
                yield Heatmap(id="heatmap")
                yield SweepChart(id="sweep-chart")
                yield FamilyTree(id="sweep-family")
                yield SmallMultiples(id="sweep-curves")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(TICK, self.draw)
        self.query_one(SweepChart).display = False

    # -- the axis fields and the views ---------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing into the last axis field adds an empty one after it."""
        fields = list(self.query("Input.axis"))
        last = fields[-1]
        if event.input is last and last.value.strip() and len(fields) < MAX_KEYS:
            field = OrderedInput(
                "", id=f"axis-{len(fields)}", classes="axis", placeholder=AXIS_HINT, compact=True
            )
            self.query_one("#sweep-panel").mount(field, after=last)

    # -- starting and stopping -------------------------------------------------------

    def request(self) -> tuple[Spec, list[str], str] | None:
        """The spec, grid texts and address of the panel, or None (each field's problem
        is shown, one a line)."""
        value = {i.id: i.value for i in self.query(Input)}
        texts = [f.value.strip() for f in self.query("Input.axis") if f.value.strip()]
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
            errors += problems(lambda text=text: parse_grid([text], base))
        if not errors:  # together: a key given twice, too many members, a bad member
            errors += problems(lambda: members(parse_grid(texts, base), base))
        address = value["sweep-address"]
        errors += problems(lambda: check_address(address))
        count = len(members(parse_grid(texts, base), base)) if not errors else 2
        plan = None
        try:
            plan = panel_plan(value["sweep-plan"], count, address)
        except InputError as exc:
            errors.append(str(exc))
        self.query_one("#sweep-error", Static).update(Text("\n".join(errors)))
        return None if errors else (base, texts, address.strip(), plan)

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
                    self.query_one(FamilyTree).reset()
                self.fresh = False
            self.started = event
            if self.asked:  # not Ray's second one, sent once it has finished
                self.asked, self.told = False, RunState.RUNNING
        elif isinstance(event, ev.SweepStepsCompleted):
            self.last = event
            self.query_one(FamilyTree).add(event.forks)
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

    # -- drawing -------------------------------------------------------------------------

    def draw(self) -> None:
        """Apply the latest event to the heatmap, the curves and the info line."""
        if not self.stale or self.last is None or self.started is None or self._pruning:
            return  # (pruning: the screen is going, its widgets before its timer)
        self.stale = False
        try:
            self._draw(self.last, self.started)
        except NoMatches:  # the app is closing: its nodes go before this screen's timer
            return

    def _draw(self, last: ev.SweepStepsCompleted, started: ev.SweepStarted) -> None:
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
                mark = {"stopped_early": STOPPED_MARK, "pruned": PRUNED_MARK}.get(state, "")
                text = Text(f"{loss:.3g}{mark}", style=heat_style(loss, lo, hi))
            table.set_cell(self.cells[i], text)
        self._curves()
        if self.view != "heatmap":
            self.query_one(SweepChart).show(self.sweep_view())
        self.query_one(FamilyTree).follow(started, last, self.base.training.lr)
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
        if "pruned" in last.states:
            parts.append(f"{last.states.count('pruned')} pruned {PRUNED_MARK}")
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
        self.open_member(self.member_at(cell))

    def open_member(self, index: int | None) -> None:
        """Open member ``index`` in the playground (the engine stops the sweep)."""
        if index is None or self.started is None:
            return
        self.client.open_member(index)  # the sweep's last progress event says it stopped
        self.app.pop_screen()


SWEEP_KEYS = [
    *SweepScreen.BINDINGS,
    Binding("enter", "", tooltip="In a field: start the sweep. On the heatmap: open that member"),
    Binding("tab", "", tooltip="The next field, the Start button, the heatmap or chart"),
    Binding(
        "up,down,left,right",
        "",
        tooltip="Move over the heatmap's cells; in the "
        "parallel coordinates and slices: the next better (up) or worse (down) member",
    ),
    Binding("home,end", "", tooltip="Parallel coordinates and slices: the best, the worst member"),
]
"""The sweep screen's keys as the help screen lists them."""
