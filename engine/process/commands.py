"""Commands from the app to the engine process: frozen dataclasses, torch-free.

One class per :class:`~torchplay.engine.process.client.EngineClient` method. Each says
what it does to a run that is training when it arrives (:class:`MidRun`); the worker
carries it out through its ``{type: handler}`` table
(:data:`torchplay.engine.process.worker.HANDLERS`), and refuses anything else with a
``CommandFailed`` event. The specs they carry are the app's own :class:`Spec` objects:
the engine trains exactly the object the panel made, never a re-parse of a dict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from torchplay.engine.run.spec import Spec
from torchplay.engine.run.sweepplan import SweepPlan


class MidRun(Enum):
    """What a command that arrives while a run trains does to that run."""

    APPLY = "carried out between two steps; the run goes on"
    STOP = "stops the run (pause)"
    INTERRUPT = "stops the run, then is carried out; RunPaused tells the app"
    REPLACE = "stops the run, then is carried out (a new run, or the engine's end)"


LIVE_FIELDS = ("training.lr", "training.steps", "training.surgery")
"""The spec fields a run takes as it stands, without a rebuild. Surgery is the run's own
(the neuron view records it in the run's spec): a ``Start`` keeps the run's."""


def same_run(old: Spec, new: Spec) -> bool:
    """Whether ``new`` differs from ``old`` only in :data:`LIVE_FIELDS` (the learning
    rate, the step count, the surgery): then the run goes on with them (its own
    surgery), rather than a new run.

    The one rule for both processes: the app asks it before a rebuild, the engine
    before a ``Start`` builds anew."""
    live = {key: getattr(new.training, key.partition(".")[2]) for key in LIVE_FIELDS}
    return old.with_overrides(live) == new


@dataclass(frozen=True)
class Command:
    """A command to the engine; subclasses set :attr:`mid_run`."""

    mid_run: ClassVar[MidRun]

    @property
    def name(self) -> str:
        """The command's name in messages: ``set_lr`` for :class:`SetLr`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()


def name_of(cmd: object) -> str:
    """A command's name in messages (``load``); for anything else, what it is."""
    return cmd.name if isinstance(cmd, Command) else repr(cmd)


@dataclass(frozen=True)
class Start(Command):
    """Train to the spec's step count (that many more, once there). A spec that differs
    from the run's only in :data:`LIVE_FIELDS` goes on with the run; else a new run."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    spec: Spec


@dataclass(frozen=True)
class Build(Command):
    """A new run of ``spec`` at step 0 (reset), replacing the current one."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    spec: Spec


@dataclass(frozen=True)
class Pause(Command):
    """Stop the run (or the sweep) at the next step boundary."""

    mid_run: ClassVar[MidRun] = MidRun.STOP


@dataclass(frozen=True)
class Step(Command):
    """Train ``n`` steps by hand."""

    mid_run: ClassVar[MidRun] = MidRun.INTERRUPT
    n: int = 1


@dataclass(frozen=True)
class SetLr(Command):
    """The learning rate from the next step on."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    lr: float


@dataclass(frozen=True)
class SetGrid(Command):
    """The main data chart's size: the run's decision grids get one cell per character."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    cols: int
    rows: int


@dataclass(frozen=True)
class Save(Command):
    """Write the run to a checkpoint at ``path``."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    path: str


@dataclass(frozen=True)
class Load(Command):
    """The checkpoint at ``path`` becomes the run."""

    mid_run: ClassVar[MidRun] = MidRun.INTERRUPT
    path: str


@dataclass(frozen=True)
class Compare(Command):
    """Views of up to three checkpoints, each with a decision grid of the (columns, rows)
    in ``grids``: one per chart. It reads other files: the run is not touched."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    paths: tuple[str, ...]
    grids: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Sweep(Command):
    """Train the grid (``KEY=V1,V2`` texts) over ``spec``: here, or with ``address`` on
    that Ray cluster (``local``: a Ray started on this machine)."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    spec: Spec
    grid: tuple[str, ...]
    address: str = ""
    plan: SweepPlan = SweepPlan()
    """Pruning or population-based training (:mod:`torchplay.engine.run.sweepplan`)."""


@dataclass(frozen=True)
class LrFind(Command):
    """The lr range test on ``spec``: a short test run of its own, the run is not touched."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    spec: Spec


@dataclass(frozen=True)
class OpenMember(Command):
    """Stop the sweep; member ``index`` becomes the run, paused where it stands."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    index: int


@dataclass(frozen=True)
class Neurons(Command):
    """Every hidden neuron on a ``cols`` x ``rows`` grid with each progress event; 0
    columns stop them."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    cols: int
    rows: int


@dataclass(frozen=True)
class Health(Command):
    """The health view (gradient flow, dead units, confusion) of the weights in view, with
    each progress event and each time-travel step; ``on`` False stops it."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    on: bool


@dataclass(frozen=True)
class Inspect(Command):
    """One point's backprop (its raw inputs ``point``) through the weights in view; its
    target the nearest training point's."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    point: list[float]


@dataclass(frozen=True)
class ShowUnit(Command):
    """One hidden unit's numbers (``UnitShown``), now and with each progress event; layer
    0 stops them. Layers and units count from 1."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    layer: int
    unit: int


@dataclass(frozen=True)
class Operate(Command):
    """Neuron surgery on one hidden unit now (kill, freeze, revive; bias, in, out set a
    value: ``index`` the weight, from 1), recorded in the run's ``training.surgery``. On
    a snapshot in view, a fork from it is operated on (the run becomes its baseline)."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    layer: int
    unit: int
    action: str
    index: int = 0
    value: float = 0.0


@dataclass(frozen=True)
class Warp(Command):
    """The representation view: hidden layer ``layer``'s units ``x`` and ``y`` (from 1)
    over the data and the input plane's grid (``Warped``), now, with each progress event
    and each time-travel step; layer 0 stops it."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    layer: int
    x: int = 1
    y: int = 2


@dataclass(frozen=True)
class Travel(Command):
    """Show the snapshot before (``delta`` -1) or after (+1) the one in view."""

    mid_run: ClassVar[MidRun] = MidRun.INTERRUPT
    delta: int


@dataclass(frozen=True)
class BackToLive(Command):
    """Back to the live end from a snapshot in view."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY


@dataclass(frozen=True)
class Fork(Command):
    """A new run from the snapshot in view (or the live end) with ``spec``'s training
    settings; the run it came from becomes the pinned baseline."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    spec: Spec


@dataclass(frozen=True)
class Rescue(Command):
    """A diverged run goes back to its newest sane snapshot and on with ``spec``'s
    training settings (a lower lr)."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    spec: Spec


@dataclass(frozen=True)
class Pin(Command):
    """Pin the current run as the baseline; a new run starts beside it."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE


@dataclass(frozen=True)
class Unpin(Command):
    """No baseline any more; the run goes on alone."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY


@dataclass(frozen=True)
class Share(Command):
    """The run's share string at its current step (it hashes the weights between two
    steps: the run goes on)."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY


@dataclass(frozen=True)
class OpenShared(Command):
    """Train a share string's run again as the run, its hash checked."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    text: str


@dataclass(frozen=True)
class RecoverTo(Command):
    """Save the run into ``folder`` should the app end without quitting
    (:mod:`torchplay.engine.process.recovery`)."""

    mid_run: ClassVar[MidRun] = MidRun.APPLY
    folder: str


@dataclass(frozen=True)
class Quit(Command):
    """End the engine; with ``recover`` (the app ends without the person quitting: a
    bug), keep the run in a recovery checkpoint first."""

    mid_run: ClassVar[MidRun] = MidRun.REPLACE
    recover: bool = False


COMMANDS: tuple[type[Command], ...] = tuple(Command.__subclasses__())
"""Every command, in the order above."""
