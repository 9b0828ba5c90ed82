"""Crafted variants of the newer checkpoint metadata (issue 23, round 3): ``run``,
``forked_from``, the plateau ``schedule`` state, early stopping's ``best`` and the spec
fields they come with. Each is refused by info, predict, resume, export and the app's
preflight (tests/cli/test_corpus_surfaces.py), naming the field.
"""

from __future__ import annotations

import json

from tests.corpus_case import Case
from tests.corpus_checkpoints import _crafted, _early, _set

# -- crafted metadata of sweeps, forks, schedules and early stopping ------------------------


def _spec(change):
    def edit(tensors: dict, meta: dict) -> None:
        spec = json.loads(meta["spec"])
        change(spec)
        meta["spec"] = json.dumps(spec)

    return edit


def _best(meta_value: dict):
    """:func:`tests.corpus._early` with a ``best.flat`` of the right size (every weight)."""
    early = _early(meta_value)

    def change(tensors: dict, meta: dict) -> None:
        import torch

        early(tensors, meta)
        from torchplay.engine.files.validation import _flat_size

        shapes = [tuple(t.shape) for k, t in tensors.items() if k[0].isdigit()]
        tensors["best.flat"] = torch.zeros(_flat_size(shapes))

    return change


def _ck(name: str, needle: str, change) -> Case:
    return Case("checkpoint", name, needle, make=_crafted(change))


CHECKPOINTS = [
    _ck("run-empty", "run", _set("run", "")),
    _ck("run-control-chars", "run", _set("run", "a\x1b[2Jb")),
    _ck("run-huge", "run", _set("run", "a" * 10_000)),
    _ck("run-slash", "run", _set("run", "a/b")),
    _ck(
        "forked-from-step-huge", "forked_from", _set("forked_from", '{"run": "abc", "step": 1e300}')
    ),
    _ck("forked-from-step-text", "forked_from", _set("forked_from", '{"run": "abc", "step": "3"}')),
    _ck("forked-from-run-number", "forked_from", _set("forked_from", '{"run": 5, "step": 3}')),
    _ck("forked-from-list", "forked_from", _set("forked_from", "[]")),
    _ck("forked-from-extra", "forked_from", _set("forked_from", '{"run": "a", "step": 1, "x": 2}')),
    _ck(
        "schedule-drops-negative",
        "schedule",
        _early({"schedule": '{"drops": [-5], "best": null, "since": 0}'}),
    ),
    _ck(
        "schedule-since-negative",
        "schedule",
        _early({"schedule": '{"drops": [], "best": null, "since": -1}'}),
    ),
    _ck(
        "schedule-best-nan",
        "schedule",
        _early({"schedule": '{"drops": [], "best": NaN, "since": 0}'}),
    ),
    _ck("schedule-list", "schedule", _early({"schedule": "[1, 2]"})),
    _ck(
        "schedule-drops-past-step",
        "schedule",
        _early({"schedule": '{"drops": [99999], "best": null, "since": 0}'}),
    ),
    _ck("best-loss-nan", "best", _best({"best": '{"loss": NaN, "step": 2}'})),
    _ck("best-step-past-step", "best.step", _best({"best": '{"loss": 0.1, "step": 99999}'})),
    _ck("best-step-negative-2", "best", _best({"best": '{"loss": 0.1, "step": -2}'})),
    _ck("best-not-table", "best", _best({"best": "[0.1, 2]"})),
    _ck(
        "spec-patience-negative",
        "training.patience",
        _spec(lambda s: s["training"].update(patience=-1)),
    ),
    _ck(
        "spec-schedule-unknown",
        "training.schedule",
        _spec(lambda s: s["training"].update(schedule="warmup")),
    ),
    _ck("spec-points-nan", "data.points", _spec(lambda s: s["data"].update(points=[[0.0, "nan"]]))),
    _ck(
        "spec-points-past-float32",
        "data.points",
        _spec(lambda s: s["data"].update(points=[[1e39, 0.0]])),
    ),
]
