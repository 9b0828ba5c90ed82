"""The health view over time: each Linear layer's weights and outputs as heat-strips over
the run's snapshots (step across, value bins up), as TensorBoard's histograms show them.

Each layer's bins share one range over every column, so a strip shows the values spread
or drift as training goes; the columns are the snapshots (evenly thinned to at most
:data:`COLUMNS`). Weights come from the snapshots' flat buffers; outputs from a forward
pass of the training set (at most :data:`ROWS` points) per column. The strips change only
when the snapshots do: :class:`StripCache` keeps the last ones.
"""

from __future__ import annotations

import torch
from torchplay.engine.run.views import Strip, Strips
from torchplay.engine.train.health import layer_outputs
from torchplay.engine.train.model import linears
from torchplay.engine.train.snapshots import viewing

COLUMNS = 40
"""The most snapshots a strip shows."""
BINS = 6
"""Value bins (the strip's height)."""
ROWS = 2000
"""The most training points a column's outputs are taken over."""


def _columns(steps: list[int], n: int = COLUMNS) -> list[int]:
    if len(steps) <= n:
        return list(steps)
    picks = sorted({round(i * (len(steps) - 1) / (n - 1)) for i in range(n)})
    return [steps[i] for i in picks]


def _strip(columns: list[torch.Tensor]) -> Strip:
    values = torch.cat([c.reshape(-1) for c in columns]).double()
    values = values[torch.isfinite(values)]
    low, high = (float(values.min()), float(values.max())) if values.numel() else (0.0, 0.0)
    counts = []
    for c in columns:
        v = c.reshape(-1).double()
        v = v[torch.isfinite(v)]
        if high > low:
            counts.append([int(k) for k in torch.histc(v, bins=BINS, min=low, max=high)])
        else:
            col = [0] * BINS
            col[BINS // 2] = v.numel()
            counts.append(col)
    return Strip(low, high, counts)


@torch.no_grad()
def strips(trainer) -> Strips:
    """Every Linear layer's weights and outputs at each (thinned) snapshot."""
    steps = _columns(trainer.snapshots.steps)
    x = trainer.inputs_train[:ROWS]
    n = len(linears(trainer.net))
    weights: list[list[torch.Tensor]] = [[] for _ in range(n)]
    outputs: list[list[torch.Tensor]] = [[] for _ in range(n)]
    for step in steps:
        with viewing(trainer, step):
            for k, lin in enumerate(linears(trainer.net)):
                weights[k].append(lin.weight.detach().clone())
            for k, a in enumerate(layer_outputs(trainer.net, x)[1]):
                outputs[k].append(a)
    return Strips(steps, [_strip(w) for w in weights], [_strip(a) for a in outputs])


class StripCache:
    """The last strips, kept while the snapshots stay the same."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.value: Strips | None = None

    def get(self, trainer) -> Strips:
        key = (trainer.run_id, id(trainer), tuple(trainer.snapshots.steps))
        if key != self.key:
            self.key, self.value = key, strips(trainer)
        return self.value
