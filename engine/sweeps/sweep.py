"""Sweeps: train a grid's members in chunks and return plain-data rows.

The pieces are backend-neutral: :func:`train_chunk` takes members and returns
:class:`MemberResult` rows (plain data, the checkpoint as bytes when asked), so a remote
backend can run it anywhere and hand the rows back; :func:`chunks` splits a grid so
that members of one architecture share a chunk; :func:`estimate_bytes` bounds memory
before any work starts; :func:`write_outputs` writes checkpoints and ``sweep.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torchplay.engine.files import checkpoint as _checkpoint
from torchplay.engine.process.events import RunState
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import Member
from torchplay.engine.run.sweepplan import Fork, SweepPlan, forks_of
from torchplay.engine.sweeps.importance import Importance, importance
from torchplay.engine.sweeps.population import Progress, group_key, population
from torchplay.engine.sweeps.sizing import (  # noqa: F401  (their home before sizing.py)
    CHUNK,
    MAX_BYTES,
    check_memory,
    chunks,
    estimate_bytes,
    member_bytes,
)
from torchplay.engine.train import confusion
from torchplay.engine.train.threads import configure_threads_for, step_work
from torchplay.engine.train.trainer import DIVERGED, Trainer


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
    pruned_at: int | None = None
    """``--prune`` stopped it at this step (a rung), its weights kept."""
    forks: list[dict[str, Any]] | None = None
    """``--pbt``: each fork on its way, ``{"step", "from", "values"}`` (engine/sweeps/cohort.py)."""

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
            "pruned": self.pruned_at is not None,
            "pruned_at": self.pruned_at,
            "weights_sha256": self.weights_sha256,
            "checkpoint": checkpoint,
        }
        if self.accuracy is not None or self.r2 is None:
            out["accuracy"] = self.accuracy
            out["per_class_accuracy"] = self.per_class_accuracy
        if self.r2 is not None:
            out["r2"] = self.r2
        if self.forks is not None:
            out["forks"] = self.forks
        return out


def result_of(
    member: Member, trainer: Trainer, keep_checkpoint: bool, forks: list[Fork] | None = None
) -> MemberResult:
    """The row for ``member``, from its trained :class:`Trainer` (the single run's code);
    ``forks``: PBT's forks of the sweep (this member's are on its row)."""
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
        pruned_at=snap.step if snap.state == RunState.PRUNED else None,
        forks=None if forks is None else forks_of(member.index, forks),
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
    plan: SweepPlan | None = None,
) -> list[Fork]:
    """Train ``trainers`` to their step counts: batchable ones grouped by architecture,
    one population per group; others (autograd-only optimizers) one by one. With an
    active ``plan``, each population prunes or forks at its rungs (:mod:`.cohort`; a PBT
    fork replaces its trainer in ``trainers``); returns PBT's forks."""
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(trainers):
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
        groups.setdefault(key, []).append(i)
    forks: list[Fork] = []
    for group in groups.values():
        if plan is not None and plan.active:
            from torchplay.engine.sweeps.cohort import Cohort

            cohort = Cohort(trainers, group, plan, device)
            cohort.run(progress, stop)
            forks += cohort.forks
        else:
            population([trainers[i] for i in group], device).run(progress, stop)
    return forks


def train_chunk(
    members: list[Member],
    device: str = "cpu",
    keep_checkpoints: bool = False,
    progress: Progress | None = None,
    stop=None,
    plan: SweepPlan | None = None,
) -> list[MemberResult]:
    """Build each member's :class:`Trainer` (its single run's data and weights), train
    them together (with ``plan``'s pruning or PBT), and return one row per member, in
    the order given."""
    trainers = [Trainer(m.spec) for m in members]
    configure_threads_for(sum(step_work(t) for t in trainers))
    forks = train_members(trainers, device, progress, stop, plan)
    # Fork records name chunk positions; rows name members.
    named = [
        dataclasses.replace(f, child=members[f.child].index, parent=members[f.parent].index)
        for f in forks
    ]
    pbt = named if plan is not None and plan.pbt else None
    return [result_of(m, t, keep_checkpoints, pbt) for m, t in zip(members, trainers, strict=True)]


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
    plan: SweepPlan | None = None,
) -> SweepResult:
    """The local backend: every chunk in this process, one after another (with
    ``plan``'s pruning or PBT in each population)."""
    import time

    clock = clock or time.perf_counter
    start = clock()
    rows: list[MemberResult] = []
    for chunk in chunks(members):
        rows += train_chunk(chunk, device, keep_checkpoints, progress, stop, plan)
    wall = clock() - start
    rows.sort(key=lambda r: r.index)
    steps = sum(r.step for r in rows)
    return SweepResult(rows, steps / wall if wall > 0 else 0.0, "local", device, wall)


def ranked(rows: Iterable[MemberResult]) -> list[MemberResult]:
    """Rows by loss (test, else train), best first; pruned rows (judged at an earlier
    step) after the others, diverged and lossless rows last."""
    return sorted(
        rows,
        key=lambda r: (
            r.diverged or r.loss is None,
            r.pruned_at is not None,
            r.loss or 0.0,
            r.index,
        ),
    )
