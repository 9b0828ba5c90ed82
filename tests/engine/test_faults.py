"""Faults while saving: SIGKILL at random moments, exceptions, a full disk."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.files.atomic import TargetError
from torchplay.engine.files.checkpoint import CheckpointError
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.conftest import SERIAL

pytestmark = SERIAL  # signals, memory or timing: never beside each other


def _save_forever(trainer: Trainer, target) -> None:
    """Child: train one step, save, forever (until killed)."""
    try:
        while True:
            trainer.step(1)
            checkpoint.save(trainer, target)
    finally:
        os._exit(0)


@pytest.mark.slow
def test_sigkill_mid_save_never_leaves_a_broken_checkpoint(tmp_path) -> None:
    # One torch thread (tests/conftest.py): each child saves often.
    target = tmp_path / "ck.safetensors"
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**7}))
    checkpoint.save(trainer, target)
    rng = random.Random(0)
    last_step = 0
    for _ in range(60):
        pid = os.fork()
        if pid == 0:
            _save_forever(trainer, target)
        time.sleep(rng.uniform(0.002, 0.05))  # the kill's moment, at random: what is tested
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        last_step = max(last_step, checkpoint.load(target).step)  # raises if partial or corrupt
    assert last_step > 0  # the kills did land mid-run, after saves
    # Every child starts from step 0; the file always holds one complete save.
    assert checkpoint.restore(target).step_count == checkpoint.load(target).step


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_exception_during_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch, exc) -> None:
    target = tmp_path / "ck.safetensors"
    trainer = Trainer(get_scenario("regression"))
    checkpoint.save(trainer, target)
    before = target.read_bytes()
    trainer.step(5)

    def fail(_fd):
        raise exc

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(TargetError if isinstance(exc, OSError) else KeyboardInterrupt):
        checkpoint.save(trainer, target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ck.safetensors"]


def test_missing_folder_and_directory_targets(tmp_path) -> None:
    trainer = Trainer(get_scenario("regression"))
    with pytest.raises(TargetError, match="does not exist"):
        checkpoint.save(trainer, tmp_path / "nope" / "ck.safetensors")
    with pytest.raises(TargetError, match="is a directory"):
        checkpoint.save(trainer, tmp_path)
    with pytest.raises(CheckpointError, match="is a directory"):
        checkpoint.load(tmp_path)
