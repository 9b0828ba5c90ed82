"""``sweep --plot`` draws parallel coordinates, slice plots and importance bars for any
number of keys; ``--json`` and ``sweep.json`` carry ``importance: {KEY: share}``."""

from __future__ import annotations

import json
import math

import pytest

GRID3 = [
    "--grid",
    "training.lr=0.001,0.1,30",
    "--grid",
    "model.activation=relu,tanh",
    "--grid",
    "training.l2=0,0.01",
    "--steps",
    "30",
]
KEYS = ["training.lr", "model.activation", "training.l2"]


def anova(runs: list[dict], key: str) -> float:
    """The main-effect share of ``key`` computed here from the rows (the oracle): log10
    loss, a diverged member one decade above the worst finite loss."""
    finite = [math.log10(r["train_loss"]) for r in runs if not r["diverged"]]
    ys = [math.log10(r["train_loss"]) if not r["diverged"] else max(finite) + 1 for r in runs]
    mean = sum(ys) / len(ys)
    groups: dict[str, list[float]] = {}
    for r, y in zip(runs, ys, strict=True):
        groups.setdefault(str(r["overrides"][key]), []).append(y)
    between = sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())
    return between / sum((y - mean) ** 2 for y in ys)


def test_three_keys_plot_parallel_coordinates_slices_and_importance(cli) -> None:
    code, out, err = cli("sweep", "classification", *GRID3, "--plot")
    assert code == 0, err
    assert "\x1b[" not in out  # not a terminal: no escape codes
    start = out.index("parallel coordinates: 12 members")
    lines = out[start:].splitlines()
    assert lines[1].split() == ["lr", "activation", "l2", "loss"]
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in "".join(lines[2:19]))  # braille lines
    assert "relu" in out[start:] and "tanh" in out[start:]
    assert "loss by lr" in out and "loss by activation" in out and "loss by l2" in out
    bars = out[out.index("importance: each key's share") :].splitlines()[1:5]
    assert [b.split()[0] for b in bars][-1] == "interactions"
    shares = {b.split()[0]: float(b.split()[-1]) for b in bars}
    assert set(shares) == {"lr", "activation", "l2", "interactions"}
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.03)
    assert "exact main-effect ANOVA (full grid) · 12 members" in out
    assert "final loss by" not in out  # the heatmap is for two keys


def test_json_and_sweep_json_carry_the_exact_importance(cli, tmp_path) -> None:
    code, out, err = cli("sweep", "classification", *GRID3, "--json", "--out", str(tmp_path / "o"))
    assert code == 0, err
    res = json.loads(out)
    assert res["importance_method"] == "anova"
    assert list(res["importance"]) == KEYS
    for key in KEYS:
        assert res["importance"][key] == pytest.approx(anova(res["runs"], key), abs=1e-4)
    assert res["importance"]["training.lr"] > res["importance"]["training.l2"]
    saved = json.loads((tmp_path / "o" / "sweep.json").read_text())
    assert saved["importance"] == res["importance"]


def test_one_key_plots_too(cli) -> None:
    code, out, err = cli(
        "sweep", "regression", "--grid", "training.lr=0.01,0.1", "--steps", "20", "--plot"
    )
    assert code == 0, err
    lines = out[out.index("parallel coordinates: 2 members") :].splitlines()
    assert lines[1].split() == ["lr", "loss"]
    assert "lr " in out[out.index("importance: each") :]
