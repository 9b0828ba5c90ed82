"""The sweep screen with the real engine: the heatmap shows the engine's losses, Enter
opens a member in the playground with its settings, bad input is marked in the panel."""

from __future__ import annotations

import pytest
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.app.actions.helpkeys import HelpScreen
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.sweepscreen import (
    SWEEP_KEYS,
    SweepScreen,
    check_address,
)
from torchplay.tui.app.widgets.heatmap import Heatmap
from torchplay.tui.app.widgets.panel import ControlPanel

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, settle, type_in_dialog, type_into, wait_for

GRID = ("training.lr=0.05,0.2", "data.seed=1,2")


async def open_sweep_screen(pilot, app) -> SweepScreen:
    """Wait for the run, then open the sweep screen with ``s``."""
    await wait_for(pilot, lambda: app.run_info is not None)
    await pilot.press("s")
    await wait_for(pilot, lambda: on_screen(app, SweepScreen))
    return app.screen


async def start_sweep(pilot, app, steps: int, grid=GRID) -> SweepScreen:
    """Open the sweep screen with ``s``, type the grid (a field a key: typing into the
    last adds one) and the steps (key by key), tabbing past the empty field, press Enter."""
    screen = await open_sweep_screen(pilot, app)
    steps_field = screen.query_one("#sweep-steps")
    for i, text in enumerate(grid):  # the screen opens with the focus on axis-0
        await type_in_dialog(pilot, text, f"axis-{i}")
        await pilot.press("tab")
    while app.focused is not steps_field:  # the empty fields left
        await pilot.press("tab")
    await type_in_dialog(pilot, str(steps), "sweep-steps")
    await pilot.press("enter")
    return screen


def cells(screen: SweepScreen) -> list[str]:
    """The heatmap's cell texts, in member order."""
    table = screen.query_one("#heatmap")
    return [str(table.get_cell_at(c)) for c in screen.cells]


async def reports(pilot, screen: SweepScreen, count: int) -> None:
    """Wait for ``count`` more progress reports from the engine (each a new ``last``)."""
    seen = [screen.last]

    def more() -> bool:
        if screen.last is not seen[-1]:
            seen.append(screen.last)
        return len(seen) > count

    await wait_for(pilot, more)


async def finished(pilot, screen: SweepScreen) -> None:
    await wait_for(pilot, lambda: screen.last is not None and screen.last.state == "finished")
    await wait_for(pilot, lambda: not screen.stale)


async def test_heatmap_shows_each_members_loss_from_the_engine() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_sweep(pilot, app, steps=40)
        await finished(pilot, screen)
        base = get_scenario("regression").with_overrides({"training.steps": 40})
        expected = []
        for lr in (0.05, 0.2):
            for seed in (1, 2):
                single = Trainer(base.with_overrides({"training.lr": lr, "data.seed": seed}))
                single.run()
                expected.append(f"{single.history.points[-1][1]:.3g}")
        assert cells(screen) == expected  # each member's loss is its single run's
        assert len(set(expected)) == 4
        assert screen.last.steps == [40] * 4
        # The curves show the best and the worst members, with their losses.
        titles = [t for t, _ in screen.query_one("#sweep-curves").curves]
        assert len(titles) == 4 and titles[0].endswith(min(expected, key=float))


@pytest.mark.slow
async def test_enter_on_a_cell_opens_that_member_paused_with_its_settings() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_sweep(pilot, app, steps=200_000)
        await wait_for(pilot, lambda: screen.last is not None and min(screen.last.steps) > 0)
        table = screen.query_one("#heatmap")
        table.focus()
        await pilot.press("down", "right")  # lr 0.2 (second column), seed 2 (second row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.run_info is not None and app.run_info.source != "")
        await wait_for(pilot, lambda: app.last is not None and app.state == "paused")
        assert not isinstance(app.screen, SweepScreen)
        assert app.run_info.source == "sweep member 3"
        assert 0 < app.run_info.step < 200_000
        spec = app.query_one(ControlPanel).validate_all()
        assert (spec.training.lr, spec.data.seed) == (0.2, 2)
        # Its settings are the panel's: space carries on training that member.
        await pilot.press("space")
        step = app.run_info.step
        await wait_for(pilot, lambda: app.last.step > step)


@pytest.mark.slow
async def test_bad_grid_and_address_are_marked_and_nothing_starts() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_sweep(pilot, app, steps=10, grid=("training.lx=1,2", ""))
        error = str(screen.query_one("#sweep-error").render())
        assert "training.lx" in error and not screen.running
        await type_into(pilot, "axis-0", "training.lr=0.1")
        await type_into(pilot, "sweep-address", "ray://head:6379")
        await pilot.press("enter")
        assert "HOST:PORT" in str(screen.query_one("#sweep-error").render())
        assert screen.started is None
        await pilot.press("escape")
        assert not isinstance(app.screen, SweepScreen)


