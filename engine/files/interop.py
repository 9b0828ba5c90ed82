"""Interop with the tutorial's files: import its ``torch.save`` outputs safely, and write
its style of runnable script (exports live in :mod:`torchplay.engine.files.exporting`).

Imports never unpickle arbitrary objects: ``torch.load(..., weights_only=True)``, with
an explicit allowlist of standard ``torch.nn`` layers for whole ``nn.Sequential`` models.
"""

from __future__ import annotations

import pickle
import re
import warnings
from pathlib import Path

import torch
from torch import nn
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.model import ACTIVATION_MODULES

ALLOWED_LAYERS: list[type] = [nn.Sequential, nn.Linear, *ACTIVATION_MODULES.values()]
"""The only classes a whole-model file may contain."""
_ACTIVATION_NAMES = {cls: name for name, cls in ACTIVATION_MODULES.items()}
_RESAVE = (
    "re-save it as a state_dict: torch.save(net.state_dict(), 'net_params.pkl'), "
    "then torchplay import net_params.pkl --save net.safetensors (--activation NAME if not relu)"
)


class InteropError(InputError):
    """A file cannot be imported or exported; the message says why and what to do."""


def _unsafe_globals(path: str) -> list[str]:
    try:
        return torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # not a zip checkpoint: let torch.load report it
        return []


def read_torch_file(path: str) -> dict[str, torch.Tensor] | nn.Sequential:
    """Load a tutorial file with ``weights_only=True``: a state_dict or an allowed Sequential.

    Raises:
        InteropError: missing or unreadable files, and anything but the allowed classes.
    """
    p = Path(path)
    if not p.is_file():
        raise InteropError(f"{path!r} does not exist or is not a file: check the path")
    allowed = {f"{c.__module__}.{c.__qualname__}" for c in ALLOWED_LAYERS}
    unsafe = [g for g in _unsafe_globals(path) if g not in allowed]
    if unsafe:
        raise InteropError(
            f"{path!r} refers to {', '.join(unsafe)}, which torchplay will not "
            f"load (loading it could run code); {_RESAVE}"
        )
    try:
        # warnings: torch warns while it rebuilds a sparse CSR tensor (refused below)
        with torch.serialization.safe_globals(ALLOWED_LAYERS), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as exc:
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        what = found.group(1) if found else "an object that is not plain weights"
        raise InteropError(
            f"{path!r} holds {what}, which torchplay will not load "
            f"(loading it could run code); {_RESAVE}"
        ) from None
    except Exception as exc:
        raise InteropError(
            f"{path!r} is not a readable torch file ({type(exc).__name__}); "
            "it needs a file written by torch.save"
        ) from None
    if isinstance(obj, nn.Sequential):
        return obj
    if isinstance(obj, dict) and all(isinstance(v, torch.Tensor) for v in obj.values()):
        return dict(obj)
    raise InteropError(
        f"{path!r} holds a {type(obj).__name__}, not a state_dict or an nn.Sequential; {_RESAVE}"
    )


def _layers_from_state_dict(sd: dict[str, torch.Tensor], path: str):
    """The (weight, bias) pairs of an ordered stack of Linear layers, whatever their names.

    Keys group by their prefix (``hidden.weight``, ``predict.bias``, ``layers.0.weight``),
    in the state_dict's own order, which is the order the module registered its layers.
    """
    groups: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in sd.items():
        prefix, _, leaf = str(key).rpartition(".")
        if leaf not in ("weight", "bias"):
            raise InteropError(
                f"{path!r}: key {str(key)!r} is not a Linear layer's weight or bias "
                "(torchplay imports stacks of Linear layers)"
            )
        groups.setdefault(prefix, {})[leaf] = value
    if not groups:
        raise InteropError(f"{path!r} holds no weights")
    layers = []
    for prefix, g in groups.items():
        name = prefix or "(top level)"
        if "bias" not in g:
            raise InteropError(
                f"{path!r}: layer {name} has no bias; torchplay needs Linear layers with bias"
            )
        if "weight" not in g:
            raise InteropError(f"{path!r}: layer {name} has a bias but no weight")
        layers.append((name, g["weight"], g["bias"]))
    return layers


