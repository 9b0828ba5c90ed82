"""Stacked tensors whose members sit on the single run's 64-byte alignment, and the
per-member matrix products that read and write them.

MKL's small ``addmm``/``mm`` round differently when an operand or the output starts at a
different offset mod 4 floats (16 bytes) than in the single run, whose tensors are fresh
allocations (64-byte aligned) or views of its flat parameter buffer at offsets that are
multiples of 16 floats (:func:`torchplay.engine.train.model.flatten_parameters`). A
contiguous ``[K, N, M]`` stack puts member ``r`` at ``r * N * M`` floats: when ``N * M``
is not a multiple of 4 (75 rows x 10 units: 750), odd members start 2 floats off. Here
each member's block starts a multiple of :data:`PAD` floats apart, at its single run's
phase, so every member's pointer is aligned as its single run's is.

Such a stack is not contiguous, and a batched ``baddbmm``/``bmm`` writing into it
(``out=``) runs the single run's ``addmm``/``mm`` once per member, in C++. One member
(K = 1) is contiguous again, so it calls ``addmm``/``mm`` itself.
"""

from __future__ import annotations

import torch
from torchplay.engine.train.model import ALIGN

PAD = ALIGN
"""Floats between member blocks' starts are a multiple of this (64 bytes in float32)."""


ACT_INTO = {
    "elu": lambda z, out: torch.ops.aten.elu.out(z, 1.0, 1, 1, out=out),
    "softplus": lambda z, out: torch.ops.aten.softplus.out(z, 1, 20, out=out),
    "leaky_relu": lambda z, out: torch.ops.aten.leaky_relu.out(z, 0.01, out=out),
}
"""Activations (the kernels of ``F.elu``, ``F.softplus``, ``F.leaky_relu(z, 0.01)``)
written into ``out``. Into a padded stack each member is its own loop, as its single
run's tensor is: these kernels finish a loop's last partial vector with scalar code that
can round differently, so on a contiguous stack some members' last elements differed.
gelu is not here: it runs as its single run's only on contiguous operands."""


def padded(k: int, shape: tuple[int, ...], like: torch.Tensor, phase: int = 0) -> torch.Tensor:
    """An empty ``[k, *shape]`` stack whose members start a multiple of :data:`PAD`
    floats apart, ``phase`` floats past a 64-byte boundary (the CPU allocator's); more
    than ``shape``'s size apart, so that for k > 1 it is never contiguous."""
    n = 1
    for s in shape:
        n *= s
    stride = (n // PAD + 1) * PAD  # never n itself: a contiguous stack would batch
    buf = like.new_empty(k * stride + PAD)
    start = (phase - buf.data_ptr() // buf.element_size()) % PAD
    return buf[start : start + k * stride].view(k, stride)[:, :n].view(k, *shape)


def stack_aligned(tensors: list[torch.Tensor], device: torch.device) -> torch.Tensor:
    """``torch.stack(tensors)`` on ``device``, each member as aligned as the first
    tensor (on the CPU; elsewhere a plain stack)."""
    if device.type != "cpu":
        return torch.stack(tensors).to(device)
    first = tensors[0]
    phase = first.data_ptr() // first.element_size() % PAD
    out = padded(len(tensors), tuple(first.shape), first, phase)
    for dst, src in zip(out, tensors, strict=True):
        dst.copy_(src)
    return out


def addmm_each(b: torch.Tensor, h: torch.Tensor, wt: torch.Tensor, out: torch.Tensor):
    """``h @ wt + b`` per member into ``out`` (``[K, N, O]``, ``b`` ``[K, 1, O]``)."""
    if out.shape[0] == 1:
        torch.addmm(b[0, 0], h[0], wt[0], out=out[0])
        return out
    return torch.baddbmm(b, h, wt, out=out)


def mm_each(a: torch.Tensor, b: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """``a @ b`` per member into ``out``."""
    if out.shape[0] == 1:
        torch.mm(a[0], b[0], out=out[0])
        return out
    return torch.bmm(a, b, out=out)
