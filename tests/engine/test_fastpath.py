"""The fused path computes what autograd + torch.optim compute, bit for bit (randomised):
it runs the same aten kernels in the same order, so the weights are equal, not close."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torchplay.engine.run.spec import ACTIVATIONS, DataSpec, ModelSpec, Spec, TrainingSpec
from torchplay.engine.train.trainer import Trainer

configs = st.fixed_dictionaries(
    {
        "dataset": st.sampled_from(["square", "sine", "cubic", "moons", "blobs", "xor", "spiral"]),
        "hidden": st.lists(st.integers(1, 12), min_size=0, max_size=3),
        "activation": st.sampled_from(ACTIVATIONS),
        "optimizer": st.sampled_from(["sgd", "adam", "adamw"]),
        "momentum": st.sampled_from([0.0, 0.9]),
        "nesterov": st.booleans(),
        "weight_decay": st.sampled_from([0.0, 1e-3]),
        "batch_size": st.sampled_from([0, 16]),
        "seed": st.integers(0, 1000),
    }
)


def make_spec(c: dict, fast: bool, steps: int) -> Spec:
    sgd = c["optimizer"] == "sgd"
    momentum = c["momentum"] if sgd else 0.0
    return Spec(
        DataSpec(c["dataset"], samples=64, noise=0.2, seed=c["seed"], classes=3),
        ModelSpec(tuple(c["hidden"]), c["activation"]),
        TrainingSpec(
            c["optimizer"],
            lr=0.05 if sgd else 0.005,
            momentum=momentum,
            nesterov=c["nesterov"] and momentum > 0,
            weight_decay=c["weight_decay"],
            batch_size=c["batch_size"],
            steps=steps,
            fast_path=fast,
        ),
    )


def fused_equals_autograd(c: dict, steps: int) -> None:
    fused, auto = Trainer(make_spec(c, True, steps)), Trainer(make_spec(c, False, steps))
    assert fused.stepper.fused and not auto.stepper.fused
    fused.step(steps)
    auto.step(steps)
    assert fused.step_count == auto.step_count == steps
    assert torch.equal(fused.flat, auto.flat)


# Always on: as many configurations as the long test, 100 steps each (25 epochs of the
# mini-batch runs, Adam's bias correction through its steep part): about 5 s.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_fused_equals_autograd_after_100_steps(c: dict) -> None:
    fused_equals_autograd(c, 100)


# The long horizon (slow, in make test, not in make test-fast): fewer configurations,
# 1,000 steps each, for drift that only a long run would show.
@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_fused_equals_autograd_after_1000_steps(c: dict) -> None:
    fused_equals_autograd(c, 1000)


def test_unsupported_optimizer_uses_autograd() -> None:
    spec = Spec(training=TrainingSpec("rmsprop", lr=0.01))
    assert not Trainer(spec).stepper.fused


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(7,), (5, 3)])
def test_fused_reports_autograds_mse_losses_bit_for_bit(activation: str, hidden: tuple) -> None:
    # MSE's mean is computed as its sum over n (rounded to float32): every reported
    # loss equals MSELoss's, full batch and minibatches with a short last batch (64
    # points in 20s: two batch sizes, two sets of buffers).
    for batch_size, optimizer in ((0, "sgd"), (20, "adam")):
        c = {"dataset": "square", "hidden": list(hidden), "activation": activation}
        c |= {"optimizer": optimizer, "momentum": 0.9, "nesterov": False}
        c |= {"weight_decay": 0.0, "batch_size": batch_size, "seed": 5}
        fused, auto = Trainer(make_spec(c, True, 60)), Trainer(make_spec(c, False, 60))
        fused.step(60)
        auto.step(60)
        assert torch.equal(fused.flat, auto.flat)
        assert fused.history.points == auto.history.points
        assert fused.last_loss == auto.last_loss


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_tensors_the_loop_keeps_are_plain_ones(optimizer: str) -> None:
    # Trainer.step runs the fused step in inference mode; what outlives the loop (the
    # stepper's buffers and optimizer state, snapshots, the best weights) must not be
    # inference tensors, or an in-place update outside it raises.
    c = {"dataset": "moons", "hidden": [6], "activation": "relu", "optimizer": optimizer}
    c |= {"momentum": 0.9, "nesterov": True, "weight_decay": 0.0, "batch_size": 16, "seed": 2}
    spec = make_spec(c, True, 100).with_overrides({"training.patience": 50})
    t = Trainer(spec)
    t.step(30)
    state = [v for k, v in t.stepper.state_tensors().items() if k != "optim.t"]
    state += [getattr(t.stepper, n) for n in ("buf", "exp_avg", "exp_avg_sq")]
    scratch = [b for s in t.stepper._scratch.values() for z in (s.zs, s.grads) for b in z]
    snaps = [s.flat for s in t.snapshots.items] + [t.best.flat]
    assert not any(x.is_inference() for x in state + scratch + snaps if x is not None)
    t.stepper.step(*t.batches.next())  # outside inference mode: no error
    t.step(10)
    assert t.step_count == 40
