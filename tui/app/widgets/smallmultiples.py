"""Small multiples: a few loss curves side by side, each a title over block-character bars.

The sweep screen shows its best and worst members' curves with this one line-API widget
instead of a ``Sparkline`` and a ``Static`` per curve: they are redrawn twice a second
while a sweep trains, and twelve widgets re-rendered through rich cost the event loop
12-25 ms a redraw (measured on the 2-core box, beside a training sweep). Here
:meth:`SmallMultiples.show` keeps the points and a worker thread builds the strips (as
:mod:`torchplay.tui.app.widgets.charts` builds its frames), one build at a time; a repaint only copies
them.
"""

from __future__ import annotations

from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from torchplay.tui.app.widgets.contained import Contained, failed_lines
from torchplay.tui.draw.contain import fault, record
from torchplay.tui.draw.decimate import curve

BARS = " ▁▂▃▄▅▆▇█"
"""Eighths of a character cell, empty to full."""

Curve = tuple[str, list[tuple[int, float]]]
"""A title and its (step, loss) points."""


def columns(values: list[float], width: int) -> list[float]:
    """``values`` in at most ``width`` evenly filled buckets, in order, each bucket's
    highest value (a bar shows one level: the spike, not an average that hides it)."""
    n = len(values)
    if n <= width:
        return list(values)
    return [
        max(chunk) for c in range(width) if (chunk := values[c * n // width : (c + 1) * n // width])
    ]


def bars(values: list[float], height: int) -> list[str]:
    """``height`` lines of block characters, top first: one column per value, the lowest
    value one eighth high, the highest full."""
    if not values:
        return [""] * height
    lo, hi = min(values), max(values)
    span = hi - lo
    levels = [1 + round((v - lo) / span * (8 * height - 1)) if span > 0 else 1 for v in values]
    return [
        "".join(BARS[max(0, min(8, level - 8 * (height - 1 - row)))] for level in levels)
        for row in range(height)
    ]


class SmallMultiples(Contained, Widget):
    """Curves in ``columns`` columns, each ``height`` rows of bars under a title line,
    with a blank line under each row of curves; the first half (the best) are drawn in
    the theme's success colour, the others in its error colour."""

    COMPONENT_CLASSES = {
        "small-multiples--title",
        "small-multiples--best",
        "small-multiples--worst",
    }
    DEFAULT_CSS = """
    SmallMultiples > .small-multiples--title { color: $text-muted; }
    SmallMultiples > .small-multiples--best { color: $success; }
    SmallMultiples > .small-multiples--worst { color: $error; }
    """

    class Built(Message):
        """The widget's lines, built off the UI thread, and a blank line as wide."""

        def __init__(self, lines: list[Strip], blank: Strip) -> None:
            super().__init__()
            self.lines, self.blank = lines, blank

    def __init__(self, columns: int = 3, height: int = 4, gutter: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.n_columns, self.bar_rows, self.gap = columns, height, gutter
        self.curves: list[Curve] = []
        """What :meth:`show` was given last: titles and points, best first."""
        self.lines: list[Strip] = []
        self.blank = Strip([])
        self.building = False
        """A build is under way (the next one waits for it: :attr:`again`)."""
        self.again = False
        self.styles_used: tuple[Style, ...] | None = None
        """The base, title, best and worst styles (None: to be read again)."""

    def show(self, curves: list[Curve]) -> None:
        """Draw ``curves`` (best first; points are (step, loss, ...) tuples)."""
        self.curves = curves
        self.replot()

    def on_resize(self) -> None:
        self.replot()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_used = None
        self.replot()

    def replot(self) -> None:
        """Build the lines on a thread (styles and a copy of the points taken here)."""
        if self.building:
            self.again = True
            return
        width = self.size.width
        if not width or not self.is_mounted:
            return  # not laid out yet: on_resize replots
        if self.styles_used is None:  # each costs a pass over the CSS: once per theme
            self.styles_used = (
                self.rich_style,
                self.get_component_rich_style("small-multiples--title"),
                self.get_component_rich_style("small-multiples--best"),
                self.get_component_rich_style("small-multiples--worst"),
            )
        curves = [(title, list(points)) for title, points in self.curves]
        self.building = True
        build = partial(self._build, curves, width, self.size.height, self.styles_used)
        # A description: run_worker would otherwise repr() the partial, points and all.
        worker = {"name": "curves", "description": "curves", "group": f"curves-{id(self)}"}
        self.run_worker(build, thread=True, **worker)

    def _build(
        self, curves: list[Curve], width: int, height: int, styles: tuple[Style, ...]
    ) -> None:
        """Every line at ``width`` cells, in ``height`` rows (a worker thread: touches no
        widget state); a drawing error gives the placeholder line instead (logged)."""
        try:
            fault(self.where)
            lines = self._lines(curves, width, height, styles)
        except Exception as exc:  # the widget's error stays in the widget
            lines = failed_lines(record(self.where, exc), width, 1)
        self.post_message(self.Built(lines, Strip.blank(width, styles[0])))

    def _lines(
        self, curves: list[Curve], width: int, height: int, styles: tuple[Style, ...]
    ) -> list[Strip]:
        base, title_style, best, worst = styles
        gutter = self.gap
        cols = fitting_columns([title for title, _ in curves], width, self.n_columns, gutter)
        cell = max(1, (width - gutter * (cols - 1)) // cols)
        half = (len(curves) + 1) // 2
        bar_rows = fitting_rows(-(-len(curves) // cols), height, self.bar_rows)
        lines: list[Strip] = []
        for first in range(0, len(curves), cols):
            block: list[list[Segment]] = [[] for _ in range(bar_rows + 2)]
            for i, (title, points) in enumerate(curves[first : first + cols]):
                sep = [Segment(" " * gutter)] if i else []
                style = best if first + i < half else worst
                values = columns(curve([(p[0], p[1]) for p in points], 2 * cell), cell)
                rows = [fit(title, cell)] + bars(values, bar_rows) + [""]
                for line, text, seg_style in zip(
                    block, rows, [title_style] + [style] * bar_rows + [None], strict=True
                ):
                    line.extend(sep + [Segment(text.ljust(cell), seg_style)])
            lines.extend(
                Strip(segments).extend_cell_length(width).apply_style(base) for segments in block
            )
        return lines

    def on_small_multiples_built(self, message: Built) -> None:
        message.stop()
        self.building = False
        self.lines, self.blank = message.lines, message.blank
        self.refresh()
        if self.again:
            self.again = False
            self.replot()

    def render_line(self, y: int) -> Strip:
        return self.lines[y] if y < len(self.lines) else self.blank


def fitting_rows(blocks: int, height: int, most: int) -> int:
    """Bar rows per curve (up to ``most``, at least one) so that ``blocks`` rows of curves,
    each a title, its bars and a blank line (none under the last), fit ``height`` lines:
    at 80x24 a 3x2 grid's last curves lost their bottom row (where each curve ends)."""
    if blocks <= 0:
        return most
    return max(1, min(most, (height + 1) // blocks - 2))


def fitting_columns(titles: list[str], width: int, most: int, gutter: int) -> int:
    """The most columns (up to ``most``) whose cells hold every title whole (commas
    tightened, as :func:`fit` does); one when even that cannot."""
    need = max((len(tight(title)) for title in titles), default=0)
    for cols in range(most, 1, -1):
        if (width - gutter * (cols - 1)) // cols >= need:
            return cols
    return 1


def tight(title: str) -> str:
    """``title`` with no space after its commas nor after its last colon."""
    label, sep, value = title.rpartition(": ")
    return f"{label.replace(', ', ',')}:{value}" if sep else title


def fit(title: str, width: int) -> str:
    """``title`` in ``width`` cells: a ``LABEL: VALUE`` title keeps its value whole and
    shortens its label (spaces after commas, then its end: ``…`` marks the cut); the value
    alone is cut last."""
    label, sep, value = title.rpartition(": ")
    if not sep:
        return title if len(title) <= width else title[: width - 1] + "…"
    label = label.replace(", ", ",")
    for tight in (title, f"{label}: {value}", f"{label}:{value}"):  # spaces go first
        if len(tight) <= width:
            return tight
    if len(value) + 2 > width:  # no room for even "…:"
        return value[:width]
    return label[: width - len(value) - 2] + "…:" + value
