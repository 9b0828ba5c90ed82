"""torchplay lr-find: Smith's range test on a real run, its JSON parsed back, its chart."""

from __future__ import annotations

import json
import math

import pytest
from torchplay.engine.train.lrrules import RULE, SKIP_BEGIN, steepest


def test_suggestion_is_sane_on_regression(cli) -> None:
    code, out, err = cli("lr-find", "regression", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert set(res) == {"suggested_lr", "rule", "suggestions", "lrs", "losses", "diverged"}
    assert res["rule"] == RULE and res["suggestions"][RULE] == res["suggested_lr"]
    assert set(res["suggestions"]) == {"steepest", "min/10", "valley"}
    lrs, losses = res["lrs"], res["losses"]
    assert len(lrs) == len(losses) > SKIP_BEGIN + 2
    assert lrs[0] == 1e-6 and all(b > a for a, b in zip(lrs, lrs[1:], strict=False))
    ratios = [b / a for a, b in zip(lrs, lrs[1:], strict=False)]
    assert max(ratios) == pytest.approx(min(ratios))  # exponential: one ratio throughout
    assert all(math.isfinite(v) for v in losses)
    assert 1e-3 <= res["suggested_lr"] <= 1.0
    # min/10: a tenth of an lr tried, the one whose loss was lowest.
    best = lrs[losses.index(min(losses[len(lrs) // 10 : len(lrs) - 5]))]
    assert res["suggested_lr"] == best / 10
    assert res["suggestions"]["steepest"] in lrs and res["suggestions"]["valley"] in lrs


def test_a_range_past_divergence_stops_early(cli) -> None:
    code, out, _ = cli("lr-find", "--max-lr", "1000", "--json")
    res = json.loads(out)
    assert code == 0 and res["diverged"] is True
    assert res["lrs"][-1] < 1000  # stopped before the end of the sweep


def test_plot_marks_the_suggestion(cli) -> None:
    code, out, err = cli("lr-find", "classification", "--plot")
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("suggested lr ") and "lrs from 1e-06" in last
    assert "lr range test: suggested lr" in out and "lr (log scale)" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--min-lr", "0"), "--min-lr 0"),
        (("--min-lr", "1", "--max-lr", "0.5"), "0 < min < max"),
        (("--max-lr", "inf"), "finite"),
        (("--num-steps", "5"), "--num-steps 5"),
        (("--lr", "-1"), "training.lr"),
    ],
)
def test_bad_range_exits_2(cli, args, needle) -> None:
    code, out, err = cli("lr-find", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_steepest_picks_the_steepest_descent() -> None:
    lrs = [10 ** (-6 + 0.1 * i) for i in range(60)]
    # A loss that falls fastest at lr 1e-3 (index 30), then flattens.
    losses = [1 / (1 + math.exp((math.log10(lr) + 3) * 4)) for lr in lrs]
    assert steepest(lrs, losses) == lrs[30]
    assert steepest(lrs[:11], losses[:11]) is None  # all skipped: no suggestion
