"""Sweep grids: ``KEY=V1,V2,...`` axes, their product, and its limits. No torch.

An axis names any dotted spec key that :meth:`Spec.with_overrides` accepts. Values are
typed by the field they set: integers also take ranges ``a..b`` (inclusive), floats also
take log ranges ``lo:hi:n`` (n values from lo to hi, evenly spaced in log), and
``model.hidden`` takes ``none`` or widths joined by ``x`` (``32x16``), since the comma
separates values; ``model.activation`` and ``model.dropout`` take one value per hidden
layer joined by ``/`` (``relu/tanh``, ``0.1/0``). Every value is validated against the base spec before any work starts.

A spec file's ``[sweep]`` table gives axes too (:func:`parse_grid`'s ``table``): each entry
is a key and a TOML list of values (``"training.lr" = [0.05, 0.1]``, ``model.hidden =
[[8], [8, 8]]``) or a string in the ``--grid`` grammar (``"data.seed" = "1..4"``).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.modelspec import parse_activation, parse_dropout
from torchplay.engine.run.spec import SECTIONS, Spec, SpecError, parse_hidden

MAX_MEMBERS = 100_000
"""The most members a sweep may have."""


PER_LAYER = {"model.activation": parse_activation, "model.dropout": parse_dropout}
"""Keys whose values may give one entry per hidden layer, joined by ``/`` in a grid
(the comma separates values)."""


class GridError(InputError):
    """A grid axis or the grid as a whole cannot be used; the message names the key."""


@dataclass(frozen=True)
class Axis:
    """One ``--grid`` key and its values, in the order given."""

    key: str
    """The dotted spec key, e.g. ``training.lr``."""
    values: tuple[Any, ...]
    """The typed values (tuples for ``model.hidden``)."""


@dataclass(frozen=True)
class Member:
    """One run of a sweep: its place in the grid, its overrides and its full spec."""

    index: int
    """Position in the grid's product (the first axis varies slowest)."""
    overrides: dict[str, Any]
    """KEY -> value for each axis (JSON-ready: hidden widths as lists)."""
    spec: Spec
    """The validated spec of this run."""


def _field(key: str, text: str) -> dataclasses.Field:
    section, _, name = key.partition(".")
    if section in SECTIONS:
        for f in dataclasses.fields(SECTIONS[section]):
            if f.name == name:
                return f
    raise GridError(
        f"--grid {key}={text}: unknown key {key!r}; use a dotted spec key such as "
        "training.lr, data.seed, model.activation or model.hidden"
    )


def _int_values(key: str, token: str) -> list[int] | range:
    if ".." in token:
        lo, _, hi = token.partition("..")
        try:
            a, b = int(lo), int(hi)
        except ValueError:
            raise GridError(f"--grid {key}: range {token!r} needs integers, e.g. 1..4") from None
        if b < a:
            raise GridError(f"--grid {key}: range {token!r} is empty; write it as low..high")
        if b - a >= MAX_MEMBERS:  # before range(): its len() overflows past 64 bits
            raise GridError(
                f"--grid {key}: range {token!r} has {b - a + 1:,} values, over the "
                f"{MAX_MEMBERS:,} limit; use a shorter range"
            )
        return range(a, b + 1)
    try:
        return [int(token)]
    except ValueError:
        raise GridError(f"--grid {key}: {token!r} is not an integer") from None


def _float_values(key: str, token: str) -> list[float]:
    if token.count(":") == 2:
        parts = token.split(":")
        try:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise GridError(
                f"--grid {key}: log range {token!r} must be lo:hi:n, e.g. 1e-3:1:4"
            ) from None
        if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi)) or n < 1:
            raise GridError(
                f"--grid {key}: log range {token!r} needs lo, hi > 0 and n >= 1, e.g. 1e-3:1:4"
            )
        if n > MAX_MEMBERS:
            raise GridError(f"--grid {key}: log range {token!r} has more than {MAX_MEMBERS} values")
        if n == 1:
            return [lo]
        step = (math.log(hi) - math.log(lo)) / (n - 1)
        return [float(f"{math.exp(math.log(lo) + i * step):.6g}") for i in range(n)]
    try:
        return [float(token)]
    except ValueError:
        raise GridError(f"--grid {key}: {token!r} is not a number") from None


def _typed(key: str, token: str, default: Any) -> list[Any] | range:
    if key in PER_LAYER:  # one value per hidden layer joined by "/": relu/tanh, 0.1/0
        try:
            return [PER_LAYER[key](token.replace("/", ","))]
        except SpecError as exc:
            raise GridError(f"--grid {key}: {exc} (write relu/tanh for one per layer)") from None
    if key == "model.hidden":
        try:
            return [parse_hidden(token.replace("x", ","))]
        except SpecError as exc:
            raise GridError(f"--grid {key}: {exc} (write 32x16 for two layers)") from None
    if isinstance(default, bool):
        if token.lower() not in ("true", "false"):
            raise GridError(f"--grid {key}: {token!r} must be true or false")
        return [token.lower() == "true"]
    if isinstance(default, int):
        return _int_values(key, token)
    if isinstance(default, float):
        return _float_values(key, token)
    return [token]


