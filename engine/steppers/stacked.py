"""K networks of one architecture in one ``[K, F]`` tensor: the fused step, batched.

:class:`Stacked` stacks the members' flat parameter buffers (see
:func:`torchplay.engine.train.model.flatten_parameters`) and runs the fused path's forward and
backward with ``baddbmm``/``bmm`` over the member axis, then its SGD / Adam / AdamW
update; per-member learning rate, momentum and weight decay are ``[K, 1]`` tensors, or
plain floats when all members share them (then the update is the fused path's exact op).
It knows tensors, not trainers' runs: :mod:`.population` decides who is stacked, feeds
the batches and hands results back.

Equality with the single run: the same kernels on the same numbers, at the same
alignment. On the CPU every matrix product runs per member as the single run's
``addmm``/``mm`` (a ``baddbmm``/``bmm`` into a non-contiguous ``out=`` does that in
C++; :mod:`.aligned`): MKL's batched gemm rounds differently for many small shapes, not
only one-unit layers (on AMD EPYC e.g. 75 x 10 -> 1, 75 x 10 -> 3, 200 x 5 -> 2). And
``mm`` rounds small products by operand alignment mod 4 floats (16 bytes): on EPYC, for
(rows, in, out) = (75, 10, 1) the forward by where ``x`` and ``W`` start, the weight
gradient by where its output starts; (100, 1, 10) also the gradient passed back by
``delta``'s start; (200, 10, 2) the forward by ``x``'s. So every tensor a product
reads or writes sits as in the single run: parameters, gradients and optimizer state
are rows of ``[K, F]``, F a multiple of 16 floats (flatten_parameters pads each one);
data, pre-activations, activations and deltas are :func:`.aligned.padded`, members a
multiple of 16 floats apart (not N * M: with 75 x 10 = 750, odd members were 2 off).
Elementwise kernels: see :data:`.aligned.ACT_INTO` (gelu runs on contiguous copies, its
backward reads a contiguous ``z``); softmax writes a non-contiguous ``out=`` wrongly, so
cross-entropy's delta is copied in. On CUDA the
products stay batched. Tests: tests/engine/test_population*.py.
"""

from __future__ import annotations

import torch
from torchplay.engine.steppers.aligned import ACT_INTO, addmm_each, mm_each, padded
from torchplay.engine.steppers.fastpath import ACTIVATIONS, BACKWARD_INTO, IN_PLACE
from torchplay.engine.steppers.fusedlayers import skips
from torchplay.engine.train.model import linears

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
"""Adam's defaults, as the fused path and ``torch.optim`` use them."""
OPTIM_STATE = ("buf", "exp_avg", "exp_avg_sq")
"""The fused stepper's optimizer buffers, by attribute name (see ``FusedStepper.state_tensors``)."""


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


