"""Trainer behaviour: divergence, learning-rate changes, minibatches, observers, predictions."""

from __future__ import annotations

import threading

import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import Spec
from torchplay.engine.train import probes
from torchplay.engine.train.trainer import DIVERGED, Trainer


def test_divergence_stops_and_keeps_finite_weights() -> None:
    spec = get_scenario("regression").with_overrides({"training.lr": 100.0})
    trainer = Trainer(spec)
    snap = trainer.run()
    assert snap.state == DIVERGED
    assert trainer.diverged_at is not None and trainer.diverged_at <= 100
    # The non-finite loss came from the weights after step N-1; those of step N-2 are kept.
    assert trainer.step_count == trainer.diverged_at - 2
    assert bool(torch.isfinite(trainer.flat).all())


def huge_data(folder) -> Spec:
    """A spec whose first loss is already inf: targets near 1e20 (float32 holds them,
    their squares overflow)."""
    path = folder / "huge.csv"
    rows = [f"{(i - 25) * 4e18},{(25 - i) * 4e18}" for i in range(50)]
    path.write_text("x,y\n" + "\n".join(rows) + "\n")
    return get_scenario("regression").with_overrides({"data.dataset": f"csv:{path}"})


def test_divergence_at_the_first_step_keeps_the_initial_weights(tmp_path) -> None:
    trainer, fresh = Trainer(huge_data(tmp_path)), Trainer(huge_data(tmp_path))
    assert trainer.step(5) == 0
    assert (trainer.state, trainer.step_count, trainer.diverged_at) == (DIVERGED, 0, 1)
    assert torch.equal(trainer.flat, fresh.flat)  # step 1's update is undone
    checkpoint.save(trainer, tmp_path / "d.safetensors")  # loadable: finite weights
    assert torch.equal(checkpoint.restore(tmp_path / "d.safetensors").flat, fresh.flat)


def test_lower_lr_after_divergence_goes_on() -> None:
    trainer = Trainer(get_scenario("regression").with_overrides({"training.lr": 100.0}))
    trainer.run()
    trainer.set_lr(0.1)
    snap = trainer.run(steps=20)
    assert snap.state != DIVERGED and snap.train_loss is not None


def test_set_lr_does_not_reset_weights() -> None:
    trainer = Trainer(get_scenario("regression"))
    trainer.step(10)
    before = trainer.flat.clone()
    trainer.set_lr(0.05)
    assert torch.equal(before, trainer.flat) and trainer.lr == 0.05 and trainer.step_count == 10


def test_minibatches_cover_each_epoch_once() -> None:
    spec = get_scenario("classification").with_overrides({"training.batch_size": 64})
    trainer = Trainer(spec)
    seen = []
    for _ in range(4):  # 200 points: 64 + 64 + 64 + 8
        xb, _ = trainer.batches.next()
        seen.append(xb)
    assert sorted(len(b) for b in seen) == [8, 64, 64, 64]
    got = torch.cat(seen)
    assert torch.equal(
        got[got[:, 0].argsort()], trainer.data.x_train[trainer.data.x_train[:, 0].argsort()]
    )


def test_observers_get_plain_data_and_stop_event_pauses() -> None:
    trainer = Trainer(get_scenario("save-restore"))
    stop = threading.Event()
    snaps = []

    def observer(snap):
        snaps.append(snap)
        if snap.step > 0:
            stop.set()

    final = trainer.run(observers=[observer], interval=0.0, stop=stop)
    assert final.state == "paused" and 0 < final.step < 50_000
    for snap in snaps:
        for value in vars(snap).values():
            assert not isinstance(value, torch.Tensor)
    steps = [p[0] for s in snaps for p in s.points]
    assert steps == sorted(set(steps))


def test_history_is_bounded() -> None:
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 5000}))
    trainer.run()
    assert len(trainer.history.points) <= trainer.history.capacity
    assert trainer.history.points[-1][0] == 5000


def test_test_split_and_metrics() -> None:
    spec = get_scenario("regression").with_overrides({"data.test_fraction": 0.2})
    trainer = Trainer(spec)
    assert trainer.data.x_train.shape[0] == 80 and trainer.data.x_test.shape[0] == 20
    snap = trainer.run()
    assert snap.test_loss is not None and snap.r2 is not None and snap.r2 > 0.5


def test_grid_and_predict() -> None:
    trainer = Trainer(get_scenario("classification"))
    trainer.run()
    grid = probes.decision_grid(trainer, 10, 5)
    assert grid.size == (10, 5) and len(grid.labels) == 50
    assert all(0.5 <= c <= 1.0 for c in grid.confidence)
    [(cls0, p0), (cls1, _)] = trainer.predict([[2.0, 2.0], [-2.0, -2.0]])
    assert (cls0, cls1) == (0, 1) and abs(sum(p0) - 1) < 1e-6
