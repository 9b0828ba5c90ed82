"""The legend covers no point (issue 22 friction 6): plotext draws it over the top rows
of the plot's left side, where a loss curve starts and where data often lie; the charts
leave the legend rows of its own above the highest point."""

from __future__ import annotations

import pytest
from torchplay.engine.run.views import FitLine, Samples
from torchplay.tui.draw.plotting import draw_data, draw_loss
from torchplay.tui.draw.ticks import FRAME_ROWS

from tests.tui.test_ticks import Figure

SIZES = [(40, 12), (60, 16), (80, 24), (120, 40)]


class Recorder(Figure):
    """Records the y limits and every series' y values."""

    def __init__(self) -> None:
        super().__init__()
        self.ys: list[float] = []

    def plot(self, _x, y, **_style) -> None:
        self.ys += y

    scatter = plot


def _top_row(fig: Recorder, height: int) -> int:
    """The plot row (0: the top) of the highest point drawn."""
    lo, top = fig.calls["ylim"]
    rows = height - FRAME_ROWS
    return round((top - max(fig.ys)) / (top - lo) * (rows - 1))


@pytest.mark.parametrize("size", SIZES)
def test_the_loss_legend_has_rows_above_the_curve(size) -> None:
    fig = Recorder()
    points = [(s, 1.0 / s, 0.9 / s) for s in range(1, 300)]
    draw_loss(fig, points, size[0], height=size[1])
    assert _top_row(fig, size[1]) >= 2  # train and test


@pytest.mark.parametrize("size", SIZES)
def test_the_fit_legend_has_rows_above_the_data(size) -> None:
    fig = Recorder()
    xs = [i / 50 - 1 for i in range(101)]
    fit = FitLine(xs, [-0.9 * x for x in xs], [], [])
    samples = Samples("regression", xs, [-x for x in xs])
    draw_data(fig, samples, fit, size[0], "fit", height=size[1])
    assert _top_row(fig, size[1]) >= 2  # data and fit
