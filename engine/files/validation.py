"""Checks of every field a checkpoint's loader uses, each refusal naming the field.

:func:`metadata` parses and checks the JSON strings (format, spec, step, state, lr,
history, shape); :func:`schedule` and :func:`best` the plateau schedule's state and early
stopping's best weights; :func:`tensors` checks the weights, the optimizer state (``optim.*``,
by the stepper the spec selects) and the minibatch state (``batch.*``) for names, dtypes
and shapes. A crafted file gets a :class:`CheckpointError` (exit 2), never a crash.

Optimizer state may hold non-finite values (RMSprop's and Adagrad's running sums
overflow on a diverging run, and torch carries on with them); weights may not.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import torch
from torchplay.engine.files.ckheader import CheckpointError
from torchplay.engine.process.events import RunState
from torchplay.engine.run.datafields import check_features
from torchplay.engine.run.history import History
from torchplay.engine.run.schedule import Schedule
from torchplay.engine.run.source import from_dict
from torchplay.engine.run.spec import MAX_CLASSES, Spec, SpecError
from torchplay.engine.train.model import ALIGN

FORMAT = 1
"""The checkpoint format version this code writes and reads (it refuses newer ones)."""
STATES = tuple(s.value for s in RunState)
MAX_STEP = 2**53
MAX_INPUTS = 100_000
MAX_HISTORY = 10_000
"""Largest history capacity accepted (torchplay writes 1,000)."""
GENERATOR_BYTES = torch.Generator().get_state().numel()
OPTIM_KEYS = {
    "sgd": ("momentum_buffer",),
    "adam": ("step", "exp_avg", "exp_avg_sq"),
    "adamw": ("step", "exp_avg", "exp_avg_sq"),
    "rmsprop": ("step", "square_avg"),
    "adagrad": ("step", "sum"),
}
"""The per-parameter state ``torch.optim`` keeps (RMSprop adds momentum_buffer)."""


def _json(meta: dict, key: str, name: str) -> Any:
    try:
        return json.loads(meta[key])
    except KeyError:
        raise CheckpointError(f"{name!r}: metadata {key!r} is missing") from None
    except (ValueError, TypeError, RecursionError):
        raise CheckpointError(f"{name!r}: metadata {key!r} is not valid JSON") from None


def _int(value: Any, key: str, name: str, lo: int, hi: int, text: bool = False) -> int:
    if text and isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise CheckpointError(
            f"{name!r}: {key} = {str(value)[:40]!r} must be an integer from {lo} to {hi}"
        )
    return value


def _history(raw: Any, name: str) -> History:
    bad = f"{name!r}: history is corrupt"
    if not isinstance(raw, dict) or not isinstance(raw.get("points"), list):
        raise CheckpointError(f"{bad} (not a table with points)")
    capacity = _int(raw.get("capacity"), "history.capacity", name, 2, MAX_HISTORY)
    stride = _int(raw.get("stride"), "history.stride", name, 1, MAX_STEP)
    if len(raw["points"]) > capacity:
        raise CheckpointError(f"{bad} ({len(raw['points'])} points, capacity {capacity})")
    points = []
    for p in raw["points"]:
        ok = (
            isinstance(p, list)
            and len(p) == 3
            and isinstance(p[0], int)
            and not isinstance(p[0], bool)
            and 0 <= p[0] <= MAX_STEP
            and all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in (p[1], *([] if p[2] is None else [p[2]]))
            )
        )
        if not ok:
            raise CheckpointError(f"{bad} (point {str(p)[:40]})")
        points.append((p[0], float(p[1]), None if p[2] is None else float(p[2])))
    return History(capacity, stride, points)


def metadata(meta: Any, name: str) -> dict:
    """The checked metadata: spec, shape, step, state, lr, history, run, forked_from,
    lineage.

    Raises:
        CheckpointError: a field missing, of the wrong type or out of range.
    """
    if not isinstance(meta, dict) or "torchplay.format" not in meta:
        raise CheckpointError(
            f"{name!r} is not a torchplay checkpoint (no torchplay metadata); "
            "for plain weights use: torchplay import"
        )
    for key, value in meta.items():
        if not isinstance(value, str):
            raise CheckpointError(f"{name!r}: metadata {str(key)[:40]!r} is not a string")
    fmt = meta["torchplay.format"]
    if re.fullmatch(r"\d{1,9}", fmt) and int(fmt) > FORMAT:
        raise CheckpointError(
            f"{name!r} was written by a newer torchplay (format {fmt}, "
            f"this one reads {FORMAT}): upgrade torchplay"
        )
    _int(fmt, "torchplay.format", name, 1, FORMAT, text=True)
    try:
        spec = from_dict(_json(meta, "spec", name))
    except SpecError as exc:
        raise CheckpointError(f"{name!r} holds an invalid spec: {exc}") from None
    except RecursionError:
        raise CheckpointError(f"{name!r}: metadata 'spec' is nested too deeply") from None
    shape = _json(meta, "shape", name)
    if not isinstance(shape, dict):
        raise CheckpointError(f"{name!r}: metadata 'shape' is not a table")
    shape = {
        "inputs": _int(shape.get("inputs"), "shape.inputs", name, 1, MAX_INPUTS),
        "outputs": _int(shape.get("outputs"), "shape.outputs", name, 1, MAX_CLASSES),
        "classes": _int(shape.get("classes", 0), "shape.classes", name, 0, MAX_CLASSES),
    }
    lr_text = meta.get("lr", "")
    try:
        lr = float(lr_text)
    except ValueError:
        lr = math.nan
    if not (math.isfinite(lr) and 0 < lr <= 1e6):
        raise CheckpointError(f"{name!r}: lr = {lr_text[:40]!r} must be a number in (0, 1e6]")
    state = meta.get("state", "paused")
    if state not in STATES:
        raise CheckpointError(f"{name!r}: state {state[:40]!r} must be one of {', '.join(STATES)}")
    try:
        check_features(spec.data.features, shape["inputs"])
    except SpecError as exc:
        raise CheckpointError(f"{name!r} holds an invalid spec: {exc}") from None
    return {
        "spec": spec,
        "shape": shape,
        "step": _int(meta.get("step"), "step", name, 0, MAX_STEP, text=True),
        "state": state,
        "lr": lr,
        "history": _history(_json(meta, "history", name), name),
        "run": _run_id(meta.get("run"), "run", name),
        "forked_from": _forked_from(meta, name),
        "lineage": _lineage(meta, name),
    }


def _lineage(meta: dict, name: str) -> tuple:
    """Each fork on a run's way (``lineage``: ``[[step, spec], ...]``, oldest first)."""
    if "lineage" not in meta:
        return ()
    raw = _json(meta, "lineage", name)
    bad = CheckpointError(
        f"{name!r} has corrupt torchplay metadata (lineage must list [step, spec] pairs)"
    )
    if not isinstance(raw, list) or len(raw) > 10_000:
        raise bad
    out = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict)):
            raise bad
        try:
            spec = from_dict(item[1])
        except (SpecError, RecursionError):
            raise bad from None
        out.append((_int(item[0], "lineage step", name, 0, MAX_STEP), spec))
    return tuple(out)


