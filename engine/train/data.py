"""Datasets: numeric CSV files, painted points, the synthetic sets of
:mod:`~torchplay.engine.train.synthetic`, and the test split (random or outside).
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torchplay.engine.files.csvheader import DataError, header, parse_float
from torchplay.engine.run.spec import MAX_CLASSES, MAX_SAMPLES, DataSpec, task_of
from torchplay.engine.train.synthetic import generate

__all__ = ["DataError", "Dataset", "load", "read_csv", "split"]
"""DataError lives in :mod:`~torchplay.engine.files.csvheader` (the app reads headers too)."""


@dataclass
class Dataset:
    """Tensors for training and testing, with what the charts need to know."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    task: str
    n_classes: int = 0
    domain: tuple[float, float] = (-1.0, 1.0)
    """Regression: the x range of the data."""
    columns: list[str] = field(default_factory=list)

    @property
    def n_inputs(self) -> int:
        return self.x_train.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.n_classes if self.task == "classification" else self.y_train.shape[1]


FLOAT32_MAX = 3.4028234663852886e38
MAX_COLUMNS = 1_000
"""The most columns a CSV may have (inputs and the target), checked on its first row
before anything is parsed, so memory follows the file's real shape."""


def _explain(p: Path, path: str, names: list[str], skip: int) -> None:
    """Find the first bad cell by a slow scan (only after numpy refused the file) and
    raise the worded error naming its line and column."""
    with p.open(newline="", encoding="utf-8-sig") as fh:
        for line, row in enumerate(csv.reader(fh), start=1):
            if line <= skip or not any(c.strip() for c in row):
                continue
            if len(row) != len(names):
                raise DataError(
                    f"csv file {path!r} line {line} has {len(row)} columns, expected {len(names)}"
                )
            for col, cell in zip(names, row, strict=True):
                v = parse_float(cell)
                if v is None:
                    raise DataError(
                        f"csv file {path!r} line {line}, column {col}: {cell!r} is not a number"
                    )
                if not math.isfinite(v):
                    raise DataError(
                        f"csv file {path!r} line {line}, column {col}: {cell!r} is not finite"
                    )
                if abs(v) > FLOAT32_MAX:
                    raise DataError(
                        f"csv file {path!r} line {line}, column {col}: {cell!r} overflows "
                        "float32 (at most 3.4e38): rescale the column"
                    )


def _data_lines(fh, skip: int) -> Iterator[str]:
    """The file's lines after the first ``skip``, ending after :data:`MAX_SAMPLES` + 1
    non-blank ones (one too many is enough to refuse the file)."""
    rows = 0
    for index, line in enumerate(fh):
        if index < skip:
            continue
        if line.strip():
            rows += 1
            if rows > MAX_SAMPLES + 1:
                return
        yield line


