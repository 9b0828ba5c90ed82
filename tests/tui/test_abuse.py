"""The app under abuse (issue 23 item 3): the engine process killed with SIGKILL during a run
and during a save, the terminal shrunk to 20x5 and back, 10 KB pasted into a field, a key
pressed 500 times. The app survives each, says what happened, and the run or its last save
is intact. (SIGHUP of the app runs it in a real terminal: tests/tui/test_abuse_terminal.py.)"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from textual import events
from torchplay.engine.files import checkpoint
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import PathDialog

from tests.tui.helpers import long_run, on_screen, status, wait_for


async def _save(pilot, app, path) -> None:
    """ctrl+s, the path typed over the suggestion, Enter: as a person saves."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: on_screen(app, PathDialog))
    await pilot.press("end", "ctrl+u", *str(path), "enter")


async def _engine_ended(pilot, app) -> None:
    await wait_for(pilot, lambda: app.state == "error")
    assert status(app).startswith("error: the engine process ended (r restarts")


async def _restarts(pilot, app) -> None:
    """r brings a new engine, and it trains."""
    app.run_info = None
    await pilot.press("r")
    await wait_for(pilot, lambda: app.run_info is not None, 60)
    await pilot.press("n")
    await wait_for(pilot, lambda: app.last is not None and app.last.step == 1, 60)


@pytest.mark.slow
async def test_engine_killed_mid_run_keeps_the_last_save(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    saved = tmp_path / "kept.safetensors"
    app = PlaygroundApp(source=long_run(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        await pilot.press("n", "n", "n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 3)
        await _save(pilot, app, saved)
        await wait_for(pilot, saved.exists)
        before = saved.read_bytes()
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.step > 3 and app.state == "running")
        os.kill(app.client._worker.pid, signal.SIGKILL)
        await _engine_ended(pilot, app)
        assert saved.read_bytes() == before and checkpoint.load(saved).step == 3
        await _restarts(pilot, app)


BIG = 'scenario = "regression"\n[model]\nhidden = [1536, 1536]\n[training]\noptimizer = "adam"\n'
"""A network whose checkpoint (~28 MB with Adam's state) takes a while to write."""


def _kill_when_saving(folder, pid: int, seen: list[str], stop: threading.Event) -> None:
    """Poll tightly for the save's temp file (``.NAME.XXXX.tmp``) and SIGKILL the engine
    the moment it appears."""
    while not stop.is_set():
        temps = [n for n in os.listdir(folder) if n.endswith(".tmp")]
        if temps:
            os.kill(pid, signal.SIGKILL)
            seen.extend(temps)
            return
        time.sleep(0.0005)  # the watch's poll interval (a save lasts milliseconds)


@pytest.mark.slow
async def test_engine_killed_during_a_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "big.toml"
    source.write_text(BIG)
    target = tmp_path / "big.safetensors"
    app = PlaygroundApp(source=str(source))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 120)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1, 60)
        await _save(pilot, app, target)
        await wait_for(pilot, lambda: target.exists() and not list(tmp_path.glob(".*.tmp")), 60)
        first = target.read_bytes()
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 2, 60)
        seen: list[str] = []
        stop = threading.Event()
        killer = threading.Thread(
            target=_kill_when_saving, args=(tmp_path, app.client._worker.pid, seen, stop)
        )
        killer.start()
        try:
            await _save(pilot, app, target)
            if isinstance(app.screen, PathDialog):  # "replace the file?"
                await pilot.press("enter")
            await _engine_ended(pilot, app)
        finally:
            stop.set()
            killer.join(10)
        assert seen, "the engine was not killed mid-save"
        # The target is the first save or the second, whole: never a partial file.
        data = target.read_bytes()
        assert data == first or checkpoint.load(target).step == 2
        assert checkpoint.load(target).step in (1, 2)
        await _restarts(pilot, app)


@pytest.mark.slow
async def test_resize_to_20x5_and_back_during_a_run(tmp_path) -> None:
    app = PlaygroundApp(source=long_run(tmp_path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.state == "running")
        for size in [(20, 5), (1, 1), (20, 5), (80, 24), (20, 5), (120, 40)]:
            await pilot.resize_terminal(*size)
            step = app.last.step
            await wait_for(pilot, lambda s=step: app.last.step > s)  # still training, drawn
        assert app.size == (120, 40) and app.is_running and "step" in status(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "paused")


async def test_10_kb_pasted_into_a_field(tmp_path) -> None:
    from textual.widgets import Input

    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.click("#lr")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        field = app.focused
        for text in ["0.1" * 3_400, "x" * 10_240, "\x1b[2J\n" * 2_000]:
            app.post_message(events.Paste(text))
            await wait_for(pilot, lambda f=field: f.has_class("-invalid") or len(f.value) > 0)
            await pilot.press("escape")
            await pilot.press("n")  # a field left invalid blocks every way to train
            await wait_for(pilot, lambda f=field: f.has_class("-invalid") or app.last.step >= 1)
            assert app.is_running
            await pilot.click("#lr")
            await wait_for(pilot, lambda f=field: app.focused is f)
            await pilot.press("end", "ctrl+u", "0", ".", "1", "escape")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step >= 1)
        assert not field.has_class("-invalid") and "error" not in status(app)


@pytest.mark.slow  # 500 steps through the engine
async def test_a_key_pressed_500_times(tmp_path) -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        # Queued at once, as the driver posts a held key's repeats (tests/tui/test_burst.py):
        # pilot.press would wait for an idle CPU after each key (~0.25 s apiece, 2 minutes).
        for _ in range(500):  # each one step, none lost, none doubled
            app.post_message(events.Key("n", "n"))
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 500, 120)
        assert app.state == "paused" and "error" not in status(app)
        await pilot.press("space")  # and it still answers
        await wait_for(pilot, lambda: app.last.state in ("running", "finished"), 60)
