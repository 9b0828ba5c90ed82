"""The sweep screen's analysis views with the real engine: a 3-key grid opens on the
parallel coordinates, ``v`` cycles slices, importance and the heatmap, arrows choose a
member by loss, Enter opens it; snapshots of each view at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from torchplay.engine.sweeps.importance import importance
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.panel import ControlPanel

from tests.tui.helpers import settle, wait_for
from tests.tui.test_sweepscreen import finished, start_sweep

GRID3 = ("training.lr=0.01,0.3,30", "model.activation=relu,tanh", "training.l2=0,0.01")


async def sweep3(pilot, app):
    """Train the 3-key grid (12 members, 30 steps) and tab to the chart."""
    screen = await start_sweep(pilot, app, 30, GRID3)
    await finished(pilot, screen)
    chart = screen.query_one("#sweep-chart")
    while app.focused is not chart:  # past the address field and Start
        await pilot.press("tab")
    await wait_for(pilot, lambda: not chart.building and chart.lines)
    return screen, chart


def text(chart) -> str:
    return "\n".join(strip.text for strip in chart.lines)


async def shown(pilot, chart, needle: str) -> str:
    await wait_for(pilot, lambda: needle in text(chart) and not chart.building)
    return text(chart)


async def test_views_cycle_arrows_choose_members_and_enter_opens_one() -> None:
    app = PlaygroundApp(source="classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, chart = await sweep3(pilot, app)
        assert (
            screen.view == "parallel" and chart.display and not screen.query_one("#heatmap").display
        )
        view = screen.sweep_view()
        ranked = view.ranked()
        assert len(ranked) == 12 and any(view.diverged)  # lr 30 diverges
        drawn = await shown(pilot, chart, "1st of 12")
        lines = drawn.splitlines()
        assert lines[0].startswith(f"#{ranked[0]} loss ")
        assert lines[1].split() == ["lr", "activation", "l2", "loss"]
        assert "div" in lines[2] and "relu" in drawn and "tanh" in drawn
        await pilot.press("down")
        assert chart.member == ranked[1]
        await shown(pilot, chart, f"#{ranked[1]} loss")
        await pilot.press("v")
        drawn = await shown(pilot, chart, "loss by lr")
        assert screen.view == "slices" and "loss by activation" in drawn and "✗" in drawn
        await pilot.press("v")
        drawn = await shown(pilot, chart, "exact main-effect ANOVA")
        rated = importance(view.overrides, view.losses, view.diverged, view.keys)
        top = rated.ranked()[0]
        assert drawn.splitlines()[0].split()[0] == view.name(top[0])
        assert drawn.splitlines()[0].split()[-1] == f"{top[1]:.2f}"
        await pilot.press("v")
        heat = screen.query_one("#heatmap")
        assert screen.view == "heatmap" and heat.display and app.focused is heat
        assert heat.labels == ["relu, 0.0", "relu, 0.01", "tanh, 0.0", "tanh, 0.01"]
        assert [c for c, _ in heat.columns] == ["0.01", "0.3", "30.0"]
        await pilot.press("v", "end")  # parallel again; the worst member: a diverged one
        assert app.focused is chart and chart.member == ranked[-1]
        await shown(pilot, chart, f"#{ranked[-1]} diverged")
        await pilot.press("home", "down", "down", "enter")
        await wait_for(pilot, lambda: app.run_info is not None and "member" in app.run_info.source)
        assert app.run_info.source == f"sweep member {ranked[2]}"
        await wait_for(pilot, lambda: app.state in ("paused", "finished"))  # it had finished
        spec = app.query_one(ControlPanel).validate_all()
        want = view.overrides[ranked[2]]
        assert (spec.training.lr, spec.model.activation, spec.training.l2) == (
            want["training.lr"],
            want["model.activation"],
            want["training.l2"],
        )


async def test_a_drawing_error_in_the_chart_stays_in_the_chart(monkeypatch) -> None:
    monkeypatch.setenv("TORCHPLAY_CHART_FAULT", "sweep-chart")
    app = PlaygroundApp(source="classification", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, chart = await sweep3(pilot, app)
        await shown(pilot, chart, "chart error: ForcedFault")
        await pilot.press("v", "v", "v")  # every view: the app lives on
        assert screen.view == "heatmap" and app.is_running


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("presses", [0, 1, 2], ids=["parallel", "slices", "importance"])
def test_snapshot_of_each_view(snap_compare, size, presses) -> None:
    app = PlaygroundApp(source="classification", in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        _, chart = await sweep3(pilot, app)
        await pilot.press(*["v"] * presses)
        await wait_for(pilot, lambda: chart.mode == ("parallel", "slices", "importance")[presses])
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
