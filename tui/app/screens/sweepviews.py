"""The sweep screen's views: the heatmap's layout for any number of keys, and ``v``.

A mixin for :class:`~torchplay.tui.app.screens.sweepscreen.SweepScreen`: the heatmap puts
the first key across and every combination of the others down (one cell per member); the
analysis views (:class:`~torchplay.tui.app.widgets.sweepchart.SweepChart`: parallel
coordinates, slice plots, importance) take the members' values and latest losses as a
:class:`~torchplay.tui.draw.scales.SweepView`. ``v`` cycles the views and gives the shown
one the focus; Enter on a member in a chart opens it, as Enter on a heatmap cell does.
"""

from __future__ import annotations

import itertools

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import Static
from torchplay.engine.process import events as ev
from torchplay.engine.run.history import History
from torchplay.tui.app.screens.sweeplabels import member_label, short_names
from torchplay.tui.app.widgets.heatmap import Heatmap
from torchplay.tui.app.widgets.sweepchart import SweepChart
from torchplay.tui.draw.scales import SweepView

STOPPED_MARK = "▪"
"""After an early-stopped member's loss in its cell (a diverged one shows ``✗ div``)."""

VIEWS = ("heatmap", "parallel", "slices", "importance")
"""The views ``v`` cycles through (a grid of three keys or more opens on ``parallel``)."""
VIEW_TITLES = {
    "parallel": "parallel coordinates · green: best 3 · red: diverged · ↑↓ Enter",
    "slices": "loss by each key · green: best 3 · ✗ diverged · ↑↓ Enter",
    "importance": "importance: each key's share of the variance of log loss",
}


class SweepViews:
    """The views of the sweep screen (a mixin: the screen holds the state)."""

    view = VIEWS[0]
    """The view shown (:data:`VIEWS`)."""
    view_chosen = False
    """``v`` chose the view: a new sweep keeps it."""
    heat_title = Text("")

    def _tabs(self) -> Text:
        text = Text("v: ", style="dim")
        for name in VIEWS:
            text.append(f" {name} ", style="reverse bold" if name == self.view else "")
        return text

    def action_view(self) -> None:
        """The next view; the focus goes to it (arrows move there)."""
        self.show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])
        self.view_chosen = True
        widget = self.query_one(Heatmap if self.view == "heatmap" else SweepChart)
        widget.focus()

    def show_view(self, view: str) -> None:
        self.view = view
        heat = view == "heatmap"
        self.query_one(Heatmap).display = heat
        chart = self.query_one(SweepChart)
        chart.display = not heat
        if not heat:
            chart.mode = view
            chart.show(self.sweep_view())
        self.query_one("#sweep-tabs", Static).update(self._tabs())
        title = self.heat_title if heat else Text(VIEW_TITLES[view])
        self.query_one("#heat-title", Static).update(title)

    def sweep_view(self) -> SweepView | None:
        """The members' values and latest losses, for the analysis views."""
        started, last = self.started, self.last
        if started is None:
            return None
        n = len(started.overrides)
        losses = last.losses if last is not None else [None] * n
        states = last.states if last is not None else [""] * n
        return SweepView(
            [k for k, _ in started.axes],
            started.overrides,
            list(losses),
            [s == "diverged" for s in states],
            self.names,
        )

    def on_sweep_chart_member_selected(self, event: SweepChart.MemberSelected) -> None:
        self.open_member(event.index)

    def _layout(self, event: ev.SweepStarted) -> None:
        """One cell per member: the first key across, the others down (a row for each of
        their combinations)."""
        table = self.query_one(Heatmap)
        self.histories = [History(capacity=ev.SWEEP_POINTS) for _ in event.overrides]
        self.last = None
        (k0, v0), rest = event.axes[0], event.axes[1:]
        self.names = short_names([key for key, _ in event.axes])
        k0 = self.names[k0]
        if rest:
            rows = [
                ", ".join(map(member_label, combo))
                for combo in itertools.product(*(values for _, values in rest))
            ]
            table.reset([(member_label(v), max(8, len(member_label(v)))) for v in v0], rows)
            self.cells = [
                Coordinate(i % len(rows), i // len(rows)) for i in range(len(event.overrides))
            ]
            down = ", ".join(self.names[k] for k, _ in rest)
            title = f"loss by {k0} (across) and {down} (down)"
        else:
            table.reset([("loss", 10)], list(map(member_label, v0)))
            self.cells = [Coordinate(i, 0) for i in range(len(v0))]
            title = f"loss by {k0} (down)"
        legend = f" · {STOPPED_MARK} stopped early" if self.base.training.patience else ""
        self.heat_title = Text(f"{title} · greener is lower · ✗ diverged{legend}")
        if not self.view_chosen:
            self.view = "parallel" if len(event.axes) >= 3 else "heatmap"
        self.show_view(self.view)
