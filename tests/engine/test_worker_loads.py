"""The engine process survives every crafted checkpoint the corpus holds: it reports the
refusal as ``CommandFailed`` (the app shows it) and goes on serving commands."""

from __future__ import annotations

import pytest
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.worker import Engine
from torchplay.engine.run.scenarios import get_scenario

from tests.corpus import Case, params


class Pipe:
    """The engine's end of the app's pipe: records what the engine sends."""

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, event) -> None:
        self.sent.append(event)

    def poll(self) -> bool:
        return False


@pytest.mark.parametrize("command", ["load", "compare"])
@pytest.mark.parametrize("case", params("checkpoint"))
def test_engine_reports_a_bad_checkpoint_and_goes_on(tmp_path, command, case: Case) -> None:
    pipe = Pipe()
    engine = Engine(pipe)
    path = str(case.make(tmp_path))
    engine.dispatch(c.Load(path) if command == "load" else c.Compare((path,), ((40, 20),)))
    failed = [e for e in pipe.sent if isinstance(e, ev.CommandFailed)]
    assert len(failed) == 1 and case.needle in failed[0].message and "\n" not in failed[0].message
    engine.dispatch(c.Build(get_scenario("regression")))
    engine.dispatch(c.Step(2))
    assert pipe.sent[-1].step == 2


@pytest.mark.parametrize("where", ["__init__", "started", "run"])
def test_a_failure_inside_a_sweep_is_reported_and_the_engine_goes_on(monkeypatch, where) -> None:
    from torchplay.engine.sweeps.livesweep import LiveSweep

    def broken(*_args, **_kwargs):
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(LiveSweep, where, broken)
    pipe = Pipe()
    engine = Engine(pipe)
    sweep = c.Sweep(get_scenario("regression"), ("training.lr=0.1,0.2",))
    engine.dispatch(sweep)
    failed = [e for e in pipe.sent if isinstance(e, ev.CommandFailed)]
    assert [(e.command, e.message) for e in failed] == [
        (sweep, "TypeError: unhashable type: 'list'")
    ]
    engine.dispatch(c.Build(get_scenario("regression")))
    engine.dispatch(c.Step(2))
    assert pipe.sent[-1].step == 2
