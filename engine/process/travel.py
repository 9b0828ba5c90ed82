"""The engine's time-travel and lineage commands: view a snapshot, back to the live end,
fork from the snapshot in view, pin a baseline and train beside it.

:class:`LineageCommands` is mixed into :class:`torchplay.engine.process.worker.Engine`, which owns
the state these read (``trainer``, ``baseline``, ``view_step``, ``grid``). The runs
themselves are made by :mod:`torchplay.engine.train.lineage`.
"""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.run.errors import InputError


class LineageCommands:
    """``travel``, ``back_to_live``, ``fork``, ``pin`` and ``unpin`` (see the worker's
    MID_RUN)."""

    trainer: object
    baseline: object
    view_step: int | None
    base_view: object
    grid: tuple[int, int]
    conn: object

    def travel(self, delta: int) -> None:
        """Show the snapshot before (``delta`` < 0) or after (> 0) the one in view; past
        the newest snapshot, the live end again."""

        t = self.trainer
        if t is None:
            return
        steps = t.snapshots.steps
        here = t.step_count if self.view_step is None else self.view_step
        if delta < 0:
            earlier = [s for s in steps if s < here]
            target = earlier[-1] if earlier else steps[0]
        else:
            later = [s for s in steps if s > here]
            if self.view_step is None or not later or later[0] >= t.step_count:
                self.back_to_live()
                return
            target = later[0]
        self.view_step = target
        self._send_view()

    def back_to_live(self) -> None:
        """Leave time travel: the charts show the latest weights again (every command that
        trains calls this first)."""
        if self.view_step is not None:
            self.view_step = None
            self.conn.send(ev.Travelled(None))

    def resend_view(self) -> None:
        """The snapshot in view again (its decision grid at a new chart size)."""
        if self.view_step is not None:
            self._send_view()

    def _send_view(self) -> None:
        from torchplay.engine.train import probes

        step, t = self.view_step, self.trainer
        view = probes.step_view(t, step, self.grid)
        first = step == t.snapshots.steps[0]
        self.conn.send(ev.Travelled(view, first, self.baseline_at(step)))

    def fork(self, spec_dict: dict) -> None:
        """A new run from the snapshot in view (or the live end) with ``spec_dict``'s
        training settings; the run it came from becomes the pinned baseline.

        Raises:
            LineageError: the spec changes the data or the model.
        """
        from torchplay.engine.run.source import from_dict
        from torchplay.engine.train.lineage import fork
        from torchplay.engine.train.threads import configure_threads

        parent = self.trainer
        if parent is None:
            return
        step = parent.step_count if self.view_step is None else self.view_step
        if step not in parent.snapshots.steps:
            parent.snapshots.take(parent)  # the live end, exactly
        child = fork(parent, step, from_dict(spec_dict))
        configure_threads(child)
        self.trainer = child
        self.back_to_live()
        self._pin(parent)
        self._loaded()

    def pin(self) -> None:
        """Pin the current run as the baseline; a new run of the same spec starts beside
        it, from the same data and initial weights.

        Raises:
            InputError: the run has not trained yet.
        """
        t = self.trainer
        if t is None or t.step_count == 0:
            raise InputError("nothing to pin yet: train the run first")
        self._pin(t)
        self.build(t.spec.to_dict())

    def unpin(self) -> None:
        """No baseline any more; the current run goes on alone."""
        if self.baseline is None:
            return
        self.baseline = self.base_view = None
        self.conn.send(ev.BaselinePinned(""))
        if self.trainer is not None and self.trainer.state != "running":
            self._emit()

    def _pin(self, run) -> None:
        if run.snapshots.steps[-1] != run.step_count:
            run.snapshots.take(run)  # its end is drawn exactly, not the nearest snapshot
        self.baseline, self.base_view = run, None
        self.conn.send(ev.BaselinePinned(run.run_id, run.step_count, list(run.history.points)))

    def baseline_at(self, step: int):
        """The baseline at its snapshot nearest ``step`` (None when none is pinned)."""
        from torchplay.engine.train import probes

        base = self.baseline
        if base is None:
            return None
        near = base.snapshots.nearest(min(step, base.step_count)).step
        if self.base_view is None or self.base_view.step != near:
            self.base_view = probes.step_view(base, near, self.grid)
        return self.base_view
