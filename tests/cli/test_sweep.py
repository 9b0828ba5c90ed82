"""``torchplay sweep`` as a contract: stdout, stderr, exit codes and the files it writes."""

from __future__ import annotations

import json

import pytest
import torch

GRID = ["--grid", "training.lr=0.05,0.1,1000", "--grid", "data.seed=1,2", "--steps", "60"]


def test_json_has_every_run_and_a_diverged_member_still_exits_0(cli) -> None:
    code, out, err = cli("sweep", "regression", *GRID, "--json")
    assert code == 0, err
    res = json.loads(out)
    assert set(res) == {
        "runs",
        "model_steps_per_s",
        "backend",
        "device",
        "wall_s",
        "importance",
        "importance_method",
    }
    assert (res["backend"], res["device"]) == ("local", "cpu") and res["model_steps_per_s"] > 0
    runs = res["runs"]
    assert [r["index"] for r in runs] == list(range(6))
    assert runs[5]["overrides"] == {"training.lr": 1000.0, "data.seed": 2}
    assert [r["diverged"] for r in runs] == [False] * 4 + [True] * 2
    for r in runs[:4]:
        assert r["train_loss"] > 0 and r["r2"] is not None and len(r["weights_sha256"]) == 64
        assert r["checkpoint"] is None and "test_loss" in r


def test_member_json_equals_train_json(cli) -> None:
    code, out, _ = cli(
        "sweep", "classification", "--grid", "data.seed=1,2", "--steps", "40", "--json"
    )
    member = json.loads(out)["runs"][1]
    code2, out2, _ = cli("train", "classification", "--seed", "2", "--steps", "40", "--json")
    single = json.loads(out2)
    assert code == code2 == 0
    assert member["weights_sha256"] == single["weights_sha256"]
    assert member["accuracy"] == single["accuracy"]
    # The loss of the last step's batch: the population computes it for all members at
    # once, so its float32 sums round apart from a single run's (the weights are equal).
    assert member["train_loss"] == pytest.approx(single["train_loss"], rel=1e-6)


def test_table_is_sorted_by_loss_and_plot_draws_a_heatmap(cli) -> None:
    code, out, _ = cli("sweep", "regression", *GRID, "--plot")
    assert code == 0
    lines = [ln.split() for ln in out.splitlines() if ln.strip()[:1].isdigit() and "finished" in ln]
    losses = [float(cells[3]) for cells in lines]
    assert len(losses) == 4 and losses == sorted(losses)
    assert out.count("diverged at") == 2 and "6 members, 2 diverged" in out
    assert "final loss by training.lr (across) and data.seed (down)" in out and " div" in out


def test_out_checkpoints_load_predict_and_resume_exactly(cli, tmp_path) -> None:
    out_dir = tmp_path / "sweep"
    code, out, err = cli(
        "sweep",
        "classification",
        "--grid",
        "data.seed=1,2",
        "--steps",
        "50",
        "--out",
        str(out_dir),
        "--json",
    )
    assert code == 0, err
    runs = json.loads(out)["runs"]
    saved = json.loads((out_dir / "sweep.json").read_text())
    assert [r["checkpoint"] for r in saved["runs"]] == [r["checkpoint"] for r in runs]
    ckpt = runs[1]["checkpoint"]
    assert ckpt.endswith("member-1.safetensors")
    code, out, _ = cli("info", ckpt, "--json")
    assert code == 0 and json.loads(out)["weights_sha256"] == runs[1]["weights_sha256"]
    code, out, _ = cli("predict", ckpt, "--x", "1,1", "-2,-2", "--json")
    assert code == 0 and len(json.loads(out)["predictions"]) == 2
    code, out, _ = cli("resume", ckpt, "--steps", "50", "--json")
    resumed = json.loads(out)
    code2, out2, _ = cli("train", "classification", "--seed", "2", "--steps", "100", "--json")
    assert code == code2 == 0
    assert resumed["weights_sha256"] == json.loads(out2)["weights_sha256"]


@pytest.mark.parametrize(
    ("grid", "key"),
    [
        ("nope.lr=1", "nope.lr"),
        ("training.lr=0.1,abc", "training.lr"),
        ("training.lr=", "training.lr"),
        ("data.seed=1..100001", "data.seed"),
    ],
)
def test_bad_grids_exit_2_with_one_line_naming_the_key(cli, tmp_path, grid, key) -> None:
    out_dir = tmp_path / "never"
    code, out, err = cli("sweep", "--grid", grid, "--out", str(out_dir))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and key in err
    assert not out_dir.exists()


def test_memory_over_4gb_is_refused_before_work(cli) -> None:
    code, _, err = cli(
        "sweep", "--grid", "data.samples=1000000,999999", "--grid", "model.hidden=2048x2048"
    )
    # Refused by the sweep's 4 GB total or, first, by one run's 2 GB budget (engine.spec).
    assert code == 2 and " GB" in err and "model.hidden" in err and len(err.splitlines()) == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
@pytest.mark.parametrize("command", ["sweep", "train"])
def test_cuda_without_a_gpu_exits_2(cli, command) -> None:
    args = ["--grid", "training.lr=0.1"] if command == "sweep" else []
    code, out, err = cli(command, *args, "--device", "cuda")
    assert code == 2 and out == "" and "--device cuda" in err and len(err.splitlines()) == 1
