"""Where a run's spec comes from: plain data, a TOML document, or a SOURCE argument. No torch.

A SOURCE (``torchplay train SOURCE``, ``torchplay tui SOURCE``, the app's first run) is a
scenario name, a spec ``FILE.toml`` or, where a run can be loaded, a checkpoint.
:func:`resolve` is the one place that decides which; the command line and the app both
call it.

A spec file may also hold a ``[sweep]`` table: the grid ``torchplay sweep FILE.toml`` and
the app's sweep screen start from (:func:`torchplay.engine.run.grid.parse_grid`). It is not part
of the spec: :func:`from_toml` leaves it out, so ``train``, ``tui`` and the rest ignore it;
:func:`resolve` hands it over in :attr:`Source.sweep`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchplay.engine.run.dataspec import DATASETS, REGRESSION_DATASETS
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.spec import SECTIONS, Spec, SpecError


def from_dict(raw: dict[str, Any], base: Spec | None = None) -> Spec:
    """Build a spec from plain data, over ``base`` (default: the ``regression`` scenario).

    A top-level ``scenario = "NAME"`` key starts from that built-in scenario instead.

    Raises:
        SpecError: on unknown keys, wrong types or out-of-range values.
    """
    if not isinstance(raw, dict):
        raise SpecError("spec", raw, "must be a table")
    raw = dict(raw)
    if "scenario" in raw:
        base = get_scenario(raw.pop("scenario"))
    spec = base or get_scenario("regression")
    overrides: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "name":
            if not isinstance(value, str):
                raise SpecError("name", value, "must be a string")
            overrides["name"] = value
            continue
        if key not in SECTIONS:
            raise SpecError(key, value, "unknown key; sections are data, model, training")
        if not isinstance(value, dict):
            raise SpecError(key, value, "must be a table")
        for name, item in value.items():
            overrides[f"{key}.{name}"] = item
    return spec.with_overrides(overrides)


SWEEP = "sweep"
"""The TOML table holding a sweep's grid, beside the spec's sections."""
SEARCH_KEYS = ("search", "trials", "search_seed", "parallel", "space")
"""The ``[sweep]`` keys that describe a search (:mod:`torchplay.engine.run.searchplan`),
not a grid axis: :class:`Source` hands them over apart."""


def _parse(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A TOML document's spec part and its ``[sweep]`` table (empty when there is none).

    Raises:
        SpecError: invalid TOML, or a ``sweep`` that is not a table.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError("toml", "<file>", f"invalid TOML syntax ({exc})") from None
    except RecursionError:
        raise SpecError("toml", "<file>", "arrays or tables nested too deeply") from None
    sweep = raw.pop(SWEEP, {})
    if not isinstance(sweep, dict):
        raise SpecError(SWEEP, sweep, 'must be a table, e.g. [sweep] "training.lr" = [0.05, 0.1]')
    return raw, sweep


def from_toml(text: str, base: Spec | None = None) -> Spec:
    """Parse a TOML document into a spec (see :func:`from_dict`); a ``[sweep]`` table is
    not part of it and is left out.

    Raises:
        SpecError: on invalid TOML or an invalid field.
    """
    return from_dict(_parse(text)[0], base)


@dataclass(frozen=True)
class Source:
    """What a SOURCE argument named."""

    spec: Spec
    """The spec to show or train (the ``regression`` scenario while a checkpoint loads)."""
    checkpoint: str | None = None
    """A checkpoint path to load, when the SOURCE was one."""
    sweep: dict[str, Any] = field(default_factory=dict)
    """The file's ``[sweep]`` table, as TOML read it (checked where a sweep uses it),
    less its search keys."""
    search: dict[str, Any] = field(default_factory=dict)
    """The ``[sweep]`` table's :data:`SEARCH_KEYS` (a search's method, trials, space)."""


def resolve(source: str, checkpoints: bool = False) -> Source:
    """A scenario name, a spec ``FILE.toml`` or (with ``checkpoints``) a checkpoint file.

    Only reads a TOML file; a checkpoint is loaded later by whoever owns torch.

    Raises:
        InputError: an unknown name, an unreadable file or an invalid spec, in one line
            that names the SOURCE.
    """
    if source in SCENARIOS:
        return Source(get_scenario(source))
    path = Path(source)
    if checkpoints and path.is_file() and path.suffix != ".toml":
        return Source(get_scenario("regression"), source)
    if path.suffix == ".toml" or path.exists():
        return _read_toml(path, source)
    if path.suffix or "/" in source:
        raise InputError(f"file {source!r} does not exist: check the path")
    if source in DATASETS:  # `train circles`: a dataset where a scenario goes
        scenario = "regression" if source in REGRESSION_DATASETS else "classification"
        raise InputError(
            f"unknown scenario {source!r}: it is a dataset; try {scenario} --dataset {source}"
        )
    raise InputError(
        f"unknown scenario {source!r}: use one of {', '.join(SCENARIOS)} or a FILE.toml"
    )


def _read_toml(path: Path, source: str) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read spec {source!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"spec {source!r} is not UTF-8 text") from None
    try:
        raw, sweep = _parse(text)
        spec = from_dict(raw)
    except SpecError as exc:
        raise InputError(f"{source}: {exc}") from None
    if spec.name in SCENARIOS and spec != get_scenario(spec.name):
        spec = dataclasses.replace(spec, name=path.stem)  # no longer that scenario
    search = {k: sweep.pop(k) for k in SEARCH_KEYS if k in sweep}
    return Source(spec, sweep=sweep, search=search)
