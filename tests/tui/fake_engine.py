"""A scripted engine for fast, deterministic UI unit tests: no torch, no thread, no clock.

:class:`FakeEngine` is the real :class:`~torchplay.engine.process.client.EngineClient` with the
pipe cut: every command the app sends (a :mod:`~torchplay.engine.process.commands`
dataclass) is recorded in :attr:`sent` and answered at once through :data:`ANSWERS`, the
way the engine's protocol does, with made-up numbers; a test can :meth:`emit` any event
too. The real engine's Pilot tests (test_app.py, test_controls.py) prove the
features end to end.
"""

from __future__ import annotations

import asyncio

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.client import EngineClient
from torchplay.engine.process.events import RunState
from torchplay.engine.run.views import DEFAULT_GRID, DecisionGrid, FitLine, RunView, Samples


def samples(task: str) -> Samples:
    if task == "regression":
        return Samples("regression", [-1.0, 0.0, 1.0], [1.0, 0.0, 1.0])
    return Samples("classification", [-1.0, 1.0], [-1.0, 1.0], [0, 1], 2)


def fit(task: str, grid: tuple[int, int]):
    if task == "regression":
        return FitLine([-1.0, 0.0, 1.0], [0.9, 0.1, 0.9], [], [])
    cols, rows = grid
    xs = [-1 + 2 * i / (cols - 1) for i in range(cols)]
    ys = [-1 + 2 * i / (rows - 1) for i in range(rows)]
    return DecisionGrid(xs, ys, [int(x > 0) for _ in ys for x in xs], [0.9] * (cols * rows))


class FakeEngine(EngineClient):
    """Records the commands (as they would go down the pipe) and answers builds, steps,
    runs, saves, loads and compares."""

    def __init__(self, task: str = "regression") -> None:
        super().__init__()
        self.task = task
        self.sent: list[c.Command] = []
        self.grid = DEFAULT_GRID
        self.step_count = 0
        self.state = RunState.IDLE
        self.fields: dict = {}
        self.built = False

    def names(self) -> list[str]:
        """The commands sent so far, by name (grid sizes left out: they follow layout)."""
        return [cmd.name for cmd in self.sent if not isinstance(cmd, c.SetGrid)]

    def emit(self, *events: object) -> None:
        """Deliver events to the app, as the engine would."""
        for event in events:
            self._queue.put_nowait(event)

    def progress(self, state: RunState, **fields) -> ev.StepsCompleted:
        """A StepsCompleted at the current step in ``state`` (the run's state from now
        on), loss 1/(step+1); ``fields`` override the rest."""
        self.state, self.fields = state, fields
        loss = 1.0 / (self.step_count + 1)
        values = {
            "train_loss": loss,
            "test_loss": None,
            "accuracy": 0.9 if self.task == "classification" else None,
            "r2": 0.9 if self.task == "regression" else None,
            "steps_per_s": 1000.0,
            "lr": 0.1,
            "points": [(self.step_count, loss, None)] if self.step_count else [],
            **fields,
        }
        return ev.StepsCompleted(self.step_count, state, fit=fit(self.task, self.grid), **values)

    # -- the client with its pipe cut -----------------------------------------------------

    def launch(self, recovery: str | None = None) -> None:
        self._queue = asyncio.Queue()
        self.emit(ev.EngineStarted())

    def close(self, timeout: float = 2.0, recover: bool = False) -> None:
        self.sent.append(c.Quit(recover))

    def _send(self, cmd: c.Command) -> None:
        self.sent.append(cmd)
        answer = ANSWERS.get(type(cmd))
        if answer is not None:
            answer(self, cmd)

    def answer_build(self, cmd: c.Build) -> None:
        self.step_count, self.built = 0, True
        n_in = 2 if self.task == "classification" else 1
        loaded = ev.RunLoaded(cmd.spec, self.task, n_in, 1, samples(self.task), 0, RunState.IDLE)
        self.emit(loaded, self.progress(RunState.IDLE))

    def answer_start(self, cmd: c.Start) -> None:
        self.emit(ev.RunStarted(self.step_count))
        self.step_count = cmd.spec.training.steps
        self.emit(self.progress(RunState.FINISHED))

    def answer_step(self, cmd: c.Step) -> None:
        self.step_count += cmd.n
        self.emit(self.progress(RunState.PAUSED))

    def answer_set_grid(self, cmd: c.SetGrid) -> None:
        self.grid = (cmd.cols, cmd.rows)
        if self.built and self.state != RunState.RUNNING:  # a run reports anyway
            self.emit(self.progress(self.state, **self.fields))

    def answer_save(self, cmd: c.Save) -> None:
        self.emit(ev.Saved(cmd.path))

    def answer_load(self, cmd: c.Load) -> None:
        self.emit(ev.CommandFailed(cmd, f"cannot read checkpoint {cmd.path!r}: no such file"))

    def answer_compare(self, cmd: c.Compare) -> None:
        runs = [
            RunView(p, 10 * (i + 1), samples(self.task), fit(self.task, g), [(1, 1.0, None)])
            for i, (p, g) in enumerate(zip(cmd.paths, cmd.grids, strict=True))
        ]
        self.emit(ev.Compared(runs))


ANSWERS = {
    c.Build: FakeEngine.answer_build,
    c.Start: FakeEngine.answer_start,
    c.Step: FakeEngine.answer_step,
    c.SetGrid: FakeEngine.answer_set_grid,
    c.Save: FakeEngine.answer_save,
    c.Load: FakeEngine.answer_load,
    c.Compare: FakeEngine.answer_compare,
}
"""The commands the fake answers (any other is recorded only), each with the events the
real engine sends for it (made-up numbers)."""
