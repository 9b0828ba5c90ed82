"""``?``/F1 help, ``S`` screenshot and the settings file (tui/app/actions/helpkeys.py,
tui/app/settings.py), against the scripted engine; the settings file is each test's own
(conftest's ``own_settings``)."""

from __future__ import annotations

import tomllib

import pytest
from torchplay.tui.app import settings
from torchplay.tui.app.actions.helpkeys import HelpScreen
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.keys import BINDINGS
from torchplay.tui.app.screens.picker import PickerDialog

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, toasts, wait_for


def app_with(source: str = "regression") -> PlaygroundApp:
    return PlaygroundApp(source=source, client=FakeEngine(source), show_rate=False)


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_key_in_groups_and_closes(key) -> None:
    app = app_with()
    async with app.run_test(size=(100, 50)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press(key)
        await wait_for(pilot, lambda: on_screen(app, HelpScreen))
        text = app.screen.text
        for group in ("Training", "Charts", "Runs and files", "The app"):
            assert f"[b]{group}[/b]" in text
        assert "More" not in text  # every key has its group
        for b in BINDINGS:
            assert (b.tooltip or b.description) in text, b.action
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_screenshot_lands_in_the_current_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_with()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("S")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.svg")))
        shot = next(tmp_path.glob("*.svg"))
        assert shot.read_text().lstrip().startswith("<svg")
        await wait_for(pilot, lambda: shot.name in "".join(toasts(app).split()))


@pytest.mark.slow
async def test_settings_come_back_and_changes_are_kept(tmp_path) -> None:
    settings.save(settings.Settings(theme="nord", runs=str(tmp_path / "mine")))
    app = app_with("classification")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        assert app.theme == "nord"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: on_screen(app, PickerDialog))
        assert app.screen.folder == str(tmp_path / "mine")
        await pilot.press("escape")
        app.theme = "gruvbox"
        await wait_for(pilot, lambda: "gruvbox" in settings.path().read_text())
        await pilot.press("q")
    kept = tomllib.loads(settings.path().read_text())
    assert kept == {
        "theme": "gruvbox",
        "runs": str(tmp_path / "mine"),
        "scenario": "classification",
        "welcomed": True,  # its first start: the lessons notice, once
    }


async def test_a_damaged_settings_file_is_ignored_with_a_notice() -> None:
    settings.path().parent.mkdir(parents=True, exist_ok=True)
    settings.path().write_text("theme = [unclosed\n")
    app = app_with()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: "damaged" in toasts(app))
        assert app.theme == settings.Settings().theme and app.last is not None


def test_wrong_values_are_dropped_one_by_one() -> None:
    settings.path().parent.mkdir(parents=True, exist_ok=True)
    settings.path().write_text('theme = 3\nruns = "r"\nscenario = "nope"\n')
    loaded, notice = settings.load()
    assert loaded == settings.Settings(runs="r")
    assert notice is not None and "scenario" in notice and "theme" in notice
    assert settings.updated(loaded, scenario="my-toml-run") == loaded  # not a scenario


async def test_screenshot_of_the_model_view(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_with()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ModelScreen")
        await pilot.press("S")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.svg")))
        assert "nn.Linear" in next(tmp_path.glob("*.svg")).read_text().replace("&#160;", " ")
