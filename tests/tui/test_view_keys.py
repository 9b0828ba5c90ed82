"""Pilot: ``t`` shows the test points, ``d`` the hard class regions; the status says which
accuracy it shows; the panel's new fields (features, momentum, weight decay, L1, L2), typed
key by key, build the spec the engine trains."""

from __future__ import annotations

from pathlib import Path

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.sweepscreen import SweepScreen
from torchplay.tui.app.widgets.charts import DataChart

from tests.tui.helpers import status, type_into, wait_for


def _spec(tmp_path: Path) -> str:
    path = tmp_path / "circles.toml"
    path.write_text(
        'scenario = "classification"\n[data]\ndataset = "circles"\ntest_fraction = 0.3\n'
    )
    return str(path)


def _frame(chart: DataChart) -> str:
    return chart.frame.plain


def _digits(chart: DataChart) -> int:
    return sum(_frame(chart).count(d) for d in "01")


async def test_t_shows_test_points_and_d_hard_regions(tmp_path) -> None:
    app = PlaygroundApp(_spec(tmp_path), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        chart = app.query_one(DataChart)
        await wait_for(pilot, lambda: "▓" in _frame(chart) or "░" in _frame(chart))
        assert "test acc" in status(app)
        n_test = len(chart.samples.test_x)
        assert n_test == 60 and chart.samples.test_labels is not None
        assert not chart.show_test
        digits = _digits(chart)  # tick labels and heading only, before the test points
        await pilot.press("t")
        assert chart.show_test
        # Each test point is drawn as its class digit: dozens more digits in the plot.
        await wait_for(pilot, lambda: _digits(chart) >= digits + 20)
        await pilot.press("t")
        await wait_for(pilot, lambda: _digits(chart) < digits + 20)
        assert "█" not in _frame(chart)
        await pilot.press("d")
        await wait_for(pilot, lambda: "█" in _frame(chart))
        assert "▓" not in _frame(chart) and "░" not in _frame(chart)
        await pilot.press("d")
        await wait_for(pilot, lambda: "█" not in _frame(chart))


async def test_status_says_train_accuracy_without_a_test_set() -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, seconds=120)
        assert "train acc" in status(app)


async def test_panel_fields_reach_the_spec() -> None:
    """Typed, not assigned: the features field takes the letters and commas its names
    need (it used to refuse them, and the refused ``q`` of ``x1sq`` quit the app)."""
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, seconds=120)
        for field, text in (
            ("features", "x1sq,x2sq"),
            ("momentum", "0.5"),
            ("weight_decay", "1e-3"),
            ("l1", "0.01"),
            ("l2", "0.02"),
        ):
            await type_into(pilot, field, text)
            assert app.query_one(f"#{field}").value == text, field
        await wait_for(pilot, lambda: app.spec.training.l2 == 0.02)
        assert app.return_code is None and not isinstance(app.screen, SweepScreen)
        tr = app.spec.training
        assert app.spec.data.features == ("x1sq", "x2sq")
        assert (tr.momentum, tr.weight_decay, tr.l1) == (0.5, 0.001, 0.01)
