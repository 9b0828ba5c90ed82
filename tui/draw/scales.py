"""The axes of the sweep's analysis views: one per grid key, and the final loss.

A key's values decide its axis: categories (activations, optimizers, true/false, hidden
widths) spread evenly in the order the grid gives them; numbers on a log axis when all are
positive and span more than :data:`LOG_SPAN` (learning rates), else a linear one. The loss
axis is log10 of the finite losses. :meth:`Scale.place` maps a value to 0 (bottom, or left)
.. 1 (top, or right); :meth:`Scale.ticks` says where labels go.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LOG_SPAN = 30.0
"""A positive numeric key whose largest value is more than this times its smallest gets
a log axis."""


def label(value: Any) -> str:
    """A value as the grid grammar writes it: ``tanh``, ``0.05``, ``true``, ``8x8``, ``none``."""
    if isinstance(value, list | tuple):
        return "x".join(map(str, value)) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return number(value)
    return str(value)


def number(v: float) -> str:
    """Three significant digits, exponents short: ``0.001``, ``1e-5``, ``2.5e+04`` as ``2.5e4``."""
    text = f"{v:.3g}"
    if "e" in text:
        mantissa, _, exp = text.partition("e")
        text = f"{mantissa}e{int(exp)}"
    return text


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class Scale:
    """One axis: a key's (or the loss's) values mapped to 0..1."""

    key: str
    """The grid key, or ``loss``."""
    name: str
    """What the axis is titled (a short name)."""
    kind: str
    """``category``, ``log``, ``linear`` or ``loss`` (log10 of the loss)."""
    lo: float = 0.0
    hi: float = 1.0
    """The axis's ends in its units (log10 for ``log`` and ``loss``)."""
    categories: tuple[str, ...] = ()
    """The category labels, bottom to top (``category`` only)."""
    values: tuple[float, ...] = ()
    """The distinct numeric values (sorted), for ticks when they are few."""

    def place(self, value: Any) -> float | None:
        """``value`` on the axis, 0..1 (None: not on it)."""
        if self.kind == "category":
            text = label(value)
            if text not in self.categories:
                return None
            n = len(self.categories)
            return 0.5 if n == 1 else self.categories.index(text) / (n - 1)
        if not _is_number(value):
            return None
        v = float(value)
        if self.kind in ("log", "loss"):
            if v <= 0:  # a loss of exactly 0 is the lowest there is
                return 0.0 if self.kind == "loss" else None
            v = math.log10(v)
        if self.hi <= self.lo:
            return 0.5
        return max(0.0, min(1.0, (v - self.lo) / (self.hi - self.lo)))

    def ticks(self, room: int) -> list[tuple[float, str]]:
        """Up to ``room`` (position, label) pairs: every category or grid value when they
        fit, else whole decades (log), else the two ends."""
        room = max(2, room)
        if self.kind == "category":
            names = self.categories
            step = -(-len(names) // room)
            return [(self.place(c) or 0.0, c) for c in names[::step]]
        if self.kind in ("log", "loss"):
            if 1 < len(self.values) <= room:
                return [(self.place(v) or 0.0, number(v)) for v in self.values]
            first, last = math.ceil(self.lo - 1e-9), math.floor(self.hi + 1e-9)
            if 2 <= last - first + 1 <= room:
                return [
                    ((d - self.lo) / (self.hi - self.lo), f"1e{d}") for d in range(first, last + 1)
                ]
            ends = [self.lo, self.hi] if self.hi > self.lo else [self.lo]
            return [(self.place(10**e) or 0.0, number(10**e)) for e in ends]
        if 1 <= len(self.values) <= room:
            return [(self.place(v) or 0.0, number(v)) for v in self.values]
        return [(0.0, number(self.lo)), (1.0, number(self.hi))]


def key_scale(key: str, name: str, values: Sequence[Any]) -> Scale:
    """The axis for a grid key with these members' ``values``."""
    present = [v for v in values if v is not None]
    if not present or not all(_is_number(v) for v in present):
        cats = tuple(dict.fromkeys(label(v) for v in present))
        return Scale(key, name, "category", categories=cats)
    nums = sorted({float(v) for v in present})
    lo, hi = nums[0], nums[-1]
    if lo > 0 and hi / lo > LOG_SPAN:
        return Scale(key, name, "log", math.log10(lo), math.log10(hi), values=tuple(nums))
    return Scale(key, name, "linear", lo, hi, values=tuple(nums))


def loss_scale(losses: Sequence[float | None], name: str = "loss") -> Scale:
    """The log10 axis of the finite, positive ``losses`` (0..1 when none)."""
    logs = sorted({math.log10(v) for v in losses if v is not None and math.isfinite(v) and v > 0})
    if not logs:
        return Scale("loss", name, "loss", 0.0, 1.0)
    values = tuple(10**v for v in logs) if len(logs) <= 3 else ()
    return Scale("loss", name, "loss", logs[0], logs[-1], values=values)


@dataclass(frozen=True)
class SweepView:
    """What the analysis views draw: the members' values and final (or latest) losses."""

    keys: list[str]
    """The grid keys, in order."""
    overrides: list[dict[str, Any]]
    """Each member's KEY -> value."""
    losses: list[float | None]
    """Each member's loss (None: none yet)."""
    diverged: list[bool]
    names: dict[str, str] | None = None
    """Each key's short name (default: the key)."""

    def name(self, key: str) -> str:
        return (self.names or {}).get(key, key)

    def ranked(self) -> list[int]:
        """Member indices, the lowest loss first; diverged, then lossless ones last."""

        def order(i: int) -> tuple:
            loss = self.losses[i]
            finite = loss is not None and math.isfinite(loss) and not self.diverged[i]
            return (0 if finite else 1 if self.diverged[i] else 2, loss if finite else 0.0, i)

        return sorted(range(len(self.overrides)), key=order)

    def best(self, k: int) -> set[int]:
        """The ``k`` members with the lowest finite losses."""
        return {i for i in self.ranked()[:k] if self.losses[i] is not None and not self.diverged[i]}

    def shown(self, limit: int, keep: set[int]) -> list[int]:
        """At most about ``limit`` members to draw, spread evenly over the ranking, and
        every member in ``keep`` (the best, the cursor); all of them when few."""
        n = len(self.overrides)
        if n <= limit:
            return list(range(n))
        ranked = self.ranked()
        return sorted({ranked[j * n // limit] for j in range(limit)} | keep)

    def scales(self) -> list[Scale]:
        """One axis per key, then the loss axis."""
        keys = [key_scale(k, self.name(k), [o.get(k) for o in self.overrides]) for k in self.keys]
        return keys + [
            loss_scale([x for x, d in zip(self.losses, self.diverged, strict=True) if not d])
        ]

    def role(self, i: int, best: set[int], cursor: int | None) -> str:
        """How member ``i`` is drawn: ``cursor``, ``best``, ``diverged`` or ``line``."""
        if i == cursor:
            return "cursor"
        if i in best:
            return "best"
        return "diverged" if self.diverged[i] else "line"
