"""The app against a scripted engine (tests/tui/fake_engine.py): fast, deterministic UI
unit tests. What a person sees (status line, charts' grid sizes, notifications) for
events the real engine is slow or unlikely to produce on cue."""

from __future__ import annotations

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import CompareScreen
from torchplay.tui.app.widgets.charts import DataChart, LossChart

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, status, toasts, type_in_dialog, wait_for


def app_with(engine: FakeEngine, source: str = "regression") -> PlaygroundApp:
    return PlaygroundApp(source=source, client=engine, show_rate=False)


async def test_keys_send_the_commands() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        for key, command in (("n", "step"), ("space", "start"), ("r", "build")):
            await pilot.press(key)
            await wait_for(pilot, lambda c=command: engine.names()[-1] == c)
    assert engine.names() == ["build", "step", "start", "build", "quit"]
    assert engine.sent[-2] == c.Build(app.spec)
    assert engine.sent[-2].spec is app.spec  # the app's own spec object, not a copy


async def test_compare_charts_ask_their_own_grids_and_the_main_grid_keeps_its_size() -> None:
    engine = FakeEngine("classification")
    app = app_with(engine, "classification")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        main = app.query_one("#data", DataChart).grid_size
        await pilot.press("c")
        await type_in_dialog(pilot, "a.safetensors b.safetensors c.safetensors")
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, CompareScreen) and app.screen.runs)
        charts = [chart.grid_size for chart in app.screen.query(DataChart)]
        await pilot.press("escape")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 1)
        assert app.last.fit.size == main
    opened = next(i for i, cmd in enumerate(engine.sent) if isinstance(cmd, c.Compare))
    assert list(engine.sent[opened].grids) == charts and main not in charts
    after = [(cmd.cols, cmd.rows) for cmd in engine.sent[opened:] if isinstance(cmd, c.SetGrid)]
    assert all(size == main for size in after)


async def test_the_status_line_says_why_a_run_paused() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        engine.emit(engine.progress(ev.RunState.RUNNING))
        await wait_for(pilot, lambda: app.state == "running")
        engine.emit(ev.RunPaused(c.Load("a.safetensors")), engine.progress(ev.RunState.PAUSED))
        await wait_for(pilot, lambda: "paused for load" in status(app))
        engine.emit(engine.progress(ev.RunState.RUNNING))
        await wait_for(pilot, lambda: app.state == "running")
        assert "paused for" not in status(app)


async def test_diverged_and_crashed_runs_say_what_to_do() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        engine.step_count = 5
        engine.emit(engine.progress(ev.RunState.DIVERGED, diverged_at=7))
        want = "diverged at step 7 (kept the weights of step 5): lower lr or reset │ step 5 │"
        await wait_for(pilot, lambda: want in status(app))
        engine.emit(ev.EngineCrashed("Traceback ...\nValueError: boom\n"))
        await wait_for(pilot, lambda: "error: ValueError: boom (r restarts" in status(app))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state == "idle")
    assert c.Quit() in engine.sent


async def test_a_failed_load_is_reported() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("ctrl+o")
        await type_in_dialog(pilot, "missing.safetensors")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "missing.safetensors" in toasts(app))
        assert "load failed" in toasts(app)


async def test_the_command_palette_runs_the_bindings() -> None:
    app = app_with(FakeEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Log"].callback()
        assert app.query_one(LossChart).log_scale


async def test_q_asks_past_1000_unsaved_steps_and_ctrl_q_quits_at_once() -> None:
    """Issue 22 friction 1: q quit at once with 20,559 steps not saved, while r asked."""
    from torchplay.engine.process.events import RunState
    from torchplay.tui.app.screens.screens import ConfirmDialog

    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        engine.step_count = 2_000  # the engine reports a run 2,000 steps in
        engine.emit(engine.progress(RunState.PAUSED))
        await wait_for(pilot, lambda: app.last.step == 2_000)
        await pilot.press("q")
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        assert "2,000 steps are not saved" in app.screen.question
        await pilot.press("n")  # no: the app and its run stay
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert "quit" not in engine.names()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: "quit" in engine.names())
    assert app.quitting


async def test_q_quits_at_once_when_little_is_unsaved() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("q")
        await wait_for(pilot, lambda: "quit" in engine.names())
    assert app.quitting


async def test_the_run_state_is_what_the_engine_said_not_what_the_app_asked(monkeypatch) -> None:
    """A Start the engine refuses leaves the run as it was: the app shows running only
    once the engine's RunStarted says so (it used to assume it, and stayed 'running')."""
    from tests.tui import fake_engine

    def refuse(fake, cmd) -> None:
        fake.emit(ev.CommandFailed(cmd, "an A/B run trains on the baseline's data"))

    monkeypatch.setitem(fake_engine.ANSWERS, c.Start, refuse)
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: "start failed" in toasts(app))
        assert app.state == "idle" and app.run_state == ev.RunState.IDLE
        assert "running" not in status(app)
        monkeypatch.setitem(fake_engine.ANSWERS, c.Start, FakeEngine.answer_start)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
