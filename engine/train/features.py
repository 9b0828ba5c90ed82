"""Input features on tensors: the raw inputs mapped to what the network sees.

:class:`FeatureMap` is an ``nn.Module`` so exported networks (TorchScript, torch.export,
ONNX) can carry it and take raw inputs. With no features it is the identity and returns
its input unchanged (the same tensor), so the tutorial's runs are untouched.
"""

from __future__ import annotations

import typing

import torch
from torch import nn
from torchplay.engine.run.datafields import FEATURES

_CODES = {name: i for i, name in enumerate(FEATURES)}


class FeatureMap(nn.Module):
    """Columns ``x1``, ``x2``, ``x1sq`` (x1*x1), ``x2sq``, ``x1x2`` (x1*x2), ``sinx1``,
    ``sinx2``, ``cosx1``, ``cosx2`` of a ``[batch, inputs]`` tensor, in the order named.
    The codes follow :data:`~torchplay.engine.run.datafields.FEATURES`' order: new names go
    last, so a saved TorchScript keeps its meaning."""

    # TorchScript reads this annotation at run time (a string under __future__ annotations).
    __annotations__ = {"codes": typing.List[int]}  # noqa: UP006, RUF012

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.names = tuple(names)
        self.codes = [_CODES[n] for n in names]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(self.codes) == 0:
            return x
        cols: list[torch.Tensor] = []
        for code in self.codes:
            if code == 0:
                cols.append(x[:, 0])
            elif code == 1:
                cols.append(x[:, 1])
            elif code == 2:
                cols.append(x[:, 0] * x[:, 0])
            elif code == 3:
                cols.append(x[:, 1] * x[:, 1])
            elif code == 4:
                cols.append(x[:, 0] * x[:, 1])
            elif code == 5:
                cols.append(torch.sin(x[:, 0]))
            elif code == 6:
                cols.append(torch.sin(x[:, 1]))
            elif code == 7:
                cols.append(torch.cos(x[:, 0]))
            else:
                cols.append(torch.cos(x[:, 1]))
        return torch.stack(cols, 1)

    def extra_repr(self) -> str:
        return ", ".join(self.names) or "raw"


def source(names: tuple[str, ...]) -> str:
    """Python source of a ``features(x)`` function for exported scripts."""
    exprs = {
        "x1": "x[:, 0]",
        "x2": "x[:, 1]",
        "x1sq": "x[:, 0] * x[:, 0]",
        "x2sq": "x[:, 1] * x[:, 1]",
        "x1x2": "x[:, 0] * x[:, 1]",
        "sinx1": "torch.sin(x[:, 0])",
        "sinx2": "torch.sin(x[:, 1])",
        "cosx1": "torch.cos(x[:, 0])",
        "cosx2": "torch.cos(x[:, 1])",
    }
    if not names:
        return "def features(x):\n    return x  # the raw inputs\n"
    cols = ", ".join(exprs[n] for n in names)
    return (
        f"def features(x):\n    # input features: {', '.join(names)}\n"
        f"    return torch.stack(({cols},), 1)\n"
    )
