"""``torchplay sweep --search random|tpe``: the command-line side of a search.

The flags, their checks before any work (:func:`plan`: exit 2 with one line naming the
key), and what the table and the summary line show of a search. The search itself is
:func:`torchplay.engine.sweeps.search.run_search`; its rows are a grid's rows, each trial's
sampled values as its ``overrides``.
"""

from __future__ import annotations

import argparse

from torchplay.engine.run.errors import UserError
from torchplay.engine.run.grid import Axis
from torchplay.engine.run.searchplan import (
    DEFAULT_TRIALS,
    METHODS,
    TPE_PARALLEL,
    Search,
    parse_search,
)
from torchplay.engine.run.source import Source
from torchplay.engine.run.space import CHOICE
from torchplay.engine.run.spec import Spec


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The search flags of ``torchplay sweep``."""
    g = s.add_argument_group("search beyond the grid (instead of --grid)")
    g.add_argument(
        "--search",
        choices=METHODS,
        help="random: sample the space; tpe: optuna's TPE, batch by batch "
        "(pip install 'torchplay[optuna]')",
    )
    g.add_argument(
        "--trials", type=int, metavar="N", help=f"trials in all (default {DEFAULT_TRIALS})"
    )
    g.add_argument(
        "--space",
        action="append",
        default=None,
        metavar="KEY=LO:HI[:log]|A,B",
        help="a spec key to search: a range (integers for an integer key; :log samples in "
        "log) or a list of choices; repeat for more keys",
    )
    g.add_argument(
        "--search-seed",
        type=int,
        metavar="S",
        help="seeds the search: the same trials and weights again (default: a fresh seed, "
        "printed and in sweep.json; --seed stays the data seed)",
    )
    g.add_argument(
        "--parallel",
        type=int,
        metavar="K",
        help=f"trials trained at once, as one population (tpe default {TPE_PARALLEL}; random: all)",
    )


def plan(args: argparse.Namespace, source: Source, base: Spec, where: str) -> Search | None:
    """The search the flags and the file's ``[sweep]`` table ask for, checked before any
    work (None: the sweep is a grid).

    Raises:
        InputError: see :func:`torchplay.engine.run.searchplan.parse_search`; a search on
            Ray; TPE without optuna installed.
    """
    search = parse_search(
        base,
        method=args.search,
        trials=args.trials,
        texts=args.space,
        seed=args.search_seed,
        parallel=args.parallel,
        table=source.search,
        where=where,
        grid=args.grid,
        grid_table=source.sweep,
    )
    if search is None:
        return None
    check_backend(search.method, args.backend)
    if search.method == "tpe":
        from torchplay.engine.sweeps.search import optuna_missing

        missing = optuna_missing()
        if missing:
            raise UserError(missing)
    return search


def check_backend(method: str | None, backend: str) -> None:
    """Refuse a search on Ray (it trains here, batch by batch).

    Raises:
        UserError: ``method`` with ``--backend ray``.
    """
    if method is not None and backend == "ray":
        raise UserError(f"--search {method} trains here: drop --backend ray")


def axes_of(search: Search) -> list[Axis]:
    """The table's columns: one per dimension (its values are the choices, if any)."""
    return [Axis(d.key, d.choices if d.kind == CHOICE else ()) for d in search.space]


def model_steps(search: Search, base: Spec) -> int:
    """The progress bar's total: every trial at the base's step count (or the most a
    ``training.steps`` dimension allows)."""
    for d in search.space:
        if d.key == "training.steps":
            return search.trials * int(max(d.choices) if d.kind == CHOICE else d.hi)
    return search.trials * base.training.steps


def summary(search: Search) -> str:
    """What the summary line says of the search, e.g. ``tpe search, seed 7``."""
    return f"{search.method} search, seed {search.seed}"
