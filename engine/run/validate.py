"""The validators the spec dataclasses call on each field: integers, numbers, choices and
booleans in range, and the one batch-size rule. Each raises a :class:`SpecError` that
names the field, the value and the fix.

Torch-free, like the rest of ``engine/run``.
"""

from __future__ import annotations

import math
from typing import Any

from torchplay.engine.run.errors import SpecError


def integer(name: str, value: Any, lo: int, hi: int) -> int:
    """``value`` if it is an int (not a bool) in ``[lo, hi]``.

    Raises:
        SpecError: naming ``name``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(name, value, f"must be an integer from {lo} to {hi}")
    if not lo <= value <= hi:
        raise SpecError(name, value, f"must be an integer from {lo} to {hi}")
    return value


def number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> float:
    """``value`` as a finite float in ``[lo, hi]`` (``(lo, hi]`` with ``lo_open``).

    Raises:
        SpecError: naming ``name``.
    """
    bound = f"({lo}, {hi}]" if lo_open else f"[{lo}, {hi}]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(name, value, f"must be a finite number in {bound}")
    try:
        value = float(value)
    except OverflowError:  # an int past float's range (TOML reads any size)
        raise SpecError(name, value, f"must be a finite number in {bound}") from None
    if not math.isfinite(value) or value > hi or value < lo or (lo_open and value == lo):
        raise SpecError(name, value, f"must be a finite number in {bound}")
    return value


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``.

    Raises:
        SpecError: naming ``name`` and listing the choices.
    """
    if not isinstance(value, str) or value not in choices:
        raise SpecError(name, value, f"must be one of {', '.join(choices)}")
    return value


def boolean(name: str, value: Any) -> bool:
    """``value`` if it is a bool.

    Raises:
        SpecError: naming ``name``.
    """
    if not isinstance(value, bool):
        raise SpecError(name, value, "must be true or false")
    return value


def check_batch_size(batch_size: int, n_train: int) -> None:
    """The one batch-size rule: at most the training points (0 = all of them).

    Raises:
        SpecError: naming ``training.batch_size``.
    """
    if batch_size > n_train:
        raise SpecError(
            "training.batch_size",
            batch_size,
            f"must be at most the {n_train} training points (0 = all)",
        )
