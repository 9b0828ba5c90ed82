"""Deterministic snapshots (fixed seeds and step counts, no steps/s clock in the status).

Update only after looking at the report: pytest tests/tui --snapshot-update.
"""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import saved_runs, settle, wait_for


def app_for(source: str = "regression", **kwargs) -> PlaygroundApp:
    return PlaygroundApp(source=source, in_process=True, show_rate=False, **kwargs)


def trained(app):
    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state in ("finished", "diverged"))
        await settle(pilot, app)

    return run_before


@pytest.mark.parametrize("scenario", ["regression", "classification"])
def test_after_100_steps(snap_compare, scenario) -> None:
    app = app_for(scenario)
    assert snap_compare(app, terminal_size=(120, 40), run_before=trained(app))


def test_diverged(snap_compare, tmp_path) -> None:
    spec = tmp_path / "diverge.toml"
    spec.write_text('scenario = "regression"\n[training]\nlr = 100.0\n')
    app = app_for(str(spec))
    assert snap_compare(app, terminal_size=(120, 40), run_before=trained(app))


def test_layout_80x24(snap_compare) -> None:
    app = app_for()

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.last is not None)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_model_view(snap_compare) -> None:
    app = app_for("classification")

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.last is not None)
        await settle(pilot, app)  # the charts behind the view
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ModelScreen")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_compare_screen(snap_compare, tmp_path, size) -> None:
    """Opaque, with a footer of its own keys; loss ticks with 3 significant digits."""
    paths = saved_runs(tmp_path, "save-restore", {"early": 30, "late": 3000})
    app = app_for(compare=paths)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CompareScreen")
        await wait_for(pilot, lambda: app.screen.runs)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_no_color_80x24(snap_compare, monkeypatch, tmp_path) -> None:
    """NO_COLOR: the class regions (``:``/``.`` and ``=``/``-``), the training points (``o``,
    ``x``) and the test points (class digits) differ by glyph, not only by grey."""
    monkeypatch.setenv("NO_COLOR", "1")
    spec = tmp_path / "held-out.toml"
    spec.write_text('scenario = "classification"\n[data]\ntest_fraction = 0.3\n')
    app = app_for(str(spec))

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state in ("finished", "diverged"))
        await pilot.press("t")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_model_view_80x24(snap_compare) -> None:
    """At 80 columns the blocks stack and no code line breaks; the imports are shown."""
    app = app_for("classification")

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.last is not None)
        await settle(pilot, app)
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ModelScreen")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_ascii_80x24(snap_compare) -> None:
    """--ascii (or LANG=C, TERM=linux): every cell plain, charts drawn with * + . : -."""
    app = app_for("classification", ascii_only=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=trained(app))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_load_picker(snap_compare, tmp_path, monkeypatch, size) -> None:
    """ctrl+o: the runs folder's checkpoints with step, loss and date (fixed, in UTC)."""
    import os
    import time

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    (tmp_path / "runs").mkdir()
    paths = saved_runs(tmp_path / "runs", "regression", {"early": 20, "later": 60})
    for k, path in enumerate(paths):
        os.utime(path, (1_790_000_000 + 60 * k, 1_790_000_000 + 60 * k))
    app = app_for()

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.last is not None)
        await settle(pilot, app)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen.query("#picker"))
        await settle(pilot, app)

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_compare_three_at_80x24(snap_compare, tmp_path) -> None:
    """Friction 5: at 80 columns each of three fit charts keeps a title naming its run
    and step (plotext left out titles longer than the plot area)."""
    paths = saved_runs(tmp_path, "regression", {"first": 10, "second-run": 100, "third": 300})
    app = app_for(compare=paths)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CompareScreen")
        await wait_for(pilot, lambda: app.screen.runs)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
