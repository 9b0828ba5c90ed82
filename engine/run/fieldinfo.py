"""One source for what each spec field looks like outside the dataclass: its flag, metavar,
help text, panel label, the characters a typed value may hold, and its parser from text.

Every field of the spec dataclasses is declared with :func:`fieldinfo`, which puts a
:class:`FieldInfo` in ``dataclasses.field(metadata=...)``. The command line's flags
(``tui/cli/flags.py``) and the app's panel (``tui/app/widgets/panel.py``) are derived from
it, and :func:`torchplay.engine.run.spec.spec_fields` lists every field with its info (for
tests and generated references). Torch-free.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

INFO = "torchplay"
"""The key of a field's :class:`FieldInfo` in its ``dataclasses.Field.metadata``."""

INTEGER = frozenset("0123456789")
"""What a whole number is typed with (every integer field is >= 0)."""
NUMBER = frozenset("0123456789.-+eE")
"""What a real number is typed with: ``0.5``, ``1e-3``, ``2E+1``."""
WIDTHS = frozenset("0123456789,")
"""What layer widths are typed with: ``32,16``."""
BOOL = frozenset("truefalseonyes01")
"""What an on/off value is typed with: ``true``, ``off``, ``1``."""
POINTS = frozenset("0123456789.-+eE, ")
"""What painted points are typed with: ``0.5,0.5,0 -0.5,0.25,1``."""


def letters(*words: str, extra: str = "") -> frozenset[str]:
    """The characters of ``words`` and ``extra``: what a field of those names is typed with."""
    return frozenset("".join(words) + extra)


def show_value(value: Any) -> str:
    """A value as text: ``none``, ``on``/``off``, ``32,16`` for a tuple, else ``str``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "none"
    return str(value)


def parse_bool(text: str) -> bool:
    """``true``/``on``/``yes``/``1`` or ``false``/``off``/``no``/``0``.

    Raises:
        ValueError: anything else.
    """
    word = text.strip().lower()
    if word in ("true", "on", "yes", "1"):
        return True
    if word in ("false", "off", "no", "0"):
        return False
    raise ValueError(f"{text!r} is not true or false")


@dataclass(frozen=True)
class FieldInfo:
    """How a spec field is named, typed, shown and read outside the dataclass."""

    flag: str
    """Its command-line flag, e.g. ``--lr``."""
    metavar: str | None
    """The flag's value in ``--help`` (``F``, ``N``, ``NAME``); None for an on/off switch
    (``--nesterov``/``--no-nesterov``)."""
    help: str
    """One line for ``--help`` (the default is added there)."""
    label: str
    """Its short name in the app's panel and in references (``test frac``)."""
    chars: frozenset[str] | None
    """The characters a typed value may hold; None: any (a path, a column name)."""
    parse: Callable[[str], Any]
    """Text (one flag value, one panel field) to the field's value; raises ValueError
    (a :class:`SpecError` for a value the field refuses) on bad text."""
    show: Callable[[Any], str] = show_value
    """The field's value as text; ``parse(show(v)) == v``."""
    choices: tuple[str, ...] = ()
    """The names a choice field takes (the panel shows a list)."""
    blank: tuple[str, Any] | None = None
    """What an empty panel field means: (placeholder text, value), e.g. ("none", ())."""
    nargs: str | None = None
    """``+`` for a field given as several flag values (``--points P P``)."""

    @property
    def switch(self) -> bool:
        """Whether the flag is an on/off switch (a bool field)."""
        return self.metavar is None

    def text(self, value: Any) -> str:
        """What the panel shows for ``value``: empty where it is the blank's value."""
        if self.blank is not None and value == self.blank[1]:
            return ""
        return self.show(value)

    def read(self, text: str) -> Any:
        """The value of a panel field's ``text`` (empty: the blank's value)."""
        if self.blank is not None and not text.strip():
            return self.blank[1]
        return self.parse(text)

    def default_text(self, value: Any) -> str:
        """``value`` as ``--help`` shows a default: the blank's words where it applies."""
        if self.blank is not None and value == self.blank[1]:
            return self.blank[0]
        return self.show(value)


def fieldinfo(
    default: Any = dataclasses.MISSING,
    *,
    default_factory: Any = dataclasses.MISSING,
    **info: Any,
) -> Any:
    """A dataclass field with a default and a :class:`FieldInfo` built from ``info``.

    Example: ``lr: float = fieldinfo(0.2, flag="--lr", metavar="F", help="learning rate",
    label="lr", chars=NUMBER, parse=float)``.
    """
    return dataclasses.field(
        default=default, default_factory=default_factory, metadata={INFO: FieldInfo(**info)}
    )


def info_of(field: dataclasses.Field) -> FieldInfo:
    """The :class:`FieldInfo` of a spec dataclass field.

    Raises:
        KeyError: the field was declared without :func:`fieldinfo`.
    """
    return field.metadata[INFO]
