"""bench/cuda.py runs where no GPU is: its CPU dry run takes every path but the graph
capture (population at small K, the single run eager) and prints one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_cuda_bench_dry_run_on_the_cpu() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "bench.cuda", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["device"] == "cpu (dry run)"
    for k in (1, 4, 16):
        assert res[f"population_k{k}_model_steps_per_s"] > 0
    assert res["single_eager_steps_per_s"] > 0


def test_cuda_bench_without_a_gpu_says_so() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, "-m", "bench.cuda"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "no CUDA device here; --dry-run" in proc.stderr
