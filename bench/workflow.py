"""Workflow overheads, measured side by side: metric loggers on the regression scenario.

``python -m bench.workflow`` prints the rows alone; ``make bench`` includes them.
Each case trains the same steps from the same seed with and without the observer,
alternating runs so both see the same machine load; the claim is the median ratio.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from torchplay.engine import loggers
from torchplay.engine.scenarios import get_scenario
from torchplay.engine.trainer import Trainer

STEPS = 20_000


def _run_s(make_observers, steps: int = STEPS) -> float:
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**8}))
    observers = make_observers(trainer)
    t0 = time.perf_counter()
    trainer.run(steps=steps, observers=observers, interval=0.25)
    elapsed = time.perf_counter() - t0
    for obs in observers:
        obs.close()
    return elapsed


def side_by_side(make_observers, reps: int = 5) -> tuple[float, float, list[float]]:
    """(median seconds without, median seconds with, per-pair ratios with/without)."""
    _run_s(lambda t: [], 2000)  # warm up
    base, with_, ratios = [], [], []
    for _ in range(reps):
        a = _run_s(lambda t: [])
        b = _run_s(make_observers)
        base.append(a)
        with_.append(b)
        ratios.append(b / a)
    return statistics.median(base), statistics.median(with_), ratios


def all_loggers(folder: Path):
    """JSONL, CSV and TensorBoard loggers into ``folder``."""
    loggers.tensorboard_available()  # import once, outside the timing

    def make(trainer):
        n = len(list(folder.iterdir()))
        spec, task = trainer.spec, trainer.task
        return [
            loggers.JsonlLogger(str(folder / f"m{n}.jsonl"), spec, task),
            loggers.CsvLogger(str(folder / f"m{n}.csv"), spec, task),
            loggers.TensorBoardLogger(str(folder / f"tb{n}"), spec, task),
        ]

    return make


def rows() -> tuple[dict[str, float], list[tuple[str, str, str, str, str]]]:
    """Results and table rows for ``make bench``."""
    res: dict[str, float] = {}
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        a, b, ratios = side_by_side(all_loggers(Path(tmp)))
    res["loggers_overhead_ratio"] = statistics.median(ratios)
    out.append(
        (
            f"regression {STEPS:,} steps: no logger vs JSONL+CSV+TensorBoard (s)",
            f"{a:.3f}",
            f"{b:.3f}",
            f"{res['loggers_overhead_ratio']:.3f}x",
            f"spread {min(ratios):.3f}-{max(ratios):.3f}",
        )
    )
    return res, out


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    _, table = rows()
    for r in table:
        print("  ".join(r))
