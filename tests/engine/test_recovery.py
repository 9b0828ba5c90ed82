"""A run outlives the app: when the app's end of the pipe closes (the app died) or its
last word says it ends without quitting, the engine saves its run to a recovery
checkpoint; a quit, or a run saved at its step, leaves nothing (issue 22 item 2)."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from torchplay.engine.files.ckheader import list_checkpoints
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process import recovery
from torchplay.engine.process.worker import serve
from torchplay.engine.run.scenarios import get_scenario


def engine(tmp_path):
    """An engine serving in a thread, with the recovery folder ``tmp_path/rec``: (the
    app's end of the pipe, the thread)."""
    ours, theirs = multiprocessing.Pipe()
    thread = threading.Thread(target=serve, args=(theirs,), daemon=True)
    thread.start()
    ours.send(c.RecoverTo(str(tmp_path / "rec")))
    return ours, thread


def until(conn, predicate) -> ev.StepsCompleted:
    while True:
        event = conn.recv()
        if isinstance(event, ev.StepsCompleted) and predicate(event):
            return event


def steps(tmp_path) -> list[int]:
    return [s.step for s in list_checkpoints(tmp_path / "rec")]


def test_the_app_gone_mid_run_leaves_a_recovery_checkpoint(tmp_path) -> None:
    conn, thread = engine(tmp_path)
    spec = get_scenario("save-restore").with_overrides({"training.steps": 10**7})
    conn.send(c.Start(spec))
    seen = until(conn, lambda e: e.step > 0)
    conn.close()  # as kill -9 of the app closes it
    thread.join(30)
    assert not thread.is_alive()
    (saved,) = list_checkpoints(tmp_path / "rec")
    assert saved.step >= seen.step and saved.state == "paused"
    assert recovery.pending(tmp_path / "rec") == [saved]


def test_an_idle_engine_keeps_its_run_too(tmp_path) -> None:
    conn, thread = engine(tmp_path)
    conn.send(c.Build(get_scenario("regression")))
    conn.send(c.Step(5))
    until(conn, lambda e: e.step == 5)
    conn.close()
    thread.join(30)
    assert steps(tmp_path) == [5]


@pytest.mark.parametrize(
    ("last_words", "kept"),
    [
        ([c.Quit(recover=True)], [3]),  # the app ends without quitting (a bug): keep the run
        ([c.Quit(recover=False)], []),  # the person quit
        ([c.Save("SAVED"), c.Quit(recover=True)], []),  # saved at its step: nothing lost
    ],
)
def test_quit_keeps_the_run_only_when_asked(tmp_path, last_words, kept) -> None:
    conn, thread = engine(tmp_path)
    conn.send(c.Build(get_scenario("regression")))
    conn.send(c.Step(3))
    until(conn, lambda e: e.step == 3)
    for cmd in last_words:
        if cmd == c.Save("SAVED"):
            cmd = c.Save(str(tmp_path / "s.safetensors"))
        conn.send(cmd)
    thread.join(30)
    assert steps(tmp_path) == kept


def test_nothing_to_keep_at_step_0(tmp_path) -> None:
    conn, thread = engine(tmp_path)
    conn.send(c.Build(get_scenario("regression")))
    until(conn, lambda e: e.step == 0)
    conn.close()
    thread.join(30)
    assert steps(tmp_path) == []


def test_the_question_names_the_time_and_the_step(tmp_path) -> None:
    import time

    from torchplay.engine.files.ckheader import Summary

    noon = time.mktime((2026, 12, 6, 12, 4, 0, 0, 0, -1))
    run = Summary("p", "regression", 20_559, 0.1, "paused", noon)
    asked = recovery.offer(run, now=noon + 60)
    assert "recover the run from 12:04, step 20,559?" in asked
    assert "from Dec 6 12:04, step" in recovery.offer(run, now=noon + 86_400)
