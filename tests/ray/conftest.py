"""Ray tests: marked ``ray``, only inside a network namespace holding loopback alone, and
no Ray process may outlive a test module.

``make test-ray`` runs ``unshare -n sh -c 'ip link set lo up && pytest -m ray tests/ray'``:
there Ray listens on 127.0.0.1 and no packet can leave the machine. The plain ``pytest``
run deselects the ``ray`` marker (pyproject ``addopts``).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent

# What Ray's own processes have in their command lines (raylet, gcs_server, workers,
# dashboard and log agents); a test's driver is a torchplay or python -c process.
RAY_MARKERS = (
    "raylet",
    "gcs_server",
    "ray::",
    "default_worker.py",
    "ray/_private",
    "ray/dashboard",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.ray)


def loopback_only() -> bool:
    """True inside a network namespace whose only interface is loopback."""
    # /proc/net/dev is per namespace (/sys/class/net is not remounted by unshare -n).
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return [line.split(":")[0].strip() for line in lines] == ["lo"]


def ray_processes() -> list[tuple[int, str]]:
    """Ray processes in this test's network namespace (other namespaces are not ours)."""
    mine = os.readlink("/proc/self/ns/net")
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/net") != mine:
                continue
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(marker in cmd for marker in RAY_MARKERS):
            found.append((int(entry), cmd[:120]))
    return found


@pytest.fixture(autouse=True, scope="session")
def _isolated_network():
    if not loopback_only():
        pytest.fail(
            "Ray tests run only in a network namespace holding loopback alone: make test-ray",
            pytrace=False,
        )


@pytest.fixture(autouse=True, scope="module")
def _no_ray_left():
    yield
    deadline = time.monotonic() + 20  # a Ray shutting down takes a few seconds
    while (left := ray_processes()) and time.monotonic() < deadline:
        time.sleep(0.5)  # the poll's interval
    for pid, _ in left:  # do not leak them into the next module, then fail
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"Ray processes left running: {left}"
