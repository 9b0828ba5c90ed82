"""The health view over time: each column is its snapshot's histogram over the layer's
shared range (weights from the snapshot, outputs from a forward pass), columns thinned to
at most COLUMNS with the first and last kept, and the cache recomputes only when the
snapshots change."""

from __future__ import annotations

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.health import layer_outputs
from torchplay.engine.train.model import linears
from torchplay.engine.train.snapshots import viewing
from torchplay.engine.train.strips import BINS, COLUMNS, StripCache, strips
from torchplay.engine.train.trainer import Trainer


def _trainer(steps: int) -> Trainer:
    spec = get_scenario("classification").with_overrides(
        {"model.hidden": [6, 4], "training.steps": steps, "training.lr": 0.5}
    )
    t = Trainer(spec)
    t.run()
    return t


def test_each_column_is_its_snapshots_histogram_over_a_shared_range() -> None:
    t = _trainer(30)
    s = strips(t)
    assert s.steps == t.snapshots.steps and len(s.weights) == len(s.outputs) == 3
    for k in range(3):
        w, a = s.weights[k], s.outputs[k]
        assert len(w.counts) == len(s.steps) and all(len(c) == BINS for c in w.counts)
        for c, step in enumerate(s.steps):
            with viewing(t, step), torch.no_grad():
                weight = linears(t.net)[k].weight.double()
                out = layer_outputs(t.net, t.inputs_train)[1][k].double()
            assert w.low <= float(weight.min()) and float(weight.max()) <= w.high
            want = torch.histc(weight, bins=BINS, min=w.low, max=w.high)
            assert w.counts[c] == [int(v) for v in want]
            assert sum(a.counts[c]) == out.numel()
    assert s.weights[0].counts[0] != s.weights[0].counts[-1]  # the weights moved


def test_columns_are_thinned_and_cached_until_the_snapshots_change() -> None:
    t = _trainer(3000)
    assert len(t.snapshots.steps) > COLUMNS
    cache = StripCache()
    first = cache.get(t)
    assert len(first.steps) == COLUMNS
    assert (first.steps[0], first.steps[-1]) == (0, t.snapshots.steps[-1])
    assert cache.get(t) is first
    t.step(500)
    t.snapshots.take(t)
    assert cache.get(t) is not first
