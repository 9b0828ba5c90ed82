"""The compiled kernel's arithmetic on one batch: forward, loss, backward (numba).

Feature-major buffers (``A[layer][unit, sample]``), samples innermost, so the loops over
a batch vectorize; float32 storage as torch's, with sums in a fixed order
(:func:`dot`: eight running sums, lane by lane), so the results are the same bits
whether or not LLVM vectorizes a loop. Transcendentals run in float64 and round to
float32. :mod:`.compiled_kernel` drives these per step.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

helper = njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)
"""The kernel's inner functions. Only :mod:`.compiled_kernel`'s entry points are called
from Python and cached (``cache=True``): numba links each callee's code into its caller,
so an entry point's cache holds them all. A helper needs no Python or C wrapper and no
cache of its own (both were compiled for every helper, and the first run took about
twice as long). Helpers are plain calls, not ``inline="always"``: numba's IR inlining
retypes the body at every call site and compiled slower still."""
leaf = njit(no_cpython_wrapper=True, no_cfunc_wrapper=True, forceinline=True)
"""A small helper called in the inner loops (:func:`dot`, :func:`sum_`, activations):
inlined by LLVM (``alwaysinline``), so a dot product is not a call, and cheap to compile."""

INV_SQRT2 = 0.7071067811865476
INV_SQRT_2PI = 0.3989422804014327


@leaf
def _act(code: int, z: float) -> float:
    if code == 0:
        return z if z > 0.0 else 0.0
    if code == 1:
        return math.tanh(z)
    if code == 2:
        return 1.0 / (1.0 + math.exp(-z))
    if code == 3:
        return z if z > 0.0 else 0.01 * z
    if code == 4:
        return z if z > 0.0 else math.expm1(z)
    if code == 5:
        return 0.5 * z * (1.0 + math.erf(z * INV_SQRT2))
    if code == 6:
        return z if z > 20.0 else math.log1p(math.exp(z))
    return z


@leaf
def _dact(code: int, z: float, a: float) -> float:
    """d act / d z at pre-activation ``z`` (output ``a``), as torch's backward kernels."""
    if code == 0:
        return 1.0 if a > 0.0 else 0.0
    if code == 1:
        return 1.0 - a * a
    if code == 2:
        return a * (1.0 - a)
    if code == 3:
        return 1.0 if z > 0.0 else 0.01
    if code == 4:
        return 1.0 if z > 0.0 else math.exp(z)
    if code == 5:
        return 0.5 * (1.0 + math.erf(z * INV_SQRT2)) + z * INV_SQRT_2PI * math.exp(-0.5 * z * z)
    if code == 6:
        if z > 20.0:
            return 1.0
        e = math.exp(z)
        return e / (e + 1.0)
    return 1.0


@leaf
def dot(a, b, n):
    """sum(a[:n] * b[:n]) in float32 with eight running sums, lane by lane: a fixed
    order (the same bits whether or not LLVM vectorizes it)."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = np.float32(0.0)
    m = n - n % 8
    for k in range(0, m, 8):
        s0 += a[k] * b[k]
        s1 += a[k + 1] * b[k + 1]
        s2 += a[k + 2] * b[k + 2]
        s3 += a[k + 3] * b[k + 3]
        s4 += a[k + 4] * b[k + 4]
        s5 += a[k + 5] * b[k + 5]
        s6 += a[k + 6] * b[k + 6]
        s7 += a[k + 7] * b[k + 7]
    for k in range(m, n):
        s0 += a[k] * b[k]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


@leaf
def sum_(a, n):
    """sum(a[:n]), as :func:`_dot` sums."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = np.float32(0.0)
    m = n - n % 8
    for k in range(0, m, 8):
        s0 += a[k]
        s1 += a[k + 1]
        s2 += a[k + 2]
        s3 += a[k + 3]
        s4 += a[k + 4]
        s5 += a[k + 5]
        s6 += a[k + 6]
        s7 += a[k + 7]
    for k in range(m, n):
        s0 += a[k]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


@helper
def gather(X, perm, first, batch, A0):
    """The batch's inputs, feature-major: ``A0[i, s] = X[row s, i]``."""
    for i in range(X.shape[1]):
        row = A0[i]
        if perm.shape[0] > 0:
            for s in range(batch):
                row[s] = X[perm[first + s], i]
        else:
            for s in range(batch):
                row[s] = X[first + s, i]


@helper
def forward(P, layout, act, A, Z, batch):
    """The batch's forward pass, feature-major (``A[l][unit, sample]``): pre-activations
    into ``Z``, activations into ``A`` (the last layer's outputs, unactivated)."""
    n_layers = layout.shape[0]
    for layer in range(n_layers):
        w, b, n_in, n_out = layout[layer, 0], layout[layer, 1], layout[layer, 2], layout[layer, 3]
        last = layer == n_layers - 1
        a_in, z, a_out = A[layer], Z[layer + 1], A[layer + 1]
        for j in range(n_out):
            zj = z[j]
            bias = P[b + j]
            for s in range(batch):
                zj[s] = bias
            for i in range(n_in):
                wji = P[w + j * n_in + i]
                ai = a_in[i]
                for s in range(batch):
                    zj[s] += wji * ai[s]
            aj = a_out[j]
            if last or act == 7:
                for s in range(batch):
                    aj[s] = zj[s]
            elif act == 0:
                for s in range(batch):
                    aj[s] = zj[s] if zj[s] > 0 else np.float32(0.0)
            elif act == 1:  # tanh as 1 - 2 / (exp(2z) + 1) in float64: exp vectorizes
                for s in range(batch):
                    aj[s] = 1.0 - 2.0 / (math.exp(2.0 * np.float64(zj[s])) + 1.0)
            elif act == 2:
                for s in range(batch):
                    aj[s] = 1.0 / (1.0 + math.exp(-np.float64(zj[s])))
            else:
                for s in range(batch):
                    aj[s] = _act(act, np.float64(zj[s]))


