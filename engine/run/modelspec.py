"""The network part of a run's spec: :class:`ModelSpec` (widths, activations, dropout,
normalization, residual links, initialization) and the parsers of its text forms.
Torch-free (see :mod:`torchplay.engine.run.spec`); the layer plan that follows from it is
:mod:`torchplay.engine.run.layers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from torchplay.engine.run.errors import SpecError
from torchplay.engine.run.fieldinfo import BOOL, NUMBER, WIDTHS, fieldinfo, letters, parse_bool
from torchplay.engine.run.layers import ACTIVATION_TABLE, INITS, NORMS
from torchplay.engine.run.validate import boolean, choice, integer, number

ACTIVATIONS = tuple(ACTIVATION_TABLE)
"""Activation names (:data:`torchplay.engine.run.layers.ACTIVATION_TABLE`)."""

MAX_WIDTH = 4096
MAX_LAYERS = 16
MAX_DROPOUT = 0.95
"""The highest dropout probability (1 would zero every unit)."""


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


def parse_activation(text: str) -> str:
    """One activation name, or one per hidden layer joined by commas (``relu,tanh``),
    lowercased and without spaces (its count is checked against the widths by the spec).

    Raises:
        SpecError: a name that is not an activation, naming ``model.activation``.
    """
    names = [part.strip().lower() for part in str(text).split(",")]
    for name in names:
        if name not in ACTIVATIONS:
            raise SpecError(
                "model.activation",
                text,
                f"use one of {', '.join(ACTIVATIONS)}, or one per hidden layer: relu,tanh",
            )
    return ",".join(names)


def parse_dropout(text: str) -> tuple[float, ...]:
    """Dropout probabilities: ``0.1`` for every hidden layer or ``0.1,0,0.2`` one each.

    Raises:
        SpecError: not numbers, naming ``model.dropout``.
    """
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise SpecError(
            "model.dropout", text, "use a probability like 0.1, or one per layer: 0.1,0,0.2"
        ) from None


def show_dropout(value: tuple[float, ...]) -> str:
    return ",".join(f"{p:g}" for p in value)


def parse_init(text: str) -> str:
    """``default``, ``xavier``, ``he``, ``zero`` or ``normal:STD`` (lowercased).

    Raises:
        SpecError: anything else, naming ``model.init``.
    """
    word = str(text).strip().lower()
    check_init(word)
    return word


def check_init(value: object) -> str:
    """``value`` if it names an initialization; ``normal:STD`` needs 0 <= STD <= 100.

    Raises:
        SpecError: naming ``model.init``.
    """
    fix = f"use one of {', '.join(INITS)} or normal:STD (e.g. normal:0.1)"
    if not isinstance(value, str):
        raise SpecError("model.init", value, fix)
    if value in INITS:
        return value
    kind, colon, std = value.partition(":")
    if kind != "normal" or not colon:
        raise SpecError("model.init", value, fix)
    try:
        number("model.init", float(std), 0.0, 100.0)
    except (ValueError, SpecError):
        raise SpecError("model.init", value, "normal:STD needs a STD from 0 to 100") from None
    return value


@dataclass(frozen=True)
class ModelSpec:
    """The network: Linear layers, each hidden one followed by its normalization, its
    activation and its dropout, with optional residual links (see
    :func:`torchplay.engine.run.layers.plan`)."""

    hidden: tuple[int, ...] = fieldinfo(
        (10,),
        flag="--hidden",
        metavar="W[,W...]",
        help="hidden widths (none: linear)",
        label="hidden",
        chars=WIDTHS,
        parse=parse_hidden,
        blank=("none", ()),
    )
    """Hidden layer widths, e.g. (10,) or (32, 16); () is a linear model."""
    activation: str = fieldinfo(
        "relu",
        flag="--activation",
        metavar="NAME[,NAME...]",
        help=", ".join(ACTIVATIONS) + "; or one per hidden layer: relu,tanh,relu",
        label="activation",
        chars=letters(*ACTIVATIONS, extra=","),
        parse=parse_activation,
        choices=ACTIVATIONS,
    )
    """Activation after each hidden layer: one name for all, or one per hidden layer
    joined by commas (``relu,tanh,relu``)."""
    dropout: tuple[float, ...] = fieldinfo(
        (0.0,),
        flag="--dropout",
        metavar="P[,P...]",
        help="dropout probability after each hidden layer's activation, or one per layer "
        "(trains on autograd)",
        label="dropout",
        chars=WIDTHS | NUMBER,
        parse=parse_dropout,
        show=show_dropout,
    )
    """Dropout probability after each hidden layer's activation: one value for all, or
    one per hidden layer; 0 = none. Active in training steps only (torch's train mode);
    predictions and test losses run in eval mode."""
    norm: str = fieldinfo(
        "none",
        flag="--norm",
        metavar="NAME",
        help=", ".join(NORMS) + ": normalization before each hidden activation "
        "(batch, layer: autograd)",
        label="norm",
        chars=letters(*NORMS),
        parse=str,
        choices=NORMS,
    )
    """none, batch (``BatchNorm1d``) or layer (``LayerNorm``), between each hidden Linear
    layer and its activation."""
    residual: bool = fieldinfo(
        False,
        flag="--residual",
        metavar=None,
        help="a skip link around each pair of equal-width hidden layers after the first",
        label="residual",
        chars=BOOL,
        parse=parse_bool,
    )
    """Residual links: from the second hidden layer on, each pair of consecutive hidden
    layers whose input and both outputs have one width becomes a block whose output is
    its input plus the pair's output (:func:`torchplay.engine.run.layers.plan`)."""
    init: str = fieldinfo(
        "default",
        flag="--init",
        metavar="NAME",
        help=", ".join(INITS) + ", normal:STD: the initial weights (default: torch's)",
        label="init",
        chars=letters(*INITS, "normal", extra="0123456789.:e-"),
        parse=parse_init,
    )
    """default (torch's ``nn.Linear`` init), xavier (Glorot uniform), he (Kaiming normal),
    zero or normal:STD weights; biases zero except with default."""

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
        act = self.activation
        if not isinstance(act, str):
            raise SpecError("model.activation", act, f"must be one of {', '.join(ACTIVATIONS)}")
        if "," in act:
            act = parse_activation(act)
            n = act.count(",") + 1
            if n != len(hidden):
                raise SpecError(
                    "model.activation",
                    act,
                    f"names {n} activations for {len(hidden)} hidden layers; give one, "
                    f"or one per layer",
                )
            object.__setattr__(self, "activation", act)
        else:
            choice("model.activation", act, ACTIVATIONS)
        object.__setattr__(self, "dropout", self._dropout())
        choice("model.norm", self.norm, NORMS)
        boolean("model.residual", self.residual)
        check_init(self.init)

    def _dropout(self) -> tuple[float, ...]:
        value = self.dropout
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = (value,)
        if isinstance(value, list):
            value = tuple(value)
        fix = f"must be one probability in [0, {MAX_DROPOUT}] or one per hidden layer"
        if not isinstance(value, tuple) or not value:
            raise SpecError("model.dropout", self.dropout, fix)
        if len(value) not in (1, len(self.hidden)):
            raise SpecError(
                "model.dropout",
                show_dropout(value) if all(isinstance(p, float) for p in value) else value,
                f"gives {len(value)} values for {len(self.hidden)} hidden layers; give one, "
                "or one per layer",
            )
        return tuple(number("model.dropout", p, 0.0, MAX_DROPOUT) for p in value)

    @property
    def activations(self) -> tuple[str, ...]:
        """The activation of each hidden layer."""
        names = tuple(self.activation.split(","))
        return names if len(names) == len(self.hidden) else names * len(self.hidden)

    @property
    def dropouts(self) -> tuple[float, ...]:
        """The dropout probability of each hidden layer."""
        d = self.dropout
        return d if len(d) == len(self.hidden) else (d[0],) * len(self.hidden)

    @property
    def plain(self) -> bool:
        """Whether this is the tutorial's network: one activation, no dropout, norm or
        residual links (the initialization does not change the layers)."""
        return "," not in self.activation and not self.residual and self.autograd_reason is None

    @property
    def modal(self) -> bool:
        """Whether the network behaves differently in training steps than in evaluation
        (dropout, batch norm): torch's train and eval modes."""
        return any(self.dropout) or self.norm == "batch"

    @property
    def autograd_reason(self) -> str | None:
        """Why the fused path cannot run this network (None: it can)."""
        if any(self.dropout):
            return "dropout trains on autograd"
        if self.norm != "none":
            return f"{self.norm} norm trains on autograd"
        return None


def check_batch_norm(model: ModelSpec, batch_size: int, n_train: int) -> None:
    """Batch norm needs two rows or more in every minibatch (torch refuses one).

    Raises:
        SpecError: naming ``model.norm``.
    """
    if model.norm != "batch":
        return
    size = batch_size or n_train
    if size == 1 or (batch_size and n_train % batch_size == 1):
        raise SpecError(
            "model.norm",
            "batch",
            f"needs 2 or more rows in every minibatch; {n_train} training points in "
            f"batches of {size} leave one alone: change training.batch_size",
        )