def _run_id(value: Any, key: str, name: str) -> str | None:
    if value is not None and not (
        isinstance(value, str) and 0 < len(value) <= 64 and value.isalnum()
    ):
        raise CheckpointError(
            f"{name!r} has corrupt torchplay metadata ({key} {str(value)[:80]!r} is not "
            "a short alphanumeric id)"
        )
    return value


def _forked_from(meta: dict, name: str) -> tuple[str, int] | None:
    if "forked_from" not in meta:
        return None
    raw = _json(meta, "forked_from", name)
    if not isinstance(raw, dict) or set(raw) != {"run", "step"} or raw["run"] is None:
        raise CheckpointError(
            f"{name!r} has corrupt torchplay metadata (forked_from must hold a run id and a step)"
        )
    run = _run_id(raw["run"], "forked_from.run", name)
    return run, _int(raw["step"], "forked_from.step", name, 0, MAX_STEP)


def _expect(tensors: dict, key: str, dtype: torch.dtype, shape: tuple, name: str) -> None:
    t = tensors[key]
    if t.dtype != dtype or tuple(t.shape) != shape:
        raise CheckpointError(
            f"{name!r}: tensor {key} is {tuple(t.shape)} {t.dtype}; expected {shape} {dtype}"
        )


def _scalar(tensors: dict, key: str, name: str, hi: int) -> None:
    t = tensors[key]
    if t.numel() != 1 or not bool(torch.isfinite(t.double()).all()) or not 0 <= t.item() <= hi:
        raise CheckpointError(f"{name!r}: tensor {key} must be one number from 0 to {hi}")


