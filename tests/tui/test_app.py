"""The app driven with Pilot, on the real engine (in a thread: same code as the process),
or on the scripted one (tests/tui/fake_engine.py) where only the app's own checks are tested."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import ModelScreen
from torchplay.tui.app.widgets.charts import LossChart
from torchplay.tui.app.widgets.panel import TEXT_FIELDS

from tests.corpus import CORPUS
from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, status, type_in_dialog, type_into, wait_for


@pytest.mark.slow
async def test_train_save_load_continue(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        assert app.last.step == 100 and app.last.train_loss <= 0.02
        assert "step 100" in status(app)
        assert len(app.query_one(LossChart).points) == 100
        await pilot.press("ctrl+s")
        await pilot.press("enter")
        saved = tmp_path / "runs" / "regression-step100.safetensors"
        await wait_for(pilot, saved.exists)
        await pilot.press("r")
        # The new run's RunLoaded (state idle) comes before its first StepsCompleted.
        await wait_for(
            pilot, lambda: app.state == "idle" and app.last is not None and app.last.step == 0
        )
        await pilot.press("ctrl+o")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 100)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last.step == 101)
        assert app.state == "paused"


# The shared corpus's flag values (tests/corpus.py), typed into the panel's fields.
PANEL_CASES = [(c.panel, c.args[1]) for c in CORPUS if c.kind == "value" and c.panel]
GOOD = {
    "lr": "0.2",
    "hidden": "10",
    "samples": "100",
    "batch_size": "0",
    "seed": "1",
    "features": "raw",
    "l1": "0.0",
    "l2": "0.0",
}


ACCEPTED_AFTER_TYPING = {("hidden", "-3"), ("hidden", "1e9"), ("seed", "-1")}
"""Cases whose refused characters leave a valid value: ``-3`` types as ``3``, ``1e9`` as
``19`` (the widths field takes digits and commas), ``-1`` as ``1``."""


@pytest.mark.slow
async def test_invalid_values_are_marked_inline_and_block_start() -> None:
    """The corpus's bad values typed key by key: each field keeps only the characters its
    values need (``abc`` never enters the lr field), and what it then holds is either
    marked inline with Start disabled and space refused, or a valid value."""
    app = PlaygroundApp(client=FakeEngine())  # the panel's own checks: no engine needed
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        for field, bad in PANEL_CASES:
            chars = TEXT_FIELDS[field].info.chars
            typed = "".join(c for c in bad if chars is None or c in chars)
            await type_into(pilot, field, bad)
            assert app.query_one(f"#{field}").value == typed, (field, bad)
            error = app.query_one(f"#{field}-error")
            if (field, bad) in ACCEPTED_AFTER_TYPING:
                await wait_for(pilot, lambda: not app.query_one("#start").disabled)
                assert not error.display, (field, bad)
            else:
                await wait_for(
                    pilot,
                    lambda e=error, t=typed: (
                        repr(t) in str(e.render()) or (t and t in str(e.render()))
                    ),
                )
                assert app.query_one("#start").disabled, (field, bad)
                await pilot.press("escape", "space")
                assert app.state != "running"
            await type_into(pilot, field, GOOD[field])
            await wait_for(pilot, lambda: not app.query_one("#start").disabled)
        await pilot.press("escape", "n")  # still works
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)


async def test_diverged_run_shows_it_and_reset_works() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await type_into(pilot, "lr", "100")
        await wait_for(pilot, lambda: app.spec.training.lr == 100.0)
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "diverged")
        assert "diverged at step" in status(app)
        await type_into(pilot, "lr", "0.2")
        await wait_for(pilot, lambda: app.spec.training.lr == 0.2)
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: app.state == "idle")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_bindings_log_and_model_view(size) -> None:
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("l")
        assert app.query_one(LossChart).log_scale
        await pilot.press("m")
        assert isinstance(app.screen, ModelScreen)
        await pilot.press("m")
        assert not isinstance(app.screen, ModelScreen)
        assert app.query_one("#start").region.width > 0  # visible at 80x24


@pytest.mark.slow
async def test_save_dialog_refuses_bad_targets_inline(tmp_path, monkeypatch) -> None:
    from torchplay.tui.app.screens.screens import PathDialog

    from tests.corpus import params

    monkeypatch.chdir(tmp_path)
    engine = FakeEngine()  # the dialog's own checks; test_buttons saves for real
    app = PlaygroundApp(client=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        for param in params("target"):
            case = param.values[0]
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: on_screen(app, PathDialog))
            await type_in_dialog(pilot, str(case.make(tmp_path)) or " ")
            await pilot.press("enter")
            if case.name == "empty":  # an empty path is a cancel
                continue
            error = app.screen.query_one("#path-error")
            await wait_for(pilot, lambda e=error, c=case: c.needle in str(e.render()))
            await pilot.press("escape")
        outside = tmp_path / "elsewhere" / "x.safetensors"
        await pilot.press("ctrl+s")
        await type_in_dialog(pilot, str(outside))
        await pilot.press("enter")
        assert "does not exist" in str(app.screen.query_one("#path-error").render())
        await pilot.press("escape")
        assert not outside.parent.exists()
        await pilot.press("ctrl+s")
        await type_in_dialog(pilot, "runs/deeper/x.safetensors")
        assert "save" not in engine.names()  # every refusal above stayed in the dialog
        await pilot.press("enter")  # folders under the runs folder are made on demand
        await wait_for(pilot, lambda: "save" in engine.names())
        assert (tmp_path / "runs" / "deeper").is_dir()
        await pilot.press("n")  # still running
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
