"""A checkpoint's metadata without its tensors: what the app's file picker lists.

A ``.safetensors`` file starts with 8 bytes (little-endian length) and a JSON header whose
``__metadata__`` holds torchplay's fields (see :mod:`torchplay.engine.files.checkpoint`). This
module reads that header only, never the tensors, and imports no torch, so the UI process
can list a folder of runs in milliseconds, and the front door can refuse a pickle or a
corrupt file before torch is imported. It checks nothing beyond the header's shape:
loading still goes through :func:`torchplay.engine.files.checkpoint.load`.
"""

from __future__ import annotations

import json
import os
import shlex
import struct
from dataclasses import dataclass
from pathlib import Path

from torchplay.engine.run.errors import InputError

MAX_HEADER = 100_000_000
"""Largest header a checkpoint may declare."""
MAX_BYTES = 1 << 30
"""Largest checkpoint read: the largest run :data:`torchplay.engine.run.spec.RUN_BYTES`
allows writes well under it (tests/engine/test_roundtrip.py saves one)."""
PICKLE_STARTS = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
"""How a pickle of protocol 2 to 5 starts (torch.save's zip files start ``PK``)."""


class CheckpointError(InputError):
    """A checkpoint cannot be written or read; the message says why and what to do."""


def read_file(path: str | os.PathLike) -> bytes:
    """The bytes of the checkpoint file at ``path``.

    Raises:
        CheckpointError: a directory, missing, unreadable, or larger than :data:`MAX_BYTES`.
    """
    p = Path(path)
    if p.is_dir():
        raise CheckpointError(f"{str(p)!r} is a directory, not a checkpoint file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise CheckpointError(
                f"{str(p)!r} is {size} bytes, larger than any torchplay checkpoint"
            )
        return p.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {str(p)!r} does not exist: check the path") from None
    except PermissionError:
        raise CheckpointError(
            f"checkpoint {str(p)!r} is not readable (permission denied)"
        ) from None
    except OSError as exc:
        raise CheckpointError(f"cannot read {str(p)!r}: {exc.strerror or exc}") from None


def parse_header(raw: bytes, name: str) -> dict:
    """The safetensors JSON header of the file ``name`` whose bytes are ``raw``.

    Raises:
        CheckpointError: a pickle (naming ``torchplay import``), too short, truncated, or
            not a safetensors file.
    """

    def refuse(why: str) -> CheckpointError:
        if raw.startswith(b"PK\x03\x04") or raw[:2] in PICKLE_STARTS:
            return CheckpointError(
                f"{name!r} is a pickle (torch.save) file, not a torchplay checkpoint: "
                f"convert it with: torchplay import {shlex.quote(name)} --save OUT.safetensors"
            )
        return CheckpointError(f"{name!r} {why}")

    if len(raw) < 8:
        raise refuse("is not a torchplay checkpoint (too short to be safetensors)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8 or n > MAX_HEADER:
        raise refuse(
            "is truncated or corrupt (bad safetensors header); use an older copy or retrain"
        )
    try:
        header = json.loads(raw[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise refuse("is not a torchplay checkpoint (not a safetensors file)") from None
    if not isinstance(header, dict):
        raise refuse("is not a torchplay checkpoint (not a safetensors file)")
    return header


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
    readable torchplay checkpoint (missing, unreadable, not safetensors, other metadata).

    It reads the header alone (never more than :data:`MAX_HEADER` bytes) and parses it
    with :func:`parse_header`, the parser loading uses: one reading of the format."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            (n,) = struct.unpack("<Q", head) if len(head) == 8 else (0,)
            raw = head + f.read(min(n, MAX_HEADER))  # a longer one is refused below
        header = parse_header(raw, str(path))
    except (OSError, CheckpointError):
        return None
    meta = header.get("__metadata__")
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
