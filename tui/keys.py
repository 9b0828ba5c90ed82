"""The main screen's key rules that are not layout: the command palette's entries, what a
key pressed during the engine's start turns into, when a reset asks first, and how the
status tells how far a run has to go."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand
from textual.binding import Binding
from torchplay.engine.events import Snapshot
from torchplay.engine.spec import MAX_STEPS

RESET_ASK_STEPS = 1_000
"""A reset asks first when the run is past this many steps and not saved at its step."""

QUEUED = {"toggle": "run", "step": "one step"}
"""Run keys that wait for the engine's start (action -> what the status calls it)."""

HIDDEN_FROM_PALETTE = {"quit", "leave_field"}
"""Textual's palette has its own Quit; leaving a field is no command."""


def palette_commands(app, bindings: Iterable[Binding]) -> Iterator[SystemCommand]:
    """One palette entry per key binding: its name, and what it does with its key."""
    for binding in bindings:
        if binding.action in HIDDEN_FROM_PALETTE:
            continue
        action = getattr(app, f"action_{binding.action}")
        key = binding.key.replace("ctrl+", "^")
        yield SystemCommand(binding.description, f"{binding.tooltip} (key: {key})", action)


def duration(seconds: float) -> str:
    """``42s``, ``3m04s``, ``2h05m``."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def progress(snap: Snapshot, eta: bool) -> str:
    """``step 40/100``, ``step 40/100 ETA 3s`` while running (``eta``), or
    ``step 4,000 (until paused)`` for a run without an end."""
    if snap.target >= MAX_STEPS:
        return f"step {snap.step:,} (until paused)"
    if snap.step > snap.target:  # steps by hand past the end
        return f"step {snap.step:,}"
    text = f"step {snap.step:,}/{snap.target:,}"
    if eta and snap.steps_per_s > 0 and snap.target > snap.step:
        text += f" ETA {duration((snap.target - snap.step) / snap.steps_per_s)}"
    return text
