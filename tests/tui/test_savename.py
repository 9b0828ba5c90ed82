"""The save dialog's default never names a checkpoint already there: two runs saved at
the same step (Enter twice) are two files; before, the second replaced the first."""

from __future__ import annotations

from pathlib import Path

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import PathDialog

from tests.tui.helpers import on_screen, wait_for


async def save(pilot, app) -> None:
    saved = len(app.saved)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: on_screen(app, PathDialog))
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.saved) == saved + 1)


async def test_a_second_save_at_the_same_step_keeps_the_first(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        await save(pilot, app)
        await save(pilot, app)
    first, second = (Path(p).name for p in app.saved)
    assert (first, second) == ("regression-step0.safetensors", "regression-step0-2.safetensors")
    assert (tmp_path / "runs" / first).exists() and (tmp_path / "runs" / second).exists()
