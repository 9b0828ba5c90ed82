"""``--features``, ``--l1``, ``--l2`` and painted points on the command line: they round-trip
through TOML, the checkpoint, ``info`` and ``predict``; the weight exports say the features,
the python export applies them; a fork is named by ``info``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import safetensors
import safetensors.torch
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.source import from_toml
from torchplay.engine.train import lineage
from torchplay.engine.train.trainer import Trainer

ARGS = ("--dataset", "circles", "--features", "x1sq,x2sq,x1x2", "--l1", "0.001", "--l2", "0.01")


def _train(cli, tmp_path, *extra: str) -> tuple[dict, str]:
    path = str(tmp_path / "f.safetensors")
    code, out, err = cli("train", "classification", *ARGS, *extra, "--save", path, "--json")
    assert code == 0, err
    return json.loads(out), path


def test_classic_circles_check_on_the_command_line(cli) -> None:
    base = ("train", "classification", "--dataset", "circles", "--hidden", "none")
    code, out, _ = cli(*base, "--features", "x1sq,x2sq", "--steps", "500", "--json")
    assert code == 0 and json.loads(out)["accuracy"] >= 0.95
    code, out, _ = cli(*base, "--steps", "500", "--json")
    assert code == 0 and json.loads(out)["accuracy"] <= 0.75


def test_round_trip_through_checkpoint_info_and_toml(cli, tmp_path) -> None:
    res, path = _train(cli, tmp_path)
    code, out, _ = cli("info", path, "--json")
    info = json.loads(out)
    assert code == 0 and info["features"] == ["x1sq", "x2sq", "x1x2"]
    assert info["spec"]["data"]["features"] == ["x1sq", "x2sq", "x1x2"]
    assert (info["spec"]["training"]["l1"], info["spec"]["training"]["l2"]) == (0.001, 0.01)
    assert info["weights_sha256"] == res["weights_sha256"] and info["forked_from"] is None
    spec = checkpoint.load(path).spec
    toml = tmp_path / "again.toml"
    toml.write_text(spec.to_toml())
    assert from_toml(toml.read_text()) == spec
    code, out, _ = cli("train", str(toml), "--json")
    assert code == 0 and json.loads(out)["weights_sha256"] == res["weights_sha256"]
    code, out, _ = cli("info", path)
    assert "input features: x1sq, x2sq, x1x2" in out and "in_features=3" in out


def test_predict_takes_raw_inputs_and_applies_the_features(cli, tmp_path) -> None:
    _, path = _train(cli, tmp_path, "--steps", "50")
    code, out, err = cli("predict", path, "--x", "0.5,-0.25", "1,1", "--json")
    assert code == 0, err
    got = [p["probabilities"] for p in json.loads(out)["predictions"]]
    trainer = checkpoint.restore(path)
    x = torch.tensor([[0.5, -0.25], [1.0, 1.0]])
    feats = torch.stack((x[:, 0] * x[:, 0], x[:, 1] * x[:, 1], x[:, 0] * x[:, 1]), 1)
    with torch.no_grad():
        assert got == torch.softmax(trainer.net(feats), 1).tolist()
    code, _, err = cli("predict", path, "--x", "0.5")
    assert code == 2 and "takes 2" in err


def test_weight_exports_say_the_features(cli, tmp_path) -> None:
    _, path = _train(cli, tmp_path, "--steps", "20")
    sd, st = tmp_path / "w.pt", tmp_path / "w.safetensors"
    code, out, _ = cli("export", path, "--format", "state-dict", "--out", str(sd))
    assert code == 0 and "input features: x1sq,x2sq,x1x2" in out
    loaded = torch.load(sd)
    assert loaded._metadata[""]["torchplay.features"] == "x1sq,x2sq,x1x2"
    net = torch.nn.Sequential(torch.nn.Linear(3, 10), torch.nn.ReLU(), torch.nn.Linear(10, 2))
    net.load_state_dict(loaded)  # still a plain state_dict for the tutorial's code
    assert cli("export", path, "--format", "safetensors", "--out", str(st))[0] == 0
    with safetensors.safe_open(str(st), "pt") as fh:
        assert fh.metadata() == {"torchplay.features": "x1sq,x2sq,x1x2"}


@pytest.mark.slow
def test_python_export_applies_the_features(cli, tmp_path) -> None:
    _, path = _train(cli, tmp_path, "--steps", "20")
    script = tmp_path / "net.py"
    assert cli("export", path, "--format", "python", "--out", str(script))[0] == 0
    proc = subprocess.run(
        [sys.executable, str(script), "0.5,-0.25"], capture_output=True, text=True, check=True
    )
    _, probs = checkpoint.restore(path).predict([[0.5, -0.25]])[0]
    assert proc.stdout.split(" ", 2)[2].strip() == repr([repr(p) for p in probs])


def test_painted_points_run_headless_with_the_same_result(cli, tmp_path) -> None:
    toml = tmp_path / "painted.toml"
    toml.write_text(
        'scenario = "classification"\n[training]\nsteps = 40\n'
        "[[data.points]]\nx1 = 0.5\nx2 = 0.5\nclass = 0\n"
        "[[data.points]]\nx1 = -0.5\nx2 = -0.25\nclass = 1\n"
        "[[data.points]]\nx1 = 0.75\nx2 = -0.5\nclass = 1\n"
    )
    code, out, err = cli("train", str(toml), "--json")
    assert code == 0, err
    spec = from_toml(toml.read_text())
    engine = Trainer(spec)
    engine.run()
    assert json.loads(out)["weights_sha256"] == checkpoint.weights_sha256(engine)
    flags = ("--points", "0.5,0.5,0", "-0.5,-0.25,1", "0.75,-0.5,1", "--steps", "40")
    code, out, _ = cli("train", "classification", *flags, "--json")
    assert code == 0 and json.loads(out)["weights_sha256"] == checkpoint.weights_sha256(engine)


def test_info_names_the_run_a_checkpoint_was_forked_from(cli, tmp_path) -> None:
    parent = Trainer(get_scenario("regression"))
    parent.step(30)
    child = lineage.fork(parent, 14)
    path = tmp_path / "fork.safetensors"
    checkpoint.save(child, path)
    code, out, _ = cli("info", str(path))
    assert code == 0 and f"forked from run {parent.run_id} at step 14" in out
    code, out, _ = cli("info", str(path), "--json")
    assert json.loads(out)["forked_from"] == {"run": parent.run_id, "step": 14}


def test_corrupt_fork_metadata_is_refused(cli, tmp_path) -> None:
    raw = checkpoint.to_bytes(Trainer(get_scenario("regression")))
    ok = tmp_path / "ok.safetensors"
    ok.write_bytes(raw)
    with safetensors.safe_open(str(ok), "pt") as fh:
        meta = dict(fh.metadata())
    tensors = safetensors.torch.load(raw)
    path = tmp_path / "bad.safetensors"
    for key, bad in (
        ("forked_from", '{"run": "abc"}'),
        ("forked_from", '{"run": "abc", "step": -1}'),
        ("forked_from", '{"run": "a b", "step": 3}'),
        ("forked_from", "[1, 2"),
        ("run", "../../x"),
    ):
        path.write_bytes(safetensors.torch.save(tensors, {**meta, key: bad}))
        code, out, err = cli("info", str(path))
        assert code == 2 and out == "" and key in err and len(err.splitlines()) == 1, err
