"""The app's side of time travel and A/B runs: what ``[``, ``]``, ``f`` and ``b`` say in
the status line.

No Textual here: :class:`Lineage` is the app's record of the snapshot in view and the
pinned baseline, fed by the engine's ``Travelled`` and ``BaselinePinned`` events; the
charts draw them (:class:`torchplay.tui.app.widgets.chartpane.ChartPane`).
"""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.run.views import StepView
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
