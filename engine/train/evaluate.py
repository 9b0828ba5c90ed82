"""What a network's weights score: losses, accuracy or R², predictions, and the
plain-data :class:`~torchplay.engine.process.events.Snapshot` a trainer reports.

The training loop calls :func:`loss_on` at its history points; observers get
:func:`snapshot`. Functions take a network and tensors, or a trainer (duck-typed, as
:mod:`.probes` does: this module does not import :mod:`.trainer`, which calls it).
``torchplay predict`` needs only :func:`predict`, without the training machinery.
"""

from __future__ import annotations

import math

import torch
from torchplay.engine.process.events import Snapshot
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.features import FeatureMap


def loss_name(spec: Spec, task: str) -> str:
    """The loss a run trains with: the spec's, or for ``auto`` mse (regression) or
    cross_entropy (classification)."""
    if spec.training.loss != "auto":
        return spec.training.loss
    return "mse" if task == "regression" else "cross_entropy"


@torch.no_grad()
def loss_on(net: torch.nn.Module, loss: str, x: torch.Tensor, y: torch.Tensor) -> float:
    """``net``'s mean ``loss`` (``"mse"`` or ``"cross_entropy"``) on inputs ``x``, targets ``y``."""
    out = net(x)
    if loss == "mse":
        return torch.nn.functional.mse_loss(out, y).item()
    return torch.nn.functional.cross_entropy(out, y).item()


@torch.no_grad()
def metric_on(net: torch.nn.Module, task: str, x: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy (classification) or R² (regression; 0 for constant targets)."""
    out = net(x)
    if task == "classification":
        return (out.argmax(1) == y).float().mean().item()
    ss_res = ((out - y) ** 2).sum().item()
    ss_tot = ((y - y.mean()) ** 2).sum().item()
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else 0.0


@torch.no_grad()
def predict(net: torch.nn.Module, features: FeatureMap, n_inputs: int, task: str, x) -> list:
    """``net``'s predictions for rows ``x`` of ``n_inputs`` raw inputs (lists or a 2-D
    tensor; ``features`` are computed from them first): regression, one float per row
    (the first output); classification, (class, probabilities) per row."""
    raw = torch.as_tensor(x, dtype=torch.float32).reshape(len(x), n_inputs)
    out = net(features(raw))
    if task == "regression":
        return [float(v) for v in out[:, 0]]
    probs = torch.softmax(out, 1)
    return [(int(p.argmax()), [float(v) for v in p]) for p in probs]


def step_loss(trainer) -> float:
    """The train loss reported for ``trainer``'s current step, everywhere (status,
    ``--json``, metrics rows, the loss chart): the loss of that step's batch, computed
    before its update, as the tutorial prints it. At step 0, or where that loss is not at
    hand (a rolled-back divergence, a step between recorded points of a population
    member), the loss of the current weights on the training set."""
    loss = reported_loss(trainer)
    return trainer.train_set_loss() if loss is None else loss


def reported_loss(trainer) -> float | None:
    """The loss of the current step's batch, computed before its update, where it is at
    hand (the history's last point, or the last step run); else None."""
    points = trainer.history.points
    if points and points[-1][0] == trainer.step_count:
        return points[-1][1]
    if trainer.last_loss is not None and trainer.last_loss[0] == trainer.step_count:
        return trainer.last_loss[1]
    return None


def snapshot(trainer, since: int | None = None) -> Snapshot:
    """``trainer``'s current metrics: losses on the current weights; accuracy or R² on
    the test set when there is one, else on the training set; the history points
    recorded after step ``since`` (none when None): with the history's ``tap`` on, every
    point recorded since the last snapshot, even those thinned away since."""
    d = trainer.data
    has_test = d.x_test.shape[0] > 0
    mx, my = (trainer.inputs_test, d.y_test) if has_test else (trainer.inputs_train, d.y_train)
    metric = metric_on(trainer.net, d.task, mx, my)
    history = trainer.history
    if since is None:
        points = []
    elif history.tap is not None:  # a rolled-back divergence: not past the weights kept
        points = [p for p in history.tapped() if since < p[0] <= trainer.step_count]
    else:
        points = history.since(since)
    schedule, lr = trainer.schedule, trainer.lr
    best = trainer.best.step if trainer.best is not None else -1
    test = loss_on(trainer.net, trainer.loss, trainer.inputs_test, d.y_test) if has_test else None
    return Snapshot(
        step=trainer.step_count,
        state=trainer.state,
        train_loss=finite(step_loss(trainer)),
        test_loss=finite(test) if test is not None else None,
        accuracy=metric if d.task == "classification" else None,
        r2=finite(metric) if d.task == "regression" else None,
        steps_per_s=trainer.steps_per_s,
        lr=lr,
        diverged_at=trainer.diverged_at,
        points=points,
        target=trainer.goal or trainer.target(),
        lrs=[schedule.lr_at(lr, p[0] - 1) for p in points] if schedule.varies else [],
        lr_now=trainer.lr_now,
        best_step=best if best >= 0 else None,
        kernel=trainer.kernel,
    )


def finite(v: float) -> float | None:
    """``v``, or None when it is inf or nan (JSON and charts take no non-finite floats)."""
    return v if math.isfinite(v) else None
