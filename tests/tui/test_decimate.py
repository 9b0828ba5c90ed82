"""Min/max decimation (D4): whatever the width, a line keeps its first point and its
spike; the loss chart, ``--plot`` and the sweep's small multiples all draw through it."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from torchplay.tui.app.widgets.smallmultiples import bars, columns
from torchplay.tui.draw.decimate import curve, decimate
from torchplay.tui.draw.plotting import draw_loss

from tests.tui.test_ticks import Figure


class Lines(Figure):
    """Records every ``plot`` call (Figure keeps the last call per name)."""

    def __init__(self) -> None:
        super().__init__()
        self.plots: list[tuple] = []

    def plot(self, x, y, **_style) -> None:
        self.plots.append((x, y))


SIZES = st.tuples(st.integers(2, 20_000), st.integers(20, 300))


@settings(max_examples=80, deadline=None)
@given(SIZES, st.floats(0, 1), st.floats(1.5, 1e6))
def test_one_spike_anywhere_is_drawn(size, where, height) -> None:
    n, width = size
    at = min(n - 1, int(where * n))
    points = [(s, 1.0 / s, None) for s in range(1, n + 1)]
    points[at] = (at + 1, height, None)
    fig = Lines()
    draw_loss(fig, points, width)
    ((xs, ys),) = fig.plots
    assert max(ys) == height and xs[ys.index(height)] == at + 1
    assert xs[0] == 1 and ys[0] == points[0][1]  # the first step shows
    assert len(xs) <= 2 * width + 2


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 5000), st.integers(1, 400), st.floats(0, 1))
def test_decimate_keeps_extremes_in_order(n, budget, where) -> None:
    ys = [math.sin(i / 7) for i in range(n)]
    dip = min(n - 1, int(where * n))
    ys[dip] = -5.0
    x, y = decimate(list(range(n)), ys, budget)
    assert x == sorted(x) and min(y) == -5.0 and max(y) == max(ys)
    assert x[0] == 0 and x[-1] == n - 1


def test_sweep_curves_keep_the_spike() -> None:
    """A sweep member's small multiple: the spike's column is the highest bar."""
    points = [(s, 1.0 / s) for s in range(1, 1001)]
    points[500] = (501, 50.0)
    values = columns(curve(points, 40), 20)
    assert max(values) == math.log10(50.0)
    top = bars(values, 4)[0]
    assert top.count("█") == 1
