"""The learning-rate range test (Smith 2015, as Lightning's ``LearningRateFinder``).

From the spec's initial weights, a short run raises the lr exponentially from ``min_lr``
to ``max_lr``, one step each. The loss is smoothed (an exponential moving average,
``beta = 0.98``, bias-corrected); the test stops once the smoothed loss exceeds four times
its best (divergence) or turns non-finite. Three rules read an lr off the curve
(:mod:`.lrrules`: Lightning's steepest descent, fastai's minimum/10 and valley); the
suggestion is :data:`~.lrrules.RULE`'s, the one that trained the built-in scenarios best.

Each step's loss is the batch loss measured before the next step, i.e. after the update
with that step's lr, so each lr is paired with the loss it produced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.lrrules import RULE, suggestions
from torchplay.engine.train.trainer import Trainer

BETA = 0.98
"""Smoothing of the loss (Lightning's)."""
DIVERGE = 4.0
"""Stop when the smoothed loss exceeds this many times its best (Lightning's
``early_stop_threshold``)."""


@dataclass(frozen=True)
class RangeTest:
    """The result: plain data."""

    lrs: list[float]
    """The lr of each step tried."""
    losses: list[float]
    """The smoothed loss after each of those steps."""
    suggested_lr: float | None
    """The suggestion of :data:`~.lrrules.RULE` (None: too few points)."""
    diverged: bool
    """Whether the test stopped early because the loss blew up."""
    suggestions: dict[str, float | None] = field(default_factory=dict)
    """Every rule's suggestion, by name (:data:`~.lrrules.RULES`)."""

    def to_json(self) -> dict:
        return {
            "suggested_lr": self.suggested_lr,
            "rule": RULE,
            "suggestions": self.suggestions,
            "lrs": self.lrs,
            "losses": self.losses,
            "diverged": self.diverged,
        }


def check_range(min_lr: float, max_lr: float, steps: int) -> None:
    """Raises:
    InputError: the lrs are not 0 < min_lr < max_lr (finite), or steps is not 20-10,000."""
    if not (math.isfinite(min_lr) and math.isfinite(max_lr) and 0 < min_lr < max_lr):
        raise InputError(
            f"lr-find: --min-lr {min_lr:g} and --max-lr {max_lr:g} must be finite with "
            "0 < min < max"
        )
    if not 20 <= steps <= 10_000:
        raise InputError(f"lr-find: --num-steps {steps}: must be from 20 to 10000")


def lr_find(spec: Spec, min_lr: float = 1e-6, max_lr: float = 10.0, steps: int = 100) -> RangeTest:
    """Run the range test on ``spec`` (its data, network, optimizer and batch size; its
    schedule and early stopping are left out).

    Raises:
        InputError: a bad range (:func:`check_range`), or a spec the trainer refuses.
    """
    check_range(min_lr, max_lr, steps)
    spec = spec.with_overrides(
        {"training.schedule": "constant", "training.patience": 0, "training.lr": min_lr}
    )
    trainer = Trainer(spec)
    stepper, batches = trainer.stepper, trainer.batches
    ratio = max_lr / min_lr
    lrs = [min_lr * ratio ** (i / (steps - 1)) for i in range(steps)]
    tried: list[float] = []
    losses: list[float] = []
    avg, best, diverged = 0.0, math.inf, False
    for i in range(steps + 1):  # one more: the last lr's loss is measured by a next step
        stepper.set_lr(lrs[min(i, steps - 1)])
        loss = stepper.step(*batches.next())  # before this step: after the previous lr's
        if i == 0:
            continue  # the initial weights' loss: no lr of the test made it
        avg = BETA * avg + (1 - BETA) * loss
        smoothed = avg / (1 - BETA ** (len(losses) + 1))
        if not math.isfinite(smoothed) or smoothed > DIVERGE * best:
            diverged = True
            break
        best = min(best, smoothed)
        tried.append(lrs[i - 1])
        losses.append(smoothed)
    picks = suggestions(tried, losses)
    return RangeTest(tried, losses, picks[RULE], diverged, picks)
