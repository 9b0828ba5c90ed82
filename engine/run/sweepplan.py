"""What a population does at its rungs: prune weak members, or fork the best onto the worst.

A :class:`SweepPlan` is plain data (no torch): ``torchplay sweep --prune median|halving
[--prune-every N]`` or ``--pbt --pbt-every N --pbt-quantile Q``, and the sweep screen's
"prune or PBT" field, all make one. :mod:`torchplay.engine.sweeps.cohort` carries it out.

* **median** (Optuna's ``MedianPruner``): at every ``N``-th step, a member whose best loss
  at the rungs so far is worse than the median of the losses of all members at that
  step stops there.
* **halving** (successive halving with rate 2): at steps ``N, 2N, 4N, ...`` the worse
  half of the members still training stops (the better ``ceil(k / 2)`` go on).
* **pbt** (population-based training): at every ``N``-th step the worst quantile of the
  members each copy a member of the best quantile (weights, optimizer state, minibatch
  stream: a fork, recorded in the member's lineage) and perturb its lr and the grid's
  other float training keys by x0.8 or x1.2.

The loss a rung judges is the one rows are ranked by: the test loss, else the loss on
the whole training set, of the weights at that step.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from torchplay.engine.run.errors import InputError

PRUNERS = ("median", "halving")
"""``--prune`` values."""
RUNGS = 10
"""Median pruning and PBT without ``--prune-every`` / ``--pbt-every``: this many rungs."""
HALVINGS = 3
"""Successive halving without ``--prune-every``: this many rungs (an eighth goes on)."""
PERTURB = (0.8, 1.2)
"""PBT's explore step: each float key is multiplied by one of these, by a coin."""


class PlanError(InputError):
    """A bad ``--prune`` / ``--pbt`` option; the message names it and the fix."""


@dataclass(frozen=True)
class SweepPlan:
    """Pruning or population-based training of a sweep's populations (default: neither)."""

    prune: str = ""
    """``median`` or ``halving``; empty: no pruning."""
    prune_every: int | None = None
    """Steps between rungs (halving: the first rung; later ones double); None: derived
    from the step count (:data:`RUNGS`, :data:`HALVINGS`)."""
    pbt: bool = False
    """Population-based training at every ``pbt_every``-th step."""
    pbt_every: int | None = None
    """Steps between PBT's exploit-and-explore rounds; None: a tenth of the step count."""
    pbt_quantile: float = 0.25
    """The share of members that is "the worst" (each copies one of as many "best")."""
    seed: int = 0
    """Seeds PBT's choices of donor and perturbation (a run with the same seed forks alike)."""

    @property
    def active(self) -> bool:
        return bool(self.prune) or self.pbt

    def every(self, steps: int) -> int:
        """Steps between rungs for members of ``steps`` steps."""
        if self.pbt:
            return self.pbt_every or max(1, steps // RUNGS)
        if self.prune_every:
            return self.prune_every
        return max(1, steps // (2**HALVINGS if self.prune == "halving" else RUNGS))

    def rungs(self, steps: int) -> list[int]:
        """The steps (before ``steps``, the end) where members are judged."""
        if not self.active or steps <= 1:
            return []
        n = self.every(steps)
        if self.prune == "halving":
            out, at = [], n
            while at < steps:
                out.append(at)
                at *= 2
            return out
        return list(range(n, steps, n))

    def check(self, members: int) -> None:
        """Refuse a plan that cannot work on a sweep of ``members`` members.

        Raises:
            PlanError: a bad option, one line naming it and the fix.
        """
        if self.prune and self.prune not in PRUNERS:
            raise PlanError(f"--prune {self.prune!r}: use median or halving")
        if self.prune and self.pbt:
            raise PlanError("--prune with --pbt: PBT replaces its weak members, pick one")
        for name in ("prune_every", "pbt_every"):
            value = getattr(self, name)
            if value is not None and value < 1:
                flag = "--" + name.replace("_", "-")
                raise PlanError(f"{flag} {value}: give a step count of 1 or more")
        if self.prune_every is not None and not self.prune:
            raise PlanError("--prune-every without --prune: add --prune median or halving")
        if (self.pbt_every is not None or self.pbt_quantile != 0.25) and not self.pbt:
            raise PlanError("--pbt-every and --pbt-quantile need --pbt")
        if not 0 < self.pbt_quantile <= 0.5 or math.isnan(self.pbt_quantile):
            raise PlanError(
                f"--pbt-quantile {self.pbt_quantile}: give a share above 0 and at most 0.5 "
                "(the worst and the best quantile must not overlap), e.g. 0.25"
            )
        if self.active and members < 2:
            what = f"--prune {self.prune}" if self.prune else "--pbt"
            raise PlanError(
                f"{what}: a sweep of {members} member has no peers to compare with; "
                "give --grid at least two members"
            )

    def describe(self) -> str:
        """One line for ``sweep.json`` and the screen: ``median every 20`` or ``pbt ...``."""
        if self.pbt:
            every = self.pbt_every or "auto"
            return f"pbt every {every} quantile {self.pbt_quantile:g}"
        if self.prune:
            return f"{self.prune} every {self.prune_every or 'auto'}"
        return ""


FIELD = re.compile(r"^\s*(median|halving|pbt)(?:\s+(\S+))?(?:\s+(\S+))?\s*$")
"""The sweep screen's field: ``median 20``, ``halving 25``, ``pbt 50 0.25``."""


def from_text(text: str, seed: int = 0) -> SweepPlan:
    """The plan the sweep screen's field asks for (blank: none).

    Raises:
        PlanError: a text that is not ``median N``, ``halving N`` or ``pbt N [Q]``.
    """
    if not text.strip():
        return SweepPlan()
    m = FIELD.match(text.lower())
    bad = PlanError(
        f"prune or PBT {text.strip()!r}: type median N, halving N or pbt N [QUANTILE] "
        "(N: steps between rungs), or leave it blank"
    )
    if m is None:
        raise bad
    kind, every, quantile = m.groups()
    try:
        n = int(every) if every else None
        q = float(quantile) if quantile else 0.25
    except ValueError:
        raise bad from None
    if (n is not None and n < 1) or (quantile and kind != "pbt"):
        raise bad
    if kind == "pbt":
        return SweepPlan(pbt=True, pbt_every=n, pbt_quantile=q, seed=seed)
    return SweepPlan(prune=kind, prune_every=n)


@dataclass(frozen=True)
class Fork:
    """One PBT fork: member ``child`` became a copy of member ``parent`` at ``step`` and
    trains on with ``values`` (the perturbed keys: ``training.lr`` and the grid's other
    float training keys)."""

    step: int
    child: int
    parent: int
    values: dict[str, float]

    def to_json(self) -> dict:
        return {"step": self.step, "from": self.parent, "values": self.values}


def panel_plan(text: str, members: int, address: str = "") -> SweepPlan:
    """The plan of the sweep screen's field, checked for ``members`` members and the
    panel's Ray ``address`` (pruning and PBT train here).

    Raises:
        PlanError: a bad text or plan, one line.
    """
    plan = from_text(text)
    plan.check(members)
    if plan.active and address.strip():
        raise PlanError("prune or PBT trains here: leave the Ray address blank")
    return plan


def forks_of(index: int, forks: list[Fork]) -> list[dict]:
    """The forks on member ``index``'s way, oldest first: its last fork, the fork of the
    member it copied before that step, and so on (JSON-ready)."""
    out, at, before = [], index, None
    for f in reversed(forks):
        if f.child == at and (before is None or f.step < before):
            out.append(f.to_json())
            at, before = f.parent, f.step
    return out[::-1]
