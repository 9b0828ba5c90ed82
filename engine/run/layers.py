"""The network's layers, without torch: the one activation table and the one layer plan.

Every place that walks a network's layers (building the ``nn.Sequential``, printing it,
writing it as tutorial code, checking a checkpoint's tensor names) follows :func:`plan`:
a Linear layer per width step, then (except after the last) the norm, the activation and
the dropout, with residual blocks (:func:`blocks`) as nested entries.
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


INITS = ("default", "xavier", "he", "zero")
"""Initializations by name (``model.init``); ``normal:STD`` is the one with a parameter."""
NORMS = ("none", "batch", "layer")
"""Normalizations (``model.norm``)."""
NORM_TABLE: dict[str, tuple[str, str]] = {
    "batch": (
        "BatchNorm1d",
        "BatchNorm1d({w}, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)",
    ),
    "layer": ("LayerNorm", "LayerNorm(({w},), eps=1e-05, elementwise_affine=True, bias=True)"),
}
"""Each normalization's ``torch.nn`` class and what ``print(net)`` shows for it."""
RESIDUAL = "Residual"
"""The class name of a residual block (``torchplay.engine.train.model.Residual``)."""


@dataclass(frozen=True)
class Layer:
    """One entry of the ``nn.Sequential``: a Linear layer, a normalization, an activation,
    a dropout or a residual block (which holds entries of its own)."""

    index: int
    """Its position in its Sequential (its ``state_dict`` prefix there)."""
    n_in: int = 0
    """Linear: input width."""
    n_out: int = 0
    """Linear and norm: output width."""
    activation: str | None = None
    """An activation's name (then this is no Linear layer)."""
    norm: str | None = None
    """A normalization's name, ``batch`` or ``layer``."""
    dropout: float = 0.0
    """A dropout's probability (> 0 for a dropout entry)."""
    block: tuple[Layer, ...] = ()
    """A residual block's entries: its output is its input plus theirs."""

    @property
    def kind(self) -> str:
        """linear, activation, norm, dropout or residual."""
        if self.block:
            return "residual"
        if self.activation:
            return "activation"
        if self.norm:
            return "norm"
        if self.dropout:
            return "dropout"
        return "linear"


def widths(hidden: tuple[int, ...], n_in: int, n_out: int) -> list[int]:
    """Layer widths from input to output, e.g. [1, 10, 1]."""
    return [n_in, *hidden, n_out]


def blocks(hidden: tuple[int, ...]) -> list[tuple[int, int]]:
    """The residual blocks as (first, second) hidden layer indices, from 0.

    A block is two consecutive hidden layers ``j``, ``j + 1`` with ``j >= 1`` (its input
    is a hidden layer's output, never the features) whose input and both outputs have one
    width: ``hidden[j - 1] == hidden[j] == hidden[j + 1]``. Blocks are taken left to
    right without overlap; a layer in no block has no skip. Eight layers of width 8:
    the first alone, then (1, 2), (3, 4), (5, 6), and the last alone.
    """
    out, j = [], 1
    while j + 1 < len(hidden):
        if hidden[j - 1] == hidden[j] == hidden[j + 1]:
            out.append((j, j + 1))
            j += 2
        else:
            j += 1
    return out


def plan(
    hidden: tuple[int, ...],
    activation: str,
    n_in: int,
    n_out: int,
    *,
    dropout: tuple[float, ...] = (0.0,),
    norm: str = "none",
    residual: bool = False,
) -> list[Layer]:
    """The entries in order. Each hidden layer is its Linear layer, then its norm (if
    any), its activation, its dropout (if > 0); the output layer is a Linear alone.
    ``activation`` and ``dropout`` give one value for all hidden layers or one each.
    With ``residual``, the two hidden layers of each :func:`blocks` pair sit in one
    residual entry (numbered within it)."""
    acts = activation.split(",")
    acts = acts if len(acts) == len(hidden) else acts * len(hidden)
    drops = dropout if len(dropout) == len(hidden) else tuple(dropout[:1]) * len(hidden)
    w = widths(hidden, n_in, n_out)

    def hidden_layer(j: int, start: int) -> list[Layer]:
        out = [Layer(start, w[j], w[j + 1])]
        if norm != "none":
            out.append(Layer(start + len(out), n_out=w[j + 1], norm=norm))
        out.append(Layer(start + len(out), activation=acts[j]))
        if drops[j]:
            out.append(Layer(start + len(out), dropout=drops[j]))
        return out

    pairs = dict(blocks(hidden)) if residual else {}
    out: list[Layer] = []
    j = 0
    while j < len(hidden):
        if j in pairs:
            inner = hidden_layer(j, 0)
            inner += hidden_layer(j + 1, len(inner))
            out.append(Layer(len(out), block=tuple(inner)))
            j += 2
        else:
            out.extend(hidden_layer(j, len(out)))
            j += 1
    out.append(Layer(len(out), w[-2], w[-1]))
    return out


def model_plan(model, n_in: int, n_out: int) -> list[Layer]:
    """:func:`plan` for a :class:`~torchplay.engine.run.modelspec.ModelSpec`."""
    return plan(
        model.hidden,
        model.activation,
        n_in,
        n_out,
        dropout=model.dropout,
        norm=model.norm,
        residual=model.residual,
    )


def walk(layers: list[Layer] | tuple[Layer, ...], prefix: str = ""):
    """Every entry that is not a block, with its ``state_dict`` prefix (``2.0``)."""
    for x in layers:
        if x.block:
            yield from walk(x.block, f"{prefix}{x.index}.")
        else:
            yield f"{prefix}{x.index}", x


def state_shapes(layers: list[Layer]) -> dict[str, tuple[int, ...]]:
    """The ``state_dict`` names and shapes of the network, in order. Batch norm's
    ``num_batches_tracked`` is an int64 scalar; every other tensor is float32."""
    out: dict[str, tuple[int, ...]] = {}
    for name, x in walk(layers):
        if x.kind == "linear":
            out[f"{name}.weight"] = (x.n_out, x.n_in)
            out[f"{name}.bias"] = (x.n_out,)
        elif x.kind == "norm":
            out[f"{name}.weight"] = (x.n_out,)
            out[f"{name}.bias"] = (x.n_out,)
            if x.norm == "batch":
                out[f"{name}.running_mean"] = (x.n_out,)
                out[f"{name}.running_var"] = (x.n_out,)
                out[f"{name}.num_batches_tracked"] = ()
    return out
