"""Checkpoints: one ``.safetensors`` file, no pickle, written atomically, loaded with checks.

Layout:

* tensors named as the model's ``state_dict`` (``0.weight``, ``0.bias``, ...), so any
  safetensors reader gets the weights;
* ``optim.*``: optimizer state (moments, momentum buffers, step counts);
* ``batch.*``: the minibatch generator's state, the epoch's permutation and position;
* metadata (JSON strings): ``torchplay.format``, ``spec``, ``step``, ``state``, ``lr``,
  ``history`` (bounded), ``shape`` (raw inputs, outputs, classes), ``versions``, ``run``
  (the run's id) and, for a forked run, ``forked_from`` (``{"run": id, "step": k}``) and,
  when its chain of specs is known, ``lineage`` (``[[step, spec], ...]``: each fork's
  step and the spec trained up to it, which ``torchplay share`` turns into a replay);
  with the plateau schedule ``schedule`` (its drops, best loss and last improvement);
  with early stopping ``best`` (``{"loss", "step"}``) and the tensor ``best.flat``, the
  best weights so far (so a resumed run stops where the straight one would); with
  neuron surgery ``surgery`` (the frozen and killed units, and the outgoing weights a
  kill zeroed; the entries themselves are the spec's ``training.surgery``).
  The spec's ``data.features`` say what the network's inputs are; the network's first
  layer takes that many features.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
from dataclasses import dataclass

import safetensors
import safetensors.numpy
import safetensors.torch
import torch
from torchplay.engine import __version__
from torchplay.engine.files import surgerymeta
from torchplay.engine.files import validation as _check
from torchplay.engine.files.atomic import write_atomic
from torchplay.engine.files.ckheader import parse_header, read_file
from torchplay.engine.files.validation import FORMAT, CheckpointError
from torchplay.engine.run.datafields import width
from torchplay.engine.run.history import History
from torchplay.engine.run.layers import model_plan, state_shapes
from torchplay.engine.run.spec import Spec

__all__ = ["FORMAT", "Checkpoint", "CheckpointError", "load", "restore", "save", "to_bytes"]


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
    lineage: tuple[tuple[int, Spec], ...] = ()
    """Each fork on the way here: its step and the spec trained up to it (a share string
    and ``torchplay open`` replay it)."""
    schedule: dict | None = None
    """The plateau schedule's state (:meth:`torchplay.engine.run.schedule.Schedule.state`)."""
    best: tuple[float, int, torch.Tensor] | None = None
    """Early stopping: the best loss, its step and its flat weights."""
    surgery: dict | None = None
    """The frozen and killed units (``Surgeon.state``; the entries are in the spec)."""
    kernel: str = "exact"
    """The kernel that trained it (``training.kernel``, ``auto`` resolved): a compiled
    run resumes compiled."""


def to_bytes(trainer) -> bytes:
    """Serialise a :class:`torchplay.engine.train.trainer.Trainer` to checkpoint bytes."""
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
        "kernel": trainer.kernel,
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
    if trainer.surgeon.state() is not None:
        meta["surgery"] = json.dumps(trainer.surgeon.state())
    if trainer.lineage:
        meta["lineage"] = json.dumps([[step, spec.to_dict()] for step, spec in trainer.lineage])
    if trainer.schedule.state() is not None:
        meta["schedule"] = json.dumps(trainer.schedule.state())
    best = trainer.best
    if best is not None and trainer.spec.training.patience:
        loss = best.loss if math.isfinite(best.loss) else None
        meta["best"] = json.dumps({"loss": loss, "step": best.step})
        tensors["best.flat"] = best.flat.clone()
    return _serialise(tensors, meta)


def _serialise(tensors: dict[str, torch.Tensor], meta: dict[str, str]) -> bytes:
    """``safetensors.torch.save(tensors, meta)`` through safetensors' numpy writer: the same
    tensors and metadata (its keys sorted) at under half the Python overhead, 80 us against
    180 us for the regression scenario (a periodic save runs on the training loop; no dtype
    here lacks a numpy twin)."""
    arrays = {k: v.detach().cpu().contiguous().numpy() for k, v in tensors.items()}
    return safetensors.numpy.save(arrays, meta)


@functools.lru_cache(maxsize=8)
def _spec_json(spec: Spec) -> str:
    """The spec as JSON, once per spec (frozen, hashable): periodic saves repeat it."""
    return json.dumps(spec.to_dict())


def weights_sha256(trainer_or_weights) -> str:
    """SHA-256 over the weights in state_dict order, as little-endian float32 bytes
    (of a trainer, or of a ``state_dict``-ordered dict of tensors)."""
    import numpy as np

    weights = trainer_or_weights
    if not isinstance(weights, dict):
        weights = weights.weights()
    h = hashlib.sha256()
    for tensor in weights.values():
        h.update(np.ascontiguousarray(tensor.numpy(), dtype="<f4").tobytes())
    return h.hexdigest()


def save(trainer, path: str | os.PathLike, what: str = "") -> None:
    """Save ``trainer`` to ``path`` atomically (see :func:`torchplay.engine.files.atomic.write_atomic`);
    ``what`` names the path in an error (``--save``).

    Raises:
        TargetError: the path cannot be written; the previous file is unchanged.
    """
    write_atomic(path, to_bytes(trainer), what)


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


def expected_shapes(spec: Spec, n_in: int, n_out: int) -> dict[str, tuple[int, ...]]:
    """The ``state_dict`` names and shapes the spec's network has, for ``n_in`` raw inputs
    (batch norm's running statistics included: see :data:`BUFFERS`)."""
    return state_shapes(model_plan(spec.model, width(spec.data.features, n_in), n_out))


