"""Pilot, with the real engine: ``g`` shows the health of the weights in view (gradient
flow, dead units, the confusion matrix), ``[`` scrubs it back through the snapshots and
``]`` forward to the live end; ``g`` again closes it. Plus the view's text (no engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.healthview import health_view
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.healthview import HealthScreen, render

from tests.tui.helpers import wait_for

RUN = 'scenario = "classification"\n[model]\nhidden = [6, 4]\n[training]\nsteps = 200\n'


def _body(app) -> str:
    return str(app.screen.query_one("#health-body").render())


@pytest.mark.slow
async def test_g_shows_health_and_follows_time_travel(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text(RUN)
    app = PlaygroundApp(str(path), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished", seconds=120)
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, HealthScreen)
        await wait_for(pilot, lambda: screen.view is not None and screen.view.step == 200)
        await wait_for(pilot, lambda: "confusion" in _body(app))
        live = screen.view
        assert len(live.layers) == 3 and sum(map(sum, live.confusion)) == 200
        assert "L0   6u" in _body(app) and "dead units:" in _body(app)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.view.step < 200)
        back = screen.view
        assert back.layers != live.layers
        await wait_for(
            pilot,
            lambda: (
                f"health at step {back.step:,}" in str(screen.query_one("#health-head").render())
            ),
        )
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.view.step > back.step)
        await pilot.press("g")
        assert not isinstance(app.screen, HealthScreen)


def test_render_marks_vanishing_layers_and_names_dead_units() -> None:
    spec = get_scenario("classification").with_overrides(
        {"model.hidden": (8,) * 6, "model.activation": "sigmoid", "training.optimizer": "sgd"}
    )
    t = Trainer(spec)
    t.step(200)
    text = render(health_view(t), 100).plain
    lines = text.splitlines()
    assert lines[1].startswith("L0   8u") and lines[1].endswith("vanishing")
    assert lines[7].startswith("L6   2u") and lines[7].endswith("ok")
    assert "dead units: none" in text and "confusion" in text
    relu = Trainer(spec.with_overrides({"model.activation": "relu"}))
    relu.step(200)
    text = render(health_view(relu), 100).plain
    assert "vanishing" not in text and "dead units: L1" in text


@pytest.mark.slow
async def test_i_inspects_the_paint_cursors_point_and_follows_time_travel(tmp_path) -> None:
    from torchplay.engine.train.healthview import inspect_point
    from torchplay.tui.app.widgets.inspectview import InspectScreen
    from torchplay.tui.app.widgets.paint import PaintChart

    path = tmp_path / "run.toml"
    path.write_text(RUN)
    app = PlaygroundApp(str(path), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished", seconds=120)
        await pilot.press("p", "right", "right", "up")
        cursor = app.query_one(PaintChart).cursor
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        await wait_for(pilot, lambda: screen.shown is not None)
        step, point, trace = screen.shown
        assert step == 200 and point == list(cursor)
        again = Trainer(get_scenario("classification").with_overrides({"model.hidden": (6, 4)}))
        again.step(200)  # the same run: its trace is the engine's, number for number
        assert inspect_point(again, point)[1] == trace
        body = str(screen.query_one("#inspect-body").render())
        assert "layer 2: Linear(4→2), then identity" in body and "dL/dW" in body
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.shown[0] < 200)
        assert screen.shown[2] != trace
        await pilot.press("i")
        assert not isinstance(app.screen, InspectScreen)
