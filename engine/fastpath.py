"""The fused fast path: an MLP's forward and backward written out, with no autograd graph.

Small MLPs spend almost all of a tutorial step in per-op dispatch and autograd
bookkeeping, not arithmetic. Here each step is a short, fixed list of ops on
preallocated buffers: the activation backward uses the same aten kernels autograd uses,
and the optimizer updates one flat parameter buffer in place (see
:func:`engine.model.flatten_parameters`), mirroring ``torch.optim``'s single-tensor
SGD and Adam/AdamW formulas.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from engine.model import linears
from engine.spec import TrainingSpec

aten = torch.ops.aten

Forward = Callable[[torch.Tensor], torch.Tensor]
# backward(grad, pre_activation, post_activation) -> grad wrt pre_activation
Backward = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]

ACTIVATIONS: dict[str, tuple[Forward, Backward]] = {
    "relu": (torch.relu, lambda g, z, a: aten.threshold_backward(g, a, 0)),
    "tanh": (torch.tanh, lambda g, z, a: aten.tanh_backward(g, a)),
    "sigmoid": (torch.sigmoid, lambda g, z, a: aten.sigmoid_backward(g, a)),
    "leaky_relu": (
        lambda z: F.leaky_relu(z, 0.01),
        lambda g, z, a: aten.leaky_relu_backward(g, z, 0.01, False),
    ),
    "elu": (F.elu, lambda g, z, a: aten.elu_backward(g, 1.0, 1, 1, False, z)),
    "gelu": (F.gelu, lambda g, z, a: aten.gelu_backward(g, z)),
    "softplus": (F.softplus, lambda g, z, a: aten.softplus_backward(g, z, 1, 20)),
    "identity": (lambda z: z, lambda g, z, a: g),
}

SUPPORTED_OPTIMIZERS = ("sgd", "adam", "adamw")


def supports(training: TrainingSpec) -> bool:
    """Whether the fused path can run this training spec (otherwise autograd runs it)."""
    return training.fast_path and training.optimizer in SUPPORTED_OPTIMIZERS


class FusedStepper:
    """One optimizer step of an MLP without autograd, on the module's own parameters."""

    fused = True

    def __init__(
        self, net: nn.Sequential, flat: torch.Tensor, training: TrainingSpec,
        loss: str, activation: str, lr: float,
    ) -> None:
        layers = linears(net)
        self.weights = [m.weight.data for m in layers]
        self.biases = [m.bias.data for m in layers]
        self.flat = flat
        self.grad = torch.zeros_like(flat)
        self.grad_w, self.grad_b, offset = [], [], 0
        for w, b in zip(self.weights, self.biases, strict=True):
            self.grad_w.append(self.grad[offset : offset + w.numel()].view_as(w))
            offset += w.numel()
            self.grad_b.append(self.grad[offset : offset + b.numel()])
            offset += b.numel()
        self.act, self.act_backward = ACTIVATIONS[activation]
        self.loss = loss
        self.training = training
        self.lr = lr
        self.reset_state()

    def reset_state(self) -> None:
        """Forget momentum and Adam moments (a fresh optimizer)."""
        self.t = 0
        self.buf: torch.Tensor | None = None
        self.exp_avg: torch.Tensor | None = None
        self.exp_avg_sq: torch.Tensor | None = None

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    def prepare_targets(self, y: torch.Tensor) -> torch.Tensor:
        """Targets in the form :meth:`step` takes: one-hot floats for cross-entropy."""
        if self.loss == "cross_entropy":
            return F.one_hot(y, self.weights[-1].shape[0]).to(self.flat.dtype)
        return y

    def step(self, x: torch.Tensor, target: torch.Tensor) -> float:
        """Forward, backward and update on one batch; returns the batch loss (before it)."""
        zs, acts = [], [x]
        h = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = torch.addmm(b, h, w.t())
            if i < last:
                zs.append(z)
                h = self.act(z)
                acts.append(h)
            else:
                h = z
        n = h.shape[0]
        if self.loss == "mse":
            diff = h - target
            flat_diff = diff.view(-1)
            # .item() is a sync point; on CPU it is a plain read.
            loss = torch.dot(flat_diff, flat_diff).item() / flat_diff.numel()
            delta = diff * (2.0 / flat_diff.numel())
        else:
            logp = torch.log_softmax(h, 1)
            loss = -torch.dot(logp.view(-1), target.view(-1)).item() / n
            delta = (torch.exp(logp) - target) * (1.0 / n)
        for i in range(last, -1, -1):
            torch.mm(delta.t(), acts[i], out=self.grad_w[i])
            torch.sum(delta, 0, out=self.grad_b[i])
            if i > 0:
                delta = self.act_backward(delta.mm(self.weights[i]), zs[i - 1], acts[i])
        self._update()
        return loss

    def _update(self) -> None:
        tr, p, g, lr = self.training, self.flat, self.grad, self.lr
        if tr.optimizer == "sgd":
            if tr.weight_decay:
                g = g.add(p, alpha=tr.weight_decay)
            if tr.momentum:
                if self.buf is None:
                    self.buf = g.clone()
                else:
                    self.buf.mul_(tr.momentum).add_(g)
                g = g.add(self.buf, alpha=tr.momentum) if tr.nesterov else self.buf
            p.add_(g, alpha=-lr)
            return
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        if tr.optimizer == "adamw":
            p.mul_(1 - lr * tr.weight_decay)
        elif tr.weight_decay:
            g = g.add(p, alpha=tr.weight_decay)
        if self.exp_avg is None:
            self.exp_avg = torch.zeros_like(p)
            self.exp_avg_sq = torch.zeros_like(p)
        self.t += 1
        self.exp_avg.lerp_(g, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        step_size = lr / (1 - beta1**self.t)
        bias_correction2_sqrt = (1 - beta2**self.t) ** 0.5
        denom = (self.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        p.addcdiv_(self.exp_avg, denom, value=-step_size)

    def state_tensors(self) -> dict[str, torch.Tensor]:
        """The optimizer state as named tensors, for checkpoints."""
        out = {"optim.t": torch.tensor(self.t, dtype=torch.int64)}
        for name in ("buf", "exp_avg", "exp_avg_sq"):
            value = getattr(self, name)
            if value is not None:
                out[f"optim.{name}"] = value.clone()
        return out

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what :meth:`state_tensors` saved."""
        self.reset_state()
        self.t = int(tensors["optim.t"]) if "optim.t" in tensors else 0
        for name in ("buf", "exp_avg", "exp_avg_sq"):
            if f"optim.{name}" in tensors:
                setattr(self, name, tensors[f"optim.{name}"].clone())