def _layers_from_sequential(net: nn.Sequential, path: str):
    layers, activations = [], set()
    for index, module in enumerate(net):
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise InteropError(f"{path!r}: Linear layers without bias are not supported")
            layers.append((str(index), module.weight.detach(), module.bias.detach()))
        elif type(module) in _ACTIVATION_NAMES:
            activations.add(_ACTIVATION_NAMES[type(module)])
        else:
            raise InteropError(f"{path!r}: layer {type(module).__name__} is not supported")
    if len(activations) > 1:
        raise InteropError(f"{path!r}: mixed activations {sorted(activations)} are not supported")
    if not layers:
        raise InteropError(f"{path!r} holds no Linear layers")
    return layers, activations.pop() if activations else "identity"


def _check_plain(t: torch.Tensor, where: str) -> None:
    """Refuse a tensor that holds no plain numbers in memory: a meta tensor (shapes, no
    data), a sparse or quantized one (another layout).

    Raises:
        InteropError: naming the tensor and the fix.
    """
    if t.is_meta:
        raise InteropError(
            f"{where} is a meta tensor (a shape without values); save the trained "
            "weights: torch.save(net.state_dict(), PATH) after loading or training them"
        )
    if t.layout != torch.strided or t.is_quantized:
        kind = "quantized" if t.is_quantized else str(t.layout).removeprefix("torch.")
        raise InteropError(
            f"{where} is a {kind} tensor; save dense float weights: "
            "torch.save({k: v.to_dense() for k, v in sd.items()}, PATH)"
        )


