"""A CSV file's columns without reading its numbers: the header the data reader uses and
the app's CSV picker shows (no torch or numpy here, so the app process may call it).

A first row holding any non-number is the header; otherwise the columns are named ``c0``,
``c1``, ... A UTF-8 BOM is dropped. :mod:`torchplay.engine.train.data` reads the rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from torchplay.engine.run.errors import InputError


class DataError(InputError):
    """The data cannot be read or used; the message names the file, the value and the fix."""


def parse_float(text: str) -> float | None:
    """``text`` as a float, or None where it is no number."""
    try:
        return float(text)
    except ValueError:
        return None


def header(p: Path, path: str) -> tuple[list[str], bool, int]:
    """The column names, whether the first row is a header, and the lines before the data.

    Raises:
        DataError: the file holds no row (UnicodeDecodeError and csv.Error pass through:
            the caller words them).
    """
    lines = 0
    with p.open(newline="", encoding="utf-8-sig") as fh:
        for text in fh:
            lines += 1
            if text.strip():
                first = next(csv.reader([text]))
                has_header = any(parse_float(c) is None for c in first)
                if has_header:
                    return [c.strip() for c in first], True, lines
                return [f"c{i}" for i in range(len(first))], False, lines - 1
    raise DataError(f"csv file {path!r} is empty: it needs numeric rows")


@dataclass(frozen=True)
class Columns:
    """What the CSV picker shows of a file: its column names and its first data row."""

    path: str
    names: list[str]
    first: list[str]
    """The first data row's cells (as text; fewer than ``names`` on a short row)."""


def columns(path: str) -> Columns:
    """The columns of the CSV file at ``path`` and its first data row.

    Raises:
        DataError: a missing, unreadable, empty or one-column file, in one line naming it.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"csv file {path!r} does not exist or is not a file: check the path")
    try:
        names, _, skip = header(p, path)
        first: list[str] = []
        with p.open(newline="", encoding="utf-8-sig") as fh:
            for index, row in enumerate(csv.reader(fh)):
                if index >= skip and any(c.strip() for c in row):
                    first = [c.strip() for c in row]
                    break
    except UnicodeDecodeError:
        raise DataError(f"csv file {path!r} is not UTF-8 text: save it as UTF-8") from None
    except (csv.Error, OSError) as exc:
        raise DataError(f"csv file {path!r} cannot be read ({exc}): check the file") from None
    if len(names) < 2:
        raise DataError(f"csv file {path!r} has one column: it needs inputs and a target")
    return Columns(path, names, first)


SKIP = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"})
"""Folders the picker never lists from."""


def find_csv(folder: str = ".", depth: int = 3, limit: int = 200) -> list[str]:
    """CSV files under ``folder`` (``depth`` levels at most, hidden and tool folders left
    out), newest first, at most ``limit``."""
    found: list[tuple[float, str]] = []
    root = Path(folder)

    def walk(d: Path, level: int) -> None:
        try:
            entries = sorted(d.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIP:
                continue
            try:
                if entry.is_dir() and level < depth:
                    walk(entry, level + 1)
                elif entry.suffix.lower() == ".csv" and entry.is_file():
                    found.append((entry.stat().st_mtime, str(entry)))
            except OSError:
                continue

    walk(root, 1)
    found.sort(key=lambda item: (-item[0], item[1]))
    return [path for _, path in found[:limit]]
