"""The app's live sweep (:class:`LiveSweep`): what its progress events carry."""

from __future__ import annotations

import threading

from torchplay.engine import events as ev
from torchplay.engine.history import History
from torchplay.engine.livesweep import LiveSweep
from torchplay.engine.scenarios import get_scenario
from torchplay.engine.trainer import Trainer

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
