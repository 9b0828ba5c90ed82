"""The charts' views of a trainer: samples, fit line, decision grid (see :mod:`.views`).

The training loop knows nothing of charts; whoever draws (the engine process for the app,
the command line for ``--plot``) asks here, between steps, for plain-data views.
"""

from __future__ import annotations

import math

import torch
from torchplay.engine.run.views import (
    DEFAULT_GRID,
    GRID_MARGIN,
    DecisionGrid,
    Fit,
    FitLine,
    HeatGrid,
    RunView,
    Samples,
    StepView,
)
from torchplay.engine.train.snapshots import viewing

MAX_CHART_POINTS = 2000
"""The most training points a chart receives (evenly thinned beyond it)."""
FIT_POINTS = 120
"""Points along a regression fit line."""


def samples(trainer) -> Samples:
    """The training points, evenly thinned to at most :data:`MAX_CHART_POINTS`."""
    d = trainer.data
    x, y = d.x_train, d.y_train
    stride = max(1, x.shape[0] // MAX_CHART_POINTS)
    x, y = x[::stride], y[::stride]
    tx, ty = d.x_test[::stride], d.y_test[::stride]
    axes = _axes(d.columns, d.n_inputs)
    if trainer.task == "regression" and d.n_inputs == 2:
        return Samples(
            "regression",
            x[:, 0].tolist(),
            x[:, 1].tolist(),
            test_x=tx[:, 0].tolist(),
            test_y=tx[:, 1].tolist(),
            targets=y[:, 0].tolist(),
            test_targets=ty[:, 0].tolist(),
            axes=axes,
        )
    if trainer.task == "regression":
        return Samples(
            "regression",
            x[:, 0].tolist(),
            y[:, 0].tolist(),
            test_x=tx[:, 0].tolist(),
            test_y=ty[:, 0].tolist(),
            axes=axes,
        )
    return Samples(
        "classification",
        x[:, 0].tolist(),
        x[:, 1].tolist(),
        y.tolist(),
        d.n_classes,
        tx[:, 0].tolist(),
        tx[:, 1].tolist(),
        ty.tolist(),
        axes=axes,
    )


def _axes(columns: list[str], n_inputs: int) -> tuple[str, str]:
    """A CSV's column names for the chart's axes: its two inputs, or (1-D) the input and
    the target; () for generated data (the chart names them x1/x2 or x/y)."""
    if not columns or n_inputs > 2:
        return ()
    return (columns[0], columns[1]) if n_inputs == 2 else (columns[0], columns[-1])


@torch.no_grad()
def fit_line(trainer, points: int = FIT_POINTS) -> FitLine:
    """Regression with one input: the fit over the data's x range, and beyond it."""
    net = trainer.forward  # raw inputs; the features are applied
    lo, hi = trainer.data.domain
    xs = torch.linspace(lo, hi, points).unsqueeze(1)
    x_ext: list[float] = []
    y_ext: list[float] = []
    ext = trainer.spec.data.extrapolate
    if ext > 0:
        xe = torch.linspace(hi, hi + ext, max(2, points // 4)).unsqueeze(1)
        x_ext, y_ext = xe[:, 0].tolist(), net(xe)[:, 0].tolist()
    return FitLine(xs[:, 0].tolist(), net(xs)[:, 0].tolist(), x_ext, y_ext)


def _mesh(trainer, cols: int, rows: int, with_test: bool):
    """Grid columns, rows and the cells' inputs (row by row from the bottom), covering the
    training points (``with_test``: the test points too) with a 10% margin."""
    d = trainer.data
    x = torch.cat((d.x_train, d.x_test)) if with_test else d.x_train
    lo, hi = x.min(0).values, x.max(0).values
    pad = (hi - lo) * GRID_MARGIN + 1e-6
    lo, hi = lo - pad, hi + pad
    gx = torch.linspace(float(lo[0]), float(hi[0]), cols)
    gy = torch.linspace(float(lo[1]), float(hi[1]), rows)
    return gx, gy, torch.cartesian_prod(gy, gx)[:, [1, 0]]


@torch.no_grad()
def decision_grid(trainer, cols: int, rows: int) -> DecisionGrid:
    """Classification with two inputs: predicted class and confidence on a grid that
    covers the training points (with an ``outside`` test split, the test points too)."""
    outside = trainer.spec.data.test_split == "outside"
    gx, gy, mesh = _mesh(trainer, cols, rows, outside)
    conf, cls = torch.softmax(trainer.forward(mesh), 1).max(1)
    return DecisionGrid(gx.tolist(), gy.tolist(), cls.tolist(), conf.tolist())


@torch.no_grad()
def heat_grid(trainer, cols: int, rows: int) -> HeatGrid:
    """Regression with two inputs: the prediction on a grid over the training and test
    points (the heatmap shows where the network extrapolates)."""
    gx, gy, mesh = _mesh(trainer, cols, rows, True)
    return HeatGrid(gx.tolist(), gy.tolist(), trainer.forward(mesh)[:, 0].tolist())


def fit(trainer, grid: tuple[int, int] = DEFAULT_GRID) -> Fit:
    """What the data chart draws over the samples: a fit line, a decision grid or a heat
    grid of ``grid`` = (columns, rows) cells, or None for data with more inputs."""
    if trainer.task == "regression" and trainer.data.n_inputs == 1:
        return fit_line(trainer)
    if trainer.task == "regression" and trainer.data.n_inputs == 2:
        return heat_grid(trainer, *grid)
    if trainer.task == "classification" and trainer.data.n_inputs == 2:
        return decision_grid(trainer, *grid)
    return None


def run_view(trainer, name: str, grid: tuple[int, int] = DEFAULT_GRID) -> RunView:
    """One run for the compare screen."""
    return RunView(
        name, trainer.step_count, samples(trainer), fit(trainer, grid), list(trainer.history.points)
    )


def step_view(trainer, step: int, grid: tuple[int, int] = DEFAULT_GRID) -> StepView:
    """``trainer``'s snapshot nearest ``step``: its losses, metric and fit (the live
    weights are back in place afterwards)."""
    with viewing(trainer, step) as shown:
        snap = trainer.snapshot()  # its train loss is the live step's batch: not these weights'
        # The train loss the run reported at that step (its batch's, before the update),
        # as the status, --json and the loss chart say; the set's loss where none was kept.
        train = trainer.snapshots.get(shown).loss
        if train is None:
            train = trainer.train_set_loss()
        train = train if math.isfinite(train) else None
        return StepView(shown, train, snap.test_loss, snap.accuracy, snap.r2, fit(trainer, grid))
