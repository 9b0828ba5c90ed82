"""Metric loggers: observers of the trainer's loop that write JSON lines, CSV or TensorBoard.

Each logger is called with the :class:`~torchplay.engine.process.events.Snapshot` the loop reports
(a few times a second and once at the end) and writes one row per history point it
carries. Every row has the same columns (:func:`columns`): ``step``, ``train_loss`` (that
step's batch), ``test_loss`` (after it; empty without a test split), ``accuracy`` or
``r2``, ``lr`` and ``wall_time`` (seconds since the logger opened). The metric is measured
at each report, so it is filled on the row of the report's step and empty on the rows
between. Nothing here imports torch or the UI; TensorBoard is imported only when used.
"""

from __future__ import annotations

import csv
import datetime
import json
import platform
import sys
import time
from importlib import metadata

from torchplay.engine.process.events import Snapshot


def columns(task: str) -> tuple[str, ...]:
    """The row fields for a task: the metric is accuracy (classification) or r2."""
    metric = "accuracy" if task == "classification" else "r2"
    return ("step", "train_loss", "test_loss", metric, "lr", "wall_time")


def versions() -> dict[str, str]:
    """Versions of Python, torchplay and torch (from package metadata: no imports)."""
    out = {"python": platform.python_version()}
    for name in ("torchplay", "torch"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


class _Logger:
    """Turns snapshots into rows; subclasses write them."""

    def __init__(self, spec, task: str) -> None:
        self.spec, self.task = spec, task
        self.columns = columns(task)
        self.metric = self.columns[3]
        self.started = time.time()
        self._t0 = time.perf_counter()

    def rows(self, snap: Snapshot) -> list[dict]:
        wall = round(time.perf_counter() - self._t0, 4)
        metric = snap.accuracy if self.task == "classification" else snap.r2
        lrs = snap.lrs or [snap.lr] * len(snap.points)
        return [
            {
                "step": step,
                "train_loss": train,
                "test_loss": test,
                self.metric: metric if step == snap.step else None,
                "lr": lr,
                "wall_time": wall,
            }
            for (step, train, test), lr in zip(snap.points, lrs, strict=True)
        ]

    def header(self) -> dict:
        """The spec, versions, start time and columns: the JSONL file's first line."""
        started = datetime.datetime.fromtimestamp(self.started, datetime.UTC)
        return {
            "header": {
                "spec": self.spec.to_dict(),
                "task": self.task,
                "versions": versions(),
                "start_time": started.isoformat(timespec="seconds"),
                "argv": sys.argv[1:],
                "columns": list(self.columns),
            }
        }

    def __call__(self, snap: Snapshot) -> None:
        rows = self.rows(snap)
        if rows:
            self.write(rows)

    def write(self, rows: list[dict]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Flush and close the file."""


class JsonlLogger(_Logger):
    """Appends to a JSON-lines file: a header line, then one object per row."""

    def __init__(self, path: str, spec, task: str) -> None:
        super().__init__(spec, task)
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.fh.write(json.dumps(self.header()) + "\n")
        self.fh.flush()

    def write(self, rows: list[dict]) -> None:
        self.fh.write("".join(json.dumps(r) + "\n" for r in rows))
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


class CsvLogger(_Logger):
    """Writes a CSV file (replacing one there): a header row, then the rows; empty
    cells for missing values."""

    def __init__(self, path: str, spec, task: str) -> None:
        super().__init__(spec, task)
        self.fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.out = csv.DictWriter(self.fh, self.columns)
        self.out.writeheader()
        self.fh.flush()

    def write(self, rows: list[dict]) -> None:
        self.out.writerows(rows)
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


class TensorBoardLogger(_Logger):
    """Event files through ``torch.utils.tensorboard``: scalars ``loss/train``,
    ``loss/test``, ``accuracy`` or ``r2`` and ``lr`` by step, plus the spec as text."""

    def __init__(self, logdir: str, spec, task: str) -> None:
        super().__init__(spec, task)
        from torch.utils.tensorboard import SummaryWriter

        # max_queue: with the default 10 the loop blocked on the writer thread, whose
        # pure-Python crc32c costs ~20 us an event (TensorBoard alone on 20,000 regression
        # steps, 8 ABBA runs: 1.07x -> 1.05x of a run without it).
        self.writer = SummaryWriter(log_dir=logdir, max_queue=1000)
        toml = spec.to_toml().replace("\n", "\n    ")
        self.writer.add_text("spec", f"    {toml}", 0)  # indented: markdown code block
        self.writer.add_text("versions", json.dumps(versions()), 0)

    def write(self, rows: list[dict]) -> None:
        # One event per row holding its scalars: add_scalar costs ~30 us per value.
        from tensorboard.compat.proto.summary_pb2 import Summary

        out = self.writer.file_writer  # public attribute: the FileWriter, open until close()
        tags = (
            ("loss/train", "train_loss"),
            ("loss/test", "test_loss"),
            (self.metric, self.metric),
            ("lr", "lr"),
        )
        for r in rows:
            values = [
                Summary.Value(tag=tag, simple_value=r[key])
                for tag, key in tags
                if r[key] is not None
            ]
            out.add_summary(Summary(value=values), r["step"], self.started + r["wall_time"])

    def close(self) -> None:
        self.writer.close()


def tensorboard_available() -> bool:
    """Whether ``torch.utils.tensorboard`` imports (it needs the ``tensorboard`` package).

    Imported here, before any logger opens, so its import time (about 0.3 s) does not
    count in the loggers' ``wall_time``.
    """
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError:
        return False
    return True
