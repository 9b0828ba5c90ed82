"""The app while a 64-member sweep trains on its sweep screen, side by side with the
same population headless (issue 10: event-loop p99 <= 15 ms, model-steps/s >= 0.9x).

Runs the real app headlessly (``App.run_test``, its engine in its own process as a user
gets it), opens the sweep screen, starts ``training.lr=1e-3:0.5:8`` x ``data.seed=1..8``
on the regression scenario, and measures the event loop's lateness and the sweep's
model-steps/s over a window; the headless rate is a :class:`Population` of the same 64
members in a fresh process, before and after (averaged). ``python -m bench.tuisweep``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.tui import measure_in_fresh_process, pct, tick_lateness

ROOT = Path(__file__).resolve().parent.parent
GRID = ("training.lr=1e-3:0.5:8", "data.seed=1..8")
STEPS = 10**7


def headless_model_steps_per_s(seconds: float = 3.0) -> float:
    """The same 64 members as one population, in a fresh process (one torch thread)."""
    code = (
        "import time, torch; torch.set_num_threads(1)\n"
        "from torchplay.engine.run.grid import members, parse_grid\n"
        "from torchplay.engine.sweeps.population import Population\n"
        "from torchplay.engine.run.scenarios import get_scenario\n"
        "from torchplay.engine.train.trainer import Trainer\n"
        f"base = get_scenario('regression').with_overrides({{'training.steps': {STEPS}}})\n"
        f"grid = members(parse_grid({list(GRID)!r}, base), base)\n"
        "pop = Population([Trainer(m.spec) for m in grid])\n"
        "for _ in range(20): pop.step()\n"
        "t0 = time.perf_counter(); n = 0\n"
        f"while time.perf_counter() - t0 < {seconds}:\n"
        "    pop.step(); n += len(pop.rows)\n"
        "print(n / (time.perf_counter() - t0))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return float(out)


async def _app_run(seconds: float) -> dict:
    from torchplay.tui.app.app import PlaygroundApp
    from torchplay.tui.app.screens.sweepscreen import SweepScreen

    lateness: list[float] = []
    stop = asyncio.Event()

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.run_info is None:
            await pilot.pause(0.05)
        await pilot.press("s")
        while not isinstance(app.screen, SweepScreen):
            await pilot.pause(0.05)
        screen = app.screen
        for field, text in (("#axis-0", GRID[0]), ("#axis-1", GRID[1])):
            screen.query_one(field).value = text
        screen.query_one("#sweep-steps").value = str(STEPS)
        screen.action_toggle()
        while screen.last is None or min(screen.last.steps) < 200:
            await pilot.pause(0.05)
        tick = asyncio.create_task(tick_lateness(stop, lateness.append))
        first, t0 = sum(screen.last.steps), time.perf_counter()
        await asyncio.sleep(seconds)
        done, elapsed = sum(screen.last.steps) - first, time.perf_counter() - t0
        stop.set()
        await tick
        app.client.pause()
        await pilot.press("escape", "q")

    return {
        "sweep_app_model_steps_per_s": done / elapsed,
        "sweep_lateness_p50_ms": pct(lateness, 50),
        "sweep_lateness_p99_ms": pct(lateness, 99),
    }


def measure(seconds: float = 5.0) -> dict:
    """The app's rows, with the headless rate measured before and after it."""
    before = headless_model_steps_per_s()
    app = asyncio.run(_app_run(seconds))
    after = headless_model_steps_per_s()
    app["sweep_headless_model_steps_per_s"] = (before + after) / 2
    app["sweep_app_ratio"] = (
        app["sweep_app_model_steps_per_s"] / app["sweep_headless_model_steps_per_s"]
    )
    return app


def rows() -> tuple[dict, list]:
    """Results and table rows for ``make bench``, measured in a fresh process (the app's
    process never imports torch)."""
    res = measure_in_fresh_process("bench.tuisweep")
    return res, [
        (
            "app, 64-member sweep: model-steps/s vs the population headless",
            f"{res['sweep_headless_model_steps_per_s']:,.0f}",
            f"{res['sweep_app_model_steps_per_s']:,.0f}",
            f"{res['sweep_app_ratio']:.2f}x",
            "target >= 0.9x",
        ),
        (
            "app, 64-member sweep: event-loop lateness p50 / p99 (ms)",
            "",
            f"{res['sweep_lateness_p50_ms']:.1f} / {res['sweep_lateness_p99_ms']:.1f}",
            "",
            "target p99 <= 15",
        ),
    ]


if __name__ == "__main__":
    results = measure()
    if "--json" in sys.argv:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:36s} {value:,.3f}")
