"""``torchplay inspect``: one point's backprop by hand (``--point``), or a network's
training health (``--health``), from a checkpoint or a SOURCE's initial weights.

The engine computes (:mod:`torchplay.engine.train.backprop`,
:mod:`torchplay.engine.train.health`); this module parses, loads and prints.
"""

from __future__ import annotations

import argparse
import json
import math

from torchplay.engine.run.errors import EXIT_OK, UserError
from torchplay.tui.draw.rows import SHOWN, largest

FLOAT32_MAX = 3.4028234663852886e38


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "source", help="a checkpoint, or a scenario name or FILE.toml (its initial weights)"
    )
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument(
        "--point",
        metavar="X1,X2",
        help="the raw input point to trace (comma-separated, one value per input)",
    )
    g.add_argument(
        "--health",
        action="store_true",
        help="per layer: weight and full-batch gradient norms, dead units, histograms",
    )
    p.add_argument(
        "--target",
        metavar="T",
        help="the point's class (an index) or y value (default: the nearest training point's)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _numbers(text: str, flag: str, n: int | None) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise UserError(f"{flag} {text!r}: not numbers; give comma-separated values") from None
    if not all(math.isfinite(v) and abs(v) <= FLOAT32_MAX for v in values):
        raise UserError(f"{flag} {text!r}: give finite float32 numbers")
    if n is not None and len(values) != n:
        raise UserError(f"{flag} {text!r}: {len(values)} values; the network takes {n} inputs")
    return values


def _target(text: str, trainer) -> float | int:
    if trainer.task == "regression":
        return _numbers(text, "--target", 1)[0]
    k = trainer.data.n_classes
    if not text.strip().lstrip("-").isdigit() or not 0 <= int(text) < k:
        raise UserError(f"--target {text!r}: give a class index from 0 to {k - 1}")
    return int(text)


def _trainer(source: str):
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.source import resolve
    from torchplay.engine.train.trainer import Trainer

    resolved = resolve(source, checkpoints=True)
    if resolved.checkpoint is not None:
        return checkpoint.restore(resolved.checkpoint)
    return Trainer(resolved.spec)


def cmd_inspect(args) -> int:
    import torch
    from torchplay.engine.train import backprop, health

    if args.target is not None and args.health:
        raise UserError("--target goes with --point: drop it, or trace a point")
    trainer = _trainer(args.source)
    if args.health:
        return _print_health(health.of_trainer(trainer), args.json)
    point = _numbers(args.point, "--point", trainer.data.n_inputs)
    if args.target is None:
        target = backprop.nearest_target(trainer.data.x_train, trainer.data.y_train, point)
    else:
        target = _target(args.target, trainer)
    inputs = trainer.features(torch.tensor([point], dtype=torch.float32))[0].tolist()
    trace = backprop.inspect(
        trainer.net, trainer.spec.model.activation, inputs, target, trainer.loss, trainer.lr_now
    )
    if args.json:
        print(json.dumps({"point": point, **trace.to_dict()}))
        return EXIT_OK
    _print_trace(point, trace)
    return EXIT_OK


def _fmt(values, top: bool = False) -> str:
    """``[a b; c d]``; with ``top``, a row past :data:`SHOWN` values as its largest."""
    shown = largest(values) if top else None
    if shown is not None:
        return "{" + " ".join(f"{i}:{v + 0.0:.6g}" for i, v in shown) + f"}} (largest {SHOWN})"
    if values and isinstance(values[0], list):
        return "[" + "; ".join(_fmt(row) for row in values) + "]"
    return "[" + " ".join(f"{v + 0.0:.6g}" for v in values) + "]"


def _print_trace(point: list[float], trace) -> None:
    print(f"point {_fmt(point)} -> inputs {_fmt(trace.inputs)}, target {trace.target}")
    for k, layer in enumerate(trace.layers):
        print(f"layer {k} (Linear, then {layer.activation}):")
        for name, key in (
            ("z", "z"),
            ("a", "a"),
            ("dL/da", "grad_a"),
            ("dL/dz", "grad_z"),
            ("dL/dW", "weight_grad"),
            ("dL/db", "bias_grad"),
            ("dW", "weight_step"),
        ):
            print(f"  {name:6} {_fmt(getattr(layer, key), top=True)}")
    print(f"loss ({trace.loss_name}) {trace.loss:.6g}")
    print(f"after one SGD step at lr {trace.lr:g}: loss on this point {trace.loss_after:.6g}")


def _print_health(layers, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"layers": [layer.to_dict() for layer in layers]}))
        return EXIT_OK
    print("layer  |W|        |dL/dW|    ratio      dead  flow")
    for k, h in enumerate(layers):
        ratio = "-" if h.ratio is None else f"{h.ratio:.3g}"
        dead = ",".join(map(str, h.dead_units)) or "-"
        print(
            f"{k:<6} {h.weight_norm:<10.4g} {h.weight_grad_norm:<10.4g} {ratio:<10} "
            f"{dead:<5} {h.flow}"
        )
    return EXIT_OK
