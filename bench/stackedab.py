"""The stacked population against an earlier commit's ``engine/steppers/stacked.py``.

``python -m bench.stackedab REF`` builds two populations of the same K seeds in one
process on one thread: one on this tree's :class:`~torchplay.engine.steppers.stacked.Stacked`
and data, one on ``REF``'s ``stacked.py`` (read with ``git show``) with plainly stacked
data, and times them in short alternating rounds (thread CPU time, so both see the same
machine load). Prints each side's median model-steps/s and the ratio's median and spread.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
import types

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.sweeps.population import Population
from torchplay.engine.train.trainer import Trainer


def _old_module(ref: str) -> types.ModuleType:
    src = subprocess.check_output(["git", "show", f"{ref}:engine/steppers/stacked.py"])
    module = types.ModuleType("stacked_at_ref")
    exec(compile(src, f"{ref}:stacked.py", "exec"), module.__dict__)  # noqa: S102 (our own file)
    return module


def _population(scenario: str, k: int, old: types.ModuleType | None) -> Population:
    spec = get_scenario(scenario).with_overrides({"training.steps": 10**8})
    pop = Population([Trainer(spec.with_overrides({"data.seed": s})) for s in range(1, k + 1)])
    if old is not None:
        pop.net = old.Stacked(pop.rows, pop.device, pop.net.t)
        pop.X = torch.stack([t.batches.x for t in pop.rows])
        if pop.has_test:
            pop.Xt = torch.stack([t.inputs_test for t in pop.rows])
    for _ in range(5):
        pop.step()
    return pop


def _rate(pop: Population, n: int) -> float:
    start = time.thread_time()
    for _ in range(n):
        pop.step()
    return n * len(pop.rows) / (time.thread_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ref", help="the commit to compare with, e.g. main")
    parser.add_argument("--scenario", nargs="+", default=["regression", "classification"])
    parser.add_argument("--k", type=int, nargs="+", default=[64, 1024])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    torch.set_num_threads(1)
    old = _old_module(args.ref)
    for scenario in args.scenario:
        for k in args.k:
            before, after = _population(scenario, k, old), _population(scenario, k, None)
            n = max(5, 6000 // k)
            a, b = [], []
            for _ in range(args.rounds):
                a.append(_rate(before, n))
                b.append(_rate(after, n))
            ratios = [y / x for x, y in zip(a, b, strict=True)]
            print(
                f"{scenario} K={k}: {args.ref} {statistics.median(a):,.0f}, this tree "
                f"{statistics.median(b):,.0f} model-steps/s; ratio median "
                f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}, "
                f"{args.rounds} rounds)",
                flush=True,
            )


if __name__ == "__main__":
    main()
