"""The app's side of the terminal: plain ASCII output for terminals that need it.

:class:`AsciiFilter` is a Textual line filter (the hook Textual's own ``NO_COLOR``
monochrome uses): every cell the app draws, box borders, scrollbars and charts included,
leaves through :func:`torchplay.tui.glyphs.to_ascii`.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from torchplay.tui.glyphs import to_ascii


class AsciiFilter(LineFilter):
    """Replace every non-ASCII character with a plain one of the same width."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            seg if seg.control or seg.text.isascii() else Segment(to_ascii(seg.text), seg.style)
            for seg in segments
        ]


ASCII_FILTER = AsciiFilter()
