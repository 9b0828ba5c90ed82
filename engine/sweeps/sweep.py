"""Sweeps: train a grid's members in chunks and return plain-data rows.

The pieces are backend-neutral: :func:`train_chunk` takes members and returns
:class:`MemberResult` rows (plain data, the checkpoint as bytes when asked), so a remote
backend can run it anywhere and hand the rows back; :func:`chunks` splits a grid so
that members of one architecture share a chunk; :func:`estimate_bytes` bounds memory
before any work starts; :func:`write_outputs` writes checkpoints and ``sweep.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torchplay.engine.files import checkpoint as _checkpoint
from torchplay.engine.run.datafields import width
from torchplay.engine.run.describe import param_counts
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import Member
from torchplay.engine.run.spec import Spec
from torchplay.engine.sweeps.importance import Importance, importance
from torchplay.engine.sweeps.population import Progress, group_key, population
from torchplay.engine.train import confusion
from torchplay.engine.train.threads import configure_threads_for, step_work
from torchplay.engine.train.trainer import DIVERGED, Trainer

CHUNK = 4096
"""The most members trained at once by one :func:`train_chunk` call."""
MAX_BYTES = 4 * 1024**3
"""Sweeps whose estimated memory is above this are refused."""


class DeviceError(InputError):
    """The requested device is not available; the message says what to use instead."""


@dataclass(frozen=True)
class MemberResult:
    """One member's outcome: plain data, ready for JSON or a process boundary."""

    index: int
    overrides: dict[str, Any]
    step: int
    state: str
    train_loss: float | None
    test_loss: float | None
    accuracy: float | None
    r2: float | None
    diverged: bool
    diverged_at: int | None
    weights_sha256: str
    checkpoint_bytes: bytes | None = None
    """The checkpoint in the usual format, when the caller asked for it."""
    stopped_early: bool = False
    """Early stopping (``training.patience``) or a scheduler (``--backend ray --scheduler
    asha``) stopped it at ``step``."""
    per_class_accuracy: list[float | None] | None = None
    """Classification: each class's share of points predicted right, on the set
    ``accuracy`` is measured on (test, else train; engine/train/confusion.py)."""

    @property
    def loss(self) -> float | None:
        """The loss rows are ranked by: test loss, else train loss."""
        return self.test_loss if self.test_loss is not None else self.train_loss

    def to_json(self, checkpoint: str | None) -> dict[str, Any]:
        """The ``runs`` entry of ``sweep --json`` and ``sweep.json``."""
        out = {
            "index": self.index,
            "overrides": self.overrides,
            "step": self.step,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
            "diverged": self.diverged,
            "diverged_at": self.diverged_at,
            "stopped_early": self.stopped_early,
            "weights_sha256": self.weights_sha256,
            "checkpoint": checkpoint,
        }
        if self.accuracy is not None or self.r2 is None:
            out["accuracy"] = self.accuracy
            out["per_class_accuracy"] = self.per_class_accuracy
        if self.r2 is not None:
            out["r2"] = self.r2
        return out


def result_of(member: Member, trainer: Trainer, keep_checkpoint: bool) -> MemberResult:
    """The row for ``member``, from its trained :class:`Trainer` (the single run's code)."""
    snap = trainer.snapshot()
    return MemberResult(
        index=member.index,
        overrides=member.overrides,
        step=snap.step,
        state=snap.state,
        train_loss=snap.train_loss,
        test_loss=snap.test_loss,
        accuracy=snap.accuracy,
        r2=snap.r2,
        diverged=snap.state == DIVERGED,
        diverged_at=snap.diverged_at,
        weights_sha256=_checkpoint.weights_sha256(trainer),
        checkpoint_bytes=_checkpoint.to_bytes(trainer) if keep_checkpoint else None,
        stopped_early=snap.state == "stopped_early",
        per_class_accuracy=_per_class_accuracy(trainer),
    )


def _per_class_accuracy(trainer: Trainer) -> list[float | None] | None:
    if trainer.task != "classification":
        return None
    test = trainer.data.x_test.shape[0] > 0
    return confusion.per_class(confusion.of_trainer(trainer, test))["accuracy"]


def check_device(device: str) -> str:
    """``cpu`` or ``cuda``; refuses ``cuda`` where torch sees no GPU.

    Raises:
        DeviceError: an unknown device, or cuda without a GPU.
    """
    if device not in ("cpu", "cuda"):
        raise DeviceError(f"--device {device!r}: use cpu or cuda")
    if device == "cuda" and not torch.cuda.is_available():
        raise DeviceError(
            f"--device cuda: torch {torch.__version__} sees no CUDA GPU here; use --device cpu"
        )
    return device


