"""Lessons: a starting spec, fields locked or hidden, a goal, text in steps and hints. No torch.

A lesson is a TOML file; the built-in ones ship in ``lessondata/`` beside this module
(``NN-name.toml``, listed in their order)::

    title = "One hidden layer for xor"
    goal = "accuracy >= 0.95 and steps <= 400"
    lock = ["data.dataset"]          # shown, not editable
    hide = ["data.features"]         # not shown at all
    text = ["Press space: ...", "Now ..."]
    hints = ["...", "...", "..."]    # up to three, revealed one at a time

    [spec]                           # a spec, as a spec FILE.toml holds it
    scenario = "classification"
    [spec.data]
    dataset = "xor"

:func:`load` reads a built-in lesson by name or a lesson file by path;
:func:`check_locks` names the locked fields a solution changed.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from torchplay.engine.run import goal as goals
from torchplay.engine.run.errors import InputError, SpecError
from torchplay.engine.run.source import from_dict
from torchplay.engine.run.spec import SECTIONS, Spec

MAX_HINTS = 3
KEYS = ("title", "goal", "lock", "hide", "text", "hints", "spec")
"""A lesson file's top-level keys."""


@dataclass(frozen=True)
class Lesson:
    """A lesson, read and checked."""

    name: str
    """Its name: the file's stem without the order prefix (``xor-hidden``)."""
    title: str
    """One line, for lists and the pane's title."""
    spec: Spec
    """The spec the lesson starts from (which must not pass the goal)."""
    goal: goals.Goal
    """What the run must reach."""
    text: tuple[str, ...] = ()
    """What to try and what to notice, in steps."""
    hints: tuple[str, ...] = ()
    """Up to :data:`MAX_HINTS`, revealed one at a time."""
    lock: tuple[str, ...] = ()
    """Dotted spec fields shown but not editable (a solution must keep their values)."""
    hide: tuple[str, ...] = ()
    """Dotted spec fields not shown in the panel (a solution must keep their values too)."""
    path: str | None = None
    """The file it was read from (None for a built-in lesson)."""

    def to_json(self, passed: bool = False) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "passed": passed, "goal": self.goal.text}


def _folder():
    return resources.files("torchplay.engine.run") / "lessondata"


def _stem_name(stem: str) -> str:
    head, _, rest = stem.partition("-")
    return rest if head.isdigit() and rest else stem


def builtin_names() -> list[str]:
    """The built-in lessons' names, in order."""
    files = sorted(f.name for f in _folder().iterdir() if f.name.endswith(".toml"))
    return [_stem_name(f.removesuffix(".toml")) for f in files]


def builtin() -> list[Lesson]:
    """Every built-in lesson, in order."""
    return [load(name) for name in builtin_names()]


def _strings(raw: dict, key: str, where: str, most: int | None = None) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{where}: {key} must be a list of strings")
    if most is not None and len(value) > most:
        raise InputError(f"{where}: {key} holds {len(value)}; give at most {most}")
    return tuple(value)


def _fields(raw: dict, key: str, where: str) -> tuple[str, ...]:
    names = _strings(raw, key, where)
    for name in names:
        section, _, field = name.partition(".")
        known = SECTIONS.get(section)
        if known is None or field not in {f.name for f in dataclasses.fields(known)}:
            raise InputError(f"{where}: {key} names {name!r}, no spec field (e.g. training.lr)")
    return names


def parse(text: str, name: str, where: str) -> Lesson:
    """A lesson from a TOML document; ``where`` names it in messages.

    Raises:
        InputError: invalid TOML, an unknown key, a bad goal, spec or field name.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: invalid TOML syntax ({exc})") from None
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; keys are {', '.join(KEYS)}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError(f'{where}: give a title = "..."')
    if not isinstance(raw.get("spec"), dict):
        raise InputError(f'{where}: give a [spec] table (scenario = "regression", ...)')
    try:
        spec = from_dict(raw["spec"])
        goal = goals.parse(raw.get("goal"))
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    return Lesson(
        name=name,
        title=title.strip(),
        spec=dataclasses.replace(spec, name=name),
        goal=goal,
        text=_strings(raw, "text", where),
        hints=_strings(raw, "hints", where, MAX_HINTS),
        lock=_fields(raw, "lock", where),
        hide=_fields(raw, "hide", where),
    )


def load(ref: str) -> Lesson:
    """A built-in lesson by name, or a lesson ``FILE.toml``.

    Raises:
        InputError: an unknown name, an unreadable or invalid file.
    """
    for entry in _folder().iterdir():
        if entry.name.endswith(".toml") and _stem_name(entry.name[:-5]) == ref:
            return parse(entry.read_text(encoding="utf-8"), ref, f"lesson {ref}")
    path = Path(ref)
    if path.suffix != ".toml" and not path.exists():
        raise InputError(
            f"unknown lesson {ref!r}: see torchplay learn for the list, or give a FILE.toml"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read lesson {ref!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"lesson {ref!r} is not UTF-8 text") from None
    return dataclasses.replace(parse(text, _stem_name(path.stem), ref), path=ref)


def value(spec: Spec, field: str) -> Any:
    """A dotted field's value in ``spec``."""
    section, _, name = field.partition(".")
    return getattr(getattr(spec, section), name)


def check_locks(lesson: Lesson, spec: Spec) -> list[str]:
    """The locked and hidden fields whose value in ``spec`` differs from the lesson's start,
    each as ``field = value (the lesson's: start)``."""
    out = []
    for field in (*lesson.lock, *lesson.hide):
        mine, theirs = value(spec, field), value(lesson.spec, field)
        if mine != theirs:
            out.append(f"{field} = {mine!r} (the lesson's: {theirs!r})")
    return out


__all__ = ["Lesson", "SpecError", "builtin", "builtin_names", "check_locks", "load", "parse"]
