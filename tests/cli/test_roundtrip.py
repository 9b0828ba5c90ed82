"""Whatever train, resume, import and export write, info, predict and resume read back:
diverged optimizer state, every spec limit at its extreme, the largest model allowed."""

from __future__ import annotations

import json

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.spec import MAX_CLASSES, MAX_LAYERS, MAX_NAME, MAX_SAMPLES


def _reads_back(cli, ck: str, x: str = "0.5") -> dict:
    code, out, err = cli("info", ck, "--json")
    assert code == 0, err
    info = json.loads(out)
    code, out, err = cli("predict", ck, "--x", x, "--json")
    assert code == 0 and len(json.loads(out)["predictions"]) == 1, err
    code, out, err = cli("resume", ck, "--steps", "1", "--quiet", "--save", ck)
    assert code in (0, 3), err
    return info


@pytest.mark.parametrize("optimizer", ["rmsprop", "adagrad", "adam", "sgd"])
def test_a_diverged_run_reads_back(cli, tmp_path, optimizer) -> None:
    ck = str(tmp_path / "d.safetensors")
    code, _, err = cli(
        "train", "--optimizer", optimizer, "--lr", "1e6", "--steps", "300", "--quiet", "--save", ck
    )
    assert code in (0, 3), err
    assert _reads_back(cli, ck)["step"] >= 0


EXTREMES = [
    ["--samples", "1", "--steps", "2"],
    ["--samples", str(MAX_SAMPLES), "--steps", "1", "--batch-size", "1000"],
    ["--hidden", "none"],
    ["--hidden", ",".join(["1"] * MAX_LAYERS)],
    ["--hidden", "4096", "--samples", "10"],
    ["classification", "--dataset", "blobs", "--classes", str(MAX_CLASSES)],
    ["--steps", "0"],
    ["--batch-size", "1", "--steps", "150"],
    ["--lr", "1e-300"],
    ["--noise", "0"],
    ["--noise", "100"],
    ["--test-fraction", "0.9"],
    ["--seed", "0"],
    ["--seed", str(2**63 - 1)],
    ["--momentum", "0.999", "--optimizer", "rmsprop", "--no-fast-path"],
    ["--weight-decay", "1000", "--optimizer", "adamw"],
]


@pytest.mark.parametrize("args", EXTREMES, ids=lambda a: " ".join(a)[:40])
def test_every_spec_limit_at_its_extreme_reads_back(cli, tmp_path, args) -> None:
    ck = str(tmp_path / "x.safetensors")
    code, _, err = cli("train", *args, "--quiet", "--save", ck)
    assert code in (0, 3), err
    x = "0.5,0.5" if "classification" in args else "0.5"
    _reads_back(cli, ck, x)


def test_the_extreme_toml_limits_read_back(cli, tmp_path) -> None:
    toml = tmp_path / "s.toml"
    name = "n\x1b[31m" + "x" * (MAX_NAME - 6)
    toml.write_text(
        f"name = {json.dumps(name)}\n[data]\nextrapolate = 1000.0\n[training]\nsteps = 3\n"
    )
    ck = str(tmp_path / "x.safetensors")
    assert cli("train", str(toml), "--quiet", "--save", ck)[0] == 0
    _reads_back(cli, ck)
    code, out, _ = cli("info", ck)
    assert code == 0 and "\x1b" not in out and "\\x1b[31m" in out  # escaped, not obeyed


def _largest_width(layers: int) -> int:
    """The widest ``layers`` equal hidden layers the memory budget allows (Adam, 100 points)."""
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.run.spec import SpecError

    base = get_scenario("regression").with_overrides({"training.optimizer": "adam"})
    lo, hi = 1, 4096
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            base.with_overrides({"model.hidden": [mid] * layers})
            lo = mid
        except SpecError:
            hi = mid - 1
    return lo


@pytest.mark.slow
def test_the_largest_model_allowed_round_trips(cli, tmp_path) -> None:
    width = _largest_width(3)
    hidden = f"{width},{width},{width}"
    ck = str(tmp_path / "big.safetensors")
    code, _, err = cli(
        "train", "--hidden", hidden, "--optimizer", "adam", "--steps", "1", "--quiet", "--save", ck
    )
    assert code in (0, 3), err
    assert checkpoint.load(ck).spec.model.hidden == (width,) * 3
    _reads_back(cli, ck)
    wider = f"{width + 64},{width},{width}"
    code, _, err = cli("train", "--hidden", wider, "--optimizer", "adam", "--steps", "1")
    assert code == 2 and "GB budget" in err
