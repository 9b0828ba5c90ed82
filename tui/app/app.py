"""The playground app: control panel, live charts, status, fed by the async engine.

The app owns the run's state and pushes it down to widgets; the engine runs in its own
process (see :mod:`torchplay.engine.process.client`) and this process never imports torch.
"""

from __future__ import annotations

import gc
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Footer, Static
from torchplay.engine.process import events as ev
from torchplay.engine.process.client import EngineClient
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.source import from_dict, resolve
from torchplay.engine.run.spec import Spec
from torchplay.tui.app.actions.filekeys import FileKeys
from torchplay.tui.app.actions.helpkeys import HelpKeys
from torchplay.tui.app.actions.labkeys import LabKeys
from torchplay.tui.app.actions.quitting import QuitKeys
from torchplay.tui.app.actions.timetravel import Lineage
from torchplay.tui.app.keys import BINDINGS, BUTTONS, RESET_ASK_STEPS, palette_commands
from torchplay.tui.app.layout import STEP
from torchplay.tui.app.screens.lrfindscreen import LrFindKey, LrFindScreen
from torchplay.tui.app.screens.screens import CompareScreen, ConfirmDialog
from torchplay.tui.app.screens.sweepscreen import SweepScreen, is_sweep_event
from torchplay.tui.app.status import status_line
from torchplay.tui.app.widgets.chartpane import ChartPane
from torchplay.tui.app.widgets.charts import DataChart
from torchplay.tui.app.widgets.panel import CHOICES, ControlPanel
from torchplay.tui.app.widgets.terminal import ASCII_FILTER
from torchplay.tui.cli.flags import FPS
from torchplay.tui.draw.glyphs import ascii_terminal


