"""Input features and painted points as spec values: names, checks, normal forms. No torch.

Features (TF Playground's input choices) are computed from the raw inputs ``x1`` and
``x2``; ``()`` means the raw inputs themselves, so the tutorial's runs are unchanged.
Painted points replace generated data: ``[x, y]`` for regression, ``[x1, x2, class]`` for
classification. The torch side of both lives in :mod:`torchplay.engine.train.features` and
:mod:`torchplay.engine.train.data`.
"""

from __future__ import annotations

import math
from typing import Any

from torchplay.engine.run.errors import SpecError

FEATURES: dict[str, int] = {
    "x1": 1,
    "x2": 2,
    "x1sq": 1,
    "x2sq": 2,
    "x1x2": 2,
    "sinx1": 1,
    "sinx2": 2,
    "cosx1": 1,
    "cosx2": 2,
}
"""Feature names, each with the number of raw inputs it needs (``x2`` needs two)."""

MAX_POINTS = 10_000
"""The most painted points a spec holds."""

Point = tuple[float, ...]


def _error(field: str, value: Any, allowed: str) -> SpecError:
    return SpecError(field, value, allowed)


def names_for(n_inputs: int) -> tuple[str, ...]:
    """The feature names that data with ``n_inputs`` raw inputs can use."""
    return tuple(name for name, need in FEATURES.items() if need <= n_inputs)


def parse_features(value: Any) -> tuple[str, ...]:
    """Normal form of ``data.features``: a tuple of known, distinct names.

    Accepts a list or tuple of names, or text ``a,b`` (the command line's form);
    ``raw`` or an empty text means the raw inputs.

    Raises:
        SpecError: an unknown or repeated name, naming it.
    """
    if isinstance(value, str):
        text = value.strip()
        value = () if text.lower() in ("", "raw") else [p.strip() for p in text.split(",")]
    if not isinstance(value, list | tuple):
        raise _error("data.features", value, "must be a list of feature names")
    known = ", ".join(FEATURES)
    for name in value:
        if not isinstance(name, str) or name not in FEATURES:
            raise _error("data.features", name, f"unknown feature; use {known}")
    if len(set(value)) != len(value):
        raise _error("data.features", list(value), "each feature at most once")
    return tuple(value)


def check_features(features: tuple[str, ...], n_inputs: int) -> None:
    """Refuse a feature that needs more raw inputs than the data has.

    Raises:
        SpecError: naming the feature and the names the data allows.
    """
    for name in features:
        if FEATURES[name] > n_inputs:
            allowed = ", ".join(names_for(n_inputs))
            raise _error(
                "data.features", name, f"needs 2 inputs; data with {n_inputs} allows {allowed}"
            )


def width(features: tuple[str, ...], n_inputs: int) -> int:
    """The network's input width: the number of features, or the raw inputs."""
    return len(features) or n_inputs


FLOAT32_MAX = 3.4028234663852886e38
"""Painted coordinates beyond this would be inf in the float32 data (a run that diverges
at step 1), so they are refused with the rest."""


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(field, value, "must be a finite number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _error(field, value, "must be a finite number")
    if abs(value) > FLOAT32_MAX:  # an int too: math.isfinite(10**400) raises
        raise _error(field, value, "must be a finite float32 number (at most 3.4e38)")
    return float(value)


def _entry(i: int, raw: Any, task: str) -> Point:
    field = f"data.points[{i}]"
    keys = ("x", "y") if task == "regression" else ("x1", "x2", "class")
    if isinstance(raw, dict):
        if set(raw) != set(keys):
            raise _error(field, raw, f"needs exactly the keys {', '.join(keys)}")
        raw = [raw[k] for k in keys]
    if not isinstance(raw, list | tuple) or len(raw) != len(keys):
        form = "[x, y]" if task == "regression" else "[x1, x2, class]"
        raise _error(field, raw, f"a {task} point is {form}")
    values = [_number(field, v) for v in raw]
    if task == "regression":
        return (values[0], values[1])
    label = raw[2]
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < 20:
        raise _error(field, raw, "the class must be an integer from 0 to 19")
    return (values[0], values[1], label)


def parse_point(text: str) -> Point:
    """One painted point from text, the command line's form: ``x,y`` or ``x1,x2,class``
    (a whole number stays an int: a class). :func:`parse_points` checks its shape.

    Raises:
        SpecError: a part that is no number, naming ``data.points`` and the text.
    """
    out: list[float | int] = []
    for part in text.split(","):
        try:
            out.append(int(part) if part.strip().lstrip("-").isdigit() else float(part))
        except ValueError:
            raise _error("data.points", text, "use x,y or x1,x2,class with numbers") from None
    return tuple(out)


def parse_points(value: Any, task: str) -> tuple[Point, ...]:
    """Normal form of ``data.points`` for a dataset of ``task``.

    Accepts a list of ``[x, y]`` / ``[x1, x2, class]`` arrays or of tables with those
    keys (TOML ``[[data.points]]``).

    Raises:
        SpecError: too many points, or a bad entry, naming its index.
    """
    if not isinstance(value, list | tuple):
        raise _error("data.points", value, "must be a list of points")
    if len(value) > MAX_POINTS:
        raise _error("data.points", f"{len(value)} points", f"at most {MAX_POINTS}")
    return tuple(_entry(i, raw, task) for i, raw in enumerate(value))
