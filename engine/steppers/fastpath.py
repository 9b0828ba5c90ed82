"""The fused fast path: an MLP's forward and backward written out, with no autograd graph.

Small MLPs spend almost all of a tutorial step in per-op dispatch and autograd
bookkeeping, not arithmetic. Here each step is a short, fixed list of ops (14 for the
tutorial's regression) writing into buffers kept per batch size (``out=``: no
allocations, no view ops): the same aten kernels autograd runs, on the same operands,
the activation backward in place. L1/L2 add
:func:`torchplay.engine.train.penalty.gradient` to the weight gradients; the optimizer
updates one flat parameter buffer in place (see
:func:`torchplay.engine.train.model.flatten_parameters`), mirroring ``torch.optim``'s
single-tensor SGD and Adam/AdamW formulas. The trainer runs the step in inference mode
(:mod:`torchplay.engine.train.exactloop`), so buffers and optimizer state are made
outside it."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn
from torchplay.engine.run.spec import Spec, TrainingSpec
from torchplay.engine.steppers.freeze import Frozen
from torchplay.engine.train import penalty
from torchplay.engine.train.model import linears

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

IN_PLACE: dict[str, Forward] = {
    "relu": torch.relu_,
    "tanh": torch.tanh_,
    "sigmoid": torch.sigmoid_,
    "identity": lambda z: z,
}
"""Activations that differentiate from their output alone, applied in place (the same
elementwise kernels as the out-of-place ones, one allocation fewer per layer)."""

BACKWARD_INTO: dict[str, Callable[[torch.Tensor, torch.Tensor, torch.Tensor], object]] = {
    "relu": lambda g, z, a: aten.threshold_backward.grad_input(g, a, 0, grad_input=g),
    "tanh": lambda g, z, a: aten.tanh_backward.grad_input(g, a, grad_input=g),
    "sigmoid": lambda g, z, a: aten.sigmoid_backward.grad_input(g, a, grad_input=g),
    "leaky_relu": lambda g, z, a: aten.leaky_relu_backward.grad_input(
        g, z, 0.01, False, grad_input=g
    ),
    "elu": lambda g, z, a: aten.elu_backward.grad_input(g, 1.0, 1, 1, False, z, grad_input=g),
    "gelu": lambda g, z, a: aten.gelu_backward.grad_input(g, z, grad_input=g),
    "softplus": lambda g, z, a: aten.softplus_backward.grad_input(g, z, 1, 20, grad_input=g),
    "identity": lambda g, z, a: None,
}
""":data:`ACTIVATIONS`' backward kernels writing into ``g`` itself (the ``grad_input=``
overloads; elementwise, so in place computes every element exactly as out of place)."""

SUPPORTED_OPTIMIZERS = ("sgd", "adam", "adamw")

_F32 = struct.Struct("f")


def mean_of_sum(total: float, n: int) -> float:
    """``total / n`` rounded to float32: what ``mean`` gives for a float32 ``total``
    (aten's mean is ``sum(...).div_(n)``, one correctly rounded float32 division, and a
    double quotient of two floats rounds to the same float32). MSELoss's mean is then
    its ``sum`` reduction, with one reduction kernel and allocation fewer per step."""
    return _F32.unpack(_F32.pack(total / n))[0]


def supports(training: TrainingSpec, spec: Spec | None = None) -> bool:
    """Whether the fused path can run this training spec (and ``spec``'s network, when
    given; otherwise autograd runs it)."""
    return why_not(training, spec) is None


def why_not(training: TrainingSpec, spec: Spec | None = None) -> str | None:
    """Why autograd runs ``training`` (and ``spec``'s network), or None: the fused path."""
    if not training.fast_path:
        return "asked for (fast_path false)"
    if training.optimizer not in SUPPORTED_OPTIMIZERS:
        return f"optimizer {training.optimizer} trains on autograd"
    return None if spec is None else spec.model.autograd_reason


class Scratch(NamedTuple):
    """A fused step's buffers for one batch size (:meth:`FusedStepper.scratch`)."""

    zs: list[torch.Tensor]
    """Each layer's pre-activation (in place: its activation), the output's last."""
    grads: list[torch.Tensor]
    """dL/d(each layer's pre-activation)."""
    grads_t: list[torch.Tensor]
    """Their transposes."""
    logp: torch.Tensor
    """Cross-entropy's log-probabilities."""
    logp_flat: torch.Tensor


class FusedStepper:
    """One optimizer step of an MLP without autograd, on the module's own parameters."""

    fused = True

    def __init__(
        self,
        net: nn.Sequential,
        flat: torch.Tensor,
        training: TrainingSpec,
        loss: str,
        activation: str,
        lr: float,
    ) -> None:
        layers = linears(net)
        self.weights = [m.weight.data for m in layers]
        self.biases = [m.bias.data for m in layers]
        self.flat = flat
        self.grad = torch.zeros_like(flat)
        self.grad_w = [self._grad_view(w) for w in self.weights]
        self.grad_b = [self._grad_view(b) for b in self.biases]
        self.act, self.act_backward = ACTIVATIONS[activation]
        self.backward_into = BACKWARD_INTO[activation]
        # relu, tanh and sigmoid differentiate from their output alone: no need to keep
        # the pre-activation, so they run in place.
        self.keep_z = activation not in IN_PLACE
        if not self.keep_z:
            self.act = IN_PLACE[activation]
        self.hidden = [(w.t(), b) for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True)]
        self.out_wt, self.out_b = self.weights[-1].t(), self.biases[-1]
        self.two = None
        """One hidden layer: the operands of :meth:`_two_layer_step`, in its order."""
        if len(self.weights) == 2:
            (wt0, b0), w1 = self.hidden[0], self.weights[1]
            gw, gb = self.grad_w, self.grad_b
            self.two = (wt0, b0, self.out_wt, self.out_b, w1, gw[0], gb[0], gw[1], gb[1])
        self.loss = loss
        self.mse = loss == "mse"
        self.training = training
        self.rates = (training.l1, training.l2)
        self.penalized = bool(training.l1 or training.l2)
        self.plain_sgd = training.optimizer == "sgd" and not (
            training.weight_decay or training.momentum or self.penalized
        )
        """The tutorial's update, ``p -= lr * g``: one op, no optimizer state or L1/L2."""
        self.lr = lr
        self._one = torch.ones((), dtype=flat.dtype)
        self._scaled_src: torch.Tensor | None = None
        self._scaled = self._target_flat = self._one
        self._scratch: dict[int, Scratch] = {}
        """Per batch size (full batch has one, minibatches at most two)."""
        self.frozen: Frozen | None = None
        """Entries no step changes (neuron surgery: :mod:`.freeze`)."""
        self.reset_state()

    def _grad_view(self, param: torch.Tensor) -> torch.Tensor:
        # The gradient of a parameter sits at the same (aligned) offset as the parameter.
        start = param.storage_offset() - self.flat.storage_offset()
        return self.grad[start : start + param.numel()].view_as(param)

    def reset_state(self) -> None:
        """Forget momentum and Adam moments (a fresh optimizer)."""
        self.t = 0
        self.buf: torch.Tensor | None = None
        self.exp_avg: torch.Tensor | None = None
        self.exp_avg_sq: torch.Tensor | None = None

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    def prepare_targets(self, y: torch.Tensor) -> torch.Tensor:
        """Targets in the form :meth:`step` takes: negated one-hot floats for cross-entropy
        (the gradient of the summed NLL with respect to the log-probabilities)."""
        if self.loss == "cross_entropy":
            return -F.one_hot(y, self.weights[-1].shape[0]).to(self.flat.dtype)
        return y

    def scratch(self, rows: int) -> Scratch:
        """Buffers for a batch of ``rows``: each layer's pre-activation and its gradient
        (with the gradient's transpose, which the weight gradient reads), and for
        cross-entropy the log-probabilities. Every op of a step writes into them
        (``out=``), so a step allocates next to nothing and makes no view ops."""
        got = self._scratch.get(rows)
        if got is None:
            with torch.inference_mode(False):  # updated in place in and out of it
                got = self._scratch[rows] = self._new_scratch(rows)
        return got

    def _new_scratch(self, rows: int) -> Scratch:
        zs = [torch.empty(rows, w.shape[0], dtype=self.flat.dtype) for w in self.weights]
        grads = [torch.empty_like(z) for z in zs]
        logp = torch.empty_like(zs[-1])
        return Scratch(zs, grads, [d.t() for d in grads], logp, logp.view(-1))

    def _loss_into(self, out: torch.Tensor, target: torch.Tensor, s: Scratch) -> float:
        """The batch loss, and dL/d(out) into ``s.grads[-1]``, with the aten kernels
        autograd runs for MSELoss, and for CrossEntropyLoss (log-softmax; its loss here is
        the log-probabilities' dot product with the targets). ``.item()`` is a sync point;
        on CPU a plain read."""
        if self.mse:
            aten.mse_loss_backward.grad_input(self._one, out, target, 1, grad_input=s.grads[-1])
            return mean_of_sum(aten.mse_loss.default(out, target, 2).item(), out.numel())
        if target is not self._scaled_src:
            # Full batch hands the same target every step: scale it by 1/n once.
            self._scaled_src, self._scaled = target, target * (1.0 / target.shape[0])
            self._target_flat = target.view(-1)
        logp = torch._log_softmax(out, 1, False, out=s.logp)
        loss = torch.dot(s.logp_flat, self._target_flat).item() / out.shape[0]
        torch._log_softmax_backward_data(self._scaled, logp, 1, logp.dtype, out=s.grads[-1])
        return loss

    def _loss_delta(self, out: torch.Tensor, target: torch.Tensor):
        """(the batch loss, dL/d(out), its transpose), in this batch size's scratch."""
        s = self.scratch(out.shape[0])
        return self._loss_into(out, target, s), s.grads[-1], s.grads_t[-1]

    def step(self, x: torch.Tensor, target: torch.Tensor) -> float:
        """Forward, backward and update on one batch; returns the batch loss (before it).

        Written for few Python and torch ops per step: at these sizes dispatch, not
        arithmetic, is the cost. Every op is one autograd runs for the tutorial's loop,
        on the same operands; they write into :meth:`scratch` instead of new tensors.
        """
        if self.two is not None:
            return self._two_layer_step(x, target)
        s = self._scratch.get(x.shape[0]) or self.scratch(x.shape[0])
        zs, grads, grads_t = s.zs, s.grads, s.grads_t
        act, addmm = self.act, torch.addmm
        acts, h = [x], x
        for (wt, b), z in zip(self.hidden, zs, strict=False):  # zs[-1]: the output's
            h = act(addmm(b, h, wt, out=z))  # in place for relu, tanh, sigmoid
            acts.append(h)
        loss = self._loss_into(addmm(self.out_b, h, self.out_wt, out=zs[-1]), target, s)
        mm, total, backward = torch.mm, torch.sum, self.backward_into
        weights, grad_w, grad_b = self.weights, self.grad_w, self.grad_b
        for i in range(len(acts) - 1, 0, -1):
            mm(grads_t[i], acts[i], out=grad_w[i])
            total(grads[i], 0, out=grad_b[i])
            # dL/d(layer i's input), then through layer i-1's activation, in place
            backward(mm(grads[i], weights[i], out=grads[i - 1]), zs[i - 1], acts[i])
        mm(grads_t[0], x, out=grad_w[0])
        total(grads[0], 0, out=grad_b[0])
        if self.frozen is None and self.plain_sgd:
            self.flat.add_(self.grad, alpha=-self.lr)
        else:
            self._finish()
        return loss

    def _two_layer_step(self, x: torch.Tensor, target: torch.Tensor) -> float:
        """:meth:`step` for one hidden layer (the tutorial's net), written out: the same
        ops on the same buffers, without the loops' Python (~10% of the step)."""
        s = self._scratch.get(x.shape[0]) or self.scratch(x.shape[0])
        (z0, z1), (g0, g1), (gt0, gt1) = s.zs, s.grads, s.grads_t
        wt0, b0, wt1, b1, w1, gw0, gb0, gw1, gb1 = self.two
        h = self.act(torch.addmm(b0, x, wt0, out=z0))
        loss = self._loss_into(torch.addmm(b1, h, wt1, out=z1), target, s)
        torch.mm(gt1, h, out=gw1)
        torch.sum(g1, 0, out=gb1)
        self.backward_into(torch.mm(g1, w1, out=g0), z0, h)
        torch.mm(gt0, x, out=gw0)
        torch.sum(g0, 0, out=gb0)
        if self.frozen is None and self.plain_sgd:
            self.flat.add_(self.grad, alpha=-self.lr)
        else:
            self._finish()
        return loss

    def _finish(self) -> None:
        """After the gradients: the L1/L2 terms, then the update (frozen units held)."""
        if self.penalized:
            for w, gw in zip(self.weights, self.grad_w, strict=True):
                gw.add_(penalty.gradient(w, *self.rates))
        frozen = self.frozen
        if frozen is None:
            self._update()
            return
        kept = frozen.hold(self.grad)
        self._update()
        frozen.release(kept)

    def _update(self) -> None:
        tr, p, g, lr = self.training, self.flat, self.grad, self.lr
        if tr.optimizer == "sgd":
            if tr.weight_decay:
                g = g.add(p, alpha=tr.weight_decay)
            if tr.momentum:
                if self.buf is None:
                    with torch.inference_mode(False):  # state: a plain tensor
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
            with torch.inference_mode(False):  # state: plain tensors
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
