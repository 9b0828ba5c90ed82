"""Every control and binding not covered elsewhere: buttons, compare, the reset question,
quitting, and an engine process killed under the app."""

from __future__ import annotations

import os
import signal

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import CompareScreen, ConfirmDialog, PathDialog
from torchplay.tui.app.widgets.charts import DataChart

from tests.tui.helpers import (
    choose,
    long_run,
    on_screen,
    saved_runs,
    status,
    toasts,
    type_in_dialog,
    wait_for,
)

# Slow (the real engine, in its own process in some): make test-fast leaves them out.
pytestmark = pytest.mark.slow


async def test_buttons(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.click("#step")
        await wait_for(pilot, lambda: app.last.step == 1)
        await pilot.click("#start")
        await wait_for(pilot, lambda: app.state == "finished")
        await pilot.click("#save")
        assert isinstance(app.screen, PathDialog)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: (tmp_path / "runs" / "regression-step100.safetensors").exists()
        )
        await pilot.click("#reset")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        await pilot.click("#load")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 100)


async def test_compare_binding(tmp_path) -> None:
    paths = saved_runs(tmp_path, "regression", {"r10": 10, "r100": 100})
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, PathDialog)
        await type_in_dialog(pilot, " ".join(paths))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, CompareScreen) and app.screen.runs)
        assert [run.step for run in app.screen.runs] == [10, 100]
        await pilot.press("c")
        assert not isinstance(app.screen, CompareScreen)


async def test_compare_leaves_the_main_decision_grid_its_size(tmp_path) -> None:
    """Compare's charts ask for their own grid size; the main chart's grid keeps its own
    (once, compare's charts resized the main grid: 80x15 became 48x21)."""
    paths = saved_runs(tmp_path, "classification", {"c5": 5, "c50": 50})
    app = PlaygroundApp(source="classification", in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.query_one("#data", DataChart).grid_size
        # The first run may be drawn on the default grid before the chart's size reaches
        # the engine: wait for the grid this chart asked for.
        await wait_for(
            pilot, lambda: app.last is not None and getattr(app.last.fit, "size", None) == main
        )
        await pilot.press("c")
        await type_in_dialog(pilot, " ".join(paths))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, CompareScreen) and app.screen.runs)
        compare = [chart.grid_size for chart in app.screen.query(DataChart)]
        assert main not in compare  # else this test could not tell them apart
        assert [run.fit.size for run in app.screen.runs] == compare
        await pilot.press("escape")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 1)
        assert app.last.fit.size == main


async def test_bad_load_path_is_reported_and_app_goes_on(tmp_path) -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("ctrl+o")
        await type_in_dialog(pilot, str(tmp_path / "missing.safetensors"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "missing.safetensors" in toasts(app))
        assert "load failed" in toasts(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)


async def test_changing_data_while_running_asks_first() -> None:
    app = PlaygroundApp(source="save-restore", in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 0)
        await choose(pilot, "dataset", "sine")
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        await pilot.press("y")
        # The new run's RunLoaded (dataset, idle) comes before its first StepsCompleted,
        # and a step of the old run may still arrive while it stops.
        await wait_for(
            pilot,
            lambda: (
                app.run_info.spec.data.dataset == "sine"
                and app.state == "idle"
                and app.last is not None
                and app.last.step == 0
            ),
        )


async def test_engine_killed_under_the_app_then_restarted_and_quit_ends_it() -> None:
    """The engine in its own process (the app's default): killed, restarted with r, and
    ended by q (two engine processes in one test: each one imports torch)."""
    app = PlaygroundApp()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        pid, log = app.client._worker.pid, app.client.log
        os.kill(pid, signal.SIGKILL)
        await wait_for(pilot, lambda: app.state == "error")
        assert "error" in status(app) and "r restarts" in status(app)
        # The engine's log (in this test's own state folder, see conftest) is named.
        assert log.is_relative_to(os.environ["XDG_STATE_HOME"])
        assert f"-- engine {pid} started" in log.read_text()
        await wait_for(pilot, lambda: f"Its log: {log}" in toasts(app).replace("\n", ""))
        app.run_info = None
        await pilot.press("r")
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        worker = app.client._worker
        await pilot.press("q")  # 100 steps: q quits without asking
    worker.join(2)
    assert not worker.is_alive()


async def test_a_step_during_a_run_pauses_it_and_the_status_says_so(tmp_path) -> None:
    app = PlaygroundApp(source=long_run(tmp_path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.state == "running")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.state == "paused")
        assert "paused for step" in status(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.state == "running")
        assert "paused for" not in status(app)
