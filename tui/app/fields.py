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

from textual import events, on
from textual.binding import Binding
from textual.widgets import Button, Input, Select
from textual.widgets._select import SelectOverlay


def restriction(chars: frozenset[str] | None) -> str | None:
    """The ``Input.restrict`` pattern for a value made of ``chars`` (None: any text)."""
    if chars is None:
        return None
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]*"


class OrderedInput(Input):
    """An input whose own keys (End, Ctrl+U, Backspace, Enter...) act in the order typed,
    with the characters: in a burst (tmux send-keys, a quick hand) ``End ctrl+u 30`` makes
    ``30``. Textual runs a focused input's bindings once the key has bubbled up to the app,
    after the characters queued behind it were typed (Ctrl+U then cleared the ``30``); here
    they run as the input takes the key, as they would first anyway (the focused widget's
    bindings come before its screen's and the app's; priority ones ran before)."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)


class TextField(OrderedInput):
    """An input that types only ``chars`` and keeps every printable key while focused
    (``Input.check_consume_key``: the app's bindings never see them)."""

    def __init__(self, value: str, chars: frozenset[str] | None, **kwargs) -> None:
        super().__init__(value, restrict=restriction(chars), **kwargs)
        self.chars = chars


class SteppedField(TextField):
    """A number field that ``+`` and ``-`` step: the noise slider (each press redraws the
    data before training) and the classes count. Typing works too; ``+`` and ``-`` are
    keys here, not characters (the values are never negative)."""

    # priority: before Input's own key handler, which takes (or refuses) printable keys
    BINDINGS = [
        Binding(
            "plus,equals_sign",
            "nudge(1)",
            "More",
            priority=True,
            tooltip="one step up: the data redraws",
        ),
        Binding("minus", "nudge(-1)", "Less", priority=True, tooltip="one step down"),
    ]

    def __init__(
        self, value: str, chars: frozenset[str] | None, step: float, lo: float, hi: float, **kw
    ) -> None:
        super().__init__(value, (chars or frozenset()) - {"+", "-"}, **kw)
        self.step, self.lo, self.hi = step, lo, hi

    def action_nudge(self, sign: int) -> None:
        """One step up (``sign`` 1) or down, within the field's range; text that is no
        number starts from the low end."""
        try:
            now = float(self.value)
        except ValueError:
            now = self.lo
        value = min(self.hi, max(self.lo, round(now + sign * self.step, 6)))
        self.value = str(int(value)) if float(self.step).is_integer() else f"{value:g}"
        self.cursor_position = len(self.value)


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
