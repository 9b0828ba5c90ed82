"""``/`` and ``ctrl+f`` jump to a panel field by typing part of its name; escape then space
always runs, even from an open list (issue 22 friction 2). Keys only, scripted engine."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Select

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, wait_for
from tests.tui.test_app_unit import app_with


async def jump(pilot, app, key: str, name: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: on_screen(app, CommandPalette))
    await pilot.press(*name)
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_slash_jumps_to_a_field_by_name_and_escape_space_runs() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await jump(pilot, app, "slash", "lr")
        await wait_for(pilot, lambda: app.focused is app.query_one("#lr"))
        await pilot.press("end", *["backspace"] * 5, "0", ".", "0", "5")
        await wait_for(pilot, lambda: app.spec.training.lr == 0.05)
        await jump(pilot, app, "ctrl+f", "wt dec")  # from inside a field
        await wait_for(pilot, lambda: app.focused is app.query_one("#weight_decay"))
        assert app.query_one("#weight_decay").region.bottom <= app.query_one("#panel").region.bottom
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: "start" in engine.names())
        assert engine.sent[-1].spec.training.lr == 0.05


async def test_escape_from_an_open_list_then_space_runs() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await jump(pilot, app, "slash", "optim")
        chooser = app.query_one("#optimizer", Select)
        await wait_for(pilot, lambda: app.focused is chooser)
        await pilot.press("space")  # opens its list
        await wait_for(pilot, lambda: chooser.expanded)
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: "start" in engine.names())
        assert not chooser.expanded and app.spec.training.optimizer == "sgd"


async def test_escape_in_the_jump_list_changes_nothing() -> None:
    engine = FakeEngine()
    app = app_with(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("slash")
        await wait_for(pilot, lambda: on_screen(app, CommandPalette))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await pilot.press("space")
        await wait_for(pilot, lambda: "start" in engine.names())
