"""The panel's layer controls (dropout, norm, residual, init, and the activation), typed
and chosen with the keys: the run the engine builds has them, and a bad value shows its
error under its field. On the real engine, in a thread."""

from __future__ import annotations

from textual.widgets import Label
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import choose, type_into, wait_for


async def test_layer_controls_build_the_run() -> None:
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await type_into(pilot, "hidden", "4,4,4")
        await choose(pilot, "activation", "tanh")
        await type_into(pilot, "dropout", "0.1,0,0.2")
        await choose(pilot, "norm", "layer")
        await type_into(pilot, "residual", "on")
        await type_into(pilot, "init", "normal:0.3")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.run_info.spec.model.init == "normal:0.3")
        model = app.run_info.spec.model
        assert (model.hidden, model.activation, model.dropout) == ((4, 4, 4), "tanh", (0.1, 0, 0.2))
        assert (model.norm, model.residual) == ("layer", True)
        await type_into(pilot, "init", "normal:x")
        error = app.query_one("#init-error", Label)
        await wait_for(pilot, lambda: error.display)
        assert "model.init" in str(error.render())
        await type_into(pilot, "dropout", "0.1,0.2")  # two values for three layers
        await wait_for(pilot, lambda: app.query_one("#dropout-error", Label).display)
        assert "model.dropout" in str(app.query_one("#dropout-error", Label).render())


async def test_an_activation_per_layer_from_a_file_shows_in_its_list(tmp_path) -> None:
    """A spec with ``relu,tanh`` (not one of the list's names) opens, shows it, and a
    name chosen with the keys replaces it."""
    from textual.widgets import Select

    path = tmp_path / "s.toml"
    path.write_text('[model]\nhidden = [4, 4]\nactivation = "relu,tanh"\n')
    app = PlaygroundApp(source=str(path), in_process=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        select = app.query_one("#activation", Select)
        assert select.value == "relu,tanh"
        await choose(pilot, "activation", "gelu")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.run_info.spec.model.activation == "gelu")


async def test_the_kernel_list_runs_the_compiled_kernel() -> None:
    """``kernel`` chosen in the panel with the keys: space trains on the numba kernel
    (the engine's step events say which kernel ran; the status line shows it)."""
    app = PlaygroundApp(in_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None)
        await choose(pilot, "kernel", "compiled")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.run_info.spec.training.kernel == "compiled")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last is not None and app.last.step > 0, seconds=60)
        assert app.last.kernel == "compiled"
