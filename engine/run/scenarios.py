"""Built-in scenarios: the tutorial's runs, by name. No torch here."""

from __future__ import annotations

from torchplay.engine.run.spec import DataSpec, ModelSpec, Spec, SpecError, TrainingSpec

SCENARIOS: dict[str, Spec] = {
    # Section 1: y = x^2 + 0.2*U[0,1) on 100 points of [-1, 1]; 1-10-1 ReLU, SGD lr 0.2.
    "regression": Spec(
        DataSpec("square", samples=100, noise=0.2),
        ModelSpec((10,), "relu"),
        TrainingSpec("sgd", lr=0.2, steps=100),
        name="regression",
    ),
    # Section 2: N((2,2),1) as class 0 and N((-2,-2),1) as class 1, 100 each; 2-10-2 ReLU.
    "classification": Spec(
        DataSpec("clouds", samples=200, noise=1.0),
        ModelSpec((10,), "relu"),
        TrainingSpec("sgd", lr=0.02, steps=100),
        name="classification",
    ),
    # Section 4.5: y = x^2 + 3x - 2 + 0.5*U[0,1) on 200 points of [-2, 2]; 1-10-1 Tanh,
    # SGD lr 0.05, 50,000 steps; predictions extrapolate to 2.5.
    "save-restore": Spec(
        DataSpec("quadratic", samples=200, noise=0.5, extrapolate=0.5),
        ModelSpec((10,), "tanh"),
        TrainingSpec("sgd", lr=0.05, steps=50_000),
        name="save-restore",
    ),
}


def get_scenario(name: object) -> Spec:
    """The built-in scenario called ``name``.

    Raises:
        SpecError: for an unknown name.
    """
    if not isinstance(name, str) or name not in SCENARIOS:
        raise SpecError("scenario", name, f"must be one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name]
