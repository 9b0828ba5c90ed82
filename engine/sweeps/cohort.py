"""A population with rungs: pruning (median, halving) and population-based training.

:class:`Cohort` keeps the contract of :class:`~torchplay.engine.sweeps.population.Population`
(``rows``, ``count``, ``chunk``, :meth:`~Cohort.advance`, ``flush``, ``finish``,
:meth:`~Cohort.run`) and carries out a :class:`~torchplay.engine.run.sweepplan.SweepPlan`.
It trains its members as a population up to the next rung (``population(..., until=)``:
every member is written back into its trainer there, paused, exactly as a stopped sweep
is), judges them by the loss rows are ranked by, and goes on with a new population of
those left:

* a pruned member ends there, ``pruned``, with its weights; the next population is
  smaller, so each step is cheaper (the stack shrinks);
* a PBT loser becomes :func:`torchplay.engine.train.lineage.fork` of a winner at the rung,
  with a perturbed spec: the very fork a replay makes (``torchplay open``), so the
  member's checkpoint carries its lineage and trains again bit for bit.

Members that go on are untouched by a rung: a population resumed from its trainers is
bit for bit the one that did not stop (their weights, optimizer state, minibatch stream
and divergence backups are all written back), so survivors equal their unpruned runs.
"""

from __future__ import annotations

import dataclasses
import math
import random
import statistics

import torch
from torchplay.engine.process.events import RunState
from torchplay.engine.run.spec import SpecError
from torchplay.engine.run.sweepplan import PERTURB, Fork, SweepPlan
from torchplay.engine.sweeps.population import Progress, population
from torchplay.engine.train import lineage
from torchplay.engine.train.chunked import drive
from torchplay.engine.train.evaluate import loss_on
from torchplay.engine.train.trainer import PAUSED, RUNNING, Trainer

PRUNED = RunState.PRUNED


def rung_loss(trainer: Trainer) -> float:
    """The loss a rung judges ``trainer`` by: its test loss, else its loss on the whole
    training set (not finite: infinity, the worst)."""
    with torch.no_grad():
        if trainer.data.x_test.shape[0] > 0:
            value = loss_on(trainer.net, trainer.loss, trainer.inputs_test, trainer.data.y_test)
        else:
            value = trainer.train_set_loss()
    return value if math.isfinite(value) else math.inf


def perturbed_keys(trainers: list[Trainer]) -> list[str]:
    """The keys PBT perturbs: ``training.lr`` and every other float training key whose
    value differs between ``trainers`` (the grid's float keys)."""
    keys = ["training.lr"]
    for f in dataclasses.fields(trainers[0].spec.training):
        values = {getattr(t.spec.training, f.name) for t in trainers}
        if f.name != "lr" and len(values) > 1 and all(type(v) is float for v in values):
            keys.append(f"training.{f.name}")
    return keys


class Cohort:
    """Train ``slots[i]`` for ``i`` in ``index`` (trainers of one group key, at one step)
    with the rungs of ``plan``. PBT replaces a loser's trainer in ``slots`` by its fork."""

    def __init__(
        self,
        slots: list,
        index: list[int],
        plan: SweepPlan,
        device: str | torch.device = "cpu",
    ) -> None:
        self.slots, self.plan, self.device = slots, plan, device
        group = [slots[i] for i in index]
        self.count = group[0].step_count
        self.rungs = [
            r for r in plan.rungs(max(t.spec.training.steps for t in group)) if r > self.count
        ]
        self.live = list(index)
        """The slots still training."""
        self.keys = perturbed_keys(group)
        self.rng = random.Random(plan.seed * 1_000_003 + index[0])
        self.best: dict[int, float] = {}
        """Median pruning: each member's best rung loss so far."""
        self.forks: list[Fork] = []
        """PBT's forks so far, in order."""
        self.pruned: list[int] = []
        """The slots pruned so far, in order."""
        self.elapsed = 0.0
        self._build()

    def _build(self) -> None:
        group = [self.slots[i] for i in self.live]
        for t in group:  # Trainer.settle ends a running run when it is written back
            t.state = RUNNING
        until = self.rungs[0] if self.rungs else None
        self.pop = population(group, self.device, until) if group else None

    @property
    def rows(self) -> list[Trainer]:
        """The trainers still training."""
        return self.pop.rows if self.pop is not None else []

    @property
    def chunk(self) -> int:
        return self.pop.chunk if self.pop is not None else 1

    def advance(self, n: int) -> int:
        """Up to ``n`` steps (never past the next rung); returns the model-steps run."""
        if self.pop is None:
            return 0
        done = self.pop.advance(n)
        self.count = self.pop.count
        if not self.pop.rows:
            self._rung()
        return done

    def _rung(self) -> None:
        """Every member stands still: at a rung, judge those paused there and go on."""
        at = self.rungs[0] if self.rungs else None
        waiting = [
            i for i in self.live if self.slots[i].state == PAUSED and self.slots[i].step_count == at
        ]
        if at is None or not waiting:
            self.pop = None
            return
        self.rungs.pop(0)
        losses = {i: rung_loss(self.slots[i]) for i in waiting}
        if self.plan.pbt:
            self._exploit(at, losses)
            self.live = waiting
        else:
            out = set(self._judged(losses))
            for i in sorted(out):
                self.slots[i].state = PRUNED
                self.pruned.append(i)
            self.live = [i for i in waiting if i not in out]
        self._build()

    def _judged(self, losses: dict[int, float]) -> list[int]:
        """The members the pruner stops at this rung."""
        ranked = sorted(losses, key=lambda i: (losses[i], i))
        if self.plan.prune == "halving":
            return ranked[math.ceil(len(ranked) / 2) :]
        # Optuna's MedianPruner: the member's best value so far against the median of
        # every member's value at this step.
        for i, loss in losses.items():
            self.best[i] = min(self.best.get(i, math.inf), loss)
        finite = [v for v in losses.values() if math.isfinite(v)]
        median = statistics.median(finite) if finite else math.inf
        return [i for i in ranked if self.best[i] > median]

    def _exploit(self, at: int, losses: dict[int, float]) -> None:
        """PBT: the worst quantile each fork one of the best quantile, perturbed."""
        ranked = sorted(losses, key=lambda i: (losses[i], i))
        n = min(math.ceil(len(ranked) * self.plan.pbt_quantile), len(ranked) // 2)
        best, worst = ranked[:n], ranked[len(ranked) - n :]
        for loser in worst:
            donor = self.rng.choice(best)
            parent = self.slots[donor]
            if at not in parent.snapshots.steps:
                parent.snapshots.take(parent)
            spec, values = parent.spec, {}
            for key in self.keys:
                section, _, name = key.partition(".")
                old = getattr(getattr(spec, section), name)
                factor = self.rng.choice(PERTURB)
                try:
                    spec = spec.with_overrides({key: old * factor})
                except SpecError:  # out of the key's range (momentum 1.08): kept
                    pass
                values[key] = getattr(getattr(spec, section), name)
            self.slots[loser] = lineage.fork(parent, at, spec)
            self.forks.append(Fork(at, loser, donor, values))

    def flush(self) -> None:
        if self.pop is not None:
            self.pop.flush()

    def finish(self) -> None:
        """Write every member still training back (paused where it stands, or finished)."""
        if self.pop is not None:
            self.pop.finish()

    def run(self, progress: Progress | None = None, stop=None) -> None:
        """Train every member to its step count, a pruned one to its rung (or until
        ``stop`` is set), then write every member back into its trainer."""
        drive(self, progress, stop)
