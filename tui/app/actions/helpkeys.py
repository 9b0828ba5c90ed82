"""Help (``?``/F1: every key, in groups), a screenshot (``S``: an SVG in the current
folder) and the settings that outlive a session (:mod:`torchplay.tui.app.settings`): a mixin
of the app, as :class:`~torchplay.tui.app.actions.filekeys.FileKeys`."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from torchplay.tui.app import settings as saved
from torchplay.tui.app.fields import SteppedField
from torchplay.tui.app.keys import BINDINGS

GROUPS = {
    "Training": ("toggle", "step", "reset", "lr_find", "sweep"),
    "Charts": (
        "log_scale", "test_points", "discrete", "back", "forward", "neurons", "warp", "health", "inspect", "paint",
        "model",
    ),
    "Runs and files": ("fork", "baseline", "save", "load", "compare", "screenshot"),
    "Lessons and sharing": ("lessons", "hint", "copy_share", "copy_command"),
    "The app": ("jump", "narrower", "wider", "leave_field", "help", "quit", "quit_now"),
}  # fmt: skip
"""The help screen's groups, by action; a key in none of them shows under "More"."""


def help_text(app, bindings: list[Binding], screens: dict[str, list[Binding]] | None = None) -> str:
    """Every key of ``bindings`` with what it does, grouped as :data:`GROUPS`; then each
    of ``screens``' keys (another screen's: group name to its bindings)."""
    grouped = {action: group for group, actions in GROUPS.items() for action in actions}
    lines: dict[str, list[str]] = {group: [] for group in [*GROUPS, "More"]}

    def line(b: Binding) -> str:
        keys = " / ".join(app.get_key_display(Binding(k, b.action)) for k in b.key.split(","))
        return f"  {keys:<14} {b.tooltip or b.description}"

    for b in bindings:
        lines[grouped.get(b.action, "More")].append(line(b))
    lines["The app"].append(f"  {'ctrl+p':<14} command palette: every key by name, and themes")
    for group, keys in (screens or {}).items():
        lines[group] = [line(b) for b in keys]
    out = []
    for group, rows in lines.items():
        if rows:
            out += [f"[b]{group}[/b]", *rows, ""]
    return "\n".join(out).rstrip()


class HelpScreen(ModalScreen[None]):
    """Every key of the main screen, in groups; Escape, ``?``, F1 or ``q`` closes."""

    BINDINGS = [Binding("escape,question_mark,f1,q", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    HelpScreen #help { width: 100%; height: auto; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, id="help")
        yield Footer(compact=True)


class HelpKeys:
    """``?``/F1, ``S`` and the settings, for the app."""

    settings: saved.Settings

    def load_settings(self) -> None:
        """Read the settings (before the first frame): the theme now, a notice if damaged."""
        self.settings, notice = saved.load()
        if self.settings.theme in self.available_themes and self.settings.theme != self.theme:
            self.theme = self.settings.theme
        if notice:  # after the first frame: a toast raised before it is never shown
            self.call_after_refresh(self.notify, notice, severity="warning", timeout=8)
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))

    def remember(self, **changes: str) -> None:
        """Keep ``changes`` in the settings file; say so if it cannot be written."""
        new = saved.updated(self.settings, **changes)
        if new != self.settings:
            self.settings = new
            problem = saved.save(new)
            if problem:
                self.notify(problem, severity="warning")

    def action_help(self) -> None:
        from torchplay.tui.app.screens.sweepscreen import SWEEP_KEYS
        from torchplay.tui.app.widgets.neurons import NeuronScreen
        from torchplay.tui.app.widgets.surgery import SurgeryScreen

        screens = {
            "Noise and classes fields (the noise slider)": SteppedField.BINDINGS,
            "Sweep screen (s)": SWEEP_KEYS,
            "Neuron view (v)": NeuronScreen.BINDINGS,
            "Surgery (Enter on a unit in the neuron view)": SurgeryScreen.BINDINGS,
        }
        self.push_screen(HelpScreen(help_text(self, BINDINGS, screens)))

    def action_screenshot(self) -> None:
        """An SVG of the screen in the current folder (not ~/Downloads, which may not exist)."""
        try:
            path = self.save_screenshot(path=os.getcwd())
        except OSError as exc:
            self.notify(f"screenshot not saved: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"screenshot saved: {path}")
