"""The app's live sweep (:class:`LiveSweep`): what its events carry, going on after a stop,
opening a member."""

from __future__ import annotations

import threading

import torch
from torchplay.engine.process import events as ev
from torchplay.engine.run.history import History
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.sweeps.livesweep import LiveSweep
from torchplay.engine.train.trainer import Trainer

STEPS = 1500


def test_events_carry_only_the_points_the_apps_history_keeps() -> None:
    base = get_scenario("regression").with_overrides({"training.steps": STEPS})
    live = LiveSweep(base, ["training.lr=0.05,0.1"])
    events: list[ev.SweepStepsCompleted] = []
    live.run(events.append, interval=0.0, stop=threading.Event())  # an event every step
    assert events[-1].state == "finished"
    shown = [History(capacity=ev.SWEEP_POINTS) for _ in live.members]
    sent = 0
    for event in events:
        for history, points in zip(shown, event.points, strict=True):
            for step, loss in points:
                assert history.due(step)  # the app records every point it is sent
                history.add((step, loss, None))
                sent += 1
    # Not one a step (2 x 1,500): a history sent what it keeps gets under 2x its capacity.
    assert sent < 2 * 2 * ev.SWEEP_POINTS < 2 * STEPS
    for member, history in zip(live.members, shown, strict=True):
        single = Trainer(member.spec)
        single.history = History(capacity=10 * STEPS)  # every step's loss
        single.run()
        loss = {p[0]: p[1] for p in single.history.points}
        assert history.stride > 1 and len(history.points) <= ev.SWEEP_POINTS
        assert history.points[-1][0] == STEPS - STEPS % history.stride
        for step, value, _ in history.points:
            assert abs(value - loss[step]) <= 1e-5 * abs(loss[step])


GRID = ["training.lr=0.05,1000", "model.hidden=4,8"]  # two populations, one member diverges


def _stop_after(events: list, stop: threading.Event, n: int):
    """An emit that keeps the events and sets ``stop`` at the ``n``-th."""

    def emit(event) -> None:
        events.append(event)
        if len(events) == n:
            stop.set()

    return emit


def test_a_stopped_sweep_goes_on_where_it_stopped_and_ends_as_one_run_straight() -> None:
    base = get_scenario("regression").with_overrides({"training.steps": 300})
    straight = LiveSweep(base, GRID)
    straight.run(lambda _e: None, interval=0.0, stop=threading.Event())
    live, events, stop = LiveSweep(base, GRID), [], threading.Event()
    live.run(_stop_after(events, stop, 5), interval=0.0, stop=stop)
    assert events[-1].state == "paused" and 0 < max(events[-1].steps) < 300
    stopped_at = list(events[-1].steps)
    assert live.goes_on(base, [" training.lr=0.05,1000", "model.hidden=4,8"])
    assert not live.goes_on(base.with_overrides({"training.steps": 301}), GRID)
    assert not live.goes_on(base, GRID[:1])
    assert live.goes_on(base.with_overrides({"training.lr": 0.3}), GRID)  # a grid key
    assert not live.goes_on(base.with_overrides({"training.momentum": 0.5}), GRID)
    live.run(events.append, interval=0.0, stop=threading.Event())
    assert events[-1].state == "finished"
    assert all(a >= b for a, b in zip(events[-1].steps, stopped_at, strict=True))
    for t, u in zip(live.trainers, straight.trainers, strict=True):
        assert (t.step_count, t.state) == (u.step_count, u.state)
        assert torch.equal(t.flat, u.flat)  # bit for bit, as if it never stopped
        assert t.history.points == u.history.points
    assert [t.state for t in live.trainers].count("diverged") == 2
    assert not live.goes_on(base, GRID)  # over: Start trains it again from step 0


def test_an_opened_member_is_a_copy_the_sweep_keeps_its_own() -> None:
    base = get_scenario("regression").with_overrides({"training.steps": 100})
    live, stop = LiveSweep(base, GRID[:1]), threading.Event()
    live.run(_stop_after([], stop, 3), interval=0.0, stop=stop)
    opened = live.copy(0)
    assert opened is not live.trainers[0] and torch.equal(opened.flat, live.trainers[0].flat)
    assert opened.step_count == live.trainers[0].step_count > 0
    opened.step(5)
    assert not torch.equal(opened.flat, live.trainers[0].flat)
    assert live.goes_on(base, GRID[:1])


def test_a_sweep_whose_members_stopped_early_has_ended() -> None:
    base = get_scenario("regression").with_overrides(
        {"training.steps": 3000, "training.patience": 20, "training.min_delta": 0.001}
    )
    grid = ["training.lr=0.05,0.4"]
    live = LiveSweep(base, grid)
    events: list[ev.SweepStepsCompleted] = []
    live.run(events.append, interval=1.0, stop=threading.Event())
    assert events[-1].states == ["stopped_early"] * 2 and max(events[-1].steps) < 3000
    assert events[-1].state == "finished"
    assert not live.goes_on(base, grid)  # over: Start trains it again from step 0
