"""Specs: every invalid field names itself; TOML round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torchplay.engine.scenarios import SCENARIOS, get_scenario
from torchplay.engine.source import from_toml
from torchplay.engine.spec import ACTIVATIONS, OPTIMIZERS, SpecError

BAD = [
    ("data.dataset", "nope"),
    ("data.samples", 0),
    ("data.samples", 10**9),
    ("data.samples", 1.5),
    ("data.noise", -1.0),
    ("data.noise", float("nan")),
    ("data.test_fraction", 0.95),
    ("data.seed", -1),
    ("data.classes", 1),
    ("data.target", ""),
    ("data.task", "ranking"),
    ("data.extrapolate", -1.0),
    ("model.hidden", [0]),
    ("model.hidden", [10**9]),
    ("model.hidden", "10"),
    ("model.activation", "swish"),
    ("training.optimizer", "lbfgs"),
    ("training.lr", 0),
    ("training.lr", -1),
    ("training.lr", float("inf")),
    ("training.lr", "abc"),
    ("training.momentum", 1.0),
    ("training.nesterov", "yes"),
    ("training.weight_decay", -1.0),
    ("training.batch_size", -1),
    ("training.steps", -1),
    ("training.loss", "hinge"),
    ("training.fast_path", 1),
    ("training.bogus", 1),
    ("nosection.x", 1),
]


@pytest.mark.parametrize("field, value", BAD)
def test_invalid_field_raises_spec_error_naming_it(field: str, value) -> None:
    with pytest.raises(SpecError) as info:
        get_scenario("regression").with_overrides({field: value})
    assert info.value.field == field and field in str(info.value)


def test_toml_errors() -> None:
    with pytest.raises(SpecError, match="invalid TOML"):
        from_toml("[data\nsamples = 3")
    with pytest.raises(SpecError, match="unknown"):
        from_toml("[data]\nsamplez = 3")
    with pytest.raises(SpecError, match="data.samples"):
        from_toml('[data]\nsamples = "many"')
    with pytest.raises(SpecError, match="scenario"):
        from_toml('scenario = "nope"')


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_round_trip(name: str) -> None:
    spec = get_scenario(name)
    assert from_toml(spec.to_toml()) == spec


@settings(max_examples=60, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 64), max_size=4),
    activation=st.sampled_from(ACTIVATIONS),
    optimizer=st.sampled_from(OPTIMIZERS),
    lr=st.floats(1e-6, 10.0),
    samples=st.integers(1, 5000),
    noise=st.floats(0.0, 5.0),
    batch=st.integers(0, 100),
    seed=st.integers(0, 2**32),
)
def test_spec_toml_round_trip(hidden, activation, optimizer, lr, samples, noise, batch, seed):
    spec = get_scenario("classification").with_overrides(
        {
            "model.hidden": hidden,
            "model.activation": activation,
            "training.optimizer": optimizer,
            "training.lr": lr,
            "data.samples": samples,
            "data.noise": noise,
            "training.batch_size": min(batch, samples),
            "data.seed": seed,
        }
    )
    assert from_toml(spec.to_toml()) == spec
