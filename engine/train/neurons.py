"""What each hidden neuron computes, as plain data for the app's neuron view (``v``).

For two raw inputs, every hidden neuron's output on a ``cols`` x ``rows`` grid over the
training points' range (TF Playground's mini-heatmaps); for one input, its output along
x (a curve). Each neuron also carries the sign and size of its outgoing weights.
"""

from __future__ import annotations

import torch
from torch import nn
from torchplay.engine.run.views import Neuron, NeuronView


def _inputs(trainer, cols: int, rows: int) -> tuple[torch.Tensor, int, int]:
    x = trainer.data.x_train
    lo, hi = x.min(0).values, x.max(0).values
    if trainer.data.n_inputs == 1:
        return torch.linspace(float(lo[0]), float(hi[0]), cols).unsqueeze(1), cols, 1
    pad = (hi - lo) * 0.1 + 1e-6
    lo, hi = lo - pad, hi + pad
    gx = torch.linspace(float(lo[0]), float(hi[0]), cols)
    gy = torch.linspace(float(hi[1]), float(lo[1]), rows)  # top row first: as printed
    return torch.cartesian_prod(gy, gx)[:, [1, 0]], cols, rows


@torch.no_grad()
def neuron_view(trainer, cols: int, rows: int) -> NeuronView | None:
    """Every hidden neuron of ``trainer``'s network on a grid (None: more than two raw
    inputs, or no hidden layer)."""
    if trainer.data.n_inputs > 2 or not trainer.spec.model.hidden:
        return None
    h, cols, rows = _inputs(trainer, max(2, cols), max(2, rows))
    h = trainer.features(h)
    modules = list(trainer.net)
    linear = [i for i, m in enumerate(modules) if isinstance(m, nn.Linear)]
    layers: list[list[Neuron]] = []
    for i, module in enumerate(modules):
        h = module(h)
        if isinstance(module, nn.Linear) or i == len(modules) - 1:
            continue
        following = modules[min(j for j in linear if j > i)].weight  # (out, this width)
        layers.append(
            [
                Neuron(
                    h[:, k].tolist(), float(following[:, k].sum()), float(following[:, k].norm())
                )
                for k in range(h.shape[1])
            ]
        )
    return NeuronView(trainer.step_count, cols, rows, layers, trainer.spec.model.activation)
