"""The sweep screen at 80x24 with six curves (a 2x3 grid): every curve keeps its bottom
row (where it ends), the bars shortened to fit the rows left under the heatmap."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.smallmultiples import BARS, fitting_rows

from tests.tui.helpers import settle
from tests.tui.test_sweepscreen import finished, start_sweep

GRID = ("training.lr=0.05,0.1", "data.seed=1,2,3")


def test_fitting_rows() -> None:
    assert fitting_rows(3, 17, 4) == 4  # 3 x (title + 4 bars) + 2 blank lines
    assert fitting_rows(3, 16, 4) == 3  # one line short: each curve one bar row less
    assert fitting_rows(3, 2, 4) == 1  # never none
    assert fitting_rows(1, 40, 4) == 4


async def test_six_curves_fit_80x24() -> None:
    app = PlaygroundApp(in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_sweep(pilot, app, 30, GRID)
        await finished(pilot, screen)
        await settle(pilot, app)
        curves = screen.query_one("#sweep-curves")
        assert len(curves.curves) == 6
        inked = [i for i, line in enumerate(curves.lines) if line.text.strip()]
        assert inked and inked[-1] < curves.size.height  # no row of a curve below the edge
        assert set(curves.lines[inked[-1]].text.strip()) <= set(BARS)  # the lowest bars


def test_sweep_screen_80x24_six_curves(snap_compare) -> None:
    app = PlaygroundApp(in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        screen = await start_sweep(pilot, app, 30, GRID)
        await finished(pilot, screen)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
