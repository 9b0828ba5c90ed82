"""The data part of a run's spec: :class:`DataSpec`, the built-in dataset names and the
task each one is. Torch-free (see :mod:`torchplay.engine.run.spec`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torchplay.engine.run import datafields
from torchplay.engine.run.errors import SpecError
from torchplay.engine.run.fieldinfo import INTEGER, NUMBER, POINTS, fieldinfo, letters
from torchplay.engine.run.validate import choice, integer, number

REGRESSION_1D_DATASETS = ("square", "quadratic", "sine", "cubic", "abs")
"""Synthetic regression datasets with one input."""
REGRESSION_2D_DATASETS = ("plane", "gauss2d")
"""Synthetic regression datasets with two inputs (TF Playground's plane and Gaussian):
drawn as a heatmap of the prediction (:mod:`torchplay.engine.train.synthetic`)."""
REGRESSION_DATASETS = REGRESSION_1D_DATASETS + REGRESSION_2D_DATASETS
"""Synthetic regression datasets: one output."""
CLASSIFICATION_DATASETS = ("clouds", "blobs", "moons", "circles", "xor", "spiral")
"""Synthetic classification datasets: two inputs, one class label."""
DATASETS = REGRESSION_DATASETS + CLASSIFICATION_DATASETS
"""Every built-in dataset name."""
TASKS = ("auto", "regression", "classification")
TEST_SPLITS = ("random", "outside")
"""How the test points are chosen: at random, or ``outside`` the training region."""
CLASS_DATASETS = ("blobs", "spiral")
"""The datasets whose number of classes ``data.classes`` sets (the others have two)."""

MAX_SAMPLES = 1_000_000
MAX_CLASSES = 20


def task_of(dataset: str) -> str:
    """The task ('regression' or 'classification') of a built-in dataset name."""
    if dataset in REGRESSION_DATASETS:
        return "regression"
    if dataset in CLASSIFICATION_DATASETS:
        return "classification"
    raise SpecError("data.dataset", dataset, "not a built-in dataset")


def inputs_of(dataset: str) -> int:
    """How many raw inputs a built-in dataset has: 1 for 1-D regression, else 2."""
    return 1 if dataset in REGRESSION_1D_DATASETS else 2


@dataclass(frozen=True)
class DataSpec:
    """Where the training data comes from."""

    dataset: str = fieldinfo(
        "square",
        flag="--dataset",
        metavar="NAME",
        help=f"built-in dataset ({', '.join(DATASETS)}) or csv:PATH",
        label="dataset",
        chars=None,
        parse=str,
        choices=DATASETS,
    )
    """A built-in dataset name, or ``csv:PATH`` for numeric columns in a CSV file."""
    samples: int = fieldinfo(
        100,
        flag="--samples",
        metavar="N",
        help="generated points",
        label="samples",
        chars=INTEGER,
        parse=int,
    )
    """Number of generated points (all classes together); ignored for CSV."""
    noise: float = fieldinfo(
        0.2,
        flag="--noise",
        metavar="F",
        help="noise scale",
        label="noise",
        chars=NUMBER,
        parse=float,
    )
    """Noise scale: U[0, noise) added to regression targets, the spread of class clouds."""
    test_fraction: float = fieldinfo(
        0.0,
        flag="--test-fraction",
        metavar="F",
        help="fraction held out for the test loss, 0-0.9",
        label="test frac",
        chars=NUMBER,
        parse=float,
    )
    """Fraction of the points held out for the test loss (0 = train on all, as the tutorial)."""
    test_split: str = fieldinfo(
        "random",
        flag="--test-split",
        metavar="HOW",
        help="which points the test fraction holds out: random, or outside (beyond the "
        "training region, to show extrapolation)",
        label="test split",
        chars=letters(*TEST_SPLITS),
        parse=str,
        choices=TEST_SPLITS,
    )
    """``random``: a seeded random sample. ``outside``: the points farthest from the centre
    of the inputs' box, by ``max_i |x_i - c_i| / h_i`` (``c_i`` the middle and ``h_i`` the
    half-width of input ``i``'s range): training keeps the inner box, the test set lies
    beyond it (ties keep the data's order). Needs ``test_fraction`` above 0."""
    seed: int = fieldinfo(
        1,
        flag="--seed",
        metavar="N",
        help="seed for data and weights",
        label="seed",
        chars=INTEGER,
        parse=int,
    )
    """Seed for ``torch.manual_seed``: data first, then the network's initial weights."""
    classes: int = fieldinfo(
        2,
        flag="--classes",
        metavar="N",
        help="blobs/spiral classes (2-20)",
        label="classes",
        chars=INTEGER,
        parse=int,
    )
    """Number of classes for ``blobs`` and ``spiral``."""
    target: str | None = fieldinfo(
        None,
        flag="--target",
        metavar="COLUMN",
        help="CSV target column (none: the last)",
        label="target",
        chars=None,
        parse=str,
        blank=("none", None),
    )
    """CSV only: the name of the target column (default: the last column)."""
    task: str = fieldinfo(
        "auto",
        flag="--task",
        metavar="NAME",
        help=f"{', '.join(TASKS)} (for CSV data)",
        label="task",
        chars=letters(*TASKS),
        parse=str,
        choices=TASKS,
    )
    """regression or classification; auto takes it from the dataset (CSV: integer targets)."""
    extrapolate: float = fieldinfo(
        0.0,
        flag="--extrapolate",
        metavar="F",
        help="regression: predict this far past the data",
        label="extrapolate",
        chars=NUMBER,
        parse=float,
    )
    """Regression: predict this far beyond the largest x (the tutorial's [2, 2.5])."""
    features: tuple[str, ...] = fieldinfo(
        (),
        flag="--features",
        metavar="F[,F...]",
        help=f"input features the network sees: {','.join(datafields.FEATURES)} "
        "(1-D data: x1,x1sq,sinx1,cosx1); raw: the inputs as they are",
        label="features",
        chars=letters(*datafields.FEATURES, "raw", extra=","),
        parse=datafields.parse_features,
        show=lambda names: ",".join(names) or "raw",
    )
    """Input features the network sees, e.g. ("x1sq", "x2sq"); () = the raw inputs.
    Names: x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, cosx1, cosx2 (1-D data: x1, x1sq,
    sinx1, cosx1)."""
    points: tuple[tuple[float, ...], ...] = fieldinfo(
        (),
        flag="--points",
        metavar="P",
        help="painted data instead of the dataset's: x,y points (regression) or "
        "x1,x2,class (classification; not plane or gauss2d); at most 10,000",
        label="points",
        chars=POINTS,
        parse=datafields.parse_point,
        show=lambda points: f"{len(points)} points" if points else "none (generated)",
        nargs="+",
    )
    """Painted data that replaces the generated points: [x, y] (regression) or
    [x1, x2, class] (classification); at most 10,000. () = generate ``dataset``."""

    def __post_init__(self) -> None:
        ds = self.dataset
        if not isinstance(ds, str) or not (
            ds in REGRESSION_DATASETS
            or ds in CLASSIFICATION_DATASETS
            or (ds.startswith("csv:") and len(ds) > 4)
        ):
            names = ", ".join(REGRESSION_DATASETS + CLASSIFICATION_DATASETS)
            raise SpecError("data.dataset", ds, f"must be one of {names}, or csv:PATH")
        integer("data.samples", self.samples, 1, MAX_SAMPLES)
        object.__setattr__(self, "noise", number("data.noise", self.noise, 0.0, 100.0))
        tf = number("data.test_fraction", self.test_fraction, 0.0, 0.9)
        object.__setattr__(self, "test_fraction", tf)
        choice("data.test_split", self.test_split, TEST_SPLITS)
        if self.test_split == "outside" and tf == 0:
            raise SpecError(
                "data.test_fraction", tf, "test split outside needs a test fraction above 0"
            )
        integer("data.seed", self.seed, 0, 2**63 - 1)
        integer("data.classes", self.classes, 2, MAX_CLASSES)
        if self.target is not None and (not isinstance(self.target, str) or not self.target):
            raise SpecError("data.target", self.target, "must be a column name")
        choice("data.task", self.task, TASKS)
        if self.task != "auto" and not ds.startswith("csv:") and self.task != task_of(ds):
            raise SpecError("data.task", self.task, f"dataset {ds} is {task_of(ds)}")
        ex = number("data.extrapolate", self.extrapolate, 0.0, 1000.0)
        object.__setattr__(self, "extrapolate", ex)
        features = datafields.parse_features(self.features)
        object.__setattr__(self, "features", features)
        if not ds.startswith("csv:"):
            datafields.check_features(features, inputs_of(ds))
        if self.points:
            if ds.startswith("csv:"):
                raise SpecError(
                    "data.points", ds, "painted points replace a built-in dataset, not csv:PATH"
                )
            if ds in REGRESSION_2D_DATASETS:
                raise SpecError("data.points", ds, "paint x,y points on a 1-D regression dataset")
            points = datafields.parse_points(self.points, task_of(ds))
            object.__setattr__(self, "points", points)
        elif not isinstance(self.points, list | tuple):
            raise SpecError("data.points", self.points, "must be a list of points")
        else:
            object.__setattr__(self, "points", ())

    @property
    def is_csv(self) -> bool:
        """Whether the data comes from a CSV file."""
        return self.dataset.startswith("csv:")

    @property
    def n_points(self) -> int:
        """How many points the data has (before the test split); CSV: ``samples``."""
        return len(self.points) if self.points else self.samples
