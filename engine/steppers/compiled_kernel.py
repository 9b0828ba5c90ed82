"""The compiled training kernel: many optimizer steps of a small MLP in one numba call.

One run's steps, the loop inside the kernel (:func:`run_steps`): the batch's forward
pass, loss and backward pass (:mod:`.compiled_math`), L1/L2, then the fused path's SGD
(momentum, nesterov, weight decay), Adam or AdamW update, in float64 and stored as
float32, on the flat buffer (the trainer's, shared without a copy). Before each
step the weights go to a backup by step parity, as the trainer's loop keeps them; a
non-finite loss ends the call before its update, so the trainer's divergence rule
(roll back to the last finite step) applies unchanged. At history points the kernel
records the step, the batch loss and the test loss itself.

The summation order is not torch's, so results match the exact path within float32
rounding, not bit for bit; the kernel is deterministic with itself, and a population
(:func:`run_members`) runs each member through :func:`run_steps`, the single run's own
loop, so members equal their single runs bit for bit.

Everything here is plain numba on numpy arrays: no torch, no Python objects.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from torchplay.engine.steppers.compiled_math import (
    backward,
    batch_loss,
    forward,
    gather,
    helper,
    mean_loss,
)

ACT_CODES = {
    "relu": 0,
    "tanh": 1,
    "sigmoid": 2,
    "leaky_relu": 3,
    "elu": 4,
    "gelu": 5,
    "softplus": 6,
    "identity": 7,
}
"""Activation names to the kernel's codes."""
OPT_CODES = {"sgd": 0, "adam": 1, "adamw": 2}
"""Optimizers the kernel runs, to its codes."""

DONE, DIVERGED, NEW_EPOCH, FULL = 0, 1, 2, 3
"""Why :func:`run_steps` returned: its steps ran; a loss was not finite; the minibatch
epoch ran out (the caller draws the next permutation); the history buffer is full."""

entry = njit(cache=True, no_cfunc_wrapper=True)
"""What Python calls (:func:`run_steps`, :func:`run_members`): cached on disk with the
helpers' code linked in; no C-callable wrapper (nothing takes their address), which
numba would otherwise compile, and load from the cache, for every entry point."""

# hyper: the float settings, by index.
LR, MOMENTUM, WD, L1, L2 = 0, 1, 2, 3, 4
# state: the integer state, by index: Adam's step count, whether the momentum buffer
# holds a value yet (torch creates it at the first step), the minibatch position.
T, BUF_SET, POS = 0, 1, 2


@helper
def _penalty(P, G, layout, l1, l2):
    """L1/L2 on the weights (not the biases): l1 * sign(w) + l2 * w."""
    for layer in range(layout.shape[0]):
        w, size = layout[layer, 0], layout[layer, 2] * layout[layer, 3]
        for i in range(w, w + size):
            p = np.float64(P[i])
            sign = 1.0 if p > 0.0 else (-1.0 if p < 0.0 else 0.0)
            G[i] += l1 * sign + l2 * p


@helper
def _update(P, G, BUF, M, V, opt, lr, hyper, state, nesterov):
    """The fused path's SGD / Adam / AdamW update of ``P`` from gradients ``G``."""
    momentum, wd = hyper[MOMENTUM], hyper[WD]
    if opt == 0:
        first = state[BUF_SET] == 0
        if momentum != 0.0:
            state[BUF_SET] = 1
        for i in range(P.shape[0]):
            p = np.float64(P[i])
            g = G[i] + wd * p
            if momentum != 0.0:
                buf = g if first else momentum * BUF[i] + g
                BUF[i] = buf
                g = g + momentum * np.float64(BUF[i]) if nesterov else np.float64(BUF[i])
            P[i] = p - lr * g
        return
    b1, b2, eps = 0.9, 0.999, 1e-8
    state[T] += 1
    t = state[T]
    step_size = lr / (1.0 - b1**t)
    bc2 = math.sqrt(1.0 - b2**t)
    for i in range(P.shape[0]):
        p = np.float64(P[i])
        g = G[i]
        if opt == 2:
            p = np.float64(np.float32(p * (1.0 - lr * wd)))
        elif wd != 0.0:
            g = g + wd * p
        m = np.float64(M[i])
        m = m + (1.0 - b1) * (g - m)
        M[i] = m
        v = b2 * np.float64(V[i]) + (1.0 - b2) * g * g
        V[i] = v
        denom = math.sqrt(np.float64(V[i])) / bc2 + eps
        P[i] = p - step_size * np.float64(M[i]) / denom


