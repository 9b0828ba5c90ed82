"""Files written by the tutorial's own code: import, refuse unsafe ones, export back."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest
import torch

from tests import tutorial
from tests.conftest import ROOT
from tests.evil import Evil


def _tutorial_net(act):
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(1, 10), act(), torch.nn.Linear(10, 1))


XS = ["-1", "-0.3", "0", "0.7", "1.9"]


@pytest.mark.parametrize("act, name", [(torch.nn.ReLU, "relu"), (torch.nn.Tanh, "tanh")])
@pytest.mark.parametrize("whole", [False, True])
def test_import_predicts_what_the_original_predicts(cli, tmp_path, act, name, whole) -> None:
    net1 = _tutorial_net(act)
    src = tmp_path / ("net.pkl" if whole else "net_params.pkl")
    torch.save(net1 if whole else net1.state_dict(), src)
    out = tmp_path / "imp.safetensors"
    args = ["import", str(src), "--save", str(out)] + ([] if whole else ["--activation", name])
    code, _, err = cli(*args)
    assert code == 0, err
    code, stdout, _ = cli("predict", str(out), "--x", *XS, "--json")
    got = json.loads(stdout)["predictions"]
    with torch.no_grad():
        want = net1(torch.tensor([[float(x)] for x in XS]))[:, 0].tolist()
    assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 1e-6


def test_whole_subclassed_net_is_refused_with_advice_that_works(cli, tmp_path) -> None:
    net = tutorial.net_regression(1)
    whole, params = tmp_path / "net.pkl", tmp_path / "net_params.pkl"
    torch.save(net, whole)  # the tutorial's torch.save(net1, 'net.pkl')
    out = tmp_path / "o.safetensors"
    code, _, err = cli("import", str(whole), "--save", str(out))
    assert code == 2 and "Net" in err and "torch.save(net.state_dict()" in err
    assert not out.exists()
    torch.save(net.state_dict(), params)  # the advice
    assert cli("import", str(params), "--save", str(out))[0] == 0


XS2 = ["2,2", "-2,-2", "0,0", "0.5,-1.5", "3,-3"]


def test_tutorial_section1_net_state_dict_imports(cli, tmp_path) -> None:
    net = tutorial.net_regression(1)
    src = tmp_path / "net_params.pkl"
    torch.save(net.state_dict(), src)  # keys hidden.weight ... predict.bias
    out = tmp_path / "imp.safetensors"
    code, stdout, err = cli("import", str(src), "--save", str(out))
    assert code == 0 and "1-10-1 relu" in stdout, err
    got = json.loads(cli("predict", str(out), "--x", *XS, "--json")[1])["predictions"]
    with torch.no_grad():
        want = net(torch.tensor([[float(x)] for x in XS]))[:, 0].tolist()
    assert got == pytest.approx(want, abs=1e-5)


def test_tutorial_section2_net_state_dict_imports(cli, tmp_path) -> None:
    net = tutorial.net_classification(1)
    src = tmp_path / "net_params.pkl"
    torch.save(net.state_dict(), src)  # keys hidden.*, out.*
    out = tmp_path / "imp.safetensors"
    assert cli("import", str(src), "--save", str(out))[0] == 0
    got = json.loads(cli("predict", str(out), "--x", *XS2, "--json")[1])["predictions"]
    x = torch.tensor([[float(v) for v in p.split(",")] for p in XS2])
    with torch.no_grad():
        probs = torch.softmax(net(x), 1)
    assert [g["class"] for g in got] == probs.argmax(1).tolist()
    for g, p in zip(got, probs.tolist(), strict=True):
        assert g["probabilities"] == pytest.approx(p, abs=1e-5)


@pytest.mark.parametrize(
    "names", [("fc1", "fc2", "fc3"), ("layers.0", "layers.1", "layers.2"), ("a.b.c", "z", "m")]
)
def test_any_ordered_linear_stack_imports(cli, tmp_path, names) -> None:
    torch.manual_seed(3)
    layers = [torch.nn.Linear(1, 6), torch.nn.Linear(6, 4), torch.nn.Linear(4, 1)]
    sd = {}
    for name, layer in zip(names, layers, strict=True):
        sd[f"{name}.weight"], sd[f"{name}.bias"] = layer.weight.detach(), layer.bias.detach()
    src = tmp_path / "sd.pt"
    torch.save(sd, src)
    out = tmp_path / "imp.safetensors"
    code, stdout, err = cli("import", str(src), "--save", str(out), "--activation", "tanh")
    assert code == 0 and "1-6-4-1 tanh" in stdout, err
    got = json.loads(cli("predict", str(out), "--x", *XS, "--json")[1])["predictions"]
    x = torch.tensor([[float(v)] for v in XS])
    with torch.no_grad():
        want = layers[2](torch.tanh(layers[1](torch.tanh(layers[0](x)))))[:, 0].tolist()
    assert got == pytest.approx(want, abs=1e-5)


@pytest.mark.parametrize("kind", ["pickle", "torch"])
def test_code_running_pickles_are_refused(cli, tmp_path, kind) -> None:
    marker = tmp_path / "pwned"
    src = tmp_path / "evil.pt"
    if kind == "pickle":
        src.write_bytes(pickle.dumps(Evil(str(marker))))
    else:
        torch.save({"w": Evil(str(marker))}, src)
    code, _, err = cli("import", str(src), "--save", str(tmp_path / "o.safetensors"))
    assert code == 2 and ("will not load" in err or "not a readable" in err)
    assert not marker.exists()


@pytest.mark.slow
def test_exports_load_in_the_tutorials_code(cli, tmp_path) -> None:
    ck = str(tmp_path / "sr.safetensors")
    assert cli("train", "save-restore", "--steps", "300", "--quiet", "--save", ck)[0] == 0
    sd = tmp_path / "net_params.pt"
    assert cli("export", ck, "--format", "state-dict", "--out", str(sd))[0] == 0
    net3 = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.Tanh(), torch.nn.Linear(10, 1))
    net3.load_state_dict(torch.load(sd))  # the tutorial's own line (weights_only by default)
    code, out, _ = cli("predict", ck, "--x", *XS, "--json")
    want = json.loads(out)["predictions"]
    with torch.no_grad():
        got = net3(torch.tensor([[float(x)] for x in XS]))[:, 0].tolist()
    assert got == pytest.approx(want, abs=1e-6)
    script = tmp_path / "net.py"
    assert cli("export", ck, "--format", "python", "--out", str(script))[0] == 0
    proc = subprocess.run([sys.executable, str(script), *XS], capture_output=True, text=True)
    printed = [float(line.split()[1]) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and printed == pytest.approx(want, abs=1e-6)
    st = tmp_path / "plain.safetensors"
    assert cli("export", ck, "--format", "safetensors", "--out", str(st))[0] == 0
    from safetensors.torch import load_file

    assert set(load_file(st)) == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_import_missing_file(cli, tmp_path) -> None:
    code, _, err = cli("import", str(tmp_path / "nope.pt"), "--save", str(tmp_path / "o"))
    assert code == 2 and "does not exist" in err


@pytest.mark.slow
def test_headless_commands_never_import_textual(tmp_path) -> None:
    code = (
        "import sys; from torchplay.tui.cli.main import main\n"
        "main(['train', '--quiet', '--steps', '3'])\n"
        "bad = [m for m in ('textual', 'textual_plotext') if m in sys.modules]\n"
        "print('BAD', bad) if bad else print('OK')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.strip().endswith("OK"), proc.stdout + proc.stderr
