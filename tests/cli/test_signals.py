"""Ctrl-C and SIGTERM during train --save: exit 130/143 with a loadable checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from torchplay.engine import checkpoint

from tests.conftest import ROOT


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_saves_last_completed_step(tmp_path, sig, code) -> None:
    ck = tmp_path / "int.safetensors"
    metrics = tmp_path / "m.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torchplay.tui.cli",
            "train",
            "save-restore",
            "--steps",
            "100000000",
            "--save",
            str(ck),
            "--metrics",
            str(metrics),
            "--quiet",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (metrics.exists() and metrics.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    trainer = checkpoint.restore(ck)
    assert trainer.step_count > 0 and f"at step {trainer.step_count}" in out
