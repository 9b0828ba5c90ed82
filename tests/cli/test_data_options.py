"""The data options of issue 27 on the command line: ``--dataset plane|gauss2d``,
``--features cosx1,cosx2`` and ``--test-split random|outside`` round-trip through TOML, the
checkpoint and ``info``, take sweep keys, show in ``--help``, and refuse bad values with
exit 2 and one line naming the field."""

from __future__ import annotations

import json

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.source import from_toml

ARGS = ("--dataset", "gauss2d", "--features", "x1sq,x2sq,cosx1,cosx2", "--test-fraction", "0.2")


def test_round_trip_through_checkpoint_info_toml_and_predict(cli, tmp_path) -> None:
    path = str(tmp_path / "g.safetensors")
    flags = (*ARGS, "--test-split", "outside", "--steps", "40", "--save", path, "--json")
    code, out, err = cli("train", "regression", *flags)
    assert code == 0, err
    res = json.loads(out)
    assert res["test_loss"] is not None and res["r2"] is not None
    code, out, _ = cli("info", path, "--json")
    data = json.loads(out)["spec"]["data"]
    assert (data["dataset"], data["test_split"]) == ("gauss2d", "outside")
    assert data["features"] == ["x1sq", "x2sq", "cosx1", "cosx2"]
    spec = checkpoint.load(path).spec
    assert spec.data.test_split == "outside"
    toml = tmp_path / "again.toml"
    toml.write_text(spec.to_toml())
    assert 'test_split = "outside"' in toml.read_text() and from_toml(toml.read_text()) == spec
    code, out, _ = cli("train", str(toml), "--json")
    assert code == 0 and json.loads(out)["weights_sha256"] == res["weights_sha256"]
    code, out, _ = cli("predict", path, "--x", "0.5,-1", "--json")
    x = torch.tensor([[0.5, -1.0]])
    feats = torch.stack((x[:, 0] ** 2, x[:, 1] ** 2, torch.cos(x[:, 0]), torch.cos(x[:, 1])), 1)
    with torch.no_grad():
        want = checkpoint.restore(path).net(feats)[0, 0].item()
    assert code == 0 and json.loads(out)["predictions"] == [want]


def test_outside_and_random_splits_differ_and_the_sweep_takes_the_key(cli, tmp_path) -> None:
    toml = tmp_path / "plane.toml"
    toml.write_text(
        'scenario = "regression"\n[data]\ndataset = "plane"\ntest_fraction = 0.25\n'
        "[training]\nsteps = 30\n"
    )
    code, out, err = cli("sweep", str(toml), "--grid", "data.test_split=random,outside", "--json")
    assert code == 0, err
    runs = json.loads(out)["runs"]
    assert [r["overrides"]["data.test_split"] for r in runs] == ["random", "outside"]
    assert runs[0]["weights_sha256"] != runs[1]["weights_sha256"]
    code, out, _ = cli("train", str(toml), "--test-split", "outside", "--json")
    assert code == 0 and json.loads(out)["weights_sha256"] == runs[1]["weights_sha256"]


def test_help_names_the_new_values(cli) -> None:
    code, out, _ = cli("train", "--help")
    flat = " ".join(out.split())
    assert code == 0 and "--test-split HOW" in flat and "outside" in flat
    assert "plane" in flat and "gauss2d" in flat and "cosx1" in flat


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--test-split", "sideways"), "data.test_split = 'sideways'"),
        (("--test-split", "outside"), "data.test_fraction = 0.0"),
        (("--dataset", "plane", "--points", "1,2"), "data.points = 'plane'"),
        (("--features", "cosx2"), "data.features = 'cosx2'"),
        (("--dataset", "gauss3d"), "data.dataset = 'gauss3d'"),
    ],
)
def test_bad_values_exit_2_naming_the_field(cli, tmp_path, args, needle) -> None:
    out_path = tmp_path / "never.safetensors"
    code, out, err = cli("train", "regression", *args, "--save", str(out_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err
    assert not out_path.exists()


def test_bad_values_in_toml_exit_2_naming_the_field(cli, tmp_path) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text('scenario = "regression"\n[data]\ntest_split = 3\ntest_fraction = 0.2\n')
    code, _, err = cli("train", str(toml))
    assert code == 2 and "data.test_split = 3" in err and err.count("\n") == 1


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_torchscript_export_applies_the_cos_features_as_predict_does(cli, tmp_path) -> None:
    path, script = str(tmp_path / "p.safetensors"), str(tmp_path / "p.pt")
    flags = ("--dataset", "plane", "--features", "x1,cosx1,cosx2", "--steps", "20")
    assert cli("train", "regression", *flags, "--save", path)[0] == 0
    assert cli("export", path, "--format", "torchscript", "--out", script)[0] == 0
    code, out, _ = cli("predict", path, "--x", "0.5,-1.5", "2,0.25", "--json")
    with torch.no_grad():
        got = torch.jit.load(script)(torch.tensor([[0.5, -1.5], [2.0, 0.25]]))[:, 0].tolist()
    assert code == 0 and json.loads(out)["predictions"] == got
