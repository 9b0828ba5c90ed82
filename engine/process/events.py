"""Messages between the engine process and its client: plain, picklable data, no torch.

Commands go down as the dataclasses of :mod:`torchplay.engine.process.commands`; events
come up as these, named in the past tense. Both carry typed values (a :class:`Spec`, a
:class:`RunState`), never dicts or strings to parse again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from torchplay.engine.run.history import Point
from torchplay.engine.run.spec import Spec
from torchplay.engine.run.sweepplan import Fork
from torchplay.engine.run.views import (
    Fit,
    HealthView,
    NeuronView,
    RunView,
    Samples,
    StepView,
    UnitView,
    WarpView,
)

if TYPE_CHECKING:
    from torchplay.engine.process.commands import Command


class RunState(StrEnum):
    """Where a run stands. The :class:`~torchplay.engine.train.trainer.Trainer` owns it and
    changes it; everyone else reads it (it compares equal to its value: ``"paused"``)."""

    IDLE = "idle"
    """Built, not trained yet."""
    RUNNING = "running"
    PAUSED = "paused"
    """Stopped before the spec's step count (or loaded from a checkpoint)."""
    FINISHED = "finished"
    """Reached the spec's step count."""
    DIVERGED = "diverged"
    """The loss went non-finite; the last finite weights are kept."""
    STOPPED_EARLY = "stopped_early"
    """Early stopping ended it (``training.patience``); the best weights are restored."""
    PRUNED = "pruned"
    """A sweep's pruner stopped it at a rung (``sweep --prune``); its weights are kept."""


ENDED = (RunState.FINISHED, RunState.DIVERGED, RunState.STOPPED_EARLY, RunState.PRUNED)
"""The states a run ends in: it trains no further unless told to, and a loaded run keeps
them (any other comes back paused)."""


@dataclass(frozen=True)
class EngineStarted:
    """The engine process is up, torch imported and warmed."""


@dataclass(frozen=True)
class RunStarted:
    """A ``Start`` began training the run at ``step`` (progress follows): the app shows
    it running from now, not from the moment it asked."""

    step: int


@dataclass(frozen=True)
class RunLoaded:
    """A run was built (start, reset) or loaded from a checkpoint."""

    spec: Spec
    """The run's spec: the very object the app sent, for a run built from one."""
    task: str
    n_inputs: int
    n_outputs: int
    samples: Samples
    step: int
    state: RunState
    points: list = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What observers see: plain Python data, never tensors."""

    step: int
    state: RunState
    train_loss: float | None
    test_loss: float | None
    accuracy: float | None
    r2: float | None
    steps_per_s: float
    lr: float
    diverged_at: int | None = None
    points: list[Point] = field(default_factory=list)
    """History points recorded since the previous snapshot to the same observer."""
    target: int = 0
    """The step the current (or last) run ends at; before any, the spec's step count."""
    lrs: list[float] = field(default_factory=list)
    """The lr each of ``points`` was trained with; empty when it is ``lr`` throughout."""
    lr_now: float | None = None
    """The lr the next step runs with (a schedule's; None: ``lr``)."""
    best_step: int | None = None
    """The step of early stopping's best weights (None: no early stopping, or none yet)."""
    kernel: str = "exact"
    """The kernel training it: exact (torch) or compiled (numba)."""


@dataclass(frozen=True)
class StepsCompleted(Snapshot):
    """A batch of progress from the engine: a snapshot plus what the data chart draws."""

    fit: Fit = None
    """The fit line (regression) or decision grid (classification) of these weights."""
    baseline: StepView | None = None
    """The pinned baseline at the snapshot nearest this step (None: none pinned)."""


@dataclass(frozen=True)
class Travelled:
    """The charts show the run's snapshot at ``view.step`` (time travel), or, with
    ``view`` None, the live end again."""

    view: StepView | None
    first: bool = False
    """No earlier snapshot: ``[`` goes no further back."""
    baseline: StepView | None = None
    """The pinned baseline at its snapshot nearest ``view.step`` (None: none pinned)."""


@dataclass(frozen=True)
class BaselinePinned:
    """Run ``run_id`` is the pinned baseline (``points``: its loss history), or, with
    ``run_id`` empty, no run is pinned any more."""

    run_id: str
    step: int = 0
    points: list[Point] = field(default_factory=list)


@dataclass(frozen=True)
class NeuronsShown:
    """Every hidden neuron of the run's network now (None: the data or the network has
    nothing to show: more than two inputs, or no hidden layer)."""

    view: NeuronView | None


