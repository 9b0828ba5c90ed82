"""Restoring a run: :meth:`Trainer.load_state <torchplay.engine.train.trainer.Trainer.load_state>`
puts a fresh trainer exactly where a checkpoint or an imported net left it."""

from __future__ import annotations

import torch
from torchplay.engine.process.events import ENDED, RunState
from torchplay.engine.run.history import History

PAUSED = RunState.PAUSED


def load_state(
    self,  # a Trainer (not imported: trainer.py imports this module)
    weights: dict[str, torch.Tensor],
    *,
    step: int = 0,
    state: str = PAUSED,
    lr: float | None = None,
    history: History | None = None,
    optim: dict[str, torch.Tensor] | None = None,
    batch: dict[str, torch.Tensor] | None = None,
    schedule: dict | None = None,
    best: tuple[float, int, torch.Tensor] | None = None,
    surgery: dict | None = None,
) -> None:
    """Put this fresh trainer exactly where a saved run left it (a checkpoint, an
    imported net). A run saved mid-way comes back paused; a finished or diverged one
    stays so. ``schedule``: the plateau schedule's state (``Schedule.state``);
    ``best``: early stopping's (``Best.state``), kept when this run stops early too;
    ``surgery``: the frozen and killed units (``Surgeon.state``).

    Raises:
        ValueError: ``schedule`` or ``surgery`` is not what its ``state`` writes.
    """
    self.load_weights(weights)
    self.schedule.load(schedule)
    if best is not None and self.best is not None:
        self.best.load(*best)
    if optim is not None:
        self.stepper.load_state_tensors(optim)
    if batch is not None:
        self.batches.load_state_tensors(batch)
    if lr is not None:
        self.set_lr(lr)
    self.surgeon.load(surgery, step)
    self.step_count = step
    self.history = history or History()
    self.last_loss = None
    self.state = RunState(state) if state in ENDED else PAUSED
    self.snapshots.take(self)  # time travel reaches back to here (and to step 0)
