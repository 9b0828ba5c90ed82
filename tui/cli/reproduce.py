"""The ``torchplay train ...`` line that trains a spec again (the app's "copy as command").

Every field whose value differs from the ``regression`` scenario's becomes its flag from
:data:`torchplay.tui.cli.flags.SPEC_FLAGS`, quoted for a POSIX shell; parsed back by the
command line it gives the same spec (tested).
"""

from __future__ import annotations

import shlex

from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import Spec
from torchplay.tui.cli.flags import SPEC_FLAGS


def _value(spec: Spec, key: str):
    section, _, name = key.partition(".")
    return getattr(getattr(spec, section), name)


def _number(value: float | int) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _words(flag: str, key: str, value) -> list[str]:
    if isinstance(value, bool):
        return [flag if value else f"--no-{flag[2:]}"]
    if key == "data.points":
        return [flag, *(",".join(_number(v) for v in p) for p in value)]
    if key == "data.features":
        return [flag, ",".join(value) or "raw"]
    if key == "model.hidden":
        return [flag, ",".join(map(str, value)) or "none"]
    return [flag, _number(value) if isinstance(value, int | float) else str(value)]


def train_command(spec: Spec, steps: int | None = None) -> str:
    """``torchplay train`` with the flags that make ``spec`` (``steps``: the step count
    to train, when not the spec's own)."""
    base = get_scenario("regression")
    words = ["torchplay", "train"]
    if steps is not None and steps != spec.training.steps:
        spec = spec.with_overrides({"training.steps": steps})
    for flag, key, _ in SPEC_FLAGS:
        value = _value(spec, key)
        if value != _value(base, key) and value is not None:
            words += _words(flag, key, value)
    return shlex.join(words)
