"""The representation view's numbers (ConvNetJS's "warped space"): how one hidden layer
sees the data. The training points and a grid of lines over the input plane go through
the network up to that layer; two of its units give each point's place. A layer of two
units shows its whole space; a wider one, any two of its units. From the weights in view
(the live end, or a time-travel snapshot)."""

from __future__ import annotations

import torch
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.views import WarpView
from torchplay.engine.train.health import layer_outputs
from torchplay.engine.train.snapshots import viewing

LINES = 11
"""Grid lines each way over the input plane."""
SAMPLES = 48
"""Points along each grid line (a warped line bends between them)."""


def _grid(x: torch.Tensor) -> list[torch.Tensor]:
    """The grid lines over the training points' range (padded by a tenth), each a
    ``[SAMPLES, n_inputs]`` tensor; 1-D data: the x axis alone."""
    lo, hi = x.min(0).values, x.max(0).values
    pad = (hi - lo) * 0.1 + 1e-6
    lo, hi = lo - pad, hi + pad
    along = [torch.linspace(float(lo[d]), float(hi[d]), SAMPLES) for d in range(x.shape[1])]
    if x.shape[1] == 1:
        return [along[0].unsqueeze(1)]
    lines = []
    for d in (0, 1):
        for at in torch.linspace(float(lo[1 - d]), float(hi[1 - d]), LINES):
            line = torch.empty(SAMPLES, 2)
            line[:, d], line[:, 1 - d] = along[d], at
            lines.append(line)
    return lines


def check_warp(trainer, layer: int, units: tuple[int, int]) -> None:
    """Raises:
    InputError: no such layer or unit, or data of more than two inputs."""
    hidden = trainer.spec.model.hidden
    if trainer.data.n_inputs > 2:
        raise InputError("the representation view needs data of one or two inputs")
    if not 1 <= layer <= len(hidden):
        raise InputError(f"no hidden layer {layer}: the widths are {hidden}")
    for u in units:
        if not 1 <= u <= hidden[layer - 1]:
            raise InputError(f"no unit {u} in hidden layer {layer} of {hidden[layer - 1]}")


@torch.no_grad()
def warp_view(trainer, layer: int, units: tuple[int, int], step: int | None = None) -> WarpView:
    """Hidden layer ``layer``'s units ``units`` (all from 1) over the training points and
    the grid, at the live end or the snapshot nearest ``step``.

    Raises:
        InputError: see :func:`check_warp`.
    """
    check_warp(trainer, layer, units)
    if step is None:
        return _view(trainer, layer, units, trainer.step_count)
    with viewing(trainer, step) as at:
        return _view(trainer, layer, units, at)


def _view(trainer, layer: int, units: tuple[int, int], step: int) -> WarpView:
    d, net = trainer.data, trainer.net
    lines = _grid(d.x_train)
    raw = torch.cat([d.x_train, *lines])
    acts = layer_outputs(net, trainer.features(raw))[1][layer - 1]
    ix, iy = units[0] - 1, units[1] - 1
    n = d.x_train.shape[0]
    points, grid = acts[:n], acts[n:].split(SAMPLES)
    labels = d.y_train.tolist() if d.task == "classification" else None
    acts_name = trainer.spec.model.activation.split(",")
    return WarpView(
        step=step,
        layer=layer,
        units=units,
        widths=list(trainer.spec.model.hidden),
        x=points[:, ix].tolist(),
        y=points[:, iy].tolist(),
        labels=labels,
        lines=[(g[:, ix].tolist(), g[:, iy].tolist()) for g in grid],
        activation=acts_name[min(layer - 1, len(acts_name) - 1)],
    )
