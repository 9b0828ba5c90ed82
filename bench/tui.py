"""The app under load, measured side by side with the engine alone (bench item c, d).

Runs the real app headlessly (``App.run_test``) with its engine in a separate process,
as a user gets it, and reports event-loop lateness, training rate against the engine
alone, chart updates per second, the first frame and peak memory. :func:`wire` runs the
app as a user starts it, in a pseudo-terminal, and counts the bytes it writes while
training and while paused (what a slow SSH link has to carry).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.01


async def tick_lateness(stop: asyncio.Event, record) -> None:
    """Sleep :data:`TICK` until ``stop``; ``record`` gets how late (ms) each wake-up was."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(TICK)
        record((loop.time() - t0 - TICK) * 1000)


def pct(values: list[float], q: int) -> float:
    """The ``q``-th percentile of ``values`` (0 with too few to tell)."""
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 2 else 0.0


def first_frame_s() -> float:
    """Seconds from launching a fresh `python` to the app's first frame (headless)."""
    code = (
        "import asyncio, sys, time\n"
        "from torchplay.tui.app.app import PlaygroundApp\n"
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
        "from torchplay.engine.run.scenarios import get_scenario\n"
        "from torchplay.engine.train.trainer import Trainer\n"
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
    from torchplay.tui.app.app import PlaygroundApp
    from torchplay.tui.app.widgets.charts import Chart

    frames = [0]
    original = Chart.on_chart_built

    def counting(self, message):
        frames[0] += message.text is not None  # a frame that changed what is shown
        original(self, message)

    Chart.on_chart_built = counting
    lateness: list[float] = []
    phases: dict[str, list[float]] = {"start": [], "train": []}
    phase = ["start"]
    stop = asyncio.Event()

    def record(late: float) -> None:
        lateness.append(late)
        phases[phase[0]].append(late)

    spec = Path(tempfile.mkdtemp()) / "long.toml"  # long enough to train throughout
    spec.write_text('scenario = "save-restore"\n[training]\nsteps = 100000000\n')
    app = PlaygroundApp(source=str(spec))
    async with app.run_test(size=(120, 40)) as pilot:
        tick = asyncio.create_task(tick_lateness(stop, record))
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


def _read_for(fd: int, seconds: float, until: bytes = b"") -> tuple[int, bytes]:
    """Bytes read from ``fd`` over ``seconds`` (or until ``until`` shows), and the tail."""
    total, tail, end = 0, b"", time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the app closed the terminal
                break
            total += len(chunk)
            tail = (tail + chunk)[-4096:]
            if until and until in tail:
                break
    return total, tail


def wire(cols: int, rows: int, seconds: float = 5.0, args: tuple[str, ...] = ()) -> dict:
    """KiB/s the app writes to a ``cols`` x ``rows`` terminal while training the
    classification scenario, and while paused (``torchplay tui`` in a pty, TERM
    xterm-256color, UTF-8)."""
    spec = Path(tempfile.mkdtemp()) / "long.toml"  # trains throughout the measurement
    spec.write_text('scenario = "classification"\n[training]\nsteps = 100000000\n')
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "COLORTERM": "truecolor"}
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-m", "torchplay.tui.cli.main", "tui", str(spec), *args]
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        _read_for(master, 60.0, until=b"idle")  # the engine is up and the run built
        _read_for(master, 1.0)
        os.write(master, b" ")
        _read_for(master, 2.0)  # the run under way
        training, _ = _read_for(master, seconds)
        os.write(master, b" ")
        _read_for(master, 1.0)
        paused, _ = _read_for(master, seconds)
        os.write(master, b"q")
        _read_for(master, 3.0)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    return {"training_kib_s": training / 1024 / seconds, "paused_kib_s": paused / 1024 / seconds}


def wire_rows(runs: int = 3, seconds: float = 5.0) -> dict:
    """:func:`wire` ``runs`` times at 80x24 and 120x40: median, min and max KiB/s."""
    out: dict = {}
    for cols, rows in ((80, 24), (120, 40)):
        got = [wire(cols, rows, seconds) for _ in range(runs)]
        for key in ("training_kib_s", "paused_kib_s"):
            values = sorted(g[key] for g in got)
            name = f"wire_{cols}x{rows}_{key}"
            out[name], out[name + "_min"], out[name + "_max"] = (
                statistics.median(values),
                values[0],
                values[-1],
            )
    return out


def measure(train_seconds: float = 5.0) -> dict:
    """All app rows; the engine alone is measured before and after the app run."""
    alone_before = engine_alone_steps_per_s()
    app = asyncio.run(_app_run(train_seconds))
    alone_after = engine_alone_steps_per_s()
    alone = (alone_before + alone_after) / 2
    app["engine_alone_steps_per_s"] = alone
    app["tui_train_ratio"] = app["app_steps_per_s"] / alone
    app["tui_first_frame_s"] = statistics.median(first_frame_s() for _ in range(3))
    app.update(wire_rows())
    return app


def measure_in_fresh_process(module: str = "bench.tui") -> dict:
    """``module``'s measurement (its ``--json`` line) in a new process: the app's process
    never imports torch."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--json"],
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
