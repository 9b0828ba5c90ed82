"""The run specification: frozen, validated dataclasses read from and written to TOML.

A :class:`Spec` is what the CLI flags, TOML files and the control panel all produce.
This module must not import torch (the UI process reads specs without paying for it).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

import tomli_w
from torchplay.engine.run import schedule
from torchplay.engine.run.budget import RUN_BYTES, check_memory
from torchplay.engine.run.dataspec import (
    CLASSIFICATION_DATASETS,
    DATASETS,
    MAX_CLASSES,
    MAX_SAMPLES,
    REGRESSION_DATASETS,
    TASKS,
    DataSpec,
    inputs_of,
    task_of,
)
from torchplay.engine.run.errors import SpecError
from torchplay.engine.run.fieldinfo import FieldInfo, info_of
from torchplay.engine.run.modelspec import (
    ACTIVATIONS,
    MAX_LAYERS,
    MAX_WIDTH,
    ModelSpec,
    check_batch_norm,
    parse_hidden,
)
from torchplay.engine.run.trainspec import LOSSES, MAX_STEPS, OPTIMIZERS, TrainingSpec
from torchplay.engine.run.validate import check_batch_size

# Defined in errors, budget, validate, dataspec, modelspec and trainspec; imported from
# here too.
__all__ = [
    "ACTIVATIONS",
    "CLASSIFICATION_DATASETS",
    "DATASETS",
    "DataSpec",
    "LOSSES",
    "MAX_CLASSES",
    "MAX_LAYERS",
    "MAX_SAMPLES",
    "MAX_STEPS",
    "MAX_WIDTH",
    "ModelSpec",
    "OPTIMIZERS",
    "REGRESSION_DATASETS",
    "RUN_BYTES",
    "SpecError",
    "TASKS",
    "TrainingSpec",
    "check_batch_size",
    "check_memory",
    "parse_hidden",
    "task_of",
]

MAX_NAME = 200
"""Characters in a spec's ``name``."""


@dataclass(frozen=True)
class Spec:
    """A whole run: data, model and training."""

    data: DataSpec = field(default_factory=DataSpec)
    """The data."""
    model: ModelSpec = field(default_factory=ModelSpec)
    """The network."""
    training: TrainingSpec = field(default_factory=TrainingSpec)
    """The training."""
    name: str = "custom"
    """The scenario this spec came from, for titles."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or len(self.name) > MAX_NAME:
            shown = self.name if not isinstance(self.name, str) else f"{self.name[:20]}..."
            raise SpecError("name", shown, f"must be a string of at most {MAX_NAME} characters")
        if self.data.is_csv:
            return  # checked when the file is read (engine.trainer.Trainer)
        task = task_of(self.data.dataset)
        want = "mse" if task == "regression" else "cross_entropy"
        if self.training.loss not in ("auto", want):
            raise SpecError("training.loss", self.training.loss, f"{task} needs {want}")
        n = self.data.n_points
        n_train = n - int(round(n * self.data.test_fraction))
        check_batch_size(self.training.batch_size, n_train)
        check_batch_norm(self.model, self.training.batch_size, n_train)
        n_out = 1 if task == "regression" else self.data.classes
        if self.data.dataset not in ("blobs", "spiral") and task == "classification":
            n_out = 2
        check_memory(self, inputs_of(self.data.dataset), n_out, n)

    @property
    def task(self) -> str:
        """regression or classification ('auto' only for CSV data before it is read)."""
        if self.data.task != "auto":
            return self.data.task
        if self.data.is_csv:
            return "auto"
        return task_of(self.data.dataset)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, no None) for TOML and JSON."""
        out: dict[str, Any] = {"name": self.name}
        for section in ("data", "model", "training"):
            values = dataclasses.asdict(getattr(self, section))
            out[section] = {
                k: _plain(v)
                for k, v in values.items()
                if v is not None
                and not (k in _OMIT_EMPTY and v == ())
                and not (f"{section}.{k}" in _OMIT_DEFAULT and v == _OMIT_DEFAULT[f"{section}.{k}"])
            }
        if self.training.surgery:  # as text: STEP:LAYER:UNIT:ACTION
            out["training"]["surgery"] = [s.text for s in self.training.surgery]
        return out

    def to_toml(self) -> str:
        """The spec as a TOML document that :func:`torchplay.engine.run.source.from_toml` reads
        back. Schedule parameters the chosen schedule does not read are left out while they
        hold their defaults (reading fills them in again)."""
        out = self.to_dict()
        training, used = out["training"], schedule.USES[self.training.schedule]
        for f in dataclasses.fields(TrainingSpec):
            unused = f.name.startswith("schedule_") and f.name not in used
            if unused and training[f.name] == f.default:
                del training[f.name]
        return tomli_w.dumps(out)

    def with_overrides(self, overrides: dict[str, Any]) -> Spec:
        """A copy with dotted fields replaced, e.g. ``{"training.lr": 0.1}``; validated."""
        sections = {s: {} for s in ("data", "model", "training")}
        top: dict[str, Any] = {}
        for key, value in overrides.items():
            section, dot, name = key.partition(".")
            if not dot and key in _TOP:
                top[section] = value
                continue
            if section not in sections or name not in _field_names(section):
                raise SpecError(key, value, "unknown field")
            sections[section][name] = value
        new = {s: dataclasses.replace(getattr(self, s), **v) for s, v in sections.items() if v}
        return dataclasses.replace(self, **new, **top)


_OMIT_EMPTY = ("features", "points", "surgery")
"""Fields left out of TOML and JSON while empty, so older specs read the same."""
_OMIT_DEFAULT = {
    "model.dropout": (0.0,),
    "model.norm": "none",
    "model.residual": False,
    "model.init": "default",
}
"""Fields left out of TOML and JSON while they hold their defaults: a spec without them
writes the same file, checkpoint metadata and share string as before they existed."""


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


SECTIONS = {"data": DataSpec, "model": ModelSpec, "training": TrainingSpec}
"""The spec's tables, by name (TOML ``[data]``, ``[model]``, ``[training]``)."""


_TOP = ("name",)
"""The spec's fields outside its tables (a key without a dot names one of them)."""


@functools.cache
def _field_names(section: str) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(SECTIONS[section]))


@dataclass(frozen=True)
class SpecField:
    """One field of the spec, for front ends and references (:func:`spec_fields`)."""

    key: str
    """Its dotted name, ``training.lr``."""
    default: Any
    """Its dataclass default (a scenario sets its own)."""
    info: FieldInfo
    """Its flag, help, label, characters and parser."""

    @property
    def name(self) -> str:
        """The name within its section (``lr``); unique across the spec."""
        return self.key.partition(".")[2]


def spec_fields() -> tuple[SpecField, ...]:
    """Every field of the spec's tables, in order, each with its :class:`FieldInfo`."""
    out = []
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default_factory is dataclasses.MISSING else f.default_factory()
            out.append(SpecField(f"{section}.{f.name}", default, info_of(f)))
    return tuple(out)
