"""SIGINT, SIGTERM and SIGHUP in the middle of ``torchplay sweep --out DIR`` (issue 23).

What is saved, as README's sweep section says: every member stops at a step boundary;
``DIR`` gets each member's checkpoint at the step it reached and ``sweep.json`` with every
row; the exit code is the signal's (130, 143, 129). Each checkpoint loads, resumes and
predicts; no temp file stays. The sweep's progress bar (drawn on a terminal: stderr is a
pty here) says when members are training."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from torchplay.engine.files import checkpoint

from tests.conftest import ROOT, SERIAL

pytestmark = SERIAL  # signals: never beside other timing-sensitive tests

PROGRESS = re.compile(rb"([\d,]+)/([\d,]+)(?:\x1b\[[\d;]*m)? model-steps")


def _training(chunks: list[bytes]) -> bool:
    """Whether the bar shows model-steps done (some members have trained)."""
    found = PROGRESS.findall(b"".join(chunks)[-4096:])
    return bool(found) and int(found[-1][0].replace(b",", b"")) > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_mid_sweep_writes_loadable_members(tmp_path, sig, code) -> None:
    out = tmp_path / "out"
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    args = ["sweep", "--grid", "training.lr=0.01,0.02,0.03", "--steps", "100000000"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args, "--out", str(out)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100"),
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
    )
    os.close(slave)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not _training(chunks) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the poll's interval
        assert _training(chunks), b"".join(chunks)[-500:]
        proc.send_signal(sig)
        stdout, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(timeout=10)
        os.close(master)
    assert proc.returncode == code, b"".join(chunks)[-2000:]
    assert b"Traceback" not in b"".join(chunks)
    saved = json.loads((out / "sweep.json").read_text())
    assert "3 members" in stdout and f"saved 3 checkpoints and {out / 'sweep.json'}" in stdout
    assert len(saved["runs"]) == 3 and sum(r["step"] for r in saved["runs"]) > 0
    names = sorted(os.listdir(out))
    assert not [n for n in names if n.endswith(".tmp")]
    for row in saved["runs"]:
        trainer = checkpoint.restore(row["checkpoint"])
        assert trainer.step_count == row["step"] < 100_000_000
        assert trainer.spec.training.lr == row["overrides"]["training.lr"]
        trainer.step(1)  # resumes
