"""Browser mode's first frame: seconds from opening the app's websocket (a new app process,
as a browser tab gets) to a frame showing the control panel, through a real
``torchplay serve`` on a free loopback port.

``python -m bench.serve`` prints the times alone; ``make bench`` includes the row.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time

from tests.cli.test_serve import free_port, get_page, screen_until
from tests.conftest import ROOT


async def _first_frames(port: int, reps: int) -> list[float]:
    import aiohttp

    await get_page(port, time.monotonic() + 90)
    out = []
    async with aiohttp.ClientSession() as http:
        for _ in range(reps):
            t0 = time.perf_counter()
            async with http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=120&height=40") as ws:
                if not await screen_until(ws, [], "optimizer", time.monotonic() + 90):
                    raise RuntimeError("no control panel within 90 s")
                out.append(time.perf_counter() - t0)
                await ws.send_json(["stdin", "q"])
    return out


def first_frames(reps: int = 3) -> list[float]:
    """Seconds to the control panel for ``reps`` websocket sessions, one after another."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "torchplay.tui.cli.main", "serve", "--port", str(port)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return asyncio.run(_first_frames(port, reps))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def rows() -> tuple[dict[str, float], list[tuple[str, str, str, str, str]]]:
    """Results and the table row for ``make bench``."""
    times = first_frames()
    res = {"serve_first_frame_s": statistics.median(times)}
    spread = f"{min(times):.2f}-{max(times):.2f}"
    return res, [
        (
            "serve: websocket open to the panel's frame (s)",
            "",
            f"{res['serve_first_frame_s']:.2f}",
            "",
            f"(spread {spread}, {len(times)} sessions)",
        )
    ]


if __name__ == "__main__":
    print(" ".join(f"{t:.2f}" for t in first_frames()))
