"""Titles and labels keep their meaning at 80 columns (issue 22 friction 5)."""

from __future__ import annotations

import plotext
from torchplay.tui.app.screens.sweeplabels import member_title, short_names
from torchplay.tui.app.widgets.smallmultiples import fitting_columns
from torchplay.tui.draw.plotting import fit_title
from torchplay.tui.draw.ticks import compact_ticks


def test_a_cut_title_keeps_its_start_and_end_and_plotext_shows_it() -> None:
    title = "second-run-with-a-long-name @ 3,000"
    for width in range(20, 60):
        plotext.clf()
        plotext.plotsize(width, 10)
        plotext.plot([1, 2], [0.00396, 1.15])
        axes = compact_ticks(plotext, [1, 2], [0.00396, 1.15])
        shown = fit_title(title, width, axes.label_width)
        plotext.title(shown)
        top = plotext.uncolorize(plotext.build()).splitlines()[0]
        assert shown.strip() and shown in top, width
        assert shown == title or ("…" in shown and shown.endswith("3,000"))


def test_grid_keys_by_short_names_in_member_titles() -> None:
    names = short_names(["training.lr", "data.seed"])
    assert names == {"training.lr": "lr", "data.seed": "seed"}
    assert short_names(["data.seed", "training.seed"]) == {
        "data.seed": "data.seed",
        "training.seed": "training.seed",
    }
    title = member_title({"training.lr": 0.3, "data.seed": 1}, 0.008834, names)
    assert title == "lr 0.3, seed 1: 0.00883"


def test_fewer_columns_rather_than_cut_titles() -> None:
    titles = ["lr 0.3, seed 1: 0.00883", "lr 0.1, seed 2: 0.0626"]
    assert fitting_columns(titles, 44, 3, 2) == 2  # 80 columns: two cells of 21
    assert fitting_columns(titles, 110, 3, 2) == 3
    assert fitting_columns(titles, 15, 3, 2) == 1
