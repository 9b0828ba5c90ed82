"""The app's keys beyond TF Playground's: time travel (``[``, ``]``), fork (``F``: ``f`` is the lr finder), the
A/B baseline (``b``), the neuron view (``v``) and painting data (``p``, clicks).

:class:`LabKeys` is mixed into :class:`torchplay.tui.app.app.PlaygroundApp`: its actions send
the engine commands, and :meth:`LabKeys.handle_lab` takes the engine's answers to them.
The state they show lives in :class:`torchplay.tui.app.actions.timetravel.Lineage`, the charts in
:class:`torchplay.tui.app.widgets.chartpane.ChartPane`.
"""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.run.spec import SpecError
from torchplay.tui.app.widgets.chartpane import ChartPane
from torchplay.tui.app.widgets.neurons import CARD, NeuronScreen
from torchplay.tui.app.widgets.paint import PaintChart, painted
from torchplay.tui.app.widgets.panel import ControlPanel


class LabKeys:
    """Actions and event handling for ``[`` ``]`` ``F`` ``b`` ``v`` ``p``; the app
    provides ``client``, ``lineage``, ``run_info``, ``spec``, ``state`` and the rest."""

    def handle_lab(self, event: object) -> bool:
        """Take an engine event these keys caused; False for any other event."""
        if isinstance(event, ev.Travelled):
            self.lineage.handle(event)
            self.query_one(ChartPane).travel(event)
        elif isinstance(event, ev.BaselinePinned):
            self.lineage.handle(event)
            self.query_one(ChartPane).pin(event)
        elif isinstance(event, ev.NeuronsShown):
            if isinstance(self.screen, NeuronScreen):
                self.screen.show(event.view)
        else:
            return False
        return True

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
