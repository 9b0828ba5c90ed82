"""The 2-D regression sets (plane, gauss2d), the cos features and the ``outside`` test
split: their formulas, their determinism, the spec's refusals, and training on them."""

from __future__ import annotations

import math

import pytest
import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import DataSpec, SpecError
from torchplay.engine.train import probes
from torchplay.engine.train.data import load, outside_order, split
from torchplay.engine.train.features import FeatureMap
from torchplay.engine.train.trainer import Trainer


def draw(spec: DataSpec):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.seed)
        return load(spec)


@pytest.mark.parametrize(
    "name, formula",
    [
        ("plane", lambda a, b: (a + b) / 2),
        ("gauss2d", lambda a, b: math.exp(-(a * a + b * b))),
    ],
)
def test_noise_free_targets_follow_the_formula(name: str, formula) -> None:
    d = draw(DataSpec(name, samples=200, noise=0.0))
    assert d.task == "regression" and d.n_inputs == 2 and d.n_outputs == 1
    assert float(d.x_train.abs().max()) <= 2.0 and float(d.x_train.abs().max()) > 1.8
    want = [formula(a, b) for a, b in d.x_train.tolist()]
    assert d.y_train[:, 0].tolist() == pytest.approx(want, abs=1e-6)


def test_noise_moves_the_targets_not_the_inputs() -> None:
    """The inputs are drawn first: the noise slider redraws the same points' targets."""
    quiet, loud = draw(DataSpec("plane", noise=0.0)), draw(DataSpec("plane", noise=0.5))
    assert torch.equal(quiet.x_train, loud.x_train)
    spread = (loud.y_train - quiet.y_train).std().item()
    assert 0.4 < spread < 0.6  # noise is N(0, noise²) on the target


def test_outside_split_holds_out_the_rows_beyond_the_inner_box() -> None:
    spec = DataSpec("gauss2d", samples=200, test_fraction=0.25, test_split="outside")
    d = draw(spec)
    assert d.x_test.shape[0] == 50 and d.x_train.shape[0] == 150
    every = torch.cat((d.x_train, d.x_test))
    lo, hi = every.min(0).values, every.max(0).values

    def reach(x):  # the documented distance: max over inputs of |x - middle| / half-width
        return ((x - (lo + hi) / 2).abs() / ((hi - lo) / 2)).max(1).values

    inner = reach(d.x_train).max()
    assert reach(d.x_test).min() >= inner  # every test point lies beyond the training box
    rand = draw(DataSpec("gauss2d", samples=200, test_fraction=0.25))
    assert reach(rand.x_test).min() < inner  # random: some inside


def test_outside_order_uses_each_columns_own_range() -> None:
    # Column 2 spans 100x column 1: its distance is scaled to its own half-width.
    x = torch.tensor([[0.0, 0.0], [0.9, 0.0], [0.0, 50.0], [1.0, 100.0], [-1.0, -100.0]])
    assert outside_order(x).tolist() == [3, 4, 1, 2, 0]
    xt, _, xs, _ = split(x, torch.arange(5.0), 0.4, seed=1, how="outside")
    assert xs.tolist() == [[1.0, 100.0], [-1.0, -100.0]] and xt.shape[0] == 3


def test_outside_split_on_1d_data_holds_out_both_ends() -> None:
    d = draw(DataSpec("square", samples=100, test_fraction=0.2, test_split="outside"))
    assert sorted(d.x_test[:, 0].abs().tolist())[0] >= d.x_train[:, 0].abs().max()
    assert d.x_test[:, 0].min() < 0 < d.x_test[:, 0].max()


def test_random_split_is_unchanged() -> None:
    """The default draws the same permutation as before the outside split existed."""
    x, y = torch.arange(20.0).unsqueeze(1), torch.arange(20.0)
    g = torch.Generator().manual_seed(3 + 7919)
    want = torch.randperm(20, generator=g)[:5].sort().values
    assert split(x, y, 0.25, 3)[2][:, 0].tolist() == want.float().tolist()


@pytest.mark.parametrize(
    "fields, key",
    [
        ({"test_split": "sideways"}, "data.test_split"),
        ({"test_split": "outside"}, "data.test_fraction"),
        ({"dataset": "plane", "points": [[0.1, 0.2]]}, "data.points"),
        ({"dataset": "square", "features": ["cosx2"]}, "data.features"),
        ({"dataset": "flat"}, "data.dataset"),
    ],
)
def test_bad_values_name_their_field(fields: dict, key: str) -> None:
    with pytest.raises(SpecError) as err:
        DataSpec(**fields)
    assert err.value.field == key


def test_cos_features_on_2d_data_and_1d_data() -> None:
    x = torch.tensor([[0.5, -2.0]])
    assert torch.equal(FeatureMap(("cosx2", "cosx1"))(x), torch.cos(x).flip(1))
    DataSpec("sine", features=("x1", "cosx1"))  # 1-D data takes cosx1


def test_a_2d_regression_run_learns_and_draws_a_heat_grid() -> None:
    spec = get_scenario("regression").with_overrides(
        {"data.dataset": "gauss2d", "data.samples": 200, "data.noise": 0.0, "model.hidden": (8,)}
    )
    t = Trainer(spec)
    before = t.train_set_loss()
    t.step(300)
    assert t.train_set_loss() < before / 2
    s = probes.samples(t)
    assert s.task == "regression" and s.targets is not None and len(s.targets) == 200
    assert s.x == t.data.x_train[:, 0].tolist() and s.y == t.data.x_train[:, 1].tolist()
    grid = probes.fit(t, (12, 5))
    assert grid.size == (12, 5) and len(grid.values) == 60
    with torch.no_grad():
        corner = t.forward(torch.tensor([[grid.x[0], grid.y[0]]]))[0, 0].item()
    assert grid.values[0] == corner  # cell 0: first column, bottom row


def test_a_csv_of_two_inputs_is_drawn_as_2d_regression_named_by_its_columns(tmp_path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("rooms,age,price\n" + "".join(f"{i},{i % 7},{i * 0.5}\n" for i in range(20)))
    spec = get_scenario("regression").with_overrides(
        {"data.dataset": f"csv:{path}", "data.target": "age", "data.task": "regression"}
    )
    t = Trainer(spec)
    s = probes.samples(t)
    assert s.axes == ("rooms", "price") and s.targets == [float(i % 7) for i in range(20)]
    assert isinstance(probes.fit(t, (4, 3)), type(probes.heat_grid(t, 4, 3)))
    path.write_text("rooms,price\n1,2\n3,4\n5,7.5\n")
    one = get_scenario("regression").with_overrides({"data.dataset": f"csv:{path}"})
    assert probes.samples(Trainer(one)).axes == ("rooms", "price")  # 1-D: input, target
    assert probes.samples(Trainer(get_scenario("regression"))).axes == ()
