"""Rescuing a diverged run: the snapshot to go back to.

A run that diverged keeps the last weights whose loss was finite, but those may already
be far gone (a loss of 6.6e+23 is finite). :func:`sane_step` goes back past the newest
snapshot whose loss was still sane: finite and at most :data:`SANE` times the lowest loss of
the snapshots up to it (the range test's divergence rule, :data:`torchplay.engine.train.lrfind.DIVERGE`).
The engine forks the run from there with a lower lr (:mod:`torchplay.engine.process.rescue`).
"""

from __future__ import annotations

import math

SANE = 4.0
"""A loss more than this many times the best before it is no longer sane."""


def sane_step(snapshots) -> int:
    """The step to go back to in ``snapshots`` (a
    :class:`~torchplay.engine.train.snapshots.Snapshots`): the snapshot before the newest
    one whose loss was sane. A snapshot's loss is the one its step reported, that of the
    weights one step earlier (:attr:`~torchplay.engine.train.snapshots.Snapshot.loss`),
    so its own weights may already be the first bad ones; the snapshot before it is
    older than a sane loss. The first snapshot (the initial weights) when none is later."""
    items = snapshots.items
    best, newest = math.inf, 0
    for i, snap in enumerate(items):
        loss = snap.loss
        if loss is None or not math.isfinite(loss):
            continue
        best = min(best, loss)
        if loss <= SANE * best:
            newest = i
    return items[max(0, newest - 1)].step
