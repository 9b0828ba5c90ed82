"""Pilot helpers shared by the app tests."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.widgets import Input
from textual.worker import WorkerState


async def wait_for(pilot, predicate, seconds: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (the engine answers asynchronously)."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)  # the poll's interval: the app runs meanwhile
    raise AssertionError("timed out waiting")


def on_screen(app, screen_type) -> bool:
    """``screen_type`` is the active screen, its widgets composed and mounted: the stack
    changes as the screen is pushed, before its children exist (a query then finds
    nothing, which a loaded machine made visible in test_lrfind_key)."""
    return isinstance(app.screen, screen_type) and app.screen.is_mounted


def settled(app) -> bool:
    """Nothing left to draw by itself: no chart is stale, building a frame or due for
    another, and every worker but the engine's listener (group ``engine``) has finished."""
    for worker in app.workers:
        if worker.group != "engine" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return False
    for screen in app.screen_stack:
        for widget in screen.walk_children(with_self=True):
            if any(getattr(widget, flag, False) for flag in ("stale", "building", "again", "due")):
                return False
    return True


async def settle(pilot, app) -> None:
    """Wait for a screen that will not change by itself, for a snapshot: the fields'
    cursors stop blinking (shown steadily, as in the first half second after focus; a
    loaded machine would otherwise catch the off phase), notifications are dismissed (a
    toast lives for seconds: whether a snapshot shows it would depend on the machine's
    load; tests/tui/test_toasts.py checks them), the app is :func:`settled`, and Textual
    has no message, refresh or animation pending."""
    for field in app.screen.query(Input):
        field.cursor_blink = False
    # Drawn first: by then the app has refreshed, and a notice sent after its first
    # refresh (the newcomer's "Press O") is up, to be dismissed.
    await wait_for(pilot, lambda: settled(app) and grid_current(app))
    app.clear_notifications()
    await wait_for(pilot, lambda: not any(s.query("Toast") for s in app.screen_stack))
    await wait_for(pilot, lambda: settled(app))
    await pilot.wait_for_scheduled_animations()
    # What that wait handled (a Resize, say) may have started a build: past it too.
    await wait_for(pilot, lambda: settled(app) and grid_current(app))


def grid_current(app) -> bool:
    """The live decision or heat grid is the size the main data chart asks for. The first
    run may be drawn on the default grid before the chart's size reaches the engine; the
    grid of that size then comes in an engine event, which :func:`settled` cannot see."""
    charts = app.screen_stack[0].query("#data")
    size = getattr(app.last.fit, "size", None) if app.last is not None else None
    return not charts or size is None or size == charts.first().grid_size


def status(app) -> str:
    return str(app.query_one("#status").render())


def long_run(folder, scenario: str = "save-restore", steps: int = 10**7) -> str:
    """A TOML SOURCE: ``scenario`` with ``steps`` steps, so that a run the test pauses or
    steps cannot finish first (save-restore's 50,000 steps take ~4 s on a quiet machine)."""
    path = folder / "long.toml"
    path.write_text(f'scenario = "{scenario}"\n[training]\nsteps = {steps}\n')
    return str(path)


def toasts(app) -> str:
    """The text of every notification on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


def saved_runs(folder, scenario: str, runs: dict[str, int]) -> list[str]:
    """Checkpoints of ``scenario`` trained for ``runs[name]`` steps, as ``folder/name.safetensors``."""
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.trainer import Trainer

    paths = []
    for name, steps in runs.items():
        trainer = Trainer(get_scenario(scenario))
        trainer.run(steps=steps)
        paths.append(str(folder / f"{name}.safetensors"))
        checkpoint.save(trainer, paths[-1])
    return paths


def key_event(key: str) -> events.Key:
    """The event Pilot's ``press(key)`` sends (Textual's ``App._press_keys``)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot, *keys: str) -> None:
    """Press ``keys`` as ``pilot.press`` does, but a run of printable characters as a terminal
    delivers typed text: the events ``press`` sends, queued at once (in order, as the driver
    posts them), then a wait until every message queue of the app and its screens is empty.
    ``pilot.press`` waits for an idle CPU after every key (two polls of 20 ms at least, up to
    2 s while a run trains): a 60-character path cost seconds. Other keys (End, Ctrl+U,
    Enter, Tab) go one at a time through ``pilot.press``, as before (the app's fields
    take ``End Ctrl+U 0.5`` in one burst too: tests/tui/test_sweepburst.py)."""
    run: list[str] = []
    for key in [*keys, None]:
        if key is not None and key_event(key).is_printable:
            run.append(key)
            continue
        for char in run:
            event = key_event(char)
            event.set_sender(pilot.app)
            pilot.app.post_message(event)
        if run:
            await wait_for(pilot, lambda: drained(pilot.app))
            await pilot.pause()  # no delay: what the keys started runs, as after pilot.press
            run = []
        if key is not None:
            await pilot.press(key)


def drained(app) -> bool:
    """Every message queue of the app and of its screens' widgets is empty: the keys
    posted before have all been handled (a bubbled key is posted again, so it counts)."""
    nodes = [app, *(n for s in app.screen_stack for n in s.walk_children(with_self=True))]
    return all(node._message_queue.empty() for node in nodes)


async def type_into(pilot, field_id: str, text: str) -> None:
    """Type ``text`` into a field of the screen shown as a person does: click it (scrolled into view, as
    the mouse wheel would), clear it with End and Ctrl+U, press each character. The field
    keeps the focus (Escape leaves it)."""
    field = pilot.app.screen.query_one(f"#{field_id}")
    field.scroll_visible(animate=False, immediate=True)
    await pilot.pause()  # no delay: the scroll lands before the click
    await pilot.click(f"#{field_id}")
    assert pilot.app.focused is field, f"the click did not focus #{field_id}"
    await burst(pilot, "end", "ctrl+u", *text)


async def choose(pilot, choice_id: str, value: str) -> None:
    """Pick ``value`` in a panel list with the keys: click it open, move with the arrows
    to the option, Enter."""
    choice = pilot.app.screen.query_one(f"#{choice_id}")
    choice.scroll_visible(animate=False, immediate=True)
    await pilot.pause()  # no delay: the scroll lands before the click
    await pilot.click(f"#{choice_id}")
    await wait_for(pilot, lambda: choice.expanded)
    options = [str(option) for _, option in choice._options]
    moves = options.index(value) - options.index(str(choice.value))
    await pilot.press(*(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")


async def type_in_dialog(pilot, text: str, field_id: str = "path") -> None:
    """Type ``text`` into the field ``field_id`` once it has the focus (a dialog's field
    has it when the dialog opens; Tab moves it on), clearing it first with End and Ctrl+U.
    No mouse: a snapshot after it shows no hover."""
    field = pilot.app.screen.query_one(f"#{field_id}")
    await wait_for(pilot, lambda: pilot.app.focused is field)
    await burst(pilot, "end", "ctrl+u", *text)
    assert field.value == text, (field.value, text)