class Stacked:
    """The parameters, gradients, optimizer state and hyperparameters of ``trainers``
    (fused, one architecture, at one step), stacked on ``device``; ``t`` is Adam's step
    count, shared by all. Read from the trainers once; :meth:`optim_state` gives each
    member's optimizer state back."""

    def __init__(self, trainers: list, device: torch.device, t: int = 0) -> None:
        first = trainers[0]
        self.device = dev = device
        self.loss = first.loss
        tr = [m.spec.training for m in trainers]
        self.optimizer, self.nesterov = tr[0].optimizer, tr[0].nesterov
        model = first.spec.model
        # Per-layer activations or residual blocks: the layered walk (fusedlayers.py).
        self.layered = not model.plain
        self.skips = skips(model) if self.layered else {}
        self.names = model.activations
        """Each hidden layer's activation."""
        base = first.flat.storage_offset()
        layout = [
            (
                m.weight.storage_offset() - base,
                tuple(m.weight.shape),
                m.bias.storage_offset() - base,
            )
            for m in linears(first.net)
        ]
        self.P = torch.stack([m.flat for m in trainers]).to(dev)
        self.G = torch.zeros_like(self.P)
        self.backups = [torch.stack([m.backup_rows[i] for m in trainers]).to(dev) for i in (0, 1)]
        """The weights before the last two steps (by step parity), for divergence: the
        trainers' own (a member that goes on from step k can still go back to k - 1)."""
        self.neg_lr = _shared([-m.lr for m in trainers], dev)
        self.lr = _shared([m.lr for m in trainers], dev)
        self.momentum = _shared([s.momentum for s in tr], dev)
        self.wd = _shared([s.weight_decay for s in tr], dev)
        self.lrs = [m.lr for m in trainers]
        self.wds = [s.weight_decay for s in tr]
        """Each member's lr and weight decay as Python floats: Adam's per-member step
        sizes are computed in double, as the fused path's scalars are (see :meth:`update`)."""
        self.use_momentum = any(s.momentum for s in tr)
        self.use_wd = any(s.weight_decay for s in tr)
        self.t = t
        for name in OPTIM_STATE:
            setattr(self, name, self._state(trainers, name))
        k = len(trainers)
        self.W = [self.P[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in layout]
        self.Wt = [w.transpose(1, 2) for w in self.W]
        self.B = [self.P[:, b : b + o].view(k, 1, o) for _, (o, _), b in layout]
        self.GW = [self.G[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in layout]
        self.GB = [self.G[:, b : b + o] for _, (o, _), b in layout]
        # Per-member BLAS calls into aligned buffers on the CPU (module docstring).
        self.cpu = dev.type == "cpu"
        self._bufs: dict[tuple, torch.Tensor] = {}
        # Frozen entries (neuron surgery) of every member, as positions in P.view(-1).
        held = [
            m.stepper.frozen.rows(r, self.P.shape[1])
            for r, m in enumerate(trainers)
            if getattr(m.stepper, "frozen", None) is not None
        ]
        self.frozen = torch.cat(held).to(dev) if held else None

    def _state(self, trainers: list, name: str) -> torch.Tensor | None:
        values = [getattr(m.stepper, name, None) for m in trainers]
        if all(v is None for v in values):
            return None
        return torch.stack(
            [
                torch.zeros_like(m.flat) if v is None else v
                for m, v in zip(trainers, values, strict=True)
            ]
        ).to(self.device)

    def keep_state(self, old: Stacked, sel: torch.Tensor) -> None:
        """Take the rows ``sel`` of ``old``'s weight backups and optimizer state (the
        members that train on after others left): live state, not the trainers' copies."""
        self.backups = [b.index_select(0, sel) for b in old.backups]
        for name in OPTIM_STATE:
            value = getattr(old, name)
            if value is not None:
                setattr(self, name, value.index_select(0, sel))

    def optim_state(self, r: int, momentum: bool) -> dict[str, torch.Tensor]:
        """Member ``r``'s optimizer state as ``FusedStepper.state_tensors`` names it (the
        checkpoint format), on the CPU: its own momentum buffer only if it uses momentum
        (``momentum``), Adam's step count only for Adam and AdamW."""
        out = {}
        if self.optimizer != "sgd":
            out["optim.t"] = torch.tensor(self.t, dtype=torch.int64)
        for name in OPTIM_STATE:
            value = getattr(self, name)
            if value is not None and (name != "buf" or momentum):
                out[f"optim.{name}"] = value[r].cpu()
        return out

    # -- one step ----------------------------------------------------------------------

    def forward_backward(self, x: torch.Tensor, target: torch.Tensor, scaled) -> torch.Tensor:
        """Gradients into :attr:`G`; returns each member's batch loss, ``[K]``."""
        if self.layered:
            return self._layered(x, target, scaled)
        acts, zs, h = [x], [], x
        for j, (wt, b) in enumerate(zip(self.Wt[:-1], self.B[:-1], strict=True)):
            h, z = self._activate(j, self._linear(j, h, wt, b))
            acts.append(h)
            zs.append(z)
        losses, delta = self._loss_delta(self.output(h), target, scaled)
        for i in range(len(acts) - 1, -1, -1):
            self._weight_grad(i, delta, acts[i])
            if i:
                delta = self._act_back(i - 1, self._back(i, delta), zs[i - 1], acts[i])
        return losses

    def _loss_delta(self, out, target, scaled):
        """Each member's batch loss, ``[K]``, and dL/d(out), with the single run's
        arithmetic (aten.mse_loss_backward: (2 / numel) * (out - target))."""
        k, n, o = out.shape
        into = self._buffer(("d",), out.shape, out)
        if self.loss == "mse":
            diff = torch.sub(out, target, out=into)
            losses = diff.square().mean((1, 2))
            return losses, diff.mul_(2.0 / (n * o))
        # Not out=: the softmax kernels write a non-contiguous out as if it were contiguous.
        logp = torch._log_softmax(out, 2, False)
        losses = (logp * target).sum((1, 2)) / n
        return losses, into.copy_(torch._log_softmax_backward_data(scaled, logp, 2, logp.dtype))

    def _hidden(self, x: torch.Tensor, keep: bool):
        """The layered forward through the hidden layers: (each layer's input and the
        last output, pre-activations, activations)."""
        skip = self.skips
        ins, zs, acts, h = [x], [], [], x
        for j, (wt, b) in enumerate(zip(self.Wt[:-1], self.B[:-1], strict=True)):
            a, z = self._activate(j, self._linear(j, h, wt, b))
            zs.append(z if keep and self.names[j] not in IN_PLACE else None)
            acts.append(a)
            if j in skip:
                h = torch.add(a, ins[skip[j] + 1], out=self._buffer(("h", j), a.shape, a))
            else:
                h = a
            ins.append(h)
        return ins, zs, acts

    def _layered(self, x, target, scaled) -> torch.Tensor:
        """:meth:`forward_backward` for per-layer activations and residual blocks (as
        ``LayeredStepper.step``, batched)."""
        ins, zs, acts = self._hidden(x, True)
        losses, delta = self._loss_delta(self.output(ins[-1]), target, scaled)
        pending: dict[int, torch.Tensor] = {}
        for i in range(len(ins) - 1, -1, -1):
            self._weight_grad(i, delta, ins[i])
            if i:
                j = i - 1
                g = self._back(i, delta)
                if j in pending:
                    g.add_(pending.pop(j))  # g + pending, in g's aligned buffer
                if j in self.skips:  # kept: the activation's backward overwrites g
                    pending[self.skips[j]] = self._buffer(("p", j), g.shape, g).copy_(g)
                delta = self._act_back(j, g, zs[j], acts[j])
        return losses

    def output(self, h: torch.Tensor) -> torch.Tensor:
        """The output layer's forward, ``[K, N, O]``."""
        return self._linear(len(self.W) - 1, h, self.Wt[-1], self.B[-1])

    def _buffer(self, key: tuple, shape, like: torch.Tensor) -> torch.Tensor:
        """A ``[K, N, M]`` buffer, kept under ``key`` and its shape, whose members sit as
        the single run's fresh tensors do (:func:`.aligned.padded`)."""
        key, shape = (*key, *shape), tuple(shape)
        buf = self._bufs.get(key)
        if buf is None:
            buf = self._bufs[key] = padded(shape[0], shape[1:], like)
        return buf

    def _activate(self, j: int, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Hidden layer ``j``'s activation of ``z`` and the pre-activation its backward
        reads: in place where it differentiates from its output (as the fused path),
        else from a contiguous copy of ``z`` into an aligned buffer (module docstring)."""
        name = self.names[j]
        if name in IN_PLACE:
            return IN_PLACE[name](z), z
        out, zc = self._buffer(("a", j), z.shape, z), z.contiguous()
        if name in ACT_INTO:
            return ACT_INTO[name](z, out), zc
        return out.copy_(ACTIVATIONS[name][0](zc)), zc  # gelu

    def _act_back(self, j: int, g: torch.Tensor, z, a: torch.Tensor) -> torch.Tensor:
        """dL/d(layer ``j``'s pre-activation) from dL/d(its output) ``g``, in ``g``
        (``z``: contiguous, as :meth:`_activate` gave it)."""
        BACKWARD_INTO[self.names[j]](g, z, a)
        return g

    def _linear(self, i: int, h: torch.Tensor, wt: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Layer ``i``'s pre-activation ``h @ W.T + b``, ``[K, N, O]``."""
        if not self.cpu:
            return torch.baddbmm(b, h, wt)
        shape = (h.shape[0], h.shape[1], wt.shape[2])
        return addmm_each(b, h, wt, self._buffer(("f", i), shape, h))

    def _back(self, i: int, delta: torch.Tensor) -> torch.Tensor:
        """The gradient passed back through layer ``i``: ``delta @ W``, ``[K, N, I]``."""
        if not self.cpu:
            return torch.bmm(delta, self.W[i])
        shape = (delta.shape[0], delta.shape[1], self.W[i].shape[2])
        return mm_each(delta, self.W[i], self._buffer(("b", i), shape, delta))

    def _weight_grad(self, i: int, delta: torch.Tensor, x: torch.Tensor) -> None:
        """Layer ``i``'s weight and bias gradients, into :attr:`G` (its input ``x``)."""
        if self.cpu:  # GW[i]: a view of G, as aligned as the single run's gradient
            mm_each(delta.transpose(1, 2), x, self.GW[i])
        else:
            self.GW[i].copy_(torch.bmm(delta.transpose(1, 2), x))
        torch.sum(delta, 1, out=self.GB[i])

    def update(self) -> None:
        """The fused path's SGD / Adam / AdamW update, per member (see fastpath.py);
        frozen entries keep their values (see freeze.py)."""
        if self.frozen is None:
            self._update()
            return
        self.G.view(-1).index_fill_(0, self.frozen, 0.0)
        kept = self.P.view(-1).index_select(0, self.frozen)
        self._update()
        self.P.view(-1).index_copy_(0, self.frozen, kept)

    def _update(self) -> None:
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
        shared = isinstance(self.lr, float)
        if self.optimizer == "adamw":
            if shared and isinstance(self.wd, float):
                p.mul_(1 - self.lr * self.wd)
            else:  # the fused path's factor, a double rounded once to float32
                p.mul_(
                    self._column([1 - lr * wd for lr, wd in zip(self.lrs, self.wds, strict=True)])
                )
        elif self.use_wd:
            g = _plus(g, p, self.wd)
        if self.exp_avg is None:
            self.exp_avg = torch.zeros_like(p)
            self.exp_avg_sq = torch.zeros_like(p)
        self.t += 1
        self.exp_avg.lerp_(g, 1 - BETA1)
        self.exp_avg_sq.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
        bias_correction2_sqrt = (1 - BETA2**self.t) ** 0.5
        denom = (self.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(EPS)
        if shared:
            p.addcdiv_(self.exp_avg, denom, value=-(self.lr / (1 - BETA1**self.t)))
        else:
            # The fused path's addcdiv_(exp_avg, denom, value=-lr / bc1) computes
            # p + (f32(value) * exp_avg) / denom: the same products, then the same
            # division (step sizes in double, rounded once, as the scalar is).
            bc1 = 1 - BETA1**self.t
            scaled = self.exp_avg * self._column([-(lr / bc1) for lr in self.lrs])
            p.addcdiv_(scaled, denom)

    def _column(self, values: list[float]) -> torch.Tensor:
        """``[K, 1]`` float32 from Python floats (each rounded once)."""
        return torch.tensor(values, dtype=torch.float32, device=self.device).unsqueeze(1)

    @torch.no_grad()
    def losses_on(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Each member's loss on its own ``x``, ``y`` (``[K, N, ...]``; class labels for
        cross-entropy), ``[K]``: the test losses."""
        if self.layered:
            h = self._hidden(x, False)[0][-1]
        else:
            h = x
            for j, (wt, b) in enumerate(zip(self.Wt[:-1], self.B[:-1], strict=True)):
                h = self._activate(j, self._linear(j, h, wt, b))[0]
        out = self.output(h)
        if self.loss == "mse":
            return (out - y).square().mean((1, 2))
        logp = torch.log_softmax(out, 2)
        return -logp.gather(2, y.unsqueeze(2)).mean((1, 2))
