"""The run specification: frozen, validated dataclasses read from and written to TOML.

A :class:`Spec` is what the CLI flags, TOML files and the control panel all produce.
This module must not import torch (the UI process reads specs without paying for it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import tomli_w
from torchplay.engine.run import datafields, schedule
from torchplay.engine.run.budget import RUN_BYTES, check_memory
from torchplay.engine.run.errors import SpecError
from torchplay.engine.run.layers import ACTIVATION_TABLE
from torchplay.engine.run.validate import boolean, check_batch_size, choice, integer, number

# Defined in errors, budget and validate; imported from here too.
__all__ = ["RUN_BYTES", "SpecError", "check_batch_size", "check_memory"]

REGRESSION_DATASETS = ("square", "quadratic", "sine", "cubic", "abs")
"""Synthetic regression datasets: one input, one output."""
CLASSIFICATION_DATASETS = ("clouds", "blobs", "moons", "circles", "xor", "spiral")
"""Synthetic classification datasets: two inputs, one class label."""
ACTIVATIONS = tuple(ACTIVATION_TABLE)
"""Activation names (:data:`torchplay.engine.run.layers.ACTIVATION_TABLE`)."""
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
LOSSES = ("auto", "mse", "cross_entropy")
TASKS = ("auto", "regression", "classification")

MAX_SAMPLES = 1_000_000
MAX_WIDTH = 4096
MAX_LAYERS = 16
MAX_STEPS = 100_000_000
MAX_CLASSES = 20
MAX_NAME = 200
"""Characters in a spec's ``name``."""


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden widths from text: ``10`` or ``32,16``; ``none`` for a linear model.

    Raises:
        SpecError: anything else, naming ``model.hidden`` and the text.
    """
    if text.strip().lower() == "none":
        return ()
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise SpecError("model.hidden", text, "use widths like 10 or 32,16, or none") from None
    return ModelSpec(widths).hidden  # range checks


def task_of(dataset: str) -> str:
    """The task ('regression' or 'classification') of a built-in dataset name."""
    if dataset in REGRESSION_DATASETS:
        return "regression"
    if dataset in CLASSIFICATION_DATASETS:
        return "classification"
    raise SpecError("data.dataset", dataset, "not a built-in dataset")


@dataclass(frozen=True)
class DataSpec:
    """Where the training data comes from."""

    dataset: str = "square"
    """A built-in dataset name, or ``csv:PATH`` for numeric columns in a CSV file."""
    samples: int = 100
    """Number of generated points (all classes together); ignored for CSV."""
    noise: float = 0.2
    """Noise scale: U[0, noise) added to regression targets, the spread of class clouds."""
    test_fraction: float = 0.0
    """Fraction of the points held out for the test loss (0 = train on all, as the tutorial)."""
    seed: int = 1
    """Seed for ``torch.manual_seed``: data first, then the network's initial weights."""
    classes: int = 2
    """Number of classes for ``blobs`` and ``spiral``."""
    target: str | None = None
    """CSV only: the name of the target column (default: the last column)."""
    task: str = "auto"
    """regression or classification; auto takes it from the dataset (CSV: integer targets)."""
    extrapolate: float = 0.0
    """Regression: predict this far beyond the largest x (the tutorial's [2, 2.5])."""
    features: tuple[str, ...] = ()
    """Input features the network sees, e.g. ("x1sq", "x2sq"); () = the raw inputs.
    Names: x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2 (1-D data: x1, x1sq, sinx1)."""
    points: tuple[tuple[float, ...], ...] = ()
    """Painted data that replaces the generated points: [x, y] (regression) or
    [x1, x2, class] (classification); at most 10,000. () = generate ``dataset``."""

    def __post_init__(self) -> None:
        ds = self.dataset
        if not isinstance(ds, str) or not (
            ds in REGRESSION_DATASETS
            or ds in CLASSIFICATION_DATASETS
            or (ds.startswith("csv:") and len(ds) > 4)
        ):
            names = ", ".join(REGRESSION_DATASETS + CLASSIFICATION_DATASETS)
            raise SpecError("data.dataset", ds, f"must be one of {names}, or csv:PATH")
        integer("data.samples", self.samples, 1, MAX_SAMPLES)
        object.__setattr__(self, "noise", number("data.noise", self.noise, 0.0, 100.0))
        tf = number("data.test_fraction", self.test_fraction, 0.0, 0.9)
        object.__setattr__(self, "test_fraction", tf)
        integer("data.seed", self.seed, 0, 2**63 - 1)
        integer("data.classes", self.classes, 2, MAX_CLASSES)
        if self.target is not None and (not isinstance(self.target, str) or not self.target):
            raise SpecError("data.target", self.target, "must be a column name")
        choice("data.task", self.task, TASKS)
        if self.task != "auto" and not ds.startswith("csv:") and self.task != task_of(ds):
            raise SpecError("data.task", self.task, f"dataset {ds} is {task_of(ds)}")
        ex = number("data.extrapolate", self.extrapolate, 0.0, 1000.0)
        object.__setattr__(self, "extrapolate", ex)
        features = datafields.parse_features(self.features)
        object.__setattr__(self, "features", features)
        if not ds.startswith("csv:"):
            datafields.check_features(features, 1 if task_of(ds) == "regression" else 2)
        if self.points:
            if ds.startswith("csv:"):
                raise SpecError(
                    "data.points", ds, "painted points replace a built-in dataset, not csv:PATH"
                )
            points = datafields.parse_points(self.points, task_of(ds))
            object.__setattr__(self, "points", points)
        elif not isinstance(self.points, list | tuple):
            raise SpecError("data.points", self.points, "must be a list of points")
        else:
            object.__setattr__(self, "points", ())

    @property
    def is_csv(self) -> bool:
        """Whether the data comes from a CSV file."""
        return self.dataset.startswith("csv:")

    @property
    def n_points(self) -> int:
        """How many points the data has (before the test split); CSV: ``samples``."""
        return len(self.points) if self.points else self.samples