class PlaygroundApp(FileKeys, HelpKeys, LrFindKey, LabKeys, QuitKeys, App[None]):
    """torchplay: train small networks and watch them learn."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses work too
    TITLE = "torchplay"
    BINDINGS = BINDINGS

    def __init__(
        self,
        source: str = "regression",
        compare: list[str] | None = None,
        in_process: bool = False,
        show_rate: bool = True,
        client: EngineClient | None = None,
        ascii_only: bool = False,
        fps: float = FPS,
    ) -> None:
        super().__init__()
        self.fps = fps
        self.ascii = ascii_only or ascii_terminal()
        """Plain characters only (``--ascii``, ``LANG=C``, ``TERM=linux``): see get_line_filters."""
        first = resolve(source, checkpoints=True) if not compare else None
        self.spec = first.spec if first else get_scenario("regression")
        self.pending_load = first.checkpoint if first else None
        self.sweep_table = first.sweep if first else {}
        """The spec file's ``[sweep]`` table: the sweep screen's first axes."""
        self.pending_compare = list(compare or [])
        self.client = client or EngineClient(in_process=in_process)
        self.state = "starting"
        self.run_info: ev.RunLoaded | None = None
        self.last: ev.StepsCompleted | None = None
        self.saved: list[str] = []
        self.pending = False
        self.show_rate = show_rate
        self.grid: tuple[int, int] | None = None
        self.error = ""
        self.note = ""
        """Why the run paused without being asked to (shown until the next run)."""
        self.queued: str | None = None
        """A run key pressed while the engine was starting: done once the run is built."""
        self.sync_lr = False
        """Show the run's own learning rate in the panel at the next snapshot (a load)."""
        self.saved_at: int | None = None
        """The step of the last checkpoint saved (a reset past it asks first)."""
        self.sweeps: SweepScreen | None = None
        """The sweep screen (``s``), kept with its last sweep once opened."""
        self.lineage = Lineage()
        """The snapshot in view and the pinned baseline (``[``, ``]``, ``f``, ``b``)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ControlPanel(self.spec, id="panel")
            yield ChartPane(fps=self.fps, id="charts")
        yield Static("starting... (the engine imports torch)", id="status")
        yield Footer(compact=True)

    def get_line_filters(self):
        """Textual's filters, and on a plain terminal every cell made ASCII."""
        filters = super().get_line_filters()
        return [*filters, ASCII_FILTER] if self.ascii else filters

    def get_default_screen(self) -> Screen:
        """The main screen focuses nothing at first: the app's keys first, Tab enters the
        panel (dialogs still focus their field)."""
        screen = Screen(id="_default")
        screen.AUTO_FOCUS = ""
        return screen

    def get_system_commands(self, screen):
        """Textual's own commands (its Quit among them; its Screenshot replaced), plus this
        app's keys."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # ours (S) saves here, not in ~/Downloads
                yield command
        yield from palette_commands(self, self.BINDINGS)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Escape shows in the footer only while something has the focus."""
        if action == "leave_field":
            return self.focused is not None
        if self.screen is self.sweeps and action not in ("quit", "quit_now"):  # keys rest
            return action not in {b.action for b in self.BINDINGS}
        return True

    def action_leave_field(self) -> None:
        self.screen.set_focus(None)

    def on_resize(self) -> None:
        self.query_one(ControlPanel).fit(self.size.width)
        self.update_status()  # it fits its line to the width

    def action_narrower(self) -> None:
        self.query_one(ControlPanel).widen(self.size.width, -STEP)

    def action_wider(self) -> None:
        self.query_one(ControlPanel).widen(self.size.width, STEP)

    def on_mount(self) -> None:
        self.load_settings()
        self.start_engine()

    def on_ready(self) -> None:
        # After the first frame: move everything alive now (Textual, widgets, styles) out
        # of the collector's sight. Full collections otherwise took 28-43 ms mid-run.
        gc.collect()
        gc.freeze()

    def start_engine(self) -> None:
        self.state = "starting"
        self.client.launch()
        self.consume_events()

    @work(exclusive=True, group="engine")
    async def consume_events(self) -> None:
        async for event in self.client.events():
            try:
                self.handle(event)
            except NoMatches:
                if self.is_running:
                    raise
                return  # the app is shutting down and its widgets are gone

    # -- events from the engine ------------------------------------------------------

    def handle(self, event: object) -> None:
        if is_sweep_event(event):
            if self.sweeps is not None:
                self.sweeps.handle(event)
            return
        if isinstance(event, ev.EngineStarted):
            self.state = "idle"
            if self.grid:
                self.client.set_grid(*self.grid)
            if self.pending_compare:
                self.push_screen(CompareScreen(self.pending_compare))
                self.pending_compare = []
            if self.pending_load:
                self.client.load(self.pending_load)
                self.pending_load = None
            else:
                self.client.build(self.spec)
        elif isinstance(event, ev.RunLoaded):
            self.run_info = event
            self.pending = False
            spec = from_dict(event.spec)
            if spec != self.spec or event.source:
                self.spec = spec
                self.query_one(ControlPanel).show(spec)
            self.query_one(ChartPane).show_run(event)
            self.state = event.state
            self.saved_at = event.step if event.source else None
            self.sync_lr = bool(event.source)
            if event.source:
                self.notify(f"loaded {event.source} at step {event.step}")
            if self.queued:
                self.call_later(getattr(self, f"action_{self.queued}"))
                self.queued = None
        elif isinstance(event, ev.StepsCompleted):
            self.last = event
            if self.sync_lr:
                self.sync_lr = False
                self.show_live_lr()
            self.state = event.state
            if event.state == "running":
                self.note = ""
            self.query_one(ChartPane).progress(event)
        elif self.handle_lab(event):
            pass  # time travel, baseline, neurons: tui/app/actions/labkeys.py
        elif isinstance(event, ev.RunPaused):
            self.note = f"paused for {event.command}"
        elif isinstance(event, ev.Saved):
            self.saved.append(event.path)
            self.saved_at = self.last.step if self.last else 0
            self.notify(f"saved {event.path}")
        elif isinstance(event, ev.CommandFailed):
            self.notify(event.message, title=f"{event.command} failed", severity="error")
            if event.command == "compare" and isinstance(self.screen, CompareScreen):
                self.pop_screen()
        elif isinstance(event, ev.Compared):
            if isinstance(self.screen, CompareScreen):
                self.screen.show(event.runs)
        elif isinstance(event, ev.LrFound):
            self.push_screen(LrFindScreen(event), self.apply_lr)
        elif isinstance(event, ev.EngineCrashed):
            if self.sweeps is not None:  # it says so too, while a sweep waits on the engine
                self.sweeps.handle(event)
            self.state = "error"
            self.error = event.message.strip().splitlines()[-1] if event.message else ""
        self.update_status()

    def update_status(self) -> None:
        line = status_line(
            self.state,
            self.last,
            error=self.error,
            note=self.note,
            queued=self.queued,
            pending=self.pending,
            show_rate=self.show_rate,
            width=self.size.width - 2,  # the status's padding
            beside=self.lineage.status(self.last),
            short=self.lineage.status(self.last, short=True),
            lr=self.last.lr_now
            if self.last and self.spec.training.schedule != "constant"
            else None,
        )
        # Fixed size (one row, full width): no layout pass needed on each update.
        self.query_one("#status", Static).update(line, layout=False)

    # -- the panel -------------------------------------------------------------------

    def on_control_panel_changed(self, message: ControlPanel.Changed) -> None:
        if message.spec is None:
            return
        old, new = self.spec, message.spec
        self.spec = new
        if new.training.lr != old.training.lr and self.run_info is not None:
            self.client.set_lr(new.training.lr)
        live = {"training.lr": new.training.lr, "training.steps": new.training.steps}
        if old.with_overrides(live) == new:
            self.update_status()
            return  # the learning rate and the step count apply to the running model
        if self.state != "running" and not self.unsaved_steps():
            self.client.build(new)
            return
        # Data or network changed mid-run, or on a stopped run with steps worth keeping:
        # it needs a reset, so ask (on Enter for text fields, at once for choices).
        self.pending = True
        if message.field == "scenario" or message.field in CHOICES:
            self.ask_reset()
        else:
            self.update_status()

    def on_control_panel_submitted(self, _message: ControlPanel.Submitted) -> None:
        if self.pending:
            self.ask_reset()

    def show_live_lr(self) -> None:
        """Put the run's learning rate (it may have changed mid-run) in the panel."""
        if self.last is not None and self.last.lr != self.spec.training.lr:
            self.spec = self.spec.with_overrides({"training.lr": self.last.lr})
        self.query_one(ControlPanel).show(self.spec)

    def ask_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            self.pending = False
            if yes:
                self.last = None
                self.client.build(self.spec)
            elif self.run_info is not None:
                self.spec = from_dict(self.run_info.spec)
                self.show_live_lr()
            self.update_status()

        question = "The data or network changed: reset the model and apply it?"
        if steps := self.unsaved_steps():
            question += f" Its {steps:,} steps are not saved (ctrl+s saves them)."
        self.push_screen(ConfirmDialog(question), answered)

    @on(DataChart.Resized, "#data")
    def main_chart_resized(self, message: DataChart.Resized) -> None:
        """The main chart's size sets the run's decision grid (compare's charts ask their
        own: :class:`CompareScreen.Requested`)."""
        self.grid = (message.cols, message.rows)
        if self.state != "starting":
            self.client.set_grid(*self.grid)

    def on_compare_screen_requested(self, message: CompareScreen.Requested) -> None:
        self.client.compare(message.paths, message.grids)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in BUTTONS:
            getattr(self, f"action_{BUTTONS[event.button.id]}")()

    # -- actions ---------------------------------------------------------------------

    def trainable_spec(self) -> Spec | None:
        """The panel's spec when every field is valid; otherwise None, and says so.

        Every way to train (space, ``n``, a sweep) asks this first.
        """
        spec = self.query_one(ControlPanel).validate_all()
        if spec is None:
            self.notify("fix the marked fields first", severity="warning")
        return spec

    def queue(self, action: str) -> bool:
        """While the engine starts, remember ``action`` for when it is ready."""
        if self.state != "starting":
            return False
        self.queued = action
        self.update_status()
        return True

    def action_toggle(self) -> None:
        if self.queue("toggle") or self.state == "error":
            return
        if self.state == "running":
            self.client.pause()
            return
        if self.pending:  # a change waits for its reset: ask first, not on the quiet
            self.ask_reset()
            return
        spec = self.trainable_spec()
        if spec is None:
            return
        self.spec = spec
        self.client.start(spec)
        self.state = "running"
        self.update_status()

    def action_step(self) -> None:
        if self.queue("step") or self.state == "error":
            return
        if self.trainable_spec() is not None:
            self.client.step(1)

    def action_reset(self) -> None:
        if self.state == "error":
            self.client.close()
            self.start_engine()
            self.update_status()
            return
        if self.state == "starting":
            return  # nothing to reset yet
        spec = self.trainable_spec()
        if spec is None:
            return
        step = self.unsaved_steps()
        if not step:
            self.rebuild(spec)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.rebuild(spec)

        question = f"Reset the run? Its {step:,} steps are not saved (ctrl+s saves them)."
        self.push_screen(ConfirmDialog(question), answered)

    def unsaved_steps(self) -> int:
        """The run's step count when a reset would lose more than RESET_ASK_STEPS steps
        not saved since; else 0 (nothing worth asking about)."""
        step = self.last.step if self.last else 0
        return 0 if step <= RESET_ASK_STEPS or self.saved_at == step else step

    def rebuild(self, spec: Spec) -> None:
        """Start over from ``spec``: a new model at step 0."""
        self.spec = spec
        self.last = None
        self.client.build(spec)

    def action_test_points(self) -> None:
        if not self.query_one(ChartPane).switch_test_points():
            self.notify("no test points: set test frac above 0 in the panel")

    def action_discrete(self) -> None:
        self.query_one(ChartPane).switch_discrete()

    def action_log_scale(self) -> None:
        self.query_one(ChartPane).switch_log_scale()

    def action_sweep(self) -> None:
        """Open the sweep screen over the panel's spec (Escape comes back)."""
        if self.queue("sweep"):
            return
        spec = self.trainable_spec()
        if spec is None or self.screen is self.sweeps:
            return
        if self.sweeps is None:
            self.sweeps = SweepScreen(spec, self.client, self.show_rate, self.sweep_table)
            self.install_screen(self.sweeps, "sweep")
        self.sweeps.base = spec
        self.push_screen("sweep")

    def on_unmount(self) -> None:
        self.client.close()
