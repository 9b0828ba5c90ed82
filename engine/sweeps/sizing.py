"""How a sweep is cut and sized: :func:`chunks` splits a grid so that members of one
architecture share a chunk; :func:`estimate_bytes` bounds memory before any work starts
(:func:`check_memory` refuses a sweep over :data:`MAX_BYTES`).
"""

from __future__ import annotations

import os

from torchplay.engine.run.datafields import width
from torchplay.engine.run.describe import param_counts
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import Member
from torchplay.engine.run.spec import Spec

CHUNK = 4096
"""The most members trained at once by one :func:`train_chunk` call."""
MAX_BYTES = 4 * 1024**3
"""Sweeps whose estimated memory is above this are refused."""


def _shape_key(spec: Spec) -> tuple:
    d, m, t = spec.data, spec.model, spec.training
    return (
        spec.task,
        d.n_points,
        d.features,
        d.test_fraction,
        d.classes,
        m,
        t.optimizer,
        t.nesterov,
    )


def chunks(members: list[Member], size: int = CHUNK) -> list[list[Member]]:
    """Split ``members`` into lists of at most ``size``, keeping architectures together."""
    ordered = sorted(members, key=lambda m: (repr(_shape_key(m.spec)), m.index))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _shape(spec: Spec) -> tuple[int, int, int]:
    """Inputs, outputs and rows of ``spec``'s data, without generating it."""
    if spec.data.is_csv:
        path = spec.data.dataset[4:]
        try:
            size = os.path.getsize(path)
            with open(path, encoding="utf-8", errors="replace") as fh:
                cols = len(fh.readline().split(","))
        except OSError:
            return 1, 20, 1  # the run itself reports the missing file
        return max(1, cols - 1), 20, max(1, size // max(1, 2 * cols))
    if spec.task == "regression":
        return width(spec.data.features, 1), 1, spec.data.n_points
    n_out = spec.data.classes if spec.data.dataset in ("blobs", "spiral") else 2
    return (
        width(spec.data.features, 2),
        max(n_out, 20 if spec.data.points else 0),
        spec.data.n_points,
    )


def member_bytes(spec: Spec, keep_checkpoint: bool) -> int:
    """A generous estimate of one member's memory while it trains, in bytes."""
    n_in, n_out, rows = _shape(spec)
    params = sum(param_counts(spec.model, n_in, n_out))
    batch = spec.training.batch_size or rows
    widths = sum(spec.model.hidden) + n_out
    floats = (
        params * 8  # flat, grad, two backups, two moments, stacked copies
        + rows * (n_in + n_out) * 4  # data, targets, stacked and shuffled copies
        + batch * widths * 4  # activations, pre-activations, deltas
    )
    overhead = 64 * 1024  # the Trainer, its nn.Sequential and history
    return floats * 4 + overhead + (params * 16 + 64 * 1024 if keep_checkpoint else 0)


def estimate_bytes(members: list[Member], keep_checkpoints: bool) -> tuple[int, Member | None]:
    """Memory of the largest chunk (what is held at once), and the hungriest member."""
    if not members:
        return 0, None
    size = {m.index: member_bytes(m.spec, keep_checkpoints) for m in members}
    largest = max(sum(size[m.index] for m in c) for c in chunks(members))
    return largest, max(members, key=lambda m: size[m.index])


def check_memory(members: list[Member], keep_checkpoints: bool) -> None:
    """Refuse a sweep estimated above :data:`MAX_BYTES`, naming the hungriest member.

    Raises:
        InputError: over the limit.
    """
    total, worst = estimate_bytes(members, keep_checkpoints)
    if total > MAX_BYTES and worst is not None:
        where = ", ".join(f"{k}={v}" for k, v in worst.overrides.items()) or "each member"
        raise InputError(
            f"--grid: estimated memory {total / 1024**3:.1f} GB is over the 4 GB limit "
            f"({where} needs {member_bytes(worst.spec, keep_checkpoints) / 1024**2:.0f} MB); "
            "use fewer members, fewer samples or smaller widths"
        )
