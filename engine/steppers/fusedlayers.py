"""The fused path for a layer plan beyond the tutorial's: an activation per hidden layer
and residual blocks, bit for bit with autograd.

:class:`LayeredStepper` is :class:`~torchplay.engine.steppers.fastpath.FusedStepper` with
its forward and backward walking the hidden layers one by one: each layer its own
activation (and its own backward kernel), and at the end of each residual block
(:func:`torchplay.engine.run.layers.blocks`) the block's input added to its output. The
backward sends the gradient at a block's output both into the block and straight to its
input, where it adds to what comes back through the block's layers: the one sum
autograd also forms (two terms, so the order cannot change a bit). The tutorial's
network keeps the plain :class:`FusedStepper`, whose step has no per-layer lookups.
"""

from __future__ import annotations

import torch
from torch import nn
from torchplay.engine.run.layers import blocks
from torchplay.engine.run.spec import ModelSpec, TrainingSpec
from torchplay.engine.steppers.fastpath import ACTIVATIONS, IN_PLACE, FusedStepper


def layer_functions(model: ModelSpec) -> list[tuple]:
    """(forward, backward, keeps z) for each hidden layer: in place where the activation
    differentiates from its output alone, as the plain fused path does."""
    out = []
    for name in model.activations:
        fwd, bwd = ACTIVATIONS[name]
        out.append((IN_PLACE.get(name, fwd), bwd, name not in IN_PLACE))
    return out


def skips(model: ModelSpec) -> dict[int, int]:
    """Residual links as {last hidden layer of a block: the layer whose output is the
    block's input} (hidden layers from 0; -1 would be the features, never used)."""
    if not model.residual:
        return {}
    return {second: first - 1 for first, second in blocks(model.hidden)}


class LayeredStepper(FusedStepper):
    """The fused step with per-layer activations and residual blocks."""

    def __init__(
        self,
        net: nn.Sequential,
        flat: torch.Tensor,
        training: TrainingSpec,
        loss: str,
        model: ModelSpec,
        lr: float,
    ) -> None:
        super().__init__(net, flat, training, loss, model.activations[0], lr)
        self.layer_fns = layer_functions(model)
        self.skips = skips(model)
        self.sources = {src: end for end, src in self.skips.items()}

    def step(self, x: torch.Tensor, target: torch.Tensor) -> float:
        """Forward, backward and update on one batch; returns the batch loss (before it)."""
        fns, skip = self.layer_fns, self.skips
        ins, acts, zs, h = [x], [], [], x
        for j, (wt, b) in enumerate(self.hidden):
            fwd, _, keep_z = fns[j]
            z = torch.addmm(b, h, wt)
            zs.append(z if keep_z else None)
            a = fwd(z)
            acts.append(a)
            h = a + ins[skip[j] + 1] if j in skip else a
            ins.append(h)
        out = torch.addmm(self.out_b, h, self.out_wt)
        loss, delta, delta_t = self._loss_delta(out, target)
        # delta: dL/d(the input of layer i); pending[j]: the skip's share of dL/d ins[j+1].
        pending: dict[int, torch.Tensor] = {}
        for i in range(len(ins) - 1, -1, -1):
            torch.mm(delta_t, ins[i], out=self.grad_w[i])
            torch.sum(delta, 0, out=self.grad_b[i])
            if i:
                j = i - 1  # the hidden layer whose output layer i reads
                g = delta.mm(self.weights[i])
                if j in pending:
                    g = g + pending.pop(j)
                if j in skip:
                    pending[skip[j]] = g
                delta = fns[j][1](g, zs[j], acts[j])
                delta_t = delta.t()
        self._finish()
        return loss
