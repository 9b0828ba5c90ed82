"""App tests: drawing errors are logged to the test's own folder, never the user's."""

from __future__ import annotations

import asyncio
import time

import pytest
from torchplay.tui.draw.contain import LOG_ENV


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


async def _app_idle(min_sleep: float = 1 / 50, max_sleep: float = 1) -> None:
    """Textual's ``wait_for_idle`` (textual/_wait.py), line for line, but the CPU time it
    compares with the wall clock is the event loop's thread's (``thread_time``), not the
    whole process's: an in-process engine training in its own thread kept the process busy,
    so every ``pilot.press`` waited its full second twice (2.1 s a key on a running app,
    0.13 s on a paused one). It still waits until the app itself has stopped working."""
    from textual import _wait

    start = time.monotonic()
    while True:
        cpu = time.thread_time()
        await asyncio.sleep(_wait.SLEEP_GRANULARITY)
        elapsed = time.monotonic() - start
        if elapsed >= max_sleep:
            break
        if elapsed > min_sleep and time.thread_time() - cpu < _wait.SLEEP_IDLE:
            break


@pytest.fixture(autouse=True)
def idle_means_the_app_is_idle(monkeypatch):
    """Pilot's waits for an idle app (each key, each pause()) use :func:`_app_idle`."""
    import textual.app
    import textual.pilot

    monkeypatch.setattr(textual.app, "wait_for_idle", _app_idle)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _app_idle)
