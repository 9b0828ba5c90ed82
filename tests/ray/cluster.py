"""A Ray cluster for tests: ``ray start --head`` on 127.0.0.1 with its own HOME (so its
auth token is the test's, not the user's), stopped afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ray_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a process that uses the test cluster (token under ``home``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(HOME=str(home), RAY_USAGE_STATS_ENABLED="0", **extra)
    return env


class HeadNode:
    """``ray start --head --port=P --num-cpus=2`` with token authentication, until
    :meth:`stop`. Ray 2.60 turns authentication on for ``ray start --head`` when a token
    exists at the default path, so the head generates one first, as the README says."""

    def __init__(self, home: Path, cpus: int = 2) -> None:
        self.home = home
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        subprocess.run(
            [RAY, "get-auth-token", "--generate"], env=ray_env(home), check=True,
            capture_output=True, timeout=60,
        )  # fmt: skip
        subprocess.run(
            [RAY, "start", "--head", f"--port={self.port}", f"--num-cpus={cpus}",
             "--include-dashboard=false", "--disable-usage-stats"],
            env=ray_env(home, RAY_AUTH_MODE="token"), check=True, capture_output=True,
            timeout=120,
        )  # fmt: skip

    @property
    def token_path(self) -> Path:
        return self.home / ".ray" / "auth_token"

    def stop(self) -> None:
        subprocess.run(
            [RAY, "stop", "--force"], env=ray_env(self.home), capture_output=True, timeout=120
        )
        shutil.rmtree(self.home / ".ray", ignore_errors=True)


def torchplay(*args: str, env: dict[str, str], timeout: int = 240) -> subprocess.Popen:
    """``torchplay ARGS`` started in a new process (stdout and stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def run(*args: str, env: dict[str, str], timeout: int = 240) -> tuple[int, str, str, float]:
    """``torchplay ARGS`` to the end: (exit code, stdout, stderr, seconds)."""
    import time

    start = time.monotonic()
    proc = torchplay(*args, env=env)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err, time.monotonic() - start
