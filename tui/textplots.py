"""Plotext charts printed to stdout at the end of a headless run (``train --plot``, ``lr-find --plot``).

The same drawing as the app's charts (:mod:`torchplay.tui.plotting`), on plotext's
module-level figure.
"""

from __future__ import annotations

import plotext as plt
from torchplay.engine.history import Point
from torchplay.tui.plotting import draw_data, draw_loss, draw_lr_find


def _figure(width: int, height: int):
    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    return plt


def loss_chart(
    points: list[Point], width: int = 80, height: int = 15, marks: list[int] = ()
) -> str:
    """The loss curve; ``marks``: steps where the lr dropped."""
    draw_loss(_figure(width, height), points, width, marks=marks)
    return plt.build()


def lr_find_chart(test, width: int = 80, height: int = 18) -> str:
    """An :class:`torchplay.engine.lrfind.RangeTest`'s curve with its suggestion marked."""
    draw_lr_find(_figure(width, height), test.lrs, test.losses, test.suggested_lr)
    return plt.build()


def fit_chart(trainer, width: int = 80, height: int = 20) -> str:
    """The trainer's data with its fit line or decision regions (one cell per character)."""
    from torchplay.engine import probes

    fit = probes.fit(trainer, grid=(max(2, width - 10), max(2, height - 4)))
    title = "regression fit" if trainer.task == "regression" else "classification"
    draw_data(_figure(width, height), probes.samples(trainer), fit, width, title)
    return plt.build()
