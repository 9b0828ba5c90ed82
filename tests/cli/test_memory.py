"""Memory bounds, measured: the peak RSS of a real ``torchplay train`` process on a CSV.

A 100,000-row x 50-column CSV is 20 MB as float32. numpy parses it into one float32
array (the data, its split and a shuffled epoch copy follow); a parser that builds Python
lists (about 32 bytes per number) would need some 160 MB more. The bound, six times the
float32 data over a run on a tiny CSV, lies between the two.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT, SERIAL

# Signals, memory or timing: never beside each other (SERIAL); two fresh interpreters on a 20 MB CSV: slow.
pytestmark = [SERIAL, pytest.mark.slow]

ROWS, COLS = 100_000, 50


def peak_rss(csv: str) -> int:
    """Peak RSS in bytes of ``torchplay train`` on ``csv`` (the child's ru_maxrss, read
    from a wrapper process so that no earlier child counts)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    args = [sys.executable, "-m", "torchplay.tui.cli.main", "train", "--dataset", f"csv:{csv}"]
    args += ["--steps", "3", "--batch-size", "100", "--quiet"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    return int(out.split()[-1]) * 1024  # Linux reports ru_maxrss in KiB


@pytest.mark.slow
def test_training_on_a_large_csv_stays_near_its_float32_size(tmp_path) -> None:
    rng = np.random.default_rng(0)
    big = tmp_path / "big.csv"
    np.savetxt(big, rng.integers(0, 10, size=(ROWS, COLS)), fmt="%d", delimiter=",")
    small = tmp_path / "small.csv"
    np.savetxt(small, rng.integers(0, 10, size=(100, COLS)), fmt="%d", delimiter=",")
    data = ROWS * COLS * 4
    base, peak = peak_rss(str(small)), peak_rss(str(big))
    assert peak - base < 6 * data, (base, peak)
