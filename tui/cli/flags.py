"""Command-line flags for spec fields, and the help formatter every subcommand uses.

:data:`SPEC_FLAGS` is the one table of spec flags: ``train`` (and ``lr-find``) add them,
and :func:`spec_overrides` turns parsed arguments into ``Spec.with_overrides`` keys. A test
checks that every field of the spec dataclasses has a flag here. Help text shows each
default: for spec flags, the value the ``regression`` scenario gives (a scenario or TOML
file given as SOURCE sets its own). No torch is imported here (``--help`` stays fast).
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.schedule import SCHEDULES
from torchplay.engine.run.spec import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    LOSSES,
    OPTIMIZERS,
    REGRESSION_DATASETS,
    TASKS,
    SpecError,
    parse_hidden,
)

FPS = 20
"""The app's chart frames a second by default (``--fps``), both charts together."""


def hidden_list(text: str) -> list[int]:
    """``10`` or ``32,16`` -> [32, 16]; ``none`` is a linear model (no hidden layer)."""
    try:
        return list(parse_hidden(text))
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def point(text: str) -> list[float | int]:
    """``x,y`` or ``x1,x2,class`` -> numbers (whole numbers stay int: a class)."""
    out: list[float | int] = []
    for part in text.split(","):
        try:
            out.append(int(part) if part.strip().lstrip("-").isdigit() else float(part))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"point {text!r}: use x,y or x1,x2,class with numbers"
            ) from None
    return out


_BOOL = argparse.BooleanOptionalAction

SPEC_FLAGS: list[tuple[str, str, dict[str, Any]]] = [
    # data
    (
        "--dataset",
        "data.dataset",
        {
            "metavar": "NAME",
            "help": "built-in dataset ("
            + ", ".join(REGRESSION_DATASETS + CLASSIFICATION_DATASETS)
            + ") or csv:PATH",
        },
    ),
    (
        "--target",
        "data.target",
        {"metavar": "COLUMN", "help": "CSV target column (none: the last)"},
    ),
    ("--task", "data.task", {"metavar": "NAME", "help": ", ".join(TASKS) + " (for CSV data)"}),
    ("--samples", "data.samples", {"type": int, "metavar": "N", "help": "generated points"}),
    ("--noise", "data.noise", {"type": float, "metavar": "F", "help": "noise scale"}),
    (
        "--test-fraction",
        "data.test_fraction",
        {"type": float, "metavar": "F", "help": "fraction held out for the test loss, 0-0.9"},
    ),
    ("--classes", "data.classes", {"type": int, "metavar": "N", "help": "blobs/spiral classes"}),
    (
        "--extrapolate",
        "data.extrapolate",
        {"type": float, "metavar": "F", "help": "regression: predict this far past the data"},
    ),
    ("--seed", "data.seed", {"type": int, "metavar": "N", "help": "seed for data and weights"}),
    (
        "--features",
        "data.features",
        {
            "metavar": "F[,F...]",
            "help": "input features the network sees: x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2 "
            "(1-D data: x1,x1sq,sinx1); raw: the inputs as they are",
        },
    ),
    (
        "--points",
        "data.points",
        {
            "type": point,
            "nargs": "+",
            "metavar": "P",
            "help": "painted data instead of the dataset's: x,y points (regression) or "
            "x1,x2,class (classification); at most 10,000",
        },
    ),
    # model
    (
        "--hidden",
        "model.hidden",
        {"type": hidden_list, "metavar": "W[,W...]", "help": "hidden widths (none: linear)"},
    ),
    ("--activation", "model.activation", {"metavar": "NAME", "help": ", ".join(ACTIVATIONS)}),
    # training
    ("--optimizer", "training.optimizer", {"metavar": "NAME", "help": ", ".join(OPTIMIZERS)}),
    ("--lr", "training.lr", {"type": float, "metavar": "F", "help": "learning rate"}),
    (
        "--momentum",
        "training.momentum",
        {"type": float, "metavar": "F", "help": "sgd/rmsprop momentum"},
    ),
    ("--nesterov", "training.nesterov", {"action": _BOOL, "help": "sgd Nesterov momentum"}),
    (
        "--weight-decay",
        "training.weight_decay",
        {"type": float, "metavar": "F", "help": "L2 penalty (decoupled for adamw)"},
    ),
    (
        "--batch-size",
        "training.batch_size",
        {"type": int, "metavar": "N", "help": "minibatch size (0: full batch)"},
    ),
    (
        "--l1",
        "training.l1",
        {"type": float, "metavar": "F", "help": "L1 regularization rate (weights, in the loss)"},
    ),
    (
        "--l2",
        "training.l2",
        {"type": float, "metavar": "F", "help": "L2 regularization rate (weights, in the loss)"},
    ),
    ("--steps", "training.steps", {"type": int, "metavar": "N", "help": "optimizer steps"}),
    (
        "--schedule",
        "training.schedule",
        {"metavar": "NAME", "help": "how the lr changes: " + ", ".join(SCHEDULES)},
    ),
    (
        "--schedule-every",
        "training.schedule_every",
        {"type": int, "metavar": "N", "help": "step: multiply the lr by the gamma every N steps"},
    ),
    (
        "--schedule-gamma",
        "training.schedule_gamma",
        {"type": float, "metavar": "F", "help": "step, plateau: the factor of each drop, 0-1"},
    ),
    (
        "--schedule-decay",
        "training.schedule_decay",
        {"type": float, "metavar": "F", "help": "exponential: step k runs with lr * F**k"},
    ),
    (
        "--schedule-period",
        "training.schedule_period",
        {"type": int, "metavar": "N", "help": "cosine: steps down to the min lr (0: --steps)"},
    ),
    (
        "--schedule-min-lr",
        "training.schedule_min_lr",
        {"type": float, "metavar": "F", "help": "cosine: the final lr; plateau: the lowest"},
    ),
    (
        "--schedule-patience",
        "training.schedule_patience",
        {"type": int, "metavar": "N", "help": "plateau: drop after N steps without a lower loss"},
    ),
    (
        "--patience",
        "training.patience",
        {
            "type": int,
            "metavar": "N",
            "help": "early stopping: end after N steps without a lower test loss (train "
            "loss without a test split) and restore the best weights; 0: off",
        },
    ),
    (
        "--min-delta",
        "training.min_delta",
        {"type": float, "metavar": "F", "help": "early stopping: the least decrease that counts"},
    ),
    (
        "--loss",
        "training.loss",
        {"metavar": "NAME", "help": ", ".join(LOSSES) + " (auto: by task)"},
    ),
    (
        "--fast-path",
        "training.fast_path",
        {"action": _BOOL, "help": "fused forward/backward where possible (no: autograd)"},
    ),
]
"""(flag, spec key, argparse keywords) for every spec field. Names are checked by the spec,
not argparse, so a bad one is reported as the field it is (``model.activation = 'swish'``)."""


