"""L1 and L2 regularization as TF Playground adds it: a penalty on the weights, in the loss.

The penalty is ``l1 * sum(|w|) + l2 * sum(w**2) / 2`` over every Linear weight (biases
are not penalised, as in TF Playground). Its gradient, ``l1 * sign(w) + l2 * w``, is
computed by one function for both paths: the autograd path wraps it in a
``torch.autograd.Function`` so the gradient that autograd adds to the data gradient is
the same tensor the fused path adds (float addition of two terms is exact either way
round, so the two paths stay equal bit for bit). ``torch.optim``'s ``weight_decay`` is
separate and unchanged.
"""

from __future__ import annotations

import torch


def gradient(w: torch.Tensor, l1: float, l2: float) -> torch.Tensor:
    """``l1 * sign(w) + l2 * w`` (sign(0) = 0, as autograd's ``abs`` backward)."""
    if l1 and l2:
        return torch.sign(w).mul_(l1).add_(w, alpha=l2)
    if l1:
        return torch.sign(w).mul_(l1)
    return w * l2


def value(w: torch.Tensor, l1: float, l2: float) -> torch.Tensor:
    """The penalty of one weight tensor, a 0-d tensor."""
    out = w.new_zeros(())
    if l1:
        out = out + l1 * w.abs().sum()
    if l2:
        out = out + 0.5 * l2 * (w * w).sum()
    return out


class Penalty(torch.autograd.Function):
    """The penalty of one weight tensor whose backward is :func:`gradient`."""

    @staticmethod
    def forward(ctx, w: torch.Tensor, l1: float, l2: float) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(w)
        ctx.rates = (l1, l2)
        return value(w.detach(), l1, l2)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        (w,) = ctx.saved_tensors
        # grad is 1.0 here (the penalty is added to the loss); multiplying keeps it general.
        return gradient(w, *ctx.rates) * grad, None, None


def total(weights: list[torch.Tensor], l1: float, l2: float) -> torch.Tensor:
    """The penalty summed over ``weights``, differentiable with :class:`Penalty`."""
    terms = [Penalty.apply(w, l1, l2) for w in weights]
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out
