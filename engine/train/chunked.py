"""The trainer's loop on the compiled kernel: many steps per call, step semantics kept.

:func:`step` is :meth:`Trainer.step <torchplay.engine.train.trainer.Trainer.step>` for a
:class:`~torchplay.engine.steppers.compiled.CompiledStepper`. Each kernel call runs up to
the next step where the trainer must look: the next snapshot for time travel, the end
of a minibatch epoch (the next permutation comes from the run's own torch generator),
the history point that fills the history (it thins, and the stride doubles), and with
early stopping or a plateau schedule every history point. Between calls the stop event
is read. The kernel records history points (step, batch loss, test loss) itself and
backs up the weights before each step by parity, into the trainer's own backups, so a
divergence inside a call rolls back exactly as the exact loop does.

:func:`next_chunk` is the run loop's chunk rule: chunks of steps between the engine's
checks grow or shrink to take 5-10 ms on the kernel (20 ms on the exact path).
:func:`drive` is a population's run loop on those chunks.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

DIVERGED, NEW_EPOCH = 1, 2
"""The kernel's return reasons this loop acts on (see ``compiled_kernel``)."""
MAX_CHUNK = 1 << 22
"""The most steps the run loop asks of the kernel between checks."""


def next_chunk(chunk: int, seconds: float, compiled: bool) -> int:
    """The next chunk size after ``chunk`` steps took ``seconds``: exact path, double
    under 20 ms else halve (up to 4,096 steps); compiled, double under 5 ms, halve over
    10 ms (up to :data:`MAX_CHUNK`)."""
    if not compiled:
        return min(chunk * 2, 4096) if seconds < 0.02 else max(1, chunk // 2)
    if seconds < 0.005:
        return min(chunk * 2, MAX_CHUNK)
    return max(1, chunk // 2) if seconds > 0.01 else chunk


def lrs(trainer, count: int, n: int) -> np.ndarray | None:
    """Each of steps ``count``..``count + n - 1``'s lr under the schedule (None:
    constant, the stepper's own lr)."""
    schedule = trainer.schedule
    if not schedule.varies:
        return None
    lr_at, base = schedule.lr_at, trainer.lr
    return np.array([lr_at(base, c) for c in range(count, count + n)], dtype=np.float64)


def add_points(history, steps: np.ndarray, losses: np.ndarray, tests: np.ndarray, n: int) -> None:
    """The kernel's first ``n`` history points into ``history`` (a NaN test loss: none).
    Plain floats through ``tolist``: indexing numpy scalars one by one costs more than
    a point's kernel steps at small strides."""
    for step, loss, test in zip(
        steps[:n].tolist(), losses[:n].tolist(), tests[:n].tolist(), strict=True
    ):
        history.add((step, loss, None if math.isnan(test) else test))


def step(trainer, n: int, stop: threading.Event | None = None) -> int:
    """Run up to ``n`` steps of ``trainer`` on its compiled stepper; returns how many
    ran (the contract of ``Trainer.step``)."""
    stepper, batches, history = trainer.stepper, trainer.batches, trainer.history
    snapshots, backups = trainer.snapshots, trainer.backup_rows
    watching = trainer.best is not None or trainer.schedule.kind == "plateau"
    count = trainer.step_count
    done, loss = 0, math.nan
    while done < n:
        if stop is not None and stop.is_set():
            break
        m = n - done
        if snapshots.next_step > count:
            m = min(m, snapshots.next_step - count)
        room = 1 if watching else history.capacity + 1 - len(history.points)
        perm = None
        if batches.size:
            if batches.perm is None or batches.pos >= batches.n:
                batches.new_epoch()
            perm = batches.perm.numpy()
        k, why, points, last, pos = stepper.run(
            count,
            m,
            history.stride,
            max(1, room),
            lrs(trainer, count, m),
            backups.numpy(),
            batches.size,
            perm,
            batches.pos,
        )
        batches.pos = pos
        if points:
            add_points(history, *stepper.points, points)
        if k:
            loss = last
        count += k
        done += k
        if why == DIVERGED:
            trainer.step_count = count
            trainer._diverge()
            return done
        if why == NEW_EPOCH:
            continue
        if watching and points:
            trainer.step_count = count
            point = history.points[-1]
            if trainer._watch(count, point[1], point[2]):
                break
        if count == snapshots.next_step:
            trainer.step_count = count
            snapshots.take(trainer, loss)
    trainer.step_count = count
    if done:
        trainer.last_loss = (count, loss)
    return done


def drive(pop, progress=None, stop: threading.Event | None = None) -> None:
    """Advance ``pop`` (a population with ``rows``, ``chunk``, ``advance(n)`` giving the
    model-steps run, ``elapsed`` and ``finish()``) chunk by chunk until no member is
    left or ``stop`` is set; ``progress(model_steps)`` at most every 0.1 s and once at
    the end; then ``pop.finish()`` writes every member back."""
    start = last = time.perf_counter()
    sent = done = 0
    while pop.rows:
        if stop is not None and stop.is_set():
            break
        done += pop.advance(pop.chunk)
        now = time.perf_counter()
        pop.elapsed = now - start
        if progress is not None and now - last >= 0.1:
            progress(done - sent)
            sent, last = done, now
    pop.finish()
    if progress is not None and done > sent:
        progress(done - sent)
