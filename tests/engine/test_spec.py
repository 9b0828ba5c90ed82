"""Specs: every invalid field names itself; TOML round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.schedule import SCHEDULES, USES
from torchplay.engine.run.source import from_toml
from torchplay.engine.run.spec import ACTIVATIONS, OPTIMIZERS, SpecError

from tests.corpus import Case, params


@pytest.mark.parametrize("case", params("spec"))
def test_invalid_field_raises_spec_error_naming_it(case: Case) -> None:
    with pytest.raises(SpecError) as info:
        get_scenario("regression").with_overrides({case.field: case.value})
    # A list field names the entry too: data.points[1].
    assert info.value.field.split("[")[0] == case.field and case.field in str(info.value)


@pytest.mark.parametrize("case", params("toml"))
def test_toml_errors(case: Case) -> None:
    with pytest.raises(SpecError) as info:
        from_toml(case.value)
    assert case.needle in str(info.value)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_round_trip(name: str) -> None:
    spec = get_scenario(name)
    assert from_toml(spec.to_toml()) == spec


@pytest.mark.parametrize("name", SCHEDULES)
def test_toml_holds_only_the_schedule_fields_its_schedule_reads(name: str) -> None:
    spec = get_scenario("regression").with_overrides(
        {"training.schedule": name, "training.lr": 0.5, "training.schedule_min_lr": 0.01}
    )
    written = {line.split(" = ")[0] for line in spec.to_toml().splitlines() if " = " in line}
    fields = {f for f in written if f.startswith("schedule_")}
    # schedule_min_lr is not a default here: kept, read or not, so the spec round-trips.
    assert fields == {*USES[name], "schedule_min_lr"}
    assert from_toml(spec.to_toml()) == spec
    assert "schedule_" not in get_scenario("regression").to_toml()


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
