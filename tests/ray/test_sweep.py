"""``torchplay sweep --backend ray`` against ``--backend local``: the same rows on a local
Ray and on a ``ray start --head`` cluster, a killed worker retried, ASHA, Ctrl-C.

Every run is a real ``torchplay`` process; the cluster is real Ray on 127.0.0.1.
"""

from __future__ import annotations

import json
import math
import os
import signal
import time
from pathlib import Path

import pytest

from tests.ray.cluster import HeadNode, ray_env, run, torchplay
from tests.ray.conftest import ray_processes

# Four members, two of which diverge (lr 1000): the same rows and flags everywhere.
GRID = ["regression", "--grid", "training.lr=0.1,1000", "--grid", "data.seed=1..2"]


@pytest.fixture(scope="module")
def head(tmp_path_factory):
    node = HeadNode(tmp_path_factory.mktemp("sweep-head"))
    yield node
    node.stop()


@pytest.fixture
def env(tmp_path):
    return ray_env(tmp_path)


def sweep(*args: str, env, timeout: int = 300) -> tuple[dict, str]:
    code, out, err, _ = run("sweep", *args, "--json", env=env, timeout=timeout)
    assert code == 0, err
    return json.loads(out), err


def assert_same_rows(a: list[dict], b: list[dict]) -> None:
    assert [r["index"] for r in a] == [r["index"] for r in b]
    for x, y in zip(a, b, strict=True):
        assert x["overrides"] == y["overrides"] and x["step"] == y["step"]
        assert x["diverged"] == y["diverged"] and x["diverged_at"] == y["diverged_at"]
        assert math.isclose(x["train_loss"], y["train_loss"], rel_tol=1e-5), (x, y)
        assert math.isclose(x["r2"], y["r2"], rel_tol=1e-5, abs_tol=1e-6), (x, y)


def test_local_local_ray_and_a_cluster_give_the_same_rows(head, env, tmp_path):
    local, _ = sweep(*GRID, "--steps", "300", env=env)
    on_ray, err = sweep(*GRID, "--steps", "300", "--backend", "ray", "--chunk", "2", env=env)
    out = tmp_path / "out"
    joined_env = ray_env(head.home)
    on_cluster, err2 = sweep(
        *GRID, "--steps", "300", "--backend", "ray", "--address", head.address, "--out",
        str(out), env=joined_env,
    )  # fmt: skip
    assert [r["diverged"] for r in local["runs"]] == [False, False, True, True]
    assert_same_rows(local["runs"], on_ray["runs"])
    assert_same_rows(local["runs"], on_cluster["runs"])
    assert (local["backend"], on_ray["backend"], on_cluster["backend"]) == ("local", "ray", "ray")
    # One line about Ray on the terminal; the rest of what Ray said is in the log.
    (line,) = err.splitlines()
    assert line.startswith("Ray cluster 127.0.0.1:") and line.endswith("(started here): "
        f"{os.cpu_count()} workers on 1 node")  # fmt: skip
    assert err2.splitlines() == [f"Ray cluster {head.address} (joined): 2 workers on 1 node"]
    assert Path(on_ray["ray"]["log"]).read_text().strip()
    assert (on_ray["ray"]["started"], on_cluster["ray"]["started"]) == (True, False)
    # The driver wrote the checkpoints into --out: they load and say the same loss.
    for row in on_cluster["runs"]:
        assert Path(row["checkpoint"]).parent == out
        code, info, err3, _ = run("info", row["checkpoint"], "--json", env=env)
        assert code == 0, err3
        assert json.loads(info)["step"] == row["step"]
    assert json.loads((out / "sweep.json").read_text())["backend"] == "ray"


def ray_trials() -> list[int]:
    """Process ids of Tune trial actors (function trainables) in this namespace."""
    return [pid for pid, cmd in ray_processes() if "ImplicitFunc" in cmd]


def test_a_killed_worker_is_retried_and_every_row_equals_its_single_run(env):
    args = [*GRID[:3], "--grid", "data.seed=1..2", "--steps", "40000", "--chunk", "1"]
    proc = torchplay("sweep", *args, "--backend", "ray", "--max-failures", "2", "--json", env=env)
    deadline = time.monotonic() + 120
    while not (trials := ray_trials()) and time.monotonic() < deadline:
        time.sleep(0.2)  # the poll's interval
    assert trials, "no trial started"
    time.sleep(1.0)  # mid-training
    os.kill(trials[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    res = json.loads(out)
    assert res["ray"]["retries"] >= 1
    assert [r["index"] for r in res["runs"]] == [0, 1, 2, 3]
    # The local sweep's rows are its members' single runs (tests/cli/test_sweep.py): one
    # process for the four, where four `train` processes took ~20 s.
    local, _ = sweep(*args[:-2], env=env)  # less --chunk, a Ray option
    assert_same_rows(res["runs"], local["runs"])


def test_asha_stops_a_poor_member_early_and_keeps_the_best(env):
    # One good member among three that barely move: ASHA cuts at the median of a rung, so
    # the good one always goes on, and a slow one that reaches a rung after others stops.
    grid = ["regression", "--grid", "training.lr=0.2,1e-6,2e-6,3e-6"]
    local, _ = sweep(*grid, "--steps", "4000", env=env)
    asha, _ = sweep(
        *grid, "--steps", "4000", "--backend", "ray", "--chunk", "1", "--scheduler", "asha",
        env=env,
    )  # fmt: skip
    early = [r for r in asha["runs"] if r["stopped_early"]]
    assert early and all(r["step"] < 4000 for r in early)
    assert all(r["overrides"]["training.lr"] < 1e-5 for r in early)
    best = min(local["runs"], key=lambda r: r["train_loss"])
    best_asha = min(asha["runs"], key=lambda r: r["train_loss"])
    assert best_asha["index"] == best["index"]
    assert math.isclose(best_asha["train_loss"], best["train_loss"], rel_tol=1e-5)


def test_ctrl_c_stops_the_trials_shuts_ray_down_and_writes_what_finished(env, tmp_path):
    before = {pid for pid, _ in ray_processes()}  # a module's head node may be running
    out = tmp_path / "out"
    args = [*GRID, "--steps", "200000", "--chunk", "1", "--out", str(out)]
    proc = torchplay("sweep", *args, "--backend", "ray", env=env)
    deadline = time.monotonic() + 120
    while not ray_trials() and time.monotonic() < deadline:
        time.sleep(0.2)  # the poll's interval
    time.sleep(1.0)  # the trials train a while: the signal lands mid-sweep (len(runs) < 4)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    written = json.loads((out / "sweep.json").read_text())
    assert written["backend"] == "ray" and len(written["runs"]) < 4

    # The Ray this command started is gone (the module's check waits for stragglers too).
    def started() -> list[tuple[int, str]]:
        return [(pid, cmd) for pid, cmd in ray_processes() if pid not in before]

    deadline = time.monotonic() + 30
    while started() and time.monotonic() < deadline:
        time.sleep(0.5)  # the poll's interval
    assert not started()
