"""The app from a spec file whose ``[sweep]`` table holds a search (``torchplay sweep
--search``'s keys): the app trains grids, so the sweep screen starts from its default axes;
the search's keys are no grid axes and no error."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.sweepscreen import DEFAULT_AXES

from tests.tui.test_sweepscreen import open_sweep_screen


async def test_a_search_table_leaves_the_screens_grid_to_its_defaults(tmp_path) -> None:
    path = tmp_path / "search.toml"
    path.write_text(
        'scenario = "regression"\n[training]\nsteps = 10\n'
        '[sweep]\nsearch = "tpe"\ntrials = 8\n'
        '[sweep.space]\n"training.lr" = "1e-3:1:log"\n"model.activation" = ["relu", "tanh"]\n'
    )
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sweep_screen(pilot, app)
        assert [screen.query_one(f"#axis-{i}").value for i in (0, 1)] == list(DEFAULT_AXES)
        assert str(screen.query_one("#sweep-error").render()) == ""
