"""Early stopping: the best weights so far, and the patience rule.

A trainer keeps a :class:`Best` when ``training.patience`` is set (or when asked to, e.g.
``torchplay train --save-best``). At each recorded history point the loss is offered
to it: the test loss of the current weights, or, without a test split, the batch loss
of the weights before that step. ``training.min_delta`` is how much lower a loss must be
to count as better; :meth:`Best.exhausted` says when ``patience`` steps went by
without one. Checkpoints store the best weights with the run (:mod:`.checkpoint`).
"""

from __future__ import annotations

import math

import torch


class Best:
    """The lowest loss seen at a recorded step, and a copy of the weights that gave it."""

    def __init__(self, flat: torch.Tensor, min_delta: float = 0.0) -> None:
        self.flat = flat
        """The best weights (a flat parameter buffer this object owns)."""
        self.loss = math.inf
        self.step = -1
        """The step the best weights are from (-1: none offered yet)."""
        self.min_delta = min_delta
        """An improvement must lower the loss by more than this."""

    def offer(self, step: int, loss: float, flat: torch.Tensor) -> None:
        """Keep ``flat`` (the weights after ``step`` steps) if ``loss`` is better."""
        if loss < self.loss - self.min_delta:
            self.loss, self.step = loss, step
            self.flat.copy_(flat)

    def state(self) -> tuple[float, int, torch.Tensor]:
        """(loss, step, a copy of the weights): what a snapshot or a checkpoint keeps."""
        return self.loss, self.step, self.flat.clone()

    def load(self, loss: float, step: int, flat: torch.Tensor) -> None:
        """Restore what :meth:`state` gave."""
        self.loss, self.step = loss, step
        self.flat.copy_(flat)

    def offer_point(
        self, count: int, loss: float, test: float | None, flat: torch.Tensor, before: torch.Tensor
    ) -> None:
        """At the history point of step ``count``: the test loss belongs to the current
        weights ``flat``; without a test split (``test`` None) the batch ``loss`` belongs
        to the weights before that step, ``before``."""
        if test is not None:
            self.offer(count, test, flat)
        else:
            self.offer(count - 1, loss, before)

    def exhausted(self, count: int, patience: int, since: int = 0) -> bool:
        """Whether ``patience`` steps (0: never) have passed without a better loss, counted
        from the best step, or from ``since`` if later (a stopped run asked to train on)."""
        return bool(patience) and count - max(self.step, since) >= patience
