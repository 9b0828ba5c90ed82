"""Charts: textual-plotext widgets redrawn with the replot() idiom.

Series stay plain lists; each redraw clears, downsamples to about twice the width, drops
non-finite values and takes log10 itself. The series are set on the UI thread; the
frame itself (plotext's build and the ANSI parse, 7-10 ms) is made on a worker thread,
one at a time per chart, so the event loop stays responsive while charts update.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.message import Message
from textual_plotext import PlotextPlot
from torchplay.engine.history import History
from torchplay.tui.textplots import GLYPHS, downsample

CLASS_COLORS = ["blue", "red", "green", "orange", "magenta", "cyan"]


def compact_ticks(plt, xs: list[float], ys: list[float], n: int = 5) -> None:
    """Tick labels of at most ~9 characters: plotext prints every digit of 1e35."""
    for values, ticks in ((xs, plt.xticks), (ys, plt.yticks)):
        if not values:
            continue
        lo, hi = min(values), max(values)
        if hi == lo:
            hi = lo + 1.0
        at = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
        ticks(at, [f"{v:.3g}" for v in at])


class Chart(PlotextPlot):
    """A plotext chart whose frames are built off the UI thread.

    Subclasses fill ``plt`` in :meth:`plot` (UI thread). :meth:`replot` calls it and
    hands the build to a thread; while a build runs, the figure is left alone and a new
    replot waits for it.
    """

    class Built(Message):
        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frame = Text("")
        self.building = False
        self.again = False

    def plot(self, plt) -> None:
        """Put the series on ``plt`` (already cleared)."""

    def on_resize(self) -> None:
        self.replot()  # downsampling and the figure depend on the size

    def replot(self) -> None:
        if self.building:
            self.again = True
            return
        width, height = self.size
        if not width or not height:
            return  # not laid out yet: on_resize replots
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self.plot(plt)
        plt.plotsize(width, height)
        plt._set_size(width, height)  # as textual-plotext's own render() does
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        self.building = True
        self.run_worker(self._build, thread=True, group=f"plot-{id(self)}")

    def _build(self) -> None:
        self.post_message(self.Built(Text.from_ansi(self.plt.build())))

    def on_chart_built(self, message: Built) -> None:
        message.stop()
        self.frame, self.building = message.text, False
        self.refresh()
        if self.again:
            self.again = False
            self.replot()

    def render(self) -> Text:
        return self.frame


class LossChart(Chart):
    """Train and test loss against steps, optionally on a log scale."""

    def show(self, points: list) -> None:
        """Start over from ``points`` (a run was built or loaded)."""
        self.history = History()
        self.extend(points)

    def extend(self, points: list) -> None:
        for point in points:
            self.history.add(tuple(point))

    @property
    def points(self) -> list:
        return self.history.points

    def on_mount(self) -> None:
        self.history = History()  # bounded: halves its resolution past 1,000 points
        self.log_scale = False

    def plot(self, plt) -> None:
        n = max(20, 2 * self.size.width)
        all_x, all_y = [], []
        for idx, label in ((1, "train"), (2, "test")):
            pts = [(p[0], p[idx]) for p in self.history.points if p[idx] is not None]
            if self.log_scale:
                pts = [(s, math.log10(v)) for s, v in pts if v > 0]
            x, y = downsample([p[0] for p in pts], [p[1] for p in pts], n)
            if x:
                plt.plot(x, y, label=label, marker="braille")
                all_x += x
                all_y += y
        compact_ticks(plt, all_x, all_y)
        plt.title("log10 loss" if self.log_scale else "loss")
        plt.xlabel("step")


class DataChart(Chart):
    """The regression fit, or the classification scatter over its decision boundary."""

    class Resized(Message):
        """The plot area is now about ``cols`` x ``rows`` characters."""

        def __init__(self, cols: int, rows: int) -> None:
            super().__init__()
            self.cols, self.rows = cols, rows

    def on_mount(self) -> None:
        self.samples: dict = {}
        self.chart: dict = {}
        self.kind = "regression"
        self.heading = ""

    def on_resize(self) -> None:
        # Axes and labels take about 10 columns and 4 rows of the widget.
        self.post_message(self.Resized(max(2, self.size.width - 10), max(2, self.size.height - 4)))
        super().on_resize()

    def plot(self, plt) -> None:
        n = max(20, 4 * self.size.width)
        all_x: list[float] = []
        all_y: list[float] = []

        def draw(kind, x, y, **style):
            x, y = downsample(x, y, n)
            (plt.scatter if kind == "scatter" else plt.plot)(x, y, **style)
            all_x.extend(x)
            all_y.extend(y)

        if self.kind == "regression" and self.samples:
            draw(
                "scatter",
                self.samples["x"],
                self.samples["y"],
                marker="dot",
                label="data",
                color="blue",
            )
            fit = self.chart.get("fit")
            if fit:
                draw("plot", fit["x"], fit["y"], label="fit", color="red", marker="braille")
                if fit["x_ext"]:
                    draw(
                        "plot",
                        fit["x_ext"],
                        fit["y_ext"],
                        label="extrapolated",
                        color="magenta",
                        marker="x",
                    )
        elif self.samples:
            grid = self.chart.get("grid")
            if grid:
                self._boundary(grid)
                all_x.extend(grid["x"])
                all_y.extend(grid["y"])
            for c in range(self.samples.get("n_classes", 2)):
                sel = [
                    (a, b)
                    for a, b, cl in zip(
                        self.samples["x"], self.samples["y"], self.samples["cls"], strict=False
                    )
                    if cl == c
                ]
                draw(
                    "scatter",
                    [p[0] for p in sel],
                    [p[1] for p in sel],
                    marker=GLYPHS[c % len(GLYPHS)],
                    label=f"class {c}",
                    color=CLASS_COLORS[c % len(CLASS_COLORS)],
                )
        compact_ticks(plt, all_x, all_y)
        plt.title(self.heading)

    def _boundary(self, grid: dict) -> None:
        """Shade each grid cell by predicted class; denser glyph = more confident."""
        xs, ys = grid["x"], grid["y"]
        cols = len(xs)
        bands: dict[tuple[int, str], tuple[list, list]] = {}
        for i, (cls, conf) in enumerate(zip(grid["cls"], grid["conf"], strict=False)):
            glyph = "░" if conf < 0.75 else "▒" if conf < 0.95 else "▓"
            bx, by = bands.setdefault((cls, glyph), ([], []))
            bx.append(xs[i % cols])
            by.append(ys[i // cols])
        for (cls, glyph), (bx, by) in sorted(bands.items()):
            self.plt.scatter(bx, by, marker=glyph, color=CLASS_COLORS[cls % len(CLASS_COLORS)])
