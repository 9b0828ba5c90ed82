"""Hyperparameter importance: each key's share of the variance of the sweep's log loss.

Pure Python, no torch and no new dependency. The response is ``log10`` of each member's
final loss (losses spread over decades; the charts draw them on log axes too). A diverged
member counts as a loss ten times the worst finite one of the sweep (:data:`DIVERGED_PENALTY`
decades), so that a key that makes members diverge is found important, and a loss of
exactly 0 as a tenth of the best positive one; a member with no loss yet (the live
screen) is left out.

Two estimators, chosen by the design of the rows (:func:`importance` says which ran):

- ``anova``: on a full grid (every combination of the keys' values once, or each the same
  number of times), the exact main-effect ANOVA: a key's share is its between-levels sum
  of squares over the total sum of squares. The designs are orthogonal, so the shares add
  up to at most 1; what is left (:attr:`Importance.interactions`) is the keys' interactions.
- ``binned anova``: on sampled trials (random or TPE search, or an incomplete grid), each
  key on its own: a numeric key's values are cut into quantile bins (categories stay
  categories), and the share is the bias-corrected between-bins share of variance
  (omega squared, clipped at 0: a key unrelated to the loss scores about 0, not the
  ``(bins - 1) / (n - 1)`` that plain eta squared gives noise). Keys sampled together are
  not orthogonal, so when these shares add up to more than 1 they are scaled to add up to 1.

Optuna's fANOVA (a random forest) is not used here: it needs scikit-learn besides optuna,
and the binned estimator is deterministic, quick and explainable in one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DIVERGED_PENALTY = 1.0
"""Decades above the worst finite loss that a diverged member counts as."""
MAX_BINS = 8
"""The most quantile bins a numeric key is cut into (sampled trials)."""
MIN_PER_BIN = 4
"""Sampled trials per bin, at least: 20 trials give 5 bins, 64 give 8."""


@dataclass(frozen=True)
class Importance:
    """Each key's share of the log-loss variance, and how it was estimated."""

    shares: dict[str, float]
    """KEY -> share in 0..1, in the keys' order."""
    method: str
    """``anova`` (exact, full grid), ``binned anova`` (sampled trials) or ``none`` (fewer
    than two members with a loss, or no spread in the loss)."""
    members: int
    """How many members the estimate used."""

    @property
    def interactions(self) -> float:
        """What the keys' main effects leave unexplained (exact on a full grid)."""
        return max(0.0, 1.0 - sum(self.shares.values()))

    def ranked(self) -> list[tuple[str, float]]:
        """(key, share) pairs, the most important first (ties in key order)."""
        order = {k: i for i, k in enumerate(self.shares)}
        return sorted(self.shares.items(), key=lambda kv: (-kv[1], order[kv[0]]))

    def to_json(self) -> dict[str, float]:
        """``importance`` in ``sweep.json``: KEY -> share, rounded to 4 digits."""
        return {k: round(v, 4) for k, v in self.shares.items()}


def level(value: Any) -> Any:
    """A hashable stand-in for a grid value (hidden widths are lists)."""
    return tuple(value) if isinstance(value, list) else value


