"""The training part of a run's spec: :class:`TrainingSpec` (optimizer, lr, steps, the lr
schedule, regularization, early stopping) and the names its choices take. Torch-free (see
:mod:`torchplay.engine.run.spec`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torchplay.engine.run import schedule, surgery
from torchplay.engine.run.dataspec import MAX_SAMPLES
from torchplay.engine.run.errors import SpecError
from torchplay.engine.run.fieldinfo import BOOL, INTEGER, NUMBER, fieldinfo, letters, parse_bool
from torchplay.engine.run.validate import boolean, choice, integer, number

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
LOSSES = ("auto", "mse", "cross_entropy")
KERNELS = ("exact", "compiled", "auto")
MAX_STEPS = 100_000_000


@dataclass(frozen=True)
class TrainingSpec:
    """How the network is trained."""

    optimizer: str = fieldinfo(
        "sgd",
        flag="--optimizer",
        metavar="NAME",
        help=", ".join(OPTIMIZERS),
        label="optimizer",
        chars=letters(*OPTIMIZERS),
        parse=str,
        choices=OPTIMIZERS,
    )
    """sgd, adam, adamw, rmsprop or adagrad."""
    lr: float = fieldinfo(
        0.2, flag="--lr", metavar="F", help="learning rate", label="lr", chars=NUMBER, parse=float
    )
    """Learning rate, > 0."""
    momentum: float = fieldinfo(
        0.0,
        flag="--momentum",
        metavar="F",
        help="sgd/rmsprop momentum",
        label="momentum",
        chars=NUMBER,
        parse=float,
    )
    """SGD and RMSprop momentum, in [0, 1)."""
    nesterov: bool = fieldinfo(
        False,
        flag="--nesterov",
        metavar=None,
        help="sgd Nesterov momentum",
        label="nesterov",
        chars=BOOL,
        parse=parse_bool,
    )
    """SGD only: Nesterov momentum (needs momentum > 0)."""
    weight_decay: float = fieldinfo(
        0.0,
        flag="--weight-decay",
        metavar="F",
        help="L2 penalty (decoupled for adamw)",
        label="wt decay",
        chars=NUMBER,
        parse=float,
    )
    """L2 penalty (decoupled for adamw)."""
    batch_size: int = fieldinfo(
        0,
        flag="--batch-size",
        metavar="N",
        help="minibatch size (0: full batch)",
        label="batch (0=all)",
        chars=INTEGER,
        parse=int,
    )
    """Minibatch size; 0 = full batch, as the tutorial."""
    steps: int = fieldinfo(
        100,
        flag="--steps",
        metavar="N",
        help="optimizer steps",
        label="steps",
        chars=INTEGER,
        parse=int,
        blank=("until paused", MAX_STEPS),
    )
    """Optimizer steps to run."""
    loss: str = fieldinfo(
        "auto",
        flag="--loss",
        metavar="NAME",
        help=", ".join(LOSSES) + " (auto: by task)",
        label="loss",
        chars=letters(*LOSSES),
        parse=str,
        choices=LOSSES,
    )
    """mse or cross_entropy; auto picks by task."""
    fast_path: bool = fieldinfo(
        True,
        flag="--fast-path",
        metavar=None,
        help="fused forward/backward where possible (no: autograd)",
        label="fast path",
        chars=BOOL,
        parse=parse_bool,
    )
    """Use the fused forward/backward when the network allows it (false forces autograd)."""
    l1: float = fieldinfo(
        0.0,
        flag="--l1",
        metavar="F",
        help="L1 regularization rate (weights, in the loss)",
        label="L1",
        chars=NUMBER,
        parse=float,
    )
    """L1 regularization rate: adds l1 * sum(|w|) over the weights (not biases) to the
    loss, as TF Playground does. The reported loss is the data loss."""
    l2: float = fieldinfo(
        0.0,
        flag="--l2",
        metavar="F",
        help="L2 regularization rate (weights, in the loss)",
        label="L2",
        chars=NUMBER,
        parse=float,
    )
    """L2 regularization rate: adds l2 * sum(w**2) / 2 over the weights (not biases)."""
    schedule: str = fieldinfo(
        "constant",
        flag="--schedule",
        metavar="NAME",
        help="how the lr changes: " + ", ".join(schedule.SCHEDULES),
        label="schedule",
        chars=letters(*schedule.SCHEDULES),
        parse=str,
        choices=schedule.SCHEDULES,
    )
    """How the lr changes: constant, step, cosine, exponential or plateau (engine.schedule)."""
    schedule_every: int = fieldinfo(
        100,
        flag="--schedule-every",
        metavar="N",
        help="step: multiply the lr by the gamma every N steps",
        label="sched every",
        chars=INTEGER,
        parse=int,
    )
    """step: multiply the lr by schedule_gamma every this many steps."""
    schedule_gamma: float = fieldinfo(
        0.5,
        flag="--schedule-gamma",
        metavar="F",
        help="step, plateau: the factor of each drop, 0-1",
        label="sched gamma",
        chars=NUMBER,
        parse=float,
    )
    """step and plateau: the factor each drop multiplies the lr by, in (0, 1)."""
    schedule_decay: float = fieldinfo(
        0.99,
        flag="--schedule-decay",
        metavar="F",
        help="exponential: step k runs with lr * F**k",
        label="sched decay",
        chars=NUMBER,
        parse=float,
    )
    """exponential: step k runs with lr * schedule_decay**k, in (0, 1]."""
    schedule_period: int = fieldinfo(
        0,
        flag="--schedule-period",
        metavar="N",
        help="cosine: steps down to the min lr (0: --steps)",
        label="sched period",
        chars=INTEGER,
        parse=int,
    )
    """cosine: steps from lr down to schedule_min_lr (0: training.steps); flat after."""
    schedule_min_lr: float = fieldinfo(
        0.0,
        flag="--schedule-min-lr",
        metavar="F",
        help="cosine: the final lr; plateau: the lowest",
        label="sched min lr",
        chars=NUMBER,
        parse=float,
    )
    """cosine: the lr it ends at; plateau: the lowest lr a drop reaches."""
    schedule_patience: int = fieldinfo(
        100,
        flag="--schedule-patience",
        metavar="N",
        help="plateau: drop after N steps without a lower loss",
        label="sched wait",
        chars=INTEGER,
        parse=int,
    )
    """plateau: drop the lr after this many steps without a lower loss."""
    patience: int = fieldinfo(
        0,
        flag="--patience",
        metavar="N",
        help="early stopping: end after N steps without a lower test loss (train "
        "loss without a test split) and restore the best weights; 0: off",
        label="patience",
        chars=INTEGER,
        parse=int,
    )
    """Early stopping: end the run after this many steps without a test loss lower than
    the best by more than min_delta (train loss without a test split); 0 = off."""
    min_delta: float = fieldinfo(
        0.0,
        flag="--min-delta",
        metavar="F",
        help="early stopping: the least decrease that counts",
        label="min delta",
        chars=NUMBER,
        parse=float,
    )
    """Early stopping: the smallest loss decrease that counts as an improvement."""
    kernel: str = fieldinfo(
        "exact",
        flag="--kernel",
        metavar="NAME",
        help="exact: torch, the tutorial's numbers bit for bit; compiled: the numba kernel "
        "(pip install 'torchplay[compiled]'), many times faster for small nets, equal within "
        "float32 rounding; auto: compiled where it runs and is faster",
        label="kernel",
        chars=letters(*KERNELS),
        parse=str,
        choices=KERNELS,
    )
    """exact: torch, bit for bit the tutorial's numbers; compiled: the numba kernel (the
    extra ``compiled``), many steps a call, equal to exact within float32 rounding; auto:
    compiled where it runs and is faster, else exact."""
    surgery: tuple[surgery.Surgery, ...] = fieldinfo(
        (),
        flag="--surgery",
        metavar="STEP:LAYER:UNIT:ACTION",
        help="neuron surgery after STEP (layers and units from 1): kill, freeze, revive, "
        "bias=V, inI=V, outJ=V; e.g. 200:1:3:kill",
        label="surgery",
        chars=letters(*surgery.ACTIONS, "freeze", "revive", extra="0123456789:=.-+eE"),
        parse=surgery.parse_surgery,
        show=surgery.show,
        nargs="+",
    )
    """Neuron surgery, each entry applied right after its step (0: before training):
    ``STEP:LAYER:UNIT:ACTION[=VALUE]`` (:mod:`torchplay.engine.run.surgery`). A kill zeroes a
    hidden unit's outgoing weights and holds them there; a freeze stops updates to its
    incoming weights and bias; a revive undoes both; ``bias=V``, ``inI=V``, ``outJ=V`` set
    one value. The app's neuron view records its surgery here."""

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
        choice("training.kernel", self.kernel, KERNELS)
        object.__setattr__(self, "surgery", surgery.parse_surgeries(self.surgery))
