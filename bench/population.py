"""Population throughput: K members in stacked tensors against the single fused engine.

Side by side in one process on one thread: the single engine (``Trainer.step``) and a
:class:`~torchplay.engine.sweeps.population.Population` of K seeds of the same spec alternate,
five rounds each, and the medians are compared. ``python -m bench.population`` runs
just these rows (``--k 64 256 1024`` picks the sizes).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.sweeps.population import Population
from torchplay.engine.train.trainer import Trainer


def _population(name: str, k: int) -> Population:
    spec = get_scenario(name).with_overrides({"training.steps": 10**8})
    return Population([Trainer(spec.with_overrides({"data.seed": s})) for s in range(1, k + 1)])


def side_by_side(name: str, k: int, seconds: float = 0.4, reps: int = 5) -> tuple[float, float]:
    """(single engine steps/s, population model-steps/s), medians of ``reps`` rounds."""
    single = Trainer(get_scenario(name).with_overrides({"training.steps": 10**8}))
    pop = _population(name, k)
    single.step(200)
    for _ in range(20):
        pop.step()
    n_single = 2000
    n_pop = max(5, int(n_single / k * 4))
    a, b = [], []
    for _ in range(reps):  # alternate so both see the same machine load
        t0 = time.perf_counter()
        single.step(n_single)
        a.append(n_single / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for _ in range(n_pop):
            pop.step()
        b.append(n_pop * k / (time.perf_counter() - t0))
    return statistics.median(a), statistics.median(b)


def rows(ks: tuple[int, ...] = (64, 1024), name: str = "regression") -> tuple[dict, list]:
    """Results and table rows for ``make bench``."""
    res: dict[str, float] = {}
    out = []
    for k in ks:
        single, pop = side_by_side(name, k)
        suffix = "" if k == 64 else f"_k{k}"
        res[f"population_model_steps_per_s_k{k}"] = pop
        res[f"population_single_steps_per_s_k{k}"] = single
        res[f"population_speedup{suffix}"] = pop / single
        out.append(
            (
                f"population K={k:,} vs single fused engine, {name} (model-steps/s)",
                f"{single:,.0f}",
                f"{pop:,.0f}",
                f"{pop / single:.2f}x",
                "target >= 5x" if k == 64 else "",
            )
        )
    return res, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, nargs="+", default=[1, 16, 64, 256, 1024, 4096])
    parser.add_argument("--scenario", default="regression")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for k in args.k:
        single, pop = side_by_side(args.scenario, k)
        print(
            f"K={k:>5}  single {single:>9,.0f} steps/s  population {pop:>11,.0f} "
            f"model-steps/s  {pop / single:6.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
