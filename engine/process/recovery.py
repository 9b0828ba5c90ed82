"""Recovery checkpoints: a run outlives the app that showed it.

When the app process ends without the person quitting (a bug, a closed terminal or SSH
session, ``kill -9``), the engine process notices (its pipe to the app closes, or the
app's last word asks for it) and saves the run it holds to a recovery checkpoint in
:func:`folder` before it exits; the next app offers it back (:func:`offer`). No torch
here: the app lists these files; the engine writes them
(:func:`torchplay.engine.process.lastsave.save_recovery`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import platformdirs
from torchplay.engine.files.ckheader import Summary, list_checkpoints

SUFFIX = ".safetensors"


def folder() -> Path:
    """Where recovery checkpoints live: the platform's state folder
    (``$XDG_STATE_HOME/torchplay/recovery``, by default ``~/.local/state/torchplay/recovery``)."""
    return Path(platformdirs.user_state_dir("torchplay")) / "recovery"


def pending(where: str | os.PathLike | None = None) -> list[Summary]:
    """The recovery checkpoints waiting in ``where`` (default :func:`folder`), newest first."""
    return list_checkpoints(where or folder())


def offer(run: Summary, now: float | None = None) -> str:
    """The question the app asks about ``run``: when it was saved (the time alone when
    that was today) and its step."""
    saved, today = time.localtime(run.modified), time.localtime(now)
    when = time.strftime("%H:%M", saved)
    if saved[:3] != today[:3]:
        when = f"{time.strftime('%b', saved)} {saved.tm_mday} {when}"
    name = f" ({run.name})" if run.name else ""
    return (
        f"The app ended during a run{name}: recover the run from {when}, "
        f"step {run.step:,}? (no discards it)"
    )


def discard(path: str | os.PathLike) -> None:
    """Remove a recovery checkpoint (gone already: nothing to do)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
