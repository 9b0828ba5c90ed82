"""A drawing error is a chart's problem, not the app's: the placeholder and the log.

A chart, screen or widget whose drawing raises shows one line in its place,
``chart error: ValueError: ...; details in LOG``, and the traceback goes to the log file
(:func:`log_path`: ``TORCHPLAY_UI_LOG``, else ``ui.log`` in the platform's log folder).
The run goes on; the next redraw tries again.

``TORCHPLAY_CHART_FAULT`` is the test hook: a comma-separated list of widget ids
(``loss``, ``data``, ``base``, ``heatmap``, ``sweep-curves``, ``neurons-body``,
``lrfind-chart``, ``cmp-loss``, ``cmp-0``...) or ``all``, whose drawing raises
:class:`ForcedFault`, so tests (and a person in tmux) can see the containment work. No
Textual here: the widgets wrap their own drawing with it. The app's net
(:mod:`torchplay.tui.app.net`) takes any other widget's id (``status``) and the app's
handlers' names (``on_key``) too.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from pathlib import Path

import platformdirs

LOG_ENV = "TORCHPLAY_UI_LOG"
"""Where drawing errors are logged (a file path), instead of the platform's log folder."""
FAULT_ENV = "TORCHPLAY_CHART_FAULT"
"""The test hook: charts named here (comma-separated, or ``all``) fail to draw."""
_logged: set[tuple[str, str]] = set()
"""(where, error) pairs written already: a chart failing at every frame logs once."""
_lock = threading.Lock()  # frames are built on worker threads


class ForcedFault(RuntimeError):
    """The drawing error :data:`FAULT_ENV` asked for."""


def log_path() -> Path:
    """The file drawing errors are written to."""
    chosen = os.environ.get(LOG_ENV)
    if chosen:
        return Path(chosen)
    return Path(platformdirs.user_log_dir("torchplay")) / "ui.log"


def fault(where: str) -> None:
    """Raise :class:`ForcedFault` when :data:`FAULT_ENV` names ``where`` (or ``all``)."""
    names = {n.strip() for n in os.environ.get(FAULT_ENV, "").split(",")}
    if where in names or "all" in names:
        raise ForcedFault(f"forced by {FAULT_ENV}={where}")


def record(
    where: str, exc: BaseException, label: str = "chart error", doing: str = "drawing"
) -> str:
    """Log ``exc`` (raised ``doing`` ``where``) with its traceback, once per distinct error,
    and return the one-line placeholder to draw instead, ``LABEL: ...; details in LOG``
    (the app's net, :mod:`torchplay.tui.app.net`, logs handlers' errors here too)."""
    path = log_path()
    message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    key = (where, message)
    with _lock:
        fresh = key not in _logged
        _logged.add(key)
    if fresh:
        text = "".join(traceback.format_exception(exc))
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(f"--- {stamp} {doing} {where}\n{text}\n")
        except OSError as err:
            return f"{label}: {message}; not logged ({err.strerror or err})"
    return f"{label}: {message}; details in {path}"


def placeholder(line: str, width: int) -> str:
    """``line`` in ``width`` cells: cut with ``…`` when longer."""
    if width <= 0:
        return ""
    return line if len(line) <= width else line[: width - 1] + "…"
