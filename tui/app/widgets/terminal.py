"""The app's side of the terminal: plain ASCII where needed, and few bytes on the wire.

:class:`AsciiFilter` is a Textual line filter (the hook Textual's own ``NO_COLOR``
monochrome uses): every cell the app draws, box borders, scrollbars and charts included,
leaves through :func:`torchplay.tui.draw.glyphs.to_ascii`.

A chart frame repaints only the rows that changed (:func:`changed_rows`,
:func:`row_regions`): Textual sends a refreshed region whole, so a frame that moved one
row costs one row. :func:`output_backlog` tells the chart pane when the terminal falls
behind, so it skips frames instead of queueing them.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from torchplay.tui.draw.glyphs import to_ascii


class AsciiFilter(LineFilter):
    """Replace every non-ASCII character with a plain one of the same width."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            seg if seg.control or seg.text.isascii() else Segment(to_ascii(seg.text), seg.style)
            for seg in segments
        ]


ASCII_FILTER = AsciiFilter()


def changed_rows(old: list[str], new: list[str]) -> list[int]:
    """Indices of the rows of ``new`` that differ from ``old`` (all of them when the
    number of rows changed)."""
    if len(old) != len(new):
        return list(range(len(new)))
    return [y for y, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def row_regions(rows: list[int], height: int, width: int) -> list[Region]:
    """Regions covering ``rows`` (runs of adjacent rows merged); none when every one of
    ``height`` rows changed (a plain refresh repaints the whole widget)."""
    if len(rows) >= height:
        return []
    regions: list[Region] = []
    for y in rows:
        last = regions[-1] if regions else None
        if last is not None and last.bottom == y:
            regions[-1] = Region(0, last.y, width, last.height + 1)
        else:
            regions.append(Region(0, y, width, 1))
    return regions


def output_backlog(app) -> int:
    """Writes queued for the terminal and not yet written: Textual's writer thread's
    queue (private: textual==8.2.8 is pinned; 0 where there is none, as in tests)."""
    writer = getattr(getattr(app, "_driver", None), "_writer_thread", None)
    queue = getattr(writer, "_queue", None)
    return queue.qsize() if queue is not None else 0
