"""The app's lr finder (f) with the real engine: the range test on the panel's settings,
its screen with the suggestion, and a applies it to the running model and the panel."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.lrfindscreen import LrFindChart, LrFindScreen
from torchplay.tui.app.widgets.panel import ControlPanel

from tests.tui.helpers import on_screen, status, wait_for


@pytest.mark.slow
async def test_lr_find_key_offers_and_applies_the_suggestion() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("L")
        await wait_for(pilot, lambda: on_screen(app, LrFindScreen), 60)
        screen = app.screen
        found = screen.found
        assert 1e-3 <= found.suggested_lr <= 1.0 and len(found.lrs) == len(found.losses)
        text = str(screen.query_one("#lrfind-text").render())
        assert f"suggested lr {found.suggested_lr:.3g}" in text
        assert screen.query_one(LrFindChart).found is found
        await pilot.press("a")
        await wait_for(pilot, lambda: not isinstance(app.screen, LrFindScreen))
        want = float(f"{found.suggested_lr:.3g}")
        assert app.spec.training.lr == want
        assert app.query_one(ControlPanel).query_one("#lr").value == str(want)
        told = " ".join(n.message for n in app._notifications)  # toasts of the main screen
        assert f"lr {want:g} applied" in told
        await pilot.press("n")  # the run takes it: its next snapshot says so
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
        assert app.last.lr == want
        assert "step 1/" in status(app)


@pytest.mark.slow
async def test_escape_closes_without_changing_the_lr() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        before = app.spec.training.lr
        await pilot.press("L")
        await wait_for(pilot, lambda: on_screen(app, LrFindScreen), 60)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LrFindScreen))
        assert app.spec.training.lr == before


async def test_the_screen_shows_every_rule_and_2_applies_the_second() -> None:
    """Issue 22 friction 3: the suggestion (min/10) and the other rules' lrs, each applicable."""
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        await pilot.press("L")
        await wait_for(pilot, lambda: on_screen(app, LrFindScreen), 60)
        found = app.screen.found
        text = str(app.screen.query_one("#lrfind-text").render())
        steep, valley = found.suggestions["steepest"], found.suggestions["valley"]
        assert f"suggested lr {found.suggested_lr:.3g}: a tenth of the lr at the lowest" in text
        assert f"steepest {steep:.3g} (2)" in text and f"valley {valley:.3g} (3)" in text
        await pilot.press("2")
        await wait_for(pilot, lambda: not isinstance(app.screen, LrFindScreen))
        assert app.spec.training.lr == float(f"{steep:.3g}")
