"""--save-every (a kill -9 at any moment leaves a loadable file at a multiple of N) and
--save-best (the weights of the lowest test loss)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from torchplay.engine import checkpoint

from tests.conftest import ROOT

EVERY = 50


@pytest.mark.slow
def test_kill_9_leaves_a_loadable_file_at_a_multiple_of_n(tmp_path) -> None:
    ck = tmp_path / "run.safetensors"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = random.Random(13)
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "torchplay.tui.cli", "train", "--steps", "100000000"]
            + ["--quiet", "--save", str(ck), "--save-every", str(EVERY)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not ck.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
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
