"""Widgets whose drawing can fail without ending the app.

:class:`Contained` goes before a widget class in the bases: when rendering the widget
raises, its area shows the one-line placeholder of :mod:`torchplay.tui.draw.contain`
(the traceback goes to the log) and the next repaint tries again.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from torchplay.tui.draw.contain import placeholder, record


class Contained:
    """Mixin for a Textual widget: a render that raises draws a placeholder instead."""

    @property
    def where(self) -> str:
        """The name the log and the test hook (``TORCHPLAY_CHART_FAULT``) know it by: the
        widget's id, else its class."""
        return self.id or type(self).__name__.lower()

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            return super().render_lines(crop)
        except Exception as exc:  # any drawing error is contained here
            return failed_lines(record(self.where, exc), crop.width, crop.height)


def failed_lines(line: str, width: int, height: int) -> list[Strip]:
    """``height`` strips ``width`` cells wide: the placeholder ``line`` on the first."""
    first = Strip([Segment(placeholder(line, width).ljust(width))])
    return [first] + [Strip.blank(width)] * max(0, height - 1)
