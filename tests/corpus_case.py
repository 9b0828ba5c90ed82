"""One case of the bad-input corpus (tests/corpus.py): what a user got wrong, and the refusal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    """One bad input and the text its refusal must contain."""

    kind: str
    name: str
    needle: str
    args: tuple[str, ...] = ()
    """value: the flag and its text."""
    panel: str | None = None
    """value: the app field that takes the same text, if any."""
    field: str = ""
    """spec: the dotted field."""
    value: Any = None
    """spec: the Python value; toml, csv: the file's text."""
    make: Callable[[Path], Path | str] | None = None
    """checkpoint, import: build the file under the given folder, return its path."""


def _write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path``; return the path (for the cases' ``make``)."""
    path.write_bytes(data)
    return path
