"""The panel's data controls (issue 27): the noise slider (``+``/``-`` in the noise field
redraw the data before training; then ``i`` inspects a point of both inputs), the classes field (blobs and spiral only, 2-8 with the
keys), the test split list, and ``dataset = csv``'s picker choosing a file and its target.
Keys pressed as a person does; never a widget's value set."""

from __future__ import annotations

from textual.widgets import DataTable, Label
from torchplay.engine.process import commands as c
from torchplay.engine.run.views import HeatGrid
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.csvpicker import CsvPicker

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import choose, on_screen, wait_for


def built(engine: FakeEngine):
    """The data of the last spec the app asked the engine to build."""
    return [cmd for cmd in engine.sent if isinstance(cmd, c.Build)][-1].spec.data


GAUSS = 'scenario = "regression"\n[data]\ndataset = "gauss2d"\nsamples = 60\nnoise = 0.1\n'


async def focus(pilot, field_id: str) -> None:
    """Click the field (scrolled into view first, as the wheel would)."""
    field = pilot.app.screen.query_one(f"#{field_id}")
    field.scroll_visible(animate=False, immediate=True)
    await pilot.pause()  # no delay: the scroll lands before the click
    await pilot.click(f"#{field_id}")
    assert pilot.app.focused is field


async def test_noise_keys_redraw_the_data_before_training(tmp_path) -> None:
    spec = tmp_path / "gauss.toml"
    spec.write_text(GAUSS)
    app = PlaygroundApp(str(spec), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        before = app.run_info.samples
        assert before.targets is not None and len(before.targets) == 60
        await focus(pilot, "noise")
        await pilot.press("plus", "plus", "minus", "plus")  # 0.1 -> 0.15 -> 0.2 ...
        field = app.query_one("#noise")
        assert field.value == "0.2"
        await wait_for(pilot, lambda: app.run_info.spec.data.noise == 0.2)
        after = app.run_info.samples
        assert after.x == before.x and after.y == before.y  # the same inputs...
        assert after.targets != before.targets  # ...with the new noise on their targets
        assert app.last.step == 0  # redrawn before training, not trained
        await pilot.press(*["minus"] * 6)  # stops at 0
        assert field.value == "0"
        await wait_for(pilot, lambda: app.run_info.spec.data.noise == 0.0)
        await pilot.press("escape", "i")  # the inspector takes both inputs of the point
        await wait_for(pilot, lambda: type(app.screen).__name__ == "InspectScreen")
        assert app.inspecting == [after.x[0], after.y[0]]


async def test_a_pinned_baseline_draws_its_heatmap_beside_the_runs(tmp_path) -> None:
    spec = tmp_path / "gauss.toml"
    spec.write_text(GAUSS + "[training]\nsteps = 20\n")
    app = PlaygroundApp(str(spec), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        await pilot.press("b", "n")  # pin it; the new run steps once beside it
        base = app.query_one("#base")
        await wait_for(pilot, lambda: base.display and isinstance(base.fit, HeatGrid))
        assert isinstance(app.query_one("#data").fit, HeatGrid)


async def test_classes_field_shows_for_blobs_and_redraws_the_data() -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        row = app.query_one("#classes-row")
        assert not row.display  # clouds has two classes: no field
        await choose(pilot, "dataset", "blobs")
        await wait_for(pilot, lambda: app.run_info.spec.data.dataset == "blobs")
        assert row.display and app.run_info.samples.n_classes == 2
        await focus(pilot, "classes")
        await pilot.press("plus")
        await wait_for(pilot, lambda: app.run_info.samples.n_classes == 3)
        assert set(app.run_info.samples.labels) == {0, 1, 2}
        await pilot.press(*["plus"] * 9)  # the keys stop at 8
        assert app.query_one("#classes").value == "8"
        await wait_for(pilot, lambda: app.run_info.samples.n_classes == 8)
        await pilot.press("escape")
        await choose(pilot, "dataset", "moons")
        await wait_for(pilot, lambda: not row.display)


async def test_outside_split_asks_for_a_test_fraction_then_builds() -> None:
    engine = FakeEngine()
    app = PlaygroundApp(client=engine, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await choose(pilot, "test_split", "outside")
        error = app.query_one("#test_fraction-error", Label)
        await wait_for(pilot, lambda: error.display)
        assert "test split outside needs a test fraction above 0" in str(error.render())
        shown = [label.id for label in app.query(".error").results(Label) if label.display]
        assert shown == ["test_fraction-error"]  # on that field alone
        await focus(pilot, "test_fraction")
        await pilot.press("end", "ctrl+u", *"0.25")
        await wait_for(pilot, lambda: not error.display)
        await wait_for(pilot, lambda: built(engine).test_fraction == 0.25)
        assert built(engine).test_split == "outside"


def _csv(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    rows = "".join(f"{i % 5},{i * 0.5},{(i % 5) * 2 + 1}\n" for i in range(30))
    (tmp_path / "data" / "houses.csv").write_text("rooms,age,price\n" + rows)


async def test_csv_picker_lists_files_then_columns_and_picks_the_target(
    tmp_path, monkeypatch
) -> None:
    _csv(tmp_path, monkeypatch)
    engine = FakeEngine()
    app = PlaygroundApp(client=engine, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await choose(pilot, "dataset", "csv")
        await wait_for(pilot, lambda: on_screen(app, CsvPicker))
        files = app.screen.query_one("#picker", DataTable)
        assert files.get_row_at(0)[0] == "data/houses.csv"
        await pilot.press("down", "enter")  # into the list, open the file
        await wait_for(pilot, lambda: app.screen.query("#columns"))
        table = app.screen.query_one("#columns", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert rows == [["rooms", "0"], ["age", "0.0"], ["price", "1"]]
        assert app.focused is table and table.cursor_row == 2  # the last: the default
        await pilot.press("up", "enter")  # age is the target
        await wait_for(pilot, lambda: not isinstance(app.screen, CsvPicker))
        await wait_for(pilot, lambda: built(engine).dataset == "csv:data/houses.csv")
        assert built(engine).target == "age"
        assert str(app.query_one("#dataset").value) == "csv:data/houses.csv"


async def test_csv_picker_refuses_a_bad_path_and_escape_keeps_the_data(
    tmp_path, monkeypatch
) -> None:
    _csv(tmp_path, monkeypatch)
    (tmp_path / "one.csv").write_text("a\n1\n2\n")
    engine = FakeEngine()
    app = PlaygroundApp(client=engine, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        builds = engine.names().count("build")
        await choose(pilot, "dataset", "csv")
        await wait_for(pilot, lambda: on_screen(app, CsvPicker))
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#path"))
        await pilot.press(*"one.csv", "enter")
        error = app.screen.query_one("#path-error")
        await wait_for(pilot, lambda: "has one column" in str(error.render()))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CsvPicker))
        assert str(app.query_one("#dataset").value) == "square"
        await pilot.press("escape", "n")  # the run still trains on its own data
        await wait_for(pilot, lambda: engine.names()[-1] == "step")
        assert engine.names().count("build") == builds
