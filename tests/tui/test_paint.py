"""Pilot, with the real engine: a click on the data chart adds a point of the chosen class
where it was clicked; the keyboard cursor (``p``, arrows) adds one with ``a`` and removes
the nearest with ``x``; arrows and digits keep editing a focused panel field; the painted
points are the spec's ``data.points``. Also the cell <-> data mapping against plotext."""

from __future__ import annotations

import plotext
import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.paint import CURSOR, PaintChart, PlotBox

from tests.tui.helpers import settled, wait_for


def _ready(chart: PaintChart) -> bool:
    return chart.box is not None and not chart.building and not chart.due


def _at(chart: PaintChart, col: int, row: int) -> str:
    return chart.frame.plain.splitlines()[row][col]


def _free_cell(chart: PaintChart) -> tuple[int, int]:
    """The cell nearest the plot's centre with no point drawn on it (a point there does
    not widen the data's range, so the axes stay as they are)."""
    lines = chart.frame.plain.splitlines()
    box = chart.box
    mid_col, mid_row = (box.left + box.right) // 2, (box.top + box.bottom) // 2
    cells = sorted(
        ((c, r) for r in range(box.top + 1, box.bottom) for c in range(box.left + 1, box.right)),
        key=lambda cell: abs(cell[0] - mid_col) / 2 + abs(cell[1] - mid_row),
    )
    return next(cell for cell in cells if lines[cell[1]][cell[0]] in "░▒▓█ ")


async def _boundary_shown(pilot, app, chart: PaintChart) -> None:
    """Wait for a frame of the run's samples whose axes hold its decision grid. The grid
    covers the points with a margin, so a frame drawn before the grid came (a rebuilt run
    shows its points first) has narrower axes: a box taken from such a frame, or compared
    with one, maps a cell to another point (CI met that once)."""

    def shown() -> bool:
        grid, box = chart.fit, chart.box
        if chart.samples is not app.run_info.samples or grid is None or not _ready(chart):
            return False
        x0, x1, y0, y1 = box.limits
        return x0 <= min(grid.x) and x1 >= max(grid.x) and y0 <= min(grid.y) and y1 >= max(grid.y)

    await wait_for(pilot, shown, seconds=60)


async def test_click_adds_a_point_of_the_chosen_class_where_clicked() -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(PaintChart)
        await _boundary_shown(pilot, app, chart)
        n = len(app.run_info.samples.x)
        col, row = _free_cell(chart)
        box = chart.box
        x, y = box.to_data(col, row)
        await pilot.press("p", "2")  # paint mode, class 1
        await wait_for(pilot, lambda: app.focused is chart and chart.label == 1)
        await pilot.click(PaintChart, offset=(col, row))
        await wait_for(pilot, lambda: len(app.spec.data.points) == n + 1)
        assert app.spec.data.points[-1] == (x, y, 1)
        await wait_for(pilot, lambda: app.run_info.spec.data.points, seconds=90)
        assert len(app.run_info.samples.x) == n + 1  # the engine trains on it
        await _boundary_shown(pilot, app, chart)
        assert chart.box.limits == box.limits
        # Drawn where it was clicked: the cursor there, and class 1's glyph once it leaves.
        await wait_for(pilot, lambda: _ready(chart) and _at(chart, col, row) == CURSOR)
        await pilot.press("escape")
        await wait_for(pilot, lambda: _ready(chart) and _at(chart, col, row) == "x")


