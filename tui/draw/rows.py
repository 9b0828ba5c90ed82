"""A row of numbers for a person: every value of a short row, the largest of a long one
(the backprop inspector's rows in ``torchplay inspect`` and the app's ``i``)."""

from __future__ import annotations

SHOWN = 16
"""Text views show every value of a row up to this many, else the largest this many."""


def largest(values: list, k: int = SHOWN) -> list[tuple[int, float]] | None:
    """The ``k`` values of largest magnitude of a row (a nested one flattened, row-major),
    as (index, value) in index order; None when there are ``k`` or fewer: show them all."""
    flat = [v for row in values for v in row] if values and isinstance(values[0], list) else values
    if len(flat) <= k:
        return None
    top = sorted(range(len(flat)), key=lambda i: -abs(flat[i]))[:k]
    return [(i, flat[i]) for i in sorted(top)]
