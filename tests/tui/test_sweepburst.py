"""Keys typed in one burst in the sweep screen's fields (tmux send-keys, a quick hand)
land in the field Tab reached, as typed slowly: ``Tab End ctrl+u 30`` makes that field
``30``; before, the digits were lost."""

from __future__ import annotations

from textual import events
from textual.widgets import Input
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import wait_for
from tests.tui.test_sweepscreen import open_sweep_screen


async def test_a_burst_after_tab_in_the_sweep_screen_lands_in_the_next_field() -> None:
    app = PlaygroundApp(client=FakeEngine(), show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        fields = list(screen.query("Input.axis"))
        await wait_for(pilot, lambda: app.focused is fields[0])
        burst = [("tab", "\t"), ("end", None), ("ctrl+u", None), ("3", "3"), ("0", "0")]
        for key, char in burst:  # queued at once, as the driver posts them
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: fields[1].value == "30")
        assert app.focused is fields[1] and fields[0].value.startswith("training.lr=")
        for key, char in [("backspace", None), ("5", "5"), ("home", None), ("1", "1")]:
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: fields[1].value == "135")


async def test_a_burst_in_a_panel_field_edits_in_the_order_typed() -> None:
    """The main panel's fields: ``End ctrl+u 0.5`` in one burst makes the lr 0.5."""
    app = PlaygroundApp(client=FakeEngine(), show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.click("#lr")
        lr = app.query_one("#lr", Input)
        assert app.focused is lr
        burst = [("end", None), ("ctrl+u", None), ("0", "0"), ("full_stop", "."), ("5", "5")]
        for key, char in burst:
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: lr.value == "0.5")
