"""The decision grid covers the data chart's plot area at every size: no full-height column
or full-width row without shading but the legend's rows above the data (the real engine,
at 80x24, 120x40 and 200x60)."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.charts import DataChart

from tests.tui.helpers import wait_for

SHADES = set("░▒▓█")


def plot_area(frame: str) -> list[str]:
    """The rows of the chart's plot area: inside the box plotext draws."""
    lines = frame.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    left, right = lines[top].index("┌"), lines[top].index("┐")
    return [line[left + 1 : right] for line in lines[top + 1 : bottom]]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_the_grid_leaves_no_blank_stripe(size) -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=size) as pilot:
        chart = app.query_one("#data", DataChart)

        def drawn() -> bool:
            fit = app.last.fit if app.last else None
            return fit is not None and fit.size == chart.grid_size and not chart.building

        await wait_for(pilot, drawn)
        # The frame of exactly that grid: a build that ends after this replot (a replot
        # can wait for another chart's build: then `building` is still False here).
        before = chart.built
        chart.replot()
        await wait_for(pilot, lambda: chart.built > before and not chart.building)
        area = plot_area(chart.frame.plain)
        cols, rows = len(area[0]), len(area)
        assert cols > 20 and rows > 3
        assert chart.grid_size[0] >= cols and chart.grid_size[1] >= rows
        shaded = [[char in SHADES for char in row] for row in area]  # points may cover some
        blank_columns = [c for c in range(cols) if not any(row[c] for row in shaded)]
        blank_rows = [r for r, row in enumerate(shaded) if not any(row)]
        # The legend's rows stand above the data (they cover no point): blank by design.
        legend = sum(1 for row in area if "class " in row)
        assert legend == 2
        assert not blank_columns and blank_rows == list(range(legend)), (blank_columns, blank_rows)
