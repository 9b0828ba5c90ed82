"""App tests: drawing errors are logged to the test's own folder, never the user's."""

from __future__ import annotations

import asyncio
import time

import pytest
from torchplay.tui.draw.contain import LOG_ENV

from tests.tui.helpers import drained


@pytest.fixture(autouse=True)
def ui_log(tmp_path_factory, monkeypatch):
    """The drawing-error log (tui/draw/contain.py) of this test: a fresh file in tmp."""
    path = tmp_path_factory.mktemp("log") / "ui.log"
    monkeypatch.setenv(LOG_ENV, str(path))
    return path


@pytest.fixture(autouse=True)
def nothing_survived_unseen(request):
    """The app's net (tui/app/net.py) keeps the app up past an error, logged and shown as
    a toast: a test fails all the same unless it asked for :func:`survived`."""
    from torchplay.tui.app import net

    net.SURVIVED.clear()
    yield
    if "survived" not in request.fixturenames and net.SURVIVED:
        pytest.fail(f"the app survived errors: {net.SURVIVED}")


@pytest.fixture
def survived() -> list[str]:
    """The errors the app's net caught in this test, as their toasts' lines."""
    from torchplay.tui.app import net

    return net.SURVIVED


GRAIN = 0.005
"""The idle check's window (Textual's is 20 ms): most presses cost one or two windows."""


async def _app_idle(min_sleep: float = 1 / 50, max_sleep: float = 1) -> None:
    """Textual's ``wait_for_idle`` (textual/_wait.py), with two changes.

    The CPU time it compares with the wall clock is the event loop's thread's
    (``thread_time``), not the whole process's: an in-process engine training in its own
    thread kept the process busy, so every ``pilot.press`` waited its full second twice
    (2.1 s a key on a running app, 0.13 s on a paused one).

    The window is 5 ms, not 20, and a quiet window counts only when every message queue
    of the app and its screens is empty (:func:`drained`): a thread starved of CPU on a
    loaded machine looks quiet, an unhandled message does not. A running app, whose
    queues are seldom all empty, falls back to Textual's 20 ms window. Each key cost at least
    40 ms before (two waits); a focused-field test that types ~600 keys took 53 s, 32 s
    with the short window."""
    from textual import _wait
    from textual._context import active_app

    app = active_app.get(None)
    start = long_start = time.monotonic()
    long_cpu = time.thread_time()
    while True:
        cpu = time.thread_time()
        await asyncio.sleep(GRAIN)
        now = time.monotonic()
        if now - start >= max_sleep:
            break
        if now - start <= min_sleep:
            continue
        if time.thread_time() - cpu < GRAIN / 20 and (app is None or drained(app)):
            break
        # A running app always has a message on its way: Textual's own window then decides.
        if now - long_start >= _wait.SLEEP_GRANULARITY:
            if time.thread_time() - long_cpu < _wait.SLEEP_IDLE:
                break
            long_start, long_cpu = now, time.thread_time()


@pytest.fixture(autouse=True)
def idle_means_the_app_is_idle(monkeypatch):
    """Pilot's waits for an idle app (each key, each pause()) use :func:`_app_idle`."""
    import textual.app
    import textual.pilot

    monkeypatch.setattr(textual.app, "wait_for_idle", _app_idle)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _app_idle)
