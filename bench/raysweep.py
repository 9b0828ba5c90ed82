"""A 256-member sweep on ``--backend local`` and ``--backend ray`` (a local Ray on this
machine's CPUs), alternated, each run a fresh ``torchplay`` process.

Run it where Ray can start (as the tests do, in a loopback-only namespace):
``unshare -n sh -c 'ip link set lo up && .venv/bin/python -m bench.raysweep'``. Not part of
``make bench``: every Ray run starts and stops a Ray. Prints each run's wall time (the
whole command), the sweep's own ``wall_s`` (training, as the JSON reports it) and the
median ratio ray/local.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

GRID = [
    "sweep", "regression", "--grid", "training.lr=1e-3:0.5:16", "--grid", "data.seed=1..16",
    "--steps", "2000", "--json",
]  # fmt: skip
RUNS = 3


def once(backend: str) -> tuple[float, float, int]:
    """(command seconds, the sweep's wall_s, members) for one run."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *GRID, "--backend", backend],
        capture_output=True, text=True, check=True, env=dict(os.environ, RAY_USAGE_STATS_ENABLED="0"),
    )  # fmt: skip
    took = time.perf_counter() - start
    res = json.loads(proc.stdout)
    return took, res["wall_s"], len(res["runs"])


def main() -> None:
    times: dict[str, list[tuple[float, float]]] = {"local": [], "ray": []}
    for i in range(RUNS):
        for backend in ("local", "ray"):
            took, wall, members = once(backend)
            times[backend].append((took, wall))
            print(
                f"run {i + 1} {backend:5s} {members} members: command {took:6.1f} s, sweep {wall:6.1f} s"
            )
    for backend, rows in times.items():
        cmd = [t for t, _ in rows]
        sweep = [w for _, w in rows]
        print(
            f"{backend:5s} command median {statistics.median(cmd):6.1f} s (min {min(cmd):.1f}, max {max(cmd):.1f}); "
            f"sweep median {statistics.median(sweep):6.1f} s (min {min(sweep):.1f}, max {max(sweep):.1f})"
        )
    ratio = statistics.median(t for t, _ in times["ray"]) / statistics.median(
        t for t, _ in times["local"]
    )
    print(f"ray/local command time: {ratio:.2f}x (cpus: {os.cpu_count()})")


if __name__ == "__main__":
    main()
