"""The compiled kernel as a stepper: the fused path's interface over numba arrays.

:class:`CompiledStepper` runs :mod:`.compiled_kernel` on the trainer's own flat buffer
(a numpy view of it, no copy), with its optimizer state in float32 buffers named and
shaped as the fused path's (``optim.t``, ``optim.buf``, ``optim.exp_avg``,
``optim.exp_avg_sq``), so checkpoints, snapshots and lineage read it unchanged. Its
:meth:`~CompiledStepper.run` takes many steps per call (see
:mod:`torchplay.engine.train.chunked` for the trainer's side).

numba is the optional extra ``compiled``: :func:`unavailable` says why it cannot run,
and :func:`choose` resolves ``training.kernel`` (``exact``, ``compiled`` or ``auto``).
"""

from __future__ import annotations

import os

import numpy as np
import torch
from torch import nn
from torchplay.engine.run.spec import Spec, SpecError, TrainingSpec
from torchplay.engine.train.model import linears

OPTIMIZERS = ("sgd", "adam", "adamw")
"""What the kernel runs (rmsprop and adagrad stay with autograd)."""
AUTO_MAX_WORK = 4_000_000
"""``auto`` picks the kernel up to this many multiply-adds a step (parameters times
batch rows): above it torch's BLAS outruns the kernel's scalar loops."""

_import_error: str | None = None
_kernel = None


def _cache_dir() -> None:
    """numba writes its cache beside the module by default, which an installed package
    may not allow: use the user's cache directory unless NUMBA_CACHE_DIR says otherwise."""
    if "NUMBA_CACHE_DIR" not in os.environ:
        import platformdirs

        os.environ["NUMBA_CACHE_DIR"] = os.path.join(
            platformdirs.user_cache_dir("torchplay"), "numba"
        )


def kernel():
    """The kernel module (importing numba, ~1 s the first time), or None without numba."""
    global _kernel, _import_error
    if _kernel is None and _import_error is None:
        _cache_dir()
        try:
            from torchplay.engine.steppers import compiled_kernel
        except ImportError as exc:
            _import_error = str(exc)
        else:
            _kernel = compiled_kernel
    return _kernel


def unavailable(spec: Spec) -> str | None:
    """Why the compiled kernel cannot run ``spec`` (None: it can)."""
    tr = spec.training
    if tr.optimizer not in OPTIMIZERS:
        return f"optimizer {tr.optimizer} runs on the exact path only"
    if not spec.model.plain:
        return "per-layer activations, residual links, dropout and norms run on the exact path only"
    if kernel() is None:
        return "numba is not installed (pip install 'torchplay[compiled]')"
    return None


def choose(spec: Spec, n_params: int, n_rows: int) -> tuple[str, str]:
    """(kernel, why): ``exact`` or ``compiled`` for ``spec``'s ``training.kernel``;
    ``auto`` falls back to ``exact`` and says why.

    Raises:
        SpecError: ``compiled`` was asked for and cannot run (:func:`unavailable`).
    """
    want = spec.training.kernel
    if want == "exact":
        return "exact", "asked for"
    if spec.training.surgery:  # the kernel has no frozen entries (engine/train/surgery.py)
        return "exact", "neuron surgery runs on the exact kernel"
    reason = unavailable(spec)
    if want == "compiled":
        if reason is not None:
            raise SpecError("training.kernel", "compiled", f"{reason}; or use --kernel exact")
        return "compiled", "asked for"
    if reason is not None:
        return "exact", reason
    rows = spec.training.batch_size or n_rows
    if n_params * rows > AUTO_MAX_WORK:
        return "exact", f"{n_params * rows:,} multiply-adds a step: torch's BLAS is faster"
    return "compiled", "supported and faster"


def _layout(net: nn.Sequential, flat: torch.Tensor) -> np.ndarray:
    """Each Linear layer's (weight offset, bias offset, inputs, outputs) in ``flat``."""
    base = flat.storage_offset()
    rows = [
        (
            m.weight.storage_offset() - base,
            m.bias.storage_offset() - base,
            m.weight.shape[1],
            m.weight.shape[0],
        )
        for m in linears(net)
    ]
    return np.array(rows, dtype=np.int64)


def _f32(t: torch.Tensor, cols: int) -> np.ndarray:
    """A float32 C-contiguous ``[rows, cols]`` array of ``t`` (shared when it can be)."""
    return np.ascontiguousarray(t.detach().reshape(-1, cols).numpy(), dtype=np.float32)