@pytest.mark.parametrize("text", ["", "local", "10.0.0.5:6379", "head"])
def test_addresses_the_panel_accepts(text) -> None:
    assert check_address(f" {text} ") == text


@pytest.mark.parametrize("text", ["ray://head:6379", "head:0", "head:http", ":6379"])
def test_addresses_the_panel_refuses(text) -> None:
    with pytest.raises(InputError, match="address"):
        check_address(text)


@pytest.mark.slow
def test_snapshot_of_a_finished_sweep_with_a_diverged_member(snap_compare) -> None:
    app = PlaygroundApp(in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        screen = await start_sweep(pilot, app, 50, ("training.lr=0.1,0.3,1000", "data.seed=1,2"))
        await finished(pilot, screen)
        curves = screen.query_one("#sweep-curves")
        await wait_for(pilot, lambda: len(curves.curves) == 4 and not curves.building)
        assert cells(screen)[4:] == ["✗ div", "✗ div"]  # lr 1000, both seeds
        screen.query_one("#heatmap").focus()
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


@pytest.mark.slow
async def test_start_after_stop_goes_on_and_a_new_step_count_starts_over() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_sweep(pilot, app, steps=200_000)
        await wait_for(pilot, lambda: screen.last is not None and min(screen.last.steps) > 0)
        screen.query_one("#heatmap").focus()  # out of the field: space is Start/Stop
        await pilot.press("space")  # stop
        await wait_for(pilot, lambda: screen.last.state == "paused" and not screen.running)
        stopped, histories = list(screen.last.steps), screen.histories
        await pilot.press("space")  # start: the same grid goes on
        await wait_for(pilot, lambda: screen.last.state == "running" and screen.started.resumed)
        assert all(a >= b for a, b in zip(screen.last.steps, stopped, strict=True))
        assert screen.histories is histories  # the curves go on too
        # Opening a member puts its settings in the panel; the sweep over them is the same.
        screen.query_one("#heatmap").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.run_info.source == "sweep member 0")
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.last.state == "running" and screen.started.resumed)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.last.state == "paused" and not screen.running)
        await type_into(pilot, "sweep-steps", "30")  # another sweep: from step 0
        await pilot.press("enter")
        await finished(pilot, screen)
        assert not screen.started.resumed and screen.last.steps == [30] * 4


async def test_a_hidden_axis_typed_on_the_screen_trains() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_sweep(pilot, app, steps=10, grid=("model.hidden=8,8x8", ""))
        await finished(pilot, screen)
        assert screen.started.axes == [("model.hidden", [[8], [8, 8]])]
        assert all(text != "·" for text in cells(screen))


@pytest.mark.slow
async def test_a_sweep_whose_members_all_stopped_early_is_finished(tmp_path) -> None:
    path = tmp_path / "early.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 3000\npatience = 20\nmin_delta = 0.001\n'
        '[sweep]\n"training.lr" = [0.05, 0.4]\n"data.seed" = [1, 2]\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        screen.query_one("#sweep-steps").focus()
        await pilot.press("enter")
        await finished(pilot, screen)
        assert screen.last.states == ["stopped_early"] * 4
        assert max(screen.last.steps) < 3000  # they did stop early
        info = str(screen.query_one("#sweep-info").render())
        assert "finished 100%" in info and "4 stopped early" in info
        assert all(text.endswith("▪") for text in cells(screen))
        assert "▪ stopped early" in str(screen.query_one("#heat-title").render())
        assert str(screen.query_one("#sweep-start").label) == "Start"


async def test_small_multiples_show_each_loss_whole_at_80_columns() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_sweep(pilot, app, steps=30)
        await finished(pilot, screen)
        curves = screen.query_one("#sweep-curves")
        await wait_for(pilot, lambda: len(curves.curves) == 4 and not curves.building)
        shown = "\n".join("".join(s.text for s in line) for line in curves.lines)
        for title, _ in curves.curves:
            assert title.rpartition(": ")[2] in shown  # 3 significant digits, not cut


@pytest.mark.slow
async def test_start_leaves_the_focus_in_the_field_and_enter_opens_nothing() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_sweep(pilot, app, steps=200_000)
        await wait_for(pilot, lambda: screen.last is not None and min(screen.last.steps) > 0)
        assert app.focused is screen.query_one("#sweep-steps")
        await pilot.press("enter")  # meant for the field: no member opens
        await reports(pilot, screen, 2)  # the sweep went on: two reports since the key
        assert app.screen is screen and screen.running and screen.last.state == "running"
        await pilot.press("escape")


