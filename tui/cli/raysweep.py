"""``torchplay sweep --backend ray``: the command-line glue around the engine's Ray backend.

Ray's own output goes to a log file for the whole Ray session
(:class:`torchplay.engine.sweeps.raycluster.RayOutput`); the user sees one line naming the
cluster and its workers, the progress bar, then the same table or JSON as the local
backend, whose object gains a ``ray`` entry (address, workers, log path, retries).
"""

from __future__ import annotations

import argparse
import math
import threading

from torchplay.engine.run.errors import UserError
from torchplay.engine.run.grid import Member
from torchplay.engine.sweeps.raycluster import SCHEDULERS

RAY_FLAGS = ("address", "chunk", "scheduler", "max_failures")
"""Flags that only ``--backend ray`` reads."""


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The Ray flags of ``torchplay sweep``."""
    g = s.add_argument_group("--backend ray (pip install 'torchplay[ray]')")
    g.add_argument(
        "--address",
        metavar="HOST:PORT",
        help="join the Ray cluster there (ray start --head); default: start a local Ray",
    )
    g.add_argument(
        "--chunk",
        type=int,
        metavar="K",
        help="members per Tune trial (default: the grid split evenly over the workers)",
    )
    g.add_argument(
        "--scheduler", choices=SCHEDULERS, help="asha: stop poor chunks early (default none)"
    )
    g.add_argument(
        "--max-failures", type=int, metavar="N", help="retries of a failed trial (default 1)"
    )


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse Ray flags without ``--backend ray``, and bad values, before any work."""
    given = [f for f in RAY_FLAGS if getattr(args, f) is not None]
    if args.backend != "ray":
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise UserError(f"{flag} needs --backend ray")
        return
    if args.chunk is not None and args.chunk < 1:
        raise UserError(f"--chunk {args.chunk}: must be 1 or more members per trial")
    if args.max_failures is not None and args.max_failures < 0:
        raise UserError(f"--max-failures {args.max_failures}: must be 0 or more")
    from torchplay.engine.sweeps.raycluster import parse_address, require_ray

    if args.address is not None:
        parse_address(args.address)
    require_ray()


def run(
    args: argparse.Namespace,
    grid: list[Member],
    device: str,
    stop: threading.Event,
    make_bar,
):
    """Connect, run the sweep through Ray Tune, leave Ray; returns (result, ray_info,
    failures) where failures are one-line messages about chunks that failed for good."""
    from torchplay.engine.sweeps.raycluster import RayOutput, connect, disconnect
    from torchplay.engine.sweeps.raysweep import run_ray

    with RayOutput() as out:
        try:
            cluster = connect(args.address, out.path)
            print(cluster.describe(), file=out.stderr)
            bar = make_bar(out.stderr)
            # By default one chunk per worker: each trial is one big population.
            chunk = args.chunk or max(1, math.ceil(len(grid) / max(1, cluster.workers)))
            try:
                outcome = run_ray(
                    grid,
                    chunk=chunk,
                    scheduler=args.scheduler or "none",
                    max_failures=1 if args.max_failures is None else args.max_failures,
                    device=device,
                    keep_checkpoints=args.out is not None,
                    progress=bar,
                    stop=stop,
                )
            finally:
                if bar is not None:
                    bar.close()
        finally:
            disconnect()
    info = {
        "address": cluster.address,
        "started": cluster.started,
        "nodes": cluster.nodes,
        "workers": cluster.workers,
        "chunk": chunk,
        "scheduler": args.scheduler or "none",
        "retries": outcome.retries,
        "log": out.path,
    }
    failures = [
        f"chunk {c} failed after {info['retries']} retries: {msg} (log: {out.path})"
        for c, msg in sorted(outcome.failed.items())
    ]
    return outcome.result, info, failures
