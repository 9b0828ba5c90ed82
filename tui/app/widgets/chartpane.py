"""The main screen's charts: the loss chart above the data chart, redrawn in turn.

The app hands each engine event's views here; this pane decides when each chart redraws
(one chart per tick, see :meth:`ChartPane.draw_next`) and owns the charts' view switches
(the ``l``, ``t`` and ``d`` keys), the snapshot in view (``[``/``]``) and the pinned
baseline's curve and fit (``b``, ``f``): a baseline's decision boundary is drawn in a
chart of its own (``#base``) beside the run's.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from torchplay.engine.process import events as ev
from torchplay.engine.run.views import DecisionGrid, HeatGrid, StepView
from torchplay.tui.app.status import heading
from torchplay.tui.app.widgets.charts import DataChart, LossChart
from torchplay.tui.app.widgets.paint import PaintChart
from torchplay.tui.app.widgets.terminal import output_backlog
from torchplay.tui.cli.flags import FPS

BACKLOG = 2
"""Writes the terminal may have queued before a tick skips its frame."""


class ChartPane(Vertical):
    """:class:`LossChart` (``#loss``) above :class:`DataChart` (``#data``), with the
    baseline's :class:`DataChart` (``#base``) beside it while one is pinned."""

    def __init__(self, fps: float = FPS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fps = fps
        """Chart frames a second at most (``--fps``)."""
        self.stale: set[type] = set()
        """Charts whose data changed since their last redraw."""
        self.order: list[type] = [LossChart, DataChart]
        self.viewing: StepView | None = None
        """The snapshot in view (time travel); None: the live end."""
        self.live: ev.StepsCompleted | None = None

    def compose(self) -> ComposeResult:
        yield LossChart(id="loss")
        with Horizontal(id="datarow"):
            yield PaintChart(id="data")
            yield DataChart(id="base")

    def on_mount(self) -> None:
        self.set_interval(1 / self.fps, self.draw_next)

    def show_run(self, event: ev.RunLoaded) -> None:
        """A run was built or loaded: its loss history and its data."""
        self.query_one(LossChart).show(event.points)
        self.query_one("#data", DataChart).show(event.samples)
        self.query_one("#base", DataChart).show(event.samples)
        self.live = None  # the previous run's: its baseline view is gone too
        self.travel(ev.Travelled(None))

    def progress(self, event: ev.StepsCompleted) -> None:
        """New loss points and the fit of the latest weights: both charts are stale."""
        self.query_one(LossChart).extend(event.points, event.lrs, event.lr_now)
        self.live = event
        data = self.query_one("#data", DataChart)
        if self.viewing is None:
            data.fit, data.heading = event.fit, heading(event)
        self.beside(event.baseline)
        self.stale.update((LossChart, DataChart))

    def travel(self, event: ev.Travelled) -> None:
        """Show the snapshot in view (its fit, a marker on the loss curve, the baseline
        at the same step), or, with no view, the live end again."""
        view = self.viewing = event.view
        data, loss = self.query_one("#data", DataChart), self.query_one(LossChart)
        loss.marker = view.step if view else None
        if view is not None:
            data.fit, data.heading = view.fit, f"step {view.step:,}: {heading(view)}"
            self.beside(event.baseline)
        elif self.live is not None:
            data.fit, data.heading = self.live.fit, heading(self.live)
            self.beside(self.live.baseline)
        self.stale.update((LossChart, DataChart))

    def pin(self, event: ev.BaselinePinned) -> None:
        """A baseline was pinned (its loss curve drawn from now on), or unpinned."""
        self.query_one(LossChart).baseline = list(event.points)
        if not event.run_id:
            self.beside(None)
        self.stale.add(LossChart)

    def beside(self, view: StepView | None) -> None:
        """The baseline's fit: a second line on the regression chart, or its decision
        boundary (2-D regression: its heatmap) in ``#base`` beside the run's."""
        data, base = self.query_one("#data", DataChart), self.query_one("#base", DataChart)
        boundary = view is not None and isinstance(view.fit, DecisionGrid | HeatGrid)
        data.base_fit = None if view is None or boundary else view.fit
        base.display = boundary
        if boundary:  # half the width: the short headings (a long one is not drawn)
            shown = self.viewing or self.live
            at = f"step {shown.step:,}" if self.viewing else "this run"
            data.heading = f"{at}: {heading(shown).split(' · ')[0]}"
        if boundary and view.fit is not base.fit:
            base.fit = view.fit
            base.heading = f"baseline: {heading(view).split(' · ')[0]}"
            base.replot()

    def draw_next(self) -> None:
        """Start at most one stale chart's redraw per tick, in turn.

        A chart frame costs 7-10 ms of Python (built on a worker thread, but under the
        same GIL); one per tick keeps the event loop's worst waits short. At 20 ticks a
        second each chart still redraws 10 times. A tick while the terminal is behind
        (:func:`output_backlog`) draws nothing: frames wait rather than queue up.
        """
        if output_backlog(self.app) > BACKLOG:
            return
        for kind in (self.order[0], self.order[1]):
            if kind in self.stale:
                self.stale.discard(kind)
                self.order.reverse()
                try:
                    self.query_one("#loss" if kind is LossChart else "#data").replot()
                except NoMatches:  # a tick during shutdown: the widgets are gone
                    return
                return

    def switch_log_scale(self) -> None:
        loss = self.query_one(LossChart)
        loss.log_scale = not loss.log_scale
        loss.replot()

    def switch_test_points(self) -> bool:
        """Show or hide the held-out test points; False when there are none to show."""
        data = self.query_one("#data", DataChart)
        data.show_test = not data.show_test
        data.replot()
        return not (data.show_test and data.samples is not None and not data.samples.test_x)

    def switch_discrete(self) -> None:
        """Switch the boundary between confidence shading and hard class regions."""
        data = self.query_one("#data", DataChart)
        data.discrete = not data.discrete
        data.replot()
