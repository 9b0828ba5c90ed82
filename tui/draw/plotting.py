"""Drawing the engine's views on a plotext figure: one helper for the app and ``--plot``.

Functions here take the figure (``plt``: a ``textual_plotext`` widget's or the
``plotext`` module) and the typed views of :mod:`torchplay.engine.run.views`, thin lines to
about twice the width keeping each column's min and max (:mod:`~torchplay.tui.draw.decimate`),
drop non-finite values and take log10 themselves.

:func:`for_stream` fits drawn text to where it goes: escape codes only for a colour
terminal (``NO_COLOR`` and ``TERM=dumb`` honoured), ASCII stand-ins for braille, box and
shade characters the stream's encoding cannot carry.
"""

from __future__ import annotations

import math
import os
import re

from torchplay.engine.run.history import Point
from torchplay.engine.run.views import DecisionGrid, Fit, FitLine, Samples
from torchplay.tui.draw.decimate import decimate, downsample, drawable
from torchplay.tui.draw.glyphs import UNICODE, Glyphs, ascii_terminal, to_ascii
from torchplay.tui.draw.heat import draw_heat
from torchplay.tui.draw.ticks import Axes, compact_ticks, grid_extent, log_decades

CLASS_COLORS = ["blue", "red", "green", "orange", "magenta", "cyan", (150, 100, 60), "gray"]
"""Colours per class (scatter and decision regions): eight apart, as the panel's classes
field goes up to 8 (the seventh an RGB brown: plotext names no eighth colour that is not
the test points' yellow or the background's black or white)."""
TEST_COLOR = "yellow"
"""Held-out test points: this colour (as the theme renders it), and the class digit as
glyph (regression: ``T``)."""


HEAT_COLORS = ["#1a9850", "#66bd63", "#a6d96a", "#d9ef8b", "#fee08b", "#fdae61", "#f46d43"]
"""Heatmap cell backgrounds from the lowest loss (green) to the highest (orange-red)."""
DIVERGED_STYLE = "bold white on #a50026"
"""A diverged member's heatmap cell."""


def log_range(losses: list[float | None]) -> tuple[float, float]:
    """(lowest, highest) log10 of the finite, positive ``losses``; (0, 1) when none."""
    logs = [math.log10(v) for v in losses if v is not None and math.isfinite(v) and v > 0]
    return (min(logs), max(logs)) if logs else (0.0, 1.0)


def shade(loss: float, lo: float, hi: float, n: int) -> int:
    """Which of ``n`` shades ``loss`` gets on the log scale ``lo``..``hi`` (0: lowest)."""
    if not (hi > lo and loss > 0 and math.isfinite(loss)):
        return 0
    frac = (math.log10(loss) - lo) / (hi - lo)
    return max(0, min(n - 1, int(frac * n)))


def heat_style(loss: float, lo: float, hi: float) -> str:
    """A rich style for a heatmap cell holding ``loss``."""
    return f"black on {HEAT_COLORS[shade(loss, lo, hi, len(HEAT_COLORS))]}"


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
"""An ANSI escape sequence (colour, style, cursor)."""


