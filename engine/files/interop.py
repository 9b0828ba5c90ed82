"""Interop with the tutorial's files: import its ``torch.save`` outputs safely (its style
of runnable script is :mod:`torchplay.engine.files.script`; exports live in
:mod:`torchplay.engine.files.exporting`).

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
    """The (name, weight, bias) of each Linear layer and the activation name: one, or
    one per hidden layer joined by commas where they differ."""
    layers, activations = [], []
    for index, module in enumerate(net):
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise InteropError(f"{path!r}: Linear layers without bias are not supported")
            layers.append((str(index), module.weight.detach(), module.bias.detach()))
        elif type(module) in _ACTIVATION_NAMES:
            activations.append(_ACTIVATION_NAMES[type(module)])
        else:
            raise InteropError(f"{path!r}: layer {type(module).__name__} is not supported")
    if not layers:
        raise InteropError(f"{path!r} holds no Linear layers")
    if len(set(activations)) > 1:
        if len(activations) != len(layers) - 1:
            raise InteropError(
                f"{path!r}: activations {activations} do not follow each hidden layer once"
            )
        return layers, ",".join(activations)
    return layers, activations[0] if activations else "identity"


NORM_KEYS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
"""What a norm layer's state_dict entries end in."""


def _split_norms(sd: dict[str, torch.Tensor], path: str) -> dict[str, torch.Tensor]:
    """The Linear layers' entries of a state_dict with norm layers: the groups whose
    weight is 2-D; the others must be norm entries (1-D weights, running statistics)."""
    groups: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in sd.items():
        prefix, _, leaf = str(key).rpartition(".")
        if leaf not in NORM_KEYS:
            raise InteropError(
                f"{path!r}: key {str(key)!r} is no Linear or norm layer entry "
                "(torchplay imports Linear layers with norms between them)"
            )
        groups.setdefault(prefix, {})[leaf] = value
    linear = {p for p, g in groups.items() if "weight" in g and g["weight"].dim() == 2}
    return {k: v for k, v in sd.items() if str(k).rpartition(".")[0] in linear}


def _by_order(trainer, sd: dict[str, torch.Tensor], path: str) -> dict[str, torch.Tensor]:
    """The file's tensors, in its order, under the network's state_dict names (as
    ``load_state_dict`` of an equivalent module with other names would need)."""
    want = trainer.net.state_dict()
    if len(sd) != len(want):
        raise InteropError(
            f"{path!r} holds {len(sd)} tensors; the network (--norm, --residual) has "
            f"{len(want)}: {', '.join(list(want)[:6])}..."
        )
    out = {}
    for (key, value), (name, target) in zip(sd.items(), want.items(), strict=True):
        _check_plain(value, f"{path!r}: tensor {key}")
        if tuple(value.shape) != tuple(target.shape):
            raise InteropError(
                f"{path!r}: tensor {key} has shape {tuple(value.shape)}; the network's "
                f"{name} in that place needs {tuple(target.shape)}"
            )
        out[name] = value.detach().to(target.dtype)
    return out


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


def import_file(
    path: str,
    activation: str = "relu",
    base: Spec | None = None,
    model: dict | None = None,
):
    """A :class:`torchplay.engine.train.trainer.Trainer` holding the weights of a tutorial file.

    The architecture comes from the Linear shapes; the task from the widths (one input
    and output: regression; two inputs: classification). ``base`` overrides the data;
    ``model`` sets other ``model.*`` keys (dropout, norm, residual), which a state_dict
    does not show: its tensors are then taken in order, as the network lists them.
    """
    from torchplay.engine.train.trainer import Trainer

    obj = read_torch_file(path)
    model = dict(model or {})
    ordered = None
    if isinstance(obj, nn.Sequential):
        named, activation = _layers_from_sequential(obj, path)
    elif model.get("model.norm", "none") != "none":
        ordered = obj
        named = _layers_from_state_dict(_split_norms(obj, path), path)
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
            **model,
            "name": f"imported {Path(path).name}",
        }
    )
    trainer = Trainer(spec)
    if trainer.data.n_inputs != n_in or trainer.data.n_outputs != n_out:
        raise InteropError(
            f"{path!r}: the network is {n_in}-in/{n_out}-out but the data is "
            f"{trainer.data.n_inputs}-in/{trainer.data.n_outputs}-out"
        )
    if ordered is not None:
        weights = _by_order(trainer, ordered, path)
    else:
        keys = list(trainer.net.state_dict())
        flat = [t for pair in layers for t in pair]
        weights = dict(zip(keys, flat, strict=True))
    for k, t in weights.items():
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise InteropError(f"{path!r}: tensor {k} holds non-finite values")
    trainer.load_state(weights)
    return trainer
