"""The sweep screen's heatmap: one cell per grid member, a cursor, Enter opens one.

A line-API widget (:class:`textual.scroll_view.ScrollView`) instead of a
``DataTable``: while a 64-member sweep trains, the screen changes most cells twice a
second, and every ``DataTable.update_cell_at`` throws away the table's whole render cache
(measured: 20-120 ms a redraw, the app's longest event-loop stalls). Here a changed cell
rebuilds its row's :class:`~textual.strip.Strip` (a few segments) and repaints the widget
alone, without a layout pass: well under a millisecond for 64 cells.

The header row (the first key's values) stays put while the rows scroll, and the row
labels (the second key's values) while the columns scroll sideways.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from torchplay.tui.app.widgets.contained import Contained
from torchplay.tui.draw.contain import fault

PAD = 1
"""Blank columns either side of a cell's text."""


class Heatmap(Contained, ScrollView, can_focus=True):
    """Columns of labelled cells; :meth:`set_cell` changes one, :class:`CellSelected`
    says Enter (or a click) chose one. A drawing error shows a placeholder line (logged)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open member"),
        Binding("up", "cursor(-1, 0)", "Up", show=False),
        Binding("down", "cursor(1, 0)", "Down", show=False),
        Binding("left", "cursor(0, -1)", "Left", show=False),
        Binding("right", "cursor(0, 1)", "Right", show=False),
    ]
    COMPONENT_CLASSES = {"heatmap--header", "heatmap--label", "heatmap--cursor"}
    DEFAULT_CSS = """
    Heatmap { background: $surface; }
    Heatmap > .heatmap--header { text-style: bold; color: $text-accent; }
    Heatmap > .heatmap--label { text-style: bold; color: $text-muted; }
    Heatmap > .heatmap--cursor { text-style: reverse; }
    """

    class CellSelected(Message):
        """Enter, or a click, on the cell at ``coordinate`` (row, column)."""

        def __init__(self, coordinate: Coordinate) -> None:
            super().__init__()
            self.coordinate = coordinate

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: list[tuple[str, int]] = []
        """Each column's label and width (without padding)."""
        self.labels: list[str] = []
        """Each row's label."""
        self.cells: list[list[Text]] = []
        self.cursor = Coordinate(0, 0)
        self.label_width = 0
        self._lines: dict[int, Strip] = {}
        """Built rows (-1: the header), dropped when a cell or the cursor changes."""
        self._styles: tuple[Style, ...] | None = None
        """The base, header, label and cursor styles, until the styles change."""
        self.width = 0
        """The widget's width (0: not yet known), and a blank line as wide."""
        self.blank = Strip([])

    # -- content -------------------------------------------------------------------------

    def reset(self, columns: list[tuple[str, int]], labels: list[str], fill: str = "·") -> None:
        """New columns (label, width) and rows (labels), every cell ``fill``."""
        self.columns, self.labels = columns, labels
        self.cells = [[Text(fill) for _ in columns] for _ in labels]
        self.label_width = max((len(label) for label in labels), default=0)
        self.cursor = Coordinate(0, 0)
        self._lines.clear()
        width = self._x(len(columns))
        self.virtual_size = Size(width, len(labels) + 1)
        self.scroll_to(0, 0, animate=False)
        self.refresh(layout=True)

    def get_cell_at(self, cell: Coordinate) -> Text:
        return self.cells[cell.row][cell.column]

    def set_cell(self, cell: Coordinate, text: Text) -> None:
        """Show ``text`` in ``cell``; repaints (no layout) only when it changed."""
        row = self.cells[cell.row]
        old = row[cell.column]
        if old.plain != text.plain or old.style != text.style:  # Text == ignores .style
            row[cell.column] = text
            self._lines.pop(cell.row, None)
            self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.labels) + 1

    # -- the cursor ----------------------------------------------------------------------

    def move_cursor(self, cell: Coordinate) -> None:
        """Put the cursor on ``cell`` (clamped to the grid) and scroll it into view."""
        if not self.labels or not self.columns:
            return
        cell = Coordinate(
            max(0, min(len(self.labels) - 1, cell.row)),
            max(0, min(len(self.columns) - 1, cell.column)),
        )
        old, self.cursor = self.cursor, cell
        self._lines.pop(old.row, None)
        self._lines.pop(cell.row, None)
        x0, x1 = self._x(cell.column), self._x(cell.column + 1)
        sx, sy = self.scroll_offset
        rows = max(1, self.scrollable_content_region.height - 1)
        y = min(sy, cell.row) if cell.row < sy else max(sy, cell.row - rows + 1)
        width = max(1, self.scrollable_content_region.width)
        lw = self._x(0)  # the fixed label column: cells show from lw + sx to sx + width
        x = x0 - lw if x0 < lw + sx else (x1 - width if x1 > sx + width else sx)
        self.scroll_to(max(0, x), max(0, y), animate=False)
        self.refresh()

    def action_cursor(self, rows: int, columns: int) -> None:
        self.move_cursor(Coordinate(self.cursor.row + rows, self.cursor.column + columns))

    def action_select_cursor(self) -> None:
        if self.labels and self.columns:
            self.post_message(self.CellSelected(self.cursor))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0 or offset.x < self._x(0):
            return  # the header, or a row label
        sx, sy = self.scroll_offset
        row, x = offset.y - 1 + sy, offset.x + sx
        column = next((c for c in range(len(self.columns)) if x < self._x(c + 1)), None)
        if column is None or x < self._x(0) or row >= len(self.labels):
            return
        self.move_cursor(Coordinate(row, column))
        self.post_message(self.CellSelected(self.cursor))

    # -- drawing ---------------------------------------------------------------------------

    def _x(self, column: int) -> int:
        """Where ``column`` starts (``len(columns)``: the total width)."""
        x = self.label_width + 2 * PAD
        return x + sum(w + 2 * PAD for _, w in self.columns[:column])

    def _build(self, row: int) -> Strip:
        """Row ``row`` (-1: the header) as one strip, from column 0."""
        fault(self.where)
        if self._styles is None:
            self._styles = (
                self.rich_style,
                self.get_component_rich_style("heatmap--header"),
                self.get_component_rich_style("heatmap--label"),
                self.get_component_rich_style("heatmap--cursor", partial=True),
            )
        base, header, label_style, cursor = self._styles
        pad = " " * PAD
        if row < 0:
            segments = [Segment(" " * (self.label_width + 2 * PAD))]
            for label, width in self.columns:
                segments.append(Segment(pad + label[:width].ljust(width) + pad, header))
            return Strip(segments).apply_style(base)
        segments = [Segment(pad + self.labels[row].ljust(self.label_width) + pad, label_style)]
        for column, ((_, width), text) in enumerate(
            zip(self.columns, self.cells[row], strict=True)
        ):
            style = text.style if isinstance(text.style, Style) else Style.parse(text.style)
            if self.cursor == (row, column):
                style += cursor
            segments.append(Segment(pad + text.plain[:width].ljust(width) + pad, style))
        return Strip(segments).apply_style(base)

    def on_resize(self) -> None:
        self.width = 0

    def render_line(self, y: int) -> Strip:
        # Widget.size and rich_style are computed on each use: once per size, not per line.
        if not self.width:
            self.width, self.blank = self.size.width, Strip.blank(self.size.width, self.rich_style)
        sx, sy = self.scroll_offset
        row = -1 if y == 0 else y - 1 + sy
        if row >= len(self.labels):
            return self.blank
        strip = self._lines.get(row)
        if strip is None:
            strip = self._lines[row] = self._build(row)
        lw = self._x(0)  # the row labels stay; the cells scroll sideways beside them
        cells = strip.crop(lw + sx, sx + self.width) if sx else strip.crop(0, self.width)
        line = Strip.join([strip.crop(0, lw), cells]) if sx else cells
        return line.extend_cell_length(self.width, self._styles[0])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._styles = None
        self.width = 0
