"""The corpus's crafted checkpoints: each refused by info, predict, resume, export and the app's engine, naming the field (see tests/corpus.py)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.corpus_case import Case, _write

# -- crafted checkpoints ----------------------------------------------------------------


def _base_checkpoint(optimizer: str = "adam", fast: bool = True) -> tuple[dict, dict]:
    """The tensors and metadata of a real checkpoint: minibatches (so batch.perm exists)
    and optimizer state (fused Adam, or torch.optim's ``optimizer``)."""
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.trainer import Trainer

    spec = get_scenario("regression").with_overrides(
        {
            "training.optimizer": optimizer,
            "training.batch_size": 10,
            "training.fast_path": fast,
            "training.lr": 0.01,
        }
    )
    trainer = Trainer(spec)
    trainer.step(3)
    raw = checkpoint.to_bytes(trainer)
    import safetensors.torch

    tensors = safetensors.torch.load(raw)
    n = int.from_bytes(raw[:8], "little")
    meta = json.loads(raw[8 : 8 + n])["__metadata__"]
    return tensors, meta


def _pickled(folder: Path) -> Path:
    import torch

    path = folder / "net.pkl"
    torch.save({"0.weight": torch.zeros(10, 1), "0.bias": torch.zeros(10)}, path)
    return path


def _crafted(
    change: Callable[[dict, dict], None], optimizer: str = "adam", fast: bool = True
) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        import safetensors.torch

        tensors, meta = _base_checkpoint(optimizer, fast)
        change(tensors, meta)
        path = folder / "crafted.safetensors"
        path.write_bytes(safetensors.torch.save(tensors, meta))
        return path

    return make


def _raw_header(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = text.encode()
        return _write(folder / "raw.safetensors", len(data).to_bytes(8, "little") + data)

    return make


def _set(key: str, value):
    def change(tensors: dict, meta: dict) -> None:
        target = meta if isinstance(value, str) or value is None else tensors
        if value is None:
            tensors.pop(key, None)
            meta.pop(key, None)
        else:
            target[key] = value

    return change


def _tensor(key: str, build: Callable[[Any], Any]):
    def change(tensors: dict, meta: dict) -> None:
        import torch

        tensors[key] = build(torch)

    return change


def _history(points: int = 1, stride: int = 1, capacity: int = 1000, point: str = "[1,0.5,null]"):
    body = ",".join([point] * points)
    return f'{{"capacity":{capacity},"stride":{stride},"points":[{body}]}}'


def _early(meta_value: dict, tensor=None):
    """A plateau schedule with early stopping in the spec, then these metadata entries
    (None removes one) and ``tensor(torch)`` as ``best.flat``."""

    def change(tensors: dict, meta: dict) -> None:
        import torch

        spec = json.loads(meta["spec"])
        spec["training"].update(schedule="plateau", patience=50)
        meta["spec"] = json.dumps(spec)
        for key, value in meta_value.items():
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value
        if tensor is not None:
            tensors["best.flat"] = tensor(torch)

    return change


def _ck(name: str, needle: str, make: Callable[[Path], Path]) -> Case:
    return Case("checkpoint", name, needle, make=make)


def _truncated(folder: Path) -> Path:
    good = _crafted(lambda t, m: None)(folder)
    raw = good.read_bytes()
    return _write(folder / "trunc.safetensors", raw[: len(raw) // 2])


CHECKPOINTS = [
    _ck("empty", "too short", lambda f: _write(f / "e.safetensors", b"")),
    _ck("pickle", "torchplay import", _pickled),
    _ck(
        "legacy-pickle",
        "torchplay import",
        lambda f: _write(f / "old.pkl", pickle.dumps({"0.weight": [1.0]}, protocol=2)),
    ),
    _ck(
        "random-bytes",
        "truncated or corrupt",
        lambda f: _write(f / "r.st", bytes(range(256)) * 4),
    ),
    _ck("truncated", "truncated or corrupt", _truncated),
    _ck(
        "foreign-safetensors",
        "no torchplay metadata",
        _raw_header('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'),
    ),
    _ck("header-nested-deep", "not a safetensors file", _raw_header("[" * 100_000 + "]" * 100_000)),
    _ck(
        "metadata-not-string",
        "is not a string",
        _raw_header('{"__metadata__":{"torchplay.format":1}}'),
    ),
    _ck("format-0", "torchplay.format", _crafted(_set("torchplay.format", "0"))),
    _ck("format-negative", "torchplay.format", _crafted(_set("torchplay.format", "-1"))),
    _ck("format-text", "torchplay.format", _crafted(_set("torchplay.format", "one"))),
    _ck("format-newer", "newer torchplay", _crafted(_set("torchplay.format", "9"))),
    _ck("step-negative", "step", _crafted(_set("step", "-5"))),
    _ck("step-fraction", "step", _crafted(_set("step", "1.5"))),
    _ck("step-huge", "step", _crafted(_set("step", str(2**60)))),
    _ck("step-missing", "step", _crafted(_set("step", None))),
    _ck("state-bogus", "state", _crafted(_set("state", "exploded"))),
    _ck("lr-nan", "lr", _crafted(_set("lr", "nan"))),
    _ck("lr-negative", "lr", _crafted(_set("lr", "-0.1"))),
    _ck("spec-not-json", "'spec' is not valid JSON", _crafted(_set("spec", "{nope"))),
    _ck("spec-nested-deep", "spec", _crafted(_set("spec", "[" * 100_000 + "]" * 100_000))),
    _ck("spec-list", "spec", _crafted(_set("spec", "[1, 2]"))),
    _ck("spec-name-huge", "name", _crafted(_set("spec", json.dumps({"name": "x" * 1_000_000})))),
    _ck("spec-bad-lr", "training.lr", _crafted(_set("spec", '{"training": {"lr": -1}}'))),
    _ck("shape-string", "shape", _crafted(_set("shape", '"x"'))),
    _ck(
        "shape-inputs-text",
        "shape.inputs",
        _crafted(_set("shape", '{"inputs": "1", "outputs": 1}')),
    ),
    _ck(
        "shape-inputs-zero", "shape.inputs", _crafted(_set("shape", '{"inputs": 0, "outputs": 1}'))
    ),
    _ck("shape-mismatch", "2.weight", _crafted(_set("shape", '{"inputs": 1, "outputs": 3}'))),
    _ck("history-stride-0", "history.stride", _crafted(_set("history", _history(stride=0)))),
    _ck(
        "history-2M-points", "2000000 points", _crafted(_set("history", _history(points=2_000_000)))
    ),
    _ck(
        "history-capacity-huge",
        "history.capacity",
        _crafted(_set("history", _history(capacity=10**9))),
    ),
    _ck("history-point-bad", "point", _crafted(_set("history", _history(point='["a",1,2]')))),
    _ck("history-not-table", "history", _crafted(_set("history", "[]"))),
    _ck("run-id-path", "run", _crafted(_set("run", "../../x"))),
    _ck("schedule-not-json", "schedule", _crafted(_set("schedule", "{nope"))),
    _ck("best-without-tensor", "best.flat", _crafted(_set("best", '{"loss": 1.0, "step": 3}'))),
    _ck(
        "best-nan",
        "best.flat holds non-finite",
        _crafted(
            lambda t, m: (
                m.update(best='{"loss": 1.0, "step": 3}'),
                t.update({"best.flat": t["0.weight"].flatten() * float("nan")}),
            )
        ),
    ),
    _ck("forked-from-no-step", "forked_from", _crafted(_set("forked_from", '{"run": "abc"}'))),
    _ck(
        "forked-from-negative",
        "forked_from.step",
        _crafted(_set("forked_from", '{"run": "abc", "step": -1}')),
    ),
    _ck("forked-from-not-json", "forked_from", _crafted(_set("forked_from", "[1, 2"))),
    _ck(
        "features-need-2-inputs",
        "data.features",
        _crafted(_set("spec", '{"data": {"features": ["x1", "x2"]}}')),
    ),
    _ck(
        "weights-nan",
        "non-finite",
        _crafted(_tensor("0.weight", lambda t: t.full((10, 1), float("nan")))),
    ),
    _ck(
        "weights-int",
        "float32",
        _crafted(_tensor("0.weight", lambda t: t.zeros((10, 1), dtype=t.int32))),
    ),
    _ck("weights-wrong-shape", "0.bias", _crafted(_tensor("0.bias", lambda t: t.zeros(1)))),
    _ck(
        "batch-generator-missing",
        "batch.generator is missing",
        _crafted(_set("batch.generator", None)),
    ),
    _ck(
        "batch-generator-short",
        "batch.generator",
        _crafted(_tensor("batch.generator", lambda t: t.zeros(10, dtype=t.uint8))),
    ),
    _ck(
        "batch-generator-float",
        "batch.generator",
        _crafted(_tensor("batch.generator", lambda t: t.zeros(5056))),
    ),
    _ck(
        "batch-perm-out-of-range",
        "batch.perm",
        _crafted(_tensor("batch.perm", lambda t: t.arange(100) * 10**6)),
    ),
    _ck("batch-perm-float", "batch.perm", _crafted(_tensor("batch.perm", lambda t: t.zeros(100)))),
    _ck("batch-pos-negative", "batch.pos", _crafted(_tensor("batch.pos", lambda t: t.tensor(-1)))),
    _ck(
        "batch-pos-past-end", "batch.pos", _crafted(_tensor("batch.pos", lambda t: t.tensor(10**6)))
    ),
    _ck("batch-unknown", "not minibatch state", _crafted(_tensor("batch.x", lambda t: t.zeros(1)))),
    _ck(
        "optim-wrong-shape",
        "optim.exp_avg",
        _crafted(_tensor("optim.exp_avg", lambda t: t.zeros(3))),
    ),
    _ck(
        "optim-unknown",
        "not optimizer state",
        _crafted(_tensor("optim.bogus", lambda t: t.zeros(1))),
    ),
    _ck("optim-half-adam", "come together", _crafted(_set("optim.exp_avg_sq", None))),
    _ck(
        "schedule-drops-unsorted",
        "schedule is corrupt",
        _crafted(_early({"schedule": '{"drops": [5, 3], "best": null, "since": 0}'})),
    ),
    _ck(
        "best-flat-wrong-shape",
        "best.flat",
        _crafted(_early({"best": '{"loss": 0.1, "step": 2}'}, lambda t: t.zeros(3))),
    ),
    _ck(
        "best-step-text",
        "best.step",
        _crafted(_early({"best": '{"loss": 0.1, "step": "two"}'}, lambda t: t.zeros(64))),
    ),
    _ck("optim-t-negative", "optim.t", _crafted(_tensor("optim.t", lambda t: t.tensor(-3)))),
    _ck(
        "optim-torch-wrong-shape",
        "optim.0.square_avg",
        _crafted(_tensor("optim.0.square_avg", lambda t: t.zeros(2)), "rmsprop"),
    ),
    _ck(
        "optim-torch-index",
        "optim.9.square_avg",
        _crafted(_tensor("optim.9.square_avg", lambda t: t.zeros(2)), "rmsprop"),
    ),
    _ck(
        "optim-torch-missing-key", "lacks ['step']", _crafted(_set("optim.0.step", None), "rmsprop")
    ),
]
