"""Keys and focus on the main screen: a focused field keeps every printable key (typed
or refused, never an app binding), Escape leaves it, no invisible Tab stops, a key pressed during the engine's start waits
for it, a long unsaved run asks before a reset, and nothing trains while a field is
invalid. Keys, focus and the footer on the scripted engine (tests/tui/fake_engine.py); a
start and the reset questions on the real one, in a thread."""

from __future__ import annotations

import threading

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.widgets import Label
from textual.widgets._select import SelectCurrent
from torchplay.engine.process import client
from torchplay.engine.process.worker import serve
from torchplay.engine.run.schedule import USES
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.fields import Choice, PanelButton, TextField
from torchplay.tui.app.screens.screens import ConfirmDialog
from torchplay.tui.app.screens.sweepscreen import SweepScreen
from torchplay.tui.app.widgets.panel import TEXT_FIELDS

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import choose, long_run, on_screen, status, toasts, type_into, wait_for


def footer_keys(app) -> dict[str, str]:
    """What the footer shows now: key -> description."""
    return {
        b.binding.key: b.binding.description
        for b in app.screen.active_bindings.values()
        if b.binding.show and b.enabled
    }


TYPED = {
    "classes": ("5", 5),
    "samples": ("150", 150),
    "noise": ("0.35", 0.35),
    "test_fraction": ("0.25", 0.25),
    "features": ("x1sq,x2sq,x1x2", ("x1sq", "x2sq", "x1x2")),
    "hidden": ("8,8", (8, 8)),
    "lr": ("1e-3", 0.001),
    "schedule_every": ("50", 50),
    "schedule_gamma": ("0.5", 0.5),
    "schedule_decay": ("0.95", 0.95),
    "schedule_period": ("200", 200),
    "schedule_min_lr": ("1E-4", 1e-4),
    "schedule_patience": ("20", 20),
    "momentum": ("0.9", 0.9),
    "weight_decay": ("1e-4", 1e-4),
    "l1": ("0.001", 0.001),
    "l2": ("2e-3", 0.002),
    "steps": ("300", 300),
    "patience": ("40", 40),
    "min_delta": ("1e-3", 0.001),
    "batch_size": ("16", 16),
    "seed": ("7", 7),
    "dropout": ("0.25", (0.25,)),
    "residual": ("true", True),
    "init": ("normal:1e-2", "normal:1e-2"),
}
"""For every text field, a value typed as a person would, with the letters, commas and
exponents its values need, and what the spec then holds."""


