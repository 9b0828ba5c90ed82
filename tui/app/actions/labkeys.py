"""The app's keys beyond TF Playground's: time travel (``[``, ``]``), fork (``F``: ``f`` is
the lr finder), the A/B baseline (``b``), the neuron view (``v``) and painting data (``p``,
clicks), the health view (``g``); and what time travel and the baseline say in the status line.

:class:`LabKeys` is mixed into :class:`torchplay.tui.app.app.PlaygroundApp`: its actions send
the engine commands, and its ``receive_*`` methods take the engine's answers to them
(:data:`torchplay.tui.app.receivers.RECEIVERS`). :class:`Lineage` (no Textual) is the app's
record of the snapshot in view and the pinned baseline; the charts draw them
(:class:`torchplay.tui.app.widgets.chartpane.ChartPane`).
"""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.run.spec import SpecError
from torchplay.engine.run.views import StepView
from torchplay.tui.app.widgets.chartpane import ChartPane
from torchplay.tui.app.widgets.healthview import HealthScreen
from torchplay.tui.app.widgets.inspectview import InspectScreen
from torchplay.tui.app.widgets.neurons import CARD, NeuronScreen
from torchplay.tui.app.widgets.paint import PaintChart, painted
from torchplay.tui.app.widgets.panel import ControlPanel
from torchplay.tui.app.widgets.surgery import SurgeryScreen
from torchplay.tui.app.widgets.warpview import WarpScreen
from torchplay.tui.draw.progress import fmt


class Lineage:
    """The snapshot in view and the pinned baseline, as the app knows them."""

    def __init__(self) -> None:
        self.view: StepView | None = None
        """The snapshot in view; None at the live end."""
        self.first = False
        """The view is the run's first snapshot: ``[`` goes no further."""
        self.pinned = ""
        """The pinned baseline's run id; empty when none is pinned."""
        self.view_base: StepView | None = None
        """The baseline at the step in view."""

    def handle(self, event: ev.Travelled | ev.BaselinePinned) -> None:
        if isinstance(event, ev.Travelled):
            self.view, self.first, self.view_base = event.view, event.first, event.baseline
        else:
            self.pinned = event.run_id

    def status(self, last: ev.StepsCompleted | None, short: bool = False) -> list[str]:
        """Status-line parts: the step in view, and the baseline's losses beside the run's
        (``short``: fewer words, for a narrow terminal)."""
        parts = []
        if self.view is not None:
            v = self.view
            edge = " (first)" if self.first else ""
            loss = fmt(v.train_loss, ".4g")
            long = f"viewing step {v.step:,}{edge}: train {loss}"
            parts.append(f"view {v.step:,}: {loss}" if short else long)
        base = self.view_base if self.view is not None else last and last.baseline
        if self.pinned and base is not None:
            metric = (
                f"acc {fmt(base.accuracy, '.3f')}"
                if base.accuracy is not None
                else f"R² {fmt(base.r2, '.4g')}"
            )
            loss = fmt(base.train_loss, ".4g")
            parts.append(f"base {loss}" if short else f"baseline {loss} {metric}")
        return parts


class LabKeys:
    """Actions and receivers for ``[`` ``]`` ``F`` ``b`` ``v`` ``p``; the app provides
    ``client``, ``lineage``, ``run_info``, ``spec``, ``state`` and the rest."""

    inspecting: list[float] | None = None
    """The point the inspector shows (``i``), recomputed at each travel; None: closed."""

    def receive_travelled(self, event: ev.Travelled) -> None:
        self.lineage.handle(event)
        self.query_one(ChartPane).travel(event)
        if self.inspecting is not None:
            self.client.inspect(self.inspecting)

    def receive_baseline_pinned(self, event: ev.BaselinePinned) -> None:
        self.lineage.handle(event)
        self.query_one(ChartPane).pin(event)

    def receive_neurons_shown(self, event: ev.NeuronsShown) -> None:
        if isinstance(self.screen, NeuronScreen):
            self.screen.show(event.view)

    def action_back(self) -> None:
        if self.run_info is not None:
            self.client.travel(-1)

    def action_forward(self) -> None:
        if self.run_info is not None:
            self.client.travel(1)

    def action_fork(self) -> None:
        spec = None if self.run_info is None else self.trainable_spec()
        if spec is not None:
            self.spec = spec
            self.client.fork(spec)

    def action_baseline(self) -> None:
        if self.run_info is not None:
            (self.client.unpin if self.lineage.pinned else self.client.pin)()

    def action_neurons(self) -> None:
        self.client.neurons(*CARD)
        self.push_screen(NeuronScreen(), lambda _: self.client.neurons(0, 0))

    def receive_health_shown(self, event: ev.HealthShown) -> None:
        if isinstance(self.screen, HealthScreen):
            self.screen.show(event.view)

    def action_health(self) -> None:
        self.client.health(True)
        self.push_screen(HealthScreen(), lambda _: self.client.health(False))

    def receive_inspected(self, event: ev.Inspected) -> None:
        if isinstance(self.screen, InspectScreen):
            self.screen.show(event.step, event.point, event.trace)

    def action_inspect(self) -> None:
        """The paint cursor's point (``p`` places it), else the first training point."""
        if self.run_info is None:
            return
        cursor = self.query_one(PaintChart).cursor
        s = self.run_info.samples
        if not s.two_inputs:  # 1-D regression: the cursor's x
            point = [cursor[0] if cursor else s.x[0]]
        else:
            point = list(cursor) if cursor else [s.x[0], s.y[0]]
        self.inspecting = point
        self.client.inspect(point)
        self.push_screen(InspectScreen(), lambda _: setattr(self, "inspecting", None))

    def action_paint(self) -> None:
        self.query_one(PaintChart).paint()

    def on_paint_chart_painted(self, message: PaintChart.Painted) -> None:
        if self.run_info is None or self.state == "starting":
            return
        try:
            spec = painted(self.spec, self.run_info.samples, message)
        except SpecError as exc:
            self.notify(str(exc), severity="warning")
            return
        # The panel's spec is the one space and a sweep train: it holds the points too.
        self.query_one(ControlPanel).show(spec)
        self.rebuild(spec)

    def receive_unit_shown(self, event: ev.UnitShown) -> None:
        if isinstance(self.screen, SurgeryScreen):
            self.screen.show(event)

    def on_neuron_screen_chosen(self, message: NeuronScreen.Chosen) -> None:
        """Enter on a unit in the neuron view: surgery on it."""
        metric = (
            "R²" if self.run_info is not None and self.run_info.task == "regression" else "accuracy"
        )
        self.client.show_unit(message.layer, message.unit)
        self.push_screen(
            SurgeryScreen(message.layer, message.unit, metric),
            lambda _: self.client.show_unit(0, 0),
        )

    def action_warp(self) -> None:
        """The representation view (needs a hidden layer and data of one or two inputs)."""
        if self.run_info is None:
            return
        hidden = self.run_info.spec.model.hidden
        if not hidden or self.run_info.n_inputs > 2:
            self.notify("the representation view needs a hidden layer and 1-2 inputs")
            return
        self.push_screen(WarpScreen(hidden, self.client.warp), lambda _: self.client.warp(0))

    def receive_warped(self, event: ev.Warped) -> None:
        if isinstance(self.screen, WarpScreen):
            self.screen.show(event.view)

    def on_surgery_screen_operated(self, message: SurgeryScreen.Operated) -> None:
        m = message
        self.client.operate(m.layer, m.unit, m.action, m.index, m.value)
