"""Checkpoints the newer features write, round-tripped (issue 23): a sweep member, a fork, a
plateau schedule that dropped its lr, a run early stopping ended. Each goes through
``info``, ``predict``, ``resume`` (the run id kept, the steps added), ``export`` and the
app's preflight without a refusal; their crafted variants are refused
(tests/corpus_metadata.py)."""

from __future__ import annotations

import json

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.lineage import fork
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.cli.preflight import check_files


def _plateau(folder) -> str:
    spec = get_scenario("regression").with_overrides(
        {
            "training.schedule": "plateau",
            "training.schedule_patience": 1,
            "training.lr": 0.5,
            "training.schedule_min_lr": 1e-6,
        }
    )
    trainer = Trainer(spec)
    trainer.run(steps=60)
    assert trainer.schedule.drops, "the plateau schedule never dropped its lr"
    checkpoint.save(trainer, folder / "plateau.st")
    return str(folder / "plateau.st")


def _early(folder) -> str:
    spec = get_scenario("regression").with_overrides(
        {"training.patience": 3, "training.min_delta": 1.0, "training.steps": 500}
    )
    trainer = Trainer(spec)
    trainer.run(steps=500)
    assert trainer.state == "stopped_early"
    checkpoint.save(trainer, folder / "early.st")
    return str(folder / "early.st")


def _fork(folder) -> str:
    parent = Trainer(get_scenario("regression"))
    parent.run(steps=20)
    child = fork(parent, 10, parent.spec.with_overrides({"training.lr": 0.01}))
    child.run(steps=5)
    checkpoint.save(child, folder / "fork.st")
    return str(folder / "fork.st")


def _sweep(folder, cli) -> str:
    out = folder / "sweep"
    code, _, err = cli(
        "sweep", "--grid", "training.lr=0.05,0.1", "--steps", "7", "--out", str(out), "--quiet"
    )
    assert code == 0, err
    return json.loads((out / "sweep.json").read_text())["runs"][1]["checkpoint"]


MAKERS = {"plateau": _plateau, "early-stopping": _early, "fork": _fork, "sweep": _sweep}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_written_checkpoints_round_trip(cli, tmp_path, kind: str) -> None:
    maker = MAKERS[kind]
    path = maker(tmp_path, cli) if kind == "sweep" else maker(tmp_path)
    before = checkpoint.load(path)
    code, out, err = cli("info", path, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert (info["step"], info["run"]) == (before.step, before.run)
    if kind == "fork":
        assert info["forked_from"]["step"] == 10
    code, out, err = cli("predict", path, "--x", "0.5", "-0.25")
    assert code == 0 and len(out.splitlines()) == 2, err
    assert check_files(path, []) == [path]
    code, _, err = cli("export", path, "--format", "python", "--out", str(tmp_path / "n.py"))
    assert code == 0, err
    resumed = tmp_path / "resumed.st"
    code, _, err = cli("resume", path, "--steps", "2", "--save", str(resumed), "--quiet")
    assert code == 0, err
    after = checkpoint.load(resumed)
    assert after.run == before.run
    assert after.step == before.step + 2
