"""The engine's time-travel and lineage commands over its real pipe: travel back and
forward through the snapshots, fork from the snapshot in view, pin and unpin a baseline."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.worker import Engine, serve
from torchplay.engine.run.scenarios import get_scenario


class Wire:
    """The engine serving one end of a pipe in a thread; the test holds the other."""

    def __init__(self) -> None:
        self.conn, theirs = multiprocessing.Pipe()
        self.thread = threading.Thread(target=serve, args=(theirs,), daemon=True)
        self.engine: Engine | None = None

    def send(self, cmd: c.Command) -> None:
        self.conn.send(cmd)

    def until(self, kind: type, seconds: float = 60.0):
        """Events up to and including the first of ``kind``."""
        seen = []
        while self.conn.poll(seconds):
            seen.append(self.conn.recv())
            if isinstance(seen[-1], kind):
                return seen
        raise AssertionError(f"no {kind.__name__} in {seen}")

    def close(self) -> None:
        self.send(c.Quit())
        self.thread.join(5)


@pytest.fixture
def wire():
    w = Wire()
    w.thread.start()
    w.until(ev.EngineStarted)
    yield w
    w.close()


def _trained(wire: Wire, steps: int = 300):
    spec = get_scenario("classification").with_overrides({"training.steps": steps})
    wire.send(c.Build(spec))
    wire.send(c.Start(spec))
    while True:
        last = wire.until(ev.StepsCompleted)[-1]
        if last.state == "finished":
            return spec, last


def test_travel_steps_back_and_forward_then_returns_live(wire) -> None:
    _, last = _trained(wire)
    wire.send(c.Travel(-1))
    back = wire.until(ev.Travelled)[-1]
    assert back.view is not None and back.view.step < last.step
    wire.send(c.Travel(-1))
    further = wire.until(ev.Travelled)[-1]
    assert further.view.step < back.view.step and further.view.fit is not None
    assert further.view.train_loss != back.view.train_loss
    wire.send(c.Travel(1))
    assert wire.until(ev.Travelled)[-1].view.step == back.view.step
    wire.send(c.Travel(1))
    assert wire.until(ev.Travelled)[-1].view is None  # past the newest: live again
    for _ in range(100):  # more than the run has snapshots
        wire.send(c.Travel(-1))
    view = wire.until(ev.Travelled)[-1]
    while not view.first:
        view = wire.until(ev.Travelled)[-1]
    assert view.view.step == 0


def test_fork_from_the_snapshot_in_view_pins_the_original(wire) -> None:
    spec, last = _trained(wire)
    wire.send(c.Travel(-1))
    k = wire.until(ev.Travelled)[-1].view.step
    wire.send(c.Fork(spec.with_overrides({"training.lr": 0.01})))
    got = wire.until(ev.RunLoaded)
    pinned = next(e for e in got if isinstance(e, ev.BaselinePinned))
    assert pinned.step == last.step and pinned.points
    assert got[-1].step == k and all(p[0] <= k for p in got[-1].points)
    beside = wire.until(ev.StepsCompleted)[-1]
    assert beside.step == k and beside.baseline.step == k  # the baseline where it forked
    wire.send(c.Travel(-1))  # back in time: the baseline at the same step
    back = wire.until(ev.Travelled)[-1]
    assert back.view.step < k and back.baseline.step == back.view.step
    assert back.baseline.train_loss == back.view.train_loss  # one history before the fork
    wire.send(c.Unpin())
    wire.until(ev.BaselinePinned)
    assert wire.until(ev.StepsCompleted)[-1].baseline is None


def test_pin_starts_a_run_beside_with_the_same_initial_weights(wire) -> None:
    spec, _ = _trained(wire)
    wire.send(c.Pin())
    pinned = wire.until(ev.BaselinePinned)[-1]
    loaded = wire.until(ev.RunLoaded)[-1]
    assert pinned.run_id and loaded.step == 0
    other = spec.with_overrides({"training.lr": 0.3})
    wire.send(c.Build(other))
    wire.until(ev.RunLoaded)
    done = wire.until(ev.StepsCompleted)[-1]
    assert done.baseline is not None and done.baseline.step == 0


def test_pin_then_build_gives_the_same_weights_sha256_at_step_0() -> None:
    """The guarantee behind ``b``, read off the engine's own trainers."""
    sent = []

    class Conn:
        def send(self, event) -> None:
            sent.append(event)

        def poll(self) -> bool:
            return False

    engine = Engine(Conn())
    spec = get_scenario("classification").with_overrides({"training.steps": 200})
    engine.build(spec)
    base = engine.trainer
    step0 = checkpoint.weights_sha256(type(base)(spec))
    engine.start(spec)
    engine.pin()
    engine.build(spec.with_overrides({"training.lr": 0.5, "model.activation": "tanh"}))
    assert engine.baseline is base and engine.trainer is not base
    assert checkpoint.weights_sha256(engine.trainer) == step0
    assert torch.equal(engine.trainer.data.x_train, base.data.x_train)
    engine.dispatch(c.Build(spec.with_overrides({"data.seed": 3})))
    assert isinstance(sent[-1], ev.CommandFailed) and "unpin" in sent[-1].message


def test_health_view_follows_time_travel(wire) -> None:
    """The health view (g) is the weights in view: a snapshot's while travelling, equal to
    the health of those weights computed directly; the live end's again after."""
    from torchplay.engine.train import confusion, health
    from torchplay.engine.train.trainer import Trainer

    spec, last = _trained(wire, 200)
    wire.send(c.Health(True))
    live = wire.until(ev.HealthShown)[-1].view
    assert live.step == 200 and len(live.layers) == 2
    assert sum(map(sum, live.confusion)) == 200
    wire.send(c.Travel(-1))
    back = wire.until(ev.HealthShown)[-1].view
    assert back.step < 200 and back.layers != live.layers
    again = Trainer(spec)
    again.step(back.step)  # the same run, to the snapshot's step
    want = health.of_trainer(again)
    assert [b.grad_norm for b in back.layers] == [h.weight_grad_norm for h in want]
    assert back.confusion == confusion.of_trainer(again)
    wire.send(c.BackToLive())
    assert wire.until(ev.HealthShown)[-1].view == live
    wire.send(c.Health(False))
    wire.send(c.Travel(-1))
    wire.send(c.Share())  # answered after everything the travel sent
    assert not any(isinstance(e, ev.HealthShown) for e in wire.until(ev.ShareMade))
