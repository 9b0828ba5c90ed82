"""The backprop inspector: one sample's forward and backward pass, written out by hand.

For one raw input point and its target, :func:`inspect` walks the network's Linear
layers forward (pre-activation ``z``, activation ``a``), takes the loss, and walks back
with the chain rule written out (``dL/da``, ``dL/dz``, ``dL/dW``, ``dL/db``), without
autograd: the numbers a learner would compute on paper, micrograd style. It then says
what one plain SGD step at ``lr`` would do to each weight and to the loss on that point.
tests/engine/test_backprop.py holds every number against torch autograd.

The loss is the data loss on the one point (the spec's mse or cross entropy), without
the L1/L2 penalty: the inspector explains one sample's gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torchplay.engine.train.model import linears


@dataclass(frozen=True)
class LayerTrace:
    """One Linear layer (and the activation after it) for one sample, as plain lists."""

    z: list[float]
    """The pre-activation ``W a_prev + b``."""
    a: list[float]
    """The activation of ``z`` (``z`` itself for the output layer)."""
    activation: str
    """The activation's name (``identity`` for the output layer)."""
    grad_a: list[float]
    """dL/da."""
    grad_z: list[float]
    """dL/dz."""
    weight_grad: list[list[float]]
    """dL/dW, shaped like ``nn.Linear.weight``: ``[out][in]``."""
    bias_grad: list[float]
    """dL/db."""
    weight_step: list[list[float]]
    """Δw of one SGD step at the inspected lr: ``-lr * dL/dW``."""
    bias_step: list[float]
    """Δb of that step."""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Trace:
    """One sample through the whole network."""

    inputs: list[float]
    """What the first layer sees: the point's features (its raw inputs without any)."""
    target: float | int
    """The class index (classification) or the value (regression)."""
    loss_name: str
    loss: float
    layers: list[LayerTrace]
    lr: float
    loss_after: float
    """The loss on this point after the SGD step."""

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "layers"}
        out["layers"] = [layer.to_dict() for layer in self.layers]
        return out


