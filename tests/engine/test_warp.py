"""The representation view's numbers: each training point and grid line through the
network up to the chosen hidden layer, equal to the Sequential's own modules applied in
order; at a snapshot in view, that snapshot's weights; bad layers and units refused."""

from __future__ import annotations

import pytest
import torch
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
from torchplay.engine.train.warp import LINES, SAMPLES, warp_view


def _trainer() -> Trainer:
    spec = get_scenario("classification").with_overrides(
        {"model.hidden": [5, 2], "model.activation": "tanh", "data.dataset": "circles"}
    )
    t = Trainer(spec.with_overrides({"training.steps": 40}))
    t.run()
    return t


def test_points_are_the_layers_outputs_and_the_grid_is_bent_the_same_way() -> None:
    t = _trainer()
    view = warp_view(t, 2, (1, 2))
    with torch.no_grad():
        h = t.net[3](t.net[2](t.net[1](t.net[0](t.data.x_train))))  # Linear tanh Linear tanh
    assert view.x == h[:, 0].tolist() and view.y == h[:, 1].tolist()
    assert view.labels == t.data.y_train.tolist()
    assert len(view.lines) == 2 * LINES and all(len(x) == SAMPLES for x, _ in view.lines)
    first = view.lines[0]  # x1 sweeps at the lowest x2: its points through layer 1's unit 2
    lo = (
        t.data.x_train.min(0).values
        - (t.data.x_train.max(0).values - t.data.x_train.min(0).values) * 0.1
    )
    with torch.no_grad():
        corner = t.net[1](t.net[0](lo - 1e-6))
    one = warp_view(t, 1, (2, 2)).lines[0]
    assert one[0][0] == pytest.approx(float(corner[1]), abs=1e-6)
    assert len(set(first[0])) > 1  # a bent line, not a point


def test_a_snapshot_in_view_gives_its_weights() -> None:
    t = _trainer()
    early = warp_view(t, 2, (1, 2), step=3)
    assert early.step == 3 and early.x != warp_view(t, 2, (1, 2)).x
    fresh = Trainer(t.spec)
    fresh.step(3)
    assert early.x == warp_view(fresh, 2, (1, 2)).x


@pytest.mark.parametrize(
    "layer,units,words", [(3, (1, 2), "no hidden layer 3"), (2, (1, 3), "no unit 3")]
)
def test_bad_layers_and_units_are_refused(layer, units, words) -> None:
    with pytest.raises(InputError, match=words):
        warp_view(_trainer(), layer, units)
