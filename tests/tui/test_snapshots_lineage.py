"""Snapshots of the neuron view (120x40 and 80x24) and the A/B view, on fixed runs
(fixed seeds, finished at a fixed step, no steps/s clock).

Update only after looking at the report: pytest tests/tui --snapshot-update.
"""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.neurons import NeuronScreen

from tests.tui.helpers import on_screen, settle, type_into, wait_for

# Slow (real runs before each snapshot): make test-fast leaves them out.
pytestmark = pytest.mark.slow

RUN = 'scenario = "classification"\n[data]\ndataset = "circles"\n[model]\nhidden = [8, 4]\n'
RUN += 'activation = "tanh"\n[training]\nsteps = 300\nlr = 0.1\n'


AB_RUN = RUN.replace('[data]\ndataset = "circles"\n', "")
"""The default classification data for the A/B view: its tick labels are short enough
that plotext never drops one at half width (circles' -0.000435 made that vary)."""


def _app(tmp_path, run: str = RUN) -> PlaygroundApp:
    path = tmp_path / "run.toml"
    path.write_text(run)
    return PlaygroundApp(str(path), in_process=True, show_rate=False)


async def _finished(pilot, app) -> None:
    await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
    await pilot.press("space")
    await wait_for(pilot, lambda: app.state == "finished", seconds=120)
    await settle(pilot, app)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_neuron_view(snap_compare, tmp_path, size) -> None:
    app = _app(tmp_path)

    async def run_before(pilot) -> None:
        await _finished(pilot, app)
        await pilot.press("v")
        await wait_for(pilot, lambda: on_screen(app, NeuronScreen) and app.screen.view)
        await wait_for(pilot, lambda: app.screen.view.step == 300)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_ab_view(snap_compare, tmp_path) -> None:
    app = _app(tmp_path, AB_RUN)

    async def run_before(pilot) -> None:
        await _finished(pilot, app)
        await pilot.press("b")
        await wait_for(pilot, lambda: app.lineage.pinned and app.last.step == 0)
        await type_into(pilot, "lr", "0.03")
        await wait_for(pilot, lambda: app.spec.training.lr == 0.03)
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "finished" and app.last.lr == 0.03)
        await wait_for(pilot, lambda: app.last.baseline is not None)
        await settle(pilot, app)  # the baseline's chart (#base) too

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
