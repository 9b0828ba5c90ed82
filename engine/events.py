"""Messages between the engine process and its client: plain, picklable data, no torch.

Commands go down as ``(name, *args)`` tuples; events come up as these dataclasses,
named in the past tense.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torchplay.engine.history import Point


@dataclass(frozen=True)
class EngineStarted:
    """The engine process is up, torch imported and warmed."""

    seconds: float


@dataclass(frozen=True)
class RunLoaded:
    """A run was built (start, reset) or loaded from a checkpoint."""

    spec: dict
    task: str
    n_inputs: int
    n_outputs: int
    describe: str
    data: dict
    step: int
    state: str
    points: list = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What observers see: plain Python data, never tensors."""

    step: int
    state: str
    train_loss: float | None
    test_loss: float | None
    accuracy: float | None
    r2: float | None
    steps_per_s: float
    lr: float
    diverged_at: int | None = None
    points: list[Point] = field(default_factory=list)
    """History points recorded since the previous snapshot to the same observer."""


@dataclass(frozen=True)
class StepsCompleted(Snapshot):
    """A batch of progress from the engine: a snapshot plus the charts' data."""

    chart: dict = field(default_factory=dict)
    """``{"fit": ...}`` for regression, ``{"grid": ...}`` for classification."""


@dataclass(frozen=True)
class Saved:
    path: str


@dataclass(frozen=True)
class CommandFailed:
    """A command could not be carried out (bad path, corrupt file...); the run goes on."""

    command: str
    message: str


@dataclass(frozen=True)
class Compared:
    """Several checkpoints evaluated side by side on the first one's data."""

    items: list


@dataclass(frozen=True)
class EngineCrashed:
    """The engine process died or raised; restart it to go on."""

    message: str
