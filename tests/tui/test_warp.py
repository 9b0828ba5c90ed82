"""The representation view (``w``) with the real engine: the data as the 2-unit layer maps
it; ``l`` another layer, ``x`` another unit; ``[`` travels back and the view follows.
Snapshots at 120x40 and 80x24 (fixed seeds, a finished run). Plus the drawing alone."""

from __future__ import annotations

import pytest
from torchplay.engine.run.views import WarpView
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.warpview import WarpScreen, render

from tests.tui.helpers import on_screen, settle, wait_for

RUN = 'scenario = "classification"\n[data]\ndataset = "circles"\nnoise = 0.1\n[model]\n'
RUN += 'hidden = [6, 2]\nactivation = "tanh"\n[training]\nsteps = 150\n'


def _app(tmp_path) -> PlaygroundApp:
    path = tmp_path / "run.toml"
    path.write_text(RUN)
    return PlaygroundApp(str(path), in_process=True, show_rate=False)


async def _open(pilot, app) -> WarpScreen:
    await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
    await pilot.press("space")
    await wait_for(pilot, lambda: app.state == "finished", seconds=120)
    await pilot.press("w")
    await wait_for(pilot, lambda: on_screen(app, WarpScreen) and app.screen.view)
    return app.screen


@pytest.mark.slow  # the drawing's twin: test_render_puts_every_point_and_the_grid
async def test_w_shows_the_layer_and_follows_keys_and_time_travel(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, app)
        assert (screen.view.layer, screen.view.units, screen.view.step) == (2, (1, 2), 150)
        head = str(screen.query_one("#warp-head").render())
        assert "hidden layer 2 (tanh)" in head and "its whole space" in head
        await pilot.press("l")
        await wait_for(pilot, lambda: screen.view.layer == 1)
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.view.units == (2, 2))
        live = screen.view.x
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.view.step < 150)
        assert screen.view.x != live
        await pilot.press("escape")
        assert not isinstance(app.screen, WarpScreen)


def test_render_puts_every_point_and_the_grid() -> None:
    view = WarpView(
        step=5,
        layer=1,
        units=(1, 2),
        widths=[2],
        x=[0.0, 1.0, 0.5],
        y=[0.0, 1.0, 0.2],
        labels=[0, 1, 0],
        lines=[([0.0, 1.0], [1.0, 0.0])],
    )
    text = render(view, 40, 12).plain
    lines = text.splitlines()
    assert len(lines) == 12 and max(len(line) for line in lines) <= 40
    body = "\n".join(lines[:-1])
    assert body.count("o") == 2 and body.count("x") == 1
    assert any(0x2800 < ord(c) <= 0x28FF for c in body)  # the grid line, in braille
    assert "h1.1 →" in lines[-1] and "h1.2 ↑" in lines[-1]


@pytest.mark.slow
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_representation_view(snap_compare, tmp_path, size) -> None:
    app = _app(tmp_path)

    async def run_before(pilot) -> None:
        await _open(pilot, app)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
