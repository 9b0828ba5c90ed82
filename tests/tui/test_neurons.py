"""Pilot, with the real engine: ``v`` shows every hidden neuron, layer by layer, updating
live while the run trains; cards wrap to the width; ``v`` again closes it. Plus the
view's text at a fixed step (no engine): mini-heatmaps for 2-D inputs, curves for 1-D."""

from __future__ import annotations

from pathlib import Path

import pytest
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.neurons import neuron_view
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.neurons import CARD, NeuronScreen, render

from tests.tui.helpers import wait_for


def _app(tmp_path: Path) -> PlaygroundApp:
    path = tmp_path / "run.toml"
    path.write_text(
        'scenario = "classification"\n[model]\nhidden = [6, 4]\n[training]\nsteps = 400\n'
    )
    return PlaygroundApp(str(path), in_process=True, show_rate=False)


def _body(app) -> str:
    return str(app.screen.query_one("#neurons-body").render())


@pytest.mark.slow
async def test_v_shows_every_neuron_and_updates_live(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, NeuronScreen)
        await wait_for(pilot, lambda: screen.view is not None)
        assert [len(layer) for layer in screen.view.layers] == [6, 4]
        assert (screen.view.cols, screen.view.rows) == CARD
        # A view that came before the screen was mounted is drawn at its first resize.
        await wait_for(pilot, lambda: "layer 1: 6 neurons" in _body(app))
        body = _body(app)
        assert "layer 2: 4 neurons" in body
        assert body.count("▲") + body.count("▼") == 10
        before = screen.view
        await pilot.press("space")  # trains while the view is open
        await wait_for(pilot, lambda: app.state == "finished")
        await wait_for(pilot, lambda: screen.view.step == 400)
        assert screen.view.layers[0][0].values != before.layers[0][0].values
        await pilot.press("v")
        assert not isinstance(app.screen, NeuronScreen)
        await wait_for(pilot, lambda: app.client is not None)


def test_cards_wrap_to_the_width_and_never_break() -> None:
    t = Trainer(get_scenario("classification").with_overrides({"model.hidden": [10]}))
    t.step(50)
    view = neuron_view(t, *CARD)
    for width, per_row in ((118, 10), (78, 6), (12, 1)):
        lines = [ln for ln in render(view, width).plain.splitlines() if not ln.startswith("layer")]
        assert max(len(line) for line in lines) <= width  # no card is cut
        titles = [line for line in lines if "▲" in line or "▼" in line]
        assert len(titles) == -(-10 // per_row)  # one title line per row of cards


def test_one_input_draws_a_curve_per_neuron() -> None:
    t = Trainer(get_scenario("regression").with_overrides({"model.hidden": [3]}))
    t.step(20)
    view = neuron_view(t, *CARD)
    assert view.rows == 1 and len(view.layers[0]) == 3
    lines = render(view, 80).plain.splitlines()
    assert sum(line.count("•") for line in lines) == 3 * CARD[0]  # one mark a column


def test_a_dead_neuron_lies_on_the_zero_row_and_cards_have_axes() -> None:
    """Friction 6: a dead neuron (all zeros) drew as a flat line at the top of its card,
    and the cards had no axes. Curves share their layer's scale: a dead ReLU neuron lies
    on the bottom row beside a live one's zeros, over an x axis line; the layer heading
    says what the axes are."""
    from torchplay.engine.run.views import Neuron, NeuronView

    live = Neuron([0.0] * 5 + [0.5 * i for i in range(5)], 1.0, 1.0)
    dead = Neuron([0.0] * 10, 1.0, 1.0)
    view = NeuronView(step=1, cols=10, rows=1, layers=[[live, dead]], activation="relu")
    lines = render(view, 80).plain.splitlines()
    assert "x across, activation up from 0 to 2" in lines[0]
    top, bottom, axis = lines[2], lines[2 + CARD[1] - 1], lines[2 + CARD[1]]
    assert top[:10].strip() == "•" and top[12:].strip() == ""  # the live peak; dead not here
    assert bottom[12:22] == "•" * 10  # the dead neuron, on the 0 row
    assert axis.split() == ["─" * 10, "─" * 10]
