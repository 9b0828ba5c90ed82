"""--save-every (a kill -9 at any moment leaves a loadable file at a multiple of N; a
third signal during a background save leaves no temp file) and --save-best (the weights
of the lowest test loss)."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.cli.interrupts import Interrupts
from torchplay.tui.cli.periodic import PeriodicSaver

from tests.conftest import ROOT, SERIAL

# Signals, memory or timing: never beside each other (SERIAL); fresh interpreters: slow.
pytestmark = [SERIAL, pytest.mark.slow]

EVERY = 50


@pytest.mark.slow
def test_kill_9_leaves_a_loadable_file_at_a_multiple_of_n(tmp_path) -> None:
    ck = tmp_path / "run.safetensors"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = random.Random(13)
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "torchplay.tui.cli.main", "train", "--steps", "100000000"]
            + ["--quiet", "--save", str(ck), "--save-every", str(EVERY)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not ck.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # the poll's interval
        time.sleep(rng.uniform(0.0, 0.4))  # a save every ~50 steps: kills land mid-save too
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ckpt = checkpoint.load(ck)
        assert ckpt.step > 0 and ckpt.step % EVERY == 0
        checkpoint.restore(ck)  # a trainer can be built from it
        ck.unlink()


@pytest.mark.parametrize(("steps", "written"), [(23, [5, 10, 15, 20, 23]), (20, [5, 10, 15, 20])])
def test_save_every_writes_at_multiples_and_at_the_end(
    cli, tmp_path, monkeypatch, steps, written
) -> None:
    ck = tmp_path / "run.safetensors"
    seen = []
    original = checkpoint.to_bytes

    def spy(trainer):
        seen.append(trainer.step_count)
        return original(trainer)

    monkeypatch.setattr(checkpoint, "to_bytes", spy)
    args = ("--steps", str(steps), "--quiet", "--save", str(ck), "--save-every", "5")
    code, _, err = cli("train", *args)
    assert code == 0, err
    assert seen == written  # a last step at a multiple is written once, by the final save
    assert checkpoint.load(ck).step == steps


def test_save_best_keeps_the_lowest_test_loss(cli, tmp_path) -> None:
    best, metrics = tmp_path / "best.safetensors", tmp_path / "m.jsonl"
    code, out, err = cli(
        "train",
        "--test-fraction",
        "0.3",
        "--steps",
        "400",
        "--lr",
        "0.5",
        "--json",
        "--save-best",
        str(best),
        "--metrics",
        str(metrics),
    )
    assert code == 0, err
    rows = [json.loads(x) for x in metrics.read_text().splitlines()[1:]]
    low = min(rows, key=lambda r: r["test_loss"])
    code, info, _ = cli("info", str(best), "--json")
    got = json.loads(info)
    assert got["step"] == low["step"]
    assert got["test_loss"] == pytest.approx(low["test_loss"], rel=1e-6)
    assert got["test_loss"] <= json.loads(out)["test_loss"]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--save-every", "0", "--save", "x.safetensors"], "--save-every 0"),
        (["--save-every", "10"], "needs --save"),
    ],
)
def test_bad_save_every(cli, tmp_path, args, needle) -> None:
    code, out, err = cli("train", "--quiet", *args)
    assert code == 2 and needle in err and out == ""


def test_third_signal_during_a_background_save_leaves_no_temp_file(tmp_path, monkeypatch) -> None:
    """The periodic save's writer thread is held in its fsync (the temp file exists) while
    the run ends; SIGTERMs keep coming until one lands in the wait for that write, the
    third in all, which abandons it. The process would now exit, killing the writer, a
    daemon thread, mid-write: its temp file must already be gone."""
    ck = tmp_path / "ck.safetensors"
    ck.write_bytes(b"the previous file")
    held, release = threading.Event(), threading.Event()
    fsync = os.fsync

    def held_fsync(fd: int) -> None:
        if threading.current_thread().name == "torchplay-writer":
            held.set()
            release.wait(60)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", held_fsync)
    trainer = Trainer(get_scenario("regression"))
    args = argparse.Namespace(save=str(ck), save_every=1, save_best=None)
    done = threading.Event()

    def keep_signalling() -> None:
        while not done.is_set():
            os.kill(os.getpid(), signal.SIGTERM)
            done.wait(0.05)

    try:
        with Interrupts() as interrupts:
            saver = PeriodicSaver(trainer, args, interrupts)
            # Periodic saves at steps 1..4, handed to the writer thread (held at the first).
            trainer.run(steps=5, stop=interrupts.stop, every=saver.every, at_every=saver)
            assert held.wait(60)
            sender = threading.Thread(target=keep_signalling)
            sender.start()
            try:
                with pytest.raises(SystemExit) as exit_:
                    saver.finish()
            finally:
                done.set()
                sender.join()
            left = sorted(os.listdir(tmp_path))  # before the writer may go on
    finally:
        release.set()
    assert exit_.value.code == 143 and len(interrupts.caught) >= 3
    assert left == [ck.name] and ck.read_bytes() == b"the previous file"
