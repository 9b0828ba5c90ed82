"""make soak: the app trains 1,000,000 steps headlessly; memory must stay bounded.

History halves its resolution instead of growing, and the app keeps only what the charts
show, so resident memory after warm-up (100,000 steps) may grow by at most 10%.
Exits 1 when it grows more.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

STEPS = 1_000_000
WARM_UP = 100_000
LIMIT = 1.10


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def soak() -> dict:
    from torchplay.tui.app.app import PlaygroundApp
    from torchplay.tui.app.widgets.charts import LossChart

    spec = Path(tempfile.mkdtemp()) / "soak.toml"
    spec.write_text(f'scenario = "save-restore"\n[training]\nsteps = {STEPS}\n')
    app = PlaygroundApp(source=str(spec))
    async with app.run_test(size=(120, 40)) as pilot:
        while app.run_info is None:
            await pilot.pause(0.1)
        engine = app.client._worker.pid
        await pilot.press("space")
        while app.last is None or app.last.step < WARM_UP:
            await pilot.pause(0.1)
        before = (rss_mb(os.getpid()), rss_mb(engine))
        t0 = time.perf_counter()
        while app.state == "running" or app.last.step < STEPS:
            await pilot.pause(0.5)
            if app.state in ("diverged", "error"):
                raise SystemExit(f"soak stopped: {app.state}")
        after = (rss_mb(os.getpid()), rss_mb(engine))
        points = len(app.query_one(LossChart).points)
        await pilot.press("q")
    return {
        "steps": app.last.step,
        "seconds": time.perf_counter() - t0,
        "ui_rss_mb": before[0],
        "ui_rss_after_mb": after[0],
        "engine_rss_mb": before[1],
        "engine_rss_after_mb": after[1],
        "loss_points_in_app": points,
    }


def main() -> int:
    res = asyncio.run(soak())
    print(f"trained {res['steps']:,} steps in {res['seconds']:.0f} s after warm-up")
    ok = True
    for who in ("ui", "engine"):
        a, b = res[f"{who}_rss_mb"], res[f"{who}_rss_after_mb"]
        ok &= b <= a * LIMIT
        print(
            f"{who:6s} RSS {a:7.1f} MB at {WARM_UP:,} steps -> {b:7.1f} MB at the end "
            f"({(b / a - 1) * 100:+.1f}%, limit +{(LIMIT - 1) * 100:.0f}%)"
        )
    print(f"loss points held by the app: {res['loss_points_in_app']:,}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
