"""Checkpoints through the command line: round trip, exact resume, predict, info, errors."""

from __future__ import annotations

import json

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.conftest import run_cli


def test_round_trip_keeps_weights_spec_history(tmp_path) -> None:
    trainer = Trainer(get_scenario("classification"))
    trainer.run(steps=40)
    path = tmp_path / "c.safetensors"
    checkpoint.save(trainer, path)
    back = checkpoint.restore(path)
    assert back.spec == trainer.spec and back.step_count == 40
    assert back.history.points == trainer.history.points
    for k, v in trainer.weights().items():
        assert torch.equal(v, back.weights()[k])


def test_weights_are_readable_by_any_safetensors_reader(tmp_path) -> None:
    from safetensors.torch import load_file

    trainer = Trainer(get_scenario("regression"))
    checkpoint.save(trainer, tmp_path / "r.safetensors")
    tensors = load_file(tmp_path / "r.safetensors")
    assert torch.equal(tensors["0.weight"], trainer.net[0].weight.detach())


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"training.optimizer": "adam", "training.lr": 0.01, "training.batch_size": 32},
        {"training.momentum": 0.9, "training.batch_size": 50, "training.fast_path": False},
    ],
)
@pytest.mark.slow
def test_exact_resume_in_a_fresh_process(cli, tmp_path, overrides) -> None:
    spec = get_scenario("classification").with_overrides({**overrides, "training.steps": 60})
    toml = tmp_path / "s.toml"
    toml.write_text(spec.to_toml())
    # The straight run and the cut one in this process (the command line in-process);
    # the resume in a new process, which shares nothing with them but the file.
    code, straight, err = cli("train", str(toml), "--json")
    assert code == 0, err
    ck = tmp_path / "half.safetensors"
    code, _, err = cli("train", str(toml), "--steps", "25", "--quiet", "--save", str(ck))
    assert code == 0, err
    code, resumed, err = run_cli("resume", str(ck), "--steps", "35", "--json")
    assert code == 0, err
    a, b = json.loads(straight), json.loads(resumed)
    assert b["step"] == 60 and a["weights_sha256"] == b["weights_sha256"]


def test_predict_and_info(cli, tmp_path) -> None:
    ck = str(tmp_path / "r.safetensors")
    assert cli("train", "--quiet", "--save", ck)[0] == 0
    code, out, _ = cli("predict", ck, "--x", "0", "0.5", "-1", "--json")
    preds = json.loads(out)["predictions"]
    assert code == 0 and len(preds) == 3 and abs(preds[2] - 1.0) < 0.3
    code, out, _ = cli("info", ck, "--json")
    info = json.loads(out)
    assert code == 0 and info["step"] == 100 and info["spec"]["name"] == "regression"
    code, out, err = cli("predict", ck, "--x", "1,2")
    assert code == 2 and "takes 1" in err


def _corrupt(tmp_path):
    good = tmp_path / "good.safetensors"
    checkpoint.save(Trainer(get_scenario("regression")), good)
    raw = good.read_bytes()
    cases = {"empty": b"", "random": bytes(range(256)) * 4}
    for pct in range(10, 100, 10):
        cases[f"trunc{pct}"] = raw[: len(raw) * pct // 100]
    return cases


def test_bad_checkpoints_exit_2(cli, tmp_path) -> None:
    for name, data in _corrupt(tmp_path).items():
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(data)
        code, out, err = cli("info", str(path))
        assert code == 2, (name, err)
        assert str(path) in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_foreign_newer_and_nonfinite_checkpoints(cli, tmp_path) -> None:
    from safetensors.torch import save_file

    save_file({"w": torch.zeros(2)}, tmp_path / "foreign.safetensors")
    assert "not a torchplay checkpoint" in cli("info", str(tmp_path / "foreign.safetensors"))[2]
    trainer = Trainer(get_scenario("regression"))
    raw = checkpoint.to_bytes(trainer)
    newer = raw.replace(b'"torchplay.format":"1"', b'"torchplay.format":"9"')
    (tmp_path / "newer.safetensors").write_bytes(newer)
    assert "newer torchplay" in cli("info", str(tmp_path / "newer.safetensors"))[2]
    with torch.no_grad():
        trainer.net[0].weight[0, 0] = float("nan")
    (tmp_path / "nan.safetensors").write_bytes(checkpoint.to_bytes(trainer))
    code, _, err = cli("info", str(tmp_path / "nan.safetensors"))
    assert code == 2 and "non-finite" in err


def test_save_refuses_a_directory_and_keeps_old_file(cli, tmp_path) -> None:
    code, _, err = cli("train", "--quiet", "--save", str(tmp_path))
    assert code == 2 and "is a directory" in err
    ck = tmp_path / "keep.safetensors"
    cli("train", "--quiet", "--steps", "5", "--save", str(ck))
    before = ck.read_bytes()
    code, _, err = cli("train", "--quiet", "--lr", "-1", "--save", str(ck))
    assert code == 2 and ck.read_bytes() == before
