"""The engine loop: owns a Trainer, obeys commands from a pipe, publishes batched events.

Runs in its own process (started by :class:`~torchplay.engine.process.client.EngineClient`):
torch never runs on, or stalls, the UI process; or in a thread, for tests."""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable
from typing import Any

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.process.commands import MidRun, same_run
from torchplay.engine.process.diagcmds import DiagCommands
from torchplay.engine.process.events import RunState
from torchplay.engine.process.lastsave import LastSave
from torchplay.engine.process.rescue import RescueCommand
from torchplay.engine.process.sharecmds import ShareCommands
from torchplay.engine.process.surgerycmds import SurgeryCommands
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.spec import Spec
from torchplay.engine.run.sweepplan import SweepPlan
from torchplay.engine.run.views import DEFAULT_GRID, grid_size
from torchplay.engine.train.lineage import LineageCommands

EMIT_INTERVAL = 0.05
"""Seconds between progress events: at most 20 a second (the app redraws one chart each)."""
SWEEP_INTERVAL = 0.2
"""Seconds between a sweep's progress events (and command reads): the screen redraws twice
a second, and each event costs both processes a pass over every member."""


def _warm() -> None:
    """Import torch and the optimizer machinery up front (1-1.5 s on first use)."""
    import torch
    from torchplay.engine.files import (
        checkpoint,  # noqa: F401
    )

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch.set_num_threads(1)
    gc.collect()
    gc.freeze()  # long-lived torch objects out of the collector's way


