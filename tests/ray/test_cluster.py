"""Joining Ray from the command line: addresses, auth tokens, a missing Ray.

Real Ray processes: a head node started with ``ray start --head`` on 127.0.0.1 with token
authentication on (``tests/ray/cluster.py``), joined by ``torchplay sweep --backend ray
--address``. Every refusal is one line on stderr and exit 2 within 30 s.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.ray.cluster import HeadNode, free_port, ray_env, run

SWEEP = ["sweep", "regression", "--grid", "data.seed=1", "--steps", "20", "--backend", "ray"]
NO_TOKEN = (
    "no Ray auth token here (~/.ray/auth_token, RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH); "
    "get it on the head node with `ray get-auth-token`"
)


@pytest.fixture(scope="module")
def head(tmp_path_factory):
    node = HeadNode(tmp_path_factory.mktemp("head-home"))
    yield node
    node.stop()


def test_joins_with_the_default_token_path(head):
    code, out, err, _ = run(*SWEEP, "--address", head.address, env=ray_env(head.home))
    assert code == 0, err
    assert err.splitlines() == [f"Ray cluster {head.address} (joined): 2 workers on 1 node"]
    assert "1 members, 0 diverged" in out and "(ray, cpu)" in out


def test_joins_with_the_token_in_the_environment(head, tmp_path):
    env = ray_env(tmp_path, RAY_AUTH_TOKEN=head.token_path.read_text().strip())
    code, _, err, _ = run(*SWEEP, "--address", head.address, env=env)
    assert code == 0, err


def test_wrong_token_exits_2_within_30_s(head, tmp_path):
    env = ray_env(tmp_path, RAY_AUTH_TOKEN="0" * 32)
    code, out, err, took = run(*SWEEP, "--address", head.address, env=env)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"torchplay: error: --address {head.address}: the cluster refused the auth token from "
        "RAY_AUTH_TOKEN; get it on the head node with `ray get-auth-token`, and put it in "
        "~/.ray/auth_token or RAY_AUTH_TOKEN"
    ]
    # One gRPC call finds the refusal (raycluster.token_accepted); ray.init alone retried
    # a refused token for about 25 s, and went over 30 s on a loaded machine.
    assert took < 15


def test_missing_token_exits_2_at_once(head, tmp_path):
    code, _, err, took = run(*SWEEP, "--address", head.address, env=ray_env(tmp_path))
    assert code == 2
    assert err.splitlines() == [f"torchplay: error: --address {head.address}: {NO_TOKEN}"]
    assert took < 30


def test_address_pointing_at_nothing_exits_2_within_30_s(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    code, _, err, took = run(*SWEEP, "--address", address, env=ray_env(tmp_path))
    assert code == 2
    assert err.splitlines() == [
        f"torchplay: error: --address {address}: no Ray cluster answers there (Connection refused); "
        f"start one with `ray start --head --port={address.split(':')[1]}` on that machine, "
        "or fix the address"
    ]
    assert took < 30


def test_missing_ray_says_how_to_install(tmp_path):
    blocked = (
        "import sys; sys.modules['ray'] = None\n"
        "from torchplay.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", blocked, *SWEEP], env=ray_env(tmp_path), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "torchplay: error: --backend ray needs Ray Tune, which is not installed (ray.tune): "
        "pip install 'torchplay[ray]'"
    ]