class CompiledStepper:
    """Steps of an MLP in the compiled kernel, on the module's own flat parameters."""

    fused = True
    """Its optimizer state has the fused path's names (checkpoints, lineage)."""
    compiled = True

    def __init__(
        self,
        net: nn.Sequential,
        flat: torch.Tensor,
        training: TrainingSpec,
        loss: str,
        activation: str,
        lr: float,
    ) -> None:
        k = kernel()
        if k is None:
            raise RuntimeError("the compiled kernel needs numba")
        self.k = k
        self.flat = flat
        self.P = flat.numpy()
        self.layout = _layout(net, flat)
        self.ce = loss == "cross_entropy"
        self.n_in, self.n_out = int(self.layout[0, 2]), int(self.layout[-1, 3])
        self.training = training
        self.codes = np.array(
            [
                k.ACT_CODES[activation],
                int(self.ce),
                k.OPT_CODES[training.optimizer],
                int(training.nesterov),
                0,
            ],
            dtype=np.int64,
        )
        self.hyper = np.array(
            [lr, training.momentum, training.weight_decay, training.l1, training.l2],
            dtype=np.float64,
        )
        size = flat.shape[0]
        self.G = np.zeros(size, dtype=np.float64)
        self.scratch = (np.zeros((1, 1, 1), dtype=np.float32),) * 3
        self.rows = 0
        self._buf = torch.zeros(size)
        self._m, self._v = torch.zeros(size), torch.zeros(size)
        self.BUF, self.M, self.V = self._buf.numpy(), self._m.numpy(), self._v.numpy()
        self.state = np.zeros(3, dtype=np.int64)
        self.no_lrs = np.zeros(0, dtype=np.float64)
        self.no_perm = np.zeros(0, dtype=np.int64)
        self.points = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        self.data: tuple | None = None
        self.reset_state()

    # -- the fused stepper's interface ---------------------------------------------------

    @property
    def lr(self) -> float:
        return float(self.hyper[0])

    def set_lr(self, lr: float) -> None:
        self.hyper[0] = lr

    def reset_state(self) -> None:
        """Forget momentum and Adam moments (a fresh optimizer)."""
        self.state[0] = self.state[1] = 0
        self.BUF[:] = 0.0
        self.M[:] = 0.0
        self.V[:] = 0.0

    @property
    def t(self) -> int:
        return int(self.state[0])

    def prepare_targets(self, y: torch.Tensor) -> torch.Tensor:
        """Targets as the data holds them: class labels for cross-entropy."""
        return y

    def targets(self, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """(regression targets, output-major ``[outputs, N]``; class labels ``[N]``)."""
        if self.ce:
            labels = np.ascontiguousarray(y.numpy(), dtype=np.int64)
            return np.zeros((1, 1), dtype=np.float32), labels
        return np.ascontiguousarray(_f32(y, self.n_out).T), np.zeros(1, dtype=np.int64)

    def bind(
        self, x: torch.Tensor, y: torch.Tensor, xt: torch.Tensor, yt: torch.Tensor, rows: int = 0
    ) -> None:
        """The training and test sets, converted once for every later :meth:`run`, and
        scratch for batches of up to ``rows`` samples (default: the training set)."""
        X, Xt = _f32(x, self.n_in), _f32(xt, self.n_in)
        self.data = (X, *self.targets(y), Xt, *self.targets(yt))
        self._scratch(rows or X.shape[0])
        # Zero steps: numba compiles (or loads its cache) here, at build, not in the
        # first chunk, so the run's steps/s measures steps.
        self.run(0, 0, 1, 1, None, np.empty((2, self.P.shape[0]), dtype=np.float32))

    def _scratch(self, rows: int) -> None:
        """Feature-major activations, pre-activations and gradients for ``rows`` samples."""
        if rows <= self.rows:
            return
        self.rows = rows
        width = int(max(self.layout[:, 2].max(), self.layout[:, 3].max(), 2))
        n = self.layout.shape[0] + 1
        self.scratch = (
            np.zeros((n, width, rows), dtype=np.float32),
            np.zeros((n, width, rows), dtype=np.float32),
            np.zeros((2, width, rows), dtype=np.float32),
        )

    def run(
        self,
        count: int,
        n: int,
        stride: int,
        room: int,
        lrs: np.ndarray | None,
        backups: np.ndarray,
        batch_size: int = 0,
        perm: np.ndarray | None = None,
        pos: int = 0,
    ) -> tuple[int, int, int, float, int]:
        """Up to ``n`` steps from step ``count`` on the bound data; returns (steps run,
        why, history points recorded, the last loss, the minibatch position). The
        points are in :attr:`points` (step, loss, test loss) up to ``room`` of them."""
        if len(self.points[0]) < room:
            self.points = np.zeros(room, dtype=np.int64), np.zeros(room), np.zeros(room)
        steps, losses, tests = (p[:room] for p in self.points)
        self.codes[4] = batch_size
        self.state[2] = pos
        X, Y, labels, Xt, Yt, labels_t = self.data
        done, why, points, loss = self.k.run_steps(
            self.P,
            backups,
            self.BUF,
            self.M,
            self.V,
            self.state,
            self.hyper,
            self.no_lrs if lrs is None else lrs,
            self.layout,
            self.codes,
            X,
            Y,
            labels,
            self.no_perm if perm is None else perm,
            Xt,
            Yt,
            labels_t,
            count,
            n,
            stride,
            steps,
            losses,
            tests,
            self.G,
            *self.scratch,
        )
        return done, why, points, loss, int(self.state[2])

    def step(self, x: torch.Tensor, target: torch.Tensor) -> float:
        """One step on the batch ``x``, ``target`` (what the lr finder drives); returns
        the batch loss before it."""
        saved = self.data
        empty = x[:0]
        self.bind(x, target, empty, target[:0])
        backups = np.empty((2, self.P.shape[0]), dtype=np.float32)
        try:
            _, _, _, loss, _ = self.run(0, 1, 1 << 62, 1, None, backups)
        finally:
            self.data = saved
        return loss

    def state_tensors(self) -> dict[str, torch.Tensor]:
        """The optimizer state as the fused path names it, for checkpoints."""
        out = {"optim.t": torch.tensor(self.t, dtype=torch.int64)}
        if self.state[1]:
            out["optim.buf"] = self._buf.clone()
        if self.t:
            out["optim.exp_avg"] = self._m.clone()
            out["optim.exp_avg_sq"] = self._v.clone()
        return out

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what :meth:`state_tensors` (or the fused path's) saved."""
        self.reset_state()
        self.state[0] = int(tensors["optim.t"]) if "optim.t" in tensors else 0
        if "optim.buf" in tensors:
            self._buf.copy_(tensors["optim.buf"])
            self.state[1] = 1
        if "optim.exp_avg" in tensors:
            self._m.copy_(tensors["optim.exp_avg"])
            self._v.copy_(tensors["optim.exp_avg_sq"])
