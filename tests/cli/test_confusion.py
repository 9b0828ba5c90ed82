"""The confusion matrix: counts against a hand count, ``info --json``'s ``confusion`` on the
training set the run trained on, per-class precision/recall/accuracy, and sweep rows'
``per_class_accuracy``."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn
from torchplay.engine.files import checkpoint
from torchplay.engine.train import confusion


class Fixed(nn.Module):
    """Predicts class 0 for x < 0, else class 1 (of three outputs)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([-x, x, torch.full_like(x, -9.0)], 1)


def test_matrix_counts_by_hand() -> None:
    x = torch.tensor([[-1.0], [-2.0], [1.0], [3.0], [-1.0], [2.0]])
    y = torch.tensor([0, 0, 0, 1, 1, 2])
    m = confusion.matrix(Fixed(), x, y, 3)
    assert m == [[2, 1, 0], [1, 1, 0], [0, 1, 0]]
    stats = confusion.per_class(m)
    assert stats["recall"] == stats["accuracy"] == [2 / 3, 1 / 2, 0.0]
    assert stats["precision"] == [2 / 3, 1 / 3, None]  # nothing predicted as class 2


def test_info_json_gives_the_training_set_confusion(cli, tmp_path) -> None:
    path = str(tmp_path / "c.safetensors")
    argv = ("train", "classification", "--classes", "3", "--dataset", "spiral")
    code, _, err = cli(*argv, "--test-fraction", "0.25", "--steps", "60", "--save", path)
    assert code == 0, err
    code, out, _ = cli("info", path, "--json")
    info = json.loads(out)
    trainer = checkpoint.restore(path)
    assert info["confusion"] == confusion.of_trainer(trainer)
    assert info["confusion_test"] == confusion.of_trainer(trainer, test=True)
    assert sum(map(sum, info["confusion"])) == trainer.data.x_train.shape[0]
    assert info["per_class"] == confusion.per_class(info["confusion"])
    code, out, _ = cli("info", path)
    assert "confusion (training set; rows true class, columns predicted):" in out


def test_regression_has_no_confusion(cli, tmp_path) -> None:
    path = str(tmp_path / "r.safetensors")
    assert cli("train", "regression", "--steps", "5", "--save", path)[0] == 0
    assert "confusion" not in json.loads(cli("info", path, "--json")[1])


@pytest.mark.parametrize("grid", ["training.lr=0.01,0.1"])
def test_sweep_rows_give_per_class_accuracy(cli, grid) -> None:
    code, out, err = cli("sweep", "classification", "--grid", grid, "--steps", "30", "--json")
    assert code == 0, err
    for run in json.loads(out)["runs"]:
        per_class = run["per_class_accuracy"]
        assert len(per_class) == 2
        assert sum(per_class) / 2 == pytest.approx(run["accuracy"])  # 100 points a class
