"""Pilot: ctrl+o and c list the runs folder's checkpoints (step, loss, date) from their
headers; a row loads, or adds itself to compare's paths; typing a path still works."""

from __future__ import annotations

from textual.widgets import DataTable
from torchplay.engine.files.ckheader import list_checkpoints, summary
from torchplay.engine.process import commands as c
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.picker import PickerDialog
from torchplay.tui.app.screens.screens import CompareScreen

from tests.tui.fake_engine import FakeEngine
from tests.tui.helpers import on_screen, saved_runs, wait_for


def _runs(tmp_path, monkeypatch) -> list[str]:
    """runs/ under a fresh working folder: two checkpoints (one a folder down), and junk."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs" / "sub").mkdir(parents=True)
    paths = saved_runs(tmp_path / "runs", "regression", {"short": 20})
    paths += saved_runs(tmp_path / "runs" / "sub", "regression", {"long": 60})
    (tmp_path / "runs" / "junk.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}")
    return paths


def test_headers_give_name_step_state_and_loss(tmp_path, monkeypatch) -> None:
    _runs(tmp_path, monkeypatch)
    found = list_checkpoints("runs")
    assert [s.path for s in found] == ["runs/sub/long.safetensors", "runs/short.safetensors"]
    assert (found[0].name, found[0].step, found[0].state) == ("regression", 60, "paused")
    assert 0 < found[0].loss < found[1].loss  # the longer run's last recorded loss is lower
    assert summary("runs/junk.safetensors") is None and summary("runs/none") is None


async def test_ctrl_o_lists_checkpoints_and_a_row_loads(tmp_path, monkeypatch) -> None:
    _runs(tmp_path, monkeypatch)
    engine = FakeEngine()
    app = PlaygroundApp(client=engine, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: on_screen(app, PickerDialog))
        table = app.screen.query_one("#picker", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[:2] for r in rows] == [
            ["sub/long.safetensors", "60"],
            ["short.safetensors", "20"],
        ]
        assert rows[0][2] != "-" and rows[0][3].count(":") == 1  # a loss, and a date
        await pilot.press("down", "down", "enter")  # into the list, second row, open
        await wait_for(pilot, lambda: engine.names()[-1] == "load")
        assert engine.sent[-1] == c.Load("runs/short.safetensors")


async def test_compare_collects_rows_and_typed_paths_still_work(tmp_path, monkeypatch) -> None:
    _runs(tmp_path, monkeypatch)
    engine = FakeEngine()
    app = PlaygroundApp(client=engine, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None)
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, PickerDialog))
        field = app.screen.query_one("#path")
        await pilot.press("down", "enter", "down", "enter")
        assert field.value.split() == ["runs/sub/long.safetensors", "runs/short.safetensors"]
        await pilot.press("enter")  # again on the second row: removed
        assert field.value.split() == ["runs/sub/long.safetensors"]
        await pilot.click("#path")
        typed = " typed/elsewhere.safetensors"
        await pilot.press("end", *("space" if c == " " else c for c in typed))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, CompareScreen))
        assert app.screen.paths == ["runs/sub/long.safetensors", "typed/elsewhere.safetensors"]