class Engine(
    LineageCommands, LastSave, ShareCommands, RescueCommand, DiagCommands, SurgeryCommands
):
    """Command handlers over one trainer; :func:`serve` feeds it commands.

    Training runs in :meth:`torchplay.engine.train.trainer.Trainer.run`, the loop the command line uses;
    this engine is one of its observers: each snapshot becomes a ``StepsCompleted`` event,
    and commands that arrived meanwhile are read at that step boundary.
    """

    def __init__(self, conn) -> None:
        self.conn = conn
        self.trainer = None
        self.stop = threading.Event()
        self.deferred: list[c.Command] = []
        self.sent_step = 0
        self.grid = DEFAULT_GRID
        """Decision-grid cells (columns, rows) of the app's main data chart."""
        self.live = None
        """The app's last sweep (:class:`torchplay.engine.sweeps.livesweep.LiveSweep`)."""
        self.baseline = None
        """The pinned baseline run (a Trainer), drawn beside this one."""
        self.view_step: int | None = None
        """The snapshot step the charts show (time travel); None: the live end."""
        self.base_view = None
        """The last baseline view sent (reused while the nearest snapshot is the same)."""

    def dispatch(self, cmd: c.Command) -> None:
        """Run one command (:data:`HANDLERS`); bad input, or a command the engine does not
        know, is reported (``CommandFailed``) and the engine goes on."""
        handler = HANDLERS.get(type(cmd))
        if handler is None:
            self.conn.send(ev.CommandFailed(cmd, f"the engine does not know {cmd!r}"))
            return
        try:
            handler(self, cmd)
        except (InputError, OSError) as exc:
            self.conn.send(ev.CommandFailed(cmd, str(exc)))

    def _observe(self, snap) -> None:
        self._emit(snap)
        self._poll()

    def _poll(self) -> None:
        """Read the commands that arrived while a run or sweep trains (each command's
        :attr:`~torchplay.engine.process.commands.Command.mid_run`)."""
        while self.conn.poll():
            cmd = self.conn.recv()
            if type(cmd) not in HANDLERS and type(cmd) is not c.Quit:  # refused; the run goes on
                self.dispatch(cmd)
                continue
            action = cmd.mid_run
            if action is MidRun.APPLY:
                self.dispatch(cmd)
                continue
            if action is MidRun.INTERRUPT:
                self.conn.send(ev.RunPaused(cmd))
            if action is not MidRun.STOP:
                self.deferred.append(cmd)
            self.stop.set()

    def _emit(self, snap=None) -> None:
        from torchplay.engine.train import probes

        t = self.trainer
        snap = snap or t.snapshot(since=self.sent_step)
        self.sent_step = t.step_count
        fit, beside = probes.fit(t, self.grid), self.baseline_at(t.step_count)
        self.conn.send(ev.StepsCompleted(**vars(snap), fit=fit, baseline=beside))
        self.send_diagnostics()

    def _loaded(self, source: str = "") -> None:
        from torchplay.engine.train import probes

        t = self.trainer
        self.sent_step = t.step_count
        self.conn.send(
            ev.RunLoaded(
                spec=t.spec,
                task=t.task,
                n_inputs=t.data.n_inputs,
                n_outputs=t.data.n_outputs,
                samples=probes.samples(t),
                step=t.step_count,
                state=t.state,
                points=list(t.history.points),
                source=source,
            )
        )
        self._emit()

    def build(self, spec: Spec) -> None:
        from torchplay.engine.train.threads import configure_threads
        from torchplay.engine.train.trainer import Trainer

        if self.baseline is not None:
            from torchplay.engine.train.lineage import beside

            self.trainer = beside(self.baseline, spec)
        else:
            self.trainer = Trainer(spec)
        configure_threads(self.trainer)
        self.back_to_live()
        self._loaded()

    def start(self, spec: Spec) -> None:
        """Train to the spec's step count (or that many more, once there)."""
        if self.trainer is None or not same_run(self.trainer.spec, spec):
            self.build(spec)
        else:  # the same run: a new step count or learning rate carries on from here
            steps = {"training.steps": spec.training.steps}
            self.trainer.spec = self.trainer.spec.with_overrides(steps)
            if spec.training.lr != self.trainer.lr:  # the spec keeps the lr it was built with
                self.trainer.set_lr(spec.training.lr)
        self.back_to_live()
        self.stop.clear()
        self.conn.send(ev.RunStarted(self.trainer.step_count))
        self.trainer.run(
            observers=[self._observe], interval=EMIT_INTERVAL, stop=self.stop, again=True
        )

    def sweep(
        self, base: Spec, grid: tuple[str, ...], address: str = "", plan: SweepPlan | None = None
    ) -> None:
        """Train the grid ``grid`` over ``base`` here (or on the Ray at ``address``),
        with :class:`~torchplay.engine.process.events.SweepStepsCompleted` events as it goes. The
        last sweep, stopped here, goes on where it stopped when it is asked for again
        unchanged (:meth:`~torchplay.engine.sweeps.livesweep.LiveSweep.goes_on`). ``plan``:
        pruning or PBT, here only (with an address: refused)."""
        from torchplay.engine.sweeps.livesweep import LiveSweep

        def emit(event) -> None:
            self.conn.send(event)
            self._poll()

        try:
            live = self.live
            if address and plan is not None and plan.active:
                raise InputError("pruning and PBT train here: leave the Ray address blank")
            resumed = live is not None and not address and live.goes_on(base, grid, plan)
            if not resumed:
                live = self.live = LiveSweep(base, grid, plan)
            where = f"Ray at {address}" if address else "this machine"
            self.conn.send(live.started(where, resumed))
            self.stop.clear()
            if address:
                where = live.run_ray(address, emit, SWEEP_INTERVAL, self.stop)
                self.conn.send(live.started(where))
            else:
                live.run(emit, SWEEP_INTERVAL, self.stop)
        except (InputError, OSError, EOFError, BrokenPipeError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug in a sweep: the sweep screen says so, the
            self.live = None  # playground's run and the engine go on
            failed = c.Sweep(base, tuple(grid), address, plan or SweepPlan())
            self.conn.send(ev.CommandFailed(failed, f"{type(exc).__name__}: {exc}"))

    def open_member(self, index: int) -> None:
        """Make a copy of member ``index`` of the last sweep the playground's run, where it
        stands (the sweep keeps the member itself, to go on with)."""
        from torchplay.engine.train.threads import configure_threads

        if self.live is None:
            raise InputError("open_member: no sweep has run yet")
        try:
            self.trainer = self.live.copy(index)
        except IndexError as exc:
            raise InputError(str(exc)) from None
        configure_threads(self.trainer)
        self._loaded(source=f"sweep member {index}")

    def pause(self) -> None:
        """Nothing to do between runs: :meth:`_observe` handles a pause during one."""

    def step(self, n: int) -> None:
        if self.trainer is not None:
            self.back_to_live()
            self.trainer.step_by_hand(n)
            self._emit()

    def set_lr(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_lr(lr)
            if self.trainer.state != RunState.RUNNING:  # a run reports it anyway
                self._emit()

    def set_grid(self, cols: int, rows: int) -> None:
        """The size of the app's data chart, for the decision grids of this run."""
        self.grid = grid_size(cols, rows)
        self.base_view = None
        if self.trainer is not None and self.trainer.state != RunState.RUNNING:
            self._emit()
            self.resend_view()

    def save(self, path: str) -> None:
        from torchplay.engine.files import checkpoint

        checkpoint.save(self.trainer, path)
        self.clean_step = self.trainer.step_count
        self.conn.send(ev.Saved(path))

    def load(self, path: str) -> None:
        from torchplay.engine.files import checkpoint
        from torchplay.engine.train.threads import configure_threads

        self.trainer = checkpoint.restore(path)
        self.clean_step = self.trainer.step_count
        configure_threads(self.trainer)
        self.back_to_live()
        self._loaded(source=path)

    def compare(self, paths: list[str], grids: list[tuple[int, int]]) -> None:
        """Views of up to three checkpoints, each with a decision grid of the size its
        chart on the compare screen asked for."""
        from torchplay.engine.files import checkpoint
        from torchplay.engine.train import probes

        runs = [
            probes.run_view(checkpoint.restore(p), p, grid_size(*grid))
            for p, grid in zip(paths[:3], grids, strict=True)
        ]
        self.conn.send(ev.Compared(runs))

    def lr_find(self, spec: Spec) -> None:
        """The lr range test on ``spec`` (its initial weights, not this run's)."""
        from torchplay.engine.train.lrfind import lr_find

        test = lr_find(spec)
        found = (test.suggested_lr, test.lrs, test.losses, test.diverged, test.suggestions)
        self.conn.send(ev.LrFound(*found))


HANDLERS: dict[type[c.Command], Callable[[Engine, Any], None]] = {
    c.Start: lambda e, cmd: e.start(cmd.spec),
    c.Build: lambda e, cmd: e.build(cmd.spec),
    c.Pause: lambda e, cmd: e.pause(),
    c.Step: lambda e, cmd: e.step(cmd.n),
    c.SetLr: lambda e, cmd: e.set_lr(cmd.lr),
    c.SetGrid: lambda e, cmd: e.set_grid(cmd.cols, cmd.rows),
    c.Save: lambda e, cmd: e.save(cmd.path),
    c.Load: lambda e, cmd: e.load(cmd.path),
    c.Compare: lambda e, cmd: e.compare(cmd.paths, cmd.grids),
    c.Sweep: lambda e, cmd: e.sweep(cmd.spec, cmd.grid, cmd.address, cmd.plan),
    c.LrFind: lambda e, cmd: e.lr_find(cmd.spec),
    c.OpenMember: lambda e, cmd: e.open_member(cmd.index),
    c.Neurons: lambda e, cmd: e.neurons(cmd.cols, cmd.rows),
    c.Health: lambda e, cmd: e.health(cmd.on),
    c.Inspect: lambda e, cmd: e.inspect(cmd.point),
    c.ShowUnit: lambda e, cmd: e.show_unit(cmd.layer, cmd.unit),
    c.Warp: lambda e, cmd: e.warp(cmd.layer, cmd.x, cmd.y),
    c.Operate: lambda e, cmd: e.operate(cmd.layer, cmd.unit, cmd.action, cmd.index, cmd.value),
    c.Travel: lambda e, cmd: e.travel(cmd.delta),
    c.BackToLive: lambda e, cmd: e.back_to_live(),
    c.Fork: lambda e, cmd: e.fork(cmd.spec),
    c.Pin: lambda e, cmd: e.pin(),
    c.Unpin: lambda e, cmd: e.unpin(),
    c.RecoverTo: lambda e, cmd: e.recover_to(cmd.folder),
    c.Share: lambda e, cmd: e.share(),
    c.OpenShared: lambda e, cmd: e.open_shared(cmd.text),
    c.Rescue: lambda e, cmd: e.rescue(cmd.spec),
}
"""Every command the engine carries out, and how (``Quit`` aside: :func:`serve` ends on it)."""


def serve(conn) -> None:
    """The engine loop over a ``multiprocessing`` connection."""
    engine = Engine(conn)
    try:
        _warm()
        conn.send(ev.EngineStarted())
        while True:
            cmd = engine.deferred.pop(0) if engine.deferred else conn.recv()
            if isinstance(cmd, c.Quit):
                if cmd.recover:  # the app ends without the person quitting
                    engine.last_save()
                return
            engine.dispatch(cmd)
    except (EOFError, OSError):  # the pipe closed: the app died (kill -9, a lost terminal)
        engine.last_save()
        return
    except KeyboardInterrupt:
        return
    except Exception:
        traceback.print_exc()  # in full, to the engine's log (client.engine_log)
        try:
            conn.send(ev.EngineCrashed(traceback.format_exc(limit=3)))
        except Exception:
            pass


def main(conn) -> None:
    """Process entry point."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app handles Ctrl-C
    # A lost terminal hangs up the app and us: outlive it to keep the run (last_save).
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    serve(conn)
