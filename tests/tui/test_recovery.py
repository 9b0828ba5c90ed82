"""A run survives the app (issue 22 item 2): a real app in a pseudo-terminal is killed
with SIGKILL mid-run; its engine keeps the run in a recovery checkpoint and ends; the
next app (Pilot) asks "recover the run from HH:MM, step N?", and yes brings step N back.
No discards it; an app ended by a bug keeps its run too."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import uuid
from pathlib import Path

import pytest
from torchplay.engine.process import recovery
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import ConfirmDialog

from tests.conftest import ROOT
from tests.tui.helpers import long_run, on_screen, wait_for

# Slow (apps on a pty with their engine processes): make test-fast leaves them out.
pytestmark = pytest.mark.slow

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


class Terminal:
    """``torchplay ARGS`` on a 100x30 pseudo-terminal, its output drained as it comes."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.out = bytearray()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "torchplay.tui.cli.main", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the terminal's last holder closed it
                return
            if not data:
                return
            self.out += data

    def text(self) -> str:
        return ANSI.sub(b"", bytes(self.out)).decode("utf-8", "replace")

    def wait(self, predicate, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while not predicate():
            assert self.proc.poll() is None, self.text()[-2000:]
            assert time.monotonic() < deadline, self.text()[-2000:]
            time.sleep(0.1)  # the poll's interval

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())


def marked(mark: str) -> list[int]:
    """Processes whose environment holds ``mark`` (the app's engine inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def latest_step(text: str) -> int:
    steps = re.findall(r"step ([\d,]+)/", text)
    return int(steps[-1].replace(",", "")) if steps else 0


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
async def test_kill_9_of_the_app_then_the_next_app_offers_the_run(tmp_path) -> None:
    mark = f"TORCHPLAY_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", **{mark: "1"})
    term = Terminal("tui", long_run(tmp_path), env=env)
    try:
        term.wait(lambda: "step 0/" in term.text())  # the engine is up, the run built
        term.press(" ")
        term.wait(lambda: latest_step(term.text()) > 2_000)  # past r and q's 1,000
        os.kill(term.proc.pid, signal.SIGKILL)
        term.proc.wait(10)
        engines = marked(mark)
        deadline = time.monotonic() + 60
        while marked(mark) and time.monotonic() < deadline:  # it saves, then ends
            time.sleep(0.1)  # the poll's interval
        assert not marked(mark), "the engine outlived the app"
    finally:
        for pid in marked(mark):
            os.kill(pid, signal.SIGKILL)
        os.close(term.master)
    assert engines, "no engine process was found to watch"
    (left,) = recovery.pending()
    assert left.step > 2_000

    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        when = time.strftime("%H:%M", time.localtime(left.modified))
        question = app.screen.question
        print(question)  # the prompt, for the report (-s)
        assert f"recover the run from {when}, step {left.step:,}?" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == left.step, 60)
        assert app.run_info.spec.name == "long" and app.state == "paused"
        assert recovery.pending() == []  # the run lives in the engine again
        await pilot.press("q")  # not saved anywhere: quitting asks
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        assert f"{left.step:,} steps are not saved" in app.screen.question


async def test_no_discards_the_run_and_the_app_goes_on(tmp_path) -> None:
    from tests.tui.helpers import saved_runs

    recovery.folder().mkdir(parents=True)
    (path,) = saved_runs(recovery.folder(), "regression", {"left": 7})
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        assert "step 7?" in app.screen.question
        await pilot.press("n")
        await wait_for(pilot, lambda: not Path(path).exists())
        await wait_for(pilot, lambda: app.last is not None)
        assert app.run_info.spec.name == "classification" and app.last.step == 0


async def test_an_app_ended_by_a_bug_keeps_its_run(tmp_path, monkeypatch) -> None:
    """A screen whose compose fails still ends the app (the net, tui/app/net.py, leaves
    compose and mount alone: tests/tui/test_appnet.py has what it survives), and the
    engine keeps the run first."""
    from torchplay.tui.app.screens.sweepscreen import SweepScreen

    def broken(_self) -> None:
        raise ZeroDivisionError("a bug")

    app = PlaygroundApp(long_run(tmp_path), in_process=True, show_rate=False)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.run_info is not None, 60)
            await pilot.press("space")
            await wait_for(pilot, lambda: app.last is not None and app.last.step > 0)
            monkeypatch.setattr(SweepScreen, "compose", broken)
            await pilot.press("s")
            await wait_for(pilot, lambda: not app.is_running)
    (left,) = recovery.pending()
    assert left.step > 0 and left.name == "long"
