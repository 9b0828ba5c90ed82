"""The sweep screen (``s``) from a spec file's ``[sweep]`` table: its axes, its notes, and a
``model.hidden`` axis from the table that trains (helpers: tests/tui/test_sweepscreen.py)."""

from __future__ import annotations

import pytest
from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.sweepscreen import DEFAULT_AXES, first_axes

from tests.tui.test_sweepscreen import finished, open_sweep_screen


async def test_a_spec_files_sweep_table_fills_the_axes(tmp_path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 20\n'
        '[sweep]\n"data.seed" = [3, 4]\n"model.activation" = "tanh,relu"\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        fields = [field.value for field in screen.query("Input.axis")]
        assert fields == ["data.seed=3,4", "model.activation=tanh,relu", ""]
        screen.query_one("#sweep-steps").focus()
        await pilot.press("enter")
        await finished(pilot, screen)
        assert screen.started.axes == [
            ("data.seed", [3, 4]),
            ("model.activation", ["tanh", "relu"]),
        ]


@pytest.mark.parametrize(
    ("table", "axes", "note"),
    [
        ({}, list(DEFAULT_AXES), ""),
        ({"training": {"lr": [0.1, 0.2]}}, ["training.lr=0.1,0.2"], ""),
        ({"a.b": [1], "c.d": "x", "e.f": [True]}, ["a.b=1", "c.d=x", "e.f=true"], ""),
        ({f"k.a{i}": [i] for i in range(9)}, [f"k.a{i}={i}" for i in range(8)], "has 9 keys"),
        ({"training.lr": []}, list(DEFAULT_AXES), "training.lr: empty list"),
    ],
)
def test_first_axes_from_a_table(table, axes, note) -> None:
    got, said = first_axes(table)
    assert got == axes and (note in said if note else said == "")


async def test_a_sweep_tables_hidden_axis_trains(tmp_path) -> None:
    path = tmp_path / "hidden.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 10\n'
        '[sweep]\n"model.hidden" = [[8], [8, 8], []]\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        screen.query_one("#sweep-steps").focus()
        await pilot.press("enter")
        await finished(pilot, screen)
        assert screen.started.axes == [("model.hidden", [[8], [8, 8], []])]
        table = screen.query_one("#heatmap")
        assert table.labels == ["8", "8x8", "none"]


@pytest.mark.parametrize(
    ("table", "shown"),
    [
        (
            "".join(f'"k.a{i}" = [{i}]\n' for i in range(9)),
            "the file's [sweep] has 9 keys: the first 8 are here",
        ),
        ('"training.lr" = []\n', "the file's [sweep] training.lr: empty list"),
    ],
)
async def test_the_sweep_tables_note_shows_its_brackets(tmp_path, table, shown) -> None:
    path = tmp_path / "note.toml"
    path.write_text(f'scenario = "regression"\n[sweep]\n{table}')
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sweep_screen(pilot, app)
        assert shown in str(app.screen.query_one("#sweep-error").render())
