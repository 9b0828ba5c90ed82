"""Populations: K runs of one architecture trained at once, in stacked tensors.

Each member is a real :class:`torchplay.engine.trainer.Trainer`, built from its own spec:
the same data, initial weights and minibatch generator as its single run. A
:class:`Population` stacks the members' flat parameter buffers into one ``[K, F]``
tensor and runs the fused path's forward and backward with ``baddbmm``/``bmm`` over
the member axis; per-member learning rate, momentum and weight decay are ``[K, 1]``
tensors (plain floats when all members share them). When a member finishes or
diverges, its weights, optimizer state, minibatch position and loss history are
written back into its trainer and it leaves the stack: a diverged member keeps its
last finite weights, as a single run does, and the others train on undisturbed.

Equality with the single run: the same kernels on the same numbers. Batched BLAS
rounds like ``mm`` for most shapes, but not for a layer with one output unit: there the
single run's ``addmm``/``mm`` (MKL's matrix-vector path) and a batched ``baddbmm``/``bmm``
(MKL's batched gemm) sum in different orders. For such layers (the forward and the
weight gradient) the population writes into a non-contiguous ``out=``, which makes
torch run the single run's own ``addmm`` per member, in C++ (no Python loop), so members
are bit for bit equal to their single runs (tests/engine/test_population.py). On
CUDA they stay batched.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torchplay.engine.fastpath import ACTIVATIONS
from torchplay.engine.history import History
from torchplay.engine.model import linears
from torchplay.engine.trainer import RUNNING, Trainer

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
"""Adam's defaults, as the fused path and ``torch.optim`` use them."""

Progress = Callable[[int], None]
"""Called with the number of model-steps done since the last call."""


def group_key(trainer: Trainer) -> tuple | None:
    """Members with equal keys train as one batched program; None: not batchable
    (optimizers only autograd runs; L1/L2 regularization, lr schedules and early stopping,
    which the stacked update leaves out: those members train as single runs)."""
    tr = trainer.spec.training
    if not trainer.stepper.fused or tr.l1 or tr.l2 or trainer.schedule.varies or tr.patience:
        return None
    s, d = trainer.spec, trainer.data
    return (
        d.task,
        trainer.loss,
        trainer.n_features,
        d.n_outputs,
        s.model.hidden,
        s.model.activation,
        s.training.optimizer,
        s.training.nesterov,
        trainer.batches.size,
        trainer.batches.n,
        d.x_test.shape[0],
    )


def _shared(values: list[float], device: torch.device) -> float | torch.Tensor:
    """One float when every member has the same value (the fused path's exact op),
    else a ``[K, 1]`` tensor."""
    if all(v == values[0] for v in values):
        return values[0]
    return torch.tensor(values, dtype=torch.float32, device=device).unsqueeze(1)


def _axpy(p: torch.Tensor, g: torch.Tensor, coef: float | torch.Tensor) -> torch.Tensor:
    """p += coef * g, in place, for a shared or a per-member coefficient."""
    if isinstance(coef, float):
        return p.add_(g, alpha=coef)
    return p.addcmul_(g, coef)


def _plus(g: torch.Tensor, p: torch.Tensor, coef: float | torch.Tensor) -> torch.Tensor:
    """g + coef * p, out of place."""
    if isinstance(coef, float):
        return g.add(p, alpha=coef)
    return torch.addcmul(g, p, coef)


