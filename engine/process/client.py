"""The async engine client: the app's only door to the engine. No torch here.

``EngineClient`` runs :mod:`torchplay.engine.process.worker` in a separate process (the default: torch
never loads in, or stalls, the UI process) or in a thread (``in_process=True``, for
tests). Commands (:mod:`torchplay.engine.process.commands`) are sent without waiting;
events arrive through ``events()``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import platformdirs
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.run.spec import Spec
from torchplay.engine.run.sweepplan import SweepPlan

LOG_BYTES = 1 << 20
"""An engine log larger than this at launch moves to ``engine.log.1`` (one old log kept)."""


def engine_log() -> Path:
    """The engine process's log: its stdout and stderr, Python's traceback of a crash
    (even in native code: faulthandler) and a line per start. The platform's log folder,
    ``$XDG_STATE_HOME/torchplay/log/engine.log`` (by default under ``~/.local/state``)."""
    return Path(platformdirs.user_log_dir("torchplay")) / "engine.log"


def _open_log(path: str) -> int:
    """A file descriptor appending to ``path`` (the old log moved aside past
    :data:`LOG_BYTES`); /dev/null when it cannot be written."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path) and os.path.getsize(path) > LOG_BYTES:
            os.replace(path, path + ".1")
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return os.open(os.devnull, os.O_WRONLY)


