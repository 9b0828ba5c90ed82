"""Synthetic datasets: the tutorial's generators and more, drawn from torch's global RNG.

Generators draw in the tutorial's order, so that after ``torch.manual_seed(S)`` they produce
the tutorial's exact numbers. Callers seed and isolate the RNG (see
:class:`torchplay.engine.train.trainer.Trainer`).

The 2-D regression sets follow TF Playground's two regression datasets, in torchplay's
units: inputs uniform on ``[-2, 2]²`` (drawn first, so the noise moves only the targets)
and Gaussian noise of standard deviation ``noise`` added to the target:

- ``plane``: ``y = (x1 + x2) / 2``, a tilted plane (TF Playground's "plane");
- ``gauss2d``: ``y = exp(-(x1² + x2²))``, one Gaussian bump of height 1 at the origin.
"""

from __future__ import annotations

import math

import torch
from torchplay.engine.run.dataspec import REGRESSION_2D_DATASETS, DataSpec, task_of

PLANE_RADIUS = 2.0
"""The 2-D regression sets' inputs are uniform on ``[-PLANE_RADIUS, PLANE_RADIUS]²``."""

_DOMAINS = {
    "square": (-1.0, 1.0),
    "quadratic": (-2.0, 2.0),
    "sine": (-math.pi, math.pi),
    "cubic": (-1.5, 1.5),
    "abs": (-1.0, 1.0),
}


def _regression(name: str, n: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    lo, hi = _DOMAINS[name]
    x = torch.unsqueeze(torch.linspace(lo, hi, n), dim=1)
    if name == "square":  # tutorial section 1
        y = x.pow(2) + noise * torch.rand(x.size())
    elif name == "quadratic":  # tutorial section 4.5, same operation order
        y = x.pow(2) + 3 * x - 2 + noise * torch.rand(x.size())
    elif name == "sine":
        y = torch.sin(x) + noise * torch.rand(x.size())
    elif name == "cubic":
        y = x.pow(3) + noise * torch.rand(x.size())
    else:
        y = x.abs() + noise * torch.rand(x.size())
    return x, y


def _clouds(n: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    # Tutorial section 2, generalised to an odd count.
    n0 = n // 2
    n_data = torch.ones(n0, 2)
    x0 = torch.normal(2 * n_data, noise)
    y0 = torch.zeros(n0)
    x1 = torch.normal(-2 * torch.ones(n - n0, 2), noise)
    y1 = torch.ones(n - n0)
    x = torch.cat((x0, x1), 0).type(torch.FloatTensor)
    y = torch.cat((y0, y1)).type(torch.LongTensor)
    return x, y


def _split_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _classification(name: str, n: int, noise: float, k: int):
    if name == "clouds":
        return _clouds(n, noise)
    if name == "blobs":
        xs, ys = [], []
        for c, m in enumerate(_split_counts(n, k)):
            angle = 2 * math.pi * c / k
            center = torch.tensor([3 * math.cos(angle), 3 * math.sin(angle)])
            xs.append(center + noise * torch.randn(m, 2))
            ys.append(torch.full((m,), c))
        return torch.cat(xs), torch.cat(ys).long()
    if name == "moons":
        n0, n1 = _split_counts(n, 2)
        t0 = torch.rand(n0) * math.pi
        t1 = torch.rand(n1) * math.pi
        a = torch.stack((torch.cos(t0), torch.sin(t0)), 1)
        b = torch.stack((1 - torch.cos(t1), 0.5 - torch.sin(t1)), 1)
        x = torch.cat((a, b)) + noise * 0.1 * torch.randn(n, 2)
        return x, torch.cat((torch.zeros(n0), torch.ones(n1))).long()
    if name == "circles":
        n0, n1 = _split_counts(n, 2)
        t = torch.rand(n) * 2 * math.pi
        r = torch.cat((torch.full((n0,), 1.0), torch.full((n1,), 0.5)))
        x = torch.stack((r * torch.cos(t), r * torch.sin(t)), 1) + noise * 0.1 * torch.randn(n, 2)
        return x, torch.cat((torch.zeros(n0), torch.ones(n1))).long()
    if name == "xor":
        x = torch.rand(n, 2) * 2 - 1
        y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).long()
        return x + noise * 0.1 * torch.randn(n, 2), y
    # spiral: k arms
    xs, ys = [], []
    for c, m in enumerate(_split_counts(n, k)):
        r = torch.linspace(0.0, 1.0, m)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, m) + noise * 0.2 * torch.randn(m)
        xs.append(torch.stack((r * torch.sin(t * 2.5 / k), r * torch.cos(t * 2.5 / k)), 1))
        ys.append(torch.full((m,), c))
    return torch.cat(xs), torch.cat(ys).long()


def _regression_2d(name: str, n: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    x = (torch.rand(n, 2) * 2 - 1) * PLANE_RADIUS
    if name == "plane":
        y = (x[:, 0] + x[:, 1]) / 2
    else:  # gauss2d
        y = torch.exp(-(x[:, 0] * x[:, 0] + x[:, 1] * x[:, 1]))
    y = y.unsqueeze(1)
    return x, y + noise * torch.randn(n, 1)


def generate(spec: DataSpec) -> tuple[torch.Tensor, torch.Tensor, str]:
    """Draw ``spec``'s synthetic data from the global RNG: x, y and the task."""
    task = task_of(spec.dataset)
    if spec.dataset in REGRESSION_2D_DATASETS:
        x, y = _regression_2d(spec.dataset, spec.samples, spec.noise)
    elif task == "regression":
        x, y = _regression(spec.dataset, spec.samples, spec.noise)
    else:
        x, y = _classification(spec.dataset, spec.samples, spec.noise, spec.classes)
    return x.float().contiguous(), y.contiguous(), task
