"""Light on the wire: a chart frame repaints only its changed rows, an unchanged frame
nothing; a backed-up terminal skips chart ticks; --fps sets the tick."""

from __future__ import annotations

from textual.geometry import Region
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets import chartpane
from torchplay.tui.app.widgets.charts import PLOTEXT, DataChart, LossChart
from torchplay.tui.app.widgets.terminal import changed_rows, row_regions

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import settled, wait_for


def test_changed_rows_and_their_regions() -> None:
    assert changed_rows(["a", "b", "c", "d"], ["a", "B", "C", "d"]) == [1, 2]
    assert changed_rows([], ["a", "b"]) == [0, 1]  # a first frame, or a new size
    assert row_regions([1, 2, 5], 10, 40) == [Region(0, 1, 40, 2), Region(0, 5, 40, 1)]
    assert row_regions([0, 1, 2], 3, 40) == []  # all of it: one plain refresh


async def test_an_unchanged_frame_is_not_shown_again() -> None:
    app = PlaygroundApp(client=FakeEngine(), show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        loss = app.query_one(LossChart)
        await wait_for(pilot, lambda: loss.shown and not loss.building)
        shown = loss.shown
        for _ in range(3):
            built = loss.built
            loss.replot()  # a build that ends (positive), then nothing was sent (negative)
            await wait_for(pilot, lambda: loss.built > built and not loss.building)  # noqa: B023
        assert loss.shown == shown  # same points, same frame: nothing sent
        loss.log_scale = True
        loss.replot()
        await wait_for(pilot, lambda: loss.shown == shown + 1)


async def test_a_replot_waiting_for_plotext_is_not_settled() -> None:
    """While another chart's build holds plotext, a replot waits a tick: the app is not
    settled then (a snapshot taken would show the old frame), and the wait ends in a build."""
    app = PlaygroundApp(client=FakeEngine(), show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        loss = app.query_one(LossChart)
        await wait_for(pilot, lambda: settled(app))
        built = loss.built
        with PLOTEXT:  # another chart's build
            loss.replot()
            assert loss.due and not loss.building and not settled(app)
            await pilot.pause(0.05)  # retries meanwhile find plotext still held
            assert loss.due and loss.built == built
        await wait_for(pilot, lambda: loss.built > built and settled(app))
        assert not loss.due


async def test_a_backed_up_terminal_skips_chart_ticks(monkeypatch) -> None:
    engine = FakeEngine("classification")
    app = PlaygroundApp("classification", client=engine, show_rate=False, fps=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        pane = app.query_one(chartpane.ChartPane)
        await wait_for(pilot, lambda: not pane.stale)
        ticks: list[int] = []  # each chart tick asks for the backlog once: a tick counter
        monkeypatch.setattr(chartpane, "output_backlog", lambda app: ticks.append(1) or 10)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 1)
        ticks.clear()
        await wait_for(pilot, lambda: len(ticks) >= 15)  # 15 ticks since the step showed
        assert pane.stale == {LossChart, DataChart}  # nothing drawn while behind
        monkeypatch.setattr(chartpane, "output_backlog", lambda app: 0)
        await wait_for(pilot, lambda: not pane.stale)
