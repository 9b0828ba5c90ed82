"""Checks of a checkpoint's ``surgery`` metadata (neuron surgery's frozen and killed
units), each refusal naming the field (as :mod:`.validation` does for the rest)."""

from __future__ import annotations

import math

from torchplay.engine.files.ckheader import CheckpointError
from torchplay.engine.files.validation import _json


def surgery(meta: dict, name: str) -> dict | None:
    """The frozen and killed units (metadata ``surgery``: ``Surgeon.state``), shaped as
    it writes them: ``frozen`` [[layer, unit]...], ``killed`` [[layer, unit, [w...]]...];
    whether those units exist the trainer checks when it loads them."""
    if "surgery" not in meta:
        return None
    raw = _json(meta, "surgery", name)
    bad = CheckpointError(f"{name!r}: metadata surgery is corrupt; use an older copy or retrain")
    if not isinstance(raw, dict) or set(raw) != {"frozen", "killed"}:
        raise bad
    if not (isinstance(raw["frozen"], list) and isinstance(raw["killed"], list)):
        raise bad
    pairs = [*raw["frozen"], *(k[:2] for k in raw["killed"] if isinstance(k, list))]
    whole = all(
        isinstance(p, list) and len(p) == 2 and all(type(v) is int for v in p) for p in pairs
    )
    weights = all(
        isinstance(k, list)
        and len(k) == 3
        and isinstance(k[2], list)
        and all(type(w) in (int, float) and math.isfinite(w) for w in k[2])
        for k in raw["killed"]
    )
    if not (whole and weights):
        raise bad
    return raw