@pytest.mark.slow
async def test_every_field_takes_its_own_values_keeps_every_key_and_escape_leaves_it() -> None:
    """Issue 22 D3 and issue 21: each text field is typed into key by key (never
    assigned) with a value of its own (the letters, commas and exponents its values need),
    and keeps every other printable key: ``q`` does not quit, ``s`` does not open the sweep
    screen, ``n`` does not step, space does not run, and the footer offers none of them.
    Escape leaves the field, the keys are the app's again, and the spec holds every typed
    value. Each schedule's parameters are typed while that schedule shows them, the
    classes while blobs is chosen."""
    assert set(TYPED) == set(TEXT_FIELDS)  # a new field needs a typed example here
    app = PlaygroundApp("classification", client=FakeEngine("classification"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await choose(pilot, "dataset", "blobs")  # the classes field shows
        tried = set()
        for schedule in USES:  # each schedule shows its own parameter fields
            await choose(pilot, "schedule", schedule)
            await wait_for(pilot, lambda s=schedule: app.spec.training.schedule == s)
            for name in TEXT_FIELDS:
                if name in tried or not app.query_one(f"#{name}-row").display:
                    continue
                tried.add(name)
                field = app.query_one(f"#{name}", TextField)
                own = TYPED[name][0]
                await type_into(pilot, name, own)  # a valid spec: s could open the sweep
                assert field.value == own, name
                keys = footer_keys(app)
                assert "space" not in keys and "q" not in keys, (name, keys)
                assert keys["escape"] == "Leave field"
                await pilot.press("q", "s", "n", "space", "question_mark", "backspace", own[-1])
                # Keys arrive in order: the last one typed came after the refused keys.
                assert field.value.endswith(own[-1]), (name, field.value)
                if not {"q", "s", "n"} & set(field.chars or "qsn"):
                    assert field.value == own, (name, field.value)
                assert app.return_code is None, f"q quit the app from #{name}"
                assert not isinstance(app.screen, SweepScreen), f"s opened the sweep: #{name}"
                assert app.screen is app.screen_stack[0] and app.focused is field, name
                assert app.last.step == 0 and app.state == "idle", name
                if field.value != own:  # features takes q, s and n: its names need them
                    await type_into(pilot, name, own)
        assert tried == set(TEXT_FIELDS)
        await pilot.press("escape")
        assert app.focused is None
        assert "escape" not in footer_keys(app)
        await wait_for(pilot, lambda: app.spec.data.seed == TYPED["seed"][1])
        for name, (_, value) in TYPED.items():
            section, key = TEXT_FIELDS[name].key.split(".")
            assert getattr(getattr(app.spec, section), key) == value, name
        shown = [label.id for label in app.query(".error").results(Label) if label.display]
        assert shown == [] and app.return_code is None
        await pilot.press("n")  # the app's again
        await wait_for(pilot, lambda: app.last.step == 1)


async def test_typing_x1sq_into_features_keeps_every_letter() -> None:
    """The issue's repro: ``x1sq`` typed into features used to leave ``1``, while ``s``
    opened the sweep screen and ``q`` quit."""
    app = PlaygroundApp("classification", in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await type_into(pilot, "features", "x1sq")
        assert app.query_one("#features", TextField).value == "x1sq"
        await wait_for(pilot, lambda: app.spec.data.features == ("x1sq",))
        assert app.return_code is None and not isinstance(app.screen, SweepScreen)
        await pilot.press(*",x2sq")
        await wait_for(pilot, lambda: app.spec.data.features == ("x1sq", "x2sq"))


async def test_space_belongs_to_a_focused_button_or_choice_and_the_footer_says_so() -> None:
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        app.query_one("#step", PanelButton).focus()
        await wait_for(pilot, lambda: footer_keys(app).get("space") == "Press")
        await pilot.press("space")  # presses Step: one step, no run
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
        assert app.state == "paused"
        choice = app.query_one("#activation", Choice)
        choice.focus()
        await wait_for(pilot, lambda: footer_keys(app).get("space") == "Open list")
        await pilot.press("space")
        assert choice.expanded
        await pilot.press("escape")  # closes the list
        assert not choice.expanded
        await pilot.press("escape")  # leaves the field
        assert app.focused is None


@pytest.mark.slow
async def test_tab_visits_only_visible_controls() -> None:
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        seen = []
        for _ in range(len(app.screen.focus_chain) + 1):
            await pilot.press("tab")
            focused = app.focused
            assert isinstance(focused, (TextField, Choice, PanelButton)), focused
            assert focused.region.width > 0 and focused.region.height > 0, focused.id
            seen.append(focused.id)
        assert seen[0] == seen[-1] and len(set(seen)) == len(seen) - 1


async def test_a_key_pressed_during_the_start_runs_once_ready(monkeypatch) -> None:
    ready = threading.Event()

    def slow_start(conn) -> None:  # an engine that starts when the test says so
        ready.wait(10)
        serve(conn)

    monkeypatch.setattr(client, "_thread_main", slow_start)
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.state == "starting"
        await pilot.press("space")
        assert status(app).startswith("starting...") and "then run" in status(app)
        ready.set()
        await wait_for(pilot, lambda: app.state == "finished")
        assert app.last.step == 100


async def test_every_key_pressed_during_the_start_runs_in_order(monkeypatch) -> None:
    ready = threading.Event()

    def slow_start(conn) -> None:
        ready.wait(10)
        serve(conn)

    monkeypatch.setattr(client, "_thread_main", slow_start)
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.state == "starting"
        await pilot.press("n", "n", "n")
        assert "then 3 steps" in status(app), status(app)
        ready.set()
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 3)
        await pilot.press("n")  # a positive event first: the fourth step lands after the three
        await wait_for(pilot, lambda: app.last.step == 4)


@pytest.mark.slow
async def test_reset_asks_first_past_1000_unsaved_steps(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(source=long_run(tmp_path, "regression", 1001), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmDialog)
        assert "1,001 steps are not saved" in str(app.screen.question)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert app.last is not None and app.last.step == 1001  # declined: the run stands
        await pilot.press("ctrl+s", "enter")
        await wait_for(pilot, lambda: app.saved_at == 1001)
        await pilot.press("r")  # saved at this step: no question
        assert not isinstance(app.screen, ConfirmDialog)
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 1)
        await pilot.press("r")  # 1 step: nothing worth asking about
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        assert not isinstance(app.screen, ConfirmDialog)


@pytest.mark.slow
async def test_a_field_change_on_a_stopped_run_asks_like_reset(tmp_path, monkeypatch) -> None:
    """A paused or finished run past 1,000 unsaved steps is not thrown away by a field
    change: a choice asks at once, a text field waits for Enter (or space) and asks."""
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(source=long_run(tmp_path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 1000)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "paused")
        step = app.last.step
        for choice, value in (("schedule", "cosine"), ("activation", "relu")):
            await choose(pilot, choice, value)
            await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
            assert f"{step:,} steps are not saved" in str(app.screen.question)
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
            assert app.query_one(f"#{choice}", Choice).value != value  # the run's own
        await type_into(pilot, "noise", "0.3")
        await wait_for(pilot, lambda: "changed: Enter resets" in status(app))
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape", "space")  # not a silent rebuild either
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        # One step: the engine answers it after anything the "no" might have sent, so a
        # reset or a start would show here (step 1, or a running count), not step + 1.
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last is not None and app.last.step != step)
        assert app.state == "paused" and app.last.step == step + 1  # nothing thrown away
        await type_into(pilot, "noise", "0.3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.last is not None and app.last.step == 0)
        assert app.spec.data.noise == 0.3


async def test_a_focused_choice_is_plain_to_see() -> None:
    """Textual's own focus tint on a compact select is 9 levels of grey (rgb 39 vs 30):
    the panel's focused choice takes a clearly different background, and its label
    lights up."""
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        choice = app.query_one("#schedule", Choice)
        value = choice.query_one(SelectCurrent).query_one("#label")
        name = choice.parent.query_one(".name")

        def look(widget) -> Style:
            strip = widget.render_lines(Region(0, 0, widget.size.width, 1))[0]
            return next(iter(strip)).style

        before, name_before = look(value), look(name)
        choice.focus()
        await wait_for(pilot, lambda: look(value) != before)
        after = look(value)
        old, new = before.bgcolor.triplet, after.bgcolor.triplet
        assert sum(abs(a - b) for a, b in zip(old, new, strict=True)) > 150, (old, new)
        assert after.bold and look(name).bold and not name_before.bold


async def test_nothing_trains_while_a_field_is_invalid() -> None:
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await type_into(pilot, "lr", "1e-3e")
        await wait_for(pilot, lambda: app.query_one("#lr", TextField).has_class("-invalid"))
        await pilot.press("escape", "n", "space")
        await pilot.click("#step")
        # Each refusal says why, at once (no engine round trip): three refusals, no step.
        refused = "fix the marked fields first"
        await wait_for(pilot, lambda: toasts(app).count(refused) == 3)
        assert app.state == "idle"
        await type_into(pilot, "lr", "0.1")
        await pilot.press("escape", "n")
        # The engine answers in order: step 1, not 2 or more, so no refused key stepped.
        await wait_for(pilot, lambda: app.last.step != 0)
        assert app.last.step == 1


async def test_palette_entries_say_what_they_do_once_each() -> None:
    app = PlaygroundApp(client=FakeEngine())
    async with app.run_test(size=(120, 40)):
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles)), titles
        ours = [c for c in commands if "(key: " in c.help]
        assert {c.title for c in ours} >= {"Run/Pause", "Step", "Reset", "Save", "Load"}
        for command in ours:
            assert len(command.help.split("(key: ")[0].split()) >= 3, command.help