def _derivative(name: str, z: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """da/dz of activation ``name`` at ``z`` (``a`` = its value), as torch's backward."""
    if name == "relu":
        return (a > 0).to(z.dtype)
    if name == "leaky_relu":
        return torch.where(z > 0, 1.0, 0.01).to(z.dtype)
    if name == "tanh":
        return 1 - a * a
    if name == "sigmoid":
        return (1 - a) * a
    if name == "elu":
        return torch.where(z > 0, torch.ones_like(z), torch.exp(z))
    if name == "gelu":
        cdf = 0.5 * (1 + torch.erf(z * (1 / math.sqrt(2))))
        pdf = torch.exp(-0.5 * z * z) * (1 / math.sqrt(2 * math.pi))
        return cdf + z * pdf
    if name == "softplus":  # beta 1, threshold 20: linear above it
        return torch.where(z > 20, torch.ones_like(z), torch.sigmoid(z))
    if name == "identity":
        return torch.ones_like(z)
    raise ValueError(f"no derivative for activation {name!r}")


def _apply(name: str, z: torch.Tensor) -> torch.Tensor:
    fn = {
        "relu": torch.relu,
        "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "elu": torch.nn.functional.elu,
        "gelu": torch.nn.functional.gelu,
        "softplus": torch.nn.functional.softplus,
        "identity": lambda t: t,
    }
    return fn[name](z)


def _layers(net: nn.Sequential, activation: str) -> list[tuple[nn.Linear, str]]:
    lins = linears(net)
    names = activation.split(",")
    if len(names) != len(lins) - 1:
        names = names[:1] * (len(lins) - 1)
    return [(lin, names[k] if k < len(lins) - 1 else "identity") for k, lin in enumerate(lins)]


def check_plain(net: nn.Module) -> None:
    """The inspector writes out Linear layers and activations only.

    Raises:
        InputError: ``net`` holds a norm, a dropout or a residual block.
    """
    from torchplay.engine.run.errors import InputError

    if any(isinstance(m, nn.Sequential) for m in list(net.modules())[1:]) or any(
        "norm" in type(m).__name__.lower() or isinstance(m, nn.Dropout) for m in net.modules()
    ):
        raise InputError(
            "the backprop inspector writes out Linear layers and activations only; this "
            "network has norms, dropout or residual links (model.norm, model.dropout, "
            "model.residual)"
        )


def _forward(params, x: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    zs, acts, a = [], [], x
    for w, b, act in params:
        z = w @ a + b
        a = _apply(act, z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def _loss(loss: str, out: torch.Tensor, target: float | int) -> tuple[float, torch.Tensor]:
    """The loss of one output vector and dL/dout."""
    if loss == "mse":  # mean over the outputs, as F.mse_loss
        diff = out - target
        return float((diff * diff).mean()), diff * (2.0 / out.numel())
    logp = torch.log_softmax(out, 0)
    grad = torch.softmax(out, 0)
    grad[int(target)] -= 1
    return float(-logp[int(target)]), grad


def inspect(
    net: nn.Sequential,
    activation: str,
    inputs: list[float],
    target: float | int,
    loss: str,
    lr: float,
) -> Trace:
    """One sample's forward and hand-written backward pass through ``net``.

    Args:
        net: the network (its weights are read, never changed).
        activation: the hidden layers' activation, or one per layer joined by commas
            (the spec's ``model.activation``).
        inputs: what the first layer sees (the point's features).
        target: a class index (``cross_entropy``) or a value (``mse``).
        loss: ``"mse"`` or ``"cross_entropy"``.
        lr: the learning rate of the SGD step to preview.
    """
    check_plain(net)
    with torch.no_grad():
        params = [(lin.weight, lin.bias, act) for lin, act in _layers(net, activation)]
        x = torch.tensor(inputs, dtype=params[0][0].dtype)
        zs, acts = _forward(params, x)
        value, grad_a = _loss(loss, acts[-1], target)
        traces: list[LayerTrace] = []
        for k in range(len(params) - 1, -1, -1):
            w, _, act = params[k]
            grad_z = grad_a * _derivative(act, zs[k], acts[k])
            if act == "relu":
                grad_z = grad_z + 0.0  # -0.0 -> 0.0, as relu's backward passes no sign
            prev = acts[k - 1] if k else x
            grad_w = torch.outer(grad_z, prev)
            traces.append(
                LayerTrace(
                    z=zs[k].tolist(),
                    a=acts[k].tolist(),
                    activation=act,
                    grad_a=grad_a.tolist(),
                    grad_z=grad_z.tolist(),
                    weight_grad=grad_w.tolist(),
                    bias_grad=grad_z.tolist(),
                    weight_step=(-lr * grad_w).tolist(),
                    bias_step=(-lr * grad_z).tolist(),
                )
            )
            grad_a = w.T @ grad_z
        traces.reverse()
        stepped = [
            (
                w - lr * torch.tensor(t.weight_grad, dtype=w.dtype),
                b - lr * torch.tensor(t.bias_grad, dtype=b.dtype),
                act,
            )
            for (w, b, act), t in zip(params, traces, strict=True)
        ]
        after = _loss(loss, _forward(stepped, x)[1][-1], target)[0]
    return Trace(
        inputs=x.tolist(),
        target=target,
        loss_name=loss,
        loss=value,
        layers=traces,
        lr=lr,
        loss_after=after,
    )


def nearest_target(x_train: torch.Tensor, y_train: torch.Tensor, point: list[float]) -> float | int:
    """The label (or first y value) of the training point nearest ``point`` (raw inputs)."""
    p = torch.tensor(point, dtype=x_train.dtype)
    i = int(((x_train - p) ** 2).sum(1).argmin())
    y = y_train[i]
    return int(y) if y.dim() == 0 else float(y.reshape(-1)[0])
