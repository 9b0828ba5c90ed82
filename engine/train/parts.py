"""What a spec builds before its first step: data, features, network, stepper, batches.

The tutorial's setup as one function, :func:`build`: the data first, then the network,
from one seeded stream (the tutorial's order, so a run equals the tutorial's bit for
bit); then the checks only loaded data can answer (a CSV's width and size); the flat
parameter buffer both steppers update; the stepper (fused where
:func:`~torchplay.engine.steppers.fastpath.supports` the training spec, else autograd); and the
minibatch order. :class:`~torchplay.engine.train.trainer.Trainer` runs what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torchplay.engine.run.datafields import check_features, width
from torchplay.engine.run.modelspec import check_batch_norm
from torchplay.engine.run.spec import Spec, SpecError, check_batch_size, check_memory
from torchplay.engine.steppers import compiled
from torchplay.engine.steppers.autograd import AutogradStepper
from torchplay.engine.steppers.compiled import CompiledStepper
from torchplay.engine.steppers.fastpath import FusedStepper, why_not
from torchplay.engine.steppers.fusedlayers import LayeredStepper
from torchplay.engine.train import data as _data
from torchplay.engine.train import model as _model
from torchplay.engine.train.batches import Batches
from torchplay.engine.train.evaluate import loss_name
from torchplay.engine.train.features import FeatureMap


@dataclass
class Parts:
    """One run's data and network, ready to step."""

    data: _data.Dataset
    features: FeatureMap
    net: nn.Sequential
    inputs_train: torch.Tensor
    """What the network sees of the training points: their features (the same tensor
    as ``data.x_train`` without features)."""
    inputs_test: torch.Tensor
    loss: str
    """``"mse"`` or ``"cross_entropy"`` (see :func:`~torchplay.engine.train.evaluate.loss_name`)."""
    flat: torch.Tensor
    """Every parameter of ``net``, as views into this one buffer."""
    stepper: FusedStepper | AutogradStepper | CompiledStepper
    batches: Batches
    kernel: str = "exact"
    """Which kernel steps: ``exact`` (torch) or ``compiled`` (numba)."""
    kernel_why: str = "asked for"
    """Why: asked for, or ``auto``'s reason."""
    autograd_why: str | None = None
    """Why autograd steps (None: the fused path or the compiled kernel does)."""


def build(spec: Spec) -> Parts:
    """Build ``spec``'s data, network, stepper and minibatches.

    Raises:
        InputError: the data cannot be loaded, or does not fit the spec (a CSV's
            columns, size or batch size; a regression with a classification loss).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.data.seed)
        d = _data.load(spec.data)
        check_features(spec.data.features, d.n_inputs)  # CSV: known only now
        if spec.data.is_csv:  # synthetic data was checked with the spec
            check_memory(spec, d.n_inputs, d.n_outputs, d.x_train.shape[0] + d.x_test.shape[0])
        features = FeatureMap(spec.data.features)
        net = _model.build(spec.model, width(spec.data.features, d.n_inputs), d.n_outputs)
    inputs_train, inputs_test = features(d.x_train), features(d.x_test)
    check_batch_size(spec.training.batch_size, d.x_train.shape[0])  # CSV: known only now
    check_batch_norm(spec.model, spec.training.batch_size, d.x_train.shape[0])
    loss = loss_name(spec, d.task)
    if d.task == "regression" and loss != "mse":
        raise SpecError("training.loss", spec.training.loss, "regression needs mse")
    flat = _model.flatten_parameters(net)
    tr = spec.training
    kernel, why = compiled.choose(spec, flat.shape[0], inputs_train.shape[0])
    if kernel == "compiled":
        stepper: FusedStepper | AutogradStepper | CompiledStepper = compiled.CompiledStepper(
            net, flat, tr, loss, spec.model.activation, tr.lr
        )
        rows = tr.batch_size if 0 < tr.batch_size < inputs_train.shape[0] else 0
        stepper.bind(inputs_train, d.y_train, inputs_test, d.y_test, rows)
    elif why_not(tr, spec) is not None:
        stepper = AutogradStepper(net, tr, loss, tr.lr, seed=spec.data.seed)
    elif spec.model.plain:
        stepper = FusedStepper(net, flat, tr, loss, spec.model.activation, tr.lr)
    else:
        stepper = LayeredStepper(net, flat, tr, loss, spec.model, tr.lr)
    batches = Batches(
        inputs_train, stepper.prepare_targets(d.y_train), tr.batch_size, spec.data.seed
    )
    return Parts(
        d,
        features,
        net,
        inputs_train,
        inputs_test,
        loss,
        flat,
        stepper,
        batches,
        kernel,
        why,
        None if kernel == "compiled" else why_not(tr, spec),
    )
