"""Datasets: deterministic per seed; CSV files read or refused clearly."""

from __future__ import annotations

import pytest
import torch
from torchplay.engine.run.spec import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, DataSpec
from torchplay.engine.train.data import DataError, load, read_csv


def draw(spec: DataSpec):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.seed)
        return load(spec)


@pytest.mark.parametrize("name", REGRESSION_DATASETS + CLASSIFICATION_DATASETS)
def test_every_dataset_is_deterministic_for_a_seed(name: str) -> None:
    spec = DataSpec(name, samples=90, noise=0.3, seed=4, classes=3, test_fraction=0.2)
    a, b = draw(spec), draw(spec)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    other = draw(DataSpec(name, samples=90, noise=0.3, seed=5, classes=3, test_fraction=0.2))
    assert a.x_train.shape[0] + a.x_test.shape[0] == 90
    assert not (torch.equal(a.x_train, other.x_train) and torch.equal(a.y_train, other.y_train))


def test_csv_with_header_and_target(tmp_path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,label,b\n1,0,2\n3,1,4\n5,0,6\n")
    x, y, task, cols = read_csv(str(path), "label", "auto")
    assert task == "classification" and x.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert y.tolist() == [0, 1, 0] and cols == ["a", "b", "label"]


@pytest.mark.parametrize(
    "text, needle",
    [
        ("", "empty"),
        ("a,b\n", "no data rows"),
        ("1,2\n3,x\n", "not a number"),
        ("1,2\n3\n", "columns"),
        ("1,nan\n2,3\n", "not finite"),
        ("1,0\n2,0\n", None),
    ],
)
def test_bad_csv(tmp_path, text: str, needle: str | None) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text)
    if needle is None:  # one class
        with pytest.raises(DataError, match="one class"):
            read_csv(str(path), None, "classification")
        return
    with pytest.raises(DataError, match=needle):
        read_csv(str(path), None, "auto")


def test_csv_missing_file_and_target(tmp_path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_csv(str(tmp_path / "none.csv"), None, "auto")
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="target column 'z'"):
        read_csv(str(path), "z", "auto")


def test_csv_numbers_equal_pythons_float32_rounding(tmp_path) -> None:
    # numpy's parser against the oracle: Python's float() of each cell, rounded to float32.
    cells = ["0.1", "-1e-7", "3.4028234e38", "1e-45", "7", "+2.5", " 4.25 ", "1E3", "-0"]
    path = tmp_path / "d.csv"
    path.write_text("".join(f"{c},{i}\n" for i, c in enumerate(cells)))
    x, y, _, _ = read_csv(str(path), None, "regression")
    want = torch.tensor([[float(c)] for c in cells], dtype=torch.float32)
    assert torch.equal(x, want) and y.flatten().tolist() == list(range(len(cells)))


def test_csv_bom_is_dropped_and_quoted_cells_read(tmp_path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes('\ufeffa,"b"\n1,"2"\n3,4\n'.encode())
    x, y, _, cols = read_csv(str(path), "a", "regression")
    assert cols == ["b", "a"] and x.tolist() == [[2], [4]] and y.flatten().tolist() == [1, 3]


@pytest.mark.parametrize(
    "raw, needle",
    [
        (b"a,b\n1,2\n3,1e39\n", "line 3, column b: '1e39' overflows float32"),
        (b"a,b\n1,2\n3,\xff\n", "not UTF-8"),
        (b"a,b\n1,2\n3,4,5\n", "line 3 has 3 columns"),
        (b"1,2\n3,\x004\n", "line 2, column c1"),
        (bytes(range(256)) * 4, "not UTF-8"),
    ],
)
def test_csv_refusals_name_the_line_or_the_encoding(tmp_path, raw: bytes, needle: str) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(raw)
    with pytest.raises(DataError, match=needle.replace("(", r"\(")):
        read_csv(str(path), None, "auto")
