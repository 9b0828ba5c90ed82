"""Property tests over the chart builders (issue 22 item 1): empty series, one point, two
equal points, negative and tiny ranges, ranges inside one decade, NaN and inf mixed in,
1e-30 to 1e30, log on and off, at every terminal size from 20x5 to 300x100, through a
real plotext build. None may raise: a chart that cannot say much says less."""

from __future__ import annotations

import plotext
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from torchplay.engine.run.views import DecisionGrid, FitLine, Samples
from torchplay.tui.app.widgets.smallmultiples import bars, columns, fit
from torchplay.tui.draw.decimate import curve
from torchplay.tui.draw.plotting import draw_data, draw_loss, draw_lr_find, draw_run_losses
from torchplay.tui.draw.ticks import compact_ticks

ODD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e30, 1e30),
    st.floats(1e-30, 1e-28),
    st.floats(-1e-30, 1e-30),
    st.floats(0.44, 0.66),  # inside one decade (D1)
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e30, 1e-30]),
)
"""A value a chart may be handed."""
VALUES = st.one_of(
    st.lists(ODD, max_size=40),
    st.lists(ODD, min_size=1, max_size=1).map(lambda v: v * 2),  # two equal points
    st.lists(st.floats(-1e-12, 1e-12), min_size=2, max_size=30),  # a tiny range
    st.lists(st.floats(-5.0, -1.0), min_size=2, max_size=30),  # all negative
)
SIZES = st.tuples(st.integers(20, 300), st.integers(5, 100))
PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def figure(size: tuple[int, int]):
    plotext.clf()
    plotext.limitsize(False, False)
    plotext.plotsize(*size)
    return plotext


def build(size: tuple[int, int]) -> None:
    try:
        plotext.build()
    except IndexError:  # plotext==5.3.2 on one point: the app's Chart shows a note instead
        pass


@PROPS
@given(VALUES, VALUES, SIZES, st.booleans(), st.booleans())
@example([], [], (20, 5), True, False)
@example([0.6], [], (300, 100), True, False)
@example([0.663, 0.44], [], (120, 40), True, False)  # D1: inside one decade
@example([1e-30, 1e30, float("nan"), float("inf")], [-1.0], (20, 5), True, True)
@pytest.mark.slow
def test_loss_charts(train, test, size, log_scale, baseline) -> None:
    points = [
        (step, v, test[step - 1] if step <= len(test) else None) for step, v in enumerate(train, 1)
    ]
    base = points[::-1] if baseline else None
    draw_loss(
        figure(size),
        points,
        size[0],
        log_scale,
        marks=[1, 3],
        height=size[1],
        baseline=base,
        marker=2 if points else None,
        lr=0.1,
    )
    build(size)
    draw_run_losses(figure(size), [("a", points), ("b", base or [])], size[0], log_scale)
    build(size)


@PROPS
@given(VALUES, VALUES, SIZES, st.booleans())
@pytest.mark.slow
def test_regression_fit(xs, ys, size, show_test) -> None:
    n = min(len(xs), len(ys))
    samples = Samples("regression", xs[:n], ys[:n], test_x=ys[:n], test_y=xs[:n])
    line = FitLine(sorted(xs), ys[: len(xs)] + [0.0] * (len(xs) - len(ys)), xs[:2], xs[:2])
    draw_data(
        figure(size),
        samples,
        line,
        size[0],
        "fit",
        show_test=show_test,
        height=size[1],
        base_fit=line,
    )
    build(size)


@PROPS
@given(VALUES, SIZES, st.integers(1, 7), st.booleans())
def test_decision_regions(values, size, classes, discrete) -> None:
    xs = values[:8] or [0.0]
    labels = [i % classes for i in range(len(values))]
    samples = Samples("classification", values, values[::-1], labels, classes)
    grid = DecisionGrid(xs, xs, [i % classes for i in range(len(xs) ** 2)], [0.5] * len(xs) ** 2)
    draw_data(figure(size), samples, grid, size[0], "acc", discrete=discrete, height=size[1])
    build(size)


@PROPS
@given(st.lists(st.floats(1e-30, 1e30), max_size=30), VALUES, SIZES)
def test_lr_range_test(lrs, losses, size) -> None:
    losses = (losses + [1.0] * len(lrs))[: len(lrs)]
    draw_lr_find(figure(size), lrs, losses, lrs[len(lrs) // 2] if lrs else None)
    build(size)


@PROPS
@given(VALUES, VALUES, st.integers(1, 30), st.booleans())
def test_ticks(xs, ys, height, log_y) -> None:
    figure((40, 10))
    compact_ticks(plotext, xs, ys, log_y=log_y, height=height)


@PROPS
@given(VALUES, st.integers(1, 300), st.integers(1, 12), st.text(max_size=40))
@pytest.mark.slow
def test_sweep_curves(values, width, rows, title) -> None:
    points = list(enumerate(values, 1))
    lines = bars(columns(curve(points, 2 * width), width), rows)
    assert len(lines) == rows and all(len(line) <= width for line in lines)
    assert len(fit(title, width)) <= width


@pytest.mark.slow
def test_every_width_and_every_height() -> None:
    """Each width 20..300 and each height 5..100 at least once, log scale on, with the D1
    range, a NaN, an inf and a tiny value in the loss."""
    points = [(1, 0.663, None), (2, float("nan"), 0.44), (3, float("inf"), None), (4, 1e-30, 0.5)]
    for width in range(20, 301):
        size = (width, 5 + width % 96)
        draw_loss(figure(size), points, width, log_scale=True, height=size[1])
        build(size)
