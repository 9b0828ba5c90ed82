"""Charts: textual-plotext widgets redrawn with the replot() idiom.

Series stay plain lists; each redraw clears, downsamples to about twice the width, drops
non-finite values and takes log10 itself. The series are set on the UI thread; the
frame itself (plotext's build and the ANSI parse, 7-10 ms) is made on a worker thread,
one at a time per chart, so the event loop stays responsive while charts update.

plotext keeps state shared between figures (its defaults and themes), so one chart's build
on a worker thread raced another chart's ``clear_figure`` on the UI thread ("dictionary
changed size during iteration", which ended the app). :data:`PLOTEXT` serializes every
use of plotext: a build holds it; the UI thread never waits for it, it tries again on the
next tick.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual.message import Message
from textual_plotext import PlotextPlot
from torchplay.engine.run.history import History
from torchplay.engine.run.views import Fit, Samples
from torchplay.tui.app.widgets.contained import Contained
from torchplay.tui.app.widgets.terminal import changed_rows, row_regions
from torchplay.tui.draw.contain import fault, record
from torchplay.tui.draw.glyphs import Glyphs
from torchplay.tui.draw.plotting import MAX_MARKS, draw_data, draw_loss

PLOTEXT = threading.Lock()
"""Held by whoever uses plotext: a chart's build (worker thread) or its figure's set-up."""
RETRY = 0.01
"""Seconds before a replot tries again when another chart's build holds :data:`PLOTEXT`."""


class Chart(Contained, PlotextPlot):
    """A plotext chart whose frames are built off the UI thread.

    Subclasses fill ``plt`` in :meth:`plot` (UI thread). :meth:`replot` calls it and
    hands the build to a thread; while a build runs, the figure is left alone and a new
    replot waits for it. A drawing error (in :meth:`plot`, the build or the render) shows
    as one placeholder line in the chart, logged (:mod:`torchplay.tui.draw.contain`).
    """

    class Built(Message):
        """A frame: its lines (ANSI), the rows that differ from the shown frame's, and
        the parsed text (None when no row differs)."""

        def __init__(self, text: Text | None, lines: list[str], rows: list[int]) -> None:
            super().__init__()
            self.text, self.lines, self.rows = text, lines, rows

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frame = Text("")
        self.lines: list[str] = []
        """The shown frame's lines as plotext built them (ANSI)."""
        self.shown = 0
        """Frames that changed what the terminal shows (the bench counts them)."""
        self.built = 0
        """Builds finished, changed or not (a test waits for the build after a replot)."""
        self.building = False
        self.again = False
        self.due = False
        """A replot waits for another chart's build to release plotext (a tick away)."""

    def plot(self, plt) -> None:
        """Put the series on ``plt`` (already cleared)."""

    @property
    def glyphs(self) -> Glyphs:
        """Markers and shades for this terminal: the app's ``ascii`` (plain characters)
        and Textual's ``no_color`` (``NO_COLOR``: glyphs must tell series apart)."""
        return Glyphs(ascii=getattr(self.app, "ascii", False), mono=self.app.no_color)

    def on_resize(self) -> None:
        self.replot()  # downsampling and the figure depend on the size

    def replot(self) -> None:
        self.due = False
        if self.building:
            self.again = True
            return
        width, height = self.size
        if not width or not height:
            return  # not laid out yet: on_resize replots
        if not PLOTEXT.acquire(blocking=False):  # another chart is building: never wait
            self.due = True
            self.set_timer(RETRY, self.replot)
            return
        try:
            plt = self.plt
            plt.clear_data()
            plt.clear_figure()
            fault(self.where)
            self.plot(plt)
            self._size_and_theme(width, height)
        except Exception as exc:  # a chart's error stays in the chart
            self.show_error(record(self.where, exc))
            return
        finally:
            PLOTEXT.release()
        self.building = True
        self.run_worker(self._build, thread=True, group=f"plot-{id(self)}")

    def show_error(self, line: str) -> None:
        """Show the placeholder ``line`` instead of a frame."""
        self.frame, self.lines = Text(line), [line]
        self.shown += 1
        self.refresh()

    def _size_and_theme(self, width: int, height: int) -> None:
        """What ``PlotextPlot.render()`` does before plotext builds a frame; it has no
        public API, so this adapter calls its private parts (textual-plotext==1.0.1, pinned
        in constraints.txt; the size is set twice, see textual-plotext issue #5)."""
        self.plt.plotsize(width, height)
        self.plt._set_size(width, height)
        self.plt.theme(self._get_plotext_theme_name(self.app.theme))

    def _build(self) -> None:
        # Builds never overlap (see replot), and self.lines changes only between them.
        try:
            with PLOTEXT:
                lines = self.plt.build().split("\n")
        except IndexError:  # plotext==5.3.2 on a one-point dataset (samples = 1)
            lines = ["(too few points to draw)"]
        except Exception as exc:  # a chart's error stays in the chart
            lines = [record(self.where, exc)]
        rows = changed_rows(self.lines, lines)
        text = Text.from_ansi("\n".join(lines)) if rows else None
        self.post_message(self.Built(text, lines, rows))

    def on_chart_built(self, message: Built) -> None:
        """Show a frame, repainting only its rows that changed (each repainted row is
        bytes on the wire; an unchanged frame costs none)."""
        message.stop()
        self.building = False
        self.built += 1
        if message.text is not None:
            self.frame, self.lines = message.text, message.lines
            self.shown += 1
            self.refresh(*row_regions(message.rows, len(message.lines), self.size.width))
        if self.again:
            self.again = False
            self.replot()

    def render(self) -> Text:
        return self.frame


