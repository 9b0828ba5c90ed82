"""A lesson in the app, driven with Pilot on the real engine: the pane, locked and hidden
fields, hints on h, the live goal and a pass kept in the settings; y and Y copy a share
string and a command through OSC 52; a share string opens with its check."""

from __future__ import annotations

import base64
import re

import pytest
from torchplay.engine.run import lessons, share
from torchplay.tui.app import settings
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.widgets.lessonpane import LessonPane
from torchplay.tui.cli.reproduce import train_command

from tests.tui.helpers import wait_for

OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def pane(app) -> str:
    return str(app.query_one(LessonPane).render())


def notices(app) -> str:
    """Every notification's message (what the toasts show)."""
    return " ".join(n.message for n in app._notifications)


def clipboard_writes(app) -> list[str]:
    """Capture what the app writes to the terminal: OSC 52 sequences, decoded."""
    writes: list[str] = []
    original = app._driver.write

    def write(data: str) -> None:
        writes.extend(base64.b64decode(m).decode() for m in OSC52.findall(data))
        original(data)

    app._driver.write = write
    return writes


@pytest.mark.slow
async def test_a_lesson_from_start_to_pass_by_keys() -> None:
    lesson = lessons.load("xor-hidden")
    app = PlaygroundApp(in_process=True, lesson=lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        text = pane(app)
        assert text.startswith("Lesson 6/13 · One hidden layer for xor\n1. xor: class 0 ")
        await wait_for(pilot, lambda: "goal: ✗ accuracy >= 0.95 (0.51)" in pane(app))  # step 0
        assert "h: a hint (3 left)" in text
        # locked: shown, not editable; hidden: not shown; the scenario choice is locked too
        for field in ("#dataset", "#samples", "#features"):
            assert app.query_one(field).disabled, field
        assert not app.query_one("#scenario").parent.display  # a lesson replaces scenarios
        assert not app.query_one("#test_fraction-row").display
        assert not app.query_one("#patience-row").display
        assert not app.query_one("#hidden").disabled
        await pilot.press("h")
        await wait_for(pilot, lambda: "hint 1: 'hidden' takes widths" in pane(app))
        assert "h: a hint (2 left)" in pane(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        await wait_for(pilot, lambda: "✗ accuracy >= 0.95 (0.55)" in pane(app))
        assert settings.load()[0].passed == ()
        await pilot.click("#hidden")
        await pilot.press("8", "enter")
        await wait_for(pilot, lambda: app.spec.model.hidden == (8,) and app.last.step == 0)
        await pilot.press("escape", "space")
        await wait_for(pilot, lambda: app.state == "finished")
        await wait_for(pilot, lambda: "✓ accuracy >= 0.95 (0.99)" in pane(app))
        assert "✓ passed" in pane(app)
        await wait_for(
            pilot, lambda: "lesson passed: next, spiral-depth (O picks it)" in notices(app)
        )
        assert settings.load()[0].passed == ("xor-hidden",)


@pytest.mark.slow
async def test_tab_never_reaches_a_locked_field() -> None:
    app = PlaygroundApp(in_process=True, lesson=lessons.load("l2-overfit"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        seen = set()
        for _ in range(40):
            await pilot.press("tab")
            seen.add(app.focused.id if app.focused else None)
        assert "l2" in seen
        locked = {"samples", "noise", "test_fraction", "seed", "hidden", "optimizer", "lr", "steps"}
        assert not seen & locked


async def test_y_and_Y_copy_by_osc52(tmp_path) -> None:
    app = PlaygroundApp(source="classification", in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        writes = clipboard_writes(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
        await pilot.press("Y")
        await wait_for(pilot, lambda: len(writes) == 1)
        assert writes[0] == train_command(app.spec, 1)
        assert writes[0] == (
            "torchplay train --dataset clouds --samples 200 --noise 1.0 --lr 0.02 --steps 1"
        )
        await pilot.press("y")
        await wait_for(pilot, lambda: len(writes) == 2)
        shared = share.decode(writes[1])
        assert shared.step == 1 and shared.spec == app.spec
        assert "copied a share string" in notices(app)


async def test_a_share_string_opens_verified() -> None:
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.replay import shared_of
    from torchplay.engine.train.trainer import Trainer

    trainer = Trainer(get_scenario("regression"))
    trainer.run(steps=30)
    text = share.encode(shared_of(trainer))
    app = PlaygroundApp(source=text, in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "share string verified" in notices(app))
        assert app.last.step == 30


@pytest.mark.parametrize("name", lessons.builtin_names())
async def test_every_lesson_locks_and_hides_its_fields(name) -> None:
    from torchplay.tui.app.widgets.panel import IDS as ids

    lesson = lessons.load(name)
    app = PlaygroundApp(in_process=True, lesson=lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.pause()  # no delay: the lesson's locks and hides are applied
        for key in lesson.lock:
            if key in ids:
                assert app.query_one(f"#{ids[key]}").disabled, key
        for key in lesson.hide:
            if key in ids:
                widget = app.query_one(f"#{ids[key]}")
                assert not (widget.parent if widget.parent.has_class("row") else widget).display


async def test_the_first_start_tells_about_the_lessons_once() -> None:
    settings.path().unlink()  # a first start (conftest's settings have seen it)
    for first in (True, False):
        app = PlaygroundApp(in_process=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda app=app: app.run_info is not None)
            if first:
                await wait_for(pilot, lambda app=app: "New here? Press O" in notices(app))
            else:
                await wait_for(pilot, lambda app=app: app.settings.welcomed)
                # The notice would be sent after the first refresh (call_after_refresh
                # from on_mount): a callback queued now runs after it.
                refreshed: list[bool] = []
                app.call_after_refresh(refreshed.append, True)
                await wait_for(pilot, lambda r=refreshed: r)
                assert "New here?" not in notices(app)


async def test_O_picks_a_lesson_in_the_app_and_another_after_it() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        assert not app.query(LessonPane)
        await pilot.press("O")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LessonPicker")
        await pilot.press("down", "down", "enter")  # 1 regression -> 3 sequential
        await wait_for(pilot, lambda: app.query(LessonPane) and app.spec.name == "sequential")
        await wait_for(pilot, lambda: app.run_info.spec.name == "sequential")
        assert pane(app).startswith("Lesson 3/13 · Sequential or a subclassed Net")
        assert app.query_one("#dataset").disabled and not app.query_one("#hidden").disabled
        assert not app.query_one("#test_fraction-row").display
        await pilot.press("O")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LessonPicker")
        await pilot.press("down", "down", "enter")  # from 3 on to 5 circles-features
        await wait_for(pilot, lambda: app.run_info.spec.name == "circles-features")
        assert len(app.query(LessonPane)) == 1
        assert pane(app).startswith("Lesson 5/13 · Features make circles linear")
        assert app.query_one("#hidden").disabled  # locked now
        assert app.query_one("#test_fraction-row").display is False
        assert not app.query_one("#optimizer").disabled  # lesson 3 locked it; 5 does not
        assert not app.query_one("#scenario").parent.display


async def test_y_after_a_fork_copies_a_string_that_replays_the_fork() -> None:
    from tests.tui.helpers import type_into

    app = PlaygroundApp(source="classification", in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        writes = clipboard_writes(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: app.lineage.view is not None and app.lineage.view.step < 90)
        k = app.lineage.view.step
        await type_into(pilot, "lr", "0.05")
        await pilot.press("escape", "f")
        await wait_for(pilot, lambda: app.lineage.pinned != "" and app.last.step == k)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished" and app.last.lr == 0.05)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(writes) == 1)
        shared = share.decode(writes[0])
        assert [(step, spec.training.lr) for step, spec in shared.forks] == [(k, 0.05)]
        assert shared.step == 100 and shared.spec.training.lr == 0.02
        from torchplay.engine.train.replay import verify

        assert verify(shared).verified  # the engine's run, trained again here


async def test_a_share_string_pasted_into_the_load_field_opens_verified(
    tmp_path, monkeypatch
) -> None:
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.replay import shared_of
    from torchplay.engine.train.trainer import Trainer

    monkeypatch.chdir(tmp_path)
    trainer = Trainer(get_scenario("classification"))
    trainer.run(steps=7)
    text = share.encode(shared_of(trainer))
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerDialog")
        await pilot.press("ctrl+u")  # clear the suggested folder
        from textual import events

        field = app.screen.query_one("Input")
        field.post_message(events.Paste(text))  # what a terminal sends for a paste
        await wait_for(pilot, lambda: field.value == text)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "share string verified" in notices(app))
        assert app.last.step == 7 and app.spec.name == "classification"
