"""Jump to a panel field by name (``/`` or ``ctrl+f``): a fuzzy list of the panel's
visible fields, Textual's command palette style; Enter puts the focus in the one chosen
(scrolled into view), escape leaves the focus where it was. With about 25 Tab stops in
the panel, typing ``lr`` beats tabbing there. A mixin of
:class:`~torchplay.tui.app.app.PlaygroundApp`."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import SimpleCommand
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


class FieldJump:
    """``/`` and ``ctrl+f``; the app provides ``query_one``, ``screen`` and ``search_commands``."""

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

    @staticmethod
    def _focus_on(panel: ControlPanel, widget: Widget) -> Callable[[], None]:
        def focus() -> None:
            # After the palette has gone and given the focus back to where it was.
            panel.call_after_refresh(widget.focus)
            panel.call_after_refresh(panel.scroll_to_widget, widget, animate=False)

        return focus