def parse_axis(text: str, base: Spec) -> Axis:
    """One ``KEY=V1,V2,...`` argument, each value checked against ``base``.

    Raises:
        GridError: no ``=``, an unknown key, an empty list, an unparsable or invalid value.
    """
    key, eq, rest = text.partition("=")
    key = key.strip()
    if not eq or not key:
        raise GridError(f"--grid {text!r}: write KEY=V1,V2,... e.g. training.lr=0.05,0.1")
    f = _field(key, rest)
    tokens = [t.strip() for t in rest.split(",")]
    if not rest.strip() or any(not t for t in tokens):
        raise GridError(f"--grid {key}: empty value in {rest!r}; list values like {key}=A,B")
    default = getattr(getattr(base, key.partition(".")[0]), f.name)
    chunks = [_typed(key, t, default) for t in tokens]
    count = sum(len(c) for c in chunks)
    if count > MAX_MEMBERS:
        raise GridError(f"--grid {key}: {count:,} values is over the {MAX_MEMBERS:,} limit")
    values = tuple(itertools.chain.from_iterable(chunks))
    for v in dict.fromkeys(values):
        try:
            base.with_overrides({key: v})
        except SpecError as exc:
            raise GridError(f"--grid {key}: {exc}") from None
    return Axis(key, values)


def parse_grid(
    texts: list[str], base: Spec, table: dict[str, Any] | None = None, where: str = "[sweep]"
) -> list[Axis]:
    """All ``--grid`` arguments (a key may appear once) over a ``[sweep]`` ``table``'s
    axes: the table's keys come first, in its order; a ``--grid`` for one of them replaces
    its values, other ``--grid`` keys are added after. ``where`` names the table in errors
    (``spec.toml [sweep]``).

    Raises:
        GridError: see :func:`parse_axis` and :func:`table_texts`; a repeated key; no axis;
            a product over :data:`MAX_MEMBERS` (checked before any spec is built).
    """
    axes = [_table_axis(text, base, where) for text in table_texts(table or {}, where)]
    seen: set[str] = set()
    for axis in axes:  # training.lr = [...] and "training.lr" = [...] are two TOML keys
        if axis.key in seen:
            raise GridError(f"{where} {axis.key}: given twice; list all its values once")
        seen.add(axis.key)
    given: dict[str, Axis] = {}
    for text in texts:
        axis = parse_axis(text, base)
        if axis.key in given:
            raise GridError(f"--grid {axis.key}: given twice; list all its values in one --grid")
        given[axis.key] = axis
    axes = [given.pop(a.key, a) for a in axes] + list(given.values())
    if not axes:
        other = (
            f"{where} has no keys" if where != "[sweep]" else "or a [sweep] table in a FILE.toml"
        )
        raise GridError(
            f"--grid: give at least one axis, e.g. --grid training.lr=0.05,0.1 ({other})"
        )
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_MEMBERS:
        dims = " x ".join(f"{a.key} {len(a.values)}" for a in axes)
        raise GridError(
            f"--grid: {size:,} members ({dims}) is over the {MAX_MEMBERS:,} limit; use fewer values"
        )
    return axes


def table_texts(table: dict[str, Any], where: str = "[sweep]") -> list[str]:
    """A ``[sweep]`` table's entries as ``KEY=V1,V2`` texts, in the table's order; a
    nested table (``training.lr = [...]`` unquoted, as TOML reads it) gives dotted keys.

    Raises:
        GridError: an empty list, or a value that is neither a list, a string nor a
            number or boolean, naming ``where`` and the key.
    """
    out = []
    for key, value in table.items():
        if isinstance(value, dict) and "." not in key:  # a section: training.lr = [...]
            out += table_texts({f"{key}.{k}": v for k, v in value.items()}, where)
            continue
        if isinstance(value, list):
            if not value:
                raise GridError(f'{where} {key}: empty list; give values like "{key}" = [A, B]')
            tokens = [_token(key, v, where) for v in value]
        else:
            tokens = [value if isinstance(value, str) else _token(key, value, where)]
        out.append(f"{key}={','.join(tokens)}")
    return out


def _token(key: str, value: Any, where: str) -> str:
    """One TOML value as a ``--grid`` value (a list of integers: ``model.hidden`` widths)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value.replace(",", "/") if key in PER_LAYER else value
    if key in PER_LAYER and isinstance(value, list) and value:  # [0.1, 0]: one per layer
        return "/".join(_token(key, v, where) for v in value)
    if isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return "x".join(map(str, value)) or "none"
    raise GridError(
        f"{where} {key}: {value!r} is not a list, string, number or boolean; give a list "
        'like [0.05, 0.1] or a string like "1..4"'
    )


def _table_axis(text: str, base: Spec, where: str) -> Axis:
    """:func:`parse_axis` of a table entry, its errors naming the table, not ``--grid``."""
    try:
        return parse_axis(text, base)
    except GridError as exc:
        raise GridError(f"{where} {str(exc).removeprefix('--grid ')}") from None


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def members(axes: list[Axis], base: Spec, fixed: dict[str, Any] | None = None) -> list[Member]:
    """The grid's product over ``base`` (with ``fixed`` overrides applied to all).

    Raises:
        GridError: a combination the spec refuses (e.g. a batch size over the samples),
            naming the member's values.
    """
    out = []
    keys = [a.key for a in axes]
    for index, combo in enumerate(itertools.product(*(a.values for a in axes))):
        overrides = dict(zip(keys, combo, strict=True))
        try:
            spec = base.with_overrides({**(fixed or {}), **overrides})
        except SpecError as exc:
            where = ", ".join(f"{k}={_plain(v)}" for k, v in overrides.items())
            raise GridError(f"--grid member {where}: {exc}") from None
        out.append(Member(index, {k: _plain(v) for k, v in overrides.items()}, spec))
    return out
