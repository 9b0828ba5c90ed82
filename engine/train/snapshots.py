"""Weight snapshots for time travel and forks: log-spaced, bounded in count and bytes.

A :class:`Snapshots` store keeps, for chosen steps, everything a run needs to go on from
there exactly: the flat parameter buffer, the optimizer state, the minibatch state, the
plateau schedule's state and early stopping's best weights.
Steps are log-spaced: every step up to 14, then each step at least ``ratio`` times the
last (1.075: about 105 snapshots by step 10,000, 137 by 100,000). When the store holds
more than :data:`MAX_SNAPSHOTS` snapshots or :data:`MAX_BYTES` bytes, every other one
is dropped (step 0 and the newest stay) and the ratio squares, so spacing stays
logarithmic however long a run goes. Memory per run is at most 64 MiB, except that the
step-0 snapshot always stays (a network whose state alone is over 32 MiB keeps step 0
and the newest snapshot only).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torchplay.engine.train.evaluate import reported_loss

MAX_SNAPSHOTS = 256
"""The most snapshots one run keeps."""
MAX_BYTES = 64 * 1024 * 1024
"""The most bytes one run's snapshots take (step 0 and the newest always stay)."""
RATIO = 1.075
"""Each snapshot's step is at least this many times the previous one's."""


@dataclass(frozen=True)
class Snapshot:
    """A run's state after ``step`` steps (tensors owned by the snapshot)."""

    step: int
    flat: torch.Tensor
    optim: dict[str, torch.Tensor]
    batch: dict[str, torch.Tensor]
    lr: float
    schedule: dict | None = None
    """The plateau schedule's drops, best loss and last improvement at ``step``
    (:meth:`torchplay.engine.run.schedule.Schedule.state`; None for the other schedules)."""
    best: tuple[float, int, torch.Tensor] | None = None
    """Early stopping's best so far: (loss, step, weights) (``Best.state``; shared with
    the snapshot before while it is unchanged), None before any or without one."""
    patience_from: int = 0
    """Early stopping counts from here at least (see ``Trainer.patience_from``)."""
    loss: float | None = None
    """The train loss reported at ``step`` (its batch's, before its update: see
    :func:`torchplay.engine.train.evaluate.step_loss`); None where it was not at hand."""
    surgery: dict | None = None
    """The frozen and killed units at ``step`` (``Surgeon.state``; None: none)."""

    @property
    def nbytes(self) -> int:
        tensors = [self.flat, *self.optim.values(), *self.batch.values()]
        if self.best is not None:
            tensors.append(self.best[2])  # counted again where shared: a bound, not a sum
        return sum(t.numel() * t.element_size() for t in tensors)


class Snapshots:
    """The snapshots of one run, oldest first."""

    def __init__(self, ratio: float = RATIO) -> None:
        self.ratio = ratio
        self.items: list[Snapshot] = []
        self.next_step = 0
        self.nbytes = 0

    def take(self, trainer, loss: float | None = None) -> None:
        """Record ``trainer`` as it is now (replacing a snapshot of the same step), with
        ``loss``, the step's reported train loss (None: the trainer's, if at hand)."""
        step = trainer.step_count
        if loss is None:
            loss = reported_loss(trainer)
        snap = Snapshot(
            step,
            trainer.flat.clone(),
            trainer.stepper.state_tensors(),
            trainer.batches.state_tensors(),
            trainer.lr,
            trainer.schedule.state(),
            self._best(trainer.best),
            trainer.patience_from,
            loss,
            trainer.surgeon.state(),
        )
        self.drop_after(step - 1)
        self.items.append(snap)
        self.nbytes += snap.nbytes
        while len(self.items) > 2 and (len(self.items) > MAX_SNAPSHOTS or self.nbytes > MAX_BYTES):
            self._thin()
        self.next_step = max(step + 1, math.ceil(step * self.ratio))

    def _best(self, best) -> tuple[float, int, torch.Tensor] | None:
        """``best``'s state, sharing the newest snapshot's copy while it is unchanged
        (the best weights change rarely late in a run)."""
        if best is None or best.step < 0:
            return None
        last = self.items[-1].best if self.items else None
        if last is not None and last[:2] == (best.loss, best.step):
            return last
        return best.state()

    def _thin(self) -> None:
        first, *middle, last = self.items
        kept = [first, *middle[1::2], last]
        self.items = kept
        self.nbytes = sum(s.nbytes for s in kept)
        self.ratio *= self.ratio

    def drop_after(self, step: int) -> None:
        """Forget snapshots after ``step`` (a diverged step was undone)."""
        if self.items and self.items[-1].step > step:
            self.items = [s for s in self.items if s.step <= step]
            self.nbytes = sum(s.nbytes for s in self.items)
            last = self.items[-1].step if self.items else -1
            self.next_step = max(last + 1, math.ceil(last * self.ratio))

    @property
    def steps(self) -> list[int]:
        """The steps held, ascending."""
        return [s.step for s in self.items]

    def get(self, step: int) -> Snapshot:
        """The snapshot of exactly ``step``.

        Raises:
            KeyError: none was kept at that step.
        """
        for snap in self.items:
            if snap.step == step:
                return snap
        raise KeyError(step)

    def nearest(self, step: int) -> Snapshot:
        """The kept snapshot closest to ``step`` (at or before it on a tie)."""
        return min(self.items, key=lambda s: (abs(s.step - step), s.step))


@contextlib.contextmanager
def viewing(trainer, step: int) -> Iterator[int]:
    """Within the block the network holds the weights of the snapshot nearest ``step``
    (yielded); afterwards its own again."""
    snap = trainer.snapshots.nearest(step)
    saved = trainer.flat.clone()
    trainer.flat.copy_(snap.flat)
    try:
        yield snap.step
    finally:
        trainer.flat.copy_(saved)
