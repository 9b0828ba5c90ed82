"""torchplay's engine: specs, data, models, training, checkpoints and the engine process.

This package computes and never presents: it imports no textual, plotext, rich or tui.
Its light modules (``spec``, ``scenarios``, ``events``, ``client``) do not import torch
either, so a UI process can use them without paying torch's import time.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("torchplay")
    """The installed distribution's version: the one place it is read (pyproject.toml sets it)."""
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
