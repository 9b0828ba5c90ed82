"""The fused path over layer plans beyond the tutorial's (an activation per hidden layer,
residual blocks, every initialization) computes what autograd computes, bit for bit."""

from __future__ import annotations

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torchplay.engine.run.layers import blocks
from torchplay.engine.run.spec import ACTIVATIONS, DataSpec, ModelSpec, Spec, TrainingSpec
from torchplay.engine.steppers.fusedlayers import LayeredStepper
from torchplay.engine.train.trainer import Trainer


@st.composite
def plans(draw) -> dict:
    depth = draw(st.integers(1, 5))
    # Few distinct widths, so equal-width runs (residual blocks) are common.
    hidden = draw(st.lists(st.sampled_from([3, 6]), min_size=depth, max_size=depth))
    per_layer = draw(st.booleans())
    acts = draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=depth, max_size=depth))
    return {
        "dataset": draw(st.sampled_from(["square", "moons", "blobs"])),
        "hidden": tuple(hidden),
        "activation": ",".join(acts) if per_layer else acts[0],
        "residual": draw(st.booleans()),
        "init": draw(st.sampled_from(["default", "xavier", "he", "zero", "normal:0.3"])),
        "optimizer": draw(st.sampled_from(["sgd", "adam"])),
        "batch_size": draw(st.sampled_from([0, 16])),
        "seed": draw(st.integers(0, 1000)),
    }


