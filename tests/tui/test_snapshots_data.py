"""Snapshots of 2-D regression (issue 27): gauss2d's prediction as a heatmap with the
points in their target's colour, after a fixed number of steps, at 80x24 and 120x40; the
test points held out ``outside`` the training box shown with ``t``.

Update only after looking at the report: pytest tests/tui/test_snapshots_data.py
--snapshot-update.
"""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import settle, wait_for

GAUSS = """scenario = "regression"
[data]
dataset = "gauss2d"
samples = 150
noise = 0.05
test_fraction = 0.2
test_split = "outside"
[model]
hidden = [8, 8]
activation = "tanh"
[training]
optimizer = "adam"
lr = 0.02
steps = 300
"""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_gauss2d_heatmap(snap_compare, tmp_path, size) -> None:
    spec = tmp_path / "gauss2d.toml"
    spec.write_text(GAUSS)
    app = PlaygroundApp(source=str(spec), in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        await pilot.press("t")  # the test points, beyond the training box
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
