"""The main screen's charts: the loss chart above the data chart, redrawn in turn.

The app hands each engine event's views here; this pane decides when each chart redraws
(one chart per tick, see :meth:`ChartPane.draw_next`) and owns the charts' view switches
(the ``l``, ``t`` and ``d`` keys).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from torchplay.engine import events as ev
from torchplay.tui.charts import DataChart, LossChart
from torchplay.tui.flags import FPS
from torchplay.tui.status import heading
from torchplay.tui.terminal import output_backlog

BACKLOG = 2
"""Writes the terminal may have queued before a tick skips its frame."""


class ChartPane(Vertical):
    """:class:`LossChart` (``#loss``) above :class:`DataChart` (``#data``)."""

    def __init__(self, fps: float = FPS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fps = fps
        """Chart frames a second at most (``--fps``)."""
        self.stale: set[type] = set()
        """Charts whose data changed since their last redraw."""
        self.order: list[type] = [LossChart, DataChart]

    def compose(self) -> ComposeResult:
        yield LossChart(id="loss")
        yield DataChart(id="data")

    def on_mount(self) -> None:
        self.set_interval(1 / self.fps, self.draw_next)

    def show_run(self, event: ev.RunLoaded) -> None:
        """A run was built or loaded: its loss history and its data."""
        self.query_one(LossChart).show(event.points)
        self.query_one(DataChart).show(event.samples)

    def progress(self, event: ev.StepsCompleted) -> None:
        """New loss points and the fit of the latest weights: both charts are stale."""
        self.query_one(LossChart).extend(event.points, event.lrs)
        data = self.query_one(DataChart)
        data.fit, data.heading = event.fit, heading(event)
        self.stale.update((LossChart, DataChart))

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
                    self.query_one(kind).replot()
                except NoMatches:  # a tick during shutdown: the widgets are gone
                    return
                return

    def switch_log_scale(self) -> None:
        loss = self.query_one(LossChart)
        loss.log_scale = not loss.log_scale
        loss.replot()

    def switch_test_points(self) -> bool:
        """Show or hide the held-out test points; False when there are none to show."""
        data = self.query_one(DataChart)
        data.show_test = not data.show_test
        data.replot()
        return not (data.show_test and data.samples is not None and not data.samples.test_x)

    def switch_discrete(self) -> None:
        """Switch the boundary between confidence shading and hard class regions."""
        data = self.query_one(DataChart)
        data.discrete = not data.discrete
        data.replot()
