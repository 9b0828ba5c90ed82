"""Checkpoints: one ``.safetensors`` file, no pickle, written atomically, loaded with checks.

Layout:

* tensors named as the model's ``state_dict`` (``0.weight``, ``0.bias``, ...), so any
  safetensors reader gets the weights;
* ``optim.*``: optimizer state (moments, momentum buffers, step counts);
* ``batch.*``: the minibatch generator's state, the epoch's permutation and position;
* metadata (JSON strings): ``torchplay.format``, ``spec``, ``step``, ``state``, ``lr``,
  ``history`` (bounded), ``shape`` (raw inputs, outputs, classes), ``versions``, ``run``
  (the run's id) and, for a forked run, ``forked_from`` (``{"run": id, "step": k}``);
  with the plateau schedule ``schedule`` (its drops, best loss and last improvement);
  with early stopping ``best`` (``{"loss", "step"}``) and the tensor ``best.flat``, the
  best weights so far (so a resumed run stops where the straight one would).
  The spec's ``data.features`` say what the network's inputs are; the network's first
  layer takes that many features.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import safetensors
import safetensors.torch
import torch
from torchplay.engine import __version__
from torchplay.engine.atomic import write_atomic
from torchplay.engine.datafields import check_features, width
from torchplay.engine.errors import InputError
from torchplay.engine.history import History
from torchplay.engine.layers import plan
from torchplay.engine.source import from_dict
from torchplay.engine.spec import Spec, SpecError

FORMAT = 1
"""The checkpoint format version this code writes and reads (it refuses newer ones)."""
MAX_BYTES = 1 << 30


class CheckpointError(InputError):
    """A checkpoint cannot be written or read; the message says why and what to do."""


@dataclass
class Checkpoint:
    """A loaded, validated checkpoint."""

    spec: Spec
    step: int
    state: str
    lr: float
    history: History
    weights: dict[str, torch.Tensor]
    optim: dict[str, torch.Tensor]
    batch: dict[str, torch.Tensor]
    shape: dict[str, int]
    run: str | None = None
    """The run's id (None in checkpoints written before runs had ids)."""
    forked_from: tuple[str, int] | None = None
    """(run id, step) of the run this one was forked from."""
    schedule: dict | None = None
    """The plateau schedule's state (:meth:`torchplay.engine.schedule.Schedule.state`)."""
    best: tuple[float, int, torch.Tensor] | None = None
    """Early stopping: the best loss, its step and its flat weights."""


def to_bytes(trainer) -> bytes:
    """Serialise a :class:`torchplay.engine.trainer.Trainer` to checkpoint bytes."""
    d = trainer.data
    tensors = dict(trainer.weights())
    tensors.update(trainer.stepper.state_tensors())
    tensors.update(trainer.batches.state_tensors())
    meta = {
        "torchplay.format": str(FORMAT),
        "spec": _spec_json(trainer.spec),
        "step": str(trainer.step_count),
        "state": trainer.state,
        "lr": repr(trainer.lr),
        "history": trainer.history.to_json(),
        "shape": json.dumps({"inputs": d.n_inputs, "outputs": d.n_outputs, "classes": d.n_classes}),
        "run": trainer.run_id,
        "versions": json.dumps(
            {
                "torchplay": __version__,
                "torch": torch.__version__,
                "safetensors": safetensors.__version__,
            }
        ),
    }
    if trainer.forked_from is not None:
        run, step = trainer.forked_from
        meta["forked_from"] = json.dumps({"run": run, "step": step})
    if trainer.schedule.state() is not None:
        meta["schedule"] = json.dumps(trainer.schedule.state())
    best = trainer.best
    if best is not None and trainer.spec.training.patience:
        loss = best.loss if math.isfinite(best.loss) else None
        meta["best"] = json.dumps({"loss": loss, "step": best.step})
        tensors["best.flat"] = best.flat.clone()
    return safetensors.torch.save({k: v.contiguous() for k, v in tensors.items()}, meta)


@functools.lru_cache(maxsize=8)
def _spec_json(spec: Spec) -> str:
    """The spec as JSON, once per spec (frozen, hashable): periodic saves repeat it."""
    return json.dumps(spec.to_dict())


def weights_sha256(trainer) -> str:
    """SHA-256 over the weights in state_dict order, as little-endian float32 bytes."""
    import numpy as np

    h = hashlib.sha256()
    for tensor in trainer.weights().values():
        h.update(np.ascontiguousarray(tensor.numpy(), dtype="<f4").tobytes())
    return h.hexdigest()


