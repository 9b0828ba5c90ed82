"""One hidden unit's numbers for neuron surgery (:class:`~torchplay.engine.run.views.UnitView`):
its incoming weights, bias and outgoing weights, whether it is killed or frozen, and the
loss and metric of the network as it stands, from the weights in view."""

from __future__ import annotations

import torch
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.views import UnitView
from torchplay.engine.train.evaluate import loss_on, metric_on
from torchplay.engine.train.model import linears
from torchplay.engine.train.snapshots import viewing


def _names(trainer, layer: int, n_in: int, n_out: int) -> tuple[list[str], list[str]]:
    hidden = trainer.spec.model.hidden
    if layer == 1:
        features = list(trainer.spec.data.features)
        ins = features if len(features) == n_in else [f"x{i + 1}" for i in range(n_in)]
    else:
        ins = [f"h{layer - 1}.{i + 1}" for i in range(n_in)]
    prefix = "out" if layer == len(hidden) else f"h{layer + 1}."
    return ins, [f"{prefix}{j + 1}" for j in range(n_out)]


def check_unit(trainer, layer: int, unit: int) -> None:
    """Raises:
    InputError: the network has no such hidden unit."""
    hidden = trainer.spec.model.hidden
    if not 1 <= layer <= len(hidden) or not 1 <= unit <= hidden[layer - 1]:
        raise InputError(f"no unit {unit} in hidden layer {layer}: the widths are {hidden}")


def _status(state: dict | None, layer: int, unit: int) -> str:
    state = state or {"frozen": [], "killed": []}
    killed = any(k[:2] == [layer, unit] for k in state["killed"])
    frozen = [layer, unit] in state["frozen"]
    return ", ".join(w for w, on in (("killed", killed), ("frozen", frozen)) if on) or "alive"


@torch.no_grad()
def unit_view(trainer, layer: int, unit: int, step: int | None = None) -> UnitView:
    """Unit ``unit`` of hidden layer ``layer`` (from 1) at the live end, or at the
    snapshot nearest ``step``.

    Raises:
        InputError: no such unit.
    """
    check_unit(trainer, layer, unit)
    if step is None:
        return _view(trainer, layer, unit, trainer.step_count, trainer.surgeon.state(), True)
    with viewing(trainer, step) as at:
        state = trainer.snapshots.get(at).surgery
        return _view(trainer, layer, unit, at, state, False)


def _view(trainer, layer: int, unit: int, step: int, state, live: bool) -> UnitView:
    incoming, outgoing = linears(trainer.net)[layer - 1], linears(trainer.net)[layer]
    k = unit - 1
    ins, outs = _names(trainer, layer, incoming.weight.shape[1], outgoing.weight.shape[0])
    d = trainer.data
    return UnitView(
        step=step,
        layer=layer,
        unit=unit,
        status=_status(state, layer, unit),
        bias=float(incoming.bias[k]),
        incoming=incoming.weight[k].tolist(),
        outgoing=outgoing.weight[:, k].tolist(),
        in_names=ins,
        out_names=outs,
        loss=loss_on(trainer.net, trainer.loss, trainer.inputs_train, d.y_train),
        metric=metric_on(trainer.net, d.task, *_metric_set(trainer)),
        live=live,
    )


def _metric_set(trainer) -> tuple[torch.Tensor, torch.Tensor]:
    """The status line's: the test set when there is one, else the training set."""
    d = trainer.data
    if d.x_test.shape[0] > 0:
        return trainer.inputs_test, d.y_test
    return trainer.inputs_train, d.y_train
