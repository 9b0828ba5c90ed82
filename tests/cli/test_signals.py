"""Signals during train --save: SIGINT, SIGTERM and SIGHUP exit 130/143/129 with a
loadable checkpoint of the last completed step; signals during the save wait for it; a
third abandons it, leaving the previous file; no order prints a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from torchplay.engine.files import checkpoint

from tests.conftest import ROOT, SERIAL

# Signals, memory or timing: never beside each other (SERIAL); fresh interpreters: slow.
pytestmark = [SERIAL, pytest.mark.slow]

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _train(ck, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torchplay.tui.cli.main",
            "train",
            *extra,
            "--save",
            str(ck),
            "--quiet",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lines(path) -> int:
    return path.read_text().count("\n") if path.exists() else 0


def _wait_until(predicate, proc, seconds: float = 60) -> bool:
    """Poll (tightly: a save lasts milliseconds) until ``predicate()`` or the process ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return True
    return False


@pytest.mark.parametrize(
    "sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_signal_saves_last_completed_step(tmp_path, sig, code) -> None:
    ck, metrics = tmp_path / "int.safetensors", tmp_path / "m.jsonl"
    proc = _train(ck, "save-restore", "--steps", "100000000", "--metrics", str(metrics))
    assert _wait_until(lambda: _lines(metrics) >= 2, proc)  # a header, then steps
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    trainer = checkpoint.restore(ck)
    assert trainer.step_count > 0 and f"at step {trainer.step_count}" in out


BIG = ("--hidden", "2048,2048", "--optimizer", "adam", "--steps", "100000000")
"""A model whose checkpoint (~50 MB) takes long enough to write to signal mid-save."""


def _saving(folder, name: str):
    return lambda: any(p.startswith(f".{name}.") for p in os.listdir(folder))


@pytest.mark.slow
@pytest.mark.parametrize(
    "first, second", [(signal.SIGTERM, signal.SIGINT), (signal.SIGHUP, signal.SIGTERM)]
)
def test_second_signal_during_the_save_waits_for_it(tmp_path, first, second) -> None:
    ck, metrics = tmp_path / "ck.safetensors", tmp_path / "m.jsonl"
    proc = _train(ck, *BIG, "--metrics", str(metrics))
    assert _wait_until(lambda: _lines(metrics) >= 1, proc)  # set up, training
    proc.send_signal(first)
    if _wait_until(_saving(tmp_path, ck.name), proc):
        proc.send_signal(second)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == {signal.SIGTERM: 143, signal.SIGHUP: 129}[first], err
    assert "Traceback" not in err and err == ""
    assert checkpoint.load(ck).step >= 0
    assert sorted(os.listdir(tmp_path)) == [ck.name, metrics.name]


@pytest.mark.slow
def test_third_signal_abandons_the_save_and_keeps_the_old_file(tmp_path) -> None:
    ck, metrics = tmp_path / "ck.safetensors", tmp_path / "m.jsonl"
    ck.write_bytes(b"the previous file")
    proc = _train(ck, *BIG, "--metrics", str(metrics))
    assert _wait_until(lambda: _lines(metrics) >= 1, proc)
    proc.send_signal(signal.SIGTERM)
    assert _wait_until(_saving(tmp_path, ck.name), proc), "the save was too quick to catch"
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGHUP)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "ck.safetensors" in err
    assert ck.read_bytes() == b"the previous file"
    assert sorted(os.listdir(tmp_path)) == [ck.name, metrics.name]


def _catches(proc, *sigs: int) -> bool:
    """Whether ``proc`` has handlers installed for ``sigs`` (Linux: /proc/PID/status SigCgt)."""
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
    except OSError:
        return False
    caught = int(status.split("SigCgt:")[1].split()[0], 16)
    return all(caught >> (s - 1) & 1 for s in sigs)


@pytest.mark.parametrize(
    "sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_signal_during_setup_exits_cleanly(tmp_path, sig, code) -> None:
    ck = tmp_path / "ck.safetensors"
    proc = _train(ck, "--samples", "1000000", "--steps", "100000000")
    # The front door's first act is to catch the three signals (interrupts.hold); then come
    # torch's import and a million samples. Signal as soon as SIGTERM and SIGHUP are caught
    # (Python catches SIGINT from its start): no sleep, and never the default action.
    assert _wait_until(lambda: _catches(proc, signal.SIGTERM, signal.SIGHUP), proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err  # the handler's code: the default would be -sig
    assert "Traceback" not in err
    assert "at step 0" in out and checkpoint.load(ck).step == 0  # stopped before a step
