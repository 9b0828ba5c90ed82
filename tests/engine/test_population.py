"""Each population member equals its single run (oracle: a plain Trainer per spec)."""

from __future__ import annotations

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import Spec
from torchplay.engine.sweeps.population import Population
from torchplay.engine.train.trainer import Trainer

REL = 1e-5


def _pair(specs: list[Spec]) -> list[tuple[Trainer, Trainer]]:
    """(population member, single run) for each spec, both trained to the spec's steps."""
    members = [Trainer(s) for s in specs]
    singles = [Trainer(s) for s in specs]
    for m, s in zip(members, singles, strict=True):
        assert torch.equal(m.data.x_train, s.data.x_train)  # same data for the same seed
        assert torch.equal(m.flat, s.flat)  # same initial weights
    Population(members).run()
    for s in singles:
        s.run()
    return list(zip(members, singles, strict=True))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * abs(b)


def _assert_equal_runs(pairs, exact: bool = False) -> None:
    for m, s in pairs:
        assert (m.step_count, m.state) == (s.step_count, s.state)
        ms, ss = m.snapshot(), s.snapshot()
        assert _close(ms.train_loss, ss.train_loss), (ms.train_loss, ss.train_loss)
        if ss.test_loss is not None:
            assert _close(ms.test_loss, ss.test_loss)
        x = [[v] for v in (-1.0, 0.0, 0.5)] if m.task == "regression" else [[0.0, 1.0], [2, -1]]
        for a, b in zip(m.predict(x), s.predict(x), strict=True):
            pa, pb = (a, b) if m.task == "regression" else (a[1][0], b[1][0])
            assert abs(pa - pb) <= REL * max(1.0, abs(pb))
        assert len(m.history.points) == len(s.history.points)
        if exact:
            assert torch.equal(m.flat, s.flat)


def test_regression_grid_members_equal_their_single_runs_bit_for_bit() -> None:
    # The 1-10-1 net's output layer has one unit: its forward and weight gradient run per
    # member with the single run's addmm/mm (batched bmm rounds those sums differently;
    # lr 0.2 seed 3 ended 1.7e-4 apart before).
    base = get_scenario("regression").with_overrides({"training.steps": 300})
    grid = [
        base.with_overrides({"training.lr": lr, "data.seed": seed})
        for lr in (0.05, 0.1, 0.2, 0.4)
        for seed in (1, 2, 3, 4)
    ]
    members = [Trainer(s) for s in grid]
    Population(members).run()
    for i in (0, 5, 10, 11, 15):  # five of the sixteen, across lr and seed (10: lr 0.2 seed 3)
        single = Trainer(grid[i])
        single.run()
        _assert_equal_runs([(members[i], single)], exact=True)
        assert members[i].history.points == single.history.points


def test_classification_grid_over_activation_and_seed_is_bit_exact() -> None:
    base = get_scenario("classification").with_overrides({"training.steps": 200})
    for act in ("relu", "tanh"):
        specs = [base.with_overrides({"model.activation": act, "data.seed": s}) for s in (1, 2, 3)]
        _assert_equal_runs(_pair(specs), exact=True)


def test_minibatch_adam_grid_with_a_test_set() -> None:
    base = get_scenario("classification").with_overrides(
        {
            "training.optimizer": "adam",
            "training.batch_size": 32,
            "training.steps": 120,
            "data.test_fraction": 0.2,
            "data.dataset": "moons",
        }
    )
    specs = [
        base.with_overrides({"training.lr": lr, "data.seed": s})
        for lr in (0.01, 0.03)
        for s in (1, 2)
    ]
    pairs = _pair(specs)
    _assert_equal_runs(pairs)
    for m, s in pairs:  # the minibatch generator is where the single run left it
        assert torch.equal(m.batches.perm, s.batches.perm) and m.batches.pos == s.batches.pos
        assert torch.equal(m.stepper.exp_avg_sq, s.stepper.exp_avg_sq) or _close(
            float(m.stepper.exp_avg_sq.sum()), float(s.stepper.exp_avg_sq.sum())
        )


