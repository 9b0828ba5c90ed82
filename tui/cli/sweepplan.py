"""``torchplay sweep``'s pruning and PBT flags: ``--prune median|halving [--prune-every N]``
and ``--pbt [--pbt-every N] [--pbt-quantile Q] [--pbt-seed S]``, made into a
:class:`~torchplay.engine.run.sweepplan.SweepPlan` and checked before any member trains.
"""

from __future__ import annotations

import argparse

from torchplay.engine.run.sweepplan import PRUNERS, PlanError, SweepPlan


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The flags, in their own group of ``sweep --help``."""
    g = s.add_argument_group(
        "pruning and population-based training (local backend; Ray has --scheduler asha)"
    )
    g.add_argument(
        "--prune",
        choices=list(PRUNERS),
        help="stop weak members at rungs: median (Optuna's MedianPruner: worse than the "
        "median of all members at the rung) or halving (successive halving: the worse "
        "half stops at each rung, rungs N, 2N, 4N...); they end 'pruned' with their weights",
    )
    g.add_argument(
        "--prune-every",
        type=int,
        metavar="N",
        help="steps between rungs (halving: the first rung); default: a tenth of the "
        "steps (halving: an eighth)",
    )
    g.add_argument(
        "--pbt",
        action="store_true",
        help="population-based training: at every rung the worst quantile copy the "
        "weights and optimizer state of a member of the best quantile (a fork, kept in "
        "the checkpoint's lineage) and perturb lr and the grid's other float training "
        "keys by x0.8 or x1.2",
    )
    g.add_argument(
        "--pbt-every", type=int, metavar="N", help="steps between PBT rounds (default: a tenth)"
    )
    g.add_argument(
        "--pbt-quantile",
        type=float,
        default=0.25,
        metavar="Q",
        help="the share that is the worst (and the best), above 0 and at most 0.5 (0.25)",
    )
    g.add_argument(
        "--pbt-seed",
        type=int,
        default=0,
        metavar="S",
        help="seeds PBT's choice of donors and perturbations (0)",
    )


def plan_of(args: argparse.Namespace, members: int) -> SweepPlan:
    """The plan the flags ask for, checked against a sweep of ``members`` members.

    Raises:
        PlanError: a bad option (exit 2, one line).
    """
    plan = SweepPlan(
        prune=args.prune or "",
        prune_every=args.prune_every,
        pbt=args.pbt,
        pbt_every=args.pbt_every,
        pbt_quantile=args.pbt_quantile,
        seed=args.pbt_seed,
    )
    if plan.active and args.backend == "ray":
        flag = "--prune" if plan.prune else "--pbt"
        raise PlanError(
            f"{flag} trains in this process: drop --backend ray, or use --scheduler asha there"
        )
    plan.check(members)
    return plan


def state_text(row) -> str:
    """A row's state in the ranked table: ``pruned at 20``; a PBT member that forked:
    ``finished ← #5@1800`` (the member it copied last, and when)."""
    if row.pruned_at is not None:
        return f"pruned at {row.pruned_at}"
    if row.forks:  # its own fork: the last on its way
        last = row.forks[-1]
        return f"{row.state} ← #{last['from']}@{last['step']}"
    return row.state