class Population:
    """Train trainers that share a :func:`group_key` as one batched program."""

    def __init__(self, trainers: list[Trainer], device: str | torch.device = "cpu") -> None:
        keys = {group_key(t) for t in trainers}
        if len(keys) != 1 or None in keys:
            raise ValueError("a population needs trainers of one batchable architecture")
        self.device = torch.device(device)
        self.rows = list(trainers)
        """The trainers still training, in stacking order."""
        first = trainers[0]
        self.loss = first.loss
        self.optimizer = first.spec.training.optimizer
        self.nesterov = first.spec.training.nesterov
        self.act, self.act_backward = ACTIVATIONS[first.spec.model.activation]
        self.keep_z = first.spec.model.activation not in ("relu", "tanh", "sigmoid", "identity")
        base = first.flat.storage_offset()
        self.layout = [
            (
                m.weight.storage_offset() - base,
                tuple(m.weight.shape),
                m.bias.storage_offset() - base,
            )
            for m in linears(first.net)
        ]
        self.count = first.step_count
        if any(t.step_count != self.count for t in trainers):
            raise ValueError("population members must start at the same step")
        self.batch_size = first.batches.size
        self.n = first.batches.n
        self.pos = first.batches.pos
        self.t = getattr(first.stepper, "t", 0)
        self.clock = History(first.history.capacity, first.history.stride)
        self.clock.points = [(p[0], 0.0, None) for p in first.history.points]
        self.pending: list[tuple[int, torch.Tensor, torch.Tensor | None]] = []
        self.elapsed = 0.0
        self._stack()

    # -- stacking --------------------------------------------------------------------

    def _stack(self) -> None:
        """(Re)build every stacked tensor from the trainers in :attr:`rows`."""
        dev, rows = self.device, self.rows
        self.P = torch.stack([t.flat for t in rows]).to(dev)
        self.G = torch.zeros_like(self.P)
        self.backups = [self.P.clone(), self.P.clone()]
        self.X = torch.stack([t.batches.x for t in rows]).to(dev)
        self.Y = torch.stack([t.batches.y for t in rows]).to(dev)
        self.Xs = self.Ys = None
        if self.batch_size and rows[0].batches.perm is not None:
            self.Xs = torch.stack([t.batches.xs for t in rows]).to(dev)
            self.Ys = torch.stack([t.batches.ys for t in rows]).to(dev)
        self.has_test = rows[0].data.x_test.shape[0] > 0
        if self.has_test:
            self.Xt = torch.stack([t.inputs_test for t in rows]).to(dev)
            self.Yt = torch.stack([t.data.y_test for t in rows]).to(dev)
        tr = [t.spec.training for t in rows]
        self.neg_lr = _shared([-t.lr for t in rows], dev)
        self.lr = _shared([t.lr for t in rows], dev)
        self.momentum = _shared([s.momentum for s in tr], dev)
        self.wd = _shared([s.weight_decay for s in tr], dev)
        self.use_momentum = any(s.momentum for s in tr)
        self.use_wd = any(s.weight_decay for s in tr)
        self.targets = [t.spec.training.steps for t in rows]
        self.first_target = min(self.targets)
        self.buf = self._state("buf")
        self.exp_avg = self._state("exp_avg")
        self.exp_avg_sq = self._state("exp_avg_sq")
        self.scaled = self.Y * (1.0 / self.n) if self.loss == "cross_entropy" else None
        k = len(rows)
        self.W = [self.P[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in self.layout]
        self.Wt = [w.transpose(1, 2) for w in self.W]
        self.B = [self.P[:, b : b + o].view(k, 1, o) for _, (o, _), b in self.layout]
        self.GW = [self.G[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in self.layout]
        # Layers with one output unit: per-member BLAS calls on the CPU (module docstring).
        cpu = self.device.type == "cpu"
        self.narrow = [cpu and o == 1 for _, (o, _), _ in self.layout]
        self._outputs: dict[int, torch.Tensor] = {}
        self.GB = [self.G[:, b : b + o] for _, (o, _), b in self.layout]

    def _state(self, name: str) -> torch.Tensor | None:
        values = [getattr(t.stepper, name, None) for t in self.rows]
        if all(v is None for v in values):
            return None
        return torch.stack(
            [
                torch.zeros_like(t.flat) if v is None else v
                for t, v in zip(self.rows, values, strict=True)
            ]
        ).to(self.device)

    # -- one step ----------------------------------------------------------------------

    def _batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        if not self.batch_size:
            return self.X, self.Y, self.scaled
        if self.Xs is None or self.pos >= self.n:
            # Each member draws its own epoch permutation from its own generator.
            for t in self.rows:
                t.batches._shuffle(torch.randperm(self.n, generator=t.batches.generator))
            self.Xs = torch.stack([t.batches.xs for t in self.rows]).to(self.device)
            self.Ys = torch.stack([t.batches.ys for t in self.rows]).to(self.device)
            self.pos = 0
        xb = self.Xs[:, self.pos : self.pos + self.batch_size]
        yb = self.Ys[:, self.pos : self.pos + self.batch_size]
        self.pos += self.batch_size
        scaled = yb * (1.0 / yb.shape[1]) if self.loss == "cross_entropy" else None
        return xb, yb, scaled

    def _forward_backward(self, x: torch.Tensor, target: torch.Tensor, scaled) -> torch.Tensor:
        """Gradients into :attr:`G`; returns each member's batch loss, ``[K]``."""
        act, keep_z = self.act, self.keep_z
        acts, zs, h = [x], [], x
        for wt, b in zip(self.Wt[:-1], self.B[:-1], strict=True):
            z = torch.baddbmm(b, h, wt)
            h = act(z)
            acts.append(h)
            if keep_z:
                zs.append(z)
        out = self._output(h)
        if self.loss == "mse":
            diff = out - target
            losses = diff.square().mean((1, 2))
            # aten.mse_loss_backward: (2 / numel) * (out - target) * grad_output(=1).
            delta = diff.mul_(2.0 / (out.shape[1] * out.shape[2]))
        else:
            logp = torch._log_softmax(out, 2, False)
            losses = (logp * target).sum((1, 2)) / out.shape[1]
            delta = torch._log_softmax_backward_data(scaled, logp, 2, logp.dtype)
        backward = self.act_backward
        for i in range(len(acts) - 1, -1, -1):
            if self.narrow[i]:  # GW[i] is a non-contiguous view of G: mm per member
                torch.bmm(delta.transpose(1, 2), acts[i], out=self.GW[i])
            else:
                self.GW[i].copy_(torch.bmm(delta.transpose(1, 2), acts[i]))
            torch.sum(delta, 1, out=self.GB[i])
            if i:
                z = zs[i - 1] if keep_z else None
                delta = backward(torch.bmm(delta, self.W[i]), z, acts[i])
        return losses

    def _output(self, h: torch.Tensor) -> torch.Tensor:
        """The output layer's forward, ``[K, N, O]``. With one output unit, into a
        buffer whose members are one row apart (not contiguous): torch then runs the
        single run's ``addmm`` per member instead of a batched gemm."""
        if not self.narrow[-1]:
            return torch.baddbmm(self.B[-1], h, self.Wt[-1])
        k, n = h.shape[0], h.shape[1]
        buf = self._outputs.get(n)
        if buf is None:
            buf = self._outputs[n] = h.new_empty(k, n + 1, 1)[:, :n]
        return torch.baddbmm(self.B[-1], h, self.Wt[-1], out=buf)

    def _update(self) -> None:
        """The fused path's SGD / Adam / AdamW update, per member (see fastpath.py)."""
        p, g = self.P, self.G
        if self.optimizer == "sgd":
            if self.use_wd:
                g = _plus(g, p, self.wd)
            if self.use_momentum:
                if self.buf is None:
                    self.buf = g.clone()
                else:
                    self.buf.mul_(self.momentum).add_(g)
                g = _plus(g, self.buf, self.momentum) if self.nesterov else self.buf
            _axpy(p, g, self.neg_lr)
            return
        if self.optimizer == "adamw":
            p.mul_(1 - self.lr * self.wd)
        elif self.use_wd:
            g = _plus(g, p, self.wd)
        if self.exp_avg is None:
            self.exp_avg = torch.zeros_like(p)
            self.exp_avg_sq = torch.zeros_like(p)
        self.t += 1
        self.exp_avg.lerp_(g, 1 - BETA1)
        self.exp_avg_sq.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
        step_size = self.lr / (1 - BETA1**self.t)
        bias_correction2_sqrt = (1 - BETA2**self.t) ** 0.5
        denom = (self.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(EPS)
        if isinstance(step_size, float):
            p.addcdiv_(self.exp_avg, denom, value=-step_size)
        else:
            p.addcmul_(self.exp_avg / denom, -step_size)

    # -- running -------------------------------------------------------------------------

    def step(self) -> None:
        """One optimizer step of every member still training; retires the members that
        diverged at it or reached their step count."""
        self.backups[self.count & 1].copy_(self.P)
        x, y, scaled = self._batch()
        losses = self._forward_backward(x, y, scaled)
        self._update()
        bad = ~torch.isfinite(losses)
        if bool(bad.any()):
            self._diverge(bad.nonzero()[:, 0].tolist(), losses)
            return
        self.count += 1
        if self.clock.due(self.count):
            self.clock.add((self.count, 0.0, None))
            self.pending.append(
                (self.count, losses, self._test_losses() if self.has_test else None)
            )
        self._finish_due()

    def _finish_due(self) -> None:
        if self.rows and self.first_target <= self.count:
            self._retire([r for r, n in enumerate(self.targets) if n <= self.count], {})

    @torch.no_grad()
    def _test_losses(self) -> torch.Tensor:
        h = self.Xt
        for wt, b in zip(self.Wt[:-1], self.B[:-1], strict=True):
            h = self.act(torch.baddbmm(b, h, wt))
        out = self._output(h)
        if self.loss == "mse":
            return (out - self.Yt).square().mean((1, 2))
        logp = torch.log_softmax(out, 2)
        return -logp.gather(2, self.Yt.unsqueeze(2)).mean((1, 2))

    def _diverge(self, bad: list[int], losses: torch.Tensor) -> None:
        # As Trainer._diverge: the loss of this step's weights is not finite, so keep the
        # weights before the previous step, whose loss was; the others undo nothing.
        count = self.count
        for r in bad:
            if count > 0:
                self.P[r].copy_(self.backups[(count + 1) & 1][r])
        at = {r: count + 1 for r in bad}
        self._retire(bad, at, step=count - 1 if count > 0 else 0)
        # The healthy members did finish this step.
        if self.rows:
            keep = torch.ones(len(losses), dtype=torch.bool, device=losses.device)
            keep[bad] = False
            self.count += 1
            if self.clock.due(self.count):
                self.clock.add((self.count, 0.0, None))
                self.pending.append(
                    (self.count, losses[keep], self._test_losses() if self.has_test else None)
                )
            self._finish_due()

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
        """Write ``rows`` back into their trainers and drop them from the stack."""
        self.flush()
        p = self.P.cpu()
        for r in rows:
            t = self.rows[r]
            t.flat.copy_(p[r])
            t.step_count = self.count if step is None else step
            for name in ("buf", "exp_avg", "exp_avg_sq"):
                value = getattr(self, name)
                if value is not None and (name != "buf" or t.spec.training.momentum):
                    setattr(t.stepper, name, value[r].cpu().clone())
            if self.optimizer != "sgd":
                t.stepper.t = self.t
            t.batches.pos = self.pos
            t.steps_per_s = self.count / self.elapsed if self.elapsed else 0.0
            t.settle(diverged_at.get(r))
        gone = set(rows)
        keep = [r for r in range(len(self.rows)) if r not in gone]
        if not keep:
            self.rows = []
            return
        sel = torch.tensor(keep, device=self.device)
        self.rows = [self.rows[r] for r in keep]
        # Keep the live state of the others: weights, momentum and moments.
        live = {n: getattr(self, n) for n in ("buf", "exp_avg", "exp_avg_sq")}
        backups = [b.index_select(0, sel) for b in self.backups]
        weights = self.P.index_select(0, sel)
        for t, row in zip(self.rows, weights.cpu(), strict=True):
            t.flat.copy_(row)
            t.batches.pos = self.pos
        self._stack()
        self.backups = backups
        for name, value in live.items():
            if value is not None:
                setattr(self, name, value.index_select(0, sel))

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
