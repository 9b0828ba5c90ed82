"""``sweep`` flags of the Ray backend, refused before any work without ``--backend ray``
(no Ray started: the tests that start Ray are in tests/ray, run by ``make test-ray``)."""

from __future__ import annotations

import pytest

GRID = ["sweep", "regression", "--grid", "training.lr=0.1", "--steps", "5"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--chunk", "4"], "torchplay: error: --chunk needs --backend ray"),
        (["--address", "10.0.0.5:6379"], "torchplay: error: --address needs --backend ray"),
        (["--scheduler", "asha"], "torchplay: error: --scheduler needs --backend ray"),
        (["--max-failures", "2"], "torchplay: error: --max-failures needs --backend ray"),
        (
            ["--backend", "ray", "--chunk", "0"],
            "torchplay: error: --chunk 0: must be 1 or more members per trial",
        ),
        (
            ["--backend", "ray", "--max-failures", "-1"],
            "torchplay: error: --max-failures -1: must be 0 or more",
        ),
        (
            ["--backend", "ray", "--address", "ray://head:10001"],
            "torchplay: error: --address 'ray://head:10001': give the head node's HOST:PORT "
            "(the address `ray start --head` printed), e.g. 10.0.0.5:6379",
        ),
        (
            ["--backend", "ray", "--address", "head:port"],
            "torchplay: error: --address 'head:port': the port must be a number 1-65535 "
            "(HOST:PORT)",
        ),
    ],
)
def test_bad_ray_flags_exit_2_with_one_line(cli, flags, message) -> None:
    code, out, err = cli(*GRID, *flags)
    assert (code, out) == (2, "")
    assert err.splitlines() == [message]
