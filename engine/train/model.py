"""The network: an ``nn.Sequential`` MLP built from a :class:`ModelSpec`, following its
layer plan (:func:`torchplay.engine.run.layers.model_plan`), with residual blocks as
:class:`Residual` entries and the spec's initialization."""

from __future__ import annotations

import torch
from torch import nn
from torchplay.engine.run.layers import ACTIVATION_TABLE, Layer, model_plan
from torchplay.engine.run.spec import ModelSpec

ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    name: getattr(nn, act.module) for name, act in ACTIVATION_TABLE.items()
}
"""Spec activation names to the ``torch.nn`` modules the Sequential holds."""


class Residual(nn.Sequential):
    """A residual block: its entries in order, plus the block's input (``x + f(x)``)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        for module in self:
            h = module(h)
        return x + h


def _module(x: Layer) -> nn.Module:
    if x.kind == "linear":
        return nn.Linear(x.n_in, x.n_out)
    if x.kind == "activation":
        return ACTIVATION_MODULES[x.activation]()
    if x.kind == "norm":
        return nn.BatchNorm1d(x.n_out) if x.norm == "batch" else nn.LayerNorm(x.n_out)
    if x.kind == "dropout":
        return nn.Dropout(x.dropout)
    return Residual(*(_module(y) for y in x.block))


def build(model: ModelSpec, n_in: int, n_out: int) -> nn.Sequential:
    """Build the network; its initial weights draw from torch's global RNG, layer by
    layer (torch's own init), then, for another ``model.init``, once more in the same
    order (:func:`initialize`). A network with dropout or batch norm is left in eval mode:
    only a training step switches it to train mode (``AutogradStepper``)."""
    net = nn.Sequential(*(_module(x) for x in model_plan(model, n_in, n_out)))
    if model.init != "default":
        initialize(net, model.init)
    if model.modal:
        net.eval()
    return net


def initialize(net: nn.Module, init: str) -> None:
    """Set every Linear layer's weights by ``init`` (xavier: Glorot uniform; he: Kaiming
    normal for relu; zero; normal:STD) and its bias to zero, drawing from torch's global
    RNG layer by layer. Norm layers keep torch's ones and zeros."""
    with torch.no_grad():
        for lin in linears(net):
            if init == "xavier":
                nn.init.xavier_uniform_(lin.weight)
            elif init == "he":
                nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            elif init == "zero":
                nn.init.zeros_(lin.weight)
            else:  # normal:STD
                std = float(init.partition(":")[2])
                nn.init.normal_(lin.weight, 0.0, std) if std else nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)


def linears(net: nn.Module) -> list[nn.Linear]:
    """The Linear layers of ``net``, in order (inside residual blocks too)."""
    return [m for m in net.modules() if isinstance(m, nn.Linear)]


def is_modal(net: nn.Module) -> bool:
    """Whether ``net`` computes differently in train and eval mode (dropout, batch norm)."""
    return any(isinstance(m, nn.Dropout | nn.BatchNorm1d) for m in net.modules())


ALIGN = 16
"""Each parameter starts at a multiple of 16 elements (64 bytes) of the flat buffer:
BLAS kernels round differently on unaligned buffers, and the fast path must give
autograd's results bit for bit."""


def flatten_parameters(net: nn.Module) -> torch.Tensor:
    """Move every parameter into one contiguous buffer; parameters become views of it.

    One buffer lets the fast path update all weights in one op and the trainer back up
    the last finite weights with one copy. The padding between parameters stays zero.
    """
    params = list(net.parameters())
    offsets, total = [], 0
    for p in params:
        offsets.append(total)
        total += -(-p.numel() // ALIGN) * ALIGN
    flat = torch.zeros(total, dtype=params[0].dtype)
    for p, offset in zip(params, offsets, strict=True):
        n = p.numel()
        flat[offset : offset + n].copy_(p.detach().reshape(-1))
        p.data = flat[offset : offset + n].view_as(p)
    return flat
