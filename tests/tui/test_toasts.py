"""A toast never covers the status line (issue 22 friction 6)."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import wait_for


async def test_a_toast_stands_above_the_status_line() -> None:
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("t")  # regression without test points: a toast says so
        await wait_for(pilot, lambda: list(app.screen.query("Toast")))
        await pilot.pause()  # no delay: the queued messages run, so the toast is laid out
        status = app.query_one("#status").region
        for toast in app.screen.query("Toast"):
            assert toast.region.height and not toast.region.overlaps(status), toast.region
