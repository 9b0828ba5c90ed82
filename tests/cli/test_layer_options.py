"""The layer options (model.dropout, norm, residual, activation per layer, init) on the
command line: TOML, checkpoint and ``info`` round trips; eval-mode predictions equal to
``predict``, the exports and an import of the equivalent module; bad values exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.describe import subclass_code
from torchplay.engine.run.source import from_toml
from torchplay.engine.run.spec import Spec

NEW = [
    ("--dropout", "0.1,0,0.2", "dropout", [0.1, 0.0, 0.2]),
    ("--norm", "layer", "norm", "layer"),
    ("--residual", None, "residual", True),
    ("--activation", "relu,tanh,gelu", "activation", "relu,tanh,gelu"),
    ("--init", "normal:0.5", "init", "normal:0.5"),
]
INPUTS = ["2,2", "-2,-2", "0,0", "1.5,-0.5", "-3,1"]


def _train(cli, tmp_path, *flags: str, name: str = "run") -> str:
    path = str(tmp_path / f"{name}.safetensors")
    code, _, err = cli(
        "train", "classification", "--hidden", "6,6,6", "--steps", "30", "--save", path,
        "--quiet", *flags,
    )  # fmt: skip
    assert code == 0, err
    return path


@pytest.mark.parametrize(("flag", "value", "key", "want"), NEW)
def test_each_key_round_trips_toml_checkpoint_and_info(cli, tmp_path, flag, value, key, want):
    path = _train(cli, tmp_path, flag, *([value] if value else []))
    code, out, _ = cli("info", path, "--json")
    assert code == 0
    assert json.loads(out)["spec"]["model"][key] == want
    spec = checkpoint.load(path).spec
    again = from_toml(spec.to_toml())
    assert again == spec and getattr(again.model, key) == (
        tuple(want) if isinstance(want, list) else want
    )
    code, text, _ = cli("info", path)
    assert f"{key} = " in text  # the TOML in info names it


def test_defaults_write_what_they_wrote_before() -> None:
    """A spec without the new options writes no new keys (files, checkpoints, share
    strings of older runs stay byte for byte the same)."""
    model = Spec().to_dict()["model"]
    assert set(model) == {"hidden", "activation"}


@pytest.mark.parametrize(
    ("flags", "field"),
    [
        (["--dropout", "1.5"], "model.dropout"),
        (["--dropout", "0.1,0.2"], "model.dropout"),  # two values for three layers
        (["--dropout", "x"], "model.dropout"),
        (["--norm", "group"], "model.norm"),
        (["--activation", "relu,swish,relu"], "model.activation"),
        (["--activation", "relu,tanh"], "model.activation"),
        (["--init", "uniform"], "model.init"),
        (["--init", "normal:-1"], "model.init"),
        (["--norm", "batch", "--batch-size", "1"], "model.norm"),
    ],
)
def test_bad_values_exit_2_naming_the_field(cli, tmp_path, flags, field) -> None:
    out = tmp_path / "x.safetensors"
    code, _, err = cli("train", "classification", "--hidden", "6,6,6", "--save", str(out), *flags)
    assert code == 2
    assert field in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2
    assert not out.exists()


def test_bad_toml_value_names_the_field(cli, tmp_path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text('[model]\nhidden = [4]\nnorm = "instance"\n')
    code, _, err = cli("train", str(toml), "--steps", "1")
    assert code == 2 and "model.norm" in err


def _predicted(cli, path: str) -> np.ndarray:
    code, out, err = cli("predict", path, "--x", *INPUTS, "--json")
    assert code == 0, err
    return np.array([p["probabilities"] for p in json.loads(out)["predictions"]])


def _x() -> torch.Tensor:
    return torch.tensor([[float(v) for v in x.split(",")] for x in INPUTS])


@pytest.fixture(scope="module")
def modal(tmp_path_factory):
    """A trained net with dropout, batch norm and a residual block (train mode differs)."""
    from torchplay.tui.cli.main import main

    path = str(tmp_path_factory.mktemp("modal") / "m.safetensors")
    main(
        ["train", "classification", "--hidden", "6,6,6", "--steps", "40", "--save", path,
         "--dropout", "0.3", "--norm", "batch", "--residual", "--activation", "tanh,relu,tanh",
         "--quiet"]
    )  # fmt: skip
    return path


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_modal_predictions_are_eval_mode_and_exports_agree(cli, modal, tmp_path) -> None:
    from torchplay.engine.files import exporting

    trainer = checkpoint.restore(modal)
    want = _predicted(cli, modal)
    net = checkpoint.network(checkpoint.load(modal))
    net.eval()
    with torch.no_grad():
        got = torch.softmax(net(_x()), 1).numpy()
    np.testing.assert_array_equal(got, want)
    assert not trainer.net.training  # between steps the net is in eval mode
    info = json.loads(cli("info", modal, "--json")[1])
    assert info["fast_path"] is False and "dropout" in info["fast_path_why"]
    (tmp_path / "m.pt2").write_bytes(exporting.pt2_bytes(trainer))
    module = torch.export.load(str(tmp_path / "m.pt2")).module()
    (tmp_path / "m.ts").write_bytes(exporting.torchscript_bytes(trainer))
    scripted = torch.jit.load(str(tmp_path / "m.ts"))
    with torch.no_grad():
        for m in (module, scripted):
            out = torch.softmax(m(_x()), 1).numpy()
            np.testing.assert_allclose(out, want, rtol=0, atol=1e-6)
    try:
        import onnxruntime
    except ImportError:
        return
    (tmp_path / "m.onnx").write_bytes(exporting.onnx_bytes(trainer))
    session = onnxruntime.InferenceSession(
        str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]
    )
    (raw,) = session.run(["y"], {"x": _x().numpy()})
    np.testing.assert_allclose(torch.softmax(torch.as_tensor(raw), 1).numpy(), want, atol=1e-5)


def test_python_export_runs_and_prints_the_same(cli, modal, tmp_path) -> None:
    out = tmp_path / "net.py"
    assert cli("export", modal, "--format", "python", "--out", str(out))[0] == 0
    run = subprocess.run(
        [sys.executable, str(out), *INPUTS], capture_output=True, text=True, check=True
    )
    probs = [eval(line.split(" ", 2)[2]) for line in run.stdout.splitlines()]  # noqa: S307
    np.testing.assert_allclose(np.array(probs, dtype=float), _predicted(cli, modal), atol=1e-6)


def test_equivalent_module_state_dict_imports(cli, modal, tmp_path) -> None:
    """The subclassed Net the model view shows, with the trained weights, saved as a
    state_dict: ``import`` with the same options predicts what the checkpoint does."""
    ckpt = checkpoint.load(modal)
    namespace = {"torch": torch, "F": torch.nn.functional}
    exec(subclass_code(ckpt.spec.model, 2, 2), namespace)  # noqa: S102
    net = namespace["Net"]()
    net.load_state_dict(dict(zip(net.state_dict(), ckpt.weights.values(), strict=True)))
    torch.save(net.state_dict(), tmp_path / "net.pt")
    out = str(tmp_path / "imported.safetensors")
    code, text, err = cli(
        "import", str(tmp_path / "net.pt"), "--save", out, "--activation", "tanh,relu,tanh",
        "--dropout", "0.3", "--norm", "batch", "--residual",
    )  # fmt: skip
    assert code == 0, err
    np.testing.assert_array_equal(_predicted(cli, out), _predicted(cli, modal))
    code, _, err = cli("import", str(tmp_path / "net.pt"), "--save", out + "2")
    assert code == 2 and "running_mean" in err  # without --norm the norms do not fit


def test_resume_with_dropout_is_exact(cli, tmp_path) -> None:
    """40 steps straight equal 15, save, resume 25: dropout's masks come from the RNG
    state the checkpoint keeps."""
    flags = ["--dropout", "0.4", "--norm", "batch", "--batch-size", "32"]
    straight = _train(cli, tmp_path, *flags, "--steps", "40", name="straight")
    half = _train(cli, tmp_path, *flags, "--steps", "15", name="half")
    resumed = str(tmp_path / "resumed.safetensors")
    code, _, err = cli("resume", half, "--steps", "25", "--save", resumed, "--quiet")
    assert code == 0, err
    a, b = checkpoint.load(straight), checkpoint.load(resumed)
    assert b.step == 40
    for k in a.weights:
        assert torch.equal(a.weights[k], b.weights[k]), k
    assert "optim.rng" in b.optim


def test_model_view_text_is_what_torch_prints(modal) -> None:
    from torchplay.engine.run.describe import sequential_code, sequential_repr
    from torchplay.engine.run.spec import ModelSpec
    from torchplay.engine.train.model import build

    specs = [
        checkpoint.load(modal).spec.model,
        ModelSpec((5, 5, 5, 5, 3), "gelu", residual=True, norm="layer", dropout=(0, 0.5, 0, 0, 0)),
        ModelSpec((4,), "elu", init="he"),
    ]
    for model in specs:
        net = build(model, 2, 3)
        assert sequential_repr(model, 2, 3) == str(net)
        namespace = {"torch": torch}
        exec(sequential_code(model, 2, 3), namespace)  # noqa: S102
        assert str(namespace["net"]) == str(net)
        assert [k for k in namespace["net"].state_dict()] == list(net.state_dict())


def test_backprop_inspector_refuses_what_it_cannot_write_out(cli, modal) -> None:
    code, _, err = cli("inspect", modal, "--point", "0.5,-1")
    assert code == 2 and "model.residual" in err and "Traceback" not in err
    code, out, _ = cli("info", modal)
    assert code == 0 and "fast path: no (dropout trains on autograd)" in out


def test_batch_norm_statistics_past_float32_diverge_and_the_checkpoint_loads(cli, tmp_path):
    """lr 1e5: batch norm keeps the loss finite while the weights grow until the running
    variance overflows; that step diverges and the statistics go back with the weights."""
    path = str(tmp_path / "d.safetensors")
    code, out, _ = cli(
        "train", "classification", "--norm", "batch", "--lr", "1e5", "--steps", "200",
        "--save", path, "--json",
    )  # fmt: skip
    res = json.loads(out)
    assert res["state"] == "diverged" and res["step"] < 200
    ckpt = checkpoint.load(path)  # finite statistics: it loads
    assert all(torch.isfinite(v).all() for v in ckpt.weights.values())
    assert cli("predict", path, "--x", "1,1")[0] == 0
