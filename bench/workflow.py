"""Workflow overheads on the regression scenario: ``--save-every 1000``, ``--save-best`` and
the metric loggers, each as the whole ``torchplay train`` command with and without it.

``python -m bench.workflow`` prints the rows alone; ``make bench`` includes them.

What is timed is what a user runs: ``torchplay train regression --steps 20000 --quiet
--save F`` (the baseline: one final save) against the same command plus the feature's
flags. Two ways, both through the command line's own ``main``:

* in-process (the claim): ``torchplay.tui.cli.main.main(argv)`` in this process, so the
  interpreter start and imports, the same for both and about half of a short command's
  time, do not dilute the ratio. Parsing, building the trainer, training, the periodic
  writes, the end-of-run waits for the background writer and the final save are all in.
* a fresh process (``python -m torchplay.tui.cli.main ...``, what a user waits for at the
  prompt, start-up included), for ``--save-every`` only.

Pairs run in ABBA order (base-feature, feature-base, ...) so drifting machine load falls
on both sides; each row shows the median of the per-pair ratios and their min-max.
The last row times the loop's part of one save against 1,000 steps, side by side.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.cli import main as cli

STEPS = 20_000
PAIRS = 10
BASE = ("train", "regression", "--steps", str(STEPS), "--quiet", "--save", "{d}/run.safetensors")
CASES = (
    ("save_every", "--save-every 1000", ("--save-every", "1000"), "target <= 1.05x"),
    ("save_best", "--save-best", ("--save-best", "{d}/best.safetensors"), "target <= 1.05x"),
    (
        "save_every_best",
        "--save-every 1000 --save-best",
        ("--save-every", "1000", "--save-best", "{d}/best.safetensors"),
        "target <= 1.05x",
    ),
    (
        "loggers",
        "--metrics --csv --tensorboard",
        ("--metrics", "{d}/m.jsonl", "--csv", "{d}/m.csv", "--tensorboard", "{d}/tb"),
        "",
    ),
)


def in_process(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``torchplay ARGV`` run by the command line's ``main`` here.
    CPU counts every thread of this process (the background writers too) and not the
    other processes sharing the machine: the steadier of the two under load."""
    with contextlib.redirect_stdout(io.StringIO()):
        t0, c0 = time.perf_counter(), time.process_time()
        code = cli.main(argv)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if code != 0:
        raise RuntimeError(f"torchplay {' '.join(argv)} exited {code}")
    return wall, cpu


def fresh_process(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python -m torchplay.tui.cli.main ARGV`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "torchplay.tui.cli.main", *argv]
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


Timing = tuple[float, float]


def ab_pairs(run, extra: tuple[str, ...], pairs: int = PAIRS) -> tuple[list[Timing], list[Timing]]:
    """(baseline, feature) (wall, CPU) seconds of ``pairs`` ABBA-ordered pairs; every run
    gets a fresh folder, so no file is appended to or replaced across runs."""
    base, feat = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folders = iter(range(4 * pairs + 2))

        def argv(flags: tuple[str, ...]) -> list[str]:
            d = Path(tmp) / str(next(folders))
            d.mkdir()
            return [a.format(d=d) for a in (*BASE, *flags)]

        run(argv(extra))  # warm up: imports (TensorBoard's) and caches, outside the timing
        for i in range(pairs):
            if i % 2 == 0:
                base.append(run(argv(())))
                feat.append(run(argv(extra)))
            else:
                feat.append(run(argv(extra)))
                base.append(run(argv(())))
    return base, feat


def _row(label: str, base: list[Timing], feat: list[Timing], target: str) -> tuple:
    """(median wall ratio, median CPU ratio, table row) of ABBA pairs."""
    wall = [b[0] / a[0] for a, b in zip(base, feat, strict=True)]
    cpu = [b[1] / a[1] for a, b in zip(base, feat, strict=True)]
    med, med_cpu = statistics.median(wall), statistics.median(cpu)
    note = (
        f"pairs {min(wall):.3f}-{max(wall):.3f}, n={len(wall)}; "
        f"CPU {med_cpu:.3f}x, {min(cpu):.3f}-{max(cpu):.3f}"
    )
    return (
        med,
        med_cpu,
        (
            label,
            f"{statistics.median(a[0] for a in base):.3f}",
            f"{statistics.median(b[0] for b in feat):.3f}",
            f"{med:.3f}x",
            f"{target} ({note})".strip() if target else f"({note})",
        ),
    )


def save_cost(reps: int = 9) -> tuple[float, float, float]:
    """Median seconds of what runs on the loop, side by side: 1,000 steps (the work between
    two saves at N = 1,000), one --save-every write's part (``to_bytes``; the writer thread
    does the rest) and one --save-best write's part (``best_to_bytes``)."""
    from torchplay.engine.files import checkpoint

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
    res: dict[str, float] = {"workflow_load_avg_1min_start": os.getloadavg()[0]}
    out = []
    head = f"train regression {STEPS // 1000}k steps --save F"
    for key, label, extra, target in CASES:
        base, feat = ab_pairs(in_process, extra)
        label = f"{head}, + {label} (s)"
        res[f"{key}_overhead_ratio"], res[f"{key}_cpu_ratio"], row = _row(label, base, feat, target)
        out.append(row)
    base, feat = ab_pairs(fresh_process, CASES[0][2], pairs=6)
    label = f"the same, a fresh process each, + {CASES[0][1]} (s)"
    res["save_every_fresh_process_ratio"], res["save_every_fresh_process_cpu_ratio"], row = _row(
        label, base, feat, ""
    )
    out.append(row)
    steps, every, best = save_cost()
    res["save_every_loop_ratio"] = (steps + every) / steps
    res["save_every_best_loop_ratio"] = (steps + every + best) / steps
    out.append(
        (
            "regression: 1,000 steps vs + the loop's part of a save (ms)",
            f"{steps * 1e3:.1f}",
            f"{(steps + every) * 1e3:.1f}",
            f"{res['save_every_loop_ratio']:.3f}x",
            f"(with --save-best {res['save_every_best_loop_ratio']:.3f}x)",
        )
    )
    res["workflow_load_avg_1min_end"] = os.getloadavg()[0]
    return res, out


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    results, table = rows()
    width = max(len(r[0]) for r in table)
    for r in table:
        print(f"{r[0]:<{width}}  {r[1]:>10}  {r[2]:>10}  {r[3]:>7}  {r[4]}")
    start, end = results["workflow_load_avg_1min_start"], results["workflow_load_avg_1min_end"]
    print(f"load average (1 min): {start:.2f} at the start, {end:.2f} at the end")
