"""The command protocol as a contract: every client method sends one typed command the
worker has a handler for, every command is sent by some client method, an unknown command
is refused (never a silent stop of the run), every event the engine sends has a receiver
in the app, and the scripted fake engine stays in step with the real client."""

from __future__ import annotations

import dataclasses
import inspect
from unittest.mock import Mock

import pytest
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.client import EngineClient
from torchplay.engine.process.worker import HANDLERS, Engine
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.sweepplan import SweepPlan
from torchplay.tui.app.receivers import RECEIVERS

from tests.tui.fake_engine import ANSWERS, FakeEngine

SPEC = get_scenario("regression")
EXAMPLES = {
    "Spec": SPEC,
    "int": 1,
    "bool": True,
    "list[float]": [0.5],
    "float": 0.1,
    "str": "x",
    "list[str]": ["a"],
    "list[tuple[int, int]]": [(2, 2)],
    "tuple[str, ...]": ("a",),
    "tuple[tuple[int, int], ...]": ((2, 2),),
    "SweepPlan | None": SweepPlan(prune="median"),
    "SweepPlan": SweepPlan(prune="median"),
}
"""An example value for each annotation the client's methods and the commands use."""
NOT_COMMANDS = {"launch", "events", "close", "in_process"}
"""The client's public names that are no command to the engine."""


class Recorder(EngineClient):
    """The client with its pipe replaced by a list."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list = []

    def _send(self, cmd) -> None:
        self.sent.append(cmd)


def client_methods() -> list[str]:
    return [
        name
        for name, _ in inspect.getmembers(EngineClient, inspect.isfunction)
        if not name.startswith("_") and name not in NOT_COMMANDS
    ]


def example(cls: type) -> c.Command:
    """An instance of command ``cls`` with example fields."""
    return cls(**{f.name: EXAMPLES[f.type] for f in dataclasses.fields(cls)})


@pytest.mark.parametrize("method", client_methods())
def test_every_client_method_sends_one_command_the_worker_handles(method: str) -> None:
    client = Recorder()
    params = list(inspect.signature(getattr(EngineClient, method)).parameters.values())[1:]
    getattr(client, method)(*[EXAMPLES[p.annotation] for p in params])
    assert len(client.sent) == 1
    (cmd,) = client.sent
    assert type(cmd) in HANDLERS and isinstance(cmd.mid_run, c.MidRun)
    assert cmd.name == method  # a failure names the method the app called


def test_every_command_is_sent_by_the_client_and_quit_by_close() -> None:
    client = Recorder()
    for method in client_methods():
        params = list(inspect.signature(getattr(EngineClient, method)).parameters.values())[1:]
        getattr(client, method)(*[EXAMPLES[p.annotation] for p in params])
    client.close()
    sent = {type(cmd) for cmd in client.sent}
    assert sent == set(c.COMMANDS)
    assert set(HANDLERS) == set(c.COMMANDS) - {c.Quit}  # serve() ends on Quit


@pytest.mark.parametrize("cls", [cls for cls in c.COMMANDS if cls is not c.Quit])
def test_every_handler_calls_an_engine_method(cls: type) -> None:
    engine = Mock(spec=Engine)  # an attribute the real Engine lacks raises here
    HANDLERS[cls](engine, example(cls))
    assert len(engine.method_calls) == 1


class Pipe:
    """The engine's end of a pipe: ``incoming`` is what the app sent."""

    def __init__(self, *incoming) -> None:
        self.incoming = list(incoming)
        self.sent: list = []

    def send(self, event) -> None:
        self.sent.append(event)

    def poll(self) -> bool:
        return bool(self.incoming)

    def recv(self):
        return self.incoming.pop(0)


def test_an_unknown_command_is_refused_and_a_run_goes_on() -> None:
    for unknown in [("set_lr", 0.1), "quit", object.__new__(c.Command)]:
        pipe = Pipe(unknown)
        engine = Engine(pipe)
        engine._poll()  # as between two steps of a run
        assert not engine.stop.is_set() and engine.deferred == []
        (failed,) = pipe.sent
        assert isinstance(failed, ev.CommandFailed) and failed.command == unknown
        engine.dispatch(unknown)  # between runs too
        assert isinstance(pipe.sent[-1], ev.CommandFailed)


def test_commands_arriving_mid_run_stop_or_wait_as_each_class_says() -> None:
    pipe = Pipe(c.SetGrid(40, 20), c.Pause())
    engine = Engine(pipe)
    engine._poll()
    assert engine.grid == (40, 20) and engine.stop.is_set() and engine.deferred == []
    load = c.Load("a.safetensors")
    pipe = Pipe(load)
    engine = Engine(pipe)
    engine._poll()
    assert engine.stop.is_set() and engine.deferred == [load]
    assert pipe.sent == [ev.RunPaused(load)]
    pipe = Pipe(c.Quit(recover=True))  # serve() ends on it, once the run has stopped
    engine = Engine(pipe)
    engine._poll()
    assert engine.stop.is_set() and engine.deferred == [c.Quit(recover=True)]
    assert pipe.sent == []


def sent_events() -> list[type]:
    """Every event class of engine/process/events.py (Snapshot is the base that
    StepsCompleted extends and the command line's observers get, not an event)."""
    return [
        cls
        for _, cls in inspect.getmembers(ev, inspect.isclass)
        if dataclasses.is_dataclass(cls)
        and cls.__module__ == ev.__name__
        and cls is not ev.Snapshot
    ]


def test_every_event_has_a_receiver_in_the_app() -> None:
    assert len(sent_events()) >= 14  # the enumeration finds them
    assert set(sent_events()) == set(RECEIVERS)


def test_the_fake_engine_sends_what_the_client_sends_and_answers_real_commands() -> None:
    for method in client_methods():  # its commands are the real client's, unchanged
        assert getattr(FakeEngine, method) is getattr(EngineClient, method), method
    assert set(ANSWERS) <= set(HANDLERS)
    for cls, answer in ANSWERS.items():  # and it answers with events the app receives
        fake = FakeEngine()
        fake.launch()
        fake.built = True
        answer(fake, example(cls))
        while not fake._queue.empty():
            assert type(fake._queue.get_nowait()) in RECEIVERS
