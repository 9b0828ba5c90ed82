"""Rescuing a diverged run: the snapshot to go back to.

A run that diverged keeps the last weights whose loss was finite, but those may already
be far gone (a loss of 6.6e+23 is finite). :func:`sane_step` finds the newest snapshot
whose loss was still sane: finite and at most :data:`SANE` times the lowest loss of the
snapshots up to it (the range test's divergence rule, :data:`torchplay.engine.train.lrfind.DIVERGE`).
The engine forks the run from there with a lower lr (:mod:`torchplay.engine.process.rescue`).
"""

from __future__ import annotations

import math

SANE = 4.0
"""A loss more than this many times the best before it is no longer sane."""


def sane_step(snapshots) -> int:
    """The newest sane snapshot's step in ``snapshots`` (a
    :class:`~torchplay.engine.train.snapshots.Snapshots`); the first one (the initial
    weights) when no later one is sane."""
    items = snapshots.items
    best, sane = math.inf, items[0].step
    for snap in items:
        loss = snap.loss
        if loss is None or not math.isfinite(loss):
            continue
        best = min(best, loss)
        if loss <= SANE * best:
            sane = snap.step
    return sane
