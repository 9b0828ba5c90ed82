"""The memory budget of one run: a generous estimate of its peak bytes, and the check
that refuses a run over :data:`RUN_BYTES` before anything is allocated.

Torch-free: the estimate reads only the spec's shape, so the UI and the CLI refuse an
oversized network before the engine starts. ``spec`` is a :class:`torchplay.engine.run.spec.Spec`, typed
``Any`` here because spec imports this module.
"""

from __future__ import annotations

from typing import Any

from torchplay.engine.run import datafields
from torchplay.engine.run.errors import SpecError

RUN_BYTES = 2 * 1024**3
"""Memory budget of one run (data, model, optimizer, activations, a checkpoint save)."""


def run_bytes(spec: Any, n_in: int, n_out: int, rows: int) -> int:
    """A generous estimate of one run's peak memory, in bytes (see :data:`RUN_BYTES`)."""
    n_features = datafields.width(spec.data.features, n_in)
    widths = [n_features, *spec.model.hidden, n_out]
    params = sum((a + 1) * b for a, b in zip(widths, widths[1:], strict=False))
    batch = spec.training.batch_size or rows
    return (
        4
        * (
            params * 18  # flat, grad, two backups, two moments; a save: clones, bytes (measured)
            + rows * (n_in + n_out) * 3  # data, a shuffled epoch copy, the split
            + (rows * n_features if spec.data.features else 0)  # the features of every row
            + batch * sum(widths[1:]) * 4  # activations, pre-activations, deltas, grads
            + rows * max(widths[1:]) * 2  # evaluating every row (two layers at a time)
        )
    )


def check_memory(spec: Any, n_in: int, n_out: int, rows: int) -> None:
    """Refuse a run whose estimate is over :data:`RUN_BYTES`, before anything is allocated.

    Raises:
        SpecError: naming ``model.hidden`` and the estimate.
    """
    need = run_bytes(spec, n_in, n_out, rows)
    if need > RUN_BYTES:
        hidden = ",".join(map(str, spec.model.hidden)) or "none"
        raise SpecError(
            "model.hidden",
            hidden,
            f"with {rows} samples of {n_in} inputs this run needs about "
            f"{need / 1024**3:.1f} GB, over the {RUN_BYTES // 1024**3} GB budget: use "
            "narrower or fewer layers, fewer samples or a smaller batch",
        )
