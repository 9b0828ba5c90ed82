"""The compiled kernel against the tutorial loop, and the exact engine by the same method.

Every speed row is many short interleaved rounds in one process on one thread
(:mod:`bench.interleave`): the tutorial loop, the exact engine and the compiled engine
(``Trainer.step``, history and snapshots included), and a compiled population of 64
seeds, rotating order, ~40 ms each, ratios taken within each round. The compile time is
measured in fresh processes, with an empty numba cache (cold) and with the cache it left
(warm). ``python -m bench.compiled`` prints just these rows (``--rounds N``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.sweeps.population import population
from torchplay.engine.train.trainer import Trainer

from bench.interleave import load, ratio, rounds
from tests import tutorial

FIRST_RUN = """
import time, torch
torch.set_num_threads(1)
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
spec = get_scenario("regression")
Trainer(spec).step(1)  # torch warmed: what follows is numba's import and compile
t0, c0 = time.perf_counter(), time.process_time()
Trainer(spec.with_overrides({"training.kernel": "compiled"})).step(1)
print(time.perf_counter() - t0, time.process_time() - c0)
"""


def first_run_s(cache: str) -> tuple[float, float]:
    """(wall, CPU) seconds to the first compiled step in a fresh process, numba cache at
    ``cache``. The compile is CPU-bound: on a shared machine its wall time stretches with
    the load, its CPU time much less, so both are reported."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN], env=env, capture_output=True, text=True, check=True
    )
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def compile_times() -> dict[str, float]:
    """Seconds to the first compiled step, cold (an empty numba cache) then warm (the
    cache the cold run left), wall and CPU."""
    with tempfile.TemporaryDirectory() as cache:
        (cold, cold_cpu), (warm, warm_cpu) = first_run_s(cache), first_run_s(cache)
    return {"cold_s": cold, "cold_cpu_s": cold_cpu, "warm_s": warm, "warm_cpu_s": warm_cpu}


def _compile_line(t: dict[str, float]) -> str:
    return (
        f"first compiled step, cold / warm cache: {t['cold_s']:.2f} / {t['warm_s']:.2f} s wall, "
        f"{t['cold_cpu_s']:.2f} / {t['warm_cpu_s']:.2f} s CPU  target <= 2 / 0.3"
    )


def _engine(name: str, kernel: str) -> Trainer:
    spec = get_scenario(name).with_overrides({"training.steps": 10**8, "training.kernel": kernel})
    trainer = Trainer(spec)
    trainer.step(50)
    return trainer


def _population(name: str, k: int):
    spec = get_scenario(name).with_overrides(
        {"training.steps": 10**8, "training.kernel": "compiled"}
    )
    pop = population([Trainer(spec.with_overrides({"data.seed": s})) for s in range(1, k + 1)])
    pop.advance(50)

    def run(n: int) -> None:  # n model-steps: n // k steps of every member
        left = n // k
        while left > 0:  # a call stops early at an epoch or a history point
            left -= pop.advance(left) // k

    return run


def measure(n_rounds: int = 80, seconds: float = 0.04, k: int = 64) -> dict:
    """Every ratio of these rows, with the load average beside them."""
    res: dict = {"load_before": load()}
    for name in ("regression", "classification"):
        setup = tutorial.SETUPS[name](1)
        contenders = {
            "tutorial": (lambda n, s=setup: tutorial.train(*s, n), 1),
            "exact": (_engine(name, "exact").step, 1),
            "compiled": (_engine(name, "compiled").step, 1),
        }
        if name == "regression":
            contenders[f"population_k{k}"] = (_population(name, k), k)
        rates = rounds(contenders, n_rounds, seconds)
        for top, key in (
            ("exact", f"{name}_speedup"),
            ("compiled", f"{name}_speedup_compiled"),
            (f"population_k{k}", f"population_compiled_vs_tutorial_k{k}"),
        ):
            if top in rates:
                res[key] = vars(ratio(rates, top, "tutorial"))
        res[f"{name}_tutorial_steps_per_s"] = sorted(rates["tutorial"].wall)[n_rounds // 2]
    res["load_after"] = load()
    return res


TARGETS = {
    "regression_speedup": ">= 5x",
    "classification_speedup": ">= 5x",
    "regression_speedup_compiled": ">= 100x",
    "classification_speedup_compiled": ">= 25x",
    "population_compiled_vs_tutorial_k64": ">= 150x",
}


def rows(n_rounds: int = 80) -> tuple[dict, list]:
    """Results and table rows for ``make bench``."""
    res = measure(n_rounds)
    t = compile_times()
    cold, warm = t["cold_s"], t["warm_s"]
    res["compiled_first_run_cold_s"], res["compiled_first_run_warm_s"] = cold, warm
    res["compiled_first_run_cold_cpu_s"] = t["cold_cpu_s"]
    res["compiled_first_run_warm_cpu_s"] = t["warm_cpu_s"]
    out = []
    for key, target in TARGETS.items():
        r = res[key]
        out.append(
            (
                f"{key}: over the tutorial loop ({r['rounds']} x 40 ms rounds, load "
                f"{res['load_before']}-{res['load_after']})",
                "",
                f"[{r['low']:.1f}-{r['high']:.1f}] cpu {r['cpu_median']:.1f}x",
                f"{r['median']:.1f}x",
                f"target {target}",
            )
        )
    out.append(
        (
            "compiled kernel: first step, cold / warm numba cache (s)",
            "",
            f"{cold:.2f} / {warm:.2f} (cpu {t['cold_cpu_s']:.2f} / {t['warm_cpu_s']:.2f})",
            "",
            "target <= 2 / 0.3",
        )
    )
    flat = {k: (v["median"] if isinstance(v, dict) else v) for k, v in res.items()}
    flat.update(
        {f"{k}_range": [v["low"], v["high"]] for k, v in res.items() if isinstance(v, dict)}
    )
    return flat, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=80)
    parser.add_argument("--no-compile-time", action="store_true")
    parser.add_argument(
        "--compile-only",
        type=int,
        metavar="RUNS",
        help="only the compile rows: RUNS cold/warm pairs, each in fresh processes",
    )
    args = parser.parse_args()
    if args.compile_only:
        for _ in range(args.compile_only):
            t = compile_times()
            print(_compile_line(t), f" load {load()}")
            print(json.dumps(t))
        return
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    res = measure(args.rounds)
    if not args.no_compile_time:
        t = compile_times()
        res.update({f"compile_{k}": v for k, v in t.items()})
        print(_compile_line(t))
    res["bench_s"] = round(time.perf_counter() - t0, 1)
    for key in TARGETS:
        r = res[key]
        print(
            f"{key:40s} {r['median']:7.1f}x [{r['low']:.1f}-{r['high']:.1f}] "
            f"cpu {r['cpu_median']:.1f}x  target {TARGETS[key]}"
        )
    print(json.dumps({k: v for k, v in res.items() if not isinstance(v, dict)}))


if __name__ == "__main__":
    main()
