"""A checkpoint's metadata without its tensors: what the app's file picker lists.

A ``.safetensors`` file starts with 8 bytes (little-endian length) and a JSON header whose
``__metadata__`` holds torchplay's fields (see :mod:`torchplay.engine.checkpoint`). This
module reads that header only, never the tensors, and imports no torch, so the UI process
can list a folder of runs in milliseconds. It checks nothing beyond the header's shape:
loading still goes through :func:`torchplay.engine.checkpoint.load`.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

MAX_HEADER = 100_000_000
"""Largest header a checkpoint may declare (as :mod:`torchplay.engine.checkpoint` checks)."""
MAX_LISTED = 200
"""Checkpoints a listing keeps: the newest."""


@dataclass(frozen=True)
class Summary:
    """One checkpoint as a list shows it."""

    path: str
    name: str
    """The spec's name."""
    step: int
    loss: float | None
    """The train loss of the last recorded step (the loss of that step's batch, before its
    update: the same loss the status line and ``--json`` report)."""
    state: str
    modified: float
    """The file's modification time (seconds since the epoch)."""


def read_metadata(path: str | os.PathLike) -> dict[str, str] | None:
    """The torchplay metadata of the checkpoint at ``path``, or None when it is no
    readable torchplay checkpoint (missing, unreadable, not safetensors, other metadata)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return None
            (n,) = struct.unpack("<Q", head)
            if n > MAX_HEADER:
                return None
            raw = f.read(n)
        header = json.loads(raw) if len(raw) == n else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or "torchplay.format" not in meta:
        return None
    return meta


def summary(path: str | os.PathLike) -> Summary | None:
    """What a list shows of the checkpoint at ``path``; None when it is none."""
    meta = read_metadata(path)
    if meta is None:
        return None
    try:
        step = int(meta["step"])
        name = str(json.loads(meta["spec"]).get("name", ""))
        points = json.loads(meta.get("history", "{}")).get("points") or []
        loss = float(points[-1][1]) if points else None
        modified = os.stat(path).st_mtime
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, OSError):
        return None
    return Summary(str(path), name, step, loss, str(meta.get("state", "paused")), modified)


def list_checkpoints(folder: str | os.PathLike) -> list[Summary]:
    """The torchplay checkpoints under ``folder`` (any depth), newest first, at most
    :data:`MAX_LISTED`; files that are not checkpoints are left out."""
    root = Path(folder)
    if not root.is_dir():
        return []
    files = []
    for path in root.rglob("*.safetensors"):
        try:
            files.append((path.stat().st_mtime, path))
        except OSError:
            continue
    files.sort(reverse=True)
    found = (summary(path) for _, path in files[:MAX_LISTED])
    return [s for s in found if s is not None]
