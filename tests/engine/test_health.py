"""Training health against a hand computation on a fixed net, histograms against counts,
and the flow marks on a deep sigmoid net (vanishing) beside a relu one."""

from __future__ import annotations

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import ModelSpec
from torchplay.engine.train import model
from torchplay.engine.train.health import VANISHING, health, histogram, of_trainer
from torchplay.engine.train.trainer import Trainer


def fixed_net() -> torch.nn.Sequential:
    """1 -> 2 (relu) -> 1; unit 1 of the hidden layer is dead (w 0, b -1)."""
    net = model.build(ModelSpec(hidden=(2,), activation="relu"), 1, 1)
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [0.0]]))
        net[0].bias.copy_(torch.tensor([0.0, -1.0]))
        net[2].weight.copy_(torch.tensor([[2.0, 3.0]]))
        net[2].bias.copy_(torch.tensor([0.5]))
    return net


def test_fixed_net_by_hand() -> None:
    # x = 1, 2: hidden a = [1, 0], [2, 0]; out = 2.5, 4.5; y = 0: mse 13.25,
    # dL/dout = 2 out / 2 = [2.5, 4.5]; dL/dW1 = [2.5*1 + 4.5*2, 0] = [11.5, 0];
    # dL/dz0 (unit 0) = dL/dout * 2 = [5, 9]; dL/dW0 = [5*1 + 9*2, 0] = [23, 0].
    x, y = torch.tensor([[1.0], [2.0]]), torch.zeros(2, 1)
    first, last = health(fixed_net(), "relu", "mse", x, y)
    assert (first.weight_norm, first.weight_grad_norm, first.ratio) == (1.0, 23.0, 23.0)
    assert (last.weight_norm, last.weight_grad_norm) == (float(torch.tensor(13.0).sqrt()), 11.5)
    assert first.dead_units == [1] and last.dead_units == []
    assert first.flow == last.flow == "ok"
    # the hidden outputs 1, 0, 2, 0 over [0, 2] in 10 bins: 0 twice, 1 in bin 5, 2 in bin 9
    assert first.activations.counts == [2, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_histogram_counts() -> None:
    h = histogram(torch.tensor([0.0, 0.5, 1.0, 1.0, float("nan")]), bins=2)
    assert (h.low, h.high, h.counts) == (0.0, 1.0, [1, 3])
    assert histogram(torch.tensor([2.0, 2.0]), bins=4).counts == [0, 0, 2, 0]


def _deep(activation: str):
    """6 layers of 8 on the classification scenario, 200 SGD steps."""
    spec = get_scenario("classification").with_overrides(
        {"model.hidden": (8,) * 6, "model.activation": activation, "training.optimizer": "sgd"}
    )
    trainer = Trainer(spec)
    trainer.step(200)
    return of_trainer(trainer)


def test_deep_sigmoid_vanishes_where_relu_does_not() -> None:
    sigmoid, relu = _deep("sigmoid"), _deep("relu")
    assert [layer.flow for layer in sigmoid] == ["vanishing"] * 5 + ["ok"] * 2
    assert sigmoid[0].weight_grad_norm < VANISHING * sigmoid[-1].weight_grad_norm
    assert all(layer.flow == "ok" for layer in relu)
