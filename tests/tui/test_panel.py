"""The control panel: the steps control, every error at once in full, the live learning
rate as the one truth (in the field, the checkpoint and ``info --json``), and a width
that fits its labels at every size. Fields are typed into and lists chosen with the keys,
never assigned. On the real engine, in a thread."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Label, Select
from torchplay.engine.files import checkpoint
from torchplay.engine.run.schedule import USES
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.layout import panel_width
from torchplay.tui.app.screens.screens import ConfirmDialog
from torchplay.tui.app.widgets.panel import TEXT_FIELDS, ControlPanel
from torchplay.tui.cli.main import main as cli_main

from tests.tui.helpers import choose, long_run, on_screen, status, type_into, wait_for


@pytest.mark.slow
async def test_steps_control_a_number_or_until_paused() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        assert "step 0/100" in status(app)
        await type_into(pilot, "steps", "20")
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "finished")
        assert app.last.step == 20 and "step 20/20" in status(app)
        await type_into(pilot, "steps", "")  # until paused
        assert app.query_one("#steps").placeholder == "until paused"
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.last.step > 500)
        assert app.state == "running" and "(until paused)" in status(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "paused")
        assert app.last.step > 500  # the same run went on: no rebuild at step 20


async def test_every_error_shows_at_once_in_full() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await type_into(pilot, "lr", "1e-3e")
        await type_into(pilot, "samples", "0")
        await type_into(pilot, "seed", "")
        errors = [app.query_one(f"#{key}-error", Label) for key in ("lr", "samples", "seed")]
        await wait_for(pilot, lambda: all(label.display for label in errors))
        shown = {
            label.id: str(label.render())
            for label in app.query(".error").results(Label)
            if label.display
        }
        assert shown == {
            "lr-error": "'1e-3e' is not a valid lr value",
            "samples-error": "data.samples = 0: must be an integer from 1 to 1000000",
            "seed-error": "'' is not a valid seed value",
        }
        for key in ("lr", "samples", "seed"):
            label = app.query_one(f"#{key}-error", Label)
            assert label.size.width * label.size.height >= len(shown[label.id]), key
        await type_into(pilot, "lr", "0.1")
        await wait_for(pilot, lambda: not app.query_one("#lr-error").display)  # no stale line


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_panel_width_fits_labels_and_moves_with_keys(size) -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        panel = app.query_one(ControlPanel)
        assert panel.outer_size.width == panel_width(size[0])
        for label in panel.query(".name").results(Label):
            if label.parent.display:  # a schedule's hidden parameters: none of its size
                assert label.size.width > len(str(label.render())), label.render()
        for select in panel.query(Select):  # the longest choice and its arrow, in full
            assert select.size.width >= len("classification") + 3, select.id
        await pilot.press("greater_than_sign")
        wider = min(panel_width(size[0]) + 4, size[0] - 40)
        await wait_for(pilot, lambda: panel.outer_size.width == wider)
        await pilot.press("less_than_sign", "less_than_sign")
        narrower = max(30, panel_width(size[0]) - 4)
        await wait_for(pilot, lambda: panel.outer_size.width == narrower)


@pytest.mark.slow
async def test_live_lr_shown_after_a_declined_reset_and_saved(tmp_path, capsys) -> None:
    app = PlaygroundApp(source=long_run(tmp_path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 0)
        await type_into(pilot, "lr", "0.01")
        await wait_for(pilot, lambda: app.last.lr == 0.01)
        await choose(pilot, "dataset", "sine")
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert app.query_one("#lr").value == "0.01"  # what the run uses
        assert app.query_one("#dataset", Select).value != "sine"
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "paused")
        assert app.last.lr == 0.01
        path = tmp_path / "live.safetensors"
        app.client.save(str(path))
        await wait_for(pilot, path.exists)
    assert checkpoint.load(str(path)).lr == 0.01
    capsys.readouterr()
    assert cli_main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["lr"], info["spec_lr"]) == (0.01, 0.05)


@pytest.mark.slow
async def test_schedule_and_patience_fields_reach_the_run() -> None:
    """The schedule choice shows its own parameter rows; a step schedule typed in the panel
    sets the run's lr, and patience ends the run early with the best weights."""
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        panel = app.query_one(ControlPanel)

        def shown() -> list[str]:
            rows = panel.query(".row").results()
            return [r.id[: -len("-row")] for r in rows if r.id and r.display and "sched" in r.id]

        assert shown() == []  # constant: no parameters
        schedule = app.query_one("#schedule", Select)
        for name, fields in USES.items():
            await choose(pilot, "schedule", name)
            await wait_for(pilot, lambda n=name: schedule.value == n)
            assert shown() == [k for k in TEXT_FIELDS if k in fields], name
            for key in fields:  # every shown label in full
                label = app.query_one(f"#{key}-row").query_one(Label)
                assert label.size.width > len(str(label.render())), key
        await choose(pilot, "schedule", "step")
        await type_into(pilot, "schedule_every", "10")
        await type_into(pilot, "schedule_gamma", "0.25")
        await type_into(pilot, "steps", "25")
        await wait_for(pilot, lambda: app.spec.training.schedule_gamma == 0.25)
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "finished")
        assert app.last.lr_now == 0.2 * 0.25**2  # steps 20-24 run at lr * gamma ** 2

        await type_into(pilot, "steps", "100000")
        await type_into(pilot, "patience", "40")
        await type_into(pilot, "min_delta", "0.01")
        await wait_for(pilot, lambda: app.spec.training.patience == 40)
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "stopped_early")
        assert 40 <= app.last.step < 1000
        assert "stopped early" in status(app)


async def test_a_scheduled_lr_is_shown_as_it_moves(tmp_path) -> None:
    """After 100 steps of exponential decay 0.97 the run's lr is 0.2 * 0.97**100: the
    status line and the loss chart's title say so (the lr field keeps the run's own)."""
    path = tmp_path / "decay.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 100\nlr = 0.2\n'
        'schedule = "exponential"\nschedule_decay = 0.97\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        now = f"lr {0.2 * 0.97**100:.3g}"
        assert now == "lr 0.00951" and now in status(app).split(" │ ")
        chart = app.query_one("#loss")
        await wait_for(pilot, lambda: f"loss · {now}" in chart.frame.plain)
        assert app.query_one("#lr").value == "0.2"


async def test_early_stopping_and_divergence_fit_80_columns(tmp_path) -> None:
    """At 80x24 the status names early stopping's best step and a divergence's fix, and
    keeps the steps/s (the line used to wrap out of sight)."""
    path = tmp_path / "early.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 100000\npatience = 40\nmin_delta = 0.01\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "stopped_early")
        best = app.last.best_step
        assert best is not None and best < app.last.step
        line = status(app)
        assert line.startswith(f"stopped early (best: {best:,})"), line
        assert len(line) <= 78 and line.endswith(" steps/s"), line
        await type_into(pilot, "lr", "100")  # regression diverges at step 9
        await type_into(pilot, "patience", "0")
        await wait_for(pilot, lambda: app.spec.training.lr == 100)
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "diverged")
        line = status(app)
        assert line.startswith(f"diverged at step {app.last.diverged_at}: lower lr")
        assert f"step {app.last.step}/100,000" in line and line.endswith(" steps/s"), line
        assert len(line) <= 78, line
