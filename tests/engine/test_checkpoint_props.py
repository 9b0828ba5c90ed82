"""Property: save -> load round-trips for random specs (weights, optimizer, RNG, history)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torchplay.engine.files import checkpoint
from torchplay.engine.run.spec import (
    ACTIVATIONS,
    OPTIMIZERS,
    DataSpec,
    ModelSpec,
    Spec,
    TrainingSpec,
)
from torchplay.engine.train.trainer import Trainer

specs = st.builds(
    lambda dataset, hidden, activation, optimizer, batch, test, seed: Spec(
        DataSpec(dataset, samples=60, noise=0.3, test_fraction=test, seed=seed, classes=3),
        ModelSpec(tuple(hidden), activation),
        TrainingSpec(
            optimizer,
            lr=0.01,
            batch_size=batch,
            steps=50,
            momentum=0.9 if optimizer in ("sgd", "rmsprop") else 0.0,
        ),
    ),
    st.sampled_from(["square", "sine", "moons", "blobs", "spiral", "xor"]),
    st.lists(st.integers(1, 16), max_size=3),
    st.sampled_from(ACTIVATIONS),
    st.sampled_from(OPTIMIZERS),
    st.sampled_from([0, 7, 20]),
    st.sampled_from([0.0, 0.25]),
    st.integers(0, 10_000),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs, st.integers(0, 40))
def test_save_load_round_trip_then_identical_training(spec: Spec, steps: int) -> None:
    a = Trainer(spec)
    a.step(steps)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ck.safetensors"
        checkpoint.save(a, path)
        b = checkpoint.restore(path)
    assert b.spec == a.spec and b.step_count == a.step_count
    assert b.history.points == a.history.points
    assert torch.equal(a.flat, b.flat)
    a.step(10)
    b.step(10)  # optimizer state and batch RNG came back too
    assert torch.equal(a.flat, b.flat)


def test_history_json_is_incremental_and_equal_to_a_full_dump() -> None:
    import json

    from torchplay.engine.run.history import History

    h = History(capacity=8)
    for step in range(1, 40):
        h.add((step, 1.0 / step, None if step % 3 else 0.5 / step))
        assert h.to_json() == json.dumps(h.to_dict())  # across thinning (new lists) too
    h.points = [p for p in h.points if p[0] <= 16]  # a diverged step undone: a new list
    assert h.to_json() == json.dumps(h.to_dict())
    assert History.from_dict(json.loads(h.to_json())) == h


def test_history_json_after_thinning_encodes_only_new_points(monkeypatch) -> None:
    import json

    from torchplay.engine.run import history as history_module
    from torchplay.engine.run.history import History

    real, encoded = history_module._point_json, []

    def counting(point):
        encoded.append(point)
        return real(point)

    monkeypatch.setattr(history_module, "_point_json", counting)
    h = History(capacity=32)
    for step in range(1, 300):
        if h.due(step):
            h.add((step, 1.0 / step, None if step % 3 else 0.5 / step))
        if step % 5 == 0:  # a periodic save now and then: thinning falls between saves
            encoded.clear()
            assert h.to_json() == json.dumps(h.to_dict())
            # Only the points recorded since the previous save (at most 5) were encoded.
            assert len(encoded) <= 5, (step, len(encoded))
    assert h.stride == 16  # it thinned four times


def test_history_json_of_non_finite_and_odd_losses_matches_json() -> None:
    import json

    from torchplay.engine.run.history import History

    h = History()
    for p in [(1, float("inf"), None), (2, 0.5, float("nan")), (3, 0, 1e-300), (4, -0.0, 2.5e17)]:
        h.add(p)
    assert h.to_json() == json.dumps(h.to_dict())