def _default_text(key: str) -> str:
    section, _, name = key.partition(".")
    value = getattr(getattr(get_scenario("regression"), section), name)
    if value is None:
        value = "none"
    elif isinstance(value, bool):
        value = "on" if value else "off"
    elif key == "data.features":
        value = ",".join(value) or "raw"
    elif key == "data.points":
        value = f"{len(value)} points" if value else "none (generated)"
    elif isinstance(value, tuple):
        value = ",".join(map(str, value)) or "none"
    return f"(default: the SOURCE's; regression: {value})"


def add_spec_flags(parser: argparse.ArgumentParser) -> None:
    """Add a flag for every spec field (default None: keep the SOURCE's value)."""
    group = parser.add_argument_group("spec fields (override the SOURCE's)")
    for flag, key, kwargs in SPEC_FLAGS:
        kw = dict(kwargs)
        kw["help"] = f"{kw['help']} {_default_text(key)}"
        group.add_argument(flag, dest=_dest(flag), default=None, **kw)


def _dest(flag: str) -> str:
    return "spec_" + flag.lstrip("-").replace("-", "_")


def spec_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The spec keys the user set on the command line, for ``Spec.with_overrides``."""
    out = {}
    for flag, key, _ in SPEC_FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is not None:
            out[key] = value
    return out


def spec_field_keys() -> set[str]:
    """Every ``section.field`` of the spec dataclasses (for the coverage test)."""
    spec = get_scenario("regression")
    return {
        f"{section}.{f.name}"
        for section in ("data", "model", "training")
        for f in dataclasses.fields(getattr(spec, section))
    }


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's lines (examples) as written; shows defaults not yet shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default is argparse.SUPPRESS:
            return text
        if action.required or not action.option_strings:
            return text
        if action.nargs == 0:
            return f"{text} (default: off)"
        if action.default is None:
            return f"{text} (default: none)"
        return f"{text} (default: %(default)s)"
