"""The app's health view of a trainer's weights, live or at a time-travel snapshot:
:class:`~torchplay.engine.run.views.HealthView`, plain data from
:mod:`.health` and :mod:`.confusion`."""

from __future__ import annotations

from contextlib import nullcontext

from torchplay.engine.run.views import HealthView, LayerBar
from torchplay.engine.train import confusion, health
from torchplay.engine.train.model import linears
from torchplay.engine.train.snapshots import viewing


def health_view(trainer, step: int | None = None) -> HealthView:
    """The health of ``trainer``'s network now, or (``step``) of its snapshot nearest that
    step; the confusion matrix of its training set for classification."""
    with viewing(trainer, step) if step is not None else nullcontext(trainer.step_count) as at:
        layers = health.of_trainer(trainer)
        matrix = confusion.of_trainer(trainer) if trainer.task == "classification" else None
    widths = [lin.out_features for lin in linears(trainer.net)]
    bars = [
        LayerBar(h.weight_norm, h.weight_grad_norm, h.flow, h.dead_units, n)
        for h, n in zip(layers, widths, strict=True)
    ]
    return HealthView(at, bars, matrix)
