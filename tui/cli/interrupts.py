"""Signals during a headless run: stop at a step boundary, save, exit with the signal's code.

SIGINT (Ctrl-C), SIGTERM and SIGHUP (an SSH hang-up) all ask the run to stop after the
step in progress; the command then saves that last completed step to ``--save`` and
exits 130, 143 or 129 (the first signal decides). A signal that arrives while the
checkpoint is being written waits for it; a third signal abandons the save (the write is
atomic: the file holds the previous checkpoint or the new one, never a partial one, and
no temp file stays behind, from a background write either).
No order of signals prints a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from torchplay.engine.run.errors import EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM

CODES = {signal.SIGINT: EXIT_SIGINT, signal.SIGTERM: EXIT_SIGTERM, signal.SIGHUP: EXIT_SIGHUP}
"""The exit code for each signal handled."""
ABANDON_AFTER = 3
"""Signals (in all) after which a save in progress is abandoned."""


_EARLY: list[int] = []
"""Signals caught by :func:`hold` before a command's own handling began."""


def _record(signum: int, _frame) -> None:
    _EARLY.append(signum)


def hold() -> None:
    """From the front door's start, record the handled signals instead of raising.

    A KeyboardInterrupt raised while torch or numpy import their extension modules can be
    swallowed there: seen under load, a Ctrl-C during setup was lost and the run trained on.
    Recorded signals are picked up by :class:`Interrupts` (stop at step 0, save, exit with
    the signal's code) or answered by :func:`release`.
    """
    for s in CODES:
        signal.signal(s, _record)


def release() -> int | None:
    """Restore the default handlers; the exit code of a signal recorded so far, or None."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    code = CODES[_EARLY[0]] if _EARLY else None
    _EARLY.clear()
    return code


class Interrupts:
    """Context manager: while active, the signals in :data:`CODES` set :attr:`stop`.

    Use :meth:`saving` around a checkpoint write so that further signals wait for it.
    """

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.caught: list[int] = []
        self._saving: str | None = None
        self._abandon: Callable[[], None] | None = None
        self._old: dict = {}

    def __enter__(self) -> Interrupts:
        self._old = {s: signal.signal(s, self._on_signal) for s in CODES}
        if _EARLY:  # caught by hold() during setup: stop before the first step
            self.caught = _EARLY[:]
            _EARLY.clear()
            self.stop.set()
        return self

    def __exit__(self, *exc) -> None:
        for s, handler in self._old.items():
            signal.signal(s, handler)

    def _on_signal(self, signum: int, _frame) -> None:
        self.caught.append(signum)
        self.stop.set()
        if self._saving is not None and len(self.caught) >= ABANDON_AFTER:
            self._saving, path = None, self._saving  # raise once: later signals do nothing
            if self._abandon is not None:
                self._abandon()  # a write on another thread: remove its temp file now
            print(
                f"torchplay: stopped while saving {path!r}: it holds the previous "
                "checkpoint or the new one, never a partial file",
                file=sys.stderr,
            )
            raise SystemExit(self.code)

    @property
    def code(self) -> int | None:
        """The exit code of the first signal caught, or None."""
        return CODES[self.caught[0]] if self.caught else None

    @contextmanager
    def saving(self, path: str, abandon: Callable[[], None] | None = None) -> Iterator[None]:
        """Signals that arrive inside this block wait for it (up to the third in all).

        Args:
            path: the file being written, named if a third signal abandons the save.
            abandon: what gives up a write that runs on another thread (e.g.
                ``BackgroundWriter.abandon``), called before the exit.
        """
        self._saving, self._abandon = path, abandon
        try:
            yield
        finally:
            self._saving = self._abandon = None
