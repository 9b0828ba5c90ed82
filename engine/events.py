"""Messages between the engine process and its client: plain, picklable data, no torch.

Commands go down as ``(name, *args)`` tuples; events come up as these dataclasses,
named in the past tense.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
class StepsCompleted:
    """A batch of progress: metrics, new history points and chart data."""

    step: int
    state: str
    train_loss: float | None
    test_loss: float | None
    accuracy: float | None
    r2: float | None
    steps_per_s: float
    lr: float
    diverged_at: int | None
    points: list
    chart: dict


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
