"""``torchplay export``: each format, loaded by its own runtime, predicts what ``predict`` does."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

INPUTS = {
    "regression": ["-1", "-0.3", "0", "0.7", "1.9", "2.4", "0.01"],
    "classification": ["2,2", "-2,-2", "0,0", "1.5,-0.5", "-3,1"],
}


FEATURES = {"data.features": ["x1sq", "x2sq", "x1x2", "sinx1"], "data.dataset": "circles"}
"""The third checkpoint: input features, which programs apply to the raw inputs."""


@pytest.fixture(scope="module", params=["regression", "classification", "features"])
def ckpt(request, tmp_path_factory):
    """A trained checkpoint of each task, and one with features (built once per module)."""
    task = "classification" if request.param == "features" else request.param
    over = FEATURES if request.param == "features" else {}
    trainer = Trainer(get_scenario(task).with_overrides({"training.steps": 60, **over}))
    trainer.run()
    path = tmp_path_factory.mktemp(request.param) / "run.safetensors"
    checkpoint.save(trainer, path)
    return task, str(path)


def _predicted(cli, path: str, task: str) -> np.ndarray:
    code, out, err = cli("predict", path, "--x", *INPUTS[task], "--json")
    assert code == 0, err
    preds = json.loads(out)["predictions"]
    if task == "regression":
        return np.array(preds)[:, None]
    return np.array([p["probabilities"] for p in preds])


def _inputs(task: str) -> torch.Tensor:
    return torch.tensor([[float(v) for v in x.split(",")] for x in INPUTS[task]])


def _as_prediction(out: np.ndarray, task: str) -> np.ndarray:
    """Network outputs -> what predict prints (the softmax for classification)."""
    if task == "regression":
        return out
    return torch.softmax(torch.as_tensor(out), 1).numpy()


def _export(cli, path: str, fmt: str, out) -> None:
    code, stdout, err = cli("export", path, "--format", fmt, "--out", str(out))
    assert code == 0, err
    assert stdout.strip() == f"exported {path} as {fmt} to {out}"


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_torchscript(cli, ckpt, tmp_path) -> None:
    task, path = ckpt
    out = tmp_path / "net.pt"
    _export(cli, path, "torchscript", out)
    module = torch.jit.load(str(out))
    with torch.no_grad():
        got = _as_prediction(module(_inputs(task)).numpy(), task)
    np.testing.assert_allclose(got, _predicted(cli, path, task), rtol=0, atol=1e-6)


def test_pt2(cli, ckpt, tmp_path) -> None:
    task, path = ckpt
    out = tmp_path / "net.pt2"
    _export(cli, path, "pt2", out)
    module = torch.export.load(str(out)).module()
    with torch.no_grad():
        got = _as_prediction(module(_inputs(task)).numpy(), task)
        one = module(_inputs(task)[:1]).numpy()  # the batch size is dynamic
    np.testing.assert_allclose(got, _predicted(cli, path, task), rtol=0, atol=1e-6)
    assert one.shape[0] == 1


def test_onnx(cli, ckpt, tmp_path) -> None:
    import onnxruntime

    task, path = ckpt
    out = tmp_path / "net.onnx"
    _export(cli, path, "onnx", out)
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["x"]
    (raw,) = session.run(["y"], {"x": _inputs(task).numpy()})
    got = _as_prediction(raw, task)
    np.testing.assert_allclose(got, _predicted(cli, path, task), rtol=0, atol=1e-5)


def test_script_is_an_alias_of_python_that_warns(cli, ckpt, tmp_path) -> None:
    _, path = ckpt
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    _export(cli, path, "python", a)
    code, stdout, err = cli("export", path, "--format", "script", "--out", str(b))
    assert code == 0
    assert "warning: --format script is now called python" in err
    assert a.read_bytes() == b.read_bytes()


def test_unknown_format_is_refused_and_writes_nothing(cli, ckpt, tmp_path) -> None:
    _, path = ckpt
    code, _, err = cli("export", path, "--format", "keras", "--out", str(tmp_path / "m"))
    assert code == 2 and "keras" in err and "onnx" in err
    assert not (tmp_path / "m").exists()