async def test_a_tick_while_the_screen_goes_draws_nothing() -> None:
    """Textual removes a screen's widgets before the screen and its timer (App._prune marks
    every node ``_pruning`` first): a draw tick in between draws nothing. A quiet fresh-clone
    run met it after Escape on a running sweep: NoMatches 'Heatmap' from the timer."""
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_sweep(pilot, app, steps=40)
        await finished(pilot, screen)
        await screen.query_one(Heatmap).remove()  # the first of its widgets to go
        screen._pruning = True  # as App._prune marks it before it removes anything
        screen.stale = True  # an event came in
        screen.draw()  # the timer's tick
        assert screen.stale  # nothing drawn, nothing raised
        # Closing the app closes its nodes one by one (App._close_all), the info line
        # here before the screen and its timer, and not always with the flag: a stress
        # run met NoMatches '#sweep-info' at an app's exit. A tick then draws nothing.
        screen._pruning = False
        await screen.query_one("#sweep-info").remove()  # marks that node, not the screen
        screen.draw()
        assert not screen.stale


@pytest.mark.slow
async def test_row_labels_stay_while_the_heatmap_scrolls_sideways() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = ("training.lr=1e-3:1000:7", "data.seed=1..4")
        screen = await start_sweep(pilot, app, steps=10, grid=grid)
        await finished(pilot, screen)
        table = screen.query_one("#heatmap")
        table.focus()
        await pilot.press(*["right"] * 6)  # the last column: it scrolls sideways
        await wait_for(pilot, lambda: table.scroll_offset.x > 0)
        lines = ["".join(s.text for s in table.render_line(y)) for y in range(5)]
        assert [line[:3] for line in lines] == ["   ", " 1 ", " 2 ", " 3 ", " 4 "]
        assert lines[0].rstrip().endswith("1000.0")  # the last column's header shows
        assert all(len(line) == table.size.width for line in lines)


@pytest.mark.slow
async def test_every_bad_field_is_named_at_once_in_the_screens_words() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = ("training.lr=abc", "data.sed=1,2")
        screen = await start_sweep(pilot, app, steps=10, grid=grid)
        await type_into(pilot, "sweep-address", "ray://head:6379")
        await type_into(pilot, "sweep-steps", "x")
        await pilot.press("enter")
        lines = str(screen.query_one("#sweep-error").render()).splitlines()
        assert len(lines) == 4 and not any("--grid" in line for line in lines)
        assert lines[0].startswith("steps 'x'")
        assert lines[1] == "training.lr: 'abc' is not a number"
        assert lines[2].startswith("data.sed=1,2: unknown key 'data.sed'")
        assert "HOST:PORT" in lines[3]
        assert screen.started is None and not screen.running


async def test_f1_on_the_sweep_screen_lists_its_keys() -> None:
    engine = FakeEngine()  # UI only: the fake engine records what the keys would send
    app = PlaygroundApp(client=engine)
    async with app.run_test(size=(100, 50)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        for key in ("f1", "question_mark"):  # ? outside the fields (in one it is typed)
            screen.set_focus(None)
            await pilot.press(key)
            await wait_for(pilot, lambda: on_screen(app, HelpScreen))
            text = app.screen.text
            assert "[b]Sweep screen (s)[/b]" in text
            for b in SWEEP_KEYS:
                assert b.tooltip in text
            state, sent = app.state, len(engine.sent)
            # The playground's keys rest under help too: Escape, pressed after them, closes
            # help, so space and n were handled (by help) before it; none sent a command.
            await pilot.press("space", "n", "escape")
            await wait_for(pilot, lambda: app.screen is screen)
            assert app.state == state and engine.sent[sent:] == []


def test_snapshot_at_80x24(snap_compare) -> None:
    """Friction 5: at 80 columns the heatmap's title wraps rather than lose its end, and
    each curve's title names its keys and values whole (``lr 0.3,seed 1:0.00883``)."""
    app = PlaygroundApp(in_process=True, show_rate=False)

    async def run_before(pilot) -> None:
        screen = await start_sweep(pilot, app, 50, ("training.lr=0.1,0.3,1000", "data.seed=1,2"))
        await finished(pilot, screen)
        curves = screen.query_one("#sweep-curves")
        await wait_for(pilot, lambda: len(curves.curves) == 4 and not curves.building)
        screen.query_one("#heatmap").focus()
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
