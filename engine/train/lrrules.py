"""Rules that read a learning rate off a range test's smoothed loss curve.

* ``steepest`` (Lightning's ``suggestion()``): the lr where the loss falls fastest (the
  most negative ``numpy.gradient``), skipping the first 10 points and the last one.
* ``min/10`` (fastai's ``minimum``): a tenth of the lr at the lowest loss.
* ``valley`` (fastai's default since 2.5): the longest stretch over which the loss keeps
  falling (a longest decreasing subsequence), and the lr at about half-way along it.

fastai's rules see the curve without its first tenth and last five points, as fastai
passes it. Which rule the app and ``torchplay lr-find`` use is :data:`RULE`: the one
whose suggestion trained the built-in scenarios best (BENCHMARKS.md, ``bench/lrrules.py``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable

import numpy as np

SKIP_BEGIN, SKIP_END = 10, 1
"""Points Lightning's rule leaves out at each end."""

Rule = Callable[[list[float], list[float]], float | None]


def _finite(lrs: list[float], losses: list[float]) -> list[tuple[float, float]]:
    return [(lr, v) for lr, v in zip(lrs, losses, strict=True) if math.isfinite(v)]


def steepest(lrs: list[float], losses: list[float]) -> float | None:
    """Lightning: the lr at the steepest descent of the loss, skipping the ends."""
    kept = _finite(lrs[SKIP_BEGIN:-SKIP_END], losses[SKIP_BEGIN:-SKIP_END])
    if len(kept) < 2:
        return None
    grads = np.gradient(np.array([v for _, v in kept]))
    return kept[int(np.argmin(grads))][0]


def _fastai_view(lrs: list[float], losses: list[float]) -> list[tuple[float, float]]:
    """The curve as fastai's rules get it: its first tenth and last five points cut."""
    n = len(lrs)
    return _finite(lrs[n // 10 : max(0, n - 5)], losses[n // 10 : max(0, n - 5)])


def minimum_tenth(lrs: list[float], losses: list[float]) -> float | None:
    """fastai ``minimum``: the lr of the lowest loss, divided by 10."""
    kept = _fastai_view(lrs, losses)
    if not kept:
        return None
    return min(kept, key=lambda p: p[1])[0] / 10


def valley(lrs: list[float], losses: list[float]) -> float | None:
    """fastai ``valley``: half-way along the longest run of falling losses (its longest
    strictly decreasing subsequence; fastai's O(n²) loop in O(n log n), same answer)."""
    kept = _fastai_view(lrs, losses)
    if len(kept) < 2:
        return None
    tails: list[float] = []  # patience sorting over the negated losses
    end, longest = 0, 0
    for i, (_, loss) in enumerate(kept):
        at = bisect.bisect_left(tails, -loss)
        tails[at : at + 1] = [-loss]
        if at + 1 > longest:  # the first point that ends a longest decreasing run
            end, longest = i, at + 1
    start = end - longest if longest > 1 else 0  # fastai's bounds, one before the run
    third = (end - start) / 3
    return kept[start + int(third) + int(third / 2)][0]


RULES: dict[str, Rule] = {"steepest": steepest, "min/10": minimum_tenth, "valley": valley}
"""Every rule, by the name the lr-find screen and ``--json`` give it."""
RULE = "min/10"
"""The rule whose suggestion is applied (see the module docstring)."""


def suggestions(lrs: list[float], losses: list[float]) -> dict[str, float | None]:
    """What each rule suggests for this curve."""
    return {name: rule(lrs, losses) for name, rule in RULES.items()}
