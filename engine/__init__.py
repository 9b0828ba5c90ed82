"""torchplay's engine: specs, data, models, training, checkpoints and the engine process.

This package computes and never presents: it imports no textual, plotext, rich or tui.
Its light modules (``spec``, ``scenarios``, ``events``, ``client``) do not import torch
either, so a UI process can use them without paying torch's import time.
"""

__version__ = "0.1.0"
