"""The network's layers, without torch: the one activation table and the one layer plan.

Every place that walks a network's layers (building the ``nn.Sequential``, printing it,
writing it as tutorial code, checking a checkpoint's tensor names) follows :func:`plan`:
a Linear layer per width step, then the activation, except after the last.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    """How one activation appears in torch and in text."""

    module: str
    """The ``torch.nn`` class, e.g. ``ReLU``."""
    shown: str
    """What ``print(net)`` shows for it."""
    function: str
    """What a subclassed ``Net.forward`` calls ('' for none)."""


ACTIVATION_TABLE: dict[str, Activation] = {
    "relu": Activation("ReLU", "ReLU()", "F.relu"),
    "tanh": Activation("Tanh", "Tanh()", "torch.tanh"),
    "sigmoid": Activation("Sigmoid", "Sigmoid()", "torch.sigmoid"),
    "leaky_relu": Activation("LeakyReLU", "LeakyReLU(negative_slope=0.01)", "F.leaky_relu"),
    "elu": Activation("ELU", "ELU(alpha=1.0)", "F.elu"),
    "gelu": Activation("GELU", "GELU(approximate='none')", "F.gelu"),
    "softplus": Activation("Softplus", "Softplus(beta=1.0, threshold=20.0)", "F.softplus"),
    "identity": Activation("Identity", "Identity()", ""),
}
"""Spec activation names (``model.activation``) to their torch module and text forms."""


@dataclass(frozen=True)
class Layer:
    """One entry of the ``nn.Sequential``: a Linear layer or an activation."""

    index: int
    """Its position in the Sequential (its ``state_dict`` prefix)."""
    n_in: int = 0
    """Linear: input width."""
    n_out: int = 0
    """Linear: output width."""
    activation: str | None = None
    """An activation's name (then this is no Linear layer)."""


def widths(hidden: tuple[int, ...], n_in: int, n_out: int) -> list[int]:
    """Layer widths from input to output, e.g. [1, 10, 1]."""
    return [n_in, *hidden, n_out]


def plan(hidden: tuple[int, ...], activation: str, n_in: int, n_out: int) -> list[Layer]:
    """The layers in order: Linear, then ``activation`` except after the last Linear."""
    w = widths(hidden, n_in, n_out)
    out: list[Layer] = []
    for k, (a, b) in enumerate(zip(w, w[1:], strict=False)):
        out.append(Layer(len(out), a, b))
        if k < len(w) - 2:
            out.append(Layer(len(out), activation=activation))
    return out
