"""Snapshots, forks and baselines: log-spaced and bounded, a fork from step k with the
same settings equals the original run bit for bit, a baseline's next run starts from
the same data and weights."""

from __future__ import annotations

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train import lineage
from torchplay.engine.train.snapshots import MAX_BYTES, MAX_SNAPSHOTS, Snapshots, viewing
from torchplay.engine.train.trainer import Trainer


def test_snapshots_are_dense_early_and_log_spaced_late() -> None:
    t = Trainer(get_scenario("regression"))
    t.step(10_000)
    steps = t.snapshots.steps
    assert steps[:15] == list(range(15))
    assert steps[-1] <= 10_000 and len(steps) <= 120
    gaps = [b / a for a, b in zip(steps[15:], steps[16:], strict=False)]
    assert all(1.05 <= g <= 1.2 for g in gaps), gaps


def test_snapshots_stay_bounded_in_count() -> None:
    class Fake:
        flat = torch.zeros(16)
        lr = 0.1

        class stepper:  # noqa: N801
            @staticmethod
            def state_tensors():
                return {}

        class batches:  # noqa: N801
            @staticmethod
            def state_tensors():
                return {}

        class surgeon:  # noqa: N801
            @staticmethod
            def state():
                return None

        class schedule:  # noqa: N801
            @staticmethod
            def state():
                return None

        class history:  # noqa: N801
            points: list = []

        best = None
        patience_from = 0
        last_loss = None

    store, fake = Snapshots(ratio=1.0001), Fake()
    for step in range(5_000):
        fake.step_count = step
        if step == store.next_step:
            store.take(fake)
    assert 2 < len(store.items) <= MAX_SNAPSHOTS and store.steps[0] == 0
    assert store.nbytes <= MAX_BYTES


def test_snapshots_stay_bounded_in_bytes(monkeypatch) -> None:
    monkeypatch.setattr("torchplay.engine.train.snapshots.MAX_BYTES", 64 * 1024)
    spec = get_scenario("regression").with_overrides({"model.hidden": [64, 64]})
    t = Trainer(spec)  # ~4,400 params: 17.6 KB a snapshot, so at most 3 fit
    t.step(200)
    assert t.snapshots.nbytes <= 64 * 1024 and t.snapshots.steps[0] == 0
    assert len(t.snapshots.steps) >= 2 and t.snapshots.ratio > 1.075


@pytest.mark.parametrize(
    "scenario, over",
    [
        ("regression", {}),
        (
            "classification",
            {"training.optimizer": "adam", "training.lr": 0.01, "training.batch_size": 32},
        ),
        (
            "classification",
            {"training.optimizer": "rmsprop", "training.lr": 0.01, "training.momentum": 0.5},
        ),
        (  # early stopping: the child knows the best so far and stops where it did
            "classification",
            {"training.lr": 0.3, "training.batch_size": 32, "training.patience": 40},
        ),
        (  # drops before and after the fork: the child goes on counting where it was
            "classification",
            {
                "training.lr": 0.3,
                "training.batch_size": 32,
                "training.schedule": "plateau",
                "training.schedule_patience": 10,
            },
        ),
    ],
)
def test_fork_with_unchanged_settings_equals_the_original(scenario, over) -> None:
    spec = get_scenario(scenario).with_overrides({"training.steps": 600, **over})
    original = Trainer(spec)
    original.run()
    k = original.snapshots.steps[len(original.snapshots.steps) // 2]
    child = lineage.fork(original, k)
    assert child.step_count == k and child.forked_from == (original.run_id, k)
    child.run()
    assert (child.step_count, child.state) == (original.step_count, original.state)
    assert original.step_count == 600 or original.state == "stopped_early"
    assert torch.equal(child.flat, original.flat)
    assert child.history.points == original.history.points
    assert child.schedule.state() == original.schedule.state()
    if original.best is not None:
        assert child.best.state()[:2] == original.best.state()[:2]


def test_fork_with_a_lower_lr_changes_only_what_follows() -> None:
    spec = get_scenario("regression").with_overrides({"training.steps": 300})
    original = Trainer(spec)
    original.run()
    child = lineage.fork(original, 96, spec.with_overrides({"training.lr": 0.05}))
    assert child.lr == 0.05 and torch.equal(child.flat, original.snapshots.get(96).flat)
    child.run()
    assert not torch.equal(child.flat, original.flat)


def test_fork_refuses_a_changed_model_or_a_missing_step() -> None:
    t = Trainer(get_scenario("regression"))
    t.step(100)
    with pytest.raises(lineage.LineageError, match="model.hidden"):
        lineage.fork(t, 10, t.spec.with_overrides({"model.hidden": [5]}))
    with pytest.raises(lineage.LineageError, match="nearest is step"):
        lineage.fork(t, 99)


def test_baseline_run_starts_from_the_same_data_and_weights() -> None:
    base = Trainer(get_scenario("classification"))
    base.run()
    for over in (
        {"training.lr": 0.1},
        {"model.activation": "tanh"},
        {"data.features": ["x2", "x1"]},
    ):
        other = lineage.beside(base, base.spec.with_overrides(over))
        assert other.step_count == 0
        assert torch.equal(other.data.x_train, base.data.x_train)
        first = base.snapshots.get(0)
        fresh = Trainer(base.spec)
        assert torch.equal(first.flat, fresh.flat)
        assert checkpoint.weights_sha256(other) == checkpoint.weights_sha256(fresh)
    with pytest.raises(lineage.LineageError, match="data.seed"):
        lineage.beside(base, base.spec.with_overrides({"data.seed": 9}))


def test_viewing_a_snapshot_restores_the_live_weights() -> None:
    t = Trainer(get_scenario("regression"))
    t.step(50)
    live = t.flat.clone()
    with viewing(t, 10) as step:
        assert step == 10 and torch.equal(t.flat, t.snapshots.get(10).flat)
    assert torch.equal(t.flat, live)


def test_divergence_drops_snapshots_past_the_kept_weights() -> None:
    t = Trainer(get_scenario("regression").with_overrides({"training.lr": 100.0}))
    t.run()
    assert t.state == "diverged" and t.snapshots.steps[-1] <= t.step_count


def test_checkpoint_records_the_fork_and_the_run(tmp_path) -> None:
    t = Trainer(get_scenario("regression"))
    t.step(40)
    child = lineage.fork(t, 20)
    child.step(5)
    path = tmp_path / "c.safetensors"
    checkpoint.save(child, path)
    loaded = checkpoint.load(path)
    assert loaded.forked_from == (t.run_id, 20) and loaded.run == child.run_id
    again = checkpoint.restore(path)
    assert again.run_id == child.run_id and again.forked_from == (t.run_id, 20)
    assert again.snapshots.steps == [0, 25]


@pytest.mark.parametrize(
    "over",
    [
        {"training.schedule": "plateau", "training.schedule_patience": 10},
        {"training.patience": 40},
    ],
)
def test_fork_at_a_resumed_runs_first_step_goes_on_counting(tmp_path, over) -> None:
    spec = get_scenario("classification").with_overrides(
        {"training.steps": 300, "training.lr": 0.3, "training.batch_size": 32, **over}
    )
    original = Trainer(spec)
    original.run(steps=150)
    assert original.schedule.drops or original.best.step < 150  # something to carry
    checkpoint.save(original, tmp_path / "half.safetensors")
    original.run()
    child = lineage.fork(checkpoint.restore(tmp_path / "half.safetensors"), 150)
    child.run()
    assert (child.step_count, child.state) == (original.step_count, original.state)
    assert torch.equal(child.flat, original.flat)
    assert child.schedule.state() == original.schedule.state()
