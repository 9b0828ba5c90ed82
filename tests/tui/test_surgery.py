"""Neuron surgery by keys, with the real engine: ``v``, the arrows and Enter open a unit;
``k`` kills it and the boundary changes at once; ``r`` revives it and the boundary comes
back; Enter on a row and a typed number set one weight. Snapshots of the surgery screen
at 120x40 and 80x24 after a kill (fixed seeds, a finished run)."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.neurons import NeuronScreen
from torchplay.tui.app.widgets.surgery import SurgeryScreen

from tests.tui.helpers import on_screen, settle, wait_for

pytestmark = pytest.mark.slow  # the engine's twin: tests/engine/test_surgery_commands.py

RUN = 'scenario = "classification"\n[data]\ndataset = "circles"\nnoise = 0.1\n[model]\n'
RUN += 'hidden = [6]\nactivation = "tanh"\n[training]\noptimizer = "adam"\nlr = 0.03\nsteps = 300\n'


def _app(tmp_path) -> PlaygroundApp:
    path = tmp_path / "run.toml"
    path.write_text(RUN)
    return PlaygroundApp(str(path), in_process=True, show_rate=False)


async def _open_unit(pilot, app, rights: int) -> SurgeryScreen:
    await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
    await pilot.press("space")
    await wait_for(pilot, lambda: app.state == "finished", seconds=120)
    await pilot.press("v")
    await wait_for(pilot, lambda: on_screen(app, NeuronScreen) and app.screen.view)
    for _ in range(rights):
        await pilot.press("right")
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, SurgeryScreen) and app.screen.shown)
    return app.screen


def _body(screen) -> str:
    return str(screen.query_one("#surgery-body").render())


async def test_kill_and_revive_by_keys_change_the_boundary(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_unit(pilot, app, 4)
        assert screen.unit_at == (1, 5) and screen.shown.view.status == "alive"
        alive = app.last.fit
        outgoing = screen.shown.view.outgoing
        await pilot.press("k")
        await wait_for(pilot, lambda: screen.shown.operated == "300:1:5:kill")
        assert screen.shown.view.outgoing == [0.0, 0.0] and screen.shown.view.status == "killed"
        await wait_for(pilot, lambda: app.last.fit != alive)
        assert app.last.accuracy < 0.9 and "1.000 → 0.500" in _body(screen)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.shown.operated == "300:1:5:revive")
        assert screen.shown.view.outgoing == outgoing
        await wait_for(pilot, lambda: app.last.fit == alive)
        await pilot.press("down", "enter")  # the first incoming weight
        for key in "-2.5":
            await pilot.press(key if key != "-" else "minus")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown.operated == "300:1:5:in1=-2.5")
        assert screen.shown.view.incoming[0] == -2.5
        await pilot.press("escape")
        assert isinstance(app.screen, NeuronScreen)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_surgery_screen(snap_compare, tmp_path, size) -> None:
    app = _app(tmp_path)

    async def run_before(pilot) -> None:
        screen = await _open_unit(pilot, app, 4)
        await pilot.press("k")
        await wait_for(pilot, lambda: screen.shown.operated == "300:1:5:kill")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
