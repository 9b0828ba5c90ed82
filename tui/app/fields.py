"""The panel's leaf widgets, made so that the app's keys work whatever is focused.

A number field takes only the characters a number can have; any other key (space, ``n``,
``r``...) goes on to the app's bindings, so a focused field never swallows them. A
focused button or choice owns space, and says so in the footer.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Button, Input, Select

NUMBER_CHARS = frozenset("0123456789.-+eE")
"""What a number field takes (``1e-3``, ``-0.5``); other keys are the app's."""
WIDTHS_CHARS = frozenset("0123456789,")
"""What the hidden-widths field takes (``32,16``; empty for none)."""


class NumberField(Input):
    """An input that types only ``chars`` and leaves every other key to the app."""

    def __init__(self, value: str, chars: frozenset[str] = NUMBER_CHARS, **kwargs) -> None:
        super().__init__(value, **kwargs)
        self.chars = chars

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character in self.chars

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key)
            and event.is_printable
            and event.character not in self.chars
            and self.parent is not None
        ):
            self.parent.post_message(event)  # not ours: on up to the app's bindings
            return
        await super().on_event(event)


class Choice(Select):
    """A select whose footer entry says that space opens it."""

    BINDINGS = [Binding("space", "show_overlay", "Open list")]


class PanelButton(Button):
    """A button that space presses, as the footer says."""

    BINDINGS = [Binding("space", "press", "Press")]
