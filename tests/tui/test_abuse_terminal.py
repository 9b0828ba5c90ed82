"""SIGHUP to the app in a real terminal (issue 23 item 3): the terminal hung up, so the app
ends, quietly (no traceback on the terminal); its engine keeps the run in the recovery
checkpoint and ends too, and the next app offers the run (tests/tui/test_recovery.py)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from torchplay.engine.process import recovery

from tests.conftest import ROOT, SERIAL
from tests.tui.helpers import long_run
from tests.tui.test_recovery import Terminal, latest_step, marked

pytestmark = SERIAL  # a signal and a real terminal: never beside timing-sensitive tests


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.slow
def test_sighup_to_the_app_keeps_the_run(tmp_path) -> None:
    mark = f"TORCHPLAY_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", **{mark: "1"})
    term = Terminal("tui", long_run(tmp_path), env=env)
    try:
        term.wait(lambda: "step 0/" in term.text())
        term.press(" ")
        term.wait(lambda: latest_step(term.text()) > 100)
        engines = marked(mark)
        os.kill(term.proc.pid, signal.SIGHUP)
        code = term.proc.wait(30)
        deadline = time.monotonic() + 60
        while [p for p in marked(mark) if p != term.proc.pid] and time.monotonic() < deadline:
            time.sleep(0.1)  # the poll's interval
        assert not [p for p in marked(mark) if p != term.proc.pid], "the engine outlived the app"
    finally:
        for pid in marked(mark):
            os.kill(pid, signal.SIGKILL)
        os.close(term.master)
    assert len(engines) >= 2, "no engine process was found to watch"
    assert code in (129, -signal.SIGHUP), code
    assert "Traceback" not in term.text()
    (left,) = recovery.pending()
    assert left.step > 100 and left.name == "long"