@dataclass(frozen=True)
class UnitShown:
    """One hidden unit's numbers, for surgery: when asked, with each progress event while
    the app shows it, and after a surgery (``operated``: the entry done,
    ``STEP:LAYER:UNIT:ACTION``; ``before``: the loss and metric just before it)."""

    view: UnitView
    operated: str = ""
    before: tuple[float | None, float | None] | None = None


@dataclass(frozen=True)
class Warped:
    """The representation view of the weights in view (the live end or a snapshot)."""

    view: WarpView


@dataclass(frozen=True)
class HealthShown:
    """The health view of the weights in view (the live end or a time-travel snapshot)."""

    view: HealthView


@dataclass(frozen=True)
class Inspected:
    """One point's backprop through the weights at ``step``: ``trace`` is
    :meth:`torchplay.engine.train.backprop.Trace.to_dict` (floats and lists)."""

    step: int
    point: list[float]
    trace: dict


@dataclass(frozen=True)
class RunPaused:
    """A running run was paused so that ``command`` (step, load) could be carried out."""

    command: Command


@dataclass(frozen=True)
class Saved:
    """A checkpoint was written to ``path``."""

    path: str


@dataclass(frozen=True)
class CommandFailed:
    """A command could not be carried out (bad path, corrupt file...), or the engine does
    not know it; the run goes on."""

    command: Command
    """The command refused (what arrived, for one the engine does not know)."""
    message: str


@dataclass(frozen=True)
class Compared:
    """Several checkpoints evaluated side by side, each on its own data."""

    runs: list[RunView]


@dataclass(frozen=True)
class SweepStarted:
    """A sweep's members were built (:mod:`torchplay.engine.sweeps.livesweep`); progress follows
    as :class:`SweepStepsCompleted`. Member ``i`` is the ``i``-th of the grid's product
    (the first axis varies slowest)."""

    axes: list[tuple[str, list]]
    """Each grid key and its values, in order (JSON-ready: hidden widths as lists)."""
    overrides: list[dict]
    """Each member's KEY -> value."""
    targets: list[int]
    """Each member's step count."""
    where: str
    """Where it trains: ``this machine``, or the Ray cluster's one-line description."""
    resumed: bool = False
    """The stopped sweep goes on where it stopped (the same grid and settings), rather
    than a new one from step 0."""


SWEEP_POINTS = 400
"""Loss points the app keeps per sweep member (a ``History`` of this capacity)."""


@dataclass(frozen=True)
class SweepStepsCompleted:
    """A sweep's progress, one entry per member (grid order)."""

    steps: list[int]
    states: list[RunState]
    """Each member's state (``IDLE``: not started yet)."""
    losses: list[float | None]
    """The latest recorded loss (test loss, else the batch's train loss)."""
    points: list[list[tuple[int, float]]]
    """(step, loss) points recorded since the previous event, only those a ``History``
    of capacity :data:`SWEEP_POINTS` fed every event's points keeps (its stride)."""
    model_steps_per_s: float
    state: RunState
    """The sweep's own state: ``RUNNING``, ``FINISHED`` or ``PAUSED`` (stopped)."""
    forks: list[Fork] = field(default_factory=list)
    """PBT's forks since the previous event (``sweep --pbt``; member indices)."""


@dataclass(frozen=True)
class LrFound:
    """The lr range test ran on the app's settings (:mod:`torchplay.engine.train.lrfind`)."""

    suggested_lr: float | None
    lrs: list[float]
    losses: list[float]
    diverged: bool
    suggestions: dict[str, float | None] = field(default_factory=dict)
    """Every rule's suggestion, by name (:mod:`torchplay.engine.train.lrrules`)."""


@dataclass(frozen=True)
class ShareMade:
    """The run's share string (:mod:`torchplay.engine.run.share`), or why there is none."""

    text: str
    """``torchplay:v1:...``; empty when it could not be made (see ``problem``)."""
    problem: str = ""
    lr_changed: bool = False
    """The lr was changed during the run (not by a fork): the string will not verify."""


@dataclass(frozen=True)
class SharedOpened:
    """A share string's run was trained again and compared with its weights' hash."""

    verified: bool
    differences: list[str] = field(default_factory=list)
    """What differs, one line each (empty when verified)."""


@dataclass(frozen=True)
class EngineCrashed:
    """The engine process died or raised; restart it to go on."""

    message: str
