"""Runs made from other runs, and the engine's commands over them: time travel, forks and
the pinned baseline.

* :func:`fork` goes on from a parent's snapshot at step k with a (possibly changed)
  training spec. With the parent's spec unchanged it continues exactly as the parent did,
  bit for bit: weights, optimizer state and minibatch order all come from the snapshot.
* :func:`beside` starts a new run next to a baseline: the same data and, when the
  network has the same shape, the same initial weights (the baseline's step-0
  snapshot), so the two differ only in what the new spec changed.
* :class:`LineageCommands` (mixed into :class:`torchplay.engine.process.worker.Engine`,
  which owns the state these read: ``trainer``, ``baseline``, ``view_step``, ``grid``)
  carries out ``Travel``, ``BackToLive``, ``Fork``, ``Pin`` and ``Unpin``: view a
  snapshot, back to the live end, fork from the snapshot in view, pin a baseline and
  train beside it.
  The weights of a past step are put in place for a moment by
  :func:`torchplay.engine.train.snapshots.viewing`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from torchplay.engine.process import events as ev
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.history import History
from torchplay.engine.run.spec import Spec

if TYPE_CHECKING:  # the trainer (torch) loads when a run is made, not with the worker
    from torchplay.engine.train.trainer import Trainer


class LineageError(InputError):
    """A fork or baseline run cannot be made as asked; the message says why."""


def _changed(a: object, b: object, section: str) -> list[str]:
    return [
        f"{section}.{f.name}"
        for f in dataclasses.fields(a)  # type: ignore[arg-type]
        if getattr(a, f.name) != getattr(b, f.name)
    ]


def _load(child: Trainer, parent: Trainer, step: int, *, optimizer_state: bool) -> None:
    try:
        snap = parent.snapshots.get(step)
    except KeyError:
        near = parent.snapshots.nearest(step).step
        raise LineageError(
            f"no snapshot at step {step} of run {parent.run_id}: the nearest is step {near}"
        ) from None
    child.flat.copy_(snap.flat)
    if optimizer_state:
        child.stepper.load_state_tensors(snap.optim)
    child.batches.load_state_tensors(snap.batch)
    # A plateau schedule goes on counting where the parent was: its drops so far, its
    # best loss and the steps since it improved (a child of another schedule ignores it).
    child.schedule.load(snap.schedule)
    # Early stopping too: the best so far and the steps since (a child without it ignores it).
    if snap.best is not None and child.best is not None:
        child.best.load(*snap.best)
    child.patience_from = snap.patience_from
    child.surgeon.load(snap.surgery, step)
    child.step_count = step
    child.snapshots.take(child, snap.loss)


def fork(parent: Trainer, step: int, spec: Spec | None = None) -> Trainer:
    """A new run that goes on from ``parent``'s snapshot at ``step``.

    ``spec`` may change the training settings (and the name); the data and the model
    must stay, since the snapshot's weights belong to them.

    Raises:
        LineageError: no snapshot at ``step``, or ``spec`` changes the data or model.
    """
    from torchplay.engine.train.trainer import Trainer

    spec = spec or parent.spec
    changed = _changed(parent.spec.data, spec.data, "data")
    changed += _changed(parent.spec.model, spec.model, "model")
    if changed:
        raise LineageError(
            f"a fork keeps the data and the model; {', '.join(changed)} changed: "
            "start a new run instead"
        )
    spec = _surgery_kept(parent.spec, spec, step)
    child = Trainer(spec)
    old, new = parent.spec.training, spec.training
    same_optimizer = (old.optimizer, parent.stepper.fused) == (new.optimizer, child.stepper.fused)
    _load(child, parent, step, optimizer_state=same_optimizer)
    if new.lr == old.lr:
        child.set_lr(parent.snapshots.get(step).lr)
    h = parent.history
    child.history = History(h.capacity, h.stride, [p for p in h.points if p[0] <= step])
    child.forked_from = (parent.run_id, step)
    child.lineage = (*parent.lineage, (step, parent.spec))
    child.state = ev.RunState.PAUSED
    return child


def _surgery_kept(parent: Spec, spec: Spec, step: int) -> Spec:
    """``spec`` with the parent's surgery up to ``step`` (it made the snapshot's weights:
    the child's spec trains them again headless), then its own entries after ``step``."""
    done = [s for s in parent.training.surgery if s.step <= step]
    ahead = [s for s in spec.training.surgery if s.step > step]
    if done + ahead == list(spec.training.surgery):
        return spec
    training = dataclasses.replace(spec.training, surgery=tuple(done + ahead))
    return dataclasses.replace(spec, training=training)


def beside(baseline: Trainer, spec: Spec) -> Trainer:
    """A new run of ``spec`` that starts where ``baseline`` started.

    Raises:
        LineageError: ``spec`` trains on different data (features aside).
    """
    from torchplay.engine.train.trainer import Trainer

    base_data = dataclasses.replace(baseline.spec.data, features=spec.data.features)
    changed = _changed(base_data, spec.data, "data")
    if changed:
        raise LineageError(
            f"an A/B run trains on the baseline's data; {', '.join(changed)} changed: "
            "unpin the baseline first"
        )
    child = Trainer(spec)
    if child.flat.shape == baseline.flat.shape and _same_layers(child, baseline):
        _load(child, baseline, 0, optimizer_state=False)
    return child


def _same_layers(a: Trainer, b: Trainer) -> bool:
    return [t.shape for t in a.net.state_dict().values()] == [
        t.shape for t in b.net.state_dict().values()
    ]


class LineageCommands:
    """``Travel``, ``BackToLive``, ``Fork``, ``Pin`` and ``Unpin``
    (:mod:`torchplay.engine.process.commands`)."""

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
            self.send_views()  # type: ignore[attr-defined]  # DiagCommands: the live end

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
        self.send_views()  # type: ignore[attr-defined]  # DiagCommands: the step in view

    def fork(self, spec: Spec) -> None:
        """A new run from the snapshot in view (or the live end) with ``spec``'s training
        settings; the run it came from becomes the pinned baseline.

        Raises:
            LineageError: the spec changes the data or the model.
        """
        from torchplay.engine.train.threads import configure_threads

        parent = self.trainer
        if parent is None:
            return
        step = parent.step_count if self.view_step is None else self.view_step
        if step not in parent.snapshots.steps:
            parent.snapshots.take(parent)  # the live end, exactly
        child = fork(parent, step, spec)
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
        self.build(t.spec)

    def unpin(self) -> None:
        """No baseline any more; the current run goes on alone."""
        if self.baseline is None:
            return
        self.baseline = self.base_view = None
        self.conn.send(ev.BaselinePinned(""))
        if self.trainer is not None and self.trainer.state != ev.RunState.RUNNING:
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
