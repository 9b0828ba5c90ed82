"""A key meant for a dialog never reaches the playground's own keys: with the recovery
offer, a reset's or a quit's question up, the main screen's keys (space Run/Pause, n Step,
r Reset, ctrl+f Jump ...) go to the dialog or nowhere: nothing starts, steps, resets or
opens under it. Keys pressed as a person would (Pilot), engine commands counted."""

from __future__ import annotations

from pathlib import Path

from torchplay.engine.process import recovery
from torchplay.engine.process.events import RunState
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.keys import BINDINGS
from torchplay.tui.app.screens.screens import ConfirmDialog

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import drained, on_screen, saved_runs, wait_for

# The main screen's keys a dialog does not answer itself (its own: y, n, escape; ctrl+q
# quits at once anywhere, on purpose).
KEYS = ["space", "r", "f", "b", "ctrl+f", "slash", "c", "m", "v", "L", "O", "S", "ctrl+s"]


def counted(app: PlaygroundApp) -> list[str]:
    """The app's key actions, each call recorded in the list returned."""
    calls: list[str] = []
    for action in {b.action for b in BINDINGS} - {"quit_now"}:
        original = getattr(app, f"action_{action}")

        def spy(*args, _original=original, _action=action):
            calls.append(_action)
            return _original(*args)

        setattr(app, f"action_{action}", spy)
    return calls


def shown(screen) -> set[str]:
    """The actions ``screen``'s footer offers (enabled)."""
    return {b.binding.action for b in screen.active_bindings.values() if b.enabled}


async def test_keys_under_the_recovery_offer_stay_with_it() -> None:
    recovery.folder().mkdir(parents=True)
    (path,) = saved_runs(recovery.folder(), "regression", {"left": 7})
    engine = FakeEngine()
    app = PlaygroundApp("classification", client=engine, show_rate=False)
    calls = counted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press(*KEYS)
        await wait_for(pilot, lambda: drained(app))  # every key handled, then: none acted
        assert calls == [] and isinstance(app.screen, ConfirmDialog)
        # and the footer underneath no longer offers them
        assert not {"toggle", "reset", "step"} & shown(app.screen_stack[0])
        assert not {"start", "step", "reset"} & set(engine.names())
        assert len(app.screen_stack) == 2 and Path(path).exists()
        await pilot.press("n")
        await wait_for(pilot, lambda: not Path(path).exists())


async def test_keys_under_the_quit_and_reset_questions_stay_with_them() -> None:
    engine = FakeEngine()
    app = PlaygroundApp(source="regression", client=engine, show_rate=False)
    calls = counted(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        engine.step_count = 2_000  # the engine reports a run 2,000 steps in
        engine.emit(engine.progress(RunState.PAUSED))
        await wait_for(pilot, lambda: app.last.step == 2_000)
        for key in ("q", "r"):
            await pilot.press(key)
            await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
            sent = list(engine.names())
            calls.clear()
            await pilot.press(*KEYS)
            await wait_for(pilot, lambda: drained(app))  # every key handled, then: none acted
            assert calls == [] and engine.names() == sent, key
            assert len(app.screen_stack) == 2
            assert not {"toggle", "reset", "step"} & shown(app.screen_stack[0])
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        await pilot.press("space")  # the keys are back with the dialog gone
        await wait_for(pilot, lambda: calls == ["toggle"])
        assert {"toggle", "reset", "step"} <= shown(app.screen)