def is_number(value: Any) -> bool:
    """A real number (not a bool: true/false are categories)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def response(losses: Sequence[float | None], diverged: Sequence[bool]) -> list[float | None]:
    """log10 of each loss; a diverged member's is :data:`DIVERGED_PENALTY` above the worst
    finite one (0 when none is finite), a loss of 0 as far below the best; None: no loss."""
    logs = [
        math.log10(x) if x is not None and not d and x > 0 and math.isfinite(x) else None
        for x, d in zip(losses, diverged, strict=True)
    ]
    finite = [v for v in logs if v is not None]
    worst = (max(finite) if finite else 0.0) + DIVERGED_PENALTY
    best = (min(finite) if finite else 0.0) - DIVERGED_PENALTY
    out: list[float | None] = []
    for x, v, d in zip(losses, logs, diverged, strict=True):
        if d:
            out.append(worst)
        elif v is None and x is not None and x == 0:  # a perfect fit: below the best
            out.append(best)
        else:
            out.append(v)
    return out


def importance(
    overrides: Sequence[dict[str, Any]],
    losses: Sequence[float | None],
    diverged: Sequence[bool] | None = None,
    keys: Sequence[str] | None = None,
) -> Importance:
    """Each key's share of the log-loss variance over the members.

    Args:
        overrides: each member's KEY -> value.
        losses: each member's final loss (None: none yet).
        diverged: each member diverged (default: none did).
        keys: the keys to rate, in order (default: the first member's keys).
    """
    diverged = diverged if diverged is not None else [False] * len(losses)
    keys = list(keys) if keys is not None else list(overrides[0]) if overrides else []
    ys = response(losses, diverged)
    used = [(o, y) for o, y in zip(overrides, ys, strict=True) if y is not None]
    none = Importance({k: 0.0 for k in keys}, "none", len(used))
    if len(used) < 2 or not keys:
        return none
    mean = sum(y for _, y in used) / len(used)
    total = sum((y - mean) ** 2 for _, y in used)
    if total <= 1e-24 * max(1.0, mean * mean) * len(used):
        return none
    rows = [([level(o.get(k)) for k in keys], y) for o, y in used]
    if full_grid([r for r, _ in rows]):
        shares = {k: between(rows, i, mean) / total for i, k in enumerate(keys)}
        return Importance({k: min(1.0, max(0.0, v)) for k, v in shares.items()}, "anova", len(used))
    shares = {k: binned_share(rows, i, mean, total) for i, k in enumerate(keys)}
    scale = sum(shares.values())
    if scale > 1.0:
        shares = {k: v / scale for k, v in shares.items()}
    return Importance(shares, "binned anova", len(used))


def full_grid(points: list[list[Any]]) -> bool:
    """Whether ``points`` hold every combination of their coordinates' values, each the
    same number of times (a balanced full factorial: main effects are orthogonal)."""
    if not points:
        return False
    counts: dict[tuple, int] = {}
    for p in points:
        counts[tuple(p)] = counts.get(tuple(p), 0) + 1
    cells = 1
    for i in range(len(points[0])):
        cells *= len({p[i] for p in points})
    return len(counts) == cells and len(set(counts.values())) == 1


def between(rows: list[tuple[list[Any], float]], i: int, mean: float) -> float:
    """The between-levels sum of squares of coordinate ``i``."""
    groups: dict[Any, list[float]] = {}
    for point, y in rows:
        groups.setdefault(point[i], []).append(y)
    return sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())


def binned_share(rows: list[tuple[list[Any], float]], i: int, mean: float, total: float) -> float:
    """Omega squared of coordinate ``i`` cut into bins (:func:`bins`), clipped at 0."""
    labels = bins([p[i] for p, _ in rows], len(rows))
    groups: dict[int, list[float]] = {}
    for label, (_, y) in zip(labels, rows, strict=True):
        groups.setdefault(label, []).append(y)
    k, n = len(groups), len(rows)
    if k < 2 or n <= k:
        return 0.0
    ss_b = sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())
    ms_w = (total - ss_b) / (n - k)
    return max(0.0, min(1.0, (ss_b - (k - 1) * ms_w) / (total + ms_w)))


def bins(values: list[Any], n: int) -> list[int]:
    """Each value's bin: categories (and numbers with few distinct values) one bin per
    value; other numbers by quantile, in at most :data:`MAX_BINS` bins of about
    :data:`MIN_PER_BIN` or more values each (equal values share a bin)."""
    distinct = list(dict.fromkeys(values))
    count = max(2, min(MAX_BINS, n // MIN_PER_BIN))
    if not all(is_number(v) for v in distinct) or len(distinct) <= count:
        index = {v: j for j, v in enumerate(distinct)}
        return [index[v] for v in values]
    order = sorted(range(len(values)), key=lambda j: values[j])
    out = [0] * len(values)
    label, last = 0, None
    for rank, j in enumerate(order):
        b = rank * count // len(values)
        if values[j] != last:  # ties never straddle two bins
            label, last = b, values[j]
        out[j] = label
    return out