@entry
def run_steps(
    P,
    BK,
    BUF,
    M,
    V,
    state,
    hyper,
    lrs,
    layout,
    codes,
    X,
    Y,
    labels,
    perm,
    Xt,
    Yt,
    labels_t,
    count,
    n,
    stride,
    out_step,
    out_loss,
    out_test,
    G,
    A,
    Z,
    D,
):
    """Run up to ``n`` steps from step ``count``; returns (steps run, why, points recorded,
    the last step's loss).

    ``codes``: activation, loss (1: cross-entropy), optimizer, nesterov, batch size (0:
    full batch). ``lrs``: each step's lr, or empty for ``hyper[LR]`` throughout. At each
    multiple of ``stride`` the step, its batch loss and the test loss (nan without a
    test set) go to ``out_*``; a full ``out_step`` ends the call after that point.
    """
    act, ce, opt, nesterov, size = codes[0], codes[1] == 1, codes[2], codes[3] == 1, codes[4]
    n_rows = X.shape[0]
    n_layers, n_out = layout.shape[0], layout[layout.shape[0] - 1, 3]
    l1, l2 = hyper[L1], hyper[L2]
    room = out_step.shape[0]
    no_perm = perm[:0]
    points = 0
    loss = np.nan
    for k in range(n):
        pos = state[POS]
        if size > 0 and pos >= n_rows:
            return k, NEW_EPOCH, points, loss
        backup = BK[count & 1]  # a loop: slice assignment compiles its shape-error message
        for i in range(P.shape[0]):
            backup[i] = P[i]
        stop = pos + size if size > 0 and pos + size < n_rows else n_rows
        first = pos if size > 0 else 0
        batch = stop - first
        scale = 1.0 / batch if ce else 1.0 / (batch * n_out)
        gather(X, perm if size > 0 else no_perm, first, batch, A[0])
        forward(P, layout, act, A, Z, batch)
        sel = perm if size > 0 else no_perm
        total = batch_loss(A, n_layers, n_out, ce, Y, labels, sel, first, batch, D[0], D[1])
        backward(P, layout, act, A, Z, D, G, batch, scale)
        loss = np.float64(np.float32(total * scale))
        if size > 0:
            state[POS] = pos + size  # as Batches.next: consumed, even by a step that diverges
        if not math.isfinite(loss):
            return k, DIVERGED, points, loss
        if l1 != 0.0 or l2 != 0.0:
            _penalty(P, G, layout, l1, l2)
        lr = lrs[k] if lrs.shape[0] > 0 else hyper[LR]
        _update(P, G, BUF, M, V, opt, lr, hyper, state, nesterov)
        count += 1
        if count % stride == 0:
            out_step[points] = count
            out_loss[points] = loss
            if Xt.shape[0] > 0:
                out_test[points] = mean_loss(P, layout, act, ce, Xt, Yt, labels_t, A, Z, D)
            else:
                out_test[points] = np.nan
            points += 1
            if points == room:
                return k + 1, FULL, points, loss
    return n, DONE, points, loss


@entry
def run_members(
    P,
    BK,
    BUF,
    M,
    V,
    state,
    hyper,
    lrs,
    layout,
    codes,
    X,
    Y,
    labels,
    perms,
    Xt,
    Yt,
    labels_t,
    count,
    n,
    stride,
    out_step,
    out_loss,
    out_test,
    G,
    A,
    Z,
    D,
    done,
    why,
    points,
    last,
):
    """:func:`run_steps` for each of K members in turn (row ``k`` of every stacked
    argument; ``lrs`` shared), with its results in ``done``, ``why``, ``points`` and
    ``last``. The single run's own loop, so a member equals its single run bit for bit;
    members after a diverged one run on undisturbed."""
    for k in range(P.shape[0]):
        d, w, p, loss = run_steps(
            P[k],
            BK[k],
            BUF[k],
            M[k],
            V[k],
            state[k],
            hyper[k],
            lrs,
            layout,
            codes,
            X[k],
            Y[k],
            labels[k],
            perms[k],
            Xt[k],
            Yt[k],
            labels_t[k],
            count,
            n,
            stride,
            out_step[k],
            out_loss[k],
            out_test[k],
            G,
            A,
            Z,
            D,
        )
        done[k], why[k], points[k], last[k] = d, w, p, loss
