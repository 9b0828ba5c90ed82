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


def _run_s(setup, steps: int = STEPS) -> tuple[float, float]:
    """(wall, CPU) seconds to train ``steps`` with what ``setup(trainer)`` returns as run()
    keywords. CPU time counts every thread of this process (a background writer too) and
    not the other processes that share the machine, so its ratio is the steadier one."""
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**8}))
    kwargs = setup(trainer)
    t0, c0 = time.perf_counter(), time.process_time()
    trainer.run(steps=steps, interval=0.25, **kwargs)
    if "at_every" in kwargs:
        kwargs["at_every"].finish()  # the end-of-run wait and write the command line does
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    for obs in kwargs.get("observers", ()):
        obs.close()
    return elapsed, cpu


def _plain(trainer) -> dict:
    return {}


def side_by_side(setup, reps: int = 5) -> tuple[float, float, list[float], list[float]]:
    """(median wall seconds without, with, per-pair wall ratios with/without, per-pair CPU
    ratios)."""
    _run_s(_plain, 2000)  # warm up
    base, with_, ratios, cpu = [], [], [], []
    for _ in range(reps):
        (a, ca), (b, cb) = _run_s(_plain), _run_s(setup)
        base.append(a)
        with_.append(b)
        ratios.append(b / a)
        cpu.append(cb / ca)
    return statistics.median(base), statistics.median(with_), ratios, cpu


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


def save_cost(reps: int = 9) -> tuple[float, float, float]:
    """Median seconds of what runs on the loop, side by side: 1,000 steps (the work between
    two saves at N = 1,000), one --save-every write's part (``to_bytes``; the writer thread
    does the rest) and one --save-best write's part (``best_to_bytes``). Less exposed to the
    machine's load than whole runs: each piece is short and they alternate."""
    from torchplay.engine import checkpoint

    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**8}))
    trainer.track_best()
    trainer.run(steps=STEPS)  # a history as long as a real run's
    steps, every, best = [], [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        trainer.run(steps=1000)
        t1 = time.perf_counter()
        checkpoint.to_bytes(trainer)
        t2 = time.perf_counter()
        checkpoint.best_to_bytes(trainer)
        t3 = time.perf_counter()
        steps.append(t1 - t0)
        every.append(t2 - t1)
        best.append(t3 - t2)
    return statistics.median(steps), statistics.median(every), statistics.median(best)


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
            a, b, ratios, cpu = side_by_side(make(Path(tmp)))
        res[f"{key}_overhead_ratio"] = statistics.median(ratios)
        res[f"{key}_cpu_ratio"] = statistics.median(cpu)
        out.append(
            (
                f"regression {STEPS:,} steps: plain vs {label} (s)",
                f"{a:.3f}",
                f"{b:.3f}",
                f"{res[f'{key}_overhead_ratio']:.3f}x",
                f"{target} (wall spread {min(ratios):.3f}-{max(ratios):.3f}; CPU "
                f"{res[f'{key}_cpu_ratio']:.3f}x, {min(cpu):.3f}-{max(cpu):.3f})".strip(),
            )
        )
    steps, every, best = save_cost()
    res["save_every_loop_ratio"] = (steps + every) / steps
    res["save_every_best_loop_ratio"] = (steps + every + best) / steps
    out.append(
        (
            "regression: 1,000 steps vs + the loop's part of a save (ms)",
            f"{steps * 1e3:.1f}",
            f"{(steps + every) * 1e3:.1f}",
            f"{res['save_every_loop_ratio']:.3f}x",
            f"target <= 1.05x (with --save-best {res['save_every_best_loop_ratio']:.3f}x)",
        )
    )
    return res, out


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    _, table = rows()
    for r in table:
        print("  ".join(r))
