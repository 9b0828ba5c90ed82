"""Importance: the exact main-effect ANOVA on full grids whose answer is known, and the
binned estimator on sampled trials (engine/sweeps/importance.py)."""

from __future__ import annotations

import itertools
import random

import pytest
from torchplay.engine.sweeps.importance import bins, full_grid, importance


def grid(**axes):
    keys = list(axes)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes.values())]


def test_one_key_explains_all_the_variance_and_another_none() -> None:
    rows = grid(lr=[0.001, 0.01, 0.1], seed=[1, 2, 3, 4])
    losses = [10.0 ** {0.001: -1, 0.01: -2, 0.1: -4}[r["lr"]] for r in rows]
    got = importance(rows, losses)
    assert got.method == "anova" and got.members == 12
    assert got.shares["lr"] == pytest.approx(1.0, abs=1e-12)
    assert got.shares["seed"] == pytest.approx(0.0, abs=1e-12)
    assert got.interactions == pytest.approx(0.0, abs=1e-12)
    assert got.ranked()[0][0] == "lr"


def test_additive_effects_split_by_their_variances_exactly() -> None:
    rows = grid(a=["relu", "tanh"], b=[1, 2, 3])
    # log10 loss = f(a) + g(b): f = +-1 (variance 1), g = -1, 0, 1 (variance 2/3).
    f = {"relu": 1.0, "tanh": -1.0}
    g = {1: -1.0, 2: 0.0, 3: 1.0}
    losses = [10.0 ** (f[r["a"]] + g[r["b"]]) for r in rows]
    got = importance(rows, losses)
    assert got.method == "anova"
    assert got.shares["a"] == pytest.approx(1 / (1 + 2 / 3), abs=1e-12)
    assert got.shares["b"] == pytest.approx((2 / 3) / (1 + 2 / 3), abs=1e-12)
    assert got.interactions == pytest.approx(0.0, abs=1e-12)


def test_a_pure_interaction_has_no_main_effect() -> None:
    rows = grid(a=[0, 1], b=[0, 1])
    losses = [10.0 ** (1 if r["a"] == r["b"] else -1) for r in rows]  # XOR
    got = importance(rows, losses)
    assert got.shares == pytest.approx({"a": 0.0, "b": 0.0}, abs=1e-12)
    assert got.interactions == pytest.approx(1.0, abs=1e-12)


def test_diverged_members_count_as_the_worst_loss() -> None:
    rows = grid(lr=[0.1, 10.0], seed=[1, 2])
    losses = [0.01, 0.01, None, None]
    got = importance(rows, losses, diverged=[False, False, True, True])
    assert got.method == "anova" and got.members == 4
    assert got.shares["lr"] == pytest.approx(1.0, abs=1e-12)  # diverged: 10x the worst
    losses = [0.01, 0.1, None, None]
    got = importance(rows, losses, diverged=[False, False, True, True])
    assert got.shares["lr"] > got.shares["seed"] > 0


def test_members_without_a_loss_are_left_out_and_no_spread_is_none() -> None:
    rows = grid(lr=[0.1, 0.2])
    assert importance(rows, [None, 0.5]).method == "none"
    assert importance(rows, [0.5, 0.5]).shares == {"lr": 0.0}
    assert importance([], []).shares == {}


def test_full_grid_needs_every_combination_equally_often() -> None:
    assert full_grid([[1, "a"], [1, "b"], [2, "a"], [2, "b"]])
    assert not full_grid([[1, "a"], [1, "b"], [2, "a"]])
    assert full_grid([[1, "a"], [1, "a"], [2, "a"], [2, "a"]])
    assert not full_grid([[1, "a"], [1, "a"], [2, "a"]])


def test_sampled_trials_find_the_key_that_matters() -> None:
    rng = random.Random(3)
    rows = [
        {"lr": 10 ** rng.uniform(-3, 0), "l2": rng.uniform(0, 0.01), "act": rng.choice("rt")}
        for _ in range(64)
    ]
    losses = [10 ** (abs(math_log10(r["lr"]) + 1.5) + rng.gauss(0, 0.05)) for r in rows]
    got = importance(rows, losses)
    assert got.method == "binned anova"
    assert got.shares["lr"] > 0.8
    assert got.shares["l2"] < 0.05 and got.shares["act"] < 0.05
    assert sum(got.shares.values()) <= 1.0 + 1e-12


def test_sampled_noise_scores_near_zero() -> None:
    rng = random.Random(5)
    rows = [{"x": rng.random(), "y": rng.random()} for _ in range(200)]
    got = importance(rows, [10 ** rng.gauss(0, 1) for _ in rows])
    assert got.method == "binned anova"
    assert max(got.shares.values()) < 0.05


def test_quantile_bins_keep_ties_together_and_categories_apart() -> None:
    assert bins(["a", "b", "a"], 3) == [0, 1, 0]
    labels = bins([float(i // 2) for i in range(40)], 40)
    assert len(set(labels)) == 8
    for i in range(0, 40, 2):
        assert labels[i] == labels[i + 1]
    assert labels == sorted(labels)


def math_log10(x: float) -> float:
    import math

    return math.log10(x)