BUFFERS = ("running_mean", "running_var", "num_batches_tracked")
"""The ``state_dict`` entries that are buffers, not parameters (batch norm's)."""


def _dtype(key: str) -> torch.dtype:
    return torch.int64 if key.endswith("num_batches_tracked") else torch.float32


def load(path: str | os.PathLike) -> Checkpoint:
    """Read and validate a checkpoint: every metadata field and tensor that restoring
    uses (:mod:`torchplay.engine.files.validation`).

    Raises:
        CheckpointError: not a torchplay checkpoint, truncated or corrupt, a newer format,
            a field of the wrong type or out of range, a spec or shape mismatch, or
            non-finite weights.
    """
    from torchplay.engine.steppers.fastpath import supports

    name = str(path)
    raw = read_file(path)
    meta_raw = parse_header(raw, name).get("__metadata__")
    meta = _check.metadata(meta_raw, name)
    try:
        tensors = safetensors.torch.load(raw)
    except Exception as exc:  # safetensors raises its own error types
        raise CheckpointError(
            f"{name!r} is truncated or corrupt ({exc}); use an older copy or retrain"
        ) from None
    spec, shape = meta["spec"], meta["shape"]
    weights = {k: v for k, v in tensors.items() if not k.startswith(("optim.", "batch.", "best."))}
    want = expected_shapes(spec, shape["inputs"], shape["outputs"])
    if set(weights) != set(want):
        raise CheckpointError(
            f"{name!r}: tensor names {sorted(weights)[:8]} do not match the spec's "
            f"network {sorted(want)[:8]}"
        )
    for key, expected in want.items():
        dtype = _dtype(key)
        if tuple(weights[key].shape) != expected or weights[key].dtype != dtype:
            raise CheckpointError(
                f"{name!r}: tensor {key} has shape {tuple(weights[key].shape)} "
                f"({weights[key].dtype}); the spec needs {expected} {str(dtype)[6:]}"
            )
        if dtype == torch.int64:
            if int(weights[key]) < 0:
                raise CheckpointError(f"{name!r}: tensor {key} is negative")
        elif not bool(torch.isfinite(weights[key]).all()):
            raise CheckpointError(
                f"{name!r}: tensor {key} holds non-finite values (NaN or inf); "
                "use an earlier checkpoint"
            )
    optim = {k: v for k, v in tensors.items() if k.startswith("optim.")}
    batch = {k: v for k, v in tensors.items() if k.startswith("batch.")}
    kernel = meta_raw.get("kernel", "exact")
    if kernel not in ("exact", "compiled"):
        raise CheckpointError(f"{name!r}: kernel {str(kernel)[:40]!r} must be exact or compiled")
    fused = supports(spec.training, spec) or kernel == "compiled"
    params = [v for k, v in want.items() if not k.endswith(BUFFERS)]
    _check.optim(optim, spec, params, fused, name)
    _check.batch(batch, name, spec.training.batch_size or 0)
    schedule = _check.schedule(meta_raw, spec, name, meta["step"])
    best = _check.best(meta_raw, tensors, params, name, meta["step"])
    return Checkpoint(
        weights={k: weights[k] for k in want},
        optim=optim,
        batch=batch,
        schedule=schedule,
        best=best,
        surgery=surgerymeta.surgery(meta_raw, name),
        kernel=kernel,
        **meta,
    )


def restore(path: str | os.PathLike):
    """A :class:`torchplay.engine.train.trainer.Trainer` exactly where the checkpoint at ``path`` left it."""
    return trainer_from(load(path), str(path))


def trainer_from(ckpt: Checkpoint, name: str):
    """A :class:`torchplay.engine.train.trainer.Trainer` rebuilt from a loaded checkpoint (this
    generates or reads its training data: only resuming and the app need it).

    Raises:
        CheckpointError: the data no longer fits the network, or the minibatch state
            does not fit the data.
        InputError: the data cannot be read (a ``csv:`` file moved or changed).
    """
    from torchplay.engine.train.trainer import Trainer

    spec = ckpt.spec
    if ckpt.kernel == "compiled" and spec.training.kernel == "auto":
        spec = spec.with_overrides({"training.kernel": "compiled"})  # as it trained
    trainer = Trainer(spec)
    d = trainer.data
    if (d.n_inputs, d.n_outputs) != (ckpt.shape["inputs"], ckpt.shape["outputs"]):
        raise CheckpointError(f"{name!r}: its data no longer has the network's shape")
    _check.rows(ckpt.batch, trainer.batches.n, name)
    try:
        trainer.load_state(
            ckpt.weights,
            step=ckpt.step,
            state=ckpt.state,
            lr=ckpt.lr,
            history=ckpt.history,
            optim=ckpt.optim,
            batch=ckpt.batch,
            schedule=ckpt.schedule,
            best=ckpt.best,
            surgery=ckpt.surgery,
        )
    except (RuntimeError, ValueError, KeyError, IndexError) as exc:
        raise CheckpointError(f"{name!r}: optimizer or minibatch state unusable ({exc})") from None
    trainer.run_id = ckpt.run or trainer.run_id
    trainer.forked_from = ckpt.forked_from
    trainer.lineage = ckpt.lineage
    return trainer


def network(ckpt: Checkpoint):
    """The checkpoint's ``nn.Sequential`` with its weights, without its training data
    (what ``info`` and ``predict`` need: a ``csv:`` file need not be there)."""
    from torchplay.engine.train import model

    n_in = width(ckpt.spec.data.features, ckpt.shape["inputs"])
    with torch.random.fork_rng(devices=[]):  # build's initial weights are overwritten
        net = model.build(ckpt.spec.model, n_in, ckpt.shape["outputs"])
    with torch.no_grad():
        for k, v in net.state_dict().items():
            v.copy_(ckpt.weights[k])
    return net
