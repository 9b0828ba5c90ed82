"""Plotext charts printed to stdout at the end of a headless run (``train --plot``, ``lr-find --plot``).

The same drawing as the app's charts (:mod:`torchplay.tui.draw.plotting`), on plotext's
module-level figure, fitted to the output by :func:`torchplay.tui.draw.plotting.for_stream`
(no escape codes in pipes or under ``NO_COLOR``, ASCII where the encoding needs it).
"""

from __future__ import annotations

import sys

import plotext as plt
from torchplay.engine.run.history import Point
from torchplay.tui.draw.plotting import draw_data, draw_loss, draw_lr_find, for_stream


def _figure(width: int, height: int):
    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    return plt


def loss_chart(
    points: list[Point], width: int = 80, height: int = 15, marks: list[int] = ()
) -> str:
    """The loss curve; ``marks``: steps where the lr dropped."""
    draw_loss(_figure(width, height), points, width, marks=marks, height=height)
    return plt.build()


def lr_find_chart(test, width: int = 80, height: int = 18) -> str:
    """An :class:`torchplay.engine.train.lrfind.RangeTest`'s curve with its suggestion marked."""
    draw_lr_find(_figure(width, height), test.lrs, test.losses, test.suggested_lr)
    return plt.build()


def fit_chart(trainer, width: int = 80, height: int = 20) -> str:
    """The trainer's data with its fit line, decision regions or heatmap (a grid cell for
    every character of the figure, as the app's: the plot area, smaller, gets no gaps)."""
    from torchplay.engine.train import probes

    fit = probes.fit(trainer, grid=(max(2, width), max(2, height)))
    title = "regression fit" if trainer.task == "regression" else "classification"
    if trainer.task == "regression" and trainer.data.n_inputs == 2:
        title = "regression: the prediction as a heatmap"
    draw_data(_figure(width, height), probes.samples(trainer), fit, width, title, height=height)
    return plt.build()


def show(chart: str, stream=None) -> None:
    """Print a built chart to ``stream`` (default: stdout) as the stream can show it."""
    stream = stream or sys.stdout
    print(for_stream(chart, stream), file=stream)


def print_charts(trainer, stream=None) -> None:
    """Print the loss chart and the fit chart to ``stream`` (default: stdout)."""
    marks = trainer.schedule.drops_until(trainer.step_count)  # where the lr dropped
    show(loss_chart(trainer.history.points, marks=marks), stream)
    show(fit_chart(trainer), stream)