class LossChart(Chart):
    """Train and test loss against steps, optionally on a log scale, with a mark where a
    held learning rate dropped (a ``step`` or ``plateau`` schedule)."""

    def show(self, points: list) -> None:
        """Start over from ``points`` (a run was built or loaded)."""
        self.history = History()
        self.marks: list[int] = []
        self._lrs: tuple[float | None, float | None] = (None, None)
        self.lr: float | None = None
        """The scheduled lr now, named in the title; None while no schedule moves it."""
        self.extend(points)

    def extend(
        self, points: list, lrs: list[float] | None = None, lr_now: float | None = None
    ) -> None:
        """Add ``points``; ``lrs``, the lr of each (a snapshot's ``lrs``), places marks;
        with them, ``lr_now`` is the lr the next step runs with (the title names it)."""
        for point in points:
            self.history.add(tuple(point))
        if lrs:
            self._mark_drops(points, lrs)
            self.lr = lr_now

    def _mark_drops(self, points: list, lrs: list[float]) -> None:
        # A change after two equal lrs is a drop; an lr that changes at every point
        # (cosine, exponential) marks nothing.
        before, last = self._lrs
        for point, lr in zip(points, lrs, strict=False):
            if last is not None and lr != last and before == last:
                self.marks.append(point[0])
            before, last = last, lr
        self._lrs = (before, last)
        del self.marks[:-MAX_MARKS]

    @property
    def points(self) -> list:
        return self.history.points

    def on_mount(self) -> None:
        self.log_scale = False
        self.baseline: list = []
        """A pinned baseline's loss history, drawn as a curve of its own."""
        self.marker: int | None = None
        """The step in view (time travel), marked with a vertical line."""
        self.show([])  # the history is bounded: halves its resolution past 1,000 points

    def plot(self, plt) -> None:
        width, height = self.size
        args = (self.log_scale, self.marks, self.glyphs, height)
        draw_loss(
            plt,
            self.history.points,
            width,
            *args,
            baseline=self.baseline,
            marker=self.marker,
            lr=self.lr,
        )


class DataChart(Chart):
    """The regression fit, or the classification scatter over its decision boundary."""

    class Resized(Message):
        """The plot area of ``chart`` is now about ``cols`` x ``rows`` characters."""

        def __init__(self, chart: DataChart, cols: int, rows: int) -> None:
            super().__init__()
            self.chart, self.cols, self.rows = chart, cols, rows

        @property
        def control(self) -> DataChart:
            """The chart (so ``@on(DataChart.Resized, "#id")`` picks one chart)."""
            return self.chart

    def on_mount(self) -> None:
        self.samples: Samples | None = None
        self.fit: Fit = None
        self.heading = ""
        self.show_test = False
        """Draw the held-out test points too (the app's ``t``)."""
        self.discrete = False
        """Hard class regions instead of confidence shading (the app's ``d``)."""
        self.base_fit: Fit = None
        """A pinned baseline's fit line, drawn beside the run's own (regression)."""
        self.limits: tuple[float, float, float, float] | None = None
        """The axes' limits of the last figure (x min, x max, y min, y max)."""

    def show(self, samples: Samples | None, fit: Fit = None, heading: str = "") -> None:
        """New views to draw (at the next :meth:`replot`)."""
        self.samples, self.fit, self.heading = samples, fit, heading

    @property
    def grid_size(self) -> tuple[int, int]:
        """The decision-grid cells this chart asks for: one per character of the whole
        widget. The plot area is smaller (the axes and their labels, whose width varies with
        the ticks, take the rest), so every character column and row of it receives at least
        one cell: no blank stripes (a grid sized to a guessed plot area left one or two)."""
        return max(2, self.size.width), max(2, self.size.height)

    def on_resize(self) -> None:
        self.post_message(self.Resized(self, *self.grid_size))
        super().on_resize()

    def plot(self, plt) -> None:
        self.limits = draw_data(
            plt,
            self.samples,
            self.fit,
            self.size.width,
            self.heading,
            show_test=self.show_test,
            discrete=self.discrete,
            glyphs=self.glyphs,
            height=self.size.height,
            base_fit=self.base_fit,
        )