def save(trainer, path: str | os.PathLike) -> None:
    """Save ``trainer`` to ``path`` atomically (see :func:`torchplay.engine.atomic.write_atomic`).

    Raises:
        TargetError: the path cannot be written; the previous file is unchanged.
    """
    write_atomic(path, to_bytes(trainer))


def best_to_bytes(trainer) -> bytes:
    """The best weights :meth:`Trainer.track_best` kept, as a checkpoint whose ``step`` is
    the best step (the optimizer and minibatch state are the current ones)."""
    best = trainer.best
    current, step = trainer.flat.clone(), trainer.step_count
    trainer.flat.copy_(best.flat)
    trainer.step_count = best.step
    try:
        return to_bytes(trainer)
    finally:
        trainer.flat.copy_(current)
        trainer.step_count = step


def _read(path: str | os.PathLike) -> bytes:
    p = Path(path)
    if p.is_dir():
        raise CheckpointError(f"{str(p)!r} is a directory, not a checkpoint file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise CheckpointError(
                f"{str(p)!r} is {size} bytes, larger than any torchplay checkpoint"
            )
        return p.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {str(p)!r} does not exist: check the path") from None
    except PermissionError:
        raise CheckpointError(
            f"checkpoint {str(p)!r} is not readable (permission denied)"
        ) from None
    except OSError as exc:
        raise CheckpointError(f"cannot read {str(p)!r}: {exc.strerror or exc}") from None