def _process_main(conn, log: str) -> None:
    import faulthandler
    import time

    # The app owns the terminal: the engine never writes to it, but to its log.
    fd = _open_log(log)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    print(f"-- engine {os.getpid()} started {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True)
    faulthandler.enable()  # a crash in native code leaves its Python stack here
    from torchplay.engine.process.worker import main

    main(conn)


def _thread_main(conn) -> None:
    from torchplay.engine.process.worker import serve

    serve(conn)


class EngineClient:
    """Start, control and listen to one engine."""

    def __init__(self, in_process: bool = False) -> None:
        self.in_process = in_process
        self._conn = None
        self._worker: multiprocessing.Process | threading.Thread | None = None
        self._queue: asyncio.Queue | None = None
        self.log: Path | None = None
        """The engine process's log (:func:`engine_log`); None for an engine in a thread."""

    def launch(self, recovery: str | None = None) -> None:
        """Start the engine (returns at once; ``EngineStarted`` follows in 2-3 s).

        With ``recovery`` (a folder), the engine saves its run there should this process
        end without :meth:`close` (see :mod:`torchplay.engine.process.recovery`)."""
        loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        ours, theirs = multiprocessing.Pipe()
        if self.in_process:
            self._worker = threading.Thread(target=_thread_main, args=(theirs,), daemon=True)
        else:
            ctx = multiprocessing.get_context("spawn")
            self.log = engine_log()
            self._worker = ctx.Process(
                target=_process_main, args=(theirs, str(self.log)), daemon=True
            )
        # Textual swaps sys.stdout/stderr for objects without a file descriptor, which
        # multiprocessing's spawn cannot pass on: start with the real ones.
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        try:
            self._worker.start()
        finally:
            sys.stdout, sys.stderr = saved
        self._conn = ours
        queue = self._queue
        reader = threading.Thread(target=self._read, args=(ours, loop, queue), daemon=True)
        reader.start()
        if recovery:
            self.recover_to(str(recovery))

    @staticmethod
    def _read(conn, loop, queue) -> None:
        while True:
            try:
                event = conn.recv()
            except (EOFError, OSError, TypeError):
                # TypeError: close() closed our end under a blocked recv (the handle is None).
                event = ev.EngineCrashed("the engine process ended")
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # loop closed
                return
            if isinstance(event, ev.EngineCrashed):
                return

    def _send(self, cmd: c.Command) -> None:
        if self._conn is None:
            return
        try:
            self._conn.send(cmd)
        except (OSError, ValueError):
            pass  # the reader reports the crash

    # Commands only write to the pipe: they return at once, and events report the outcome.
    # Each sends one command of engine/process/commands.py (a contract test checks it).

    def start(self, spec: Spec) -> None:
        self._send(c.Start(spec))

    def build(self, spec: Spec) -> None:
        """Build a new run from ``spec`` (reset), replacing the current one."""
        self._send(c.Build(spec))

    def pause(self) -> None:
        self._send(c.Pause())

    def step(self, n: int = 1) -> None:
        self._send(c.Step(n))

    def set_lr(self, lr: float) -> None:
        self._send(c.SetLr(lr))

    def set_grid(self, cols: int, rows: int) -> None:
        """The main data chart's size: the run's decision grids get one cell per character."""
        self._send(c.SetGrid(cols, rows))

    def save(self, path: str) -> None:
        self._send(c.Save(path))

    def load(self, path: str) -> None:
        self._send(c.Load(path))

    def compare(self, paths: list[str], grids: list[tuple[int, int]]) -> None:
        """Views of up to three checkpoints, each with a decision grid of the (columns,
        rows) in ``grids``: one per chart."""
        self._send(c.Compare(tuple(paths), tuple(tuple(g) for g in grids)))

    def sweep(
        self, spec: Spec, grid: list[str], address: str = "", plan: SweepPlan | None = None
    ) -> None:
        """Train the grid (``KEY=V1,V2`` texts) over ``spec``: here, or with ``address``
        on that Ray cluster (``local``: a Ray started on this machine); ``plan``: pruning
        or PBT (here only)."""
        self._send(c.Sweep(spec, tuple(grid), address, plan or SweepPlan()))

    def lr_find(self, spec: Spec) -> None:
        """Run the lr range test on ``spec``; an ``LrFound`` event answers."""
        self._send(c.LrFind(spec))

    def open_member(self, index: int) -> None:
        """Stop the sweep; member ``index`` becomes the run, paused where it stands."""
        self._send(c.OpenMember(index))

    def neurons(self, cols: int, rows: int) -> None:
        """Every hidden neuron on a ``cols`` x ``rows`` grid, with each progress event
        (``NeuronsShown``); ``neurons(0, 0)`` stops them."""
        self._send(c.Neurons(cols, rows))

    def inspect(self, point: list[float]) -> None:
        """One point's backprop through the weights in view (``Inspected``)."""
        self._send(c.Inspect(point))

    def show_unit(self, layer: int, unit: int) -> None:
        """One hidden unit's numbers (``UnitShown``), with each progress event;
        ``show_unit(0, 0)`` stops them."""
        self._send(c.ShowUnit(layer, unit))

    def operate(
        self, layer: int, unit: int, action: str, index: int = 0, value: float = 0.0
    ) -> None:
        """Neuron surgery on one hidden unit now (``UnitShown`` with what it did)."""
        self._send(c.Operate(layer, unit, action, index, value))

    def warp(self, layer: int, x: int = 1, y: int = 2) -> None:
        """The representation view of hidden layer ``layer``'s units ``x``, ``y``
        (``Warped``), with each progress event and time-travel step; layer 0 stops it."""
        self._send(c.Warp(layer, x, y))

    def health(self, on: bool) -> None:
        """The health view of the weights in view (``HealthShown``), now, with each
        progress event and each time-travel step; ``health(False)`` stops it."""
        self._send(c.Health(on))

    def travel(self, delta: int) -> None:
        """Show the snapshot before (``delta`` -1) or after (+1) the one in view (a run in
        progress pauses); ``Travelled`` answers."""
        self._send(c.Travel(delta))

    def back_to_live(self) -> None:
        """Back to the live end from a snapshot in view."""
        self._send(c.BackToLive())

    def fork(self, spec: Spec) -> None:
        """A new run from the snapshot in view (or the live end) with ``spec``'s training
        settings; the run it came from becomes the pinned baseline."""
        self._send(c.Fork(spec))

    def rescue(self, spec: Spec) -> None:
        """A diverged run goes back to its newest sane snapshot and on with ``spec``'s
        training settings (a lower lr); ``RunLoaded`` answers."""
        self._send(c.Rescue(spec))

    def pin(self) -> None:
        """Pin the current run as the baseline; a new run starts beside it."""
        self._send(c.Pin())

    def unpin(self) -> None:
        self._send(c.Unpin())

    def recover_to(self, folder: str) -> None:
        """Should this process end without :meth:`close`, the engine saves its run in
        ``folder`` (a recovery checkpoint) before it ends."""
        self._send(c.RecoverTo(folder))

    def share(self) -> None:
        """The run's share string at its current step; ``ShareMade`` answers."""
        self._send(c.Share())

    def open_shared(self, text: str) -> None:
        """Train a share string's run again as the run; ``RunLoaded`` then
        ``SharedOpened`` answer (``CommandFailed`` for a string that does not decode)."""
        self._send(c.OpenShared(text))

    async def events(self) -> AsyncIterator[object]:
        """Events as they arrive, until the engine crashes or is closed."""
        assert self._queue is not None, "launch() first"
        while True:
            event = await self._queue.get()
            yield event
            if isinstance(event, ev.EngineCrashed):
                return

    def close(self, timeout: float = 2.0, recover: bool = False) -> None:
        """Stop the engine within ``timeout`` seconds; kill it if it does not stop.
        ``recover``: the app ends without the person quitting (a bug): the engine keeps
        its run in a recovery checkpoint first."""
        self._send(c.Quit(recover))
        worker = self._worker
        if worker is not None and worker.ident is not None:  # started (a thread or a process)
            worker.join(timeout)
            if isinstance(worker, multiprocessing.process.BaseProcess) and worker.is_alive():
                worker.kill()
                worker.join(1)
        if self._conn is not None:
            self._conn.close()
        self._worker = self._conn = None
