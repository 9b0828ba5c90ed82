"""2-D regression's drawing (tui/draw/heat.py): colour bands on the targets' scale, the
prediction's cells and the points through a real plotext build, the glyphs without colour,
and odd values (NaN, inf, one value, huge ranges) that must never raise."""

from __future__ import annotations

import plotext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torchplay.engine.run.views import HeatGrid, Samples
from torchplay.tui.draw.glyphs import Glyphs
from torchplay.tui.draw.heat import HEAT_SCALE, MONO_RAMP, band, value_range
from torchplay.tui.draw.plotting import draw_data

LAST = len(HEAT_SCALE) - 1


def figure(size=(60, 20)):
    plotext.clf()
    plotext.limitsize(False, False)
    plotext.plotsize(*size)
    return plotext


def samples(targets, **kw) -> Samples:
    n = len(targets)
    xs = [i / max(1, n - 1) * 2 - 1 for i in range(n)]
    return Samples("regression", xs, list(reversed(xs)), targets=targets, **kw)


def test_bands_split_the_targets_range_evenly_and_clamp() -> None:
    lo, hi = value_range(samples([0.0, 0.7, 0.35], test_targets=[-0.7]))
    assert (lo, hi) == (-0.7, 0.7)
    assert [band(v, lo, hi) for v in (-0.7, -0.4, 0.0, 0.69, 0.7)] == [0, 1, 3, LAST, LAST]
    assert band(-5.0, lo, hi) == 0 and band(9.0, lo, hi) == LAST  # beyond: the ends
    assert band(float("nan"), lo, hi) == LAST and band(float("-inf"), lo, hi) == 0
    assert value_range(samples([2.0, 2.0])) == (1.5, 2.5)  # one value: a scale around it
    assert value_range(samples([])) == (0.0, 1.0)


def test_cells_points_and_legend_in_a_real_build() -> None:
    grid = HeatGrid([-1.0, 0.0, 1.0], [-1.0, 1.0], [0.0, 0.5, 1.0, 1.0, 0.5, 0.0])
    plt = figure()
    draw_data(plt, samples([0.0, 1.0]), grid, 60, "heat", height=20)
    text = plt.build()
    assert "▓" in text and "●" in text
    assert "0" in text and "1" in text  # the legend: the scale's ends
    assert "x1" in text and "x2" in text


def test_without_colour_cells_ramp_and_points_are_their_band_digit() -> None:
    grid = HeatGrid([-1.0, 1.0], [-1.0, 1.0], [0.0, 0.0, 1.0, 1.0])
    plt = figure()
    mono = Glyphs(mono=True)
    draw_data(plt, samples([0.0, 1.0]), grid, 60, "", height=20, glyphs=mono)
    text = plt.build()
    assert MONO_RAMP[0] in text and MONO_RAMP[LAST] in text
    assert "0" in text and str(LAST) in text and "●" not in text


def test_csv_columns_name_the_axes() -> None:
    plt = figure()
    draw_data(plt, samples([0.0, 1.0], axes=("rooms", "age")), None, 60, "", height=20)
    text = plt.build()
    assert "rooms" in text and "age" in text


ODD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e30, 1e30),
    st.sampled_from([0.0, 1.0, -1.0, 1e300, -1e300]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ODD, max_size=20),
    st.lists(ODD, min_size=4, max_size=4),
    st.tuples(st.integers(20, 160), st.integers(5, 50)),
)
def test_odd_values_never_raise(targets, values, size) -> None:
    grid = HeatGrid([values[0], values[1]], [values[2], values[3]], values)
    plt = figure(size)
    draw_data(plt, samples(targets), grid, size[0], "odd", height=size[1], show_test=True)
    plt.build()
