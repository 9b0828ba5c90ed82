"""Workflow overheads, measured side by side on the regression scenario: the metric
loggers, ``--save-every 1000`` and ``--save-best``.

``python -m bench.workflow`` prints the rows alone; ``make bench`` includes them.
Each case trains the same steps from the same seed with and without the feature,
alternating runs so both see the same machine load; the claim is the median ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from torchplay.engine import loggers
from torchplay.engine.scenarios import get_scenario
from torchplay.engine.trainer import Trainer
from torchplay.tui.commands import PeriodicSaver
from torchplay.tui.interrupts import Interrupts

STEPS = 20_000


def _run_s(setup, steps: int = STEPS) -> float:
    """Seconds to train ``steps`` with what ``setup(trainer)`` returns as run() keywords."""
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**8}))
    kwargs = setup(trainer)
    t0 = time.perf_counter()
    trainer.run(steps=steps, interval=0.25, **kwargs)
    if "at_every" in kwargs:
        kwargs["at_every"].save_best()  # the end-of-run write the command line does
    elapsed = time.perf_counter() - t0
    for obs in kwargs.get("observers", ()):
        obs.close()
    return elapsed


def _plain(trainer) -> dict:
    return {}


def side_by_side(setup, reps: int = 5) -> tuple[float, float, list[float]]:
    """(median seconds without, median seconds with, per-pair ratios with/without)."""
    _run_s(_plain, 2000)  # warm up
    base, with_, ratios = [], [], []
    for _ in range(reps):
        a, b = _run_s(_plain), _run_s(setup)
        base.append(a)
        with_.append(b)
        ratios.append(b / a)
    return statistics.median(base), statistics.median(with_), ratios


def all_loggers(folder: Path):
    """JSONL, CSV and TensorBoard loggers into ``folder``."""
    loggers.tensorboard_available()  # import once, outside the timing

    def setup(trainer) -> dict:
        n = len(list(folder.iterdir()))
        spec, task = trainer.spec, trainer.task
        return {
            "observers": [
                loggers.JsonlLogger(str(folder / f"m{n}.jsonl"), spec, task),
                loggers.CsvLogger(str(folder / f"m{n}.csv"), spec, task),
                loggers.TensorBoardLogger(str(folder / f"tb{n}"), spec, task),
            ]
        }

    return setup


def periodic_saves(folder: Path, best: bool):
    """The command line's saver: --save-every 1,000 (and --save-best) into ``folder``."""

    def setup(trainer) -> dict:
        args = argparse.Namespace(
            save=str(folder / "run.safetensors"),
            save_every=1000,
            save_best=str(folder / "best.safetensors") if best else None,
        )
        saver = PeriodicSaver(trainer, args, Interrupts())
        return {"every": saver.every, "at_every": saver}

    return setup


def rows() -> tuple[dict[str, float], list[tuple[str, str, str, str, str]]]:
    """Results and table rows for ``make bench``."""
    res: dict[str, float] = {}
    out = []
    cases = (
        ("loggers", "JSONL+CSV+TensorBoard", all_loggers, ""),
        ("save_every", "--save-every 1000", lambda f: periodic_saves(f, False), "target <= 1.05x"),
        (
            "save_every_best",
            "--save-every 1000 --save-best",
            lambda f: periodic_saves(f, True),
            "target <= 1.05x",
        ),
    )
    for key, label, make, target in cases:
        with tempfile.TemporaryDirectory() as tmp:
            a, b, ratios = side_by_side(make(Path(tmp)))
        res[f"{key}_overhead_ratio"] = statistics.median(ratios)
        out.append(
            (
                f"regression {STEPS:,} steps: plain vs {label} (s)",
                f"{a:.3f}",
                f"{b:.3f}",
                f"{res[f'{key}_overhead_ratio']:.3f}x",
                f"{target} (spread {min(ratios):.3f}-{max(ratios):.3f})".strip(),
            )
        )
    return res, out


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    _, table = rows()
    for r in table:
        print("  ".join(r))
