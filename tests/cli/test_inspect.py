"""``torchplay inspect``: ``--point`` prints autograd's numbers for one point of a
checkpoint, features applied; ``--health`` prints per-layer norms and dead units; bad
points and targets exit 2 with one line."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn
from torchplay.engine.files import checkpoint
from torchplay.engine.train.features import FeatureMap
from torchplay.engine.train.model import linears


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory) -> str:
    from torchplay.tui.cli.main import main

    path = str(tmp_path_factory.mktemp("inspect") / "c.safetensors")
    argv = ["train", "classification", "--features", "x1,x2,x1sq", "--steps", "40"]
    assert main([*argv, "--save", path, "--quiet"]) == 0
    return path


def test_point_equals_autograd_with_features(cli, ckpt) -> None:
    code, out, err = cli("inspect", ckpt, "--point", "0.5,-1", "--target", "0", "--json")
    assert code == 0, err
    res = json.loads(out)
    loaded = checkpoint.load(ckpt)
    net = checkpoint.network(loaded)
    x = FeatureMap(loaded.spec.data.features)(torch.tensor([[0.5, -1.0]]))
    assert res["inputs"] == x[0].tolist() == [0.5, -1.0, 0.25]
    loss = nn.functional.cross_entropy(net(x), torch.tensor([0]))
    loss.backward()
    assert res["loss"] == pytest.approx(loss.item(), abs=1e-6)
    assert len(res["layers"]) == len(linears(net))
    for layer, lin in zip(res["layers"], linears(net), strict=True):
        want_w, want_b = lin.weight.grad, lin.bias.grad
        torch.testing.assert_close(torch.tensor(layer["weight_grad"]), want_w, atol=1e-6, rtol=0)
        torch.testing.assert_close(torch.tensor(layer["bias_grad"]), want_b, atol=1e-6, rtol=0)
        assert len(layer["z"]) == len(layer["a"]) == lin.out_features


def test_target_defaults_to_the_nearest_training_point(cli, ckpt) -> None:
    trainer = checkpoint.restore(ckpt)
    x, y = trainer.data.x_train[0].tolist(), int(trainer.data.y_train[0])
    code, out, _ = cli("inspect", ckpt, "--point", f"{x[0]!r},{x[1]!r}", "--json")
    assert code == 0 and json.loads(out)["target"] == y


def test_text_output_names_each_layer_and_the_step(cli, ckpt) -> None:
    code, out, _ = cli("inspect", ckpt, "--point", "0.5,-1")
    assert code == 0
    assert "layer 0 (Linear, then relu):" in out and "dL/dW" in out
    assert "after one SGD step at lr" in out


def test_health_json(cli, ckpt) -> None:
    code, out, err = cli("inspect", ckpt, "--health", "--json")
    assert code == 0, err
    layers = json.loads(out)["layers"]
    net = checkpoint.network(checkpoint.load(ckpt))
    assert len(layers) == len(linears(net))
    for layer, lin in zip(layers, linears(net), strict=True):
        assert layer["weight_norm"] == pytest.approx(lin.weight.norm().item())
        assert layer["weight_grad_norm"] > 0
        assert isinstance(layer["dead_units"], list)
        assert sum(layer["weights"]["counts"]) == lin.weight.numel()


def test_source_is_the_initial_weights(cli) -> None:
    code, out, _ = cli("inspect", "regression", "--point", "0.3", "--target", "1", "--json")
    assert code == 0 and json.loads(out)["target"] == 1.0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--point", "1,2,3"), "--point '1,2,3': 3 values; the network takes 2 inputs"),
        (("--point", "a,b"), "--point 'a,b': not numbers"),
        (("--point", "nan,1"), "give finite float32 numbers"),
        (("--point", "1,1", "--target", "5"), "--target '5': give a class index from 0 to 1"),
        (("--health", "--target", "1"), "--target goes with --point"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, ckpt, args, says) -> None:
    code, out, err = cli("inspect", ckpt, *args)
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_health_every_adds_grad_norms_to_metrics_rows(cli, tmp_path) -> None:
    """Rows at multiples of N carry each layer's full-batch gradient norm, the same numbers
    ``inspect --health`` gives for the weights saved at that step."""
    metrics, csv, ckpt = tmp_path / "m.jsonl", tmp_path / "m.csv", tmp_path / "c.safetensors"
    argv = ("train", "classification", "--steps", "20", "--health-every", "10")
    code, _, err = cli(*argv, "--metrics", str(metrics), "--csv", str(csv), "--save", str(ckpt))
    assert code == 0, err
    rows = [json.loads(line) for line in metrics.read_text().splitlines()[1:]]
    with_norms = {r["step"]: r["grad_norms"] for r in rows if r["grad_norms"] is not None}
    assert sorted(with_norms) == [0, 10, 20]
    assert [r["step"] for r in rows] == sorted(r["step"] for r in rows)
    code, out, _ = cli("inspect", str(ckpt), "--health", "--json")
    assert with_norms[20] == [layer["weight_grad_norm"] for layer in json.loads(out)["layers"]]
    assert csv.read_text().splitlines()[0].endswith(",grad_norms")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--health-every", "0", "--metrics", "m.jsonl"), "--health-every 0: must be 1 or more"),
        (("--health-every", "5"), "--health-every needs --metrics, --csv or --tensorboard"),
    ],
)
def test_bad_health_every_exits_2(cli, tmp_path, monkeypatch, extra, says) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("train", "classification", "--steps", "5", *extra)
    assert code == 2 and says in err and not (tmp_path / "m.jsonl").exists()


def test_wide_layers_show_their_largest_values(cli, tmp_path) -> None:
    """Text rows past 16 values show the 16 largest by magnitude (--json keeps them all)."""
    from torchplay.tui.draw.rows import largest

    assert largest([1.0, -5.0, 2.0], k=2) == [(1, -5.0), (2, 2.0)]
    assert largest([[1.0, 2.0], [-3.0, 0.5]], k=3) == [(0, 1.0), (1, 2.0), (2, -3.0)]
    assert largest([1.0, 2.0], k=2) is None
    path = str(tmp_path / "w.safetensors")
    assert cli("train", "classification", "--hidden", "20", "--steps", "5", "--save", path)[0] == 0
    code, out, _ = cli("inspect", path, "--point", "0.5,-1")
    z = next(line for line in out.splitlines() if line.strip().startswith("z "))
    assert code == 0 and z.endswith("(largest 16)") and z.count(":") == 16
    res = json.loads(cli("inspect", path, "--point", "0.5,-1", "--json")[1])
    assert len(res["layers"][0]["z"]) == 20
