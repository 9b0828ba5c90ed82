"""The family tree of a PBT sweep (``sweep --pbt`` in the app): which member forked from
which, at which step, and the lr schedule each ended with (rows from
:func:`torchplay.tui.draw.family.family_lines`). Hidden until the first fork arrives."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static
from torchplay.engine.run.sweepplan import Fork
from torchplay.tui.draw.family import family_lines

STYLES = {"best": "bold green", "live": "", "replaced": "dim", "note": "dim italic"}


class FamilyTree(VerticalScroll):
    """The forks so far under a title; :meth:`show` redraws them."""

    DEFAULT_CSS = """
    FamilyTree {
        height: auto;
        max-height: 45%;
        display: none;
        padding: 0 1;
    }
    FamilyTree.-forked {
        display: block;
    }
    FamilyTree > Static {
        width: auto;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.forks: list[Fork] = []

    def compose(self):
        yield Static("", id="family-text")

    def reset(self) -> None:
        """A new sweep: no forks yet (hidden)."""
        self.forks = []
        self.remove_class("-forked")

    def add(self, forks: list[Fork]) -> None:
        """Forks that arrived with an event (shown at the next :meth:`show`)."""
        self.forks += forks

    def follow(self, started, last, base_lr: float) -> None:
        """Redraw from the sweep's ``SweepStarted`` and latest ``SweepStepsCompleted``
        (each member's lr: its grid value, else ``base_lr``; its label: ``#index``)."""
        if started is None or last is None:
            return
        lrs = [o.get("training.lr", base_lr) for o in started.overrides]
        self.show(lrs, last.losses, [f"#{i}" for i in range(len(lrs))])

    def show(self, lrs: list[float], losses: list[float | None], names: list[str]) -> None:
        """Redraw: each member's starting lr, current loss and label."""
        if not self.forks:
            return
        self.add_class("-forked")
        rows = family_lines(lrs, self.forks, losses, names)
        text = Text(f"family tree · {len(self.forks)} forks · ★ best\n", style="bold")
        for i, row in enumerate(rows):
            text.append(row.text + ("\n" if i < len(rows) - 1 else ""), style=STYLES[row.kind])
        self.query_one("#family-text", Static).update(text)
