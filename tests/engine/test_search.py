"""Search spaces and searchers: seeded trials, typed values, and TPE on a known bowl
through the same ask/tell loop a real search trains in (:func:`drive`)."""

from __future__ import annotations

import threading

import pytest
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.space import CHOICE, FLOAT, INT, Dim, parse_dim, random_trials
from torchplay.engine.sweeps.search import RandomSearcher, TpeSearcher, drive

BASE = get_scenario("classification")


def test_ranges_take_the_fields_type_and_lists_their_choices() -> None:
    lr = parse_dim("training.lr=1e-3:1:log", BASE)
    assert (lr.kind, lr.lo, lr.hi, lr.log) == (FLOAT, 0.001, 1.0, True)
    steps = parse_dim("training.steps=10:40", BASE)
    assert (steps.kind, steps.log) == (INT, False)
    hidden = parse_dim("model.hidden=8,4x4,none,8", BASE)
    assert hidden.kind == CHOICE and hidden.choices == ((8,), (4, 4), ())


def test_random_trials_repeat_with_their_seed_and_stay_in_range() -> None:
    space = [
        parse_dim(t, BASE)
        for t in (
            "training.lr=1e-3:1:log",
            "training.steps=10:40:log",
            "model.activation=relu,tanh",
        )
    ]
    a, b = random_trials(space, 50, seed=7), random_trials(space, 50, seed=7)
    assert a == b and a != random_trials(space, 50, seed=8)
    assert all(0.001 <= t["training.lr"] <= 1 for t in a)
    assert all(type(t["training.steps"]) is int and 10 <= t["training.steps"] <= 40 for t in a)
    assert {t["model.activation"] for t in a} == {"relu", "tanh"}
    assert {t["training.lr"] for t in a} == {float(f"{t['training.lr']:.6g}") for t in a}
    # evenly in log: about half the lrs below the geometric middle 0.0316
    assert 15 < sum(t["training.lr"] < 0.0316 for t in a) < 35


BOWL = (
    Dim("x", FLOAT, -10.0, 10.0),
    Dim("y", FLOAT, -10.0, 10.0),
    Dim("c", CHOICE, choices=("a", "b")),
)


def bowl(trial: dict) -> float:
    """Best at x = 3, y = -2, c = b."""
    return (trial["x"] - 3) ** 2 + (trial["y"] + 2) ** 2 + (0 if trial["c"] == "b" else 25)


def _search(searcher, trials: int = 48, parallel: int = 8) -> list[tuple[dict, float]]:
    seen: list[tuple[dict, float]] = []

    def evaluate(batch: list[dict], start: int) -> list[float]:
        assert start == len(seen)
        losses = [bowl(t) for t in batch]
        seen.extend(zip(batch, losses, strict=True))
        return losses

    drive(searcher, trials, parallel, evaluate)
    assert len(seen) == trials
    return seen


def _good(losses: list[float]) -> int:
    """How many trials landed near the bottom of the bowl (a 4% region of the space)."""
    return sum(loss < 10 for loss in losses)


@pytest.mark.parametrize("seed", [1, 3])
def test_tpe_moves_toward_the_good_region_of_a_bowl(seed: int) -> None:
    tpe = [loss for _, loss in _search(TpeSearcher(BOWL, seed=seed))]
    rand = [loss for _, loss in _search(RandomSearcher(BOWL, 48, seed=seed))]
    assert _good(tpe[:16]) <= 1 and _good(tpe[-16:]) >= 4, tpe
    # the same trial count drawn at random does not get there: TPE used what it was told
    assert _good(rand[-16:]) < _good(tpe[-16:]) and min(tpe) < min(rand)


def test_tpe_with_a_seed_asks_the_same_trials_twice() -> None:
    a = _search(TpeSearcher(BOWL, seed=5), trials=20, parallel=4)
    b = _search(TpeSearcher(BOWL, seed=5), trials=20, parallel=4)
    c = _search(TpeSearcher(BOWL, seed=6), trials=20, parallel=4)
    assert a == b and a != c


def test_a_batch_cut_short_by_stop_is_the_last() -> None:
    stop = threading.Event()
    batches = []

    def evaluate(batch: list[dict], start: int) -> list[float]:
        batches.append(start)
        stop.set()
        return [0.0] * len(batch)

    drive(RandomSearcher(BOWL, 20, seed=1), 20, 4, evaluate, stop)
    assert batches == [0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("training.lx=0:1", ["training.lx", "unknown key"]),
        ("training.lr=1:0.5", ["training.lr", "lo 1 must be below hi 0.5"]),
        ("training.lr=0:1:log", ["training.lr", "log range needs lo > 0"]),
        ("training.lr=a:1", ["training.lr", "'a' is not a number"]),
        ("training.steps=1.5:9", ["training.steps", "not an integer"]),
        ("model.activation=0:1", ["model.activation", "model.activation=A,B"]),
        ("training.lr=1e-3:1:lin", ["training.lr", "lo:hi:log"]),
        ("training.lr=-1:1", ["training.lr", "-1.0"]),
        ("model.activation=relu,swish", ["model.activation", "swish"]),
    ],
)
def test_bad_dimensions_name_the_key(text: str, words: list[str]) -> None:
    from torchplay.engine.run.space import SpaceError

    with pytest.raises(SpaceError) as info:
        parse_dim(text, BASE)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_a_stopped_search_keeps_the_rows_of_the_batch_it_stopped_in() -> None:
    from torchplay.engine.run.searchplan import parse_search
    from torchplay.engine.sweeps.search import run_search

    # A step count no batch can reach before its first progress report (every 0.1 s):
    # with 400 steps a quiet machine finished the batch before the first report.
    steps = 10**7
    base = BASE.with_overrides({"training.steps": steps})
    search = parse_search(base, "random", 6, ["training.lr=0.01:0.5:log"], seed=1, parallel=3)
    stop = threading.Event()
    result = run_search(search, base, progress=lambda _done: stop.set(), stop=stop)
    assert [r.index for r in result.rows] == [0, 1, 2]
    assert all(0 < r.step < steps for r in result.rows), [r.step for r in result.rows]


def test_tpe_is_told_a_pruned_trial_as_optunas_pruned_ones() -> None:
    from optuna.trial import TrialState
    from torchplay.engine.sweeps.search import Told

    searcher = TpeSearcher(BOWL, seed=1)
    drive(searcher, 3, 3, lambda batch, _: [Told(4.0, 20), None, 2.5])
    trials = searcher.study.get_trials()
    assert [t.state for t in trials] == [TrialState.PRUNED, *[TrialState.COMPLETE] * 2]
    assert trials[0].intermediate_values == {20: 4.0}
    assert [t.value for t in trials[1:]] == [float("inf"), 2.5]
