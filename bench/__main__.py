"""make bench: the tutorial's loops against torchplay, measured side by side in one run.

Prints a table and writes bench/results.json. Ratios, not absolute numbers, are the
claim: this machine is shared and noisy.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import DataSpec, ModelSpec, Spec, TrainingSpec
from torchplay.engine.train.trainer import Trainer

from bench import compiled as compiled_bench
from bench import population as population_bench
from bench import pruning as pruning_bench
from bench import serve as serve_bench
from bench import tui as tui_bench
from bench import tuisweep, workflow
from tests import tutorial

HERE = Path(__file__).resolve().parent
torch.set_num_threads(1)


def tutorial_loop(name: str):
    """The tutorial's loop as written (tests/tutorial.py): a function running n steps."""
    setup = tutorial.SETUPS[name](1)
    return lambda n: tutorial.train(*setup, n)


def rate(fn, n: int) -> float:
    t0 = time.perf_counter()
    fn(n)
    return n / (time.perf_counter() - t0)


def minibatch(reps: int = 3) -> tuple[float, float]:
    """100k points, 2-64-64-2, Adam, batch 256: epochs/s, hand-tuned loop vs engine."""
    spec = Spec(
        DataSpec("moons", samples=100_000, noise=1.0),
        ModelSpec((64, 64), "relu"),
        TrainingSpec("adam", lr=1e-3, batch_size=256, steps=10**8),
    )
    eng = Trainer(spec)
    x, y = eng.data.x_train.clone(), eng.data.y_train.clone()
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 2),
    )
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=True)
    loss_func = torch.nn.CrossEntropyLoss()
    steps = -(-x.shape[0] // 256)

    def hand(_n: int) -> None:
        perm = torch.randperm(x.shape[0])
        xs, ys = x[perm], y[perm]
        for i in range(0, x.shape[0], 256):
            loss = loss_func(net(xs[i : i + 256]), ys[i : i + 256])
            opt.zero_grad()
            loss.backward()
            opt.step()

    a, b = [], []
    for _ in range(reps):
        a.append(rate(hand, 1))
        b.append(rate(lambda _n: eng.step(steps), 1))
    return statistics.median(a), statistics.median(b)


def threads_ratio(spec: Spec, steps: int, reps: int = 3) -> float:
    """Engine steps/s with one torch thread divided by steps/s with two (same run)."""
    trainer = Trainer(spec)
    trainer.step(20)
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(reps):
        for n in (1, 2):
            torch.set_num_threads(n)
            rates[n].append(rate(trainer.step, steps))
    torch.set_num_threads(1)
    return statistics.median(rates[1]) / statistics.median(rates[2])


def wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def chart_frame_ms(n: int) -> float:
    import plotext as plt
    from torchplay.tui.draw.decimate import downsample

    xs = torch.linspace(-1, 1, n).tolist()
    ys = torch.rand(n).tolist()
    t0 = time.perf_counter()
    x, y = downsample(xs, ys, 2 * 118)
    plt.clf()
    plt.limitsize(False, False)
    plt.plotsize(118, 38)
    plt.scatter(x, y)
    plt.build()
    return (time.perf_counter() - t0) * 1000


def engine_ready_s() -> float:
    import asyncio

    from torchplay.engine.process.client import EngineClient

    async def go() -> float:
        client = EngineClient()
        t0 = time.perf_counter()
        client.launch()
        async for _event in client.events():
            break
        dt = time.perf_counter() - t0
        client.close()
        return dt

    return asyncio.run(go())


def main() -> None:
    res: dict[str, float] = {}
    rows = []
    # The exact and compiled speedups over the tutorial loop: 80 interleaved rounds of
    # ~40 ms each, median and range, thread CPU time beside wall time (bench/compiled.py).
    kernel_res, kernel_rows = compiled_bench.rows()
    res.update(kernel_res)
    rows += kernel_rows
    pop_res, pop_rows = population_bench.rows((64, 1024))
    res.update(pop_res)
    rows += pop_rows
    prune_res, prune_rows = pruning_bench.rows()
    res.update(prune_res)
    rows += prune_rows
    tut_sr = tutorial_loop("save-restore")
    t_tut = 5000 / rate(tut_sr, 5000) * 10  # 50,000 steps, extrapolated from 5,000
    t0 = time.perf_counter()
    Trainer(get_scenario("save-restore")).run()
    res["save_restore_wall_s"] = time.perf_counter() - t0
    rows.append(
        (
            "save-restore 50,000 steps (s; tutorial from 5,000 x 10)",
            f"{t_tut:.2f}",
            f"{res['save_restore_wall_s']:.2f}",
            f"{t_tut / res['save_restore_wall_s']:.2f}x",
            "target <= 4 s",
        )
    )
    hand, eng = minibatch()
    res["minibatch_ratio"] = eng / hand
    rows.append(
        (
            "minibatch 100k, 2-64-64-2 Adam b256 (epochs/s)",
            f"{hand:.2f}",
            f"{eng:.2f}",
            f"{eng / hand:.2f}x",
            "target >= 1.0x",
        )
    )
    big = Spec(
        DataSpec("moons", samples=100_000, noise=1.0),
        ModelSpec((64, 64), "relu"),
        TrainingSpec("adam", lr=1e-3, batch_size=256, steps=10**8),
    )
    for key, spec, steps in (
        ("threads_1_vs_2_classification", get_scenario("classification"), 2000),
        ("threads_1_vs_2_minibatch", big, 200),
        ("threads_1_vs_2_full_batch_100k", big.with_overrides({"training.batch_size": 0}), 20),
    ):
        res[key] = threads_ratio(spec.with_overrides({"training.steps": 10**8}), steps)
        rows.append(
            (
                f"torch threads: 1 vs 2, {key[15:]} (steps/s ratio)",
                "",
                "",
                f"{res[key]:.2f}x",
                ">1: one thread is faster",
            )
        )
    exe = [sys.executable, "-m", "torchplay.tui.cli.main"]
    res["cli_train_regression_wall_s"] = statistics.median(
        wall([*exe, "train", "regression", "--quiet"]) for _ in range(3)
    )
    rows.append(
        (
            "torchplay train regression --quiet (s)",
            "",
            f"{res['cli_train_regression_wall_s']:.2f}",
            "",
            "target <= 2.5 s",
        )
    )
    res["cli_help_wall_s"] = statistics.median(wall([*exe, "--help"]) for _ in range(3))
    rows.append(("torchplay --help (s)", "", f"{res['cli_help_wall_s']:.3f}", "", ""))
    res["engine_ready_s"] = engine_ready_s()
    rows.append(("engine process ready (s)", "", f"{res['engine_ready_s']:.2f}", "", ""))
    for n, key in (
        (100, "chart_frame_ms_100"),
        (10_000, "chart_frame_ms_10k"),
        (1_000_000, "chart_frame_ms_1m"),
    ):
        chart_frame_ms(n)
        res[key] = statistics.median(chart_frame_ms(n) for _ in range(3))
        rows.append(
            (
                f"chart frame at {n:,} points (ms)",
                "",
                f"{res[key]:.1f}",
                "",
                "target <= 30 ms" if n == 1_000_000 else "",
            )
        )
    app = tui_bench.measure_in_fresh_process()
    res.update({f"tui_{k}" if not k.startswith("tui_") else k: v for k, v in app.items()})
    rows += [
        (
            "app: training steps/s vs engine alone",
            f"{app['engine_alone_steps_per_s']:,.0f}",
            f"{app['app_steps_per_s']:,.0f}",
            f"{app['tui_train_ratio']:.2f}x",
            "target >= 0.9x",
        ),
        (
            "app: chart frames shown per second (both charts)",
            "",
            f"{app['chart_updates_per_s']:.1f}",
            "",
            "target >= 5",
        ),
        *(
            (
                f"app: terminal KiB/s {size}, {phase} (median [min-max] of 3)",
                "",
                f"{app[f'wire_{size}_{phase}_kib_s']:.1f}",
                f"[{app[f'wire_{size}_{phase}_kib_s_min']:.1f}-"
                f"{app[f'wire_{size}_{phase}_kib_s_max']:.1f}]",
                "target <= 40" if (size, phase) == ("120x40", "training") else "",
            )
            for size in ("80x24", "120x40")
            for phase in ("training", "paused")
        ),
        (
            "app: event-loop lateness p50 / p99 (ms)",
            "",
            f"{app['lateness_p50_ms']:.1f} / {app['lateness_p99_ms']:.1f}",
            "",
            "target p99 <= 15",
        ),
        (
            "app: lateness p99 while the engine starts / trains (ms)",
            "",
            f"{app['lateness_start_p99_ms']:.1f} / {app['lateness_train_p99_ms']:.1f}",
            "",
            "",
        ),
        (
            "app: first frame after launch (s)",
            "",
            f"{app['tui_first_frame_s']:.2f}",
            "",
            "target <= 0.6 s",
        ),
        ("app: engine ready (s)", "", f"{app['engine_ready_in_app_s']:.2f}", "", ""),
    ]
    flow_res, flow_rows = workflow.rows()
    res.update(flow_res)
    rows += flow_rows
    serve_res, serve_rows = serve_bench.rows()
    res.update(serve_res)
    rows += serve_rows
    sweep_res, sweep_rows = tuisweep.rows()
    res.update(sweep_res)
    rows += sweep_rows
    res["peak_rss_mb_bench"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["peak_rss_mb_children"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(
        (
            "peak RSS: bench process / largest child (MB)",
            "",
            f"{res['peak_rss_mb_bench']:.0f} / {res['peak_rss_mb_children']:.0f}",
            "",
            "",
        )
    )
    rows.append(
        ("peak RSS: app's engine process (MB)", "", f"{res['tui_engine_peak_rss_mb']:.0f}", "", "")
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'baseline':>10}  {'torchplay':>10}  {'ratio':>7}  target")
    for r in rows:
        print(f"{r[0]:<{width}}  {r[1]:>10}  {r[2]:>10}  {r[3]:>7}  {r[4]}")
    (HERE / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
