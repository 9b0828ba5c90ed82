"""How many intra-op threads torch runs with: one for small steps, its default for large.

The rule reads a step's size (parameters times batch rows); the app's engine, the
headless commands and sweeps all set threads through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from torchplay.engine.train.trainer import Trainer

_DEFAULT_THREADS = torch.get_num_threads()


def configure_threads(trainer: Trainer) -> None:
    """One intra-op thread for small work per step, torch's default for large.

    Measured by ``make bench`` (steps/s, one thread over two, two runs): the tutorial's
    classification 1.14-1.26x, 100k points in minibatches of 256 1.04-1.06x, the same
    100k points as one full batch 0.56-0.65x. One thread also leaves the other core to
    the app's UI.
    """
    configure_threads_for(step_work(trainer))


def step_work(trainer: Trainer) -> int:
    """Parameters times batch rows: the size of one step, for choosing threads."""
    return trainer.params * max(1, trainer.batches.size or trainer.batches.n)


def configure_threads_for(work: int) -> None:
    """One thread below 5e7 parameter-rows per step (a population sums its members)."""
    torch.set_num_threads(1 if work < 50_000_000 else _DEFAULT_THREADS)
