"""The app's net (tui/app/net.py): an error in a widget's render, a message handler or
the engine's event receiver is logged with its traceback and shown as a toast; the app
stays up and the run trains on. Forced through the ``TORCHPLAY_CHART_FAULT`` test hook
(a widget's id fails its render, a handler's name fails that handler)."""

from __future__ import annotations

from textual.geometry import Region
from torchplay.tui.app import app as app_module
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.charts import LossChart
from torchplay.tui.draw.contain import FAULT_ENV

from tests.tui.helpers import long_run, toasts, wait_for


def shown(widget) -> str:
    """The first line the widget draws now."""
    return widget.render_lines(Region(0, 0, widget.size.width, 1))[0].text


async def training(pilot, app, more: int = 200) -> None:
    """The run trains on: ``more`` steps past where it is now."""
    now = app.last.step
    await wait_for(pilot, lambda: app.last.step > now + more, seconds=60)


async def test_a_render_and_a_key_handler_that_raise_leave_the_app_up(
    tmp_path, monkeypatch, ui_log, survived
) -> None:
    app = PlaygroundApp(long_run(tmp_path, "regression"), in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 0)
        status = app.query_one("#status")
        monkeypatch.setenv(FAULT_ENV, "status,on_key")
        status.refresh()  # the compositor draws it: the net catches it there
        drawn = f"error: ForcedFault: forced by {FAULT_ENV}=status; details in {ui_log}"
        await wait_for(pilot, lambda: drawn in survived)
        assert shown(status) == drawn[: status.size.width - 1] + "…"
        await pilot.press("l")  # the app's key handler raises: no log scale
        keyed = f"error: ForcedFault: forced by {FAULT_ENV}=on_key; details in {ui_log}"
        await wait_for(pilot, lambda: keyed in survived)
        await wait_for(pilot, lambda: "forced by" in toasts(app))
        await training(pilot, app)
        assert app.is_running and app.return_code is None
        monkeypatch.delenv(FAULT_ENV)  # mended: the next key and frame work
        await pilot.press("l")
        loss = app.query_one(LossChart)
        await wait_for(pilot, lambda: "loss (log scale)" in loss.frame.plain)
        assert "step" in shown(status)
    logged = ui_log.read_text()
    assert "drawing status" in logged and "handling on_key" in logged
    assert logged.count("Traceback") == 2  # once each, though the status failed each frame
    assert len(survived) == 2


async def test_a_receiver_that_raises_leaves_the_events_flowing(
    tmp_path, monkeypatch, ui_log, survived
) -> None:
    """The status line's text raising on every engine event: each is received all the
    same (the listener goes on), one toast, one traceback."""
    app = PlaygroundApp(long_run(tmp_path, "regression"), in_process=True, show_rate=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)

        def broken(*_args, **_kwargs) -> str:
            raise ZeroDivisionError("the status broke")

        monkeypatch.setattr(app_module, "status_line", broken)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 0)
        await training(pilot, app)
        await wait_for(pilot, lambda: "the status broke" in toasts(app))
        assert app.is_running
    assert len(survived) == 1 and "ZeroDivisionError: the status broke" in survived[0]
    assert "receiving StepsCompleted" in ui_log.read_text()
