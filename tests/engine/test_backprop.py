"""The backprop inspector equals torch autograd: every layer's z, a, dL/da, dL/dz, dL/dW,
dL/db, the SGD step and the loss after it, for every activation and both losses."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torchplay.engine.run.layers import ACTIVATION_TABLE
from torchplay.engine.run.spec import ModelSpec
from torchplay.engine.train import model
from torchplay.engine.train.backprop import inspect, nearest_target


def close(got, want) -> None:
    torch.testing.assert_close(torch.tensor(got), want.detach(), atol=1e-6, rtol=1e-6)


def autograd_reference(net: nn.Sequential, x: list[float], target, loss: str):
    """z, a and the gradients of each Linear layer, by autograd on the Sequential."""
    inp = torch.tensor([x])
    zs, acts, h = [], [], inp
    for m in net:
        h = m(h)
        h.retain_grad()
        (zs if isinstance(m, nn.Linear) else acts).append(h)
    acts.append(zs[-1])  # the output layer's a is its z
    if loss == "mse":
        value = nn.functional.mse_loss(h, torch.full_like(h, float(target)))
    else:
        value = nn.functional.cross_entropy(h, torch.tensor([int(target)]))
    net.zero_grad()
    value.backward()
    return value, zs, acts


@pytest.mark.parametrize("activation", list(ACTIVATION_TABLE))
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_every_layer_equals_autograd(activation: str, loss: str) -> None:
    torch.manual_seed(3)
    n_out = 1 if loss == "mse" else 3
    net = model.build(ModelSpec(hidden=(5, 4, 3), activation=activation), 2, n_out)
    x, target, lr = [0.5, -1.0], (0.7 if loss == "mse" else 2), 0.1
    trace = inspect(net, activation, x, target, loss, lr)
    value, zs, acts = autograd_reference(net, x, target, loss)
    assert trace.loss == pytest.approx(value.item(), abs=1e-6)
    lins = model.linears(net)
    assert len(trace.layers) == len(lins) == 4
    for got, lin, z, a in zip(trace.layers, lins, zs, acts, strict=True):
        close(got.z, z[0])
        close(got.a, a[0])
        close(got.grad_z, z.grad[0])
        close(got.grad_a, a.grad[0])
        close(got.weight_grad, lin.weight.grad)
        close(got.bias_grad, lin.bias.grad)
        close(got.weight_step, -lr * lin.weight.grad)
    with torch.no_grad():
        for lin in lins:
            lin.weight -= lr * lin.weight.grad
            lin.bias -= lr * lin.bias.grad
    after = autograd_reference(net, x, target, loss)[0]
    assert trace.loss_after == pytest.approx(after.item(), abs=1e-6)


def test_relu_at_zero_passes_no_gradient() -> None:
    """torch's relu backward is 0 at z = 0 exactly; so is the inspector's."""
    net = model.build(ModelSpec(hidden=(1,), activation="relu"), 1, 1)
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.fill_(0.0)
    trace = inspect(net, "relu", [0.0], 1.0, "mse", 0.1)
    assert trace.layers[0].grad_z == [0.0]


def test_nearest_target() -> None:
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    assert nearest_target(x, torch.tensor([4, 7]), [0.9, 0.8]) == 7
    assert nearest_target(x, torch.tensor([[0.5], [2.5]]), [0.1, 0.0]) == 0.5
