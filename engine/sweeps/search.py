"""Searches: random and TPE trials, trained as populations, as a sweep's rows.

A trial is a grid member with sampled ``overrides``: :func:`run_search` asks a searcher
for a batch of trials, trains them with the grid's own code
(:func:`torchplay.engine.sweeps.sweep.run_local`: populations where architectures allow,
each member bit for bit its single run) and tells the searcher each trial's final loss;
then asks again, until the trials are spent. :func:`drive` is that loop with the
training left to a callable, so a synthetic objective goes through the same code.

- :class:`RandomSearcher` draws every trial from ``random.Random(seed)``
  (:func:`torchplay.engine.run.space.random_trials`); telling it changes nothing.
- :class:`TpeSearcher` asks optuna's seeded ``TPESampler`` (the optional extra
  ``torchplay[optuna]``) through its ask/tell interface, with ``constant_liar`` so the
  trials of one batch spread out. A diverged trial is told ``inf``: the worst; a pruned
  one (``--prune``) is told as optuna's pruned trials are, its loss at the step it stopped.

The same seed gives the same trials, so the same weights: a sampled value is rounded
(:meth:`~torchplay.engine.run.space.Dim.value`) before it trains, and every loss told
back is the bit-exact loss of a deterministic run.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import Member
from torchplay.engine.run.searchplan import Search
from torchplay.engine.run.space import CHOICE, FLOAT, Dim, random_trials
from torchplay.engine.run.spec import Spec, SpecError
from torchplay.engine.run.sweepplan import SweepPlan
from torchplay.engine.sweeps.population import Progress
from torchplay.engine.sweeps.sweep import MemberResult, SweepResult, check_memory, run_local

Trial = dict[str, Any]
"""One trial's sampled values: KEY -> value, as a member's overrides."""


@dataclass(frozen=True)
class Told:
    """What a searcher is told of one trial."""

    loss: float | None
    """Its final loss (None: diverged, or no loss)."""
    pruned_at: int | None = None
    """The step it was pruned at (``--prune``): ``loss`` is its loss there."""


Evaluate = Callable[[list[Trial], int], list["float | None | Told"]]
"""Train (or score) a batch of trials whose first index is the int; their final losses
(None: diverged or none), or :class:`Told` for a pruned one."""

OPTUNA_HINT = "pip install 'torchplay[optuna]'"


class RandomSearcher:
    """Every trial drawn at once from the seed; told losses are ignored."""

    def __init__(self, space: tuple[Dim, ...], trials: int, seed: int) -> None:
        self.pending = random_trials(list(space), trials, seed)

    def ask(self, count: int) -> list[Trial]:
        batch, self.pending = self.pending[:count], self.pending[count:]
        return batch

    def tell(self, told: list[Told]) -> None:
        pass


def _distribution(dim: Dim):
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if dim.kind == CHOICE:
        return CategoricalDistribution(dim.texts)
    if dim.kind == FLOAT:
        return FloatDistribution(dim.lo, dim.hi, log=dim.log)
    return IntDistribution(int(dim.lo), int(dim.hi), log=dim.log)


def optuna_missing() -> str | None:
    """The one line to show when optuna cannot be imported (None: it can)."""
    try:
        import optuna  # noqa: F401
    except ImportError:
        return f"--search tpe needs optuna: {OPTUNA_HINT}"
    return None


class TpeSearcher:
    """optuna's TPE sampler, seeded, through ask/tell (needs ``torchplay[optuna]``).

    Raises:
        InputError: optuna is not installed (the message says how to install it).
    """

    def __init__(self, space: tuple[Dim, ...], seed: int) -> None:
        missing = optuna_missing()
        if missing:
            raise InputError(missing)
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.space = space
        self.dists = {d.key: _distribution(d) for d in space}
        with warnings.catch_warnings():  # constant_liar is marked experimental
            warnings.simplefilter("ignore")
            sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True)
        self.study = optuna.create_study(direction="minimize", sampler=sampler)
        self.asked: list = []

    def ask(self, count: int) -> list[Trial]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.asked = [self.study.ask(self.dists) for _ in range(count)]
        return [{d.key: d.value(t.params[d.key]) for d in self.space} for t in self.asked]

    def tell(self, told: list[Told]) -> None:
        """Each trial's final loss; a pruned trial as optuna's pruned ones (its loss at the
        step it stopped, ranked below every completed trial)."""
        from optuna.trial import TrialState

        for trial, t in zip(self.asked, told, strict=True):
            ok = t.loss is not None and math.isfinite(t.loss)
            if t.pruned_at is not None and ok:
                trial.report(t.loss, t.pruned_at)
                self.study.tell(trial, state=TrialState.PRUNED)
            else:
                self.study.tell(trial, t.loss if ok else math.inf)
        self.asked = []


def searcher_for(search: Search):
    """The searcher ``search.method`` names, seeded with ``search.seed``."""
    if search.method == "tpe":
        return TpeSearcher(search.space, search.seed)
    return RandomSearcher(search.space, search.trials, search.seed)


def drive(searcher, trials: int, parallel: int, evaluate: Evaluate, stop=None) -> None:
    """Ask ``searcher`` for batches of at most ``parallel`` trials, ``evaluate`` each
    batch and tell it the losses, until ``trials`` are done or ``stop`` is set (a batch
    cut short by ``stop`` is not told)."""
    done = 0
    while done < trials and not (stop is not None and stop.is_set()):
        batch = searcher.ask(min(parallel, trials - done))
        losses = evaluate(batch, done)
        if stop is not None and stop.is_set():
            break
        searcher.tell([x if isinstance(x, Told) else Told(x) for x in losses])
        done += len(batch)


def trial_members(batch: list[Trial], base: Spec, start: int) -> list[Member]:
    """The members of a batch of trials: index ``start + i``, the trial as overrides.

    Raises:
        InputError: a combination the spec refuses, naming the trial's values.
    """
    out = []
    for i, trial in enumerate(batch):
        try:
            spec = base.with_overrides(trial)
        except SpecError as exc:
            where = ", ".join(f"{k}={v}" for k, v in trial.items())
            raise InputError(f"--space trial {where}: {exc}") from None
        overrides = {k: list(v) if isinstance(v, tuple) else v for k, v in trial.items()}
        out.append(Member(start + i, overrides, spec))
    return out


def _told(row: MemberResult) -> Told:
    return Told(None if row.diverged else row.loss, row.pruned_at)


def run_search(
    search: Search,
    base: Spec,
    device: str = "cpu",
    keep_checkpoints: bool = False,
    progress: Progress | None = None,
    stop=None,
    plan: SweepPlan | None = None,
) -> SweepResult:
    """Train ``search``'s trials over ``base``, batch by batch; one row per trial, in
    trial order, as a grid's rows (each batch pruned or PBT-trained by ``plan``).

    Raises:
        InputError: optuna missing for TPE, a trial the spec refuses, a batch over the
            memory limit (checked before the batch trains).
    """
    begun = time.perf_counter()
    searcher = searcher_for(search)
    rows: list[MemberResult] = []

    def evaluate(batch: list[Trial], start: int) -> list[Told]:
        members = trial_members(batch, base, start)
        check_memory(members, keep_checkpoints)
        result = run_local(members, device, keep_checkpoints, progress, stop, plan=plan)
        rows.extend(result.rows)
        return [_told(r) for r in result.rows]

    drive(searcher, search.trials, search.parallel, evaluate, stop)
    wall = time.perf_counter() - begun  # the searcher's own time too
    rows.sort(key=lambda r: r.index)
    steps = sum(r.step for r in rows)
    return SweepResult(rows, steps / wall if wall > 0 else 0.0, "local", device, wall)
