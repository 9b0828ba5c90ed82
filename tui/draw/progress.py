"""Headless progress: observers of the trainer loop for terminals and pipes (metric files:
:mod:`torchplay.engine.files.loggers`)."""

from __future__ import annotations

import sys
import time
from typing import IO

from torchplay.engine.process.events import Snapshot


def fmt(v: float | None, spec: str = ".6g") -> str:
    """A metric as text: ``-`` for none (the one formatter of the CLI, progress and app)."""
    return "-" if v is None else format(v, spec)


class RichProgress:
    """A rich progress bar: steps, loss, it/s and ETA (for a terminal)."""

    def __init__(self, total: int, start: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("{task.fields[rate]} it/s"),
            TimeRemainingColumn(),
            transient=False,
        )
        self.task = self.progress.add_task(
            "train", total=total, completed=start, loss="-", rate="-"
        )
        self.progress.start()

    def __call__(self, snap: Snapshot) -> None:
        self.progress.update(
            self.task,
            completed=snap.step,
            loss=fmt(snap.train_loss),
            rate=f"{snap.steps_per_s:,.0f}",
        )

    def close(self) -> None:
        self.progress.stop()


class PlainProgress:
    """One line every ``every`` seconds (for pipes and logs)."""

    def __init__(self, total: int, stream: IO[str] | None = None, every: float = 1.0) -> None:
        # sys.stderr when called, not when imported (tests and hosts replace it).
        self.total, self.stream, self.every, self.last = total, stream or sys.stderr, every, 0.0

    def __call__(self, snap: Snapshot) -> None:
        now = time.monotonic()
        if now - self.last >= self.every or snap.step >= self.total:
            self.last = now
            print(
                f"step {snap.step}/{self.total} loss {fmt(snap.train_loss)} "
                f"{snap.steps_per_s:,.0f} it/s",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        pass
