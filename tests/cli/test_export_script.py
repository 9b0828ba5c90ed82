"""The python export's script (``export --format python``): it predicts exactly what
``torchplay predict`` does, for every feature set and layer plan, and answers bad
arguments with a usage line and exit 2, never a traceback (issue 23)."""

from __future__ import annotations

import io
import json
import runpy
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.datafields import FEATURES
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.conftest import ROOT

PLANS = [[], [5], [4, 3]]
"""Layer plans: linear, one hidden layer, two."""


def _feature_sets(inputs: int) -> list[tuple[str, ...]]:
    names = [n for n, need in FEATURES.items() if need <= inputs]
    return [(), *[(n,) for n in names], tuple(names)]


CASES = [
    (scenario, features, plan)
    for scenario, inputs in (("regression", 1), ("classification", 2))
    for features in _feature_sets(inputs)
    for plan in PLANS
]

INPUTS = {"regression": ["-1.5", "0", "0.25", "3e-3"], "classification": ["1,2", "-3,0.5", "0,0"]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("script")


def _export(cli, folder, scenario: str, features, plan) -> tuple[str, str]:
    name = f"{scenario}-{'-'.join(features) or 'raw'}-{'x'.join(map(str, plan)) or 'linear'}"
    spec = get_scenario(scenario).with_overrides(
        {"data.features": list(features), "model.hidden": plan}
    )
    trainer = Trainer(spec)
    trainer.step(5)  # trained weights, not the initial ones
    ck, script = folder / f"{name}.st", folder / f"{name}.py"
    checkpoint.save(trainer, ck)
    code, _, err = cli("export", str(ck), "--format", "python", "--out", str(script))
    assert code == 0, err
    return str(ck), str(script)


def _run_script(script: str, args: list[str]) -> str:
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [script, *args]
    try:
        with redirect_stdout(out):
            runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = argv
    return out.getvalue()


@pytest.mark.parametrize(
    ("scenario", "features", "plan"),
    CASES,
    ids=[f"{s}-{','.join(f) or 'raw'}-{p}" for s, f, p in CASES],
)
def test_script_equals_predict(cli, folder, scenario, features, plan) -> None:
    ck, script = _export(cli, folder, scenario, features, plan)
    inputs = INPUTS[scenario]
    code, out, err = cli("predict", ck, "--json", "--x", *inputs)
    assert code == 0, err
    predicted = json.loads(out)["predictions"]
    lines = _run_script(script, inputs).splitlines()
    assert len(lines) == len(inputs)
    for line, text, pred in zip(lines, inputs, predicted, strict=True):
        if scenario == "regression":
            shown, value = line.split(" ")
            assert (shown, float(value)) == (text, pred)
        else:
            shown, cls, probs = line.split(" ", 2)
            assert shown == text and int(cls) == pred["class"]
            assert [float(p) for p in json.loads(probs.replace("'", '"'))] == pred["probabilities"]


BAD = [
    ("classification", ["0.5", "0.5"], "'0.5' is not"),
    ("classification", ["1,2,3"], "'1,2,3' is not"),
    ("classification", ["1,nan"], "'1,nan' is not"),
    ("classification", ["a,b"], "'a,b' is not"),
    ("classification", [""], "'' is not"),
    ("regression", ["1,2"], "'1,2' is not"),
    ("regression", ["inf"], "'inf' is not"),
    ("regression", ["--help"], "'--help' is not"),
]


@pytest.mark.parametrize(
    ("scenario", "args", "needle"), BAD, ids=[" ".join(a) or "empty" for _, a, _ in BAD]
)
def test_bad_arguments_get_a_usage_line(cli, folder, scenario, args, needle) -> None:
    _, script = _export(cli, folder, scenario, (), [5])
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited, redirect_stderr(err):
        _run_script(script, args)
    assert exited.value.code == 2
    assert err.getvalue().startswith(f"usage: python {script} [INPUT ...]"), err.getvalue()
    assert len(err.getvalue().splitlines()) == 1 and needle in err.getvalue()


@pytest.mark.slow
def test_the_script_in_its_own_process(cli, folder) -> None:
    _, script = _export(cli, folder, "classification", ("x1", "x2"), [3])
    run = [sys.executable, script]
    ok = subprocess.run([*run, "1,2"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.startswith("1,2 ") and ok.stderr == ""
    bad = subprocess.run([*run, "0.5", "0.5"], capture_output=True, text=True, timeout=120)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        f"usage: python {script} [INPUT ...]  (each INPUT: 2 number(s) joined by commas, "
        "x1,x2 pairs; '0.5' is not)\n"
    )
