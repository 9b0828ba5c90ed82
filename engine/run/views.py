"""What the charts show, as typed plain data: the engine produces these, the UI draws them.

Frozen dataclasses of Python floats and lists (never tensors), so they cross the engine
process's pipe as they are, and a wrong field is a type error rather than a blank chart.
No torch here: :mod:`torchplay.engine.train.probes` computes them from a trainer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torchplay.engine.run.history import Point


@dataclass(frozen=True)
class Samples:
    """The training points, as the data chart scatters them.

    Regression: ``x`` the input, ``y`` the target. Classification: ``x`` and ``y`` the two
    inputs and ``labels`` the class of each point. 2-D regression (``plane``, ``gauss2d``,
    a CSV of two inputs): ``x`` and ``y`` the two inputs and ``targets`` each point's target.
    """

    task: str
    """regression or classification."""
    x: list[float]
    """Regression: the input. Classification: the first input."""
    y: list[float]
    """Regression: the target. Classification: the second input."""
    labels: list[int] | None = None
    """Classification: each point's class."""
    n_classes: int = 0
    """Classification: how many classes there are (some may have no point shown)."""
    test_x: list[float] = field(default_factory=list)
    """The held-out test points, as ``x`` (empty without a test set)."""
    test_y: list[float] = field(default_factory=list)
    """The test points, as ``y``."""
    test_labels: list[int] | None = None
    """Classification: each test point's class."""
    targets: list[float] | None = None
    """2-D regression: each point's target (None: the data is not 2-D regression)."""
    test_targets: list[float] | None = None
    """2-D regression: each test point's target."""
    axes: tuple[str, str] = ()
    """The chart's x and y axis names: a CSV's columns; () = x1/x2 (two inputs) or x/y."""

    @property
    def two_inputs(self) -> bool:
        """Whether ``x`` and ``y`` are two inputs (classification, 2-D regression)."""
        return self.task != "regression" or self.targets is not None


@dataclass(frozen=True)
class FitLine:
    """A regression network's predictions over the data's x range, and beyond it."""

    x: list[float]
    y: list[float]
    x_ext: list[float]
    """Where the network extrapolates (empty unless the spec asks for it)."""
    y_ext: list[float]


@dataclass(frozen=True)
class DecisionGrid:
    """A classifier's predicted class and confidence on a ``cols`` x ``rows`` grid.

    Cell ``i`` lies at ``(x[i % cols], y[i // cols])``.
    """

    x: list[float]
    """Column centres, left to right."""
    y: list[float]
    """Row centres, bottom to top."""
    labels: list[int]
    """The predicted class of each cell, row by row."""
    confidence: list[float]
    """The predicted class's probability in each cell."""

    @property
    def size(self) -> tuple[int, int]:
        """(columns, rows)."""
        return len(self.x), len(self.y)


@dataclass(frozen=True)
class HeatGrid:
    """A 2-D regression network's prediction on a ``cols`` x ``rows`` grid (a heatmap).

    Cell ``i`` lies at ``(x[i % cols], y[i // cols])``, as in :class:`DecisionGrid`.
    """

    x: list[float]
    """Column centres, left to right."""
    y: list[float]
    """Row centres, bottom to top."""
    values: list[float]
    """The prediction in each cell, row by row."""

    @property
    def size(self) -> tuple[int, int]:
        """(columns, rows)."""
        return len(self.x), len(self.y)


DEFAULT_GRID = (60, 20)
"""Decision-grid cells (columns, rows) until a chart says how big it is."""
GRID_MARGIN = 0.1
"""A decision or heat grid covers its points' range and this part of it on each side
(the data chart's axes take the same area before the grid comes)."""

Fit = FitLine | DecisionGrid | HeatGrid | None
"""What the data chart draws over the samples (None for data it cannot draw in 2-D)."""


@dataclass(frozen=True)
class RunView:
    """One saved run as the compare screen shows it."""

    name: str
    """Where it came from (a checkpoint path)."""
    step: int
    samples: Samples
    fit: Fit
    points: list[Point]
    """Its loss history."""


@dataclass(frozen=True)
class StepView:
    """A run's weights at one step, as the charts and the status line show them: a
    snapshot in view (time travel) or a pinned baseline beside the live run."""

    step: int
    train_loss: float | None
    test_loss: float | None
    accuracy: float | None
    r2: float | None
    fit: Fit = None


