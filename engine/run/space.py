"""Search spaces: ``KEY=lo:hi[:log]`` and ``KEY=a,b,c`` dimensions, and random samples. No torch.

A dimension names any dotted spec key that :meth:`Spec.with_overrides` accepts, typed by
the field it sets: a range ``lo:hi`` (``lo:hi:log`` to sample evenly in log) on an integer
key samples integers, on a float key floats; a list ``a,b,c`` is categorical, each value
in the ``--grid`` grammar (``model.hidden=8,16x16,none``). Both bounds and every choice are
validated against the base spec before any work starts.

A sampled float is rounded to 6 significant digits (the digits ``--grid``'s log ranges
keep), so a trial's ``overrides`` in ``sweep.json`` are exactly what it trained with.
:func:`random_trials` draws trials from a seeded :class:`random.Random`: the same seed, the
same trials, on any machine.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import GridError, parse_axis
from torchplay.engine.run.spec import SECTIONS, Spec, SpecError

FLOAT, INT, CHOICE = "float", "int", "choice"
"""The kinds of a :class:`Dim`."""


class SpaceError(InputError):
    """A search dimension or option cannot be used; the message names the key."""


@dataclass(frozen=True)
class Dim:
    """One dimension of a search space."""

    key: str
    """The dotted spec key, e.g. ``training.lr``."""
    kind: str
    """:data:`FLOAT` or :data:`INT` (a range), or :data:`CHOICE` (a list)."""
    lo: float = 0.0
    """A range's lower bound (inclusive)."""
    hi: float = 0.0
    """A range's upper bound (inclusive)."""
    log: bool = False
    """A range sampled evenly in log space."""
    choices: tuple[Any, ...] = ()
    """A list's typed values, in the order given (tuples for ``model.hidden``)."""

    @property
    def texts(self) -> tuple[str, ...]:
        """The choices as ``--grid`` writes them (``relu``, ``8x8``, ``none``, ``true``)."""
        return tuple(text(v) for v in self.choices)

    def to_json(self) -> dict[str, Any]:
        """The dimension as plain data (``sweep.json``'s ``search.space``)."""
        if self.kind == CHOICE:
            return {"key": self.key, "choices": [plain(v) for v in self.choices]}
        lo, hi = (int(self.lo), int(self.hi)) if self.kind == INT else (self.lo, self.hi)
        return {"key": self.key, "low": lo, "high": hi, "log": self.log}

    def value(self, raw: Any) -> Any:
        """A sampled ``raw`` value as the spec takes it: a float rounded to 6 significant
        digits and kept in range, an integer as an int, a choice's text as its value."""
        if self.kind == CHOICE:
            return self.choices[self.texts.index(raw)] if isinstance(raw, str) else raw
        if self.kind == INT:
            return int(min(self.hi, max(self.lo, round(raw))))
        return min(self.hi, max(self.lo, float(f"{raw:.6g}")))


def text(value: Any) -> str:
    """A value as ``--grid`` writes it: ``tanh``, ``0.05``, ``true``, ``8x8``, ``none``."""
    if isinstance(value, list | tuple):
        return "x".join(map(str, value)) or "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def plain(value: Any) -> Any:
    """A typed value as JSON takes it (hidden widths as a list)."""
    return list(value) if isinstance(value, tuple) else value


def _default(key: str, rest: str, base: Spec) -> Any:
    section, _, name = key.partition(".")
    if section in SECTIONS and name in {f.name for f in dataclasses.fields(SECTIONS[section])}:
        return getattr(getattr(base, section), name)
    raise SpaceError(
        f"--space {key}={rest}: unknown key {key!r}; use a dotted spec key such as "
        "training.lr, training.l2, model.activation or model.hidden"
    )


def _bound(key: str, token: str, integer: bool) -> float:
    try:
        value = float(token)
    except ValueError:
        raise SpaceError(f"--space {key}: bound {token!r} is not a number") from None
    if not math.isfinite(value):
        raise SpaceError(f"--space {key}: bound {token!r} must be a finite number")
    if integer and not value.is_integer():
        raise SpaceError(f"--space {key}: bound {token!r} is not an integer ({key} is one)")
    return value


def _range(key: str, rest: str, default: Any, base: Spec) -> Dim:
    parts = [p.strip() for p in rest.split(":")]
    if isinstance(default, bool) or not isinstance(default, int | float):
        shown = "true,false" if isinstance(default, bool) else "A,B"
        raise SpaceError(
            f"--space {key}: a range lo:hi needs a numeric key; list its choices: {key}={shown}"
        )
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2].lower() != "log"):
        raise SpaceError(f"--space {key}: write lo:hi or lo:hi:log, e.g. {key}=1e-3:1:log")
    integer = isinstance(default, int)
    lo, hi = (_bound(key, p, integer) for p in parts[:2])
    log = len(parts) == 3
    if lo >= hi:
        raise SpaceError(f"--space {key}: lo {parts[0]} must be below hi {parts[1]}")
    if log and lo <= 0:
        raise SpaceError(f"--space {key}: a log range needs lo > 0, not {parts[0]}")
    for bound in (lo, hi):
        try:
            base.with_overrides({key: int(bound) if integer else bound})
        except SpecError as exc:
            raise SpaceError(f"--space {key}: {exc}") from None
    return Dim(key, INT if integer else FLOAT, lo, hi, log)


def parse_dim(text_: str, base: Spec) -> Dim:
    """One ``--space`` argument, checked against ``base``: ``KEY=lo:hi[:log]`` (a range)
    or ``KEY=a,b,c`` (a list; one value fixes the key).

    Raises:
        SpaceError: no ``=``, an unknown key, a bad bound (not a number, lo >= hi, a log
            range from lo <= 0, a value the spec refuses), a range on a non-numeric key,
            or a bad choice; each naming the key.
    """
    key, eq, rest = text_.partition("=")
    key, rest = key.strip(), rest.strip()
    if not eq or not key or not rest:
        raise SpaceError(
            f"--space {text_!r}: write KEY=lo:hi[:log] or KEY=A,B,... e.g. training.lr=1e-3:1:log"
        )
    default = _default(key, rest, base)
    if ":" in rest and "," not in rest:
        return _range(key, rest, default, base)
    try:
        axis = parse_axis(f"{key}={rest}", base)
    except GridError as exc:
        raise SpaceError(f"--space {str(exc).removeprefix('--grid ')}") from None
    return Dim(key, CHOICE, choices=tuple(dict.fromkeys(axis.values)))


def draw(dim: Dim, rng: random.Random) -> Any:
    """One value of ``dim`` from ``rng`` (uniform, or uniform in log)."""
    if dim.kind == CHOICE:
        return dim.choices[rng.randrange(len(dim.choices))]
    lo, hi = dim.lo, dim.hi
    if dim.kind == INT:
        lo, hi = lo - 0.5, hi + 0.5  # each integer gets an equal share (in log: its own)
    u = rng.random()
    raw = (
        math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        if dim.log
        else lo + u * (hi - lo)
    )
    return dim.value(raw)


def random_trials(space: list[Dim], count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` trials, each a KEY -> value dict in the space's order, drawn with
    :func:`draw` from ``random.Random(seed)``."""
    rng = random.Random(seed)
    return [{d.key: draw(d, rng) for d in space} for _ in range(count)]
