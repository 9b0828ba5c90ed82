"""The engine loop: owns a Trainer, obeys commands from a pipe, publishes batched events.

Runs in its own process (started by :class:`torchplay.engine.client.EngineClient`) so that torch
never runs on, or stalls, the UI process; or in a thread, for tests.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback

from torchplay.engine import events as ev
from torchplay.engine.errors import InputError

EMIT_INTERVAL = 0.05
"""Seconds between progress events: at most 20 a second (the app redraws one chart each)."""


def _warm() -> float:
    """Import torch and the optimizer machinery up front (1-1.5 s on first use)."""
    t0 = time.perf_counter()
    import torch
    from torchplay.engine import checkpoint, interop, trainer  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch.set_num_threads(1)
    gc.collect()
    gc.freeze()  # long-lived torch objects out of the collector's way
    return time.perf_counter() - t0


class Engine:
    """Command handlers over one trainer; :func:`serve` feeds it commands.

    Training runs in :meth:`torchplay.engine.trainer.Trainer.run`, the loop the command line uses;
    this engine is one of its observers: each snapshot becomes a ``StepsCompleted`` event,
    and commands that arrived meanwhile are read at that step boundary.
    """

    def __init__(self, conn) -> None:
        self.conn = conn
        self.trainer = None
        self.stop = threading.Event()
        self.deferred: list[tuple] = []
        self.sent_step = 0
        self.grid = DEFAULT_GRID

    def dispatch(self, cmd: tuple) -> None:
        """Run one command; bad input is reported and the engine goes on."""
        name, args = cmd[0], cmd[1:]
        try:
            getattr(self, name)(*args)
        except (InputError, OSError) as exc:
            self.conn.send(ev.CommandFailed(name, str(exc)))

    def _observe(self, snap) -> None:
        self._emit(snap)
        while self.conn.poll():
            cmd = self.conn.recv()
            if cmd[0] in ("set_lr", "save", "set_grid"):  # safe between steps
                self.dispatch(cmd)
            else:  # pause, or a command that needs the loop stopped first
                if cmd[0] != "pause":
                    self.deferred.append(cmd)
                self.stop.set()

    def _emit(self, snap=None) -> None:
        t = self.trainer
        snap = snap or t.snapshot(since=self.sent_step)
        self.sent_step = t.step_count
        self.conn.send(ev.StepsCompleted(**vars(snap), chart=_chart(t, self.grid)))

    def _loaded(self, source: str = "") -> None:
        from torchplay.engine.describe import describe

        t = self.trainer
        self.sent_step = t.step_count
        self.conn.send(
            ev.RunLoaded(
                spec=t.spec.to_dict(),
                task=t.task,
                n_inputs=t.data.n_inputs,
                n_outputs=t.data.n_outputs,
                describe=describe(t.spec.model, t.data.n_inputs, t.data.n_outputs),
                data=_data_lists(t),
                step=t.step_count,
                state=t.state,
                points=list(t.history.points),
                source=source,
            )
        )
        self._emit()

    def build(self, spec_dict: dict) -> None:
        from torchplay.engine.source import from_dict
        from torchplay.engine.trainer import Trainer, configure_threads

        self.trainer = Trainer(from_dict(spec_dict))
        configure_threads(self.trainer)
        self._loaded()

    def start(self, spec_dict: dict) -> None:
        """Train to the spec's step count (or that many more, once there)."""
        if self.trainer is None or self.trainer.spec.to_dict() != spec_dict:
            self.build(spec_dict)
        t = self.trainer
        total = t.spec.training.steps
        steps = total - t.step_count if t.step_count < total else total
        self.stop.clear()
        t.run(steps=steps, observers=[self._observe], interval=EMIT_INTERVAL, stop=self.stop)

    def pause(self) -> None:
        """Nothing to do between runs: :meth:`_observe` handles a pause during one."""

    def step(self, n: int) -> None:
        t = self.trainer
        if t is not None:
            t.recover()
            t.step(n)
            if t.state != "diverged":
                t.state = "paused"
            self._emit()

    def set_lr(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_lr(lr)
            if self.trainer.state != "running":  # a run reports it anyway
                self._emit()

    def set_grid(self, cols: int, rows: int) -> None:
        """One decision-grid cell per character of the app's chart: finer is wasted work."""
        self.grid = (max(2, min(cols, 400)), max(2, min(rows, 200)))
        if self.trainer is not None and self.trainer.state != "running":
            self._emit()

    def save(self, path: str) -> None:
        from torchplay.engine import checkpoint

        checkpoint.save(self.trainer, path)
        self.conn.send(ev.Saved(path))

    def load(self, path: str) -> None:
        from torchplay.engine import checkpoint
        from torchplay.engine.trainer import configure_threads

        self.trainer = checkpoint.restore(path)
        configure_threads(self.trainer)
        self._loaded(source=path)

    def compare(self, paths: list[str]) -> None:
        from torchplay.engine import checkpoint

        items = []
        for path in paths[:3]:
            t = checkpoint.restore(path)
            items.append(
                {
                    "name": path,
                    "task": t.task,
                    "data": _data_lists(t),
                    "chart": _chart(t),
                    "points": list(t.history.points),
                    "step": t.step_count,
                }
            )
        self.conn.send(ev.Compared(items))


MAX_CHART_POINTS = 2000
DEFAULT_GRID = (60, 20)
"""Decision-grid cells (columns, rows) until the app says how big its chart is."""


def _data_lists(t) -> dict:
    """Training points for charts, evenly thinned to at most MAX_CHART_POINTS."""
    x, y = t.data.x_train, t.data.y_train
    stride = max(1, x.shape[0] // MAX_CHART_POINTS)
    x, y = x[::stride], y[::stride]
    if t.task == "regression":
        return {"x": x[:, 0].tolist(), "y": y[:, 0].tolist()}
    return {
        "x": x[:, 0].tolist(),
        "y": x[:, 1].tolist(),
        "cls": y.tolist(),
        "n_classes": t.data.n_classes,
    }


def _chart(t, grid: tuple[int, int] = DEFAULT_GRID) -> dict:
    if t.task == "regression" and t.data.n_inputs == 1:
        return {"fit": t.fit_line(120)}
    if t.task == "classification" and t.data.n_inputs == 2:
        return {"grid": t.grid(*grid)}
    return {}


def serve(conn) -> None:
    """The engine loop over a ``multiprocessing`` connection."""
    engine = Engine(conn)
    try:
        conn.send(ev.EngineStarted(_warm()))
        while True:
            cmd = engine.deferred.pop(0) if engine.deferred else conn.recv()
            if cmd[0] == "quit":
                return
            engine.dispatch(cmd)
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
