"""The playground app: control panel, live charts, status, fed by the async engine.

The app owns the run's state and pushes it down to widgets; the engine runs in its own
process (see :mod:`torchplay.engine.process.client`) and this process never imports torch.
"""

from __future__ import annotations

import gc
from pathlib import Path

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Footer, Static
from torchplay.engine.process import events as ev
from torchplay.engine.process.client import EngineClient
from torchplay.engine.process.events import RunState
from torchplay.engine.run import share
from torchplay.engine.run.lessons import Lesson
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.source import resolve
from torchplay.tui.app.actions.fieldjump import FieldJump
from torchplay.tui.app.actions.filekeys import FileKeys
from torchplay.tui.app.actions.helpkeys import HelpKeys
from torchplay.tui.app.actions.labkeys import LabKeys, Lineage
from torchplay.tui.app.actions.lessonkeys import LessonKeys
from torchplay.tui.app.actions.quitting import QuitKeys
from torchplay.tui.app.actions.recovery import RecoveryOffer
from torchplay.tui.app.actions.rescue import RescueOffer
from torchplay.tui.app.actions.runkeys import RunKeys
from torchplay.tui.app.keys import BINDINGS, BUTTONS, FOCUS_KEYS, KEY_ACTIONS, palette_commands
from torchplay.tui.app.layout import STEP
from torchplay.tui.app.net import AppNet
from torchplay.tui.app.receivers import Receivers
from torchplay.tui.app.screens.lrfindscreen import LrFindKey
from torchplay.tui.app.screens.screens import CompareScreen
from torchplay.tui.app.screens.sweepscreen import SweepScreen
from torchplay.tui.app.status import AppState, status_line
from torchplay.tui.app.widgets.chartpane import ChartPane
from torchplay.tui.app.widgets.charts import DataChart
from torchplay.tui.app.widgets.lessonpane import LessonPane
from torchplay.tui.app.widgets.panel import ControlPanel
from torchplay.tui.app.widgets.terminal import ASCII_FILTER
from torchplay.tui.cli.flags import FPS
from torchplay.tui.draw.glyphs import ascii_terminal


class PlaygroundApp(
    Receivers,
    RunKeys,
    FileKeys,
    HelpKeys,
    LrFindKey,
    LessonKeys,
    LabKeys,
    QuitKeys,
    RecoveryOffer,
    RescueOffer,
    FieldJump,
    AppNet,
    App[None],
):
    """torchplay: train small networks and watch them learn."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses work too
    TITLE = "torchplay"
    BINDINGS = [*BINDINGS, *FOCUS_KEYS]

    def __init__(
        self,
        source: str = "regression",
        compare: list[str] | None = None,
        in_process: bool = False,
        show_rate: bool = True,
        client: EngineClient | None = None,
        ascii_only: bool = False,
        fps: float = FPS,
        lesson: Lesson | None = None,
    ) -> None:
        super().__init__()
        self.fps = fps
        self.ascii = ascii_only or ascii_terminal()
        """Plain characters only (``--ascii``, ``LANG=C``, ``TERM=linux``): see get_line_filters."""
        self.lesson = lesson
        """The lesson open (``torchplay learn NAME``): its pane, locked and hidden fields."""
        self.pending_share = source if share.looks_like(source) else None
        """A share string to train again once the engine is up (``torchplay tui STRING``)."""
        if self.pending_share or compare:
            first = None
        else:
            first = resolve(source, checkpoints=True)
        self.spec = first.spec if first else get_scenario("regression")
        if lesson is not None:
            self.spec = lesson.spec
        self.pending_load = first.checkpoint if first else None
        self.sweep_table = first.sweep if first else {}
        """The spec file's ``[sweep]`` table: the sweep screen's first axes."""
        self.pending_compare = list(compare or [])
        self.client = client or EngineClient(in_process=in_process)
        self.engine_state: AppState | None = AppState.STARTING
        """The engine process starting or stopped (None: up); see :attr:`state`."""
        self.run_state = RunState.IDLE
        """The run's state as the engine last told it (set by the receivers alone)."""
        self.run_info: ev.RunLoaded | None = None
        self.last: ev.StepsCompleted | None = None
        self.saved: list[str] = []
        self.pending = False
        self.show_rate = show_rate
        self.grid: tuple[int, int] | None = None
        self.error = ""
        self.note = ""
        """Why the run paused without being asked to (shown until the next run)."""
        self.queued: list[str] = []
        """The run keys pressed while the engine was starting, in order: done once the run is
        built."""
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
        if self.lesson is not None:
            yield LessonPane(self.lesson, self.lesson_number(), id="lesson")
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
        if self.screen.is_modal and action != "quit_now":  # a dialog owns the keys
            return action == "screenshot" or action not in KEY_ACTIONS  # S: model view's
        if action == "leave_field":
            return self.focused is not None
        if action == "jump":
            return self.can_jump()  # actions/fieldjump.py
        if self.screen is self.sweeps and action not in ("quit", "quit_now"):  # keys rest
            return action not in KEY_ACTIONS
        return True

    def action_leave_field(self) -> None:
        self.screen.set_focus(None)

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: self.size is still the old one here (D5: the panel lagged
        # one resize behind). The status reads self.size, so it fits once that is set.
        self.query_one(ControlPanel).fit(event.size.width)
        self.call_later(self.update_status)  # it fits its line to the width

    def action_narrower(self) -> None:
        self.query_one(ControlPanel).widen(self.size.width, -STEP)

    def action_wider(self) -> None:
        self.query_one(ControlPanel).widen(self.size.width, STEP)

    def on_mount(self) -> None:
        self.load_settings()
        self.start_engine()
        self.offer_recovery()

    def on_ready(self) -> None:
        # After the first frame: move everything alive now (Textual, widgets, styles) out
        # of the collector's sight. Full collections otherwise took 28-43 ms mid-run.
        gc.collect()
        gc.freeze()

    @property
    def state(self) -> AppState | RunState:
        """What the status line shows: the app's own state while the engine is not up,
        else the run's, as the engine told it."""
        return self.engine_state or self.run_state

    def start_engine(self) -> None:
        self.engine_state = AppState.STARTING
        self.client.launch(recovery=self.recovery_folder())
        self.consume_events()

    @work(exclusive=True, group="engine")
    async def consume_events(self) -> None:
        async for event in self.client.events():
            try:
                self.receive(event)
            except Exception as error:  # noqa: BLE001 - the next event is received (net.py)
                if isinstance(error, NoMatches) and not self.is_running:
                    return  # the app is shutting down and its widgets are gone
                if not self.net_open:
                    raise
                self.survive(error, f"receiving {type(event).__name__}")

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
        self.client.close(recover=not self.quitting)  # a bug ended the app: keep the run