def train_members(
    trainers: list[Trainer],
    device: str = "cpu",
    progress: Progress | None = None,
    stop=None,
) -> None:
    """Train ``trainers`` to their step counts: batchable ones grouped by architecture,
    one population per group; others (autograd-only optimizers) one by one."""
    groups: dict[tuple, list[Trainer]] = {}
    for t in trainers:
        key = group_key(t)
        if key is None and device != "cpu":
            if t.spec.training.l1 or t.spec.training.l2:
                raise DeviceError(
                    f"--device {device}: L1/L2 regularization trains on the CPU only; "
                    "use --device cpu or --l1 0 --l2 0"
                )
            raise DeviceError(
                f"--device {device}: {t.spec.training.optimizer} runs on autograd, on the CPU "
                "only; use sgd, adam or adamw (with the fast path) or --device cpu"
            )
        if key is None:
            t.run(stop=stop)
            if progress is not None:
                progress(t.step_count)
            continue
        groups.setdefault(key, []).append(t)
    for group in groups.values():
        population(group, device).run(progress, stop)


def train_chunk(
    members: list[Member],
    device: str = "cpu",
    keep_checkpoints: bool = False,
    progress: Progress | None = None,
    stop=None,
) -> list[MemberResult]:
    """Build each member's :class:`Trainer` (its single run's data and weights), train
    them together, and return one row per member, in the order given."""
    trainers = [Trainer(m.spec) for m in members]
    configure_threads_for(sum(step_work(t) for t in trainers))
    train_members(trainers, device, progress, stop)
    return [result_of(m, t, keep_checkpoints) for m, t in zip(members, trainers, strict=True)]


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


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: rows in grid order, and how fast it ran."""

    rows: list[MemberResult]
    model_steps_per_s: float
    backend: str
    device: str
    wall_s: float

    def to_json(self, paths: dict[int, str] | None = None) -> dict[str, Any]:
        """What ``sweep --json`` prints and ``sweep.json`` holds."""
        paths = paths or {}
        rated = self.importance()
        return {
            "runs": [r.to_json(paths.get(r.index)) for r in self.rows],
            "model_steps_per_s": round(self.model_steps_per_s, 1),
            "backend": self.backend,
            "device": self.device,
            "wall_s": round(self.wall_s, 3),
            "importance": rated.to_json(),
            "importance_method": rated.method,
        }

    def importance(self) -> Importance:
        """Each key's share of the log-loss variance (:mod:`.importance`)."""
        rows = self.rows
        keys = list(dict.fromkeys(k for r in rows for k in r.overrides))
        return importance(
            [r.overrides for r in rows], [r.loss for r in rows], [r.diverged for r in rows], keys
        )


def checkpoint_name(index: int, total: int) -> str:
    """The file name of member ``index``'s checkpoint in the output folder."""
    return f"member-{index:0{len(str(max(0, total - 1)))}d}.safetensors"


def write_outputs(
    result: SweepResult, out: str | os.PathLike, extra: dict[str, Any] | None = None
) -> dict[int, str]:
    """Write each row's checkpoint and ``sweep.json`` (with ``extra`` keys) into ``out``
    (atomically, each); returns the checkpoint paths by member index."""
    folder = Path(out)
    paths: dict[int, str] = {}
    for row in result.rows:
        if row.checkpoint_bytes is None:
            continue
        path = folder / checkpoint_name(row.index, len(result.rows))
        _checkpoint.write_atomic(path, row.checkpoint_bytes, "--out")
        paths[row.index] = str(path)
    body = json.dumps(result.to_json(paths) | (extra or {}), indent=1) + "\n"
    _checkpoint.write_atomic(folder / "sweep.json", body.encode(), "--out")
    return paths


def run_local(
    members: list[Member],
    device: str = "cpu",
    keep_checkpoints: bool = False,
    progress: Progress | None = None,
    stop=None,
    clock: Callable[[], float] | None = None,
) -> SweepResult:
    """The local backend: every chunk in this process, one after another."""
    import time

    clock = clock or time.perf_counter
    start = clock()
    rows: list[MemberResult] = []
    for chunk in chunks(members):
        rows += train_chunk(chunk, device, keep_checkpoints, progress, stop)
    wall = clock() - start
    rows.sort(key=lambda r: r.index)
    steps = sum(r.step for r in rows)
    return SweepResult(rows, steps / wall if wall > 0 else 0.0, "local", device, wall)


def ranked(rows: Iterable[MemberResult]) -> list[MemberResult]:
    """Rows by loss (test, else train), best first; diverged and lossless rows last."""
    return sorted(rows, key=lambda r: (r.diverged or r.loss is None, r.loss or 0.0, r.index))
