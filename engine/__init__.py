"""torchplay's engine: specs, data, models, training, checkpoints and the engine process.

This package computes and never presents: it imports no textual, plotext, rich or tui.
Its light modules (``spec``, ``scenarios``, ``events``, ``client``) do not import torch
either, so a UI process can use them without paying torch's import time.

A population member trains to the same bits as its single run, and the same spec to the
same bits on another x86 CPU with AVX2 (MKL's documented guarantee, checked on an AMD
EPYC only): MKL's conditional numerical reproducibility
(``MKL_CBWR=AVX2``) and torch's kernels (``ATEN_CPU_CAPABILITY=avx2``) are pinned here,
before torch's first operation, unless the environment sets them already. Without the
pin, MKL picks its code path by CPU and by the 16-byte alignment of each operand: on an
AMD EPYC a stacked member whose slice started 8 bytes off a 16-byte boundary rounded
differently from its single run, and a sweep drawn on an AVX-512 Xeon did not match the
EPYC's (docs/explanation/exactness.md).
"""

import os
from importlib.metadata import PackageNotFoundError, version

os.environ.setdefault("MKL_CBWR", "AVX2")
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

try:
    __version__ = version("torchplay")
    """The installed distribution's version: the one place it is read (pyproject.toml sets it)."""
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