def read_csv(
    path: str, target: str | None, task: str
) -> tuple[torch.Tensor, torch.Tensor, str, list[str]]:
    """Read numeric columns from ``path``: x, y, the task and the column names.

    numpy parses the numbers (float32, about 24x faster than a Python loop, and memory of
    the array alone); on any problem a slow scan finds the line and column to name. A
    UTF-8 BOM is dropped; a first row with any non-number is the header.

    Raises:
        DataError: missing, empty or malformed files, non-finite values or values beyond
            float32, a missing target column, or a classification target with one class.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"csv file {path!r} does not exist or is not a file: check the path")
    if p.stat().st_size > 512 * 1024 * 1024:
        raise DataError(f"csv file {path!r} is larger than 512 MiB: use a smaller sample")
    try:
        names, has_header, skip = header(p, path)
        if len(names) < 2:
            raise DataError(f"csv file {path!r} has one column: it needs inputs and a target")
        if len(names) > MAX_COLUMNS:
            raise DataError(
                f"csv file {path!r} has {len(names):,} columns, at most {MAX_COLUMNS:,} "
                "(inputs and target): keep only the columns the model needs"
            )
        with p.open(newline="", encoding="utf-8-sig") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": refused below
            # Lines, not the file: numpy then grows the array with the rows it reads
            # (max_rows would allocate MAX_SAMPLES rows of this width up front).
            array = np.loadtxt(
                _data_lines(fh, skip),
                delimiter=",",
                dtype=np.float32,
                ndmin=2,
                comments=None,
                quotechar='"',
            )
    except UnicodeDecodeError as exc:
        raise DataError(
            f"csv file {path!r} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None
    except csv.Error as exc:  # e.g. NUL bytes: a binary file
        raise DataError(f"csv file {path!r} is not CSV text ({exc}): check the file") from None
    except (OSError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        if not isinstance(exc, OSError):
            _explain(p, path, names, skip)
        raise DataError(f"csv file {path!r} cannot be read ({exc}): check the file") from None
    if array.shape[0] == 0:
        raise DataError(f"csv file {path!r} has a header but no data rows")
    if array.shape[0] > MAX_SAMPLES:
        raise DataError(f"csv file {path!r} has more than {MAX_SAMPLES} rows")
    if array.shape[1] != len(names):
        _explain(p, path, names, skip)
        raise DataError(  # what the scan cannot name: a quoted cell spanning lines
            f"csv file {path!r} has rows of {array.shape[1]} columns, its first row "
            f"{len(names)}: check its quotes (a cell may not span lines)"
        )
    if not np.isfinite(array).all():
        _explain(p, path, names, skip)
        raise DataError(f"csv file {path!r} holds values beyond float32: rescale them")
    data = torch.from_numpy(array)
    if target is None:
        t = len(names) - 1
    elif target in names:
        t = names.index(target)
    else:
        raise DataError(
            f"csv target column {target!r} is not in {path!r}: columns are {', '.join(names)}"
        )
    y = data[:, t].contiguous()
    x = (
        data[:, :t].contiguous()
        if t == data.shape[1] - 1
        else torch.cat((data[:, :t], data[:, t + 1 :]), 1)
    )
    del data, array  # x and y are copies: the parsed array is freed here
    if task == "auto":
        integral = bool(torch.all(y == y.round()))
        task = (
            "classification" if integral and len(torch.unique(y)) <= MAX_CLASSES else "regression"
        )
    cols = names[:t] + names[t + 1 :] + [names[t]]
    if task == "classification":
        labels = torch.unique(y)
        if len(labels) < 2:
            raise DataError(
                f"csv file {path!r}: target {names[t]!r} has one class; it needs two or more"
            )
        if len(labels) > MAX_CLASSES:
            raise DataError(
                f"csv file {path!r}: target {names[t]!r} has {len(labels)} classes, at most {MAX_CLASSES}"
            )
        return x, torch.searchsorted(labels, y.contiguous()).long(), task, cols
    return x, y.float().unsqueeze(1), task, cols


def split(x: torch.Tensor, y: torch.Tensor, fraction: float, seed: int, how: str = "random"):
    """Hold out ``fraction`` of the rows for testing: a seeded random sample (its own
    generator), or with ``how="outside"`` the rows farthest out (:func:`outside_order`)."""
    n = x.shape[0]
    n_test = int(round(n * fraction))
    if n_test == 0:
        return x, y, x[:0], y[:0]
    if n_test >= n:
        raise DataError(f"test fraction {fraction} leaves no training data from {n} rows")
    if how == "outside":
        order = outside_order(x)
    else:
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed + 7919))
    test_idx, _ = order[:n_test].sort()
    train_idx, _ = order[n_test:].sort()
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def outside_order(x: torch.Tensor) -> torch.Tensor:
    """Row indices from the farthest out to the innermost: by ``max_i |x_i - c_i| / h_i``,
    with ``c_i`` the middle and ``h_i`` the half-width of column ``i``'s range (a constant
    column counts 0); equal distances keep the rows' order. The first ``k`` rows lie outside
    the box that holds the others: held out, they show how the network extrapolates."""
    lo, hi = x.min(0).values, x.max(0).values
    half = (hi - lo) / 2
    scaled = (x - (lo + half)).abs() / torch.where(half > 0, half, torch.ones_like(half))
    return torch.sort(scaled.max(1).values, descending=True, stable=True).indices


def painted(spec: DataSpec) -> tuple[torch.Tensor, torch.Tensor, str]:
    """``spec.points`` as tensors (no RNG draws): x, y and the task."""
    task = task_of(spec.dataset)
    rows = torch.tensor([p[:2] for p in spec.points], dtype=torch.float32)
    if task == "regression":
        return rows[:, :1].contiguous(), rows[:, 1:].contiguous(), task
    return rows, torch.tensor([p[2] for p in spec.points], dtype=torch.long), task


def load(spec: DataSpec) -> Dataset:
    """The full dataset for ``spec``; synthetic data draws from the (seeded) global RNG."""
    if spec.is_csv:
        x, y, task, cols = read_csv(spec.dataset[4:], spec.target, spec.task)
    elif spec.points:
        x, y, task = painted(spec)
        cols = []
    else:
        x, y, task = generate(spec)
        cols = []
    xt, yt, xs, ys = split(x, y, spec.test_fraction, spec.seed, spec.test_split)
    n_classes = int(y.max().item()) + 1 if task == "classification" else 0
    if spec.points and task == "classification":
        n_classes = max(2, n_classes)  # one painted class still gets a two-class network
    lo, hi = float(x[:, 0].min()), float(x[:, 0].max())
    return Dataset(xt, yt, xs, ys, task, n_classes, (lo, hi), cols)
