"""The sweep screen with a plan, on the real engine: a PBT run draws its family tree, a
halving run marks its pruned members, a bad plan is refused in the panel."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.sweepscreen import PRUNED_MARK, SweepScreen
from torchplay.tui.app.widgets.familytree import FamilyTree

from tests.tui.helpers import type_in_dialog, wait_for
from tests.tui.test_sweepscreen import cells, finished, open_sweep_screen

GRID = ("training.lr=0.01,0.03,0.1,0.3", "data.seed=1,2")


async def start_with_plan(pilot, app, plan: str, steps: int = 80) -> SweepScreen:
    """Type the grid, the steps and the plan (Tab from field to field), press Enter."""
    screen = await open_sweep_screen(pilot, app)
    steps_field = screen.query_one("#sweep-steps")
    for i, text in enumerate(GRID):  # the screen opens with the focus on axis-0
        await type_in_dialog(pilot, text, f"axis-{i}")
        await pilot.press("tab")
    while app.focused is not steps_field:  # the empty axis field left
        await pilot.press("tab")
    await type_in_dialog(pilot, str(steps), "sweep-steps")
    await pilot.press("tab", "tab")  # past the Ray address
    await type_in_dialog(pilot, plan, "sweep-plan")
    await pilot.press("enter")
    return screen


def tree_text(screen: SweepScreen) -> str:
    return str(screen.query_one("#family-text").render())


async def test_a_pbt_sweep_draws_its_family_tree() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_with_plan(pilot, app, "pbt 20")
        tree = screen.query_one(FamilyTree)
        await finished(pilot, screen)
        await wait_for(pilot, lambda: tree.display and "forks" in tree_text(screen))
        text = tree_text(screen)
        # Three rounds (steps 20, 40, 60), two of eight members each: six forks.
        assert text.startswith("family tree · 6 forks · ★ best")
        assert "★" in text.split("\n", 1)[1] and "@20" in text and "└─ #" in text
        assert len(tree.forks) == 6 and {f.step for f in tree.forks} == {20, 40, 60}
        assert screen.last.states.count("finished") == 8


async def test_a_halving_sweep_marks_its_pruned_members() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_with_plan(pilot, app, "halving 20")
        await finished(pilot, screen)
        # Rungs at 20 and 40 of 80 steps: 4, then 2 of the 8 members stop.
        assert sum(c.endswith(PRUNED_MARK) for c in cells(screen)) == 6
        info = str(screen.query_one("#sweep-info").render())
        assert f"6 pruned {PRUNED_MARK}" in info
        assert not screen.query_one(FamilyTree).display


async def test_a_bad_plan_is_named_under_the_fields_and_nothing_starts() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_with_plan(pilot, app, "pbt 0")
        error = screen.query_one("#sweep-error")
        await wait_for(pilot, lambda: "prune or PBT 'pbt 0'" in str(error.render()))
        assert screen.started is None and not screen.running
