"""Pruning inside a population: the same population pruned (successive halving) and
unpruned, side by side in one process on one thread.

Each round trains K fresh members of the classification scenario (lr x seed) for STEPS
steps, once with ``--prune halving`` (K -> K/2 -> K/4 -> K/8 at its rungs) and once
without, in alternating order; building the trainers is outside the clock, the rungs'
judging and restacking inside it. Two ratios, medians over the rounds:

* model-steps/s, pruned over unpruned: what a member-step costs in the pruned run (the
  rungs' judging and restacking, ~10 ms each, and the smaller stacks, whose fixed cost
  per step is shared by fewer members: ~34 us a model-step at K=64, ~48 us at K=8 on
  one thread here), reported, no target;
* the survivors' population steps/s after the last rung (K/8 members) over the same
  steps of the unpruned population (K members): the stack shrank, so the survivors'
  steps come faster ("pruning must not slow the survivors", target >= 1x).

``python -m bench.pruning`` prints just these rows (``--rounds``, ``--k``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.sweepplan import SweepPlan
from torchplay.engine.sweeps.cohort import Cohort
from torchplay.engine.sweeps.population import Population
from torchplay.engine.train.trainer import RUNNING, Trainer

STEPS = 400
EVERY = 50
"""Halving rungs at 50, 100 and 200 steps."""


def _trainers(k: int) -> list[Trainer]:
    base = get_scenario("classification").with_overrides({"training.steps": STEPS})
    lrs = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)
    return [
        Trainer(base.with_overrides({"training.lr": lrs[i % 8], "data.seed": 1 + i // 8}))
        for i in range(k)
    ]


def _timed(pop, last_rung: int) -> tuple[float, float]:
    """Train ``pop`` to the end one step at a time: (model-steps/s over the whole run,
    population steps/s after ``last_rung``)."""
    done = wall = tail_wall = 0.0
    tail_steps = 0
    while pop.rows:
        k, at = len(pop.rows), pop.count
        t0 = time.perf_counter()
        pop.advance(1)
        dt = time.perf_counter() - t0
        done, wall = done + k, wall + dt
        if at >= last_rung:
            tail_wall, tail_steps = tail_wall + dt, tail_steps + 1
    return done / wall, tail_steps / tail_wall


def side_by_side(k: int = 64, rounds: int = 3) -> dict[str, float]:
    """Medians over ``rounds`` alternating rounds (see the module docstring)."""
    plan = SweepPlan(prune="halving", prune_every=EVERY)
    last_rung = plan.rungs(STEPS)[-1]
    pruned, plain = [], []
    for r in range(rounds):
        for kind in ("pruned", "plain") if r % 2 == 0 else ("plain", "pruned"):
            trainers = _trainers(k)
            if kind == "pruned":
                pruned.append(_timed(Cohort(trainers, list(range(k)), plan), last_rung))
            else:
                for t in trainers:
                    t.state = RUNNING
                plain.append(_timed(Population(trainers), last_rung))
    ratio = statistics.median(a[0] / b[0] for a, b in zip(pruned, plain, strict=True))
    tail = statistics.median(a[1] / b[1] for a, b in zip(pruned, plain, strict=True))
    return {
        "pruning_model_steps_per_s": statistics.median(a[0] for a in pruned),
        "pruning_unpruned_model_steps_per_s": statistics.median(b[0] for b in plain),
        "pruning_model_steps_ratio": ratio,
        "pruning_survivor_steps_per_s": statistics.median(a[1] for a in pruned),
        "pruning_unpruned_tail_steps_per_s": statistics.median(b[1] for b in plain),
        "pruning_survivor_speedup": tail,
    }


def rows(k: int = 64, rounds: int = 3) -> tuple[dict, list]:
    """Results and table rows for ``make bench``."""
    res = side_by_side(k, rounds)
    return res, [
        (
            f"pruned (halving K={k}->{k // 8}) vs unpruned population (model-steps/s)",
            f"{res['pruning_unpruned_model_steps_per_s']:,.0f}",
            f"{res['pruning_model_steps_per_s']:,.0f}",
            f"{res['pruning_model_steps_ratio']:.2f}x",
            "smaller stacks",
        ),
        (
            f"  survivors after the last rung: {k // 8} vs {k} members (population steps/s)",
            f"{res['pruning_unpruned_tail_steps_per_s']:,.0f}",
            f"{res['pruning_survivor_steps_per_s']:,.0f}",
            f"{res['pruning_survivor_speedup']:.2f}x",
            "target >= 1x",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    _, out = rows(args.k, args.rounds)
    for r in out:
        print(f"{r[0]:<72} {r[1]:>9} {r[2]:>9} {r[3]:>7}  {r[4]}", flush=True)


if __name__ == "__main__":
    main()