def check_layers(layers: list, path: str) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Check every shape: 2-D float weights, a bias of the layer's width, chained widths.

    Returns:
        The (weight, bias) pairs as float32.

    Raises:
        InteropError: naming the layer and the shapes that do not fit.
    """
    out = []
    for name, w, b in layers:
        for part, t in (("weight", w), ("bias", b)):
            _check_plain(t, f"{path!r}: layer {name} {part}")
        if not (w.is_floating_point() and b.is_floating_point()):
            raise InteropError(
                f"{path!r}: layer {name} holds {w.dtype}/{b.dtype} tensors, not floating point"
            )
        if w.dim() != 2 or min(w.shape) < 1:
            raise InteropError(
                f"{path!r}: layer {name} weight has shape {tuple(w.shape)}; "
                "a Linear weight is (out_features, in_features)"
            )
        if tuple(b.shape) != (w.shape[0],):
            raise InteropError(
                f"{path!r}: layer {name} bias has shape {tuple(b.shape)}, "
                f"its weight {tuple(w.shape)} needs a bias of shape ({w.shape[0]},)"
            )
        if out and w.shape[1] != out[-1][0].shape[0]:
            raise InteropError(
                f"{path!r}: layer widths do not chain: layer {name} takes {w.shape[1]} inputs, "
                f"the layer before gives {out[-1][0].shape[0]}"
            )
        out.append((w.detach().to(torch.float32), b.detach().to(torch.float32)))
    return out


def import_file(path: str, activation: str = "relu", base: Spec | None = None):
    """A :class:`torchplay.engine.train.trainer.Trainer` holding the weights of a tutorial file.

    The architecture comes from the Linear shapes; the task from the widths (one input
    and output: regression; two inputs: classification). ``base`` overrides the data.
    """
    from torchplay.engine.train.trainer import Trainer

    obj = read_torch_file(path)
    if isinstance(obj, nn.Sequential):
        named, activation = _layers_from_sequential(obj, path)
    else:
        named = _layers_from_state_dict(obj, path)
    layers = check_layers(named, path)
    n_in, n_out = layers[0][0].shape[1], layers[-1][0].shape[0]
    hidden = [w.shape[0] for w, _ in layers[:-1]]
    if base is None:
        if n_in == 1 and n_out == 1:
            base = get_scenario("regression")
        elif n_in == 2 and n_out >= 2:
            base = get_scenario("classification")
            if n_out > 2:
                base = base.with_overrides({"data.dataset": "blobs", "data.classes": n_out})
        else:
            raise InteropError(
                f"{path!r}: a {n_in}-input, {n_out}-output network fits no "
                "built-in dataset; pass --dataset csv:PATH with matching columns"
            )
    spec = base.with_overrides(
        {
            "model.hidden": hidden,
            "model.activation": activation,
            "name": f"imported {Path(path).name}",
        }
    )
    trainer = Trainer(spec)
    if trainer.data.n_inputs != n_in or trainer.data.n_outputs != n_out:
        raise InteropError(
            f"{path!r}: the network is {n_in}-in/{n_out}-out but the data is "
            f"{trainer.data.n_inputs}-in/{trainer.data.n_outputs}-out"
        )
    keys = list(trainer.net.state_dict())
    flat = [t for pair in layers for t in pair]
    weights = dict(zip(keys, flat, strict=True))
    for k, t in weights.items():
        if not bool(torch.isfinite(t).all()):
            raise InteropError(f"{path!r}: tensor {k} holds non-finite values")
    trainer.load_state(weights)
    return trainer


def script_source(trainer) -> str:
    """A tutorial-style script: build the Sequential, load these weights, print predictions."""
    from torchplay.engine.run.describe import sequential_code
    from torchplay.engine.train import features

    spec, d = trainer.spec, trainer.data
    values = {k: v.tolist() for k, v in trainer.weights().items()}
    lines = [
        '"""Exported by torchplay: the network of the tutorial\'s section 3.2, with trained',
        'weights. Run: python THIS_FILE [x ...]  (classification: x1,x2 pairs)."""',
        "import math",
        "import sys",
        "",
        "import torch",
        "",
        sequential_code(spec.model, trainer.n_features, d.n_outputs),
        "",
        features.source(spec.data.features),
        f"state = {values!r}",
        "net.load_state_dict({k: torch.tensor(v) for k, v in state.items()})",
        "",
        _USAGE.format(n=d.n_inputs, form="x1,x2 pairs" if d.n_inputs == 2 else "x values"),
        "args = sys.argv[1:] or " + repr(_default_inputs(trainer)),
        "x = torch.tensor(rows(args))",
        "with torch.no_grad():",
        "    out = net(features(x))",
    ]
    if d.task == "regression":
        lines.append("for a, y in zip(args, out[:, 0].tolist()):\n    print(a, repr(y))")
    else:
        lines.append(
            "for a, p in zip(args, torch.softmax(out, 1).tolist()):\n"
            "    print(a, max(range(len(p)), key=p.__getitem__), [repr(v) for v in p])"
        )
    return "\n".join(lines) + "\n"


_USAGE = """
def rows(args):
    \"\"\"The inputs, {n} finite numbers each (joined by commas); else a usage line.\"\"\"
    out = []
    for a in args:
        try:
            row = [float(v) for v in a.split(",")]
        except ValueError:
            row = []
        if len(row) != {n} or not all(math.isfinite(v) for v in row):
            print(f"usage: python {{sys.argv[0]}} [INPUT ...]  (each INPUT: {n} number(s)"
                  f" joined by commas, {form}; {{a!r}} is not)", file=sys.stderr)
            sys.exit(2)
        out.append(row)
    return out
"""


def _default_inputs(trainer) -> list[str]:
    if trainer.data.task == "regression":
        lo, hi = trainer.data.domain
        return [repr(lo + (hi - lo) * i / 4) for i in range(5)]
    return ["2.0,2.0", "-2.0,-2.0", "0.0,0.0"]
