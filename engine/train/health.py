"""Training health: per Linear layer, how big the weights and their gradients are, which
units are dead, and how weights, biases and activations are spread.

Everything is computed from the weights as they are, on the whole training set: the
gradient is the full-batch gradient of the data loss (``torch.autograd.grad``, so the
parameters' ``.grad`` that a stepper may hold is untouched). A layer is marked
``vanishing`` when its weight-gradient norm is below :data:`VANISHING` times the output
layer's, ``exploding`` when above :data:`EXPLODING` times it (or not finite): the
gradient is measured against the layer it flows back from, as a gradient-flow plot
compares the bars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torchplay.engine.train.model import Residual, linears

VANISHING = 0.05
"""A layer whose gradient norm is below this fraction of the output layer's vanishes."""
EXPLODING = 20.0
"""A layer whose gradient norm is above this multiple of the output layer's explodes."""
BINS = 10
"""Histogram bins."""
RELU_FAMILY = ("relu", "leaky_relu", "elu")
"""Activations whose units die: z <= 0 on every point leaves them flat (relu: output 0)."""


@dataclass(frozen=True)
class Histogram:
    """Counts of values in :data:`BINS` equal bins from ``low`` to ``high``."""

    low: float
    high: float
    counts: list[int]

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "counts": self.counts}


@dataclass(frozen=True)
class LayerHealth:
    """One Linear layer (and the activation after it)."""

    weight_norm: float
    weight_grad_norm: float
    ratio: float | None
    """weight_grad_norm / weight_norm (None for all-zero weights)."""
    dead_units: list[int]
    """Units that never activate on the training set (hidden ReLU-family layers)."""
    flow: str
    """``ok``, ``vanishing`` or ``exploding``."""
    weights: Histogram
    biases: Histogram
    activations: Histogram
    """The layer's outputs on the training set (after its activation)."""

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        for key in ("weights", "biases", "activations"):
            out[key] = getattr(self, key).to_dict()
        return out


def histogram(t: torch.Tensor, bins: int = BINS) -> Histogram:
    """``t``'s finite values in ``bins`` equal bins over their range."""
    v = t.detach().reshape(-1).double()
    v = v[torch.isfinite(v)]
    if v.numel() == 0:
        return Histogram(0.0, 0.0, [0] * bins)
    low, high = float(v.min()), float(v.max())
    if low == high:
        counts = [0] * bins
        counts[bins // 2] = v.numel()
        return Histogram(low, high, counts)
    counts = torch.histc(v, bins=bins, min=low, max=high)
    return Histogram(low, high, [int(c) for c in counts])


def _flow(grad: float, reference: float) -> str:
    if not math.isfinite(grad):
        return "exploding"
    if reference == 0:
        return "ok" if grad == 0 else "exploding"
    rel = grad / reference
    return "vanishing" if rel < VANISHING else "exploding" if rel > EXPLODING else "ok"


def layer_outputs(net: nn.Sequential, x: torch.Tensor) -> tuple[list[torch.Tensor], ...]:
    """Each Linear layer's z and its layer's output a on inputs ``x``: for a hidden layer
    what the next Linear layer reads (after its norm, activation and dropout, and for the
    last layer of a residual block with the block's input added); a = z for the last."""
    zs: list[torch.Tensor] = []
    acts: list[torch.Tensor] = []

    def walk(seq, h: torch.Tensor) -> torch.Tensor:
        for m in seq:
            if isinstance(m, Residual):
                h = h + walk(m, h)
                acts[-1] = h
                continue
            h = m(h)
            if isinstance(m, nn.Linear):
                zs.append(h)
                acts.append(h)
            else:
                acts[-1] = h
        return h

    walk(net, x)
    return zs, acts


def grad_norms(net: nn.Sequential, loss: str, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """Each Linear layer's full-batch weight-gradient norm (the data loss on ``x``, ``y``)."""
    weights = [lin.weight for lin in linears(net)]
    with torch.enable_grad():
        out = net(x)
        value = (
            nn.functional.mse_loss(out, y) if loss == "mse" else nn.functional.cross_entropy(out, y)
        )
        grads = torch.autograd.grad(value, weights, allow_unused=True)
    return [0.0 if g is None else float(g.norm()) for g in grads]


def health(
    net: nn.Sequential, activation: str, loss: str, x: torch.Tensor, y: torch.Tensor
) -> list[LayerHealth]:
    """The health of each Linear layer of ``net`` on training inputs ``x`` (features) and
    targets ``y``, in order."""
    lins = linears(net)
    activations = activation.split(",") * (len(lins) if "," not in activation else 1)
    norms = grad_norms(net, loss, x, y)
    with torch.no_grad():
        zs, acts = layer_outputs(net, x)
    out = []
    for k, (lin, g) in enumerate(zip(lins, norms, strict=True)):
        hidden = k < len(lins) - 1
        dead = []
        if hidden and activations[k] in RELU_FAMILY and x.shape[0]:
            dead = [int(i) for i in torch.nonzero((zs[k] <= 0).all(0)).reshape(-1)]
        w = float(lin.weight.detach().norm())
        out.append(
            LayerHealth(
                weight_norm=w,
                weight_grad_norm=g,
                ratio=g / w if w else None,
                dead_units=dead,
                flow=_flow(g, norms[-1]),
                weights=histogram(lin.weight),
                biases=histogram(lin.bias),
                activations=histogram(acts[k]),
            )
        )
    return out


def of_trainer(trainer) -> list[LayerHealth]:
    """The health of a :class:`~torchplay.engine.train.trainer.Trainer`'s network now."""
    return health(
        trainer.net,
        trainer.spec.model.activation,
        trainer.loss,
        trainer.inputs_train,
        trainer.data.y_train,
    )


class Recorder:
    """Each Linear layer's full-batch weight-gradient norm at each multiple of ``every``
    steps, into :attr:`norms` (step to norms), which the metric loggers read
    (``--health-every``, engine/files/loggers.py)."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.norms: dict[int, list[float]] | None = {} if every else None

    def __call__(self, trainer) -> None:
        self.norms[trainer.step_count] = grad_norms(
            trainer.net, trainer.loss, trainer.inputs_train, trainer.data.y_train
        )
