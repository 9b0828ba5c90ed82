"""The main screen's key rules that are not layout: the command palette's entries and
when a reset asks first (what a key pressed during the engine's start shows, and how far
a run has to go, are the status line's: :mod:`torchplay.tui.status`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand
from textual.binding import Binding

RESET_ASK_STEPS = 1_000
"""A reset asks first when the run is past this many steps and not saved at its step."""

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
