"""The app's diagnostics of a trainer's weights, live or at a time-travel snapshot: the
health view (:class:`~torchplay.engine.run.views.HealthView`, plain data from :mod:`.health`
and :mod:`.confusion`) and one point's backprop (:mod:`.backprop`)."""

from __future__ import annotations

from contextlib import nullcontext

from torchplay.engine.run.views import HealthView, LayerBar
from torchplay.engine.train import confusion, health
from torchplay.engine.train.model import linears
from torchplay.engine.train.snapshots import viewing
from torchplay.engine.train.strips import StripCache


def health_view(trainer, step: int | None = None, cache: StripCache | None = None) -> HealthView:
    """The health of ``trainer``'s network now, or (``step``) of its snapshot nearest that
    step; the confusion matrix of its training set for classification; with ``cache``,
    the layers over the snapshots too (:mod:`.strips`)."""
    with viewing(trainer, step) if step is not None else nullcontext(trainer.step_count) as at:
        layers = health.of_trainer(trainer)
        matrix = confusion.of_trainer(trainer) if trainer.task == "classification" else None
    widths = [lin.out_features for lin in linears(trainer.net)]
    bars = [
        LayerBar(
            h.weight_norm,
            h.weight_grad_norm,
            h.flow,
            h.dead_units,
            n,
            (h.weights.low, h.weights.high, h.weights.counts),
            (h.activations.low, h.activations.high, h.activations.counts),
        )
        for h, n in zip(layers, widths, strict=True)
    ]
    return HealthView(at, bars, matrix, cache.get(trainer) if cache is not None else None)


def inspect_point(trainer, point: list[float], step: int | None = None) -> tuple[int, dict]:
    """One raw point's backprop (:func:`.backprop.inspect`) through ``trainer``'s weights
    now, or at its snapshot nearest ``step``; the target is the nearest training point's.

    Raises:
        InputError: ``point`` does not have the data's number of inputs.
    """
    import torch
    from torchplay.engine.run.errors import InputError
    from torchplay.engine.train import backprop

    d = trainer.data
    if len(point) != d.n_inputs:
        raise InputError(f"point {point}: {len(point)} values; the network takes {d.n_inputs}")
    target = backprop.nearest_target(d.x_train, d.y_train, point)
    inputs = trainer.features(torch.tensor([point], dtype=torch.float32))[0].tolist()
    with viewing(trainer, step) if step is not None else nullcontext(trainer.step_count) as at:
        trace = backprop.inspect(
            trainer.net,
            trainer.spec.model.activation,
            inputs,
            target,
            trainer.loss,
            trainer.lr_now,
        )
    return at, trace.to_dict()
