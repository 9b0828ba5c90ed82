"""The panel's leaf widgets.

A text field takes the characters its own values need (the spec field's
:attr:`~torchplay.engine.run.fieldinfo.FieldInfo.chars`: ``x1sq,x2sq`` for features,
``1e-3`` for the lr, ``32,16`` for the widths) and refuses the others with a bell. While
it has the focus it keeps every printable key: none reaches an app binding (``q`` never
quits, ``s`` never opens the sweep screen from a field). Escape leaves the field, and the
app's keys work again. A focused button or choice owns space, and says so in the footer.
"""

from __future__ import annotations

import re

from textual import on
from textual.binding import Binding
from textual.widgets import Button, Input, Select
from textual.widgets._select import SelectOverlay


def restriction(chars: frozenset[str] | None) -> str | None:
    """The ``Input.restrict`` pattern for a value made of ``chars`` (None: any text)."""
    if chars is None:
        return None
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]*"


class TextField(Input):
    """An input that types only ``chars`` and keeps every printable key while focused
    (``Input.check_consume_key``: the app's bindings never see them)."""

    def __init__(self, value: str, chars: frozenset[str] | None, **kwargs) -> None:
        super().__init__(value, restrict=restriction(chars), **kwargs)
        self.chars = chars


class Choice(Select):
    """A select whose footer entry says that space opens it. Escape closes its open list
    and leaves the field too, so escape then space always runs (the app's space)."""

    BINDINGS = [Binding("space", "show_overlay", "Open list")]

    @on(SelectOverlay.Dismiss)
    def _leave_on_dismiss(self, event: SelectOverlay.Dismiss) -> None:
        event.stop()
        event.prevent_default()  # not Select's handler, which focuses the select again
        self.expanded = False
        if not event.lost_focus:
            self.screen.set_focus(None)


class PanelButton(Button):
    """A button that space presses, as the footer says."""

    BINDINGS = [Binding("space", "press", "Press")]
