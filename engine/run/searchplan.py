"""A sweep's search: the method, the trial count, the space and the seed, from the command
line over a ``[sweep]`` table. No torch.

``torchplay sweep SOURCE --search random|tpe --trials N --space KEY=lo:hi[:log] --space
KEY=a,b [--search-seed S] [--parallel K]``, or the same in a spec file::

    [sweep]
    search = "tpe"
    trials = 64
    search_seed = 1
    [sweep.space]
    "training.lr" = "1e-3:1:log"          # a string: the --space grammar
    "model.activation" = ["relu", "tanh"] # a list: its choices

The command line wins key by key, as ``--grid`` does over a table: a ``--space`` for a key
the table has replaces it, other ``--space`` keys are added after.

A sweep is a grid or a search, never both: ``--grid`` (or grid keys in the ``[sweep]``
table) beside a search is refused, naming the key; a list in ``--space`` is the search's
way to say ``KEY=a,b``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.grid import MAX_MEMBERS, GridError, table_texts
from torchplay.engine.run.space import Dim, SpaceError, parse_dim
from torchplay.engine.run.spec import Spec

METHODS = ("random", "tpe")
"""``random``: every trial drawn at once from the seed. ``tpe``: optuna's TPE sampler asks
for :attr:`Search.parallel` trials at a time and is told their final losses."""
DEFAULT_TRIALS = 16
"""Trials when neither ``--trials`` nor the table gives a count."""
TPE_PARALLEL = 8
"""How many trials TPE asks for at once (one population) unless ``--parallel`` says."""


@dataclass(frozen=True)
class Search:
    """What a search samples and how."""

    method: str
    """One of :data:`METHODS`."""
    trials: int
    """How many trials in all."""
    space: tuple[Dim, ...]
    """The dimensions, in order (the table's first, then the command line's)."""
    seed: int
    """The search seed (``--seed`` stays the data seed): the same seed, the same trials."""
    parallel: int
    """Trials asked for and trained at once (random: all of them)."""

    def to_json(self) -> dict[str, Any]:
        """``sweep.json``'s ``search`` entry: enough to run the search again."""
        return {
            "method": self.method,
            "trials": self.trials,
            "seed": self.seed,
            "parallel": self.parallel,
            "space": [d.to_json() for d in self.space],
        }


def _int(name: str, value: Any, low: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpaceError(f"{name} {value!r}: must be an integer, {hint}")
    if not low <= value <= MAX_MEMBERS:
        raise SpaceError(f"{name} {value}: must be {low}..{MAX_MEMBERS:,}, {hint}")
    return value


def _table_dims(space: Any, base: Spec, where: str) -> list[Dim]:
    if not isinstance(space, dict):
        raise SpaceError(
            f'{where} space = {space!r}: must be a table, e.g. [sweep.space] "training.lr" = '
            '"1e-3:1:log"'
        )
    try:
        texts = table_texts(space, f"{where} space")
    except GridError as exc:
        raise SpaceError(str(exc)) from None
    dims = []
    for text in texts:
        try:
            dims.append(parse_dim(text, base))
        except SpaceError as exc:
            raise SpaceError(f"{where} space {str(exc).removeprefix('--space ')}") from None
    return dims


def parse_search(
    base: Spec,
    method: str | None = None,
    trials: int | None = None,
    texts: list[str] | None = None,
    seed: int | None = None,
    parallel: int | None = None,
    table: dict[str, Any] | None = None,
    where: str = "[sweep]",
    grid: list[str] | None = None,
    grid_table: dict[str, Any] | None = None,
) -> Search | None:
    """The search the command line and a ``[sweep]`` table's search keys (``table``:
    ``search``, ``trials``, ``search_seed``, ``parallel``, ``space``) ask for; None when
    neither asks for one (then the sweep is a grid). ``grid`` and ``grid_table`` are the
    ``--grid`` texts and the table's grid keys, refused beside a search.

    Raises:
        SpaceError: a bad dimension, a repeated key, no dimension, trials or parallel
            under 1, search options without a search, a grid beside a search.
    """
    table = table or {}
    texts = texts or []
    method = method or table.get("search")
    if method is None:
        given = [
            flag
            for flag, v in (
                ("--space", texts or None),
                ("--trials", trials),
                ("--search-seed", seed),
                ("--parallel", parallel),
            )
            if v is not None
        ]
        if given or table:
            what = given[0] if given else f"{where} {next(iter(table))}"
            raise SpaceError(f"{what}: needs a search; add --search random or --search tpe")
        return None
    if method not in METHODS:
        raise SpaceError(f"{where} search = {method!r}: use {' or '.join(map(repr, METHODS))}")
    for text in grid or []:
        key = text.partition("=")[0].strip()
        raise SpaceError(
            f"--grid {key} with --search: a sweep is a grid or a search; "
            f"give it as --space {key}=A,B"
        )
    for key in grid_table or {}:
        raise SpaceError(
            f"{where} {key}: a grid key beside a search; move it to [sweep.space] "
            "(a list for its choices) or drop the search"
        )
    dims = {d.key: d for d in _table_dims(table.get("space", {}), base, where)}
    given_dims: dict[str, Dim] = {}
    for text in texts:
        dim = parse_dim(text, base)
        if dim.key in given_dims:
            raise SpaceError(f"--space {dim.key}: given twice; give it once")
        given_dims[dim.key] = dim
    space = [given_dims.pop(k, d) for k, d in dims.items()] + list(given_dims.values())
    if not space:
        raise SpaceError(
            f"--search {method}: give at least one --space, e.g. --space training.lr=1e-3:1:log"
        )
    hint = "the number of trials, e.g. --trials 32"
    if trials is not None:
        count = _int("--trials", trials, 1, hint)
    else:
        count = _int(f"{where} trials", table.get("trials", DEFAULT_TRIALS), 1, hint)
    hint = "how many trials train at once, e.g. --parallel 8"
    wide = parallel if parallel is not None else table.get("parallel")
    name = "--parallel" if parallel is not None else f"{where} parallel"
    if wide is None:
        wide = count if method == "random" else min(count, TPE_PARALLEL)
    wide = min(count, _int(name, wide, 1, hint))
    if seed is None:
        seed = table.get("search_seed")
        name = f"{where} search_seed"
    else:
        name = "--search-seed"
    if seed is None:
        seed = secrets.randbelow(2**31)  # recorded in sweep.json and the summary line
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise SpaceError(f"{name} {seed!r}: must be an integer from 0, e.g. --search-seed 1")
    return Search(method, count, tuple(space), seed, wide)
