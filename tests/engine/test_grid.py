"""Grid axes: typed values, ranges, limits, and one-line refusals naming the key."""

from __future__ import annotations

import pytest
from torchplay.engine.run.grid import GridError, members, parse_axis, parse_grid
from torchplay.engine.run.scenarios import get_scenario

BASE = get_scenario("regression")


def test_values_are_typed_by_their_field() -> None:
    assert parse_axis("training.lr=0.05,1", BASE).values == (0.05, 1.0)
    assert parse_axis("data.seed=1..4,9", BASE).values == (1, 2, 3, 4, 9)
    assert parse_axis("model.hidden=10,32x16,none", BASE).values == ((10,), (32, 16), ())
    assert parse_axis("model.activation=tanh,relu", BASE).values == ("tanh", "relu")
    assert parse_axis("training.nesterov=false", BASE).values == (False,)


def test_log_range_spans_low_to_high() -> None:
    values = parse_axis("training.lr=0.001:1:4", BASE).values
    assert values == (0.001, 0.01, 0.1, 1.0)


def test_product_order_and_overrides() -> None:
    axes = parse_grid(["training.lr=0.1,0.2", "data.seed=1..3"], BASE)
    grid = members(axes, BASE, {"training.steps": 7})
    assert [m.index for m in grid] == list(range(6))
    assert grid[4].overrides == {"training.lr": 0.2, "data.seed": 2}
    assert grid[4].spec.training.lr == 0.2 and grid[4].spec.data.seed == 2
    assert all(m.spec.training.steps == 7 for m in grid)


@pytest.mark.parametrize(
    ("arg", "names"),
    [
        ("bogus.key=1", "bogus.key"),
        ("training.lr=", "training.lr"),
        ("training.lr=0.1,,0.2", "training.lr"),
        ("training.lr=fast", "training.lr"),
        ("training.lr=-1", "training.lr"),
        ("data.seed=4..1", "data.seed"),
        ("data.seed=1.5", "data.seed"),
        ("model.activation=swish", "model.activation"),
        ("model.hidden=10x0", "model.hidden"),
        ("training.lr=0:1:3", "training.lr"),
        ("data.seed=1..200000", "data.seed"),
    ],
)
def test_bad_axes_name_the_key(arg: str, names: str) -> None:
    with pytest.raises(GridError, match=names.replace(".", r"\.")):
        parse_grid([arg], BASE)


def test_too_many_members_is_refused_before_building_specs() -> None:
    with pytest.raises(GridError, match="1,000,000 members"):
        parse_grid(["data.seed=1..1000", "training.lr=0.001:1:1000"], BASE)


def test_a_combination_the_spec_refuses_names_the_member() -> None:
    axes = parse_grid(["data.samples=10,100", "training.batch_size=50"], BASE)
    with pytest.raises(GridError, match="data.samples=10"):
        members(axes, BASE)
