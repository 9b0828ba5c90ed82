"""The app's live sweep with a plan: pruned members' states and steps in its events, PBT's
forks in its events and in the members' lineages, the same weights as ``torchplay sweep``."""

from __future__ import annotations

import threading

import pytest
from torchplay.engine.files.checkpoint import weights_sha256
from torchplay.engine.process import events as ev
from torchplay.engine.run.grid import members, parse_grid
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.sweepplan import PlanError, SweepPlan
from torchplay.engine.sweeps.livesweep import LiveSweep
from torchplay.engine.sweeps.sweep import run_local

GRID = ["training.lr=0.003,0.01,0.03,0.1,0.3,1,3,10"]
BASE = get_scenario("classification").with_overrides(
    {"training.steps": 80, "training.optimizer": "adam"}
)


def _live(plan: SweepPlan) -> tuple[LiveSweep, list[ev.SweepStepsCompleted]]:
    live = LiveSweep(BASE, GRID, plan)
    events: list[ev.SweepStepsCompleted] = []
    live.run(events.append, interval=0.0, stop=threading.Event())
    return live, events


def _rows(plan: SweepPlan):
    return run_local(members(parse_grid(GRID, BASE), BASE), plan=plan).rows


def test_pruned_members_show_as_pruned_at_their_rung_and_match_the_command_line() -> None:
    plan = SweepPlan(prune="halving", prune_every=20)
    live, events = _live(plan)
    last = events[-1]
    assert last.state == "finished"
    assert sorted(s for s, st in zip(last.steps, last.states, strict=True) if st == "pruned") == [
        20,
        20,
        20,
        20,
        40,
        40,
    ]
    assert last.states.count("finished") == 2
    rows = _rows(plan)
    assert [weights_sha256(t) for t in live.trainers] == [r.weights_sha256 for r in rows]


def test_pbt_forks_arrive_in_events_and_members_are_the_command_lines() -> None:
    plan = SweepPlan(pbt=True, pbt_every=20)
    live, events = _live(plan)
    forks = [f for e in events for f in e.forks]
    assert [f.step for f in forks] == [20, 20, 40, 40, 60, 60]
    assert forks == live.forks
    for f in forks:
        assert f.child != f.parent and f.values["training.lr"] > 0
    assert all(live.trainers[f.child].lineage for f in forks)
    rows = _rows(plan)
    assert [weights_sha256(t) for t in live.trainers] == [r.weights_sha256 for r in rows]


def test_a_plan_that_cannot_work_is_refused() -> None:
    with pytest.raises(PlanError, match="a sweep of 1 member"):
        LiveSweep(BASE, ["training.lr=0.1"], SweepPlan(prune="median"))


def test_a_stopped_pbt_sweep_goes_on_only_with_the_same_plan() -> None:
    live = LiveSweep(BASE, GRID, SweepPlan(pbt=True, pbt_every=20))
    stop = threading.Event()
    stop.set()
    live.run(lambda e: None, interval=0.0, stop=stop)
    assert live.goes_on(BASE, GRID, SweepPlan(pbt=True, pbt_every=20))
    assert not live.goes_on(BASE, GRID, SweepPlan(pbt=True, pbt_every=10))
    assert not live.goes_on(BASE, GRID)
