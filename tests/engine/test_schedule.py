"""LR schedules and early stopping: values against torch.optim.lr_scheduler, the fused path
equal to autograd under a schedule, exact resume, and early stop on a plateauing run."""

from __future__ import annotations

import math

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.schedule import Schedule
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.trainer import Trainer


def spec_with(**training) -> Spec:
    keys = {f"training.{k}": v for k, v in training.items()}
    return get_scenario("regression").with_overrides(keys)


def torch_lrs(make, steps: int, lr: float = 0.2) -> list[float]:
    """The lr of each step under a torch scheduler stepped after every optimizer step."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize(
    ("training", "make"),
    [
        (
            {"schedule": "step", "schedule_every": 7, "schedule_gamma": 0.5},
            lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5),
        ),
        (
            {"schedule": "exponential", "schedule_decay": 0.97},
            lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.97),
        ),
        (
            {"schedule": "cosine", "schedule_period": 30, "schedule_min_lr": 0.01},
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 30, 0.01),
        ),
    ],
)
def test_closed_forms_match_torch_schedulers(training, make) -> None:
    schedule = Schedule(spec_with(**training).training)
    ours = [schedule.lr_at(0.2, k) for k in range(30)]
    # torch's cosine is computed recursively, so it agrees to rounding, not bit for bit.
    assert ours == pytest.approx(torch_lrs(make, 30), rel=1e-9, abs=1e-12)
    assert len(set(ours)) > 3  # the lr does change


def test_cosine_defaults_to_the_run_and_stays_at_its_floor() -> None:
    schedule = Schedule(spec_with(schedule="cosine", steps=40, schedule_min_lr=0.05).training)
    assert schedule.lr_at(0.2, 0) == 0.2
    assert schedule.lr_at(0.2, 20) == pytest.approx(0.125)
    assert schedule.lr_at(0.2, 40) == schedule.lr_at(0.2, 500) == pytest.approx(0.05)


def test_plateau_drops_after_patience_steps_without_improvement() -> None:
    schedule = Schedule(
        spec_with(schedule="plateau", schedule_patience=3, schedule_min_lr=0.04).training
    )
    for step, loss in enumerate([1.0, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4], 1):
        schedule.observe(step, loss, 0.2)
    # Best 0.5 at step 2, no better by step 5: drop there; 0.4 at 6 is better; 9 drops
    # again; by 12 the lr would fall under min_lr 0.04 a third time... it is clamped.
    assert schedule.drops == [5, 9, 12]
    assert [schedule.lr_at(0.2, k) for k in (4, 5, 9, 12)] == pytest.approx([0.2, 0.1, 0.05, 0.04])
    for step in range(13, 40):
        schedule.observe(step, 0.4, 0.2)
    assert schedule.drops == [5, 9, 12]  # at the floor: no more drops


SCHEDULES = [
    {"schedule": "step", "schedule_every": 13, "schedule_gamma": 0.7},
    {"schedule": "cosine", "schedule_min_lr": 0.001},
    {"schedule": "exponential", "schedule_decay": 0.995},
    {"schedule": "plateau", "schedule_patience": 5, "schedule_gamma": 0.5},
]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("training", SCHEDULES, ids=lambda t: t["schedule"])
def test_fused_path_equals_autograd_under_a_schedule(training, optimizer) -> None:
    lr = 0.2 if optimizer == "sgd" else 0.01
    nets = []
    for fast in (True, False):
        spec = spec_with(
            **training, optimizer=optimizer, lr=lr, steps=150, batch_size=16, fast_path=fast
        )
        trainer = Trainer(spec)
        assert trainer.stepper.fused is fast
        trainer.run()
        nets.append((trainer.weights(), trainer.lr_now))
    (fused, lr_fused), (auto, lr_auto) = nets
    assert lr_fused == lr_auto and lr_fused != lr
    for key in fused:
        assert torch.equal(fused[key], auto[key]), key


@pytest.mark.parametrize(
    "training",
    [*SCHEDULES, {"patience": 40, "min_delta": 1e-5, "schedule": "plateau"}],
    ids=lambda t: t["schedule"] + ("+patience" if "patience" in t else ""),
)
def test_resume_with_a_schedule_is_exact(training, tmp_path) -> None:
    spec = get_scenario("regression").with_overrides(
        {"data.test_fraction": 0.2, "training.steps": 240, "training.batch_size": 16}
        | {f"training.{k}": v for k, v in training.items()}
    )
    straight = Trainer(spec)
    straight.run()
    first = Trainer(spec)
    first.run(steps=200)
    checkpoint.save(first, tmp_path / "half.safetensors")
    resumed = checkpoint.restore(tmp_path / "half.safetensors")
    resumed.run()
    if "patience" in training:  # the save fell between the best step and the stop
        assert straight.state == "stopped_early" and straight.best.step < 200
    assert resumed.step_count == straight.step_count
    assert resumed.state == straight.state
    assert resumed.lr_now == straight.lr_now
    assert resumed.schedule.drops == straight.schedule.drops
    for key, value in straight.weights().items():
        assert torch.equal(resumed.weights()[key], value), key


def test_rows_carry_each_steps_lr() -> None:
    trainer = Trainer(spec_with(schedule="step", schedule_every=10, steps=30))
    snap = trainer.run(interval=1e9)
    assert [p[0] for p in snap.points] == list(range(1, 31))
    assert snap.lrs == pytest.approx([0.2] * 10 + [0.1] * 10 + [0.05] * 10)


def plateauing(**training) -> Spec:
    """Sine with a tiny net: the test loss stops improving within a few hundred steps."""
    return get_scenario("regression").with_overrides(
        {"data.dataset": "sine", "data.test_fraction": 0.3, "training.steps": 20_000}
        | {f"training.{k}": v for k, v in training.items()}
    )


def test_early_stop_on_a_plateau_restores_the_best_weights() -> None:
    trainer = Trainer(plateauing(patience=100))
    trainer.run()
    assert trainer.state == "stopped_early"
    best = trainer.best
    assert trainer.step_count < 20_000
    assert trainer.step_count - best.step == 100
    # The weights now are the best step's: the test loss equals the best one recorded.
    assert trainer.snapshot().test_loss == best.loss
    recorded = {s: t for s, _, t in trainer.history.points}
    assert best.loss == min(recorded.values())
    assert all(t >= best.loss for s, t in recorded.items() if s > best.step)


def test_min_delta_stops_sooner_and_off_runs_to_the_end() -> None:
    loose, strict = (
        Trainer(plateauing(patience=100)),
        Trainer(plateauing(patience=100, min_delta=1e-3)),
    )
    loose.run()
    strict.run()
    assert strict.step_count < loose.step_count
    off = Trainer(plateauing(steps=600))
    off.run()
    assert off.state == "finished" and off.best is None


def test_stopped_run_trains_on_when_asked() -> None:
    trainer = Trainer(plateauing(patience=50))
    trainer.run()
    stopped = trainer.step_count
    trainer.run(steps=30)
    assert trainer.step_count == stopped + 30
    assert not math.isnan(trainer.snapshot().train_loss)
