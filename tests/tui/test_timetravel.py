"""Pilot, with the real engine: ``[``/``]`` step the charts through the snapshots and
back to the live end, ``f`` forks from the snapshot in view and pins the original, ``b``
pins a baseline (drawn beside, both losses in the status) and unpins it."""

from __future__ import annotations

from pathlib import Path

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.charts import DataChart, LossChart

from tests.tui.helpers import status, type_into, wait_for

# Slow (real runs of 300 steps): make test-fast leaves them out.
pytestmark = pytest.mark.slow


def _app(tmp_path: Path, scenario: str = "classification", steps: int = 300) -> PlaygroundApp:
    path = tmp_path / "run.toml"
    path.write_text(f'scenario = "{scenario}"\n[training]\nsteps = {steps}\n')
    return PlaygroundApp(str(path), in_process=True, show_rate=False)


async def _trained(pilot, app) -> None:
    await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
    await pilot.press("space")
    await wait_for(pilot, lambda: app.state == "finished", seconds=120)


async def test_brackets_step_through_snapshots_and_training_returns_live(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _trained(pilot, app)
        data, loss = app.query_one("#data", DataChart), app.query_one(LossChart)
        live_fit = data.fit
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view is not None)
        first = app.lineage.view.step
        assert first < 300 and loss.marker == first and data.fit is not live_fit
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view.step < first)
        assert f"viewing step {app.lineage.view.step:,}" in status(app)
        point = next(p for p in loss.points if p[0] == app.lineage.view.step)
        assert app.lineage.view.train_loss == point[1]  # the loss chart's, at that step
        assert data.heading.startswith(f"step {app.lineage.view.step:,}")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view.step == first)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view is None)
        assert loss.marker is None and data.fit is live_fit
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view is not None)
        await pilot.press("n")  # a key that trains: the live end again
        await wait_for(pilot, lambda: app.lineage.view is None and app.last.step == 301)
        assert loss.marker is None and "viewing" not in status(app)


async def test_f_forks_from_the_snapshot_in_view_and_pins_the_original(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _trained(pilot, app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view is not None and app.lineage.view.step < 290)
        k = app.lineage.view.step
        await type_into(pilot, "lr", "0.01")
        await wait_for(pilot, lambda: app.spec.training.lr == 0.01)
        await pilot.press("escape", "f")
        await wait_for(pilot, lambda: app.lineage.pinned != "" and app.last.step == k)
        assert app.lineage.view is None
        loss = app.query_one(LossChart)
        assert loss.baseline[-1][0] == 300 and all(p[0] <= k for p in loss.points)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished" and app.last.lr == 0.01)
        assert app.last.baseline.step == 300
        assert f"baseline {app.last.baseline.train_loss:.4g}" in status(app)
        await pilot.press("left_square_bracket")  # the baseline at the step in view too
        await wait_for(pilot, lambda: app.lineage.view is not None)
        base = app.lineage.view_base
        assert base.step == app.lineage.view.step < 300
        assert f"baseline {base.train_loss:.4g}" in status(app)


async def test_b_pins_a_baseline_beside_the_next_run_and_b_again_unpins(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _trained(pilot, app)
        base_loss = app.last.train_loss
        await pilot.press("b")
        await wait_for(pilot, lambda: app.lineage.pinned != "" and app.last.step == 0)
        base = app.query_one("#base", DataChart)
        await wait_for(pilot, lambda: base.display and base.fit is not None)
        assert app.last.baseline.step == 0  # the baseline's own step-0 weights beside
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        line = status(app)
        assert f"baseline {app.last.baseline.train_loss:.4g}" in line
        assert app.last.baseline.step == 300
        # The same spec from the same data and initial weights: the same run again.
        assert app.last.train_loss == base_loss
        # One train loss everywhere: the baseline's is the one its run reported.
        assert app.last.baseline.train_loss == base_loss
        assert app.last.fit == app.last.baseline.fit  # the same weights: the same boundary
        assert len(app.query_one(LossChart).baseline) > 0
        await pilot.press("b")
        await wait_for(pilot, lambda: app.lineage.pinned == "" and not base.display)
        assert app.query_one(LossChart).baseline == [] and "baseline" not in status(app)


async def test_b_on_regression_draws_the_baseline_fit_on_the_same_chart(tmp_path) -> None:
    app = _app(tmp_path, "regression", steps=200)
    async with app.run_test(size=(120, 40)) as pilot:
        await _trained(pilot, app)
        await pilot.press("b")
        await wait_for(pilot, lambda: app.lineage.pinned != "" and app.last.step == 0)
        data = app.query_one("#data", DataChart)
        await wait_for(pilot, lambda: data.base_fit is not None)
        assert not app.query_one("#base", DataChart).display
        assert "R²" in status(app).split("baseline")[1]
