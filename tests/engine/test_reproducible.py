"""The engine pins MKL's and torch's code paths (torchplay/engine/__init__.py), so a run's
bits do not depend on the CPU or on where a population member's slice starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SHOW = (
    "import os, torchplay.engine; print(os.environ['MKL_CBWR'], os.environ['ATEN_CPU_CAPABILITY'])"
)


def _pins(**env: str) -> list[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("MKL_CBWR", "ATEN_CPU_CAPABILITY")}
    out = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, ["AVX2", "avx2"]), ({"MKL_CBWR": "AUTO"}, ["AUTO", "avx2"])],
)
def test_the_engine_pins_mkl_and_torch_unless_the_environment_says(env, expected) -> None:
    assert _pins(**env) == expected
