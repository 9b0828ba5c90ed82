"""No drawing error ends the app: D1 (``l`` on a loss range inside one decade) and the
containment of every chart's drawing (a placeholder line, the traceback logged, the run
going on), forced through the ``TORCHPLAY_CHART_FAULT`` test hook."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.charts import DataChart, LossChart
from torchplay.tui.draw.contain import FAULT_ENV

from tests.tui.helpers import long_run, wait_for


def _shows(chart) -> str:
    return chart.frame.plain


async def test_log_scale_on_a_range_inside_one_decade(tmp_path) -> None:
    """D1: ``torchplay regression``, ``n``, ``n``, ``l`` ended the app (``slice step cannot
    be zero``: the two losses lie inside one decade, so no whole decade to tick)."""
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 2)
        loss = app.query_one(LossChart)
        await wait_for(pilot, lambda: len(loss.points) == 2)
        await pilot.press("l")
        await wait_for(pilot, lambda: "loss (log scale)" in _shows(loss))
        assert "chart error" not in _shows(loss)
        low, high = sorted(p[1] for p in loss.points)
        assert f"{low:.2g}" in _shows(loss) and f"{high:.2g}" in _shows(loss)
        await pilot.press("n")  # the app is alive and still trains
        await wait_for(pilot, lambda: app.last.step == 3)
    assert app.return_code in (0, None)


async def test_a_chart_error_draws_a_placeholder_and_the_run_goes_on(
    tmp_path, monkeypatch, ui_log
) -> None:
    """The test hook makes the loss chart fail at every frame: it shows one line naming
    the error and the log, the traceback is in the log, the data chart still draws and
    the run trains on to its end."""
    monkeypatch.setenv(FAULT_ENV, "loss")
    app = PlaygroundApp(long_run(tmp_path, "regression", 3000), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        loss, data = app.query_one(LossChart), app.query_one("#data", DataChart)
        line = f"chart error: ForcedFault: forced by {FAULT_ENV}=loss; details in {ui_log}"
        await wait_for(pilot, lambda: _shows(loss) == line)
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 500)
        await wait_for(pilot, lambda: "y" in _shows(data) and "chart error" not in _shows(data))
        await wait_for(pilot, lambda: app.state == "finished", seconds=120)
        assert app.last.step == 3000 and app.is_running
        monkeypatch.delenv(FAULT_ENV)  # the next frame draws again
        await pilot.press("l")
        await wait_for(pilot, lambda: "loss (log scale)" in _shows(loss))
    logged = ui_log.read_text()
    assert "drawing loss" in logged and "Traceback" in logged and "ForcedFault" in logged
    assert logged.count("Traceback") == 1  # once, though every frame failed


async def test_a_build_error_on_the_worker_thread_is_contained(monkeypatch, ui_log) -> None:
    """plotext itself raising while it builds the frame (on the worker thread)."""
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        data = app.query_one("#data", DataChart)

        def broken() -> str:
            raise ZeroDivisionError("plotext broke")

        monkeypatch.setattr(data.plt, "build", broken)
        await pilot.press("t")  # redraws the data chart
        await wait_for(pilot, lambda: "chart error: ZeroDivisionError" in _shows(data))
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
    assert "plotext broke" in ui_log.read_text()


async def test_the_sweep_widgets_contain_their_errors(monkeypatch, ui_log) -> None:
    """The heatmap (a line-API widget) and the small multiples (built on a worker thread)
    fail to draw through the hook: each shows the placeholder, the sweep trains to its
    end and the app stays up."""
    from tests.tui.test_sweepscreen import finished, start_sweep

    monkeypatch.setenv(FAULT_ENV, "heatmap,sweep-curves")
    app = PlaygroundApp(in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_sweep(pilot, app, 30, ("training.lr=0.1,0.3", "data.seed=1,2"))
        await finished(pilot, screen)
        curves = screen.query_one("#sweep-curves")
        await wait_for(pilot, lambda: curves.lines and not curves.building)
        assert curves.lines[0].text.startswith("chart error: ForcedFault")
        heatmap = screen.query_one("#heatmap")
        lines = heatmap.render_lines(heatmap.region.reset_offset)
        assert lines[0].text.startswith("chart error: ForcedFault: forced by")
        assert app.is_running
    logged = ui_log.read_text()
    assert "drawing heatmap" in logged and "drawing sweep-curves" in logged
