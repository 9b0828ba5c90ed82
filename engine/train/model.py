"""The network: an ``nn.Sequential`` MLP built from a :class:`ModelSpec`."""

from __future__ import annotations

import torch
from torch import nn
from torchplay.engine.run.layers import ACTIVATION_TABLE, plan
from torchplay.engine.run.spec import ModelSpec

ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    name: getattr(nn, act.module) for name, act in ACTIVATION_TABLE.items()
}
"""Spec activation names to the ``torch.nn`` modules the Sequential holds."""


def build(model: ModelSpec, n_in: int, n_out: int) -> nn.Sequential:
    """Build the network; its initial weights draw from torch's global RNG, layer by layer."""
    return nn.Sequential(
        *(
            ACTIVATION_MODULES[x.activation]() if x.activation else nn.Linear(x.n_in, x.n_out)
            for x in plan(model.hidden, model.activation, n_in, n_out)
        )
    )


def linears(net: nn.Sequential) -> list[nn.Linear]:
    """The Linear layers of ``net``, in order."""
    return [m for m in net if isinstance(m, nn.Linear)]


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