async def test_keyboard_cursor_adds_and_removes_points() -> None:
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(PaintChart)
        # The frame with the fit line (whose values set the y axis), not the points' first:
        # the cursor starts in one box and moves by another's cells otherwise.
        await wait_for(pilot, lambda: chart.fit is not None and settled(app) and _ready(chart))
        n = len(app.run_info.samples.x)
        await pilot.press("p")
        await wait_for(pilot, lambda: CURSOR in chart.frame.plain)
        start = chart.cursor
        await pilot.press("right", "right", "right", "up")
        cw, ch = chart.box.cell_size()
        assert chart.cursor == pytest.approx((start[0] + 3 * cw, start[1] + ch))
        await wait_for(pilot, lambda: _ready(chart))
        col, row = chart.box.to_cell(*chart.cursor)
        assert chart.frame.plain.splitlines()[row][col] == CURSOR  # drawn where it is
        await pilot.press("a")
        await wait_for(pilot, lambda: len(app.spec.data.points) == n + 1)
        assert app.spec.data.points[-1] == chart.cursor
        await wait_for(pilot, lambda: len(app.run_info.samples.x) == n + 1)
        await pilot.press("x")  # the nearest point: the one just added
        await wait_for(pilot, lambda: len(app.spec.data.points) == n)
        assert chart.cursor not in app.spec.data.points


async def test_arrows_and_digits_still_edit_panel_fields() -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        field = app.query_one("#noise")
        field.focus()
        await pilot.press("end", "backspace", "backspace", "backspace", "0", ".", "5")
        await pilot.press("left", "2", "a", "x")
        assert field.value == "0.25"  # a number field takes no letters: a, x do not paint
        assert app.spec.data.points == ()


def test_plot_box_maps_cells_as_plotext_draws_them() -> None:
    for px, py in ((0.0, 0.0), (1.0, 1.0), (0.5, 0.25), (0.9, 0.1), (0.33, 0.71)):
        plotext.clear_figure()
        plotext.scatter([px], [py], marker="@")
        plotext.xlim(0, 1)
        plotext.ylim(0, 1)
        plotext.plotsize(60, 20)
        plotext.theme("clear")
        plain = plotext.uncolorize(plotext.build())
        box = PlotBox.find(plain, (0.0, 1.0, 0.0, 1.0))
        col, row = box.to_cell(px, py)
        assert plain.splitlines()[row][col] == "@"
        x, y = box.to_data(col, row)
        assert box.to_cell(x, y) == (col, row)


async def _trained_on_paint(pilot, app, n: int) -> None:
    """After space: the run that trains is the painted one (n + 1 points), not a rebuild
    of the panel's unpainted spec."""
    await pilot.press("space")
    await wait_for(pilot, lambda: app.last is not None and app.last.step > 0, seconds=90)
    assert len(app.run_info.spec.data.points or ()) == n + 1
    assert len(app.run_info.samples.x) == n + 1
    assert len(app.spec.data.points) == n + 1


async def test_painted_point_keys_stay_when_space_trains() -> None:
    """Issue 22 D2: classification, p, 2, Up, Up, a, then space trained the unpainted run."""
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(PaintChart)
        await wait_for(pilot, lambda: _ready(chart))
        n = len(app.run_info.samples.x)
        await pilot.press("p", "2")
        await wait_for(pilot, lambda: chart.cursor is not None)
        await pilot.press("up", "up", "a")
        await wait_for(pilot, lambda: len(app.run_info.spec.data.points or ()) == n + 1)
        await _trained_on_paint(pilot, app, n)


async def test_painted_point_click_stays_through_steps_and_space() -> None:
    """Issue 22 D2: a click, then n, n, space."""
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(PaintChart)
        await _boundary_shown(pilot, app, chart)
        n = len(app.run_info.samples.x)
        await pilot.click(PaintChart, offset=_free_cell(chart))
        await wait_for(pilot, lambda: len(app.run_info.spec.data.points or ()) == n + 1)
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 2)
        await _trained_on_paint(pilot, app, n)


async def test_keys_typed_in_one_burst_paint() -> None:
    """p 2 Up Up a arriving together (tmux send-keys, a fast typist, a slow machine): the
    chart has the focus for the keys after p (it took it later, and they were lost)."""
    from textual import events

    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(PaintChart)
        await wait_for(pilot, lambda: _ready(chart))
        n = len(app.run_info.samples.x)
        burst = [("p", "p"), ("2", "2"), ("up", None), ("up", None), ("a", "a")]
        for key, char in burst:  # queued at once, as the terminal driver posts them
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: len(app.spec.data.points) == n + 1)
        assert app.spec.data.points[-1][2] == 1  # class 1: the 2 reached the chart too
