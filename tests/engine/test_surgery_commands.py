"""The engine's surgery commands (``ShowUnit``, ``Operate``) through its dispatch, as the
app sends them: the unit's numbers, the surgery done now and recorded in the run's spec,
the charts' events at once; on a snapshot in view, a fork is operated on; bad units are
refused with ``CommandFailed``."""

from __future__ import annotations

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.worker import Engine
from torchplay.engine.run.scenarios import get_scenario


def _engine():
    sent: list = []

    class Conn:
        def send(self, event) -> None:
            sent.append(event)

        def poll(self) -> bool:
            return False

    engine = Engine(Conn())
    spec = get_scenario("classification").with_overrides(
        {"data.dataset": "circles", "data.noise": 0.1, "model.hidden": [6], "training.steps": 300}
    )
    spec = spec.with_overrides({"model.activation": "tanh", "training.optimizer": "adam"})
    engine.build(spec.with_overrides({"training.lr": 0.03}))
    engine.start(engine.trainer.spec)
    sent.clear()
    return engine, sent


def test_operate_kills_revives_and_sets_at_once_recorded_in_the_spec() -> None:
    engine, sent = _engine()
    engine.dispatch(c.ShowUnit(1, 5))
    shown = [e for e in sent if isinstance(e, ev.UnitShown)]
    assert len(shown) == 1 and shown[0].view.status == "alive"
    outgoing = shown[0].view.outgoing
    assert shown[0].view.in_names == ["x1", "x2"] and shown[0].view.out_names == ["out1", "out2"]
    sent.clear()
    engine.dispatch(c.Operate(1, 5, "kill"))
    fits = [e for e in sent if isinstance(e, ev.StepsCompleted)]
    done = [e for e in sent if isinstance(e, ev.UnitShown) and e.operated]
    assert fits and done and done[-1].operated == "300:1:5:kill"
    view, before = done[-1].view, done[-1].before
    assert view.status == "killed" and view.outgoing == [0.0, 0.0]
    assert before[0] < view.loss and fits[-1].accuracy == view.metric < before[1]
    engine.dispatch(c.Operate(1, 5, "revive"))
    engine.dispatch(c.Operate(1, 5, "out", 2, 0.5))
    view = [e for e in sent if isinstance(e, ev.UnitShown)][-1].view
    assert view.status == "alive" and view.outgoing == [outgoing[0], 0.5]
    texts = [s.text for s in engine.trainer.spec.training.surgery]
    assert texts == ["300:1:5:kill", "300:1:5:revive", "300:1:5:out2=0.5"]
    # Space again with the panel's spec (no surgery in it): the same run trains on.
    run, panel = engine.trainer, engine.trainer.spec.with_overrides({"training.surgery": []})
    engine.dispatch(c.Start(panel.with_overrides({"training.steps": 310})))
    assert engine.trainer is run and run.step_count == 310
    assert [s.text for s in run.spec.training.surgery] == texts


def test_operate_on_a_snapshot_in_view_forks_from_it() -> None:
    engine, sent = _engine()
    parent = engine.trainer
    engine.dispatch(c.Travel(-1))
    step = engine.view_step
    assert step is not None and step < 300
    engine.dispatch(c.Operate(1, 2, "freeze"))
    child = engine.trainer
    assert child is not parent and engine.baseline is parent
    assert (child.step_count, child.forked_from) == (step, (parent.run_id, step))
    assert [s.text for s in child.spec.training.surgery] == [f"{step}:1:2:freeze"]
    assert parent.spec.training.surgery == ()
    assert child.surgeon.status(1, 2) == "frozen"


def test_a_unit_the_network_lacks_is_refused() -> None:
    engine, sent = _engine()
    engine.dispatch(c.Operate(2, 1, "kill"))
    engine.dispatch(c.ShowUnit(1, 7))
    engine.dispatch(c.Operate(1, 1, "in", 3, 1.0))
    failed = [e for e in sent if isinstance(e, ev.CommandFailed)]
    assert len(failed) == 3
    assert "no unit 1 in hidden layer 2" in failed[0].message
    assert "the unit has 2 incoming weights" in failed[2].message
    assert engine.trainer.spec.training.surgery == ()
