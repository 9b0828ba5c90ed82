"""The confusion matrix of a classifier and its per-class precision, recall and accuracy.

Rows are true classes, columns predicted classes (``argmax`` of the network's output),
counts of points: the layout of scikit-learn's ``confusion_matrix``. A class's accuracy
is the share of its points predicted right (its recall: the per-class accuracy of a
classification report); precision is the share of the points predicted as it that are
it, None where nothing was.
"""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def matrix(net: nn.Module, x: torch.Tensor, y: torch.Tensor, n_classes: int) -> list[list[int]]:
    """Counts of (true class, predicted class) of ``net`` on inputs ``x`` (what the network
    sees: features), labels ``y``; ``n_classes`` by ``n_classes``."""
    out = net(x)
    k = max(n_classes, out.shape[1])
    pred = out.argmax(1)
    counts = torch.bincount(y.long() * k + pred, minlength=k * k)
    return counts.reshape(k, k).tolist()


def per_class(confusion: list[list[int]]) -> dict[str, list[float | None]]:
    """``precision``, ``recall`` and ``accuracy`` (= recall) per class, from a matrix."""
    k = len(confusion)
    right = [confusion[i][i] for i in range(k)]
    actual = [sum(row) for row in confusion]
    predicted = [sum(confusion[i][j] for i in range(k)) for j in range(k)]
    recall = [r / n if n else None for r, n in zip(right, actual, strict=True)]
    return {
        "precision": [r / n if n else None for r, n in zip(right, predicted, strict=True)],
        "recall": recall,
        "accuracy": list(recall),
    }


def of_trainer(trainer, test: bool = False) -> list[list[int]]:
    """A :class:`~torchplay.engine.train.trainer.Trainer`'s confusion matrix on its
    training set (``test``: its test set)."""
    d = trainer.data
    x, y = (trainer.inputs_test, d.y_test) if test else (trainer.inputs_train, d.y_train)
    return matrix(trainer.net, x, y, d.n_classes)


def of_checkpoint(ckpt, net: nn.Module) -> dict | None:
    """``confusion`` (training set), ``per_class`` and ``confusion_test`` (None without
    a test split) of a loaded checkpoint's network ``net``; None for regression, or
    where its data cannot be read any more (a ``csv:`` file moved: ``info`` still works).
    The data is generated as the run's was (the spec's seed, in the same order)."""
    from torchplay.engine.run.errors import InputError
    from torchplay.engine.train import data
    from torchplay.engine.train.features import FeatureMap

    spec = ckpt.spec
    if not ckpt.shape["classes"]:
        return None
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(spec.data.seed)  # as parts.build: the data first
            d = data.load(spec.data)
    except InputError:
        return None
    features = FeatureMap(spec.data.features)
    train = matrix(net, features(d.x_train), d.y_train, d.n_classes)
    test = None
    if d.x_test.shape[0]:
        test = matrix(net, features(d.x_test), d.y_test, d.n_classes)
    return {"confusion": train, "per_class": per_class(train), "confusion_test": test}
