"""The main screen's keys: its bindings, the command palette's entries and when a reset
asks first (what a key pressed during the engine's start shows, and how far
a run has to go, are the status line's: :mod:`torchplay.tui.app.status`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand
from textual.binding import Binding

BINDINGS = [
    Binding("space", "toggle", "Run/Pause", tooltip="Start training, or pause it"),
    Binding("n", "step", "Step", tooltip="Train one step (pauses a running run)"),
    Binding("r", "reset", "Reset", tooltip="Rebuild the model from the panel's fields"),
    Binding("l", "log_scale", "Log", show=False, tooltip="Loss chart: switch the log scale"),
    Binding("t", "test_points", "Test pts", show=False, tooltip="Show the test points"),
    Binding("d", "discrete", "Discrete", show=False, tooltip="Hard class regions"),
    Binding(
        "left_square_bracket", "back", "Back", show=False, tooltip="Charts: the snapshot before"
    ),
    Binding(
        "right_square_bracket", "forward", "Fwd", show=False, tooltip="Charts: the next snapshot"
    ),
    Binding("f", "fork", "Fork", show=False, tooltip="Fork from the step in view, panel settings"),
    Binding("b", "baseline", "Baseline", show=False, tooltip="Pin (or unpin) the run as baseline"),
    Binding("p", "paint", "Paint", show=False, tooltip="Paint data: arrows, a adds, x removes"),
    Binding("v", "neurons", "Neurons", show=False, tooltip="Every hidden neuron, live"),
    Binding("g", "health", "Health", show=False, tooltip="Gradient flow, dead units, confusion"),
    Binding("i", "inspect", "Inspect", show=False, tooltip="Backprop of the paint cursor's point"),
    Binding(
        "w",
        "warp",
        "Warp",
        show=False,
        tooltip="Representation: the data as a hidden layer maps it",
    ),
    Binding("m", "model", "Model", show=False, tooltip="Show the network as PyTorch code"),
    Binding("L", "lr_find", "LR find", show=False, tooltip="Suggest a learning rate and offer it"),
    Binding("c", "compare", "Compare", tooltip="Compare up to 3 saved checkpoints"),
    Binding("s", "sweep", "Sweep", show=False, tooltip="Train a grid of runs at once, live"),
    Binding("ctrl+s", "save", "Save", tooltip="Save a checkpoint of the run"),
    Binding("ctrl+o", "load", "Load", tooltip="Load a checkpoint"),
    Binding("less_than_sign", "narrower", "Narrower", show=False, tooltip="Narrow the panel"),
    Binding("greater_than_sign", "wider", "Wider", show=False, tooltip="Widen the panel"),
    Binding("escape", "leave_field", "Leave field", tooltip="Leave the focused field"),
    Binding("slash", "jump", "Jump", show=False, tooltip="Jump to a panel field by its name"),
    # priority: over the fields' own ctrl+f (delete a word to the right)
    Binding("ctrl+f", "jump", "Jump", show=False, priority=True, tooltip="Jump to a field"),
    Binding("question_mark,f1", "help", "Help", show=False, tooltip="Every key, in groups"),
    Binding(
        "O", "lessons", "Lessons", show=False, tooltip="Pick a lesson (the tutorial, step by step)"
    ),
    Binding("h", "hint", "Hint", show=False, tooltip="Lesson: show the next hint"),
    Binding("y", "copy_share", "Share", show=False, tooltip="Copy the run as a share string"),
    Binding("Y", "copy_command", "Command", show=False, tooltip="Copy the torchplay train line"),
    Binding("S", "screenshot", "Screenshot", show=False, tooltip="Save an SVG of the screen here"),
    Binding("q", "quit", "Quit", tooltip="Quit torchplay (past 1,000 unsaved steps it asks)"),
    Binding("ctrl+q", "quit_now", "Quit now", show=False, priority=True, tooltip="Quit at once"),
]
"""The app's keys (:class:`torchplay.tui.app.app.PlaygroundApp` binds these)."""

FOCUS_KEYS = [
    Binding("tab", "focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
]
"""Tab moves the focus as the key arrives (priority: the app's, not the screen's queue),
so keys typed in the same burst (tmux send-keys, a paste) land in the field it reached;
through the screen they were forwarded while nothing had the focus yet, and lost."""

KEY_ACTIONS = frozenset(binding.action for binding in BINDINGS)
"""The main screen's key actions: off while a dialog (a modal screen) is up, its keys its own."""

BUTTONS = {"start": "toggle", "step": "step", "reset": "reset", "save": "save", "load": "load"}
"""The panel's buttons (by id) and the key actions they share."""

RESET_ASK_STEPS = 1_000
"""A reset asks first when the run is past this many steps and not saved at its step."""

HIDDEN_FROM_PALETTE = {"quit", "quit_now", "leave_field", "focus_next", "focus_previous"}
"""Textual's palette has its own Quit; leaving a field is no command."""


def palette_commands(app, bindings: Iterable[Binding]) -> Iterator[SystemCommand]:
    """One palette entry per key binding: its name, and what it does with its key."""
    seen = set(HIDDEN_FROM_PALETTE)
    for binding in bindings:
        if binding.action in seen:  # hidden, or bound to a second key (ctrl+f beside /)
            continue
        seen.add(binding.action)
        action = getattr(app, f"action_{binding.action}")
        key = binding.key.replace("ctrl+", "^")
        yield SystemCommand(binding.description, f"{binding.tooltip} (key: {key})", action)
