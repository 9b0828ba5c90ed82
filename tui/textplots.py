"""Plotext charts printed to stdout at the end of a headless run (``train --plot``)."""

from __future__ import annotations

import math

import plotext as plt

GLYPHS = ["o", "x", "+", "*", "#", "@"]


def downsample(xs: list[float], ys: list[float], n: int) -> tuple[list[float], list[float]]:
    """About ``n`` finite points, evenly strided (charts never need more than ~2x width).

    Strides first with C-level slicing, then drops non-finite values, so a million points
    cost a few milliseconds.
    """
    if len(xs) > n:
        stride = -(-len(xs) // n)
        xs, ys = xs[::stride] + xs[-1:], ys[::stride] + ys[-1:]
    pts = [(x, y) for x, y in zip(xs, ys, strict=False) if math.isfinite(x) and math.isfinite(y)]
    return [p[0] for p in pts], [p[1] for p in pts]


def loss_chart(points: list[tuple], width: int = 80, height: int = 15) -> str:
    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    steps = [p[0] for p in points]
    x, y = downsample(steps, [p[1] for p in points], 2 * width)
    if x:
        plt.plot(x, y, label="train")
    test = [(p[0], p[2]) for p in points if p[2] is not None]
    if test:
        tx, ty = downsample([t[0] for t in test], [t[1] for t in test], 2 * width)
        plt.plot(tx, ty, label="test")
    plt.title("loss")
    plt.xlabel("step")
    return plt.build()


def fit_chart(trainer, width: int = 80, height: int = 20) -> str:
    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    pts = trainer.points()
    if trainer.task == "regression":
        xs = [r[0] for r in pts["x"]]
        ys = [r[0] for r in pts["y"]]
        x, y = downsample(xs, ys, 4 * width)
        plt.scatter(x, y, marker="dot", label="data")
        fit = trainer.fit_line()
        plt.plot(fit["x"], fit["y"], label="fit")
        if fit["x_ext"]:
            plt.plot(fit["x_ext"], fit["y_ext"], label="extrapolated", marker="x")
        plt.title("regression fit")
    else:
        for c in range(trainer.data.n_classes):
            sel = [r for r, k in zip(pts["x"], pts["y"], strict=False) if k == c]
            x, y = downsample([r[0] for r in sel], [r[1] for r in sel], 4 * width)
            plt.scatter(x, y, marker=GLYPHS[c % len(GLYPHS)], label=f"class {c}")
        plt.title("classification")
    return plt.build()
