"""The panel's width follows the terminal's at once (D5: it lagged one resize behind,
``on_resize`` read the old size), and the footer's last column holds no stray character
(D7)."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.layout import panel_width
from torchplay.tui.app.widgets.panel import ControlPanel

from tests.tui.helpers import wait_for


async def test_panel_width_follows_each_resize() -> None:
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        panel = app.query_one(ControlPanel)
        for columns in (120, 80, 60, 80, 200, 80):
            await pilot.resize_terminal(columns, 24)
            await wait_for(pilot, lambda c=columns: panel.outer_size.width == panel_width(c))
            label = app.query_one("#scenario SelectCurrent #label")
            assert str(label.render()) == "regression"
            assert label.size.width >= len("regression"), columns  # not "regressio"


async def test_the_footer_paints_its_last_column() -> None:
    """D7: the compact footer's palette key kept a margin in the last column, which no
    widget painted, so a character from an earlier frame could stay (``^p paletteo``)."""
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        for columns in (80, 120, 80):
            await pilot.resize_terminal(columns, 24)
            await wait_for(pilot, lambda c=columns: app.size.width == c)
            await pilot.pause()  # no delay: the new size's layout runs
            widget, _ = app.screen.get_widget_at(columns - 1, 23)
            assert "-command-palette" in widget.classes, widget
            key_end = widget.region.right
            assert key_end == columns
        await pilot.press("p")  # painting: where tmux showed '^p paletteo' without the fix
        await pilot.pause()  # no delay: the footer's new layout runs (a positive check next)
        widget, _ = app.screen.get_widget_at(79, 23)
        assert "-command-palette" in widget.classes and widget.region.right == 80, widget