def make_spec(c: dict, fast: bool, steps: int = 20) -> Spec:
    sgd = c["optimizer"] == "sgd"
    return Spec(
        DataSpec(c["dataset"], samples=48, noise=0.2, seed=c["seed"], classes=3),
        ModelSpec(c["hidden"], c["activation"], residual=c["residual"], init=c["init"]),
        TrainingSpec(
            c["optimizer"],
            lr=0.05 if sgd else 0.005,
            momentum=0.9 if sgd else 0.0,
            batch_size=c["batch_size"],
            steps=steps,
            fast_path=fast,
        ),
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_layered_fused_equals_autograd(c: dict) -> None:
    fused, auto = Trainer(make_spec(c, True)), Trainer(make_spec(c, False))
    assert fused.stepper.fused and not auto.stepper.fused
    assert torch.equal(fused.flat, auto.flat)  # the same initial weights
    fused.step(20)
    auto.step(20)
    assert torch.equal(fused.flat, auto.flat)
    x = fused.inputs_test
    assert torch.equal(fused.net(x), auto.net(x))


def test_layered_stepper_runs_what_the_plain_one_does_not() -> None:
    c = {
        "dataset": "moons",
        "hidden": (4, 4, 4),
        "activation": "relu,tanh,sigmoid",
        "residual": True,
        "init": "default",
        "optimizer": "sgd",
        "batch_size": 0,
        "seed": 1,
    }
    trainer = Trainer(make_spec(c, True))
    assert isinstance(trainer.stepper, LayeredStepper)
    assert trainer.stepper.skips == {2: 0}  # hidden layers 1, 2 are a block; its input: 0's
    plain = Trainer(Spec(model=ModelSpec((10,), "relu")))
    assert type(plain.stepper).__name__ == "FusedStepper"


def test_blocks_pair_equal_widths_after_the_first_layer() -> None:
    assert blocks((8,) * 8) == [(1, 2), (3, 4), (5, 6)]
    assert blocks((8, 8)) == []  # the first layer's input is the features
    assert blocks((8, 8, 8)) == [(1, 2)]
    assert blocks((4, 8, 8, 8, 4, 4, 4)) == [(2, 3), (5, 6)]


def test_a_residual_block_adds_its_input() -> None:
    """The network's forward, written out: block output = input + the pair's output."""
    spec = Spec(model=ModelSpec((5, 5, 5), "tanh", residual=True))
    net = Trainer(spec).net
    lin = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    x = torch.randn(7, 1)
    a0 = torch.tanh(lin[0](x))
    a2 = a0 + torch.tanh(lin[2](torch.tanh(lin[1](a0))))
    assert torch.equal(net(x), lin[3](a2))


def test_population_members_with_layer_plans_equal_their_single_runs() -> None:
    """Per-layer activations and residual blocks stack; dropout trains one by one."""
    from torchplay.engine.sweeps.population import Population, group_key

    base = Spec(
        DataSpec("moons", samples=40, seed=2),
        ModelSpec((6, 6, 6), "tanh,relu,tanh", residual=True, init="xavier"),
        TrainingSpec("adam", lr=0.01, steps=30),
    )
    specs = [
        base.with_overrides({"training.lr": lr, "data.seed": s}) for lr, s in ((0.01, 1), (0.02, 2))
    ]
    members = [Trainer(s) for s in specs]
    assert len({group_key(m) for m in members}) == 1
    Population(members).run()
    for m, s in zip(members, specs, strict=True):
        single = Trainer(s)
        single.run()
        # Batched BLAS rounds differently from mm here, as for plain stacks (test_population).
        assert torch.allclose(m.flat, single.flat, rtol=1e-5, atol=1e-6)
        assert not torch.equal(m.flat, Trainer(s).flat)  # it trained
    dropout = Trainer(base.with_overrides({"model.dropout": 0.1}))
    assert group_key(dropout) is None and not dropout.stepper.fused


def test_sweep_keys_take_the_layer_options() -> None:
    from torchplay.engine.run.grid import parse_grid

    base = Spec(model=ModelSpec((4, 4)))
    axes = parse_grid(
        [
            "model.activation=relu/tanh,gelu",
            "model.dropout=0,0.1/0.2",
            "model.norm=none,layer",
            "model.residual=true,false",
            "model.init=zero,normal:0.1,he",
        ],
        base,
    )
    assert [a.values for a in axes] == [
        ("relu,tanh", "gelu"),
        ((0.0,), (0.1, 0.2)),
        ("none", "layer"),
        (True, False),
        ("zero", "normal:0.1", "he"),
    ]
    table = {"model": {"activation": ["relu,tanh"], "dropout": [[0.1, 0.0], 0.3]}}
    axes = parse_grid([], base, table)
    assert [a.values for a in axes] == [("relu,tanh",), ((0.1, 0.0), (0.3,))]


def _spread(t: Trainer) -> list[float]:
    """Per hidden layer: how far its units' incoming weights and biases are from its
    first unit's, relative to their size."""
    from torchplay.engine.train.model import linears

    out = []
    for lin in linears(t.net)[:-1]:
        w = torch.cat([lin.weight, lin.bias[:, None]], 1).detach()
        out.append(float((w - w[:1]).abs().max() / w.abs().max().clamp_min(1e-30)))
    return out


def test_zero_init_units_stay_identical_and_the_neuron_view_shows_it() -> None:
    """The zero-init lesson: units that start equal get equal gradients, so they stay
    equal while they learn; a random start makes them differ. Equal to float rounding:
    BLAS may round one column of a product differently from another (a vector lane and a
    scalar tail), and an unstable symmetry grows that. At the lesson's widths (8) they
    are equal bit for bit on the x86 CPUs we know; the bound allows another BLAS."""
    from torchplay.engine.run.lessons import load
    from torchplay.engine.train.neurons import neuron_view

    spec = load("zero-init").spec.with_overrides({"training.steps": 100})
    assert (spec.model.init, spec.model.activation) == ("zero", "sigmoid")
    t = Trainer(spec)
    t.run()
    assert not torch.equal(t.flat, Trainer(spec).flat)  # it did learn
    assert max(_spread(t)) <= 1e-3
    view = neuron_view(t, 12, 6)
    for layer in view.layers:
        first = torch.tensor(layer[0].values)
        for n in layer[1:]:
            assert torch.allclose(torch.tensor(n.values), first, rtol=1e-3, atol=1e-4)
    other = Trainer(spec.with_overrides({"model.init": "xavier"}))
    other.run()
    assert min(_spread(other)) > 0.1
