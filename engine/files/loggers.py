"""Metric loggers: observers of the trainer's loop that write JSON lines, CSV or TensorBoard.

Each logger is called with the :class:`~torchplay.engine.process.events.Snapshot` the loop reports
(a few times a second and once at the end) and writes one row per history point it
carries. Every row has the same columns (:func:`columns`): ``step``, ``train_loss`` (that
step's batch), ``test_loss`` (after it; empty without a test split), ``accuracy`` or
``r2``, ``lr`` and ``wall_time`` (seconds since the logger opened); the metric, measured
at each report, only on the row of the report's step. ``--health-every N`` adds
``grad_norms`` (per Linear layer; TensorBoard ``grad_norm/K``) at multiples of N, on a row
of its own where no history point is. No torch or UI here; TensorBoard only when used.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import os
import platform
import secrets
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

from torchplay.engine.files.atomic import TargetError
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

    def __init__(self, spec, task: str, grad_norms: dict[int, list[float]] | None = None) -> None:
        self.spec, self.task = spec, task
        self.columns = columns(task) + (("grad_norms",) if grad_norms is not None else ())
        self.metric = self.columns[3]
        self.started = time.time()
        self._t0 = time.perf_counter()
        self.grad_norms = grad_norms
        """Per-layer gradient norms by step, filled as the run goes by whoever measures
        them (``--health-every``); None: rows have no ``grad_norms``."""
        self._norms_sent = -1

    def rows(self, snap: Snapshot) -> list[dict]:
        rows = self._rows(snap)
        if self.grad_norms is None:
            return rows
        due = sorted(s for s in self.grad_norms if self._norms_sent < s <= snap.step)
        self._norms_sent = max(due, default=self._norms_sent)
        by_step = {r["step"]: r for r in rows}
        for r in rows:
            r["grad_norms"] = None
        for s in due:
            norms = self.grad_norms[s]
            if s not in by_step:  # no history point there (a thinned history)
                wall = round(time.perf_counter() - self._t0, 4)
                by_step[s] = dict.fromkeys(self.columns) | {"step": s, "wall_time": wall}
                rows.append(by_step[s])
            by_step[s]["grad_norms"] = norms
        return sorted(rows, key=lambda r: r["step"])

    def _rows(self, snap: Snapshot) -> list[dict]:
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


class _Guarded(_Logger):
    """A logger whose file, when a write fails (a full disk, a read-only mount), goes back
    to what it was before the run: :meth:`_undo` restores it, then one
    :class:`~torchplay.engine.files.atomic.TargetError` names the flag, the path and the
    fix. The command's other outputs follow the same rule (engine/files/atomic.py)."""

    what = "log"

    def __init__(self, path: str, spec, task: str, what: str = "", grad_norms=None) -> None:
        super().__init__(spec, task, grad_norms)
        self.path, self.what = path, what or self.what
        self.failed = False

    def _guard(self, action, *args) -> None:
        if self.failed:
            return
        try:
            action(*args)
        except OSError as exc:
            self.failed = True
            with contextlib.suppress(OSError):
                self._undo()
            raise TargetError(
                f"cannot write {self.what} {self.path!r}: {exc.strerror or exc}; free space "
                "or choose another disk (the file is as it was before this run)"
            ) from None

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, rows: list[dict]) -> None:
        self._guard(self._write, rows)

    def abandon(self) -> None:
        """Put the file back as it was before this run, quietly (another output failed)."""
        if not self.failed:
            self.failed = True
            with contextlib.suppress(Exception):
                self._undo()

    def close(self) -> None:
        self._guard(self._close)


