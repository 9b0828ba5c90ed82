"""Runs made from other runs: a fork from a snapshot, and a run beside a pinned baseline.

* :func:`fork` goes on from a parent's snapshot at step k with a (possibly changed)
  training spec. With the parent's spec unchanged it continues exactly as the parent did,
  bit for bit: weights, optimizer state and minibatch order all come from the snapshot.
* :func:`beside` starts a new run next to a baseline: the same data and, when the
  network has the same shape, the same initial weights (the baseline's step-0
  snapshot), so the two differ only in what the new spec changed.
* :func:`viewing` puts a snapshot's weights in place for a moment (charts of the past).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.history import History
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.trainer import PAUSED, Trainer


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
    child.step_count = step
    child.snapshots.take(child, snap.loss)


def fork(parent: Trainer, step: int, spec: Spec | None = None) -> Trainer:
    """A new run that goes on from ``parent``'s snapshot at ``step``.

    ``spec`` may change the training settings (and the name); the data and the model
    must stay, since the snapshot's weights belong to them.

    Raises:
        LineageError: no snapshot at ``step``, or ``spec`` changes the data or model.
    """
    spec = spec or parent.spec
    changed = _changed(parent.spec.data, spec.data, "data")
    changed += _changed(parent.spec.model, spec.model, "model")
    if changed:
        raise LineageError(
            f"a fork keeps the data and the model; {', '.join(changed)} changed: "
            "start a new run instead"
        )
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
    child.state = PAUSED
    return child


def beside(baseline: Trainer, spec: Spec) -> Trainer:
    """A new run of ``spec`` that starts where ``baseline`` started.

    Raises:
        LineageError: ``spec`` trains on different data (features aside).
    """
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


@contextlib.contextmanager
def viewing(trainer: Trainer, step: int) -> Iterator[int]:
    """Within the block the network holds the weights of the snapshot nearest ``step``
    (yielded); afterwards its own again."""
    snap = trainer.snapshots.nearest(step)
    saved = trainer.flat.clone()
    trainer.flat.copy_(snap.flat)
    try:
        yield snap.step
    finally:
        trainer.flat.copy_(saved)