def _flat_size(shapes: list[tuple[int, ...]]) -> int:
    """The flat parameter buffer's length: each parameter starts 64-byte aligned."""
    return sum(-(-math.prod(s) // ALIGN) * ALIGN for s in shapes)


def schedule(meta: dict, spec: Spec, name: str, step: int | None = None) -> dict | None:
    """The plateau schedule's state (metadata ``schedule``), as the schedule loads it; its
    drops and its last improvement are steps the run reached (``step``, when given)."""
    if "schedule" not in meta:
        return None
    raw = _json(meta, "schedule", name)
    loaded = Schedule(spec.training)
    try:
        loaded.load(raw)
        if step is not None and max([*loaded.drops, loaded.since]) > step:
            raise ValueError(f"drops {loaded.drops[-3:]} or since {loaded.since} after step {step}")
    except ValueError as exc:
        raise CheckpointError(f"{name!r}: schedule is corrupt ({str(exc)[:200]})") from None
    return raw


def best(
    meta: dict, tensors: dict, shapes: list[tuple[int, ...]], name: str, at: int | None = None
):
    """Early stopping's best: (loss, step, flat weights) from metadata ``best`` and the
    tensor ``best.flat``, or None without them; its step is one the run reached (``at``)."""
    if "best" not in meta and "best.flat" not in tensors:
        return None
    if "best" not in meta or "best.flat" not in tensors:
        raise CheckpointError(f"{name!r}: metadata best and tensor best.flat come together")
    raw = _json(meta, "best", name)
    if not isinstance(raw, dict) or set(raw) != {"loss", "step"}:
        raise CheckpointError(f"{name!r}: metadata best must hold loss and step")
    step = _int(raw["step"], "best.step", name, -1, MAX_STEP if at is None else at)
    loss = raw["loss"]
    if loss is not None and (
        isinstance(loss, bool) or not isinstance(loss, int | float) or not math.isfinite(loss)
    ):
        raise CheckpointError(f"{name!r}: best.loss = {str(loss)[:40]!r} must be a number")
    flat = tensors["best.flat"]
    if flat.is_floating_point() and not bool(torch.isfinite(flat).all()):
        raise CheckpointError(f"{name!r}: tensor best.flat holds non-finite values")
    _expect(tensors, "best.flat", torch.float32, (_flat_size(shapes),), name)
    return (math.inf if loss is None else float(loss)), step, flat


def optim(tensors: dict, spec: Spec, shapes: list[tuple[int, ...]], fused: bool, name: str):
    """Check ``optim.*`` against the stepper ``spec`` selects and the parameter shapes."""
    if fused:
        total = _flat_size(shapes)
        for key in tensors:
            if key == "optim.t":
                _scalar(tensors, key, name, MAX_STEP)
                if tensors[key].dtype != torch.int64:
                    raise CheckpointError(f"{name!r}: tensor optim.t must be int64")
            elif key in ("optim.buf", "optim.exp_avg", "optim.exp_avg_sq"):
                _expect(tensors, key, torch.float32, (total,), name)
            else:
                raise CheckpointError(f"{name!r}: tensor {key} is not optimizer state here")
        if ("optim.exp_avg" in tensors) != ("optim.exp_avg_sq" in tensors):
            raise CheckpointError(f"{name!r}: optim.exp_avg and optim.exp_avg_sq come together")
        return
    t = spec.training
    keys = set(OPTIM_KEYS[t.optimizer])
    if t.optimizer == "rmsprop" and t.momentum > 0:
        keys.add("momentum_buffer")
    seen: dict[int, set] = {}
    for key in tensors:
        if key == "optim.rng" and spec.model.modal:  # dropout's RNG (AutogradStepper)
            _expect(tensors, key, torch.uint8, (GENERATOR_BYTES,), name)
            continue
        m = re.fullmatch(r"optim\.(\d{1,4})\.(\w+)", key)
        if not m or int(m.group(1)) >= len(shapes) or m.group(2) not in keys:
            raise CheckpointError(f"{name!r}: tensor {key} is not {t.optimizer} state here")
        idx, leaf = int(m.group(1)), m.group(2)
        seen.setdefault(idx, set()).add(leaf)
        if leaf == "step":
            _scalar(tensors, key, name, MAX_STEP)
        else:
            _expect(tensors, key, torch.float32, shapes[idx], name)
    for idx, leaves in seen.items():
        if leaves != keys:
            raise CheckpointError(
                f"{name!r}: optimizer state of parameter {idx} lacks {sorted(keys - leaves)}"
            )


def batch(tensors: dict, name: str, size: int) -> None:
    """Check ``batch.*`` for names, dtypes and sizes (the row count is checked on restore)."""
    for key in ("batch.generator", "batch.pos"):
        if key not in tensors:
            raise CheckpointError(f"{name!r}: tensor {key} is missing")
    for key in tensors:
        if key not in ("batch.generator", "batch.pos", "batch.perm"):
            raise CheckpointError(f"{name!r}: tensor {key} is not minibatch state")
    _expect(tensors, "batch.generator", torch.uint8, (GENERATOR_BYTES,), name)
    if tensors["batch.pos"].dtype != torch.int64:
        raise CheckpointError(f"{name!r}: tensor batch.pos must be int64")
    _scalar(tensors, "batch.pos", name, MAX_STEP)
    perm = tensors.get("batch.perm")
    n = 0 if perm is None else perm.numel()
    if perm is not None and (
        perm.dtype != torch.int64
        or perm.dim() != 1
        or not torch.equal(perm.sort().values, torch.arange(n))
    ):
        raise CheckpointError(f"{name!r}: tensor batch.perm is not a permutation of 0..N-1")
    if int(tensors["batch.pos"]) > n + size:  # a minibatch may run past the end
        raise CheckpointError(f"{name!r}: batch.pos {int(tensors['batch.pos'])} is past {n} rows")


def rows(tensors: dict, n: int, name: str) -> None:
    """Check the minibatch permutation (checked by :func:`batch`) against the data's rows."""
    perm = tensors.get("batch.perm")
    if perm is not None and perm.numel() != n:
        raise CheckpointError(f"{name!r}: batch.perm has {perm.numel()} rows, the data {n}")
