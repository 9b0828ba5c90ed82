"""The app's receivers of engine events: one method per event type, and the table that
dispatches each event to its receiver.

A mixin of :class:`~torchplay.tui.app.app.PlaygroundApp`. :data:`RECEIVERS` names a
receiver for every event the engine sends (a contract test checks that none is missing);
the sweep screen's events go to it (:func:`~torchplay.tui.app.screens.sweepscreen.is_sweep_event`).
"""

from __future__ import annotations

from collections.abc import Callable

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.tui.app.actions.labkeys import LabKeys
from torchplay.tui.app.actions.lessonkeys import LessonKeys
from torchplay.tui.app.screens.lrfindscreen import LrFindScreen
from torchplay.tui.app.screens.screens import CompareScreen
from torchplay.tui.app.screens.sweepscreen import is_sweep_event
from torchplay.tui.app.status import AppState
from torchplay.tui.app.widgets.chartpane import ChartPane
from torchplay.tui.app.widgets.panel import ControlPanel


class Receivers:
    """What the app does with each engine event; the app provides ``client``, ``spec``,
    ``state`` and the rest (see :class:`~torchplay.tui.app.app.PlaygroundApp`)."""

    def receive(self, event: object) -> None:
        """Hand ``event`` to its receiver, then redraw the status line."""
        if is_sweep_event(event):
            self.receive_sweep(event)
            return  # the sweep screen draws its own progress
        self.observe_lesson(event)  # actions/lessonkeys.py: the live goal, forks
        receiver = RECEIVERS.get(type(event))
        if receiver is not None:
            receiver(self, event)
        self.update_status()

    def receive_sweep(self, event: object) -> None:
        if self.sweeps is not None:
            self.sweeps.handle(event)

    def receive_engine_started(self, _event: ev.EngineStarted) -> None:
        self.engine_state, self.run_state = None, ev.RunState.IDLE  # no run yet
        if self.grid:
            self.client.set_grid(*self.grid)
        if self.pending_compare:
            self.push_screen(CompareScreen(self.pending_compare))
            self.pending_compare = []
        if self.pending_share:
            self.client.open_shared(self.pending_share)
            self.pending_share = None
        elif self.pending_load:
            self.client.load(self.pending_load)
            self.pending_load = None
        else:
            self.client.build(self.spec)

    def receive_run_loaded(self, event: ev.RunLoaded) -> None:
        self.run_info = event
        self.pending = False
        if event.spec != self.spec or event.source:
            self.spec = event.spec
            self.query_one(ControlPanel).show(event.spec)
        self.query_one(ChartPane).show_run(event)
        self.run_state = event.state
        self.saved_at = event.step if event.source else None
        self.sync_lr = bool(event.source)
        if event.source and not self.recovered(event):  # actions/recovery.py
            self.notify(f"loaded {event.source} at step {event.step}")
        for action in self.queued:  # in the order pressed (actions/runkeys.py: queue)
            self.call_later(getattr(self, f"action_{action}"))
        self.queued = []

    def receive_steps_completed(self, event: ev.StepsCompleted) -> None:
        self.last = event
        self.note_divergence(event)  # actions/rescue.py
        if self.sync_lr:
            self.sync_lr = False
            self.show_live_lr()
        self.run_state = event.state
        if event.state == "running":
            self.note = ""
        self.query_one(ChartPane).progress(event)

    def receive_run_started(self, _event: ev.RunStarted) -> None:
        self.run_state = ev.RunState.RUNNING

    def receive_run_paused(self, event: ev.RunPaused) -> None:
        self.note = f"paused for {c.name_of(event.command)}"

    def receive_saved(self, event: ev.Saved) -> None:
        self.saved.append(event.path)
        self.saved_at = self.last.step if self.last else 0
        self.notify(f"saved {event.path}")

    def receive_command_failed(self, event: ev.CommandFailed) -> None:
        title = f"{c.name_of(event.command)} failed"
        self.notify(event.message, title=title, severity="error")
        if isinstance(event.command, c.Compare) and isinstance(self.screen, CompareScreen):
            self.pop_screen()

    def receive_compared(self, event: ev.Compared) -> None:
        if isinstance(self.screen, CompareScreen):
            self.screen.show(event.runs)

    def receive_lr_found(self, event: ev.LrFound) -> None:
        self.push_screen(LrFindScreen(event), self.apply_lr)

    def receive_engine_crashed(self, event: ev.EngineCrashed) -> None:
        if self.sweeps is not None:  # it says so too, while a sweep waits on the engine
            self.sweeps.handle(event)
        self.engine_state = AppState.ERROR
        self.error = event.message.strip().splitlines()[-1] if event.message else ""
        if self.client.log is not None:  # the engine's own process: its log says more
            self.notify(
                f"{self.error or 'it ended'}. Its log: {self.client.log}",
                title="the engine stopped",
                severity="error",
                timeout=30,
            )


RECEIVERS: dict[type, Callable[[Receivers, object], None]] = {
    ev.EngineStarted: Receivers.receive_engine_started,
    ev.SweepStarted: Receivers.receive_sweep,
    ev.SweepStepsCompleted: Receivers.receive_sweep,
    ev.RunLoaded: Receivers.receive_run_loaded,
    ev.RunStarted: Receivers.receive_run_started,
    ev.StepsCompleted: Receivers.receive_steps_completed,
    ev.RunPaused: Receivers.receive_run_paused,
    ev.Saved: Receivers.receive_saved,
    ev.CommandFailed: Receivers.receive_command_failed,
    ev.Compared: Receivers.receive_compared,
    ev.LrFound: Receivers.receive_lr_found,
    ev.EngineCrashed: Receivers.receive_engine_crashed,
    ev.ShareMade: LessonKeys.receive_share_made,
    ev.SharedOpened: LessonKeys.receive_shared_opened,
    ev.Travelled: LabKeys.receive_travelled,
    ev.BaselinePinned: LabKeys.receive_baseline_pinned,
    ev.NeuronsShown: LabKeys.receive_neurons_shown,
    ev.HealthShown: LabKeys.receive_health_shown,
    ev.Inspected: LabKeys.receive_inspected,
    ev.UnitShown: LabKeys.receive_unit_shown,
    ev.Warped: LabKeys.receive_warped,
}
"""Every event the engine sends, and the app's method that takes it."""
