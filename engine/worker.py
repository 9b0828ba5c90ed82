"""The engine loop: owns a Trainer, obeys commands from a pipe, publishes batched events.

Runs in its own process (started by :class:`engine.client.EngineClient`) so that torch
never runs on, or stalls, the UI process; or in a thread, for tests.
"""

from __future__ import annotations

import gc
import time
import traceback

from engine import events as ev
from engine.errors import InputError

EMIT_INTERVAL = 0.1
"""Seconds between progress events: at most 10 a second."""


def _warm() -> float:
    """Import torch and the optimizer machinery up front (1-1.5 s on first use)."""
    t0 = time.perf_counter()
    import torch

    from engine import checkpoint, interop, trainer  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch.set_num_threads(1)
    gc.collect()
    gc.freeze()  # long-lived torch objects out of the collector's way
    return time.perf_counter() - t0


class Engine:
    """Command handlers over one trainer; :func:`serve` drives it."""

    def __init__(self, send) -> None:
        self.send = send
        self.trainer = None
        self.running = False
        self.pending = 0
        self.target = 0
        self.sent_step = 0
        self.mark = (time.perf_counter(), 0)

    def _loaded(self, source: str = "") -> None:
        from engine.describe import describe

        t = self.trainer
        self.sent_step = t.step_count
        self.send(ev.RunLoaded(
            spec=t.spec.to_dict(), task=t.task, n_inputs=t.data.n_inputs,
            n_outputs=t.data.n_outputs,
            describe=describe(t.spec.model, t.data.n_inputs, t.data.n_outputs),
            data=_data_lists(t), step=t.step_count, state=t.state,
            points=list(t.history.points), source=source))
        self.emit()

    def build(self, spec_dict: dict) -> None:
        from engine.spec import from_dict
        from engine.trainer import Trainer

        self.trainer = Trainer(from_dict(spec_dict))
        self.running, self.pending = False, 0
        self._loaded()

    def start(self, spec_dict: dict) -> None:
        t = self.trainer
        if t is None or t.spec.to_dict() != spec_dict:
            self.build(spec_dict)
            t = self.trainer
        if t.state == "diverged":
            t.recover()
        self.target = max(t.spec.training.steps, t.step_count) if t.state != "finished" \
            else t.step_count + t.spec.training.steps
        if t.step_count >= self.target:
            self.target = t.step_count + t.spec.training.steps
        t.state = "running"
        self.running = True
        self.mark = (time.perf_counter(), t.step_count)

    def pause(self) -> None:
        if self.trainer is not None and self.running:
            self.running = False
            self.trainer.state = "paused"
            self.emit()

    def step(self, n: int) -> None:
        if self.trainer is not None:
            if self.trainer.state == "diverged":
                self.trainer.recover()
            self.running = False
            self.pending += n

    def set_lr(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_lr(lr)
            self.emit()

    def save(self, path: str) -> None:
        from engine import checkpoint

        checkpoint.save(self.trainer, path)
        self.send(ev.Saved(path))

    def load(self, path: str) -> None:
        from engine import checkpoint

        self.trainer = checkpoint.restore(path)
        self.running, self.pending = False, 0
        self._loaded(source=path)

    def compare(self, paths: list[str]) -> None:
        from engine import checkpoint

        items = []
        for path in paths[:3]:
            t = checkpoint.restore(path)
            items.append({"name": path, "task": t.task, "data": _data_lists(t),
                          "chart": _chart(t), "points": list(t.history.points),
                          "step": t.step_count})
        self.send(ev.Compared(items))

    def work(self) -> None:
        """Train one slice (~30 ms) when running or stepping."""
        t = self.trainer
        if self.pending:
            t.step(self.pending)
            self.pending = 0
            if t.state != "diverged":
                t.state = "paused"
            self.emit()
            return
        deadline = time.perf_counter() + 0.03
        chunk = 16
        while time.perf_counter() < deadline and t.step_count < self.target:
            t.step(min(chunk, self.target - t.step_count))
            if t.state == "diverged":
                break
            chunk = min(chunk * 2, 2048)
        started, first = self.mark
        t.steps_per_s = (t.step_count - first) / max(time.perf_counter() - started, 1e-9)
        if t.state == "diverged" or t.step_count >= self.target:
            self.running = False
            if t.state != "diverged":
                t.state = "finished"
            self.emit()

    def emit(self) -> None:
        t = self.trainer
        snap = t.snapshot(since=self.sent_step)
        self.sent_step = t.step_count
        self.send(ev.StepsCompleted(
            step=snap.step, state=snap.state, train_loss=snap.train_loss,
            test_loss=snap.test_loss, accuracy=snap.accuracy, r2=snap.r2,
            steps_per_s=snap.steps_per_s, lr=snap.lr, diverged_at=snap.diverged_at,
            points=snap.points, chart=_chart(t)))


MAX_CHART_POINTS = 2000


def _data_lists(t) -> dict:
    """Training points for charts, evenly thinned to at most MAX_CHART_POINTS."""
    x, y = t.data.x_train, t.data.y_train
    stride = max(1, x.shape[0] // MAX_CHART_POINTS)
    x, y = x[::stride], y[::stride]
    if t.task == "regression":
        return {"x": x[:, 0].tolist(), "y": y[:, 0].tolist()}
    return {"x": x[:, 0].tolist(), "y": x[:, 1].tolist(), "cls": y.tolist(),
            "n_classes": t.data.n_classes}


def _chart(t) -> dict:
    if t.task == "regression" and t.data.n_inputs == 1:
        return {"fit": t.fit_line(120)}
    if t.task == "classification" and t.data.n_inputs == 2:
        return {"grid": t.grid(48, 24)}
    return {}


def serve(conn) -> None:
    """The engine loop over a ``multiprocessing`` connection."""
    engine = Engine(conn.send)
    try:
        conn.send(ev.EngineStarted(_warm()))
        last_emit = 0.0
        while True:
            busy = engine.running or engine.pending
            if conn.poll(0 if busy else 0.5):
                cmd = conn.recv()
                name, args = cmd[0], cmd[1:]
                if name == "quit":
                    return
                try:
                    getattr(engine, name)(*args)
                except (InputError, OSError) as exc:  # the run goes on
                    conn.send(ev.CommandFailed(name, str(exc)))
                continue
            if busy:
                engine.work()
                now = time.perf_counter()
                if engine.running and now - last_emit >= EMIT_INTERVAL:
                    engine.emit()
                    last_emit = now
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return
    except Exception:
        try:
            conn.send(ev.EngineCrashed(traceback.format_exc(limit=3)))
        except Exception:
            pass


def main(conn) -> None:
    """Process entry point."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app handles Ctrl-C
    serve(conn)