@helper
def cross_entropy(out, n_out, labels, perm, first, batch, D, spare):
    """Cross-entropy for :func:`_loss`, loops over samples innermost (they vectorize):
    softmax minus the one-hot label into ``D``; the summed log-sum-exp from the product
    of the per-sample sums (one log per ~100 samples, not one per sample)."""
    top, zsum = spare[0], spare[1]
    for s in range(batch):
        top[s] = out[0, s]
        zsum[s] = 0.0
    for j in range(1, n_out):
        oj = out[j]
        for s in range(batch):
            if oj[s] > top[s]:  # max(), without compiling its generic overload
                top[s] = oj[s]
    for j in range(n_out):
        oj, dj = out[j], D[j]
        for s in range(batch):
            e = np.float32(math.exp(np.float64(oj[s]) - np.float64(top[s])))
            dj[s] = e
            zsum[s] += e
    total, prod = 0.0, 1.0
    for s in range(batch):
        row = perm[first + s] if perm.shape[0] > 0 else first + s
        label = labels[row]
        total += np.float64(top[s]) - np.float64(out[label, s])
        prod *= np.float64(zsum[s])
        if prod > 1e250:
            total += math.log(prod)
            prod = 1.0
        D[label, s] -= zsum[s]
    total += math.log(prod)
    for j in range(n_out):
        dj = D[j]
        for s in range(batch):
            dj[s] = dj[s] / zsum[s]
    return total


@helper
def batch_loss(A, n_layers, n_out, ce, Y, labels, perm, first, batch, D, spare):
    """The batch's summed loss (float64); its gradient wrt the outputs, per sample and
    not yet divided by the mean's denominator, into ``D`` (``spare``: two free rows)."""
    out = A[n_layers]
    total = 0.0
    if ce:
        return cross_entropy(out, n_out, labels, perm, first, batch, D, spare)
    for j in range(n_out):
        dj, oj, yj = D[j], out[j], Y[j]
        if perm.shape[0] > 0:
            for s in range(batch):
                dj[s] = oj[s] - yj[perm[first + s]]
        else:
            for s in range(batch):
                dj[s] = oj[s] - yj[first + s]
        total += dot(dj, dj, batch)
        for s in range(batch):
            dj[s] = np.float32(2.0) * dj[s]
    return total


@helper
def backward(P, layout, act, A, Z, D, G, batch, scale):
    """The batch's gradients into ``G``, from ``D[0]`` at the outputs (times ``scale``)."""
    cur = 0
    sc = np.float32(scale)
    d0 = D[0]
    n_last = layout[layout.shape[0] - 1, 3]
    for j in range(n_last):
        for s in range(batch):
            d0[j, s] *= sc
    for layer in range(layout.shape[0] - 1, -1, -1):
        w, b, n_in, n_out = layout[layer, 0], layout[layer, 1], layout[layer, 2], layout[layer, 3]
        d, a_in = D[cur], A[layer]
        for j in range(n_out):
            dj = d[j]
            G[b + j] = sum_(dj, batch)
            for i in range(n_in):
                G[w + j * n_in + i] = dot(dj, a_in[i], batch)
        if layer == 0:
            break
        nxt = 1 - cur
        dn = D[nxt]
        for i in range(n_in):
            di = dn[i]
            for s in range(batch):
                di[s] = 0.0
            for j in range(n_out):
                wji = P[w + j * n_in + i]
                dj = d[j]
                for s in range(batch):
                    di[s] += wji * dj[s]
            ai, zi = a_in[i], Z[layer][i]
            if act == 0:
                for s in range(batch):
                    di[s] = di[s] if ai[s] > 0 else np.float32(0.0)
            elif act == 1:
                for s in range(batch):
                    di[s] = di[s] * (np.float32(1.0) - ai[s] * ai[s])
            elif act != 7:
                for s in range(batch):
                    di[s] = di[s] * _dact(act, np.float64(zi[s]), np.float64(ai[s]))
        cur = nxt


@helper
def mean_loss(P, layout, act, ce, X, Y, labels, A, Z, D):
    """The mean loss of the weights ``P`` on every row of ``X`` (the test loss), in
    blocks of the scratch's width, rounded to float32 as torch's float32 loss is."""
    n = X.shape[0]
    n_layers, n_out = layout.shape[0], layout[layout.shape[0] - 1, 3]
    width = A.shape[2]
    none = labels[:0]  # no permutation (a slice: np.zeros would compile an allocator)
    total = 0.0
    for first in range(0, n, width):
        batch = width if n - first > width else n - first
        gather(X, none, first, batch, A[0])
        forward(P, layout, act, A, Z, batch)
        total += batch_loss(A, n_layers, n_out, ce, Y, labels, none, first, batch, D[0], D[1])
    denom = n if ce else n * n_out
    return np.float64(np.float32(total / denom))
