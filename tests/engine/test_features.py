"""Input features, painted points and L1/L2: values, the raw default, gradients, the
fused path, and the classic check (circles need x1sq, x2sq for a linear model)."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import DataSpec, ModelSpec, Spec, SpecError, TrainingSpec
from torchplay.engine.train import penalty
from torchplay.engine.train.features import FeatureMap
from torchplay.engine.train.trainer import Trainer

FORMULAS = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1sq": lambda a, b: a * a,
    "x2sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sinx1": lambda a, b: math.sin(a),
    "sinx2": lambda a, b: math.sin(b),
    "cosx1": lambda a, b: math.cos(a),
    "cosx2": lambda a, b: math.cos(b),
}


def test_feature_values_match_their_formulas() -> None:
    x = torch.tensor([[0.5, -2.0], [3.0, 0.25], [-1.5, 1.0]])
    names = tuple(FORMULAS)
    out = FeatureMap(names)(x)
    assert out.shape == (3, len(names))
    for row, (a, b) in zip(out.tolist(), x.tolist(), strict=True):
        want = [FORMULAS[n](a, b) for n in names]
        assert row == pytest.approx(want, rel=1e-6)


def test_no_features_is_the_raw_input_itself() -> None:
    x = torch.randn(5, 2)
    assert FeatureMap(())(x) is x
    t = Trainer(get_scenario("classification"))
    assert t.inputs_train is t.data.x_train and t.n_features == 2


def test_default_is_unchanged_bit_for_bit() -> None:
    """Naming the raw inputs as features trains exactly as no features (the tutorial)."""
    base = get_scenario("classification")
    a, b = Trainer(base), Trainer(base.with_overrides({"data.features": ["x1", "x2"]}))
    a.step(50)
    b.step(50)
    assert torch.equal(a.flat, b.flat)


def _circles(features: list[str]) -> Spec:
    return get_scenario("classification").with_overrides(
        {
            "data.dataset": "circles",
            "data.features": features,
            "model.hidden": (),
            "training.steps": 500,
        }
    )


def test_classic_circles_need_squared_features() -> None:
    with_features, raw = Trainer(_circles(["x1sq", "x2sq"])), Trainer(_circles([]))
    with_features.run()
    raw.run()
    assert with_features.snapshot().accuracy >= 0.95
    assert raw.snapshot().accuracy <= 0.75


def test_predict_takes_raw_inputs() -> None:
    t = Trainer(_circles(["x1sq", "x2sq", "x1x2"]))
    t.step(20)
    raw = [[0.3, -0.4], [1.0, 0.1]]
    x = torch.tensor(raw)
    feats = torch.stack((x[:, 0] ** 2, x[:, 1] ** 2, x[:, 0] * x[:, 1]), 1)
    probs = torch.softmax(t.net(feats), 1)
    got = t.predict(raw)
    assert [p for _, p in got] == probs.tolist()
    assert t.net[0].in_features == 3


@pytest.mark.parametrize("name", ["x2", "x2sq", "x1x2", "sinx2"])
def test_a_two_input_feature_on_one_input_data_is_refused(name: str) -> None:
    with pytest.raises(SpecError, match=name):
        DataSpec("square", features=(name,))


def test_painted_points_replace_the_dataset_and_are_the_data() -> None:
    pts = [[0.0, 0.5, 0], [1.0, -1.0, 1], [0.25, 0.25, 2]]
    spec = get_scenario("classification").with_overrides({"data.points": pts})
    t = Trainer(spec)
    assert t.data.x_train.tolist() == [p[:2] for p in pts]
    assert t.data.y_train.tolist() == [0, 1, 2] and t.data.n_classes == 3
    reg = Trainer(get_scenario("regression").with_overrides({"data.points": [[0.5, 1.5]]}))
    assert reg.data.x_train.tolist() == [[0.5]] and reg.data.y_train.tolist() == [[1.5]]


def test_painted_points_read_as_tables_or_arrays() -> None:
    tables = [{"x1": 0.0, "x2": 1.0, "class": 1}]
    spec = DataSpec("moons", points=tables)
    assert spec.points == ((0.0, 1.0, 1),) == DataSpec("moons", points=[[0, 1, 1]]).points


@pytest.mark.parametrize("l1, l2", [(0.01, 0.0), (0.0, 0.03), (0.002, 0.05)])
def test_penalty_gradient_equals_autograd(l1: float, l2: float) -> None:
    w = torch.randn(7, 5, dtype=torch.float64)
    w[0, 0] = 0.0  # sign(0) = 0, as abs's backward
    ref = w.clone().requires_grad_(True)
    (l1 * ref.abs().sum() + l2 / 2 * ref.pow(2).sum()).backward()
    ours = w.clone().requires_grad_(True)
    penalty.total([ours], l1, l2).backward()
    if l1 and l2:  # two terms summed in another order: equal to rounding
        assert torch.allclose(ours.grad, ref.grad, rtol=0, atol=1e-15)
    else:
        assert torch.equal(ours.grad, ref.grad)
    assert torch.equal(penalty.gradient(w, l1, l2), ours.grad)
    want = l1 * w.abs().sum() + l2 / 2 * (w * w).sum()
    assert penalty.value(w, l1, l2).item() == pytest.approx(want.item(), rel=1e-12)


def _reg_spec(dataset: str, optimizer: str, fast: bool, l1: float, l2: float) -> Spec:
    return Spec(
        DataSpec(dataset, samples=64, classes=3),
        ModelSpec((8, 5), "tanh"),
        TrainingSpec(
            optimizer,
            lr=0.05 if optimizer == "sgd" else 0.005,
            momentum=0.9 if optimizer == "sgd" else 0.0,
            weight_decay=1e-3,
            batch_size=16,
            l1=l1,
            l2=l2,
            fast_path=fast,
        ),
    )


@pytest.mark.parametrize("dataset", ["sine", "spiral"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
@pytest.mark.parametrize("l1, l2", [(0.01, 0.0), (0.0, 0.01), (0.003, 0.02)])
def test_fused_equals_autograd_with_l1_l2(dataset, optimizer, l1, l2) -> None:
    fused = Trainer(_reg_spec(dataset, optimizer, True, l1, l2))
    auto = Trainer(_reg_spec(dataset, optimizer, False, l1, l2))
    assert fused.stepper.fused and not auto.stepper.fused
    fused.step(200)
    auto.step(200)
    assert torch.equal(fused.flat, auto.flat)
    # The fused cross-entropy sums in another order: the losses agree to float rounding.
    for (s1, a, _), (s2, b, _) in zip(fused.history.points, auto.history.points, strict=True):
        assert s1 == s2 and a == pytest.approx(b, rel=1e-6)


def test_l1_drives_weights_smaller_and_keeps_the_loss_the_data_loss() -> None:
    plain = Trainer(_reg_spec("sine", "sgd", True, 0.0, 0.0))
    l1 = Trainer(_reg_spec("sine", "sgd", True, 0.05, 0.0))
    plain.step(300)
    l1.step(300)
    weights = [m.weight for m in l1.net if isinstance(m, torch.nn.Linear)]
    plain_w = [m.weight for m in plain.net if isinstance(m, torch.nn.Linear)]
    assert sum(w.abs().sum() for w in weights) < 0.7 * sum(w.abs().sum() for w in plain_w)


@pytest.mark.parametrize("fast", [True, False])
def test_the_reported_loss_is_the_data_loss(fast: bool) -> None:
    spec = dataclasses.replace(
        _reg_spec("sine", "sgd", fast, 0.05, 0.05),
        training=TrainingSpec("sgd", lr=0.05, l1=0.05, l2=0.05, fast_path=fast),
    )
    t = Trainer(spec)
    data_loss = t.train_set_loss()
    weights = [m.weight for m in t.net if isinstance(m, torch.nn.Linear)]
    assert penalty.total(weights, 0.05, 0.05).item() > 0.01 * data_loss
    t.step(1)
    assert t.history.points[0][:2] == (1, pytest.approx(data_loss, rel=1e-6))
