"""The app under load, measured side by side with the engine alone (bench item c, d).

Runs the real app headlessly (``App.run_test``) with its engine in a separate process,
as a user gets it, and reports event-loop lateness, training rate against the engine
alone, chart updates per second, the first frame and peak memory.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.01


def first_frame_s() -> float:
    """Seconds from launching a fresh `python` to the app's first frame (headless)."""
    code = (
        "import asyncio, sys, time\n"
        "from tui.app import PlaygroundApp\n"
        "class A(PlaygroundApp):\n"
        "    def on_ready(self):\n"
        "        print(time.time(), flush=True)\n"
        "        self.exit()\n"
        "async def main():\n"
        "    app = A()\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause(0.2)\n"
        "asyncio.run(main())\n"
    )
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return float(out.split()[0]) - t0


def engine_alone_steps_per_s(seconds: float = 3.0) -> float:
    """The save-restore scenario on the trainer alone, in a fresh process like the engine's."""
    code = (
        "import time, torch; torch.set_num_threads(1)\n"
        "from engine.scenarios import get_scenario; from engine.trainer import Trainer\n"
        "t = Trainer(get_scenario('save-restore').with_overrides({'training.steps': 10**8}))\n"
        "t.step(100); t0 = time.perf_counter(); n = 0\n"
        f"while time.perf_counter() - t0 < {seconds}: n += t.step(2000)\n"
        "print(n / (time.perf_counter() - t0))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return float(out)


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _app_run(train_seconds: float) -> dict:
    from torchplay.tui.app import PlaygroundApp
    from torchplay.tui.charts import Chart

    frames = [0]
    original = Chart.on_chart_built

    def counting(self, message):
        frames[0] += 1  # a chart frame finished and shown
        original(self, message)

    Chart.on_chart_built = counting
    lateness: list[float] = []
    phases: dict[str, list[float]] = {"start": [], "train": []}
    phase = ["start"]
    stop = asyncio.Event()

    async def ticker() -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            t0 = loop.time()
            await asyncio.sleep(TICK)
            late = (loop.time() - t0 - TICK) * 1000
            lateness.append(late)
            phases[phase[0]].append(late)

    spec = Path(tempfile.mkdtemp()) / "long.toml"  # long enough to train throughout
    spec.write_text('scenario = "save-restore"\n[training]\nsteps = 100000000\n')
    app = PlaygroundApp(source=str(spec))
    async with app.run_test(size=(120, 40)) as pilot:
        tick = asyncio.create_task(ticker())
        t0 = time.perf_counter()
        while app.run_info is None:
            await pilot.pause(0.02)
        ready = time.perf_counter() - t0
        phase[0] = "train"
        await pilot.press("space")
        while app.last is None or app.last.step == 0:
            await pilot.pause(0.02)
        frames[0] = 0
        t1 = time.perf_counter()
        await asyncio.sleep(train_seconds)
        elapsed = time.perf_counter() - t1
        rate = app.last.steps_per_s
        updates = frames[0] / elapsed
        engine_rss = _vm_hwm_mb(app.client._worker.pid)
        stop.set()
        await tick
        await pilot.press("q")
    Chart.on_chart_built = original

    def pct(values, q):
        return statistics.quantiles(values, n=100)[q - 1] if len(values) > 2 else 0.0

    return {
        "engine_ready_in_app_s": ready,
        "app_steps_per_s": rate,
        "chart_updates_per_s": updates,  # loss and data charts together
        "lateness_p50_ms": pct(lateness, 50),
        "lateness_p99_ms": pct(lateness, 99),
        "lateness_start_p99_ms": pct(phases["start"], 99),
        "lateness_train_p99_ms": pct(phases["train"], 99),
        "engine_peak_rss_mb": engine_rss,
    }


def measure(train_seconds: float = 5.0) -> dict:
    """All app rows; the engine alone is measured before and after the app run."""
    alone_before = engine_alone_steps_per_s()
    app = asyncio.run(_app_run(train_seconds))
    alone_after = engine_alone_steps_per_s()
    alone = (alone_before + alone_after) / 2
    app["engine_alone_steps_per_s"] = alone
    app["tui_train_ratio"] = app["app_steps_per_s"] / alone
    app["tui_first_frame_s"] = statistics.median(first_frame_s() for _ in range(3))
    return app


def measure_in_fresh_process() -> dict:
    """:func:`measure` in a new process: the app's process never imports torch."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.tui", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    results = measure()
    if "--json" in sys.argv:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:28s} {value:.3f}")
