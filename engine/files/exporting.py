"""Export a trained network for use outside torchplay.

Formats (``torchplay export --format``):

- ``state-dict``: ``torch.save`` of the state_dict, what the tutorial's
  ``net.load_state_dict(torch.load(...))`` accepts;
- ``safetensors``: the plain weights;
- ``python``: a runnable tutorial-style script (``script`` is its old name);
- ``torchscript``: ``torch.jit.save`` of the scripted network (``torch.jit.load``);
- ``pt2``: a ``torch.export`` program with a dynamic batch size (``torch.export.load``);
- ``onnx``: the same program translated by onnxscript (needs the ``onnx`` extra:
  ``pip install torchplay[onnx]``).

Every format holds the network :meth:`Trainer.predict` runs: its output is the raw
network output (the value for regression, logits for classification; ``predict``
applies the softmax). With input features (``data.features``), the programs
(python, torchscript, pt2, onnx) apply them and take the raw inputs; the weight files
say them: safetensors metadata ``torchplay.features``, and the state_dict's
``_metadata[""]["torchplay.features"]`` (what ``load_state_dict`` carries, ignored by it). Each file is written atomically: built in memory, then
:func:`torchplay.engine.files.atomic.write_atomic`. Importing this module does not import
torch (the command line reads :data:`FORMATS` for its help).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from typing import TYPE_CHECKING

from torchplay.engine.run.errors import InputError

if TYPE_CHECKING:
    import torch

FORMATS = ("state-dict", "safetensors", "python", "torchscript", "pt2", "onnx")
"""Export formats, as ``--format`` spells them."""
ALIASES = {"script": "python"}
"""Old format names that still work (with a warning from the command line)."""


class ExportError(InputError):
    """A model cannot be exported as asked; the message says why and what to do."""


def _network(trainer) -> torch.nn.Module:
    """An inference copy of the network: eval mode, parameters outside the flat buffer,
    the input features (if any) as its first module, so it takes raw inputs."""
    import copy

    from torch import nn

    net = copy.deepcopy(trainer.net).eval()
    if trainer.spec.data.features:
        net = nn.Sequential(copy.deepcopy(trainer.features), *net).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def _example(trainer) -> torch.Tensor:
    import torch

    return torch.zeros(2, trainer.data.n_inputs)


def _batch_dim() -> tuple[dict[int, object]]:
    import torch

    return ({0: torch.export.Dim("batch", min=1, max=1 << 20)},)


def torchscript_bytes(trainer) -> bytes:
    """The scripted network, as ``torch.jit.save`` writes it."""
    import torch

    buf = io.BytesIO()
    with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; it still works
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(_network(trainer)), buf)
    return buf.getvalue()


def _program(trainer) -> torch.export.ExportedProgram:
    import torch

    return torch.export.export(_network(trainer), (_example(trainer),), dynamic_shapes=_batch_dim())


def pt2_bytes(trainer) -> bytes:
    """A ``torch.export`` program (any batch size), as ``torch.export.save`` writes it."""
    import torch

    buf = io.BytesIO()
    torch.export.save(_program(trainer), buf)
    return buf.getvalue()


def onnx_bytes(trainer) -> bytes:
    """An ONNX model with input ``x`` [batch, inputs] and output ``y`` [batch, outputs].

    Raises:
        ExportError: when onnx or onnxscript is not installed.
    """
    import torch

    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ExportError(
            "export --format onnx needs onnx and onnxscript: pip install 'torchplay[onnx]'"
        ) from None
    # The exporter narrates each phase and warns about optional packages: keep stdout clean.
    for name in ("torch.onnx", "torch.onnx._internal.exporter._registration"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            _network(trainer),
            (_example(trainer),),
            dynamo=True,
            verbose=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_shapes=_batch_dim(),
        )
    return program.model_proto.SerializeToString()


def _state_dict_metadata(weights) -> dict:
    """The root module's entry of a ``state_dict``'s metadata, which ``torch.save`` keeps.

    Torch has no public API for it: ``state_dict()`` returns an OrderedDict with a
    ``_metadata`` attribute (torch==2.13.0, pinned in constraints.txt), read back by
    ``torch.load``; this is the one place that touches it.
    """
    return weights._metadata[""]  # type: ignore[attr-defined]


def export(trainer, fmt: str, out: str | os.PathLike) -> None:
    """Write the trainer's network to ``out`` in format ``fmt`` (see :data:`FORMATS`).

    Raises:
        ExportError: an unknown format or a missing optional package.
        TargetError: ``out`` cannot be written (the previous file is unchanged).
    """
    import safetensors.torch
    import torch
    from torchplay.engine.files.atomic import write_atomic
    from torchplay.engine.files.script import script_source

    fmt = ALIASES.get(fmt, fmt)
    features = ",".join(trainer.spec.data.features)
    if fmt == "state-dict":
        weights = trainer.net.state_dict()
        weights.update(trainer.weights())
        if features:
            _state_dict_metadata(weights)["torchplay.features"] = features
        buf = io.BytesIO()
        torch.save(weights, buf)
        data = buf.getvalue()
    elif fmt == "safetensors":
        data = safetensors.torch.save(
            trainer.weights(), {"torchplay.features": features} if features else None
        )
    elif fmt == "python":
        data = script_source(trainer).encode()
    elif fmt == "torchscript":
        data = torchscript_bytes(trainer)
    elif fmt == "pt2":
        data = pt2_bytes(trainer)
    elif fmt == "onnx":
        data = onnx_bytes(trainer)
    else:
        raise ExportError(f"export format {fmt!r}: use one of {', '.join(FORMATS)}")
    write_atomic(out, data, "--out")
