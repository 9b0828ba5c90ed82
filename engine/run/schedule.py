"""Learning-rate schedules: the lr each step runs with, from the run's lr and the step.

``training.schedule`` is one of :data:`SCHEDULES`. The closed forms are those of
``torch.optim.lr_scheduler`` when its ``step()`` is called after every optimizer step
(step ``k``, counted from 0, runs with the lr at ``last_epoch = k``):

* ``constant``: ``lr``;
* ``step``: ``lr * gamma ** (k // every)`` (``StepLR``);
* ``exponential``: ``lr * decay ** k`` (``ExponentialLR``);
* ``cosine``: ``min_lr + (lr - min_lr) * (1 + cos(pi * min(k, T) / T)) / 2`` with
  ``T = period`` (0: the spec's steps), flat at ``min_lr`` after ``T`` (``CosineAnnealingLR``
  without restarts);
* ``plateau``: the lr times ``gamma`` each time ``patience`` steps pass without a loss
  lower than the best by a relative ``1e-4`` (``ReduceLROnPlateau``'s default threshold),
  never below ``min_lr``. The loss watched is the test loss at each recorded history
  point (the batch's train loss without a test split), so patience counts steps.

The lr is a Python float handed to the fused path and to ``torch.optim`` alike, so both
paths stay bit for bit equal. No torch here: the spec validates through :func:`check`.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from torchplay.engine.run.errors import SpecError

SCHEDULES = ("constant", "step", "cosine", "exponential", "plateau")
"""The names ``training.schedule`` takes."""
THRESHOLD = 1e-4
"""plateau: a loss counts as lower when below ``best * (1 - THRESHOLD)``."""
MAX_DROPS = 10_000
"""plateau: the most drops one run records (the lr is then far below any use)."""
USES = {
    "constant": (),
    "step": ("schedule_every", "schedule_gamma"),
    "exponential": ("schedule_decay",),
    "cosine": ("schedule_period", "schedule_min_lr"),
    "plateau": ("schedule_gamma", "schedule_min_lr", "schedule_patience"),
}
"""The ``training.schedule_*`` fields each schedule reads (a saved spec leaves the others
out while they hold their defaults)."""


def check(training: Any) -> None:
    """Validate the schedule fields of a ``TrainingSpec`` (``schedule_*``); numbers
    become floats.

    Raises:
        SpecError: naming the field, the value and what it must be.
    """
    tr = training
    if not isinstance(tr.schedule, str) or tr.schedule not in SCHEDULES:
        raise SpecError("training.schedule", tr.schedule, f"must be one of {', '.join(SCHEDULES)}")
    _whole("training.schedule_every", tr.schedule_every, 1)
    _whole("training.schedule_period", tr.schedule_period, 0)
    _whole("training.schedule_patience", tr.schedule_patience, 1)
    _number("training.schedule_gamma", tr.schedule_gamma, "in (0, 1)", lambda v: 0 < v < 1)
    _number("training.schedule_decay", tr.schedule_decay, "in (0, 1]", lambda v: 0 < v <= 1)
    _number("training.schedule_min_lr", tr.schedule_min_lr, ">= 0", lambda v: v >= 0)
    for name in ("schedule_gamma", "schedule_decay", "schedule_min_lr"):
        object.__setattr__(tr, name, float(getattr(tr, name)))  # a frozen dataclass's own
    if tr.schedule in ("cosine", "plateau") and tr.schedule_min_lr >= tr.lr:
        raise SpecError(
            "training.schedule_min_lr",
            tr.schedule_min_lr,
            f"must be below training.lr ({tr.lr:g}) for the {tr.schedule} schedule",
        )


def _whole(name: str, value: Any, lo: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= 10**9:
        raise SpecError(name, value, f"must be an integer from {lo} to {10**9}")


def _number(name: str, value: Any, rule: str, ok) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(name, value, f"must be a finite number {rule}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int past float's range (TOML reads any size)
        finite = False
    if not finite or not ok(value):
        raise SpecError(name, value, f"must be a finite number {rule}")


class Schedule:
    """The lr of each step for one run; ``plateau`` also keeps what it has seen."""

    def __init__(self, training: Any) -> None:
        self.kind = training.schedule
        self.training = training
        self.varies = self.kind != "constant"
        """Whether the lr can differ from the run's lr (else nobody needs to ask)."""
        self.drops: list[int] = []
        """plateau: the steps from which each lower lr applies, ascending."""
        self.best = math.inf
        self.since = 0
        """plateau: the step of the last new lowest loss (or drop)."""

    def lr_at(self, lr: float, step: int) -> float:
        """The lr that step ``step`` (0 = the first) runs with, for the run's ``lr``."""
        tr, kind = self.training, self.kind
        if kind == "constant":
            return lr
        if kind == "step":
            return lr * tr.schedule_gamma ** (step // tr.schedule_every)
        if kind == "exponential":
            return lr * tr.schedule_decay**step
        if kind == "cosine":
            period = tr.schedule_period or tr.steps
            if period == 0:
                return lr
            low = tr.schedule_min_lr
            return low + (lr - low) * (1 + math.cos(math.pi * min(step, period) / period)) / 2
        n = bisect.bisect_right(self.drops, step)
        return max(tr.schedule_min_lr, lr * tr.schedule_gamma**n) if n else lr

    def observe(self, step: int, loss: float, lr: float) -> None:
        """plateau: the loss after ``step`` steps; drops the lr when patience ran out."""
        if self.kind != "plateau":
            return
        if loss < self.best * (1 - THRESHOLD):
            self.best, self.since = loss, step
        elif step - self.since >= self.training.schedule_patience:
            self.since = step
            low = self.training.schedule_min_lr
            if self.lr_at(lr, step) > low and len(self.drops) < MAX_DROPS:
                self.drops.append(step)

    def drops_until(self, step: int) -> list[int]:
        """Where the lr dropped, up to ``step``: the step counts whose step ran first with
        each lower lr (as the loss chart's points count them). ``step`` and ``plateau``
        only; the others change the lr at every step."""
        if self.kind == "step":
            every = self.training.schedule_every
            return list(range(every + 1, step + 1, every))[-MAX_DROPS:]
        return [d + 1 for d in self.drops if d + 1 <= step]

    def forget_after(self, step: int) -> None:
        """Undo drops after ``step`` (a diverged step was undone)."""
        self.drops = [d for d in self.drops if d <= step]

    def state(self) -> dict | None:
        """plateau: what resume needs, as plain data (None for the closed forms)."""
        if self.kind != "plateau":
            return None
        best = self.best if math.isfinite(self.best) else None
        return {"drops": list(self.drops), "best": best, "since": self.since}

    def load(self, raw: dict | None) -> None:
        """Restore :meth:`state`.

        Raises:
            ValueError: the state is not what :meth:`state` writes.
        """
        if self.kind != "plateau" or raw is None:
            return
        if not isinstance(raw, dict) or set(raw) != {"drops", "best", "since"}:
            raise ValueError("schedule state must hold drops, best and since")
        drops, best, since = raw["drops"], raw["best"], raw["since"]
        steps = [*drops, since] if isinstance(drops, list) else [None]
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in steps):
            raise ValueError(f"schedule drops {drops!r} and since {since!r} must be steps >= 0")
        if drops != sorted(drops) or len(drops) > MAX_DROPS:
            raise ValueError("schedule drops must be ascending steps")
        if best is not None and (
            isinstance(best, bool) or not isinstance(best, int | float) or not math.isfinite(best)
        ):
            raise ValueError(f"schedule best {best!r} must be a finite number or null")
        self.drops, self.since = list(drops), since
        self.best = math.inf if best is None else float(best)
