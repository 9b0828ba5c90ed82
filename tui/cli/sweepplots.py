"""``torchplay sweep --plot``: the analysis views as text, after the ranked table.

Parallel coordinates and slice plots (:mod:`torchplay.tui.draw.parcoords`,
:mod:`torchplay.tui.draw.slices`) for any number of grid keys, the importance bars, and
for two keys the heatmap too. Coloured with escape codes that
:func:`torchplay.tui.draw.plotting.for_stream` drops in pipes and under ``NO_COLOR``.
"""

from __future__ import annotations

import shutil

from torchplay.tui.draw import braille, parcoords, slices
from torchplay.tui.draw.scales import SweepView

HEIGHT = 18
"""Rows of the parallel coordinates."""


def short_names(keys: list[str]) -> dict[str, str]:
    """Each key by its last part (``training.lr``: ``lr``) unless two keys share it."""
    last = [k.rsplit(".", 1)[-1] for k in keys]
    return {k: n if last.count(n) == 1 else k for k, n in zip(keys, last, strict=True)}


def view_of(result, keys: list[str]) -> SweepView:
    """The rows of a :class:`~torchplay.engine.sweeps.sweep.SweepResult` as a view."""
    rows = result.rows
    return SweepView(
        keys,
        [r.overrides for r in rows],
        [r.loss for r in rows],
        [r.diverged for r in rows],
        short_names(keys),
    )


def width() -> int:
    """The terminal's width, between 60 and 120 columns (100 when unknown)."""
    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def plots(result, keys: list[str], cols: int | None = None) -> str:
    """Parallel coordinates, slice plots and importance bars, with escape codes."""
    cols = cols or width()
    view = view_of(result, keys)
    best = view.best(parcoords.BEST)
    title = (
        f"parallel coordinates: {len(view.overrides)} members, the best {len(best)} bright, "
        "diverged ones reach div"
    )
    parts = [
        title,
        braille.ansi(parcoords.render(view, cols, HEIGHT)),
        "",
        "slice plots: the final loss against each key (✗: diverged)",
        braille.ansi(slices.render_slices(view, cols, HEIGHT)),
        "",
        "importance: each key's share of the loss variance",
        braille.ansi(slices.render_importance(result.importance(), view.names or {}, cols)),
    ]
    return "\n".join(parts)
