"""Neuron surgery (training.surgery): frozen units stay frozen on every path, bit for bit
with autograd under a gradient mask; killed units' outgoing weights stay zero; revive
gives them back; the surgery travels with snapshots, forks and checkpoints, and a spec
with the entries trains the same weights again."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import SpecError
from torchplay.engine.sweeps.population import Population
from torchplay.engine.train.lineage import fork
from torchplay.engine.train.model import linears
from torchplay.engine.train.trainer import Trainer

STEPS = 30


def _spec(task: str = "classification", **training):
    overrides = {f"training.{k}": v for k, v in training.items()}
    return get_scenario(task).with_overrides({"training.steps": STEPS, **overrides})


def _masked_reference(trainer: Trainer, frozen: list[tuple[int, int]], optimizer: str, steps: int):
    """The tutorial's loop with torch.optim, the frozen units' incoming weights and bias
    masked out of the gradient by hooks (from the trainer's initial weights)."""
    net = copy.deepcopy(trainer.net)
    layers = linears(net)
    for layer, unit in frozen:
        m = layers[layer - 1]
        wmask, bmask = torch.ones_like(m.weight), torch.ones_like(m.bias)
        wmask[unit - 1], bmask[unit - 1] = 0.0, 0.0
        m.weight.register_hook(lambda g, mask=wmask: g * mask)
        m.bias.register_hook(lambda g, mask=bmask: g * mask)
    lr, mom = trainer.spec.training.lr, trainer.spec.training.momentum
    opt = (
        torch.optim.SGD(net.parameters(), lr=lr, momentum=mom)
        if optimizer == "sgd"
        else torch.optim.Adam(net.parameters(), lr=lr)
    )
    loss_fn = nn.MSELoss() if trainer.loss == "mse" else nn.CrossEntropyLoss()
    x, y = trainer.inputs_train, trainer.data.y_train
    for _ in range(steps):
        loss = loss_fn(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [p.detach() for p in net.parameters()]


@pytest.mark.parametrize("fast_path", [True, False], ids=["fused", "autograd"])
@pytest.mark.parametrize(
    "optimizer,momentum",
    [("sgd", 0.0), ("sgd", 0.9), ("adam", 0.0)],
    ids=["sgd", "momentum", "adam"],
)
def test_a_frozen_unit_is_unchanged_and_the_run_equals_masked_autograd_bit_for_bit(
    fast_path, optimizer, momentum
) -> None:
    lr = 0.01 if optimizer == "adam" else 0.2
    spec = _spec(
        optimizer=optimizer,
        momentum=momentum,
        lr=lr,
        fast_path=fast_path,
        surgery=["0:1:2:freeze", "0:1:5:freeze"],
    )
    t = Trainer(spec)
    assert t.stepper.fused is fast_path
    reference = _masked_reference(t, [(1, 2), (1, 5)], optimizer, STEPS)
    before = linears(t.net)[0].weight.detach().clone(), linears(t.net)[0].bias.detach().clone()
    t.run()
    w, b = linears(t.net)[0].weight, linears(t.net)[0].bias
    for k in (1, 4):
        assert torch.equal(w[k], before[0][k]) and b[k] == before[1][k]
    assert not torch.equal(w[0], before[0][0])  # the others trained
    for ours, theirs in zip(t.net.parameters(), reference, strict=True):
        assert torch.equal(ours, theirs)


def test_frozen_units_stay_frozen_in_a_population_bit_for_bit_with_masked_autograd() -> None:
    # Classification: the stack is bit for bit its single runs here (the regression
    # scenario's one-unit output layer rounds differently batched on some BLAS builds).
    base = _spec(surgery=["0:1:3:freeze", "0:1:7:freeze"])
    specs = [base.with_overrides({"data.seed": seed}) for seed in (1, 2, 3)]
    members = [Trainer(s) for s in specs]
    references = [_masked_reference(m, [(1, 3), (1, 7)], "sgd", STEPS) for m in members]
    starts = [linears(m.net)[0].weight.detach().clone() for m in members]
    Population(members).run()
    for m, reference, start in zip(members, references, starts, strict=True):
        assert m.step_count == STEPS
        w = linears(m.net)[0].weight
        assert torch.equal(w[2], start[2]) and torch.equal(w[6], start[6])
        for ours, theirs in zip(m.net.parameters(), reference, strict=True):
            assert torch.equal(ours, theirs)


def test_a_killed_unit_stays_killed_in_a_population() -> None:
    specs = [_spec(surgery=["0:1:4:kill"]).with_overrides({"data.seed": s}) for s in (1, 2)]
    members = [Trainer(s) for s in specs]
    Population(members).run()
    for m in members:
        assert m.step_count == STEPS and bool((linears(m.net)[1].weight[:, 3] == 0).all())


def test_a_killed_units_outgoing_weights_stay_zero_under_sgd_and_revive_gives_them_back() -> None:
    t = Trainer(_spec(surgery=["10:1:4:kill", "20:1:4:revive"]))
    twin = Trainer(_spec())
    twin.step(10)
    kept = linears(twin.net)[1].weight[:, 3].clone()  # what the kill zeroes, after step 10
    assert bool((kept != 0).all())
    out = linears(t.net)[1].weight
    t.step(15)  # the kill applies right after step 10
    assert bool((out[:, 3] == 0).all()) and t.surgeon.status(1, 4) == "killed"
    t.step(5)
    assert torch.equal(out[:, 3], kept) and t.surgeon.status(1, 4) == "alive"
    t.step(5)
    assert not torch.equal(out[:, 3], kept)  # trains again


def test_edits_set_one_value() -> None:
    t = Trainer(_spec(surgery=["0:1:2:bias=0.25", "0:1:2:in1=-1.5", "0:1:2:out2=3"]))
    first, second = linears(t.net)
    assert first.bias[1] == 0.25 and first.weight[1, 0] == -1.5 and second.weight[1, 1] == 3.0


def test_live_surgery_is_recorded_saved_and_trains_the_same_weights_again(tmp_path) -> None:
    t = Trainer(_spec(batch_size=20))
    t.step(12)
    t.surgeon.operate(1, 3, "kill")
    t.surgeon.operate(1, 5, "freeze")
    t.step(6)
    t.surgeon.operate(1, 3, "revive")
    t.surgeon.operate(1, 1, "in", 2, 0.5)
    t.step(STEPS - 18)
    texts = [s.text for s in t.spec.training.surgery]
    assert texts == ["12:1:3:kill", "12:1:5:freeze", "18:1:3:revive", "18:1:1:in2=0.5"]
    path = tmp_path / "cut.safetensors"
    checkpoint.save(t, path)
    ckpt = checkpoint.load(path)
    assert [s.text for s in ckpt.spec.training.surgery] == texts
    assert ckpt.surgery == {"frozen": [[1, 5]], "killed": []}
    again = Trainer(ckpt.spec)  # headless: the spec alone
    again.run()
    assert checkpoint.weights_sha256(again) == checkpoint.weights_sha256(t)


def test_a_resumed_or_forked_run_goes_on_with_its_surgery(tmp_path) -> None:
    spec = _spec(surgery=["5:1:2:freeze", "8:1:6:kill", "40:1:6:revive"], steps=50)
    straight = Trainer(spec)
    straight.run()
    t = Trainer(spec)
    t.step(20)
    checkpoint.save(t, tmp_path / "mid.safetensors")
    resumed = checkpoint.restore(tmp_path / "mid.safetensors")
    assert resumed.surgeon.status(1, 6) == "killed" and resumed.surgeon.status(1, 2) == "frozen"
    resumed.run()
    assert torch.equal(resumed.flat, straight.flat)
    child = fork(straight, 10)
    assert child.surgeon.status(1, 6) == "killed"
    child.run()
    assert torch.equal(child.flat, straight.flat)


def test_a_fork_with_the_panels_spec_keeps_the_surgery_that_made_its_weights() -> None:
    parent = Trainer(_spec(surgery=["5:1:2:freeze", "8:1:6:kill", "40:1:6:revive"]))
    parent.step(20)
    panel = parent.spec.with_overrides({"training.surgery": [], "training.steps": 50})
    child = fork(parent, 20, panel)
    assert [s.text for s in child.spec.training.surgery] == ["5:1:2:freeze", "8:1:6:kill"]
    child.run()
    assert child.surgeon.status(1, 6) == "killed"  # no revive at 40 in the panel's spec
    again = Trainer(child.spec)  # the child's spec alone trains its weights again
    again.run()
    assert torch.equal(again.flat, child.flat)


@pytest.mark.parametrize(
    "entry,words",
    [
        ("5:2:1:kill", "the network has 1 hidden layers"),
        ("5:1:11:kill", "hidden layer 1 has 10 units"),
        ("5:1:1:in3=1", "the unit has 2 incoming weights"),
        ("5:1:1:out3=1", "the unit has 2 outgoing weights"),
    ],
)
def test_entries_the_network_lacks_are_refused_naming_them(entry, words) -> None:
    with pytest.raises(SpecError, match=words) as info:
        Trainer(_spec(surgery=[entry]))
    assert entry in str(info.value)


@pytest.mark.parametrize(
    "entry",
    [
        "5:1:1",
        "5:1:1:chop",
        "5:1:1:bias",
        "5:1:1:kill=2",
        "5:0:1:kill",
        "5:1:1:in=1",
        "x:1:1:kill",
        "5:1:1:bias=nan",
    ],
)
def test_malformed_entries_are_refused_naming_them(entry) -> None:
    with pytest.raises(SpecError, match="training.surgery") as info:
        _spec(surgery=[entry])
    assert entry in str(info.value)


def test_the_compiled_kernel_falls_back_for_surgery_and_says_so() -> None:
    t = Trainer(_spec(kernel="auto", surgery=["0:1:1:freeze"]))
    assert (t.kernel, t.kernel_why) == ("exact", "neuron surgery runs on the exact kernel")


def test_a_divergence_right_after_surgery_rolls_the_surgery_back_too() -> None:
    # An edit that blows the loss up: step 6 diverges, the run goes back to step 4,
    # before the surgery of step 5, which comes again at step 5.
    t = Trainer(_spec(surgery=["5:1:2:kill", "5:1:3:freeze", "5:1:1:out1=1e38"]))
    t.run()
    assert t.state == "diverged" and t.step_count == 4
    assert t.surgeon.status(1, 2) == "alive" and t.surgeon.status(1, 3) == "alive"
    assert t.stepper.frozen is None and t.surgeon.cut == 5
    assert bool((linears(t.net)[1].weight[:, 1] != 0).all())
    twin = Trainer(_spec())
    twin.step(4)
    assert torch.equal(t.flat, twin.flat)
