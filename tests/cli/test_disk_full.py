"""A full disk (RLIMIT_FSIZE) during --save: a clear error, exit 2, the old file intact."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Slow (fresh interpreters): make test-fast leaves them out.
pytestmark = pytest.mark.slow


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG, not a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))


def test_disk_full_keeps_old_checkpoint(tmp_path) -> None:
    ck = tmp_path / "ck.safetensors"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "torchplay.tui.cli.main",
        "train",
        "--quiet",
        "--steps",
        "5",
        "--save",
        str(ck),
    ]
    assert subprocess.run(cmd, env=env, cwd=ROOT).returncode == 0
    before = ck.read_bytes()
    proc = subprocess.run(
        cmd[:-3] + ["20", "--save", str(ck)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot write" in proc.stderr and "unchanged" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert ck.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.safetensors"]