@dataclass(frozen=True)
class Neuron:
    """One hidden neuron: its output over the input plane (or along x), and where it
    sends it."""

    values: list[float]
    """Its activation at each grid cell, row by row from the top (1-D inputs: along x)."""
    out_sum: float
    """The sum of its outgoing weights: their sign."""
    out_norm: float
    """The size of its outgoing weights (their L2 norm)."""


@dataclass(frozen=True)
class NeuronView:
    """Every hidden neuron of a network, layer by layer (TF Playground's network view)."""

    step: int
    cols: int
    """Grid columns (1-D inputs: points along x)."""
    rows: int
    """Grid rows (1 for 1-D inputs: a curve)."""
    layers: list[list[Neuron]]
    activation: str


@dataclass(frozen=True)
class LayerBar:
    """One Linear layer's gradient flow (see :mod:`torchplay.engine.train.health`)."""

    weight_norm: float
    grad_norm: float
    """The full-batch weight-gradient norm on the training set."""
    flow: str
    """ok, vanishing or exploding."""
    dead_units: list[int]
    units: int
    """The layer's width (its output units)."""
    weights: tuple[float, float, list[int]] = (0.0, 0.0, [])
    """The weights' histogram: (low, high, counts of equal bins)."""
    activations: tuple[float, float, list[int]] = (0.0, 0.0, [])
    """The layer's outputs on the training set, as a histogram."""


@dataclass(frozen=True)
class Strip:
    """One quantity of one layer over the snapshots: ``counts[c]`` is column ``c``'s
    histogram (bins from ``low`` up to ``high``, shared by every column)."""

    low: float
    high: float
    counts: list[list[int]]


@dataclass(frozen=True)
class Strips:
    """The health view over time (:mod:`torchplay.engine.train.strips`): a column per
    snapshot in ``steps``, each Linear layer's weights and outputs."""

    steps: list[int]
    weights: list[Strip]
    outputs: list[Strip]


@dataclass(frozen=True)
class HealthView:
    """The health view of the weights in view: a bar per Linear layer and, for
    classification, the training set's confusion matrix (rows true, columns predicted)."""

    step: int
    layers: list[LayerBar]
    confusion: list[list[int]] | None = None
    strips: Strips | None = None
    """Each layer's weights and outputs over the snapshots (None: not computed)."""


@dataclass(frozen=True)
class UnitView:
    """One hidden unit's numbers, for neuron surgery (the neuron view's Enter)."""

    step: int
    layer: int
    """The hidden layer, from 1."""
    unit: int
    """The unit in its layer, from 1."""
    status: str
    """alive, killed, frozen, or killed, frozen."""
    bias: float
    incoming: list[float]
    """Its weights from each unit of the layer before (layer 1: each input feature)."""
    outgoing: list[float]
    """Its weights to each unit of the layer after (the last hidden layer: each output)."""
    in_names: list[str]
    """What each incoming weight comes from: ``x1``, ``x2sq``, ``h1.3``."""
    out_names: list[str]
    """What each outgoing weight goes to: ``h2.1``, ``out1``."""
    loss: float | None
    """The training set's loss with these weights."""
    metric: float | None
    """Accuracy (classification) or R² (regression), as the status line measures it."""
    live: bool = True
    """Whether these are the live weights (False: a time-travel snapshot's)."""


@dataclass(frozen=True)
class WarpView:
    """The representation view (ConvNetJS's warped space): the training points and a grid
    of lines over the input plane, as two units of one hidden layer map them."""

    step: int
    layer: int
    """The hidden layer, from 1."""
    units: tuple[int, int]
    """The units on the x and y axes, from 1."""
    widths: list[int]
    """Every hidden layer's width (to choose others)."""
    x: list[float]
    """Each training point's value of the x unit."""
    y: list[float]
    """Each training point's value of the y unit."""
    labels: list[int] | None
    """Classification: each point's class; regression: None."""
    lines: list[tuple[list[float], list[float]]]
    """The input plane's grid lines (1-D data: the x axis), each mapped point by point."""
    activation: str = ""
    """The layer's activation, for the title."""


def grid_size(cols: int, rows: int) -> tuple[int, int]:
    """One decision-grid cell per character of a chart: finer is wasted work."""
    return max(2, min(cols, 400)), max(2, min(rows, 200))