def _header(raw: bytes, name: str) -> dict:
    if len(raw) < 8:
        raise CheckpointError(
            f"{name!r} is not a torchplay checkpoint (too short to be safetensors)"
        )
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8 or n > 100_000_000:
        raise CheckpointError(
            f"{name!r} is truncated or corrupt (bad safetensors header); "
            "use an older copy or retrain"
        )
    try:
        header = json.loads(raw[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(
            f"{name!r} is not a torchplay checkpoint (not a safetensors file)"
        ) from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{name!r} is not a torchplay checkpoint (not a safetensors file)")
    return header


def expected_shapes(spec: Spec, n_in: int, n_out: int) -> dict[str, tuple[int, ...]]:
    """The ``state_dict`` names and shapes the spec's network has, for ``n_in`` raw inputs."""
    shapes: dict[str, tuple[int, ...]] = {}
    n_features = width(spec.data.features, n_in)
    for x in plan(spec.model.hidden, spec.model.activation, n_features, n_out):
        if not x.activation:
            shapes[f"{x.index}.weight"] = (x.n_out, x.n_in)
            shapes[f"{x.index}.bias"] = (x.n_out,)
    return shapes


def load(path: str | os.PathLike) -> Checkpoint:
    """Read and validate a checkpoint.

    Raises:
        CheckpointError: not a torchplay checkpoint, truncated or corrupt, a newer format,
            a spec or shape mismatch, or non-finite weights.
    """
    name = str(path)
    raw = _read(path)
    meta = _header(raw, name).get("__metadata__") or {}
    if "torchplay.format" not in meta:
        raise CheckpointError(
            f"{name!r} is not a torchplay checkpoint (no torchplay metadata); "
            "for plain weights use: torchplay import"
        )
    try:
        version = int(meta["torchplay.format"])
    except ValueError:
        raise CheckpointError(f"{name!r} has an unreadable format version") from None
    if version > FORMAT:
        raise CheckpointError(
            f"{name!r} was written by a newer torchplay (format {version}, "
            f"this one reads {FORMAT}): upgrade torchplay"
        )
    try:
        tensors = safetensors.torch.load(raw)
    except Exception as exc:  # safetensors raises its own error types
        raise CheckpointError(
            f"{name!r} is truncated or corrupt ({exc}); use an older copy or retrain"
        ) from None
    try:
        spec = from_dict(json.loads(meta["spec"]))
        shape = json.loads(meta["shape"])
        step, lr = int(meta["step"]), float(meta["lr"])
        history = History.from_dict(json.loads(meta["history"]))
        state = str(meta.get("state", "paused"))
        check_features(spec.data.features, int(shape["inputs"]))
        run = _run_id(meta.get("run"))
        forked_from = _forked_from(meta.get("forked_from"))
        schedule = _schedule(spec, meta.get("schedule"))
        best = _best(meta.get("best"), tensors.get("best.flat"))
    except SpecError as exc:
        raise CheckpointError(f"{name!r} holds an invalid spec: {exc}") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{name!r} has corrupt torchplay metadata ({exc})") from None
    weights = {k: v for k, v in tensors.items() if not k.startswith(("optim.", "batch.", "best."))}
    want = expected_shapes(spec, shape["inputs"], shape["outputs"])
    if set(weights) != set(want):
        raise CheckpointError(
            f"{name!r}: tensor names {sorted(weights)} do not match the spec's "
            f"network {sorted(want)}"
        )
    for key, expected in want.items():
        if tuple(weights[key].shape) != expected or weights[key].dtype != torch.float32:
            raise CheckpointError(
                f"{name!r}: tensor {key} has shape {tuple(weights[key].shape)} "
                f"({weights[key].dtype}); the spec needs {expected} float32"
            )
    for key, value in tensors.items():
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(
                f"{name!r}: tensor {key} holds non-finite values (NaN or inf); "
                "use an earlier checkpoint"
            )
    return Checkpoint(
        spec=spec,
        step=step,
        state=state,
        lr=lr,
        history=history,
        weights={k: weights[k] for k in want},
        optim={k: v for k, v in tensors.items() if k.startswith("optim.")},
        batch={k: v for k, v in tensors.items() if k.startswith("batch.")},
        shape=shape,
        run=run,
        forked_from=forked_from,
        schedule=schedule,
        best=best,
    )


def _run_id(value: str | None) -> str | None:
    if value is not None and not (0 < len(value) <= 64 and value.isalnum()):
        raise ValueError(f"run id {value[:80]!r} is not a short alphanumeric id")
    return value


def _forked_from(value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    raw = json.loads(value)
    if not isinstance(raw, dict) or set(raw) != {"run", "step"}:
        raise ValueError("forked_from must hold run and step")
    run, step = _run_id(raw["run"]), raw["step"]
    if run is None or isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"forked_from {raw!r} needs a run id and a step >= 0")
    return run, step


def _schedule(spec: Spec, value: str | None) -> dict | None:
    """The schedule state, checked by the schedule that will load it."""
    if value is None:
        return None
    from torchplay.engine.schedule import Schedule

    raw = json.loads(value)
    Schedule(spec.training).load(raw)  # raises ValueError when it is not one
    return raw


def _best(value: str | None, flat: torch.Tensor | None) -> tuple | None:
    if value is None and flat is None:
        return None
    raw = json.loads(value) if value is not None else None
    if not isinstance(raw, dict) or set(raw) != {"loss", "step"} or flat is None:
        raise ValueError("best needs loss, step and the tensor best.flat")
    loss, step = raw["loss"], raw["step"]
    if isinstance(step, bool) or not isinstance(step, int) or step < -1:
        raise ValueError(f"best step {step!r} must be a step")
    if loss is not None and (isinstance(loss, bool) or not isinstance(loss, int | float)):
        raise ValueError(f"best loss {loss!r} must be a number or null")
    if flat.dtype != torch.float32 or flat.dim() != 1:
        raise ValueError("best.flat must be a 1-D float32 tensor")
    return (math.inf if loss is None else float(loss)), step, flat


def restore(path: str | os.PathLike):
    """A :class:`torchplay.engine.trainer.Trainer` exactly where the checkpoint at ``path`` left it."""
    return trainer_from(load(path), str(path))


def trainer_from(ckpt: Checkpoint, name: str):
    """A :class:`torchplay.engine.trainer.Trainer` rebuilt from a loaded checkpoint."""
    from torchplay.engine.trainer import Trainer

    trainer = Trainer(ckpt.spec)
    d = trainer.data
    if (d.n_inputs, d.n_outputs) != (ckpt.shape["inputs"], ckpt.shape["outputs"]):
        raise CheckpointError(f"{name!r}: its data no longer has the network's shape")
    trainer.load_state(
        ckpt.weights,
        step=ckpt.step,
        state=ckpt.state,
        lr=ckpt.lr,
        history=ckpt.history,
        optim=ckpt.optim,
        batch=ckpt.batch,
    )
    trainer.run_id = ckpt.run or trainer.run_id
    trainer.forked_from = ckpt.forked_from
    trainer.schedule.load(ckpt.schedule)
    if ckpt.best is not None and trainer.best is not None:
        loss, step, flat = ckpt.best
        if flat.shape != trainer.best.flat.shape:
            raise CheckpointError(f"{name!r}: best.flat does not fit the network")
        trainer.best.flat.copy_(flat)
        trainer.best.loss, trainer.best.step = loss, step
    return trainer
