"""Pilot: the model view at 80 columns (no wrapped code line, the imports it needs); the
compare screen (opaque, its own keys, a word about a fourth path)."""

from __future__ import annotations

from torchplay.tui.app.app import PlaygroundApp
from torchplay.tui.app.screens.screens import CompareLoss, CompareScreen, ModelScreen, imports

from tests.tui.helpers import on_screen, saved_runs, type_in_dialog, wait_for


def test_imports_name_what_the_code_uses() -> None:
    assert imports("x = F.relu(self.hidden(x))") == (
        "import torch\nimport torch.nn.functional as F"
    )
    assert imports("x = torch.tanh(self.hidden(x))") == "import torch"


async def test_model_view_fits_80_columns_without_breaking_lines() -> None:
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: on_screen(app, ModelScreen))
        screen = app.screen
        view = screen.query_one("#model")
        await wait_for(pilot, lambda: view.has_class("-stacked"))  # side by side: too wide
        for block, (_title, code) in zip(screen.query(".code"), screen.blocks, strict=True):
            assert block.content_size.height == len(code.splitlines()) + 2  # title, blank
        assert "import torch.nn.functional as F" in screen.blocks[1][1]
        await pilot.press("down", "down", "down")
        assert view.scroll_y > 0  # the rest is a scroll away


async def test_compare_is_opaque_with_its_own_keys(tmp_path) -> None:
    saved = saved_runs(tmp_path, "save-restore", {f"run{k}": 10 * k for k in range(1, 5)})
    app = PlaygroundApp("regression", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.query("#path"))
        await type_in_dialog(pilot, " ".join(saved))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, CompareScreen))
        screen = app.screen
        told = " ".join(n.message for n in app._notifications)  # toasts stay on the main screen
        assert "4 given" in told and "run4.safetensors" in told
        assert screen.paths == saved[:3]
        await wait_for(pilot, lambda: screen.runs)
        assert screen.styles.background.a == 1.0  # nothing of the main screen shows
        shown = {b.binding.action for b in screen.active_bindings.values() if b.binding.show}
        assert shown == {"close", "log_scale"}  # not the main screen's l, m, space...
        loss = screen.query_one(CompareLoss)

        def drawn() -> str:  # the loss chart's title and tick labels, as shown
            return app.export_screenshot().replace("&#160;", " ")

        assert "train loss (log scale)" not in drawn()
        await pilot.press("l")
        assert loss.log_scale
        await wait_for(pilot, lambda: "train loss (log scale)" in drawn())  # redrawn
        await pilot.press("escape")
        assert not isinstance(app.screen, CompareScreen)
