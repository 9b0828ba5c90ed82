"""The engine's last save: the run it holds, to a recovery checkpoint, as the engine ends
because the app is gone (see :mod:`torchplay.engine.process.recovery`, which the app
reads; this side imports the checkpoint writer, so it is the worker's alone)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from torchplay.engine.process.recovery import SUFFIX


class LastSave:
    """The engine's recovery commands, mixed into :class:`~torchplay.engine.process.worker.Engine`
    (which sets :attr:`clean_step` on each save and load)."""

    trainer = None
    recovery: str | None = None
    """Where the run goes if the app ends under it; None: nowhere."""
    clean_step: int | None = None
    """The step the run was saved or loaded at: nothing to recover there."""

    def recover_to(self, folder: str) -> None:
        """Save the run into ``folder`` should the app end without quitting."""
        self.recovery = folder

    def last_save(self) -> str | None:
        """The app is gone: keep the run (:func:`save_recovery`)."""
        return save_recovery(self.trainer, self.recovery, self.clean_step)


def save_recovery(trainer, where: str | None, clean_step: int | None) -> str | None:
    """Save ``trainer`` to a new file in ``where``, atomically; the path, or None when
    there is nothing worth keeping: no folder, no run, no step trained, or the run saved
    (or loaded) at the step it is at (``clean_step``).

    A failure is swallowed: the engine is ending and nobody is left to tell; the app's
    next start finds no file.
    """
    if not where or trainer is None or trainer.step_count in (0, clean_step):
        return None
    from torchplay.engine.files import checkpoint

    trainer.settle()  # a run cut short mid-way is paused at its step
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(where) / f"{stamp}-{os.getpid()}-{time.time_ns() % 10**9:09d}{SUFFIX}"
    try:
        os.makedirs(where, exist_ok=True)
        checkpoint.save(trainer, path)
    except Exception:  # noqa: BLE001 - see above
        return None
    return str(path)
