"""What each hidden neuron computes, as plain data for the app's neuron view (``v``).

For two raw inputs, every hidden neuron's output on a ``cols`` x ``rows`` grid over the
training points' range (TF Playground's mini-heatmaps); for one input, its output along
x (a curve). Each neuron also carries the sign and size of its outgoing weights. A hidden
layer's neurons are its outputs as the next layer reads them (after its norm, activation
and dropout in eval mode; a residual block's last layer with the block's input added).
"""

from __future__ import annotations

import torch
from torchplay.engine.run.views import Neuron, NeuronView
from torchplay.engine.train.health import layer_outputs
from torchplay.engine.train.model import linears


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
    lins = linears(trainer.net)
    _, outs = layer_outputs(trainer.net, h)
    layers: list[list[Neuron]] = []
    for k, out in enumerate(outs[:-1]):
        following = lins[k + 1].weight  # (out, this width)
        layers.append(
            [
                Neuron(
                    out[:, i].tolist(), float(following[:, i].sum()), float(following[:, i].norm())
                )
                for i in range(out.shape[1])
            ]
        )
    return NeuronView(trainer.step_count, cols, rows, layers, trainer.spec.model.activation)