class JsonlLogger(_Guarded):
    """Appends to a JSON-lines file: a header line, then one object per row. A failed
    write truncates the file back to its length before the run (removes a new one)."""

    what = "--metrics"

    def __init__(self, path: str, spec, task: str, what: str = "", grad_norms=None) -> None:
        super().__init__(path, spec, task, what, grad_norms)
        self.fh = None
        try:
            self.size: int | None = os.path.getsize(path)
        except OSError:
            self.size = None
        self._guard(self._open)

    def _open(self) -> None:
        self.fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._write_text(json.dumps(self.header()) + "\n")

    def _write_text(self, text: str) -> None:
        self.fh.write(text)
        self.fh.flush()

    def _write(self, rows: list[dict]) -> None:
        self._write_text("".join(json.dumps(r) + "\n" for r in rows))

    def _close(self) -> None:
        if self.fh is not None:
            self.fh.close()

    def _undo(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()  # its buffered text may fail again: it is dropped
        if self.size is None:
            os.unlink(self.path)
        else:
            os.truncate(self.path, self.size)


class CsvLogger(_Guarded):
    """Writes a CSV file (replacing one there): a header row, then the rows; empty
    cells for missing values. A file already there is moved aside (``.NAME.XXXX.old``)
    for the run and removed at close; a failed write puts it back. Rows are flushed at
    each report, so a killed run leaves a parseable file (and the old one aside)."""

    what = "--csv"

    def __init__(self, path: str, spec, task: str, what: str = "", grad_norms=None) -> None:
        super().__init__(path, spec, task, what, grad_norms)
        self.fh = None
        self.real = Path(os.path.realpath(path))
        self.aside: Path | None = None
        self._guard(self._open)

    def _open(self) -> None:
        mode = None
        if self.real.exists():
            mode = self.real.stat().st_mode & 0o7777
            self.aside = self.real.parent / f".{self.real.name}.{secrets.token_hex(4)}.old"
            os.rename(self.real, self.aside)
        self.fh = open(self.real, "x", encoding="utf-8", newline="")  # noqa: SIM115
        if mode is not None:
            os.chmod(self.real, mode)
        self.out = csv.DictWriter(self.fh, self.columns)
        self.out.writeheader()
        self.fh.flush()

    def _write(self, rows: list[dict]) -> None:
        self.out.writerows(rows)
        self.fh.flush()

    def _close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        if self.aside is not None:
            os.unlink(self.aside)

    def _undo(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
            os.unlink(self.real)
        if self.aside is not None:
            os.rename(self.aside, self.real)


class TensorBoardLogger(_Guarded):
    """Event files through ``torch.utils.tensorboard``: scalars ``loss/train``,
    ``loss/test``, ``accuracy`` or ``r2`` and ``lr`` by step, plus the spec as text. A
    failed write removes the files this run added (and the folder, if it made it)."""

    what = "--tensorboard"

    def __init__(self, logdir: str, spec, task: str, what: str = "", grad_norms=None) -> None:
        super().__init__(logdir, spec, task, what, grad_norms)
        self.made = not os.path.isdir(logdir)
        self.before = set() if self.made else set(os.listdir(logdir))
        self.writer = None
        self._guard(self._open, spec)

    def _open(self, spec) -> None:
        from torch.utils.tensorboard import SummaryWriter

        _quiet_tensorboard_thread()

        # max_queue: with the default 10 the loop blocked on the writer thread, whose
        # pure-Python crc32c costs ~20 us an event (TensorBoard alone on 20,000 regression
        # steps, 8 ABBA runs: 1.07x -> 1.05x of a run without it).
        self.writer = SummaryWriter(log_dir=self.path, max_queue=1000)
        toml = spec.to_toml().replace("\n", "\n    ")
        self.writer.add_text("spec", f"    {toml}", 0)  # indented: markdown code block
        self.writer.add_text("versions", json.dumps(versions()), 0)

    def _write(self, rows: list[dict]) -> None:
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
            for k, norm in enumerate(r.get("grad_norms") or ()):
                values.append(Summary.Value(tag=f"grad_norm/{k}", simple_value=norm))
            out.add_summary(Summary(value=values), r["step"], self.started + r["wall_time"])

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def _undo(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):  # its writer thread failed already
                self.writer.close()
        if self.made:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        for name in set(os.listdir(self.path)) - self.before:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.path, name))


def _quiet_tensorboard_thread() -> None:
    """Keep TensorBoard's writer thread from printing a traceback when its disk fills up:
    the writer raises the same error again on the next write or close, which
    :class:`_Guarded` turns into one line (threading.excepthook would print the thread's
    traceback first)."""
    import threading

    previous = threading.excepthook
    if getattr(previous, "torchplay", False):
        return

    def hook(args) -> None:
        if type(args.thread).__module__.startswith("tensorboard.") and issubclass(
            args.exc_type, OSError
        ):
            return
        previous(args)

    hook.torchplay = True  # type: ignore[attr-defined]
    threading.excepthook = hook


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
