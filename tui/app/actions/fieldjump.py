"""Jump to a panel field by name (``/`` or ``ctrl+f``): a fuzzy list of the panel's
visible fields, Textual's command palette style; Enter puts the focus in the one chosen
(scrolled into view), escape leaves the focus where it was. With about 25 Tab stops in
the panel, typing ``lr`` beats tabbing there. Keys typed in the same burst as ``/``
(``/steps`` Enter, from tmux or a quick hand) are held until the list's field has the
focus, then replayed to it: before, they reached a screen with nothing focused yet and
were lost. A mixin of
:class:`~torchplay.tui.app.app.PlaygroundApp`."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.command import CommandInput, CommandList, CommandPalette, SimpleCommand
from textual.widget import Widget
from textual.widgets import Label
from torchplay.tui.app.widgets.panel import ControlPanel


def panel_fields(panel: ControlPanel) -> list[tuple[str, Widget]]:
    """The panel's fields as a person sees them: (label, widget), top to bottom; rows
    hidden (another schedule's parameters) and fields disabled (a lesson's locks) left out."""
    fields = []
    for row in panel.query(".row"):
        if not row.display:
            continue
        label, *rest = row.children
        widget = rest[-1] if rest else None
        if isinstance(label, Label) and widget is not None and not widget.disabled:
            fields.append((str(label.render()).strip(), widget))
    return fields


HOLD_FRAMES = 20
"""How many refreshes keys wait for the list's field before they go on as they are."""


class FieldJump:
    """``/`` and ``ctrl+f``; the app provides ``query_one``, ``screen`` and ``search_commands``."""

    held_keys: list[events.Key] | None = None
    """Keys typed since ``/`` while the list's field had not the focus yet (None: none held)."""
    replaying: list[events.Key] = []  # noqa: RUF012 - held keys sent again: not held twice
    typed: str | None = ""
    """The text the held keys have put in the list's field so far (None: unknown)."""
    landed: bool | None = None
    """False from a held Enter until the field chosen has the focus."""

    def can_jump(self) -> bool:
        """The main screen's panel only: never over a dialog, the palette or another screen
        (their fields keep ``/`` and ``ctrl+f``)."""
        return self.screen.id == "_default"

    def action_jump(self) -> None:
        panel = self.query_one(ControlPanel)
        commands = [
            SimpleCommand(name, self._focus_on(panel, widget), f"go to the {name} field")
            for name, widget in panel_fields(panel)
        ]
        self.search_commands(commands, placeholder="Jump to a field: type part of its name…")
        self.held_keys, self.typed, self.landed, self.replaying = [], "", None, []
        self.call_after_refresh(self.replay_held_keys, HOLD_FRAMES)

    async def on_event(self, event: events.Event) -> None:
        # Keys reach the app twice (first, then back from the screen, where the app's
        # bindings run): held either way, unless sent again by replay (both ways too).
        if self.held_keys is not None and isinstance(event, events.Key):
            if event not in self.replaying:
                self.held_keys.append(event)
                return
        await super().on_event(event)

    def replay_held_keys(self, frames: int) -> None:
        """Send the held keys on as the list can take them: the name once its field has
        the focus, Enter once the list has searched for that name (Enter picks a lone
        match, as by hand), the rest once the field chosen has the focus. After
        :data:`HOLD_FRAMES` refreshes without progress they go on as they are."""
        held = self.held_keys or []
        while held and (frames == 0 or self.ready_for(held[0])):
            key = held.pop(0)
            self.replay(key)
            if key.key == "enter":
                self.landed = False
            elif key.is_printable and self.typed is not None:
                self.typed += key.character or ""
            else:
                self.typed = None  # backspace, arrows: the text is the field's to know
            frames = HOLD_FRAMES if frames else 0
            break  # one at a time: the next waits for this one's effect
        if frames == 0:
            self.landed = None  # given up waiting
        if held or self.landed is False or (self.focused is None and frames > 0):
            self.call_after_refresh(self.replay_held_keys, max(0, frames - 1))
        else:
            self.held_keys, self.replaying = None, []

    def ready_for(self, key: events.Key) -> bool:
        if self.landed is False:
            return False  # Enter sent: wait for the field chosen to have the focus
        if self.focused is None:
            return False  # the list's field is not focused yet
        if key.key == "enter" and isinstance(self.screen, CommandPalette):
            field = self.screen.query_one(CommandInput)
            return (self.typed is None or field.value == self.typed) and self.list_searched()
        return True

    def replay(self, key: events.Key) -> None:
        again = events.Key(key.key, key.character)
        self.replaying.append(again)
        self.post_message(again)

    def list_searched(self) -> bool:
        """The jump list has searched for its text: its widgets' queues are empty (the
        field's Changed has reached the palette) and no search is under way."""
        screen = self.screen
        if not isinstance(screen, CommandPalette):
            return True
        nodes = list(screen.walk_children(with_self=True))
        if any(not node._message_queue.empty() for node in nodes):  # Textual 8.2.8
            return False
        group = screen._GATHER_COMMANDS_GROUP
        if any(w.group == group and not w.is_finished for w in screen.workers):
            return False
        return screen.query_one(CommandList).option_count > 0

    def _focus_on(self, panel: ControlPanel, widget: Widget) -> Callable[[], None]:
        def land() -> None:
            widget.focus()
            self.landed = True  # keys typed after Enter go on now

        def focus() -> None:
            # After the palette has gone and given the focus back to where it was.
            panel.call_after_refresh(land)
            panel.call_after_refresh(panel.scroll_to_widget, widget, animate=False)

        return focus
