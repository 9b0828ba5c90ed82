"""Entries of a flat parameter buffer that no optimizer step changes (frozen and killed
units: :mod:`torchplay.engine.train.surgery`).

A step with a :class:`Frozen` set zeroes those entries' gradients (what autograd with a
gradient mask does: the optimizer state sees zeros) and, since momentum, Adam's moments
and weight decay move a parameter whose gradient is zero, puts their values back after
the update. Every other entry is computed exactly as without it: the update is
elementwise.
"""

from __future__ import annotations

import torch


class Frozen:
    """The frozen entries of ``flat`` (indices into it), for the steppers."""

    def __init__(self, flat: torch.Tensor, index: torch.Tensor) -> None:
        self.flat = flat
        self.index = index
        """Positions in ``flat``, ascending (int64)."""

    def hold(self, grad: torch.Tensor) -> torch.Tensor:
        """Zero ``grad`` (flat, like the buffer) at the frozen entries; returns their
        values, for :meth:`release` after the update."""
        grad.index_fill_(0, self.index, 0.0)
        return self.flat.index_select(0, self.index)

    def hold_params(self, params: list[torch.Tensor]) -> torch.Tensor:
        """:meth:`hold` for parameters that are views of ``flat`` with their own
        ``.grad`` (the autograd path)."""
        base = self.flat.storage_offset()
        for p in params:
            if p.grad is None:
                continue
            start = p.storage_offset() - base
            inside = self.index[(self.index >= start) & (self.index < start + p.numel())]
            if inside.numel():
                p.grad.view(-1).index_fill_(0, inside - start, 0.0)
        return self.flat.index_select(0, self.index)

    def release(self, kept: torch.Tensor) -> None:
        """Put the values :meth:`hold` returned back in place."""
        self.flat.index_copy_(0, self.index, kept)

    def rows(self, k: int, stride: int) -> torch.Tensor:
        """The same entries in row ``k`` of a ``[K, stride]`` stack, as flat indices."""
        return self.index + k * stride
