"""The synchronous training core shared by the command line and the engine process.

A :class:`Trainer` owns one run: the parts its spec builds (:mod:`.parts`: data, network,
one stepper, fused or autograd), its step count and its
:class:`~torchplay.engine.process.events.RunState`. It runs steps, detects divergence, and
reports plain-data :class:`Snapshot` objects (:mod:`.evaluate`) to observers at a
throttled interval. At history points it feeds the plateau schedule (:mod:`.schedule`)
and early stopping (:mod:`.stopping`); it keeps snapshots for time travel
(:mod:`.snapshots`). Charts are not its business: :mod:`.probes` reads the net.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import torch
from torchplay.engine.process.events import RunState, Snapshot
from torchplay.engine.run.datafields import width
from torchplay.engine.run.history import History
from torchplay.engine.run.schedule import Schedule
from torchplay.engine.run.spec import Spec
from torchplay.engine.train import chunked, exactloop, restore
from torchplay.engine.train.evaluate import loss_on, predict, snapshot
from torchplay.engine.train.parts import build
from torchplay.engine.train.snapshots import Snapshots
from torchplay.engine.train.stopping import Best
from torchplay.engine.train.surgery import Surgeon

IDLE, RUNNING, PAUSED = RunState.IDLE, RunState.RUNNING, RunState.PAUSED
FINISHED, DIVERGED = RunState.FINISHED, RunState.DIVERGED
STOPPED_EARLY = RunState.STOPPED_EARLY


Observer = Callable[[Snapshot], None]


class Trainer:
    """Train one spec. Not thread-safe: drive it from one thread; control it through
    the ``threading.Event`` arguments of :meth:`run`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        parts = build(spec)
        self.data, self.features, self.net = parts.data, parts.features, parts.net
        self.inputs_train, self.inputs_test = parts.inputs_train, parts.inputs_test
        self.loss, self.flat = parts.loss, parts.flat
        self.stepper, self.batches = parts.stepper, parts.batches
        self.kernel, self.kernel_why = parts.kernel, parts.kernel_why
        self.autograd_why = parts.autograd_why
        """Why autograd steps (``fast_path: false``), or None."""
        self.backup_rows = torch.stack([self.flat, self.flat])
        self._backups = list(self.backup_rows)
        """The weights before the last two steps (by step parity), for divergence."""
        self.lr = spec.training.lr
        self.step_count = 0
        self.state: RunState = IDLE
        self.diverged_at: int | None = None
        self.history = History()
        self.last_loss: tuple[int, float] | None = None
        """(step, the loss of that step's batch, computed before its update)."""
        self.steps_per_s = 0.0
        self.goal = 0
        """The last run's :meth:`target`, 0 before any (see :meth:`snapshot`)."""
        self.run_id = uuid.uuid4().hex[:12]
        """Names this run in checkpoints (a resumed run keeps it)."""
        self.forked_from: tuple[str, int] | None = None
        """(run id, step) of the run this one was forked from, if any."""
        self.lineage: tuple[tuple[int, Spec], ...] = ()
        """Each fork on the way here: its step and the spec trained up to it (share strings)."""
        self.best: Best | None = None
        """The best weights so far, tracked once :meth:`track_best` is called."""
        self.schedule = Schedule(spec.training)
        self.patience_from = 0
        """Early stopping counts from here at least (a stopped run trained on)."""
        if spec.training.patience:
            self.track_best()
        self.surgeon = Surgeon(self)
        """The run's neuron surgery (``training.surgery``, the app's neuron view)."""
        self.surgeon.start(0)
        self.snapshots = Snapshots()
        self.snapshots.take(self)

    @property
    def n_features(self) -> int:
        """The network's input width: the number of features, or the raw inputs."""
        return width(self.spec.data.features, self.data.n_inputs)

    def forward(self, raw: torch.Tensor) -> torch.Tensor:
        """The network's output for raw inputs (features applied first)."""
        return self.net(self.features(raw))

    def track_best(self) -> Best:
        """Start keeping the weights with the lowest test loss (train loss without a test
        split), checked at each recorded history point."""
        if self.best is None:
            self.best = Best(self.flat.clone(), self.spec.training.min_delta)
        return self.best

    @property
    def task(self) -> str:
        return self.data.task

    @property
    def params(self) -> int:
        return sum(p.numel() for p in self.net.parameters())

    load_state = restore.load_state

    # -- training -------------------------------------------------------------------

    def step(self, n: int = 1, stop: threading.Event | None = None) -> int:
        """Run up to ``n`` optimizer steps (:mod:`.exactloop`; on the compiled kernel,
        :mod:`.chunked`); returns how many ran. Stops early when ``stop`` is set or the loss turns
        non-finite (then ``diverged``, the last finite weights kept). With a schedule,
        each step runs with its own lr; at each history point the best weights, the
        plateau schedule and early stopping (``stopped_early``) look at the loss."""
        if self.kernel == "compiled":
            return chunked.step(self, n, stop)
        return exactloop.step(self, n, stop)

    def _watch(self, count: int, loss: float, test: float | None) -> bool:
        """At a history point: show plateau the loss, offer the best weights, and stop
        early when patience ran out (True: stopped, the best weights restored)."""
        if self.schedule.kind == "plateau":
            self.schedule.observe(count, loss if test is None else test, self.lr)
        best = self.best
        if best is None:
            return False
        best.offer_point(count, loss, test, self.flat, self._backups[(count - 1) & 1])
        if not best.exhausted(count, self.spec.training.patience, self.patience_from):
            return False
        self.step_count = count
        self.flat.copy_(best.flat)
        self.state = STOPPED_EARLY
        return True

    @property
    def lr_now(self) -> float:
        """The lr the next step runs with (the run's lr unless a schedule changes it)."""
        return self.schedule.lr_at(self.lr, self.step_count)

    def _diverge(self) -> None:
        # Step step_count + 1 gave a non-finite loss from the current weights. Keep the
        # weights before them, whose loss was finite: training can go on from there.
        # At step 0 there is nothing before: keep the initial weights (step 1's update,
        # from a non-finite loss, is undone; a checkpoint refuses non-finite weights).
        self.diverged_at = self.step_count + 1
        if self.step_count > 0:
            self.flat.copy_(self._backups[(self.step_count + 1) & 1])
            self.step_count -= 1
            self.history.points = [p for p in self.history.points if p[0] <= self.step_count]
        else:
            self.flat.copy_(self._backups[0])
        self.snapshots.drop_after(self.step_count)
        self.schedule.forget_after(self.step_count)
        self.surgeon.rewind(self.step_count)  # surgery after that step: to come again
        self.state = DIVERGED

    def target(self, steps: int | None = None, again: bool = False) -> int:
        """The step a run of ``steps`` more ends at: the one steps rule.

        ``None`` trains up to the spec's total; with ``again``, a run already there
        trains the total once more (the app's run key on a finished run).
        """
        total = self.spec.training.steps
        if steps is None:
            steps = total if again and self.step_count >= total else total - self.step_count
        return self.step_count + max(0, steps)

    def step_by_hand(self, n: int = 1) -> None:
        """``n`` steps outside :meth:`run` (the app's step key): the run ends up paused,
        or diverged."""
        self.recover()
        self.step(n)
        if self.state not in (DIVERGED, STOPPED_EARLY):
            self.state = PAUSED

    def run(
        self,
        steps: int | None = None,
        observers: Iterable[Observer] = (),
        interval: float = 0.1,
        stop: threading.Event | None = None,
        again: bool = False,
        every: int = 0,
        at_every: Callable[[Trainer], None] | None = None,
    ) -> Snapshot:
        """Train to :meth:`target` (``steps`` more; default: up to the spec's total),
        reporting to ``observers`` at most every ``interval`` seconds and once at the end.

        With ``every`` > 0, ``at_every(self)`` runs each time the step count reaches a
        multiple of ``every`` (chunks stop there: a periodic save is at an exact step)."""
        observers = list(observers)
        target = self.goal = self.target(steps, again)
        if self.state == DIVERGED:
            self.recover()
        if self.state == STOPPED_EARLY:
            self.patience_from = self.step_count  # asked to train on: patience again
        self.state = RUNNING
        sent = self.step_count
        start = last = time.perf_counter()
        first = self.step_count
        chunk = 1
        while self.step_count < target and self.state == RUNNING:
            if stop is not None and stop.is_set():
                self.state = PAUSED
                break
            t0 = time.perf_counter()
            n = min(chunk, target - self.step_count)
            if every:
                n = min(n, every - self.step_count % every)
            self.step(n, stop)
            if every and at_every is not None and self.step_count % every == 0:
                at_every(self)
            # Chunks of ~20 ms (exact) or 5-10 ms (compiled) keep checks off the hot path.
            chunk = chunked.next_chunk(chunk, time.perf_counter() - t0, self.kernel == "compiled")
            now = time.perf_counter()
            self.steps_per_s = (self.step_count - first) / max(now - start, 1e-9)
            if observers and now - last >= interval and self.state == RUNNING:
                snap = self.snapshot(since=sent)
                sent = self.step_count
                for obs in observers:
                    obs(snap)
                last = now
        self.settle()
        snap = self.snapshot(since=sent)
        for obs in observers:
            obs(snap)
        return snap

    def settle(self, diverged_at: int | None = None) -> None:
        """A run stops running: diverged at step ``diverged_at`` when given (its weights,
        written by whoever ran the steps, are the last finite ones), else finished at
        the spec's steps or paused short of them. The one rule for how a run ends,
        whether its steps ran here or in a population."""
        if diverged_at is not None:
            self.diverged_at = diverged_at
            self.history.points = [p for p in self.history.points if p[0] <= self.step_count]
            self.state = DIVERGED
        elif self.state == RUNNING:
            self.state = FINISHED if self.step_count >= self.spec.training.steps else PAUSED

    def recover(self) -> None:
        """Leave the diverged state (e.g. after lowering the learning rate)."""
        if self.state == DIVERGED:
            self.stepper.reset_state()
            self.diverged_at = None
            self.state = PAUSED

    def set_lr(self, lr: float) -> None:
        """Change the learning rate of the running model, without resetting it."""
        lr = dataclasses.replace(self.spec.training, lr=lr).lr  # validates: SpecError
        self.lr = lr
        self.stepper.set_lr(lr)

    # -- evaluation (torchplay.engine.train.evaluate) -------------------------------------

    def train_set_loss(self) -> float:
        """The loss of the current weights on the whole training set (a snapshot in view,
        a baseline beside: weights compared with each other, not batches)."""
        return loss_on(self.net, self.loss, self.inputs_train, self.data.y_train)

    def snapshot(self, since: int | None = None) -> Snapshot:
        """Current metrics, with the history points after ``since`` (see
        :func:`.evaluate.snapshot`)."""
        return snapshot(self, since)

    def predict(self, x: list[list[float]]) -> list:
        """Regression: one float per row. Classification: (class, probabilities) per row."""
        return predict(self.net, self.features, self.data.n_inputs, self.task, x)

    # -- state for checkpoints -----------------------------------------------------

    def weights(self) -> dict[str, torch.Tensor]:
        """The state_dict, as independent contiguous tensors."""
        return {k: v.detach().clone().contiguous() for k, v in self.net.state_dict().items()}

    def load_weights(self, weights: dict[str, torch.Tensor]) -> None:
        with torch.no_grad():
            for k, v in self.net.state_dict().items():
                v.copy_(weights[k])
