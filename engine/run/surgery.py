"""Neuron surgery entries: what ``training.surgery`` holds, as text and as data. Torch-free.

One entry does one thing to one hidden unit after a given step (step 0: before training):

* ``kill``: zero the unit's outgoing weights and hold them at zero;
* ``freeze``: no updates to the unit's incoming weights and bias;
* ``revive``: undo both (a killed unit gets back the outgoing weights it had when killed);
* ``bias=V``, ``inI=V``, ``outJ=V``: set its bias, its incoming weight from unit ``I``
  of the layer before (an input feature for layer 1), or its outgoing weight to unit
  ``J`` of the layer after (an output for the last hidden layer).

The text form, on the command line (``--surgery``) and in TOML (``surgery = [...]``), is
``STEP:LAYER:UNIT:ACTION[=VALUE]``; layers and units count from 1, as the neuron view
shows them (``200:1:3:kill``, ``0:2:1:freeze``, ``50:1:4:in2=-0.5``). TOML also takes
tables: ``{step = 200, layer = 1, unit = 3, action = "kill"}``. Which layers, units and
weights exist is checked when the run is built (:func:`check_shape`), where the data's
width is known.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.errors import SpecError

ACTIONS = ("kill", "freeze", "revive", "bias", "in", "out")
"""What an entry does; ``bias``, ``in`` and ``out`` set a value."""
FIELD = "training.surgery"
FORM = "use STEP:LAYER:UNIT:ACTION with ACTION kill, freeze, revive, bias=V, inI=V or outJ=V"
MAX_ENTRIES = 1000
MAX_STEP = 100_000_000

_TEXT = re.compile(r"^\s*(\d+):(\d+):(\d+):([a-z]+)(\d*)(?:=(\S+))?\s*$")


@dataclass(frozen=True)
class Surgery:
    """One surgery on one hidden unit, after ``step`` steps."""

    step: int
    """Applied right after this step (0: before the first)."""
    layer: int
    """The hidden layer, from 1."""
    unit: int
    """The unit in its layer, from 1."""
    action: str
    """kill, freeze, revive, bias, in or out (:data:`ACTIONS`)."""
    index: int = 0
    """``in``/``out``: which weight, from 1 (the unit before or after); else 0."""
    value: float = 0.0
    """``bias``/``in``/``out``: the value set; else 0."""

    @property
    def edits(self) -> bool:
        """Whether it sets a value (``bias``, ``in``, ``out``)."""
        return self.action in ("bias", "in", "out")

    @property
    def what(self) -> str:
        """The action as text: ``kill``, ``in2=-0.5``."""
        if not self.edits:
            return self.action
        index = str(self.index) if self.action != "bias" else ""
        return f"{self.action}{index}={self.value!r}"

    @property
    def text(self) -> str:
        """The entry's text form, which :func:`parse_surgery` reads back."""
        return f"{self.step}:{self.layer}:{self.unit}:{self.what}"

    def describe(self) -> str:
        """In words: ``after step 200, layer 1 unit 3: kill``."""
        return f"after step {self.step}, layer {self.layer} unit {self.unit}: {self.what}"


def _bad(value: Any, why: str = FORM) -> SpecError:
    return SpecError(FIELD, value, why)


def parse_surgery(text: str) -> Surgery:
    """One entry from its text form, ``STEP:LAYER:UNIT:ACTION[=VALUE]``.

    Raises:
        SpecError: naming ``training.surgery`` and the text.
    """
    m = _TEXT.match(text) if isinstance(text, str) else None
    if m is None:
        raise _bad(text)
    step, layer, unit, action, index, value = m.groups()
    return make(text, int(step), int(layer), int(unit), action, index, value)


def make(shown: Any, step, layer, unit, action, index="", value=None) -> Surgery:
    """A checked entry from its parts (``shown`` names it in an error).

    Raises:
        SpecError: a part out of range, an unknown action, a value missing or extra.
    """
    for name, n, lo in (("step", step, 0), ("layer", layer, 1), ("unit", unit, 1)):
        if isinstance(n, bool) or not isinstance(n, int) or not lo <= n <= MAX_STEP:
            raise _bad(shown, f"{name} must be an integer from {lo} to {MAX_STEP}")
    if action not in ACTIONS:
        raise _bad(shown, f"unknown action {action!r}; {FORM}")
    edits = action in ("bias", "in", "out")
    if edits != (value is not None):
        need = "needs =VALUE" if edits else "takes no value"
        raise _bad(shown, f"{action} {need}; {FORM}")
    needs_index = action in ("in", "out")
    if needs_index != bool(index):
        raise _bad(shown, f"{action}I=V names a weight from 1" if needs_index else FORM)
    number = _number(shown, value) if edits else 0.0
    i = int(index) if index else 0
    if needs_index and i < 1:
        raise _bad(shown, "weights count from 1")
    return Surgery(step, layer, unit, action, i, number)


def _number(shown: Any, value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise _bad(shown, "the value must be a number") from None
    if isinstance(value, bool) or not math.isfinite(out):
        raise _bad(shown, "the value must be a finite number")
    return out


def _entry(raw: Any) -> Surgery:
    if isinstance(raw, Surgery):
        return raw
    if isinstance(raw, str):
        return parse_surgery(raw)
    if isinstance(raw, dict):
        keys = {"step", "layer", "unit", "action", "value"}
        if not {"step", "layer", "unit", "action"} <= set(raw) <= keys:
            raise _bad(raw, "a table needs step, layer, unit and action (and value to set one)")
        action = raw["action"]
        m = re.fullmatch(r"([a-z]+)(\d*)", action) if isinstance(action, str) else None
        if m is None:
            raise _bad(raw, f"unknown action {action!r}; {FORM}")
        return make(raw, raw["step"], raw["layer"], raw["unit"], *m.groups(), raw.get("value"))
    raise _bad(raw)


def parse_surgeries(value: Any) -> tuple[Surgery, ...]:
    """The normal form of ``training.surgery``: entries in step order (a stable sort:
    entries of one step apply in the order given).

    Raises:
        SpecError: not a list, too many entries, or a bad entry (naming it).
    """
    if not isinstance(value, list | tuple):
        raise _bad(value, "must be a list of STEP:LAYER:UNIT:ACTION entries")
    if len(value) > MAX_ENTRIES:
        raise _bad(f"{len(value)} entries", f"at most {MAX_ENTRIES}")
    return tuple(sorted((_entry(raw) for raw in value), key=lambda s: s.step))


def show(entries: tuple[Surgery, ...]) -> str:
    """The entries as text (the field's value in references), ``none`` when empty."""
    return " ".join(s.text for s in entries) or "none"


def check_shape(entries: tuple[Surgery, ...], widths: list[int]) -> None:
    """Each entry names a unit and weight the network has. ``widths`` are the layer
    widths from the inputs to the outputs (inputs, hidden..., outputs).

    Raises:
        SpecError: naming the entry and what the network has.
    """
    hidden = widths[1:-1]
    for s in entries:
        if s.layer > len(hidden):
            raise _bad(s.text, f"layer {s.layer}: the network has {len(hidden)} hidden layers")
        if s.unit > hidden[s.layer - 1]:
            n = hidden[s.layer - 1]
            raise _bad(s.text, f"unit {s.unit}: hidden layer {s.layer} has {n} units")
        if s.action in ("in", "out"):
            n = widths[s.layer - 1] if s.action == "in" else widths[s.layer + 1]
            if s.index > n:
                side = "incoming" if s.action == "in" else "outgoing"
                raise _bad(s.text, f"{s.action}{s.index}: the unit has {n} {side} weights")
