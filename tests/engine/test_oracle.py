"""The engine against plain copies of the tutorial: same data, same weights, same numbers."""

from __future__ import annotations

import pytest
import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train import probes
from torchplay.engine.train.trainer import Trainer

from tests import tutorial


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    """Bit for bit: the engine runs the tutorial's kernels in the tutorial's order."""
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    return all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("fast_path", [True, False])
@pytest.mark.parametrize("seed", [1, 7])
def test_regression_matches_tutorial(fast_path: bool, seed: int) -> None:
    spec = get_scenario("regression").with_overrides(
        {"training.fast_path": fast_path, "data.seed": seed}
    )
    trainer = Trainer(spec)
    trainer.run()
    assert trainer.step_count == 100
    assert same_weights(trainer.net, tutorial.regression(seed))


@pytest.mark.parametrize("fast_path", [True, False])
def test_classification_matches_tutorial(fast_path: bool) -> None:
    spec = get_scenario("classification").with_overrides({"training.fast_path": fast_path})
    trainer = Trainer(spec)
    trainer.run()
    assert same_weights(trainer.net, tutorial.classification(1))


def test_data_and_initial_weights_are_the_tutorials() -> None:
    trainer = Trainer(get_scenario("regression").with_overrides({"data.seed": 3}))
    x, y, net, _, _ = tutorial.regression_setup(3)
    assert torch.equal(trainer.data.x_train, x) and torch.equal(trainer.data.y_train, y)
    assert same_weights(trainer.net, net)
    x, y, net1, _, _ = tutorial.save_restore_setup(5)
    sr = Trainer(get_scenario("save-restore").with_overrides({"data.seed": 5}))
    assert torch.equal(sr.data.x_train, x) and torch.equal(sr.data.y_train, y)
    assert same_weights(sr.net, net1)


def test_convergence_after_100_steps() -> None:
    reg = Trainer(get_scenario("regression")).run()
    assert reg.train_loss <= 0.02
    cls = Trainer(get_scenario("classification")).run()
    assert cls.accuracy >= 0.97


def test_save_restore_predicts_the_extrapolated_range() -> None:
    spec = get_scenario("save-restore").with_overrides({"training.steps": 10})
    fit = probes.fit_line(Trainer(spec))
    assert fit.x[0] == pytest.approx(-2.0) and fit.x_ext[-1] == pytest.approx(2.5)


def test_same_seed_same_weights_bit_for_bit() -> None:
    spec = get_scenario("classification").with_overrides(
        {"training.optimizer": "adam", "training.lr": 0.01, "training.batch_size": 32}
    )
    a, b = Trainer(spec), Trainer(spec)
    a.step(77)
    b.step(77)
    assert torch.equal(a.flat, b.flat)
