"""--metrics (JSONL), --csv and --tensorboard: the files parsed back agree with the run."""

from __future__ import annotations

import csv
import json

import pytest


def _jsonl(path):
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    return lines[0], lines[1:]


def test_jsonl_header_then_one_row_per_step(cli, tmp_path) -> None:
    path = tmp_path / "m.jsonl"
    code, out, err = cli(
        "train", "--test-fraction", "0.2", "--steps", "30", "--json", "--metrics", str(path)
    )
    assert code == 0, err
    header, rows = _jsonl(path)
    head = header["header"]
    assert head["spec"]["training"]["steps"] == 30 and head["spec"]["data"]["test_fraction"] == 0.2
    assert set(head["versions"]) >= {"python", "torchplay", "torch"}
    assert head["start_time"].endswith("+00:00") and head["task"] == "regression"
    assert [r["step"] for r in rows] == list(range(1, 31))
    assert all(list(r) == head["columns"] for r in rows)
    assert head["columns"] == ["step", "train_loss", "test_loss", "r2", "lr", "wall_time"]
    assert all(r["lr"] == 0.2 and r["test_loss"] > 0 for r in rows)
    walls = [r["wall_time"] for r in rows]
    assert walls == sorted(walls) and walls[0] >= 0
    res = json.loads(out)
    assert rows[-1]["r2"] == pytest.approx(res["r2"]) and rows[-1]["test_loss"] == res["test_loss"]


@pytest.mark.parametrize("batch", ["0", "16"])
def test_one_loss_for_a_step_in_json_and_metrics(cli, tmp_path, batch) -> None:
    """The train loss of a step is that step's batch loss before its update, in both."""
    path = tmp_path / "m.jsonl"
    code, out, err = cli(
        "train", "--steps", "40", "--batch-size", batch, "--json", "--metrics", str(path)
    )
    assert code == 0, err
    rows = _jsonl(path)[1]
    assert rows[-1]["step"] == 40 and rows[-1]["train_loss"] == json.loads(out)["train_loss"]


def test_jsonl_appends_a_header_per_run(cli, tmp_path) -> None:
    path = tmp_path / "m.jsonl"
    for _ in range(2):
        assert cli("train", "--quiet", "--steps", "5", "--metrics", str(path))[0] == 0
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [i for i, x in enumerate(lines) if "header" in x] == [0, 6]


def test_csv_has_the_jsonl_rows(cli, tmp_path) -> None:
    jl, cs = tmp_path / "m.jsonl", tmp_path / "m.csv"
    args = ("train", "classification", "--steps", "25", "--quiet")
    assert cli(*args, "--metrics", str(jl), "--csv", str(cs))[0] == 0
    header, rows = _jsonl(jl)
    with cs.open(newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == header["header"]["columns"]
    assert "accuracy" in table[0]
    for r, c in zip(rows, table, strict=True):
        for key, value in r.items():
            if key == "wall_time":
                continue
            assert (c[key] == "") if value is None else float(c[key]) == pytest.approx(value)


def test_tensorboard_events_read_back(cli, tmp_path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logdir, jl = tmp_path / "tb", tmp_path / "m.jsonl"
    args = ("train", "--test-fraction", "0.25", "--steps", "40", "--quiet")
    code, _, err = cli(*args, "--tensorboard", str(logdir), "--metrics", str(jl))
    assert code == 0, err
    _, rows = _jsonl(jl)
    acc = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"loss/train", "loss/test", "r2", "lr"} <= set(tags["scalars"])
    train = acc.Scalars("loss/train")
    assert [e.step for e in train] == [r["step"] for r in rows]
    assert [e.value for e in train] == pytest.approx([r["train_loss"] for r in rows], rel=1e-6)
    assert acc.Scalars("r2")[-1].value == pytest.approx(rows[-1]["r2"], rel=1e-6)
    text = acc.Tensors("spec/text_summary")[0].tensor_proto.string_val[0].decode()
    assert "steps = 40" in text and "test_fraction = 0.25" in text


@pytest.mark.parametrize(
    "flag, target, needle",
    [
        ("--csv", "folder", "is a directory"),
        ("--csv", "missing/out.csv", "does not exist"),
        ("--tensorboard", "file", "is a file"),
        ("--metrics", "folder", "is a directory"),
    ],
)
def test_bad_logger_targets_exit_2_before_training(cli, tmp_path, flag, target, needle) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    save = tmp_path / "r.safetensors"
    code, out, err = cli("train", "--quiet", flag, str(tmp_path / target), "--save", str(save))
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert not save.exists() and (tmp_path / "file").read_text() == "x"


def test_rows_carry_the_scheduled_lr(cli, tmp_path) -> None:
    path = tmp_path / "m.csv"
    args = ("train", "--steps", "20", "--schedule", "step", "--schedule-every", "5", "--quiet")
    assert cli(*args, "--csv", str(path))[0] == 0
    with path.open(newline="") as fh:
        lrs = [float(r["lr"]) for r in csv.DictReader(fh)]
    assert lrs == pytest.approx([0.2] * 5 + [0.1] * 5 + [0.05] * 5 + [0.025] * 5)


def test_json_says_stopped_early_with_the_best_step(cli) -> None:
    code, out, err = cli(
        "train", "--dataset", "sine", "--test-fraction", "0.3", "--steps", "20000",
        "--patience", "100", "--json",
    )  # fmt: skip
    assert code == 0, err
    res = json.loads(out)
    assert res["stopped_early"] is True and res["state"] == "stopped_early"
    assert res["step"] - res["best_step"] == 100 and res["step"] < 20000


def test_a_fast_run_logs_every_step_at_first(cli, tmp_path) -> None:
    """A 3,000-step run thins its history between two reports: its log kept steps
    1, 8, 9, 16, ... (752 rows). The docs promise every step at first, then a stride that
    doubles as the history's does (each time it holds over 1,000 points)."""
    jl, cs = tmp_path / "m.jsonl", tmp_path / "m.csv"
    code, _, err = cli(
        "train", "--steps", "3000", "--quiet", "--metrics", str(jl), "--csv", str(cs)
    )
    assert code == 0, err
    steps = [r["step"] for r in _jsonl(jl)[1]]
    assert steps[:1001] == list(range(1, 1002)), steps[:20]
    assert steps[1001:1501] == list(range(1002, 2002, 2))
    assert steps[1501:] == list(range(2004, 3001, 4))
    with cs.open() as f:
        assert [int(r["step"]) for r in csv.DictReader(f)] == steps
