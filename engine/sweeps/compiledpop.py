"""Populations on the compiled kernel: K members' steps in one numba call.

The same contract as :class:`~torchplay.engine.sweeps.population.Population` (``rows``,
:meth:`~CompiledPopulation.run`, :meth:`~CompiledPopulation.advance`, ``flush``,
``finish``) for members whose ``training.kernel`` resolved to compiled. Their weights,
backups, optimizer state and data are stacked once; each call runs every member through
the single run's own loop (``compiled_kernel.run_members`` calls ``run_steps``), so a
member equals its compiled single run bit for bit. On one thread stacking buys nothing
more: the members' arithmetic is what is left.

A call ends where the single run's would look: a member's step count, an epoch end (each
member draws its next permutation from its own generator), the history point that fills
the history. A diverged member is written back to its trainer where the kernel stopped
and rolls back there, exactly as a single run does (:meth:`Trainer._diverge`); the others
train on.
"""

from __future__ import annotations

import time

import numpy as np
from torchplay.engine.train.chunked import DIVERGED, add_points, drive, next_chunk


class CompiledPopulation:
    """Train compiled trainers of one :func:`~.population.group_key` in one kernel."""

    chunk = 1
    """Steps :meth:`advance` is asked for next (adapted to ~5-10 ms a call)."""

    def __init__(self, trainers: list, until: int | None = None) -> None:
        first = trainers[0]
        self.until = until
        """Members stop (paused) at this step if their own step count is further."""
        if any(t.step_count != first.step_count for t in trainers):
            raise ValueError("population members must start at the same step")
        self.rows = list(trainers)
        self.count = first.step_count
        self.s0 = first.stepper
        self.size = first.batches.size
        self.elapsed = 0.0
        self._stack()

    def _stack(self) -> None:
        """Stack the state and data of the trainers in :attr:`rows` (row k: member k)."""
        rows = self.rows
        st = [t.stepper for t in rows]
        self.P = np.stack([s.P for s in st])
        self.BK = np.stack([t.backup_rows.numpy() for t in rows])
        self.BUF = np.stack([s.BUF for s in st])
        self.M = np.stack([s.M for s in st])
        self.V = np.stack([s.V for s in st])
        self.state = np.stack([s.state for s in st])
        self.hyper = np.stack([s.hyper for s in st])
        data = [s.data for s in st]
        self.data = tuple(np.stack([d[i] for d in data]) for i in range(6))
        n = len(rows)
        self.perms = np.zeros((n, 0), dtype=np.int64)
        if self.size and rows[0].batches.perm is not None:  # resumed mid-epoch
            self.perms = np.stack([t.batches.perm.numpy() for t in rows])
        self.state[:, 2] = [t.batches.pos for t in rows]
        self.targets = np.array([min(t.spec.training.steps, self.until or 2**62) for t in rows])
        self.out: tuple = ()
        self.res = (
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n),
        )

    def _epoch(self) -> None:
        """Each member's next permutation, from its own generator (as its single run)."""
        for t in self.rows:
            t.batches.new_epoch()
        self.perms = np.stack([t.batches.perm.numpy() for t in self.rows])
        self.state[:, 2] = 0

    def advance(self, n: int) -> int:
        """Run up to ``n`` steps of every member; returns the model-steps run. Members
        that reach their step count or diverge are written back and leave."""
        if not self.rows:
            return 0
        t0 = time.perf_counter()
        ran = self._advance(n)
        self.chunk = next_chunk(max(n, 1), time.perf_counter() - t0, True)
        return ran

    def _advance(self, n: int) -> int:
        history = self.rows[0].history
        m = min(n, int(self.targets.min()) - self.count)
        if m <= 0:
            self._leave([r for r in range(len(self.rows)) if self.targets[r] <= self.count])
            return 0
        room = max(1, history.capacity + 1 - len(history.points))
        if self.size and (self.perms.shape[1] == 0 or self.state[0, 2] >= self.s0.data[0].shape[0]):
            self._epoch()
        k = len(self.rows)
        if not self.out or self.out[0].shape != (k, room):
            # Exactly (k, room), never a slice of a wider buffer: a slice is not
            # C-contiguous, and numba would compile run_members a second time for it.
            self.out = (
                np.zeros((k, room), dtype=np.int64),
                np.zeros((k, room)),
                np.zeros((k, room)),
            )
        steps, losses, tests = self.out
        done, why, points, last = self.res
        s = self.s0
        s.codes[4] = self.size
        self.s0.k.run_members(
            self.P, self.BK, self.BUF, self.M, self.V, self.state, self.hyper, s.no_lrs,
            s.layout, s.codes, *self.data[:3], self.perms, *self.data[3:], self.count, m,
            history.stride, steps, losses, tests, s.G, *s.scratch, done, why, points, last,
        )  # fmt: skip
        for r, t in enumerate(self.rows):
            if points[r]:
                add_points(t.history, steps[r], losses[r], tests[r], int(points[r]))
        ran = int(done.sum())
        healthy = [r for r in range(k) if why[r] != DIVERGED]
        step = int(done[healthy[0]]) if healthy else 0
        bad = [r for r in range(k) if why[r] == DIVERGED]
        if bad:
            self._leave(bad, diverged=True)
            healthy = [r - sum(1 for b in bad if b < r) for r in healthy]
        self.count += step
        ended = [r for r in range(len(self.rows)) if self.targets[r] <= self.count]
        if ended:
            self._leave(ended)
        return ran

    def _leave(self, rows: list[int], diverged: bool = False) -> None:
        """Write ``rows`` back into their trainers and drop them from the stack."""
        done, _, _, last = self.res
        rate = self.count / self.elapsed if self.elapsed else 0.0
        for r in rows:
            t = self.rows[r]
            s = t.stepper
            s.P[:] = self.P[r]
            t.backup_rows.numpy()[:] = self.BK[r]
            s.BUF[:], s.M[:], s.V[:] = self.BUF[r], self.M[r], self.V[r]
            s.state[:], s.hyper[:] = self.state[r], self.hyper[r]
            t.batches.pos = int(self.state[r, 2])
            t.steps_per_s = rate
            if diverged:
                t.step_count = self.count + int(done[r])
                t._diverge()
            else:
                t.step_count = self.count
                t.last_loss = (self.count, float(last[r]))
                t.settle()
        keep = [r for r in range(len(self.rows)) if r not in set(rows)]
        self.rows = [self.rows[r] for r in keep]
        for name in ("P", "BK", "BUF", "M", "V", "state", "hyper", "perms", "targets"):
            setattr(self, name, getattr(self, name)[keep])
        self.data = tuple(d[keep] for d in self.data)
        self.res = tuple(r[keep] for r in self.res)
        self.out = ()

    def step(self) -> None:
        """One step of every member."""
        self.advance(1)

    def flush(self) -> None:
        """Nothing pending: each call hands its loss points to the members' histories."""

    def run(self, progress=None, stop=None) -> None:
        """Train every member to its step count (or until ``stop`` is set), then write
        every member back into its trainer."""
        from torchplay.engine.train.trainer import RUNNING

        for t in self.rows:
            t.state = RUNNING
        drive(self, progress, stop)

    def finish(self) -> None:
        """Write every member still training back (paused where it stands, or finished)."""
        if self.rows:
            self._leave(list(range(len(self.rows))))
