"""Joining and starting Ray: addresses, auth tokens, and Ray's output kept off the terminal.

Real Ray processes: a head node started with ``ray start --head`` on 127.0.0.1 (token
authentication on, as Ray 2.60 does by default) and a local Ray the driver starts itself.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.ray.cluster import HeadNode, free_port, ray_env

# The driver side of `--backend ray`, as the sweep command runs it: connect inside
# RayOutput, print the one line, leave. Exit 2 with the one-line message on bad input.
DRIVER = """
import sys
from torchplay.engine.errors import InputError
from torchplay.engine.raycluster import RayOutput, connect, disconnect
address = sys.argv[1] or None
with RayOutput() as out:
    try:
        cluster = connect(address, out.path)
        print(cluster.describe(), file=out.stderr)
        print(cluster.workers, cluster.nodes, cluster.started, out.path, file=out.stdout)
    except InputError as exc:
        print(f"torchplay: {exc}", file=out.stderr)
        sys.exit(2)
    finally:
        disconnect()
"""


def drive(address: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, address], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    return proc, time.monotonic() - start


@pytest.fixture(scope="module")
def head(tmp_path_factory):
    node = HeadNode(tmp_path_factory.mktemp("head-home"))
    yield node
    node.stop()


def test_joins_with_the_default_token_path(head):
    proc, _ = drive(head.address, ray_env(head.home))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [f"Ray cluster {head.address} (joined): 2 workers on 1 node"]
    workers, nodes, started, log = proc.stdout.split()
    assert (workers, nodes, started) == ("2", "1", "False")


def test_joins_with_the_token_in_the_environment(head, tmp_path):
    env = ray_env(tmp_path, RAY_AUTH_TOKEN=head.token_path.read_text().strip())
    proc, _ = drive(head.address, env)
    assert proc.returncode == 0, proc.stderr


def test_wrong_token_exits_2_within_30_s(head, tmp_path):
    proc, took = drive(head.address, ray_env(tmp_path, RAY_AUTH_TOKEN="0" * 32))
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "refused the auth token" in proc.stderr and "ray get-auth-token" in proc.stderr
    assert took < 30


def test_missing_token_exits_2_at_once(head, tmp_path):
    proc, took = drive(head.address, ray_env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"torchplay: --address {head.address}: no Ray auth token here (~/.ray/auth_token, "
        "RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH); get it on the head node with "
        "`ray get-auth-token`"
    ]
    assert took < 30


def test_address_pointing_at_nothing_exits_2_within_30_s(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    proc, took = drive(address, ray_env(tmp_path))
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert f"--address {address}: no Ray cluster answers there" in proc.stderr
    assert took < 30


def test_local_ray_starts_and_its_logging_stays_in_the_log(tmp_path):
    proc, _ = drive("", ray_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("Ray cluster 127.0.0.1:") and "(started here)" in line
    workers, nodes, started, log = proc.stdout.split()
    assert started == "True" and int(workers) >= 1
    # Ray did print things, and they went to the log, not the terminal.
    assert open(log).read().strip()


def test_missing_ray_says_how_to_install(tmp_path):
    blocked = "import sys; sys.modules['ray'] = None\n" + DRIVER
    proc = subprocess.run(
        [sys.executable, "-c", blocked, ""], env=ray_env(tmp_path), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "torchplay: --backend ray needs Ray Tune, which is not installed (ray.tune): "
        "pip install 'torchplay[ray]'"
    ]