@dataclass(frozen=True)
class ModelSpec:
    """The network: an MLP of Linear layers with one activation between them."""

    hidden: tuple[int, ...] = (10,)
    """Hidden layer widths, e.g. (10,) or (32, 16); () is a linear model."""
    activation: str = "relu"
    """Activation after each hidden layer."""

    def __post_init__(self) -> None:
        hidden = self.hidden
        if isinstance(hidden, list):
            hidden = tuple(hidden)
        if not isinstance(hidden, tuple) or len(hidden) > MAX_LAYERS:
            raise SpecError(
                "model.hidden", self.hidden, f"must be a list of up to {MAX_LAYERS} widths"
            )
        for width in hidden:
            integer("model.hidden", width, 1, MAX_WIDTH)
        object.__setattr__(self, "hidden", hidden)
        choice("model.activation", self.activation, ACTIVATIONS)


@dataclass(frozen=True)
class TrainingSpec:
    """How the network is trained."""

    optimizer: str = "sgd"
    """sgd, adam, adamw, rmsprop or adagrad."""
    lr: float = 0.2
    """Learning rate, > 0."""
    momentum: float = 0.0
    """SGD and RMSprop momentum, in [0, 1)."""
    nesterov: bool = False
    """SGD only: Nesterov momentum (needs momentum > 0)."""
    weight_decay: float = 0.0
    """L2 penalty (decoupled for adamw)."""
    batch_size: int = 0
    """Minibatch size; 0 = full batch, as the tutorial."""
    steps: int = 100
    """Optimizer steps to run."""
    loss: str = "auto"
    """mse or cross_entropy; auto picks by task."""
    fast_path: bool = True
    """Use the fused forward/backward when the network allows it (false forces autograd)."""
    l1: float = 0.0
    """L1 regularization rate: adds l1 * sum(|w|) over the weights (not biases) to the
    loss, as TF Playground does. The reported loss is the data loss."""
    l2: float = 0.0
    """L2 regularization rate: adds l2 * sum(w**2) / 2 over the weights (not biases)."""
    schedule: str = "constant"
    """How the lr changes: constant, step, cosine, exponential or plateau (engine.schedule)."""
    schedule_every: int = 100
    """step: multiply the lr by schedule_gamma every this many steps."""
    schedule_gamma: float = 0.5
    """step and plateau: the factor each drop multiplies the lr by, in (0, 1)."""
    schedule_decay: float = 0.99
    """exponential: step k runs with lr * schedule_decay**k, in (0, 1]."""
    schedule_period: int = 0
    """cosine: steps from lr down to schedule_min_lr (0: training.steps); flat after."""
    schedule_min_lr: float = 0.0
    """cosine: the lr it ends at; plateau: the lowest lr a drop reaches."""
    schedule_patience: int = 100
    """plateau: drop the lr after this many steps without a lower loss."""
    patience: int = 0
    """Early stopping: end the run after this many steps without a test loss lower than
    the best by more than min_delta (train loss without a test split); 0 = off."""
    min_delta: float = 0.0
    """Early stopping: the smallest loss decrease that counts as an improvement."""

    def __post_init__(self) -> None:
        choice("training.optimizer", self.optimizer, OPTIMIZERS)
        object.__setattr__(self, "lr", number("training.lr", self.lr, 0.0, 1e6, lo_open=True))
        mom = number("training.momentum", self.momentum, 0.0, 0.999)
        object.__setattr__(self, "momentum", mom)
        boolean("training.nesterov", self.nesterov)
        if self.nesterov and (self.optimizer != "sgd" or mom == 0.0):
            raise SpecError("training.nesterov", True, "needs optimizer sgd with momentum > 0")
        wd = number("training.weight_decay", self.weight_decay, 0.0, 1e3)
        object.__setattr__(self, "weight_decay", wd)
        integer("training.batch_size", self.batch_size, 0, MAX_SAMPLES)
        integer("training.steps", self.steps, 0, MAX_STEPS)
        choice("training.loss", self.loss, LOSSES)
        boolean("training.fast_path", self.fast_path)
        object.__setattr__(self, "l1", number("training.l1", self.l1, 0.0, 1e3))
        object.__setattr__(self, "l2", number("training.l2", self.l2, 0.0, 1e3))
        schedule.check(self)
        integer("training.patience", self.patience, 0, MAX_STEPS)
        md = number("training.min_delta", self.min_delta, 0.0, 1e6)
        object.__setattr__(self, "min_delta", md)


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
        n_out = 1 if task == "regression" else self.data.classes
        if self.data.dataset not in ("blobs", "spiral") and task == "classification":
            n_out = 2
        check_memory(self, 1 if task == "regression" else 2, n_out, n)

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
                if v is not None and not (k in _OMIT_EMPTY and v == ())
            }
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
            section, _, name = key.partition(".")
            if not name:
                top[section] = value
                continue
            if section not in sections or name not in _field_names(section):
                raise SpecError(key, value, "unknown field")
            sections[section][name] = value
        new = {s: dataclasses.replace(getattr(self, s), **v) for s, v in sections.items() if v}
        return dataclasses.replace(self, **new, **top)


_OMIT_EMPTY = ("features", "points")
"""Fields left out of TOML and JSON while empty, so older specs read the same."""


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


SECTIONS = {"data": DataSpec, "model": ModelSpec, "training": TrainingSpec}
"""The spec's tables, by name (TOML ``[data]``, ``[model]``, ``[training]``)."""


def _field_names(section: str) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(SECTIONS[section]))
