"""The data chart's axes are the same before a run's grid comes as after: the chart
pads the points' range as the engine's grid does, so the axes do not jump when a rebuilt
run (a painted point, a changed field) shows its points first and its grid a moment later.
Real engine probes, real plotext builds."""

from __future__ import annotations

import plotext
import pytest
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train import probes
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.draw.plotting import draw_data
from torchplay.tui.draw.ticks import grid_extent


def limits(samples, fit):
    plotext.clf()
    plotext.limitsize(False, False)
    plotext.plotsize(100, 30)
    drawn = draw_data(plotext, samples, fit, 100, "data", height=30)
    plotext.build()
    return drawn


@pytest.mark.parametrize(
    "spec",
    [
        get_scenario("classification"),
        get_scenario("classification").with_overrides({"data.dataset": "spiral"}),
        get_scenario("regression").with_overrides({"data.dataset": "gauss2d"}),
    ],
    ids=["two-clouds", "spiral", "gauss2d"],
)
def test_axes_before_the_grid_are_the_grids(spec) -> None:
    trainer = Trainer(spec)
    samples, grid = probes.samples(trainer), probes.fit(trainer, (40, 20))
    assert grid is not None
    before, after = limits(samples, None), limits(samples, grid)
    span = after[1] - after[0], after[3] - after[2]
    assert before == pytest.approx(after, abs=1e-4 * max(span))
    # Without the padding the axes were the points' range: a tenth narrower on each side.
    xs = samples.x + (samples.test_x if samples.targets is not None else [])
    assert after[0] < min(xs) - 0.09 * (max(xs) - min(xs))


def test_grid_extent_pads_a_tenth_and_skips_what_cannot_be_drawn() -> None:
    assert grid_extent([0.0, 10.0, float("nan")], [1.0, 3.0, float("inf")]) == (
        [-1.0, 11.0],
        [0.8, 3.2],
    )
    assert grid_extent([], [1.0]) == ([], [])
    assert grid_extent([2.0], [2.0]) == ([2.0, 2.0], [2.0, 2.0])  # ticks widen one value
