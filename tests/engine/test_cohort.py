"""Pruning inside a population (engine/sweeps/cohort.py): pruned members stop at the rung
they failed, with that step's weights; the others equal their unpruned runs bit for bit."""

from __future__ import annotations

import statistics

import pytest
import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.sweepplan import PlanError, SweepPlan, from_text
from torchplay.engine.sweeps.cohort import rung_loss
from torchplay.engine.sweeps.sweep import train_members
from torchplay.engine.train.trainer import Trainer

LRS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


def _specs(steps: int = 60, kernel: str = "exact") -> list:
    base = get_scenario("classification").with_overrides(
        {"training.steps": steps, "training.kernel": kernel}
    )
    return [base.with_overrides({"training.lr": lr}) for lr in LRS]


def _trained(specs: list, plan: SweepPlan | None) -> list[Trainer]:
    trainers = [Trainer(s) for s in specs]
    train_members(trainers, plan=plan)
    return trainers


def _at(spec, step: int) -> Trainer:
    """The single run of ``spec`` stopped at ``step`` (the oracle for a pruned member)."""
    t = Trainer(spec)
    t.run(steps=step)
    return t


@pytest.mark.parametrize("kernel", ["exact", "compiled"])
def test_median_pruned_members_stop_at_their_rung_and_survivors_are_bit_exact(kernel) -> None:
    specs = _specs(kernel=kernel)
    plan = SweepPlan(prune="median", prune_every=20)
    pruned = _trained(specs, plan)
    full = _trained(specs, None)
    # At the first rung the members worse than the median of all eight stop.
    at20 = [_at(s, 20) for s in specs]
    losses = [rung_loss(t) for t in at20]
    median = statistics.median(losses)
    first = {i for i, v in enumerate(losses) if v > median}
    assert first and len(first) < len(specs)
    for i, (p, f) in enumerate(zip(pruned, full, strict=True)):
        if p.state == "pruned":
            assert p.step_count in (20, 40), (i, p.step_count)
            if p.step_count == 20:
                assert torch.equal(p.flat, at20[i].flat)
        else:
            assert (p.state, p.step_count) == (f.state, f.step_count) == ("finished", 60)
            assert torch.equal(p.flat, f.flat), i
            assert p.history.points == f.history.points
    assert {i for i, t in enumerate(pruned) if t.step_count == 20} == first


def test_halving_keeps_the_better_half_at_each_rung() -> None:
    specs = _specs(steps=60)
    trainers = _trained(specs, SweepPlan(prune="halving", prune_every=10))
    stops = sorted(t.step_count for t in trainers if t.state == "pruned")
    assert stops == [10] * 4 + [20] * 2 + [40]
    (winner,) = [t for t in trainers if t.state == "finished"]
    full = _trained(specs, None)[trainers.index(winner)]
    assert torch.equal(winner.flat, full.flat)
    # The halving ranked by the rung loss: the winner was in the better half at step 10.
    losses = [rung_loss(_at(s, 10)) for s in specs]
    assert losses[trainers.index(winner)] <= statistics.median(losses)


def test_a_pruned_population_steps_fewer_members() -> None:
    trainers = [Trainer(s) for s in _specs(steps=40)]
    from torchplay.engine.sweeps.cohort import Cohort

    cohort = Cohort(trainers, list(range(8)), SweepPlan(prune="halving", prune_every=10))
    widths = []
    while cohort.rows:
        widths.append(len(cohort.rows))
        cohort.advance(1)
    assert widths[0] == 8 and widths[-1] == 2 and sorted(set(widths)) == [2, 4, 8]


@pytest.mark.parametrize(
    ("plan", "members", "says"),
    [
        (SweepPlan(prune="median", prune_every=0), 4, "--prune-every 0: give a step count"),
        (SweepPlan(prune="median"), 1, "a sweep of 1 member has no peers"),
        (SweepPlan(pbt=True, pbt_quantile=0.7), 4, "--pbt-quantile 0.7: give a share"),
        (SweepPlan(pbt=True, pbt_every=-3), 4, "--pbt-every -3"),
        (SweepPlan(prune="median", pbt=True), 4, "pick one"),
        (SweepPlan(prune_every=5), 4, "--prune-every without --prune"),
        (SweepPlan(prune="mean"), 4, "--prune 'mean': use median or halving"),
    ],
)
def test_bad_plans_are_refused_with_one_line(plan, members, says) -> None:
    with pytest.raises(PlanError, match=says.replace("(", r"\(")) as info:
        plan.check(members)
    assert "\n" not in str(info.value)


def test_the_screen_field_makes_the_same_plans() -> None:
    assert from_text("") == SweepPlan()
    assert from_text("median 20") == SweepPlan(prune="median", prune_every=20)
    assert from_text(" Halving ") == SweepPlan(prune="halving")
    assert from_text("pbt 50 0.5", seed=3) == SweepPlan(
        pbt=True, pbt_every=50, pbt_quantile=0.5, seed=3
    )
    for bad in ("median 0", "median x", "asha 3", "median 3 0.2"):
        with pytest.raises(PlanError, match="type median N, halving N or pbt N"):
            from_text(bad)


def test_rungs() -> None:
    assert SweepPlan(prune="median", prune_every=20).rungs(60) == [20, 40]
    assert SweepPlan(prune="halving", prune_every=10).rungs(100) == [10, 20, 40, 80]
    assert SweepPlan(prune="halving").rungs(800) == [100, 200, 400]
    assert SweepPlan(pbt=True).rungs(100) == list(range(10, 100, 10))
    assert SweepPlan().rungs(100) == []
