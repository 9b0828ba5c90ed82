"""The trainer's loop on the exact path: one torch step at a time, bookkeeping only
where it is due.

:func:`step` is :meth:`Trainer.step <torchplay.engine.train.trainer.Trainer.step>` for
the fused and autograd steppers (:mod:`.chunked` is the compiled kernel's). A tutorial
step is ~15 torch ops of ~1.5-5 us each, so the loop keeps its own cost per step to a
few Python operations: the weights backed up by step parity (a divergence rolls back to
the last finite step), the next batch (full batch: the same tensors every step), the
step's lr under a schedule, the step, and one comparison with the next step that has
bookkeeping (:func:`due_after`: a surgery, a history point or a snapshot), done by
:func:`bookkeep`.

The fused stepper needs no autograd, so its loop runs in ``torch.inference_mode``: each
op skips the autograd dispatch layers, ~15% of a tutorial step, with the same kernels
and so the same bits. Inference mode makes the tensors created in it inference tensors,
which may not be updated in place outside it; whatever keeps tensors past the loop
(surgery, the best weights, snapshots, a divergence's rollback) runs outside it, and the
fused stepper makes its own buffers and optimizer state outside it.
"""

from __future__ import annotations

import math
import threading

import torch
from torchplay.engine.train.evaluate import loss_on


def step(trainer, n: int, stop: threading.Event | None = None) -> int:
    """Run up to ``n`` steps of ``trainer`` on its exact stepper; returns how many ran
    (the contract of ``Trainer.step``)."""
    if not trainer.stepper.fused:
        return _steps(trainer, n, stop)
    with torch.inference_mode():
        return _steps(trainer, n, stop)


def _steps(trainer, n: int, stop: threading.Event | None) -> int:
    # Locals: this loop is the hot path of every run.
    backups, flat, step = trainer._backups, trainer.flat, trainer.stepper.step
    batches = trainer.batches
    next_batch = batches.next if batches.size else None
    xb, yb = batches.x, batches.y  # full batch: what batches.next() gives every step
    isfinite, is_set = math.isfinite, None if stop is None else stop.is_set
    schedule = trainer.schedule
    lr_at = schedule.lr_at if schedule.varies else None
    base, set_lr = trainer.lr, trainer.stepper.set_lr
    count = start = trainer.step_count
    due = due_after(trainer, count)
    loss = math.nan
    for _ in range(n):
        if is_set is not None and is_set():
            break
        backups[count & 1].copy_(flat)
        if next_batch is not None:
            xb, yb = next_batch()
        if lr_at is not None:
            set_lr(lr_at(base, count))
        loss = step(xb, yb)
        if not isfinite(loss):
            trainer.step_count = count
            with torch.inference_mode(False):
                trainer._diverge()
            return count - start
        count += 1
        if count == due:
            if bookkeep(trainer, count, loss):
                break
            due = due_after(trainer, count)
    trainer.step_count = count
    if count > start:
        trainer.last_loss = (count, loss)
    return count - start


def due_after(trainer, count: int) -> int:
    """The first step after ``count`` with bookkeeping: the next history point, or an
    earlier surgery or snapshot."""
    stride = trainer.history.stride
    due = (count // stride + 1) * stride
    for at in (trainer.surgeon.cut, trainer.snapshots.next_step):
        if count < at < due:
            due = at
    return due


def bookkeep(trainer, count: int, loss: float) -> bool:
    """After step ``count`` (``loss``: its batch's): the neuron surgery due at it
    (``training.surgery``), its history point (where the best weights, the plateau
    schedule and early stopping look: True, stopped early), its snapshot."""
    trainer.step_count = count
    if count == trainer.surgeon.cut:
        with torch.inference_mode(False):
            trainer.surgeon.due(count)
    history = trainer.history
    if count % history.stride == 0:
        x_test = trainer.inputs_test
        test = None
        if x_test.shape[0] > 0:
            test = loss_on(trainer.net, trainer.loss, x_test, trainer.data.y_test)
        history.add((count, loss, test))
        if trainer.best is not None or trainer.schedule.kind == "plateau":
            with torch.inference_mode(False):
                if trainer._watch(count, loss, test):
                    return True
    if count == trainer.snapshots.next_step:
        with torch.inference_mode(False):
            trainer.snapshots.take(trainer, loss)
    return False
