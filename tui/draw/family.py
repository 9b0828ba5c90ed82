"""A PBT sweep's family tree as text lines: who forked from whom, at which step, and the lr
schedule each member ended up with (``sweep --pbt``, the sweep screen's tree).

A member's *life* starts at step 0 (a root) or at a fork, where it became a copy of
another member's current life; it ends when PBT replaces it. :func:`family_lines` draws
the lives as a tree under their roots, the family of the best member first; a live member
shows its loss and its lr schedule (``#3 0.012 · lr 0.1 → 0.12@20 → 0.096@40``). Roots replaced
without heirs are listed on one line at the end. Plain data in, plain text out: the
widget (``tui/app/widgets/familytree.py``) styles and shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from torchplay.engine.run.sweepplan import Fork


@dataclass
class Life:
    """One stretch of a member slot's training, from ``start`` with ``lr``."""

    slot: int
    start: int
    lr: float
    parent: Life | None = None
    children: list[Life] = field(default_factory=list)
    end: int | None = None
    """The step PBT replaced it (None: it still trains, or ended as itself)."""

    def schedule(self) -> list[tuple[int, float]]:
        """(step, lr) from step 0 to this life: its ancestors' lrs, then its own."""
        out, life = [], self
        while life is not None:
            out.append((life.start, life.lr))
            life = life.parent
        return out[::-1]


@dataclass(frozen=True)
class Line:
    """One row of the tree: its text and what kind of row it is (the widget's style)."""

    text: str
    kind: str
    """``best``, ``live``, ``replaced`` or ``note``."""


def lives(lrs: list[float], forks: list[Fork]) -> tuple[list[Life], list[Life]]:
    """The roots (one per member, at step 0) and each member's current life."""
    current = [Life(i, 0, lr) for i, lr in enumerate(lrs)]
    roots = list(current)
    for f in forks:
        if not (0 <= f.child < len(current) and 0 <= f.parent < len(current)):
            continue
        parent = current[f.parent]
        current[f.child].end = f.step
        child = Life(f.child, f.step, f.values.get("training.lr", parent.lr), parent)
        parent.children.append(child)
        current[f.child] = child
    return roots, current


def _num(value: float) -> str:
    return f"{value:.3g}"


SCHEDULE = 4
"""The most lr changes a row spells out (the first, an ellipsis, the last ones)."""


def schedule_text(life: Life) -> str:
    """``lr 0.1 → 0.12@20 → 0.096@40`` (long ones: ``lr 0.1 → … → 0.09@80 → 0.1@90``)."""
    parts = [_num(lr) if start == 0 else f"{_num(lr)}@{start}" for start, lr in life.schedule()]
    if len(parts) > SCHEDULE:
        parts = [parts[0], "…", *parts[-(SCHEDULE - 2) :]]
    return "lr " + " → ".join(parts)


def family_lines(
    lrs: list[float], forks: list[Fork], losses: list[float | None], names: list[str]
) -> list[Line]:
    """The tree's rows. ``names``: each member's label (``#3``); ``losses``: each
    member's current loss (None: none yet)."""
    roots, current = lives(lrs, forks)
    alive = {id(life) for life in current}

    def loss_of(slot: int) -> float:
        value = losses[slot] if slot < len(losses) else None
        return value if value is not None and math.isfinite(value) else math.inf

    best = min(range(len(current)), key=loss_of, default=None)

    def best_below(life: Life) -> float:
        own = loss_of(life.slot) if id(life) in alive else math.inf
        return min([own, *(best_below(c) for c in life.children)])

    def heirs(life: Life) -> bool:
        return id(life) in alive or any(heirs(c) for c in life.children)

    out: list[Line] = []

    def draw(life: Life, lead: str, branch: str) -> None:
        name = names[life.slot] if life.slot < len(names) else f"#{life.slot}"
        if id(life) in alive:
            loss = losses[life.slot] if life.slot < len(losses) else None
            shown = f" {loss:.3g}" if loss is not None else ""
            star = " ★" if life.slot == best and loss is not None else ""
            kind = "best" if star else "live"
            # The loss before the schedule: a narrow screen cuts the row's end.
            out.append(Line(f"{lead}{branch}{name}{shown}{star} · {schedule_text(life)}", kind))
        else:
            at = f"@{life.start} " if life.start else ""
            text = f"{lead}{branch}{name} {at}lr {_num(life.lr)} ✗ replaced @{life.end}"
            out.append(Line(text, "replaced"))
        kids = sorted((c for c in life.children if heirs(c)), key=lambda c: (c.start, c.slot))
        below = lead + ("   " if branch == "└─ " else "│  " if branch else "")
        for k, child in enumerate(kids):
            draw(child, below, "└─ " if k == len(kids) - 1 else "├─ ")

    families = sorted((r for r in roots if heirs(r)), key=lambda r: (best_below(r), r.slot))
    for root in families:
        draw(root, "", "")
    gone = [r for r in roots if not heirs(r)]
    if gone:
        ends = ", ".join(
            f"{names[r.slot] if r.slot < len(names) else r.slot}@{r.end}" for r in gone
        )
        out.append(Line(f"✗ replaced without heirs: {ends}", "note"))
    return out
