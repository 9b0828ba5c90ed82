"""Populations: K runs of one architecture trained at once, in stacked tensors.

Each member is a real :class:`torchplay.engine.train.trainer.Trainer`, built from its own spec:
the same data, initial weights and minibatch generator as its single run. Members whose
:func:`group_key` is equal train as one :class:`Population`: this module keeps the
bookkeeping (who still trains, the minibatches, the step count, the loss points) and
:class:`~torchplay.engine.steppers.stacked.Stacked` does the arithmetic, bit for bit as each
single run would (see there). When a member finishes or diverges, :func:`hand_back`
writes its weights, optimizer state, minibatch position and loss history into its
trainer and it leaves the stack: a diverged member keeps its last finite weights, as a
single run does, and the others train on undisturbed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torchplay.engine.run.history import History
from torchplay.engine.steppers.aligned import stack_aligned
from torchplay.engine.steppers.stacked import Stacked
from torchplay.engine.train.trainer import RUNNING, Trainer

Progress = Callable[[int], None]
"""Called with the number of model-steps done since the last call."""


def group_key(trainer: Trainer) -> tuple | None:
    """Members with equal keys train as one batched program; None: not batchable
    (optimizers only autograd runs, dropout and norms; L1/L2 regularization, lr
    schedules, early stopping and surgery after step 0, which the stacked update leaves
    out: those members train as single runs; units frozen or killed at step 0 stay so in
    the stack). Per-layer activations and residual blocks stack."""
    tr = trainer.spec.training
    if not trainer.stepper.fused or tr.l1 or tr.l2 or trainer.schedule.varies or tr.patience:
        return None
    if trainer.surgeon.cut >= 0:  # surgery still to come: a single run applies it at its step
        return None
    s, d = trainer.spec, trainer.data
    return (
        d.task,
        trainer.loss,
        trainer.n_features,
        d.n_outputs,
        s.model.hidden,
        s.model.activations,
        s.model.residual,
        s.training.optimizer,
        s.training.nesterov,
        trainer.batches.size,
        trainer.batches.n,
        d.x_test.shape[0],
        trainer.kernel,
    )


def population(
    trainers: list[Trainer], device: str | torch.device = "cpu", until: int | None = None
):
    """The population for one group: on the compiled kernel for compiled members on the
    CPU (:mod:`.compiledpop`), else in stacked tensors (:class:`Population`). With
    ``until``, members stop there (paused) if their step count is further."""
    if str(device) == "cpu" and trainers[0].kernel == "compiled":
        from torchplay.engine.sweeps.compiledpop import CompiledPopulation

        return CompiledPopulation(trainers, until)
    return Population(trainers, device, until)


class Population:
    """Train trainers that share a :func:`group_key` as one batched program."""

    def __init__(
        self, trainers: list[Trainer], device: str | torch.device = "cpu", until: int | None = None
    ) -> None:
        keys = {group_key(t) for t in trainers}
        if len(keys) != 1 or None in keys:
            raise ValueError("a population needs trainers of one batchable architecture")
        self.device = torch.device(device)
        self.until = until
        """Members stop (paused) at this step if their own step count is further."""
        self.rows = list(trainers)
        """The trainers still training, in stacking order."""
        first = trainers[0]
        self.loss = first.loss
        self.count = first.step_count
        if any(t.step_count != self.count for t in trainers):
            raise ValueError("population members must start at the same step")
        self.batch_size = first.batches.size
        self.n = first.batches.n
        self.pos = first.batches.pos
        self.clock = History(first.history.capacity, first.history.stride)
        self.clock.points = [(p[0], 0.0, None) for p in first.history.points]
        self.pending: list[tuple[int, torch.Tensor, torch.Tensor | None]] = []
        self.elapsed = 0.0
        self.net = Stacked(self.rows, self.device, getattr(first.stepper, "t", 0))
        self._stack_data()

    def _stack_data(self) -> None:
        """(Re)build the stacked data and step targets of the trainers in :attr:`rows`."""
        dev, rows = self.device, self.rows
        # Inputs feed matrix products: each member as aligned as its single run's.
        self.X = stack_aligned([t.batches.x for t in rows], dev)
        self.Y = torch.stack([t.batches.y for t in rows]).to(dev)
        self.Xs = self.Ys = None
        if self.batch_size and rows[0].batches.perm is not None:
            self.Xs = stack_aligned([t.batches.xs for t in rows], dev)
            self.Ys = torch.stack([t.batches.ys for t in rows]).to(dev)
        self.has_test = rows[0].data.x_test.shape[0] > 0
        if self.has_test:
            self.Xt = stack_aligned([t.inputs_test for t in rows], dev)
            self.Yt = torch.stack([t.data.y_test for t in rows]).to(dev)
        self.targets = [min(t.spec.training.steps, self.until or 2**62) for t in rows]
        self.first_target = min(self.targets)
        self.scaled = self.Y * (1.0 / self.n) if self.loss == "cross_entropy" else None

    def _batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        if not self.batch_size:
            return self.X, self.Y, self.scaled
        if self.Xs is None or self.pos >= self.n:
            # Each member draws its own epoch permutation from its own generator.
            for t in self.rows:
                t.batches.new_epoch()
            self.Xs = stack_aligned([t.batches.xs for t in self.rows], self.device)
            self.Ys = torch.stack([t.batches.ys for t in self.rows]).to(self.device)
            self.pos = 0
        xb = self.Xs[:, self.pos : self.pos + self.batch_size]
        yb = self.Ys[:, self.pos : self.pos + self.batch_size]
        self.pos += self.batch_size
        scaled = yb * (1.0 / yb.shape[1]) if self.loss == "cross_entropy" else None
        return xb, yb, scaled

    # -- running -------------------------------------------------------------------------

    chunk = 1
    """Steps :meth:`advance` is asked for at a time (one: each is a batched program)."""

    def advance(self, n: int) -> int:
        """Up to ``n`` steps of every member still training; returns the model-steps."""
        done = 0
        for _ in range(n):
            if not self.rows:
                break
            done += len(self.rows)
            self.step()
        return done

    def step(self) -> None:
        """One optimizer step of every member still training; retires the members that
        diverged at it or reached their step count."""
        net = self.net
        net.backups[self.count & 1].copy_(net.P)
        x, y, scaled = self._batch()
        losses = net.forward_backward(x, y, scaled)
        net.update()
        bad = ~torch.isfinite(losses)
        if bool(bad.any()):
            self._diverge(bad.nonzero()[:, 0].tolist(), losses)
            return
        self._stepped(losses)

    def _stepped(self, losses: torch.Tensor) -> None:
        """The members in the stack finished a step with batch ``losses``: count it,
        record a loss point when one is due, retire those at their step count."""
        self.count += 1
        if self.clock.due(self.count):
            self.clock.add((self.count, 0.0, None))
            test = self.net.losses_on(self.Xt, self.Yt) if self.has_test else None
            self.pending.append((self.count, losses, test))
        if self.rows and self.first_target <= self.count:
            self._retire([r for r, n in enumerate(self.targets) if n <= self.count], {})

    def _diverge(self, bad: list[int], losses: torch.Tensor) -> None:
        # As Trainer._diverge: the loss of this step's weights is not finite, so keep the
        # weights before the previous step, whose loss was (at step 0, the initial
        # weights); the others undo nothing.
        count, net = self.count, self.net
        for r in bad:
            net.P[r].copy_(net.backups[(count + 1) & 1 if count > 0 else 0][r])
        at = {r: count + 1 for r in bad}
        self._retire(bad, at, step=count - 1 if count > 0 else 0)
        # The healthy members did finish this step.
        if self.rows:
            keep = torch.ones(len(losses), dtype=torch.bool, device=losses.device)
            keep[bad] = False
            self._stepped(losses[keep])

    def flush(self) -> None:
        """Hand the recorded loss points to each member's History (the app's live
        sweep reads them from there while the population trains)."""
        if not self.pending:
            return
        steps = [s for s, _, _ in self.pending]
        train = torch.stack([loss for _, loss, _ in self.pending]).T.tolist()
        test = (
            torch.stack([t for _, _, t in self.pending]).T.tolist()
            if self.pending[0][2] is not None
            else None
        )
        for r, trainer in enumerate(self.rows):
            for j, step in enumerate(steps):
                trainer.history.add((step, train[r][j], test[r][j] if test else None))
        self.pending = []

    def _retire(
        self, rows: list[int], diverged_at: dict[int, int], step: int | None = None
    ) -> None:
        """Hand ``rows`` back to their trainers (at ``step``, default the population's
        count) and drop them from the stack."""
        self.flush()
        net = self.net
        p = net.P.cpu()
        rate = self.count / self.elapsed if self.elapsed else 0.0
        for r in rows:
            t = self.rows[r]
            optim = net.optim_state(r, bool(t.spec.training.momentum))
            at = self.count if step is None else step
            t.backup_rows.copy_(torch.stack([b[r] for b in net.backups]))
            hand_back(t, p[r], at, optim, self.pos, rate, diverged_at.get(r))
        gone = set(rows)
        keep = [r for r in range(len(self.rows)) if r not in gone]
        if not keep:
            self.rows = []
            return
        sel = torch.tensor(keep, device=self.device)
        self.rows = [self.rows[r] for r in keep]
        # The others train on: restack them from their trainers (their hyperparameters
        # decide shared or per-member coefficients), then keep their live state.
        for t, row in zip(self.rows, net.P.index_select(0, sel).cpu(), strict=True):
            t.flat.copy_(row)
            t.batches.pos = self.pos
        self.net = Stacked(self.rows, self.device, net.t)
        self.net.keep_state(net, sel)
        self._stack_data()

    def run(self, progress: Progress | None = None, stop=None) -> None:
        """Train every member to its spec's step count (or until ``stop`` is set), then
        write every member back into its trainer."""
        for t in self.rows:
            t.state = RUNNING
        start = time.perf_counter()
        last, sent = start, 0
        done_steps = 0
        while self.rows:
            if stop is not None and stop.is_set():
                break
            k = len(self.rows)
            self.step()
            done_steps += k
            now = time.perf_counter()
            self.elapsed = now - start
            if progress is not None and now - last >= 0.1:
                progress(done_steps - sent)
                sent, last = done_steps, now
        self.elapsed = time.perf_counter() - start
        self.finish()
        if progress is not None and done_steps > sent:
            progress(done_steps - sent)

    def finish(self) -> None:
        """Write every member still training back into its trainer (paused where it
        stands, or finished) and empty the stack."""
        if self.rows:
            self._retire(list(range(len(self.rows))), {})


def hand_back(
    trainer: Trainer,
    flat: torch.Tensor,
    step: int,
    optim: dict[str, torch.Tensor],
    pos: int,
    steps_per_s: float,
    diverged_at: int | None = None,
) -> None:
    """Leave ``trainer`` as if its own loop had run the population's steps: the weights
    ``flat`` after ``step`` steps, the optimizer state ``optim`` (named as in a
    checkpoint, see ``FusedStepper.state_tensors``), the minibatch position ``pos`` in
    the epoch its own generator drew, and the rate. Then the run ends the way a single
    run ends (:meth:`Trainer.settle`): diverged at ``diverged_at`` when given, else
    finished or paused. Its loss points were handed over already (:meth:`Population.flush`).
    """
    trainer.flat.copy_(flat)
    trainer.step_count = step
    trainer.stepper.load_state_tensors(optim)
    trainer.batches.pos = pos
    trainer.steps_per_s = steps_per_s
    trainer.settle(diverged_at)
