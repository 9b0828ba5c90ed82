"""Keys typed in one burst right after Tab (tmux send-keys, a slow machine) land in the
field Tab reached: ``Tab x21 3 0 0 Enter`` makes steps 300; before, Tab moved the focus
from the screen's queue, so the digits were forwarded while nothing had the focus and
were lost (steps stayed 100; in tmux lr got them)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import wait_for


async def test_digits_typed_in_the_burst_after_tab_land_in_the_field() -> None:
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        order = []  # the Tab order, pressed one key at a time
        while "steps" not in order:
            await pilot.press("tab")
            order.append(app.focused.id)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is None)
        burst = [("tab", "\t")] * len(order) + [("3", "3"), ("0", "0"), ("0", "0")]
        for key, char in [*burst, ("enter", "\r")]:  # queued at once, as the driver posts them
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: app.query_one("#steps", Input).value == "300")
        assert app.focused.id == "steps" and app.query_one("#lr", Input).value == "0.2"
        await pilot.press("escape")  # the burst's keys all handled before the app ends
        await wait_for(pilot, lambda: app.focused is None)


async def test_a_name_typed_in_the_burst_after_slash_jumps_there() -> None:
    """``/steps Enter`` in one burst: the name went nowhere while the jump list had not
    focused its field yet (tmux: the list opened empty, and the keys were lost)."""
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        burst = [("slash", "/"), *[(c, c) for c in "steps"], ("enter", "\r")]
        for key, char in [*burst, ("3", "3")]:  # queued at once, as the driver posts them
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "steps")
        await wait_for(pilot, lambda: app.query_one("#steps", Input).value.endswith("3"))
        assert app.screen.id == "_default" and app.query_one("#lr", Input).value == "0.2"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is None)