def colour_allowed(stream) -> bool:
    """Whether ``stream`` may get colour: a terminal, with ``NO_COLOR`` unset or empty
    (no-color.org) and ``TERM`` not ``dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def for_stream(text: str, stream) -> str:
    """``text`` as ``stream`` can show it: escape codes dropped unless
    :func:`colour_allowed`; when its encoding cannot carry the text, ASCII stand-ins
    (:func:`torchplay.tui.draw.glyphs.to_ascii`: braille dots ``.``/``:``, box lines
    ``-|+``, shades ``.:#``). The same stand-ins where the app would draw ASCII
    (:func:`~torchplay.tui.draw.glyphs.ascii_terminal`: ``LANG=C``, ``TERM=linux``), although
    Python's C-locale coercion gives the stream UTF-8."""
    if not colour_allowed(stream):
        text = ANSI.sub("", text)
    if ascii_terminal():
        return to_ascii(text)
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        text = to_ascii(text)
    return text


def fit_title(title: str, width: int, label_width: int) -> str:
    """``title`` for a chart ``width`` columns wide whose y tick labels take
    ``label_width``: plotext leaves out a title longer than the plot area (the compare
    screen's at 80 columns), so a long one keeps its start and its end around a ``…``
    (``second-…@ 3,000`` keeps the step)."""
    room = width - label_width  # measured: plotext shows every title this long
    if len(title) <= room:
        return title
    if room < 3:
        return ""
    tail = (room - 1) // 2
    return title[: room - 1 - tail] + "…" + title[len(title) - tail :]


MAX_MARKS = 20
"""The most lr-drop marks a loss chart draws (the latest)."""
BASELINE_COLOR = "cyan"
"""The pinned baseline's fit line."""


def draw_loss(
    plt,
    points: list[Point],
    width: int,
    log_scale: bool = False,
    marks: list[int] = (),
    glyphs: Glyphs = UNICODE,
    height: int = 0,
    *,
    baseline: list[Point] | None = None,
    marker: int | None = None,
    lr: float | None = None,
) -> None:
    """Train and test loss against steps (markers from ``glyphs``); ``marks``: steps where
    the lr dropped (a vertical line each); a pinned ``baseline``'s train loss as a line of
    its own, and a vertical line at the step in view (``marker``, time travel). ``lr``:
    the scheduled lr now, named in the title (None: the lr field's, not named)."""
    lines = [
        (label, [(p[0], p[idx]) for p in points]) for idx, label in ((1, "train"), (2, "test"))
    ]
    markers = [glyphs.line(label) for label, _ in lines]
    if baseline:
        lines.append(("baseline", [(p[0], p[1]) for p in baseline]))
        markers.append(glyphs.run(1))
    all_x, axes = _loss_lines(plt, lines, markers, (width, height), log_scale)
    if marker is not None and all_x:
        plt.vline(marker, "magenta")
    shown = [m for m in marks[-MAX_MARKS:] if all_x and min(all_x) <= m <= max(all_x)]
    for step in shown:
        plt.vline(step, "gray")
    title = ["loss (log scale)" if log_scale else "loss"]
    if lr is not None:
        title.append(f"lr {lr:.3g}")
    if shown:
        title.append("| lr drop")
    plt.title(fit_title(" · ".join(title), width, axes.label_width))


def draw_run_losses(
    plt,
    runs: list[tuple[str, list[Point]]],
    width: int,
    log_scale: bool = False,
    glyphs: Glyphs = UNICODE,
    height: int = 0,
) -> None:
    """The train loss of several named runs on one chart (compare)."""
    lines = [(name, [(p[0], p[1]) for p in points]) for name, points in runs]
    markers = [glyphs.run(k) for k in range(len(lines))]
    _, axes = _loss_lines(plt, lines, markers, (width, height), log_scale)
    title = "train loss (log scale)" if log_scale else "train loss"
    plt.title(fit_title(title, width, axes.label_width))


def _loss_lines(
    plt, lines, markers: list[str], size: tuple[int, int], log_scale: bool
) -> tuple[list[float], Axes]:
    """Plot (label, [(step, loss or None)]) lines, with ticks in loss units and ``step``;
    returns the steps drawn and the axes set."""
    n = max(20, 2 * size[0])
    all_x, all_y, legend = [], [], 0
    for (label, pairs), marker in zip(lines, markers, strict=True):
        pts = [(s, v) for s, v in pairs if v is not None]
        if log_scale:
            pts = [(s, math.log10(v)) for s, v in pts if v > 0]
        x, y = decimate([p[0] for p in pts], [p[1] for p in pts], n)
        if x:
            plt.plot(x, y, label=label, marker=marker)
            all_x += x
            all_y += y
            legend += 1
    axes = compact_ticks(plt, all_x, all_y, log_y=log_scale, height=size[1], legend=legend)
    plt.xlabel("step")
    return all_x, axes


def draw_lr_find(plt, lrs: list[float], losses: list[float], suggested: float | None) -> None:
    """The range test: smoothed loss against the lr on a log axis, the suggestion marked."""
    pairs = [
        (math.log10(lr), loss)
        for lr, loss in zip(lrs, losses, strict=False)
        if lr > 0 and math.isfinite(lr) and math.isfinite(loss)
    ]
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    plt.plot(xs, ys, label="smoothed loss", marker="braille")
    if suggested is not None and suggested > 0:
        at = math.log10(suggested)  # not always an lr tried (min/10 is a tenth of one)
        near = min(range(len(lrs)), key=lambda i: abs(math.log10(lrs[i]) - at), default=None)
        loss = losses[near] if near is not None else math.nan
        plt.vline(at, "red")
        if math.isfinite(loss):
            plt.scatter([at], [loss], marker="@", color="red")
        plt.title(f"lr range test: suggested lr {suggested:.3g}")
    else:
        plt.title("lr range test: no suggestion (too few points)")
    x_span = compact_ticks(plt, xs, ys).x
    if x_span:  # the labels say the lr: whole decades, else the ends and the middle
        decades = log_decades(*x_span, 8)
        at = decades if len(decades) >= 2 else [x_span[0], sum(x_span) / 2, x_span[1]]
        labels = [f"1e{k}" for k in at] if len(decades) >= 2 else [f"{10**v:.2g}" for v in at]
        plt.xticks(at, labels)
    plt.xlabel("lr (log scale)")
    plt.ylabel("loss")


def draw_data(
    plt,
    samples: Samples | None,
    fit: Fit,
    width: int,
    title: str,
    *,
    show_test: bool = False,
    discrete: bool = False,
    glyphs: Glyphs = UNICODE,
    height: int = 0,
    base_fit: Fit = None,
) -> tuple[float, float, float, float] | None:
    """The regression data and fit, the classes over their decision regions, or 2-D
    regression's points over the prediction's heatmap (:mod:`.heat`); returns
    the axes' limits (x min, x max, y min, y max), None when nothing was drawn.

    ``show_test`` adds the test points (class digits / ``T``, in :data:`TEST_COLOR`); ``discrete``
    shades hard class regions instead of confidence; ``glyphs`` picks markers and shades;
    ``base_fit``, a pinned baseline's fit line, is drawn under the run's own."""
    n = max(20, 4 * width)
    all_x: list[float] = []
    all_y: list[float] = []

    legend: list[str] = []  # the labels plotext lists over the plot's top left

    def draw(kind, x, y, **style):
        x, y = (downsample if kind == "scatter" else decimate)(x, y, n)
        (plt.scatter if kind == "scatter" else plt.plot)(x, y, **style)
        all_x.extend(x)
        all_y.extend(y)
        if x and style.get("label"):
            legend.append(style["label"])

    if samples is not None and samples.targets is not None:  # 2-D regression
        cells_x, cells_y = draw_heat(plt, samples, fit, draw, glyphs, show_test)
        all_x.extend(cells_x)
        all_y.extend(cells_y)
    elif samples is not None and samples.task == "regression":
        draw("scatter", samples.x, samples.y, marker=glyphs.data, label="data", color="blue")
        if show_test and samples.test_x:
            style = {"marker": "T", "label": "test", "color": TEST_COLOR}
            draw("scatter", samples.test_x, samples.test_y, **style)
        if isinstance(base_fit, FitLine):
            style = {"label": "baseline", "color": BASELINE_COLOR, "marker": glyphs.line("fit")}
            draw("plot", base_fit.x, base_fit.y, **style)
        if isinstance(fit, FitLine):
            draw("plot", fit.x, fit.y, label="fit", color="red", marker=glyphs.line("fit"))
            if fit.x_ext:
                style = {"label": "extrapolated", "color": "magenta", "marker": "x"}
                draw("plot", fit.x_ext, fit.y_ext, **style)
    elif samples is not None:
        if isinstance(fit, DecisionGrid):
            _regions(plt, fit, discrete, glyphs)
            all_x.extend(fit.x)
            all_y.extend(fit.y)
        else:  # the grid to come: its axes already
            corners = grid_extent(samples.x, samples.y)
            all_x.extend(corners[0])
            all_y.extend(corners[1])
        n_classes = samples.n_classes or 2
        # A legend row per class: past a third of the height (8 classes at 80x24) it
        # would hide the plot, so many classes go unnamed there (their colours remain).
        named = n_classes <= max(2, height // 3) if height else True
        for c in range(n_classes):
            sel = [
                (a, b)
                for a, b, k in zip(samples.x, samples.y, samples.labels or [], strict=False)
                if k == c
            ]
            draw(
                "scatter",
                [p[0] for p in sel],
                [p[1] for p in sel],
                marker=glyphs.point(c),
                label=f"class {c}" if named else None,
                color=CLASS_COLORS[c % len(CLASS_COLORS)],
            )
        if show_test and samples.test_x:
            for c in range(samples.n_classes or 2):
                sel = [
                    (a, b)
                    for a, b, k in zip(
                        samples.test_x, samples.test_y, samples.test_labels or [], strict=False
                    )
                    if k == c
                ]
                if sel:
                    xs, ys = [p[0] for p in sel], [p[1] for p in sel]
                    draw("scatter", xs, ys, marker=str(c % 10), color=TEST_COLOR)
    x_span, y_span, label_width = compact_ticks(
        plt, all_x, all_y, height=height, legend=len(legend)
    )
    limits = None  # for a click to map back to data: only where the data span an area
    if x_span and y_span and min(all_x) < max(all_x) and min(all_y) < max(all_y):
        limits = (*x_span, *y_span)
    plt.title(fit_title(title, width, label_width))
    if samples is not None:
        x_name, y_name = samples.axes or (("x1", "x2") if samples.two_inputs else ("x", "y"))
        plt.xlabel(x_name)
        plt.ylabel(y_name)
    return limits


def _regions(plt, grid: DecisionGrid, discrete: bool, glyphs: Glyphs) -> None:
    """Shade each grid cell by predicted class; denser glyph = more confident
    (``discrete``: one solid glyph, the hard class regions; see :meth:`Glyphs.region`)."""
    xs, ys = grid.x, grid.y
    cols = len(xs)
    bands: dict[tuple[int, str], tuple[list, list]] = {}
    for i, (cls, conf) in enumerate(zip(grid.labels, grid.confidence, strict=False)):
        if i // cols >= len(ys) or not (drawable(xs[i % cols]) and drawable(ys[i // cols])):
            continue
        glyph = glyphs.region(cls, conf, discrete)
        bx, by = bands.setdefault((cls, glyph), ([], []))
        bx.append(xs[i % cols])
        by.append(ys[i // cols])
    for (cls, glyph), (bx, by) in sorted(bands.items()):
        plt.scatter(bx, by, marker=glyph, color=CLASS_COLORS[cls % len(CLASS_COLORS)])