def test_sgd_momentum_weight_decay_and_adamw() -> None:
    reg = get_scenario("regression").with_overrides({"training.steps": 150})
    specs = [
        reg.with_overrides(
            {"training.momentum": m, "training.weight_decay": wd, "training.lr": 0.05}
        )
        for m in (0.0, 0.9)
        for wd in (0.0, 0.01)
    ]
    _assert_equal_runs(_pair(specs))
    nesterov = [
        s.with_overrides({"training.momentum": 0.9, "training.nesterov": True}) for s in specs
    ]
    _assert_equal_runs(_pair(nesterov[:2]))
    adamw = [
        reg.with_overrides(
            {"training.optimizer": "adamw", "training.lr": lr, "training.weight_decay": 0.1}
        )
        for lr in (0.01, 0.05)
    ]
    _assert_equal_runs(_pair(adamw))


def test_a_diverging_member_is_frozen_and_the_others_undisturbed() -> None:
    base = get_scenario("regression").with_overrides({"training.steps": 200})
    specs = [base.with_overrides({"training.lr": lr}) for lr in (0.1, 1000.0, 0.2)]
    members = [Trainer(s) for s in specs]
    Population(members).run()
    single = Trainer(specs[1])
    single.run()
    bad = members[1]
    assert bad.state == "diverged" and single.state == "diverged"
    assert (bad.diverged_at, bad.step_count) == (single.diverged_at, single.step_count)
    assert bool(torch.isfinite(bad.flat).all())
    assert torch.allclose(bad.flat, single.flat, rtol=1e-5, atol=1e-6)
    # The others trained on to the end, as their single runs did.
    healthy = [Trainer(specs[0]), Trainer(specs[2])]
    for h in healthy:
        h.run()
    _assert_equal_runs([(members[0], healthy[0]), (members[2], healthy[1])])
    assert members[0].state == members[2].state == "finished"


def test_members_with_different_step_counts_stop_at_their_own() -> None:
    base = get_scenario("regression")
    specs = [base.with_overrides({"training.steps": n}) for n in (30, 70)]
    pairs = _pair(specs)
    assert [m.step_count for m, _ in pairs] == [30, 70]
    _assert_equal_runs(pairs)


def test_grid_over_hidden_trains_two_groups_each_equal_to_its_single_run() -> None:
    from torchplay.engine.run.grid import members, parse_grid
    from torchplay.engine.sweeps.sweep import train_chunk

    base = get_scenario("regression").with_overrides({"training.steps": 100})
    grid = members(parse_grid(["model.hidden=10,8x8", "data.seed=1,2"], base), base)
    rows = train_chunk(grid)
    assert [r.index for r in rows] == [0, 1, 2, 3]
    for member, row in zip(grid, rows, strict=True):
        single = Trainer(member.spec)
        single.run()
        snap = single.snapshot()
        assert row.step == snap.step == 100 and not row.diverged
        assert _close(row.train_loss, snap.train_loss) and _close(row.r2, snap.r2)


def test_a_member_diverging_at_the_first_step_keeps_its_initial_weights(tmp_path) -> None:
    from tests.engine.test_trainer import huge_data

    spec = huge_data(tmp_path)
    members = [Trainer(spec), Trainer(spec.with_overrides({"data.seed": 2}))]
    initial = [m.flat.clone() for m in members]
    Population(members).run()
    for m, flat in zip(members, initial, strict=True):
        assert (m.state, m.step_count, m.diverged_at) == ("diverged", 0, 1)
        assert torch.equal(m.flat, flat)


def test_adam_and_adamw_members_with_their_own_lr_and_decay_are_bit_exact() -> None:
    # Per-member step sizes are doubles rounded once, as the fused path's scalars (a
    # float32 lr tensor divided by the bias correction rounded apart within 10 steps).
    base = get_scenario("classification").with_overrides({"training.steps": 40})
    for opt in ("adam", "adamw"):
        specs = [
            base.with_overrides(
                {"training.optimizer": opt, "training.lr": lr, "training.weight_decay": wd}
            )
            for lr in (0.01, 0.3)
            for wd in (0.0, 0.05)
        ]
        _assert_equal_runs(_pair(specs), exact=True)
