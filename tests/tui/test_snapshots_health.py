"""Snapshots of the health view (``g``) at 120x40 and 80x24 on a fixed run (fixed seeds,
finished at a fixed step). Update only after looking at the report."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.healthview import HealthScreen

from tests.tui.helpers import on_screen, settle, wait_for

pytestmark = pytest.mark.slow

RUN = 'scenario = "classification"\n[model]\nhidden = [8, 8, 8, 8]\nactivation = "sigmoid"\n'
RUN += '[training]\noptimizer = "sgd"\nsteps = 200\n'


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_health_view(snap_compare, tmp_path, size) -> None:
    path = tmp_path / "run.toml"
    path.write_text(RUN)
    app = PlaygroundApp(str(path), in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished", seconds=120)
        await pilot.press("g")
        await wait_for(pilot, lambda: on_screen(app, HealthScreen) and app.screen.view)
        await wait_for(pilot, lambda: app.screen.view.step == 200)
        await wait_for(
            pilot, lambda: "confusion" in str(app.screen.query_one("#health-body").render())
        )
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_inspector(snap_compare, tmp_path, size) -> None:
    """``i`` on the tutorial's classification net, at the first training point."""
    from torchplay.tui.app.widgets.inspectview import InspectScreen

    path = tmp_path / "run.toml"
    path.write_text('scenario = "classification"\n[training]\nsteps = 100\n')
    app = PlaygroundApp(str(path), in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished", seconds=120)
        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, InspectScreen) and app.screen.shown)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
