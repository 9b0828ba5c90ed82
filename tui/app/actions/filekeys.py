"""The app's file keys: save, load and compare ask for paths, then send the engine its
command; the panel's ``dataset = csv`` opens the CSV picker; the model key shows the network. A mixin of :class:`~torchplay.tui.app.app.PlaygroundApp`
(kept apart so the app module stays about the run), using the app's state below."""

from __future__ import annotations

import os
from collections.abc import Callable

from torchplay.engine.process import events as ev
from torchplay.engine.process.client import EngineClient
from torchplay.engine.run import share
from torchplay.engine.run.spec import Spec
from torchplay.tui.app.screens.csvpicker import CsvPicker
from torchplay.tui.app.screens.picker import PickerDialog
from torchplay.tui.app.screens.screens import (
    CompareScreen,
    ModelScreen,
    PathDialog,
    save_target_error,
)
from torchplay.tui.app.widgets.charts import LossChart
from torchplay.tui.app.widgets.panel import ControlPanel


class FileKeys:
    """``ctrl+s``, ``ctrl+o``, ``c`` and ``m`` for an App that has these attributes."""

    client: EngineClient
    spec: Spec
    last: ev.StepsCompleted | None
    run_info: ev.RunLoaded | None
    saved: list[str]
    """Paths saved this session, latest last: the dialogs offer them."""
    state: str
    pending_load: str | None

    def action_model(self) -> None:
        info = self.run_info
        n_in, n_out = (info.n_inputs, info.n_outputs) if info else (1, 1)
        self.push_screen(ModelScreen(self.spec.model, n_in, n_out))

    def ask_path(self, dialog: PathDialog, then: Callable[[str], object]) -> None:
        """Show ``dialog``; ``then`` gets its answer unless it was cancelled."""
        self.push_screen(dialog, lambda answer: then(answer) if answer else None)

    def action_save(self) -> None:
        step = self.last.step if self.last else 0
        stem = f"{self.settings.runs}/{self.spec.name.replace(' ', '-')}-step{step}"
        default = free_path(stem, ".safetensors")
        self.ask_path(
            PathDialog("save checkpoint to", default, save_target_error), self.client.save
        )

    def action_load(self) -> None:
        default = self.saved[-1] if self.saved else f"{self.settings.runs}/"
        dialog = PickerDialog("load checkpoint", default, folder=self.settings.runs)
        self.ask_path(dialog, self.load)

    def load(self, path: str) -> None:
        self.query_one(LossChart).show([])
        if share.looks_like(path):  # a share string: trained again, its hash checked
            if self.state == "starting":
                self.pending_share = path.strip()
            else:
                self.client.open_shared(path.strip())
            return
        if self.state == "starting":
            self.pending_load = path  # the engine loads it once started, instead of a build
            return
        self.client.load(path)

    def on_control_panel_csv_requested(self, _message: ControlPanel.CsvRequested) -> None:
        """The panel's ``dataset = csv``: pick a file and its target, then train on it."""

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer:
                self.query_one(ControlPanel).use_csv(*answer)

        self.push_screen(CsvPicker(), chosen)

    def action_compare(self) -> None:
        default = " ".join(self.saved[-3:]) or f"{self.settings.runs}/"
        title = "compare checkpoints (up to 3 paths)"
        dialog = PickerDialog(title, default, many=3, folder=self.settings.runs)
        self.ask_path(dialog, lambda paths: self.push_screen(CompareScreen(paths.split())))


def free_path(stem: str, suffix: str) -> str:
    """``STEM.SUFFIX``, or ``STEM-2.SUFFIX``, ``-3``... when taken: the save dialog's
    default never names a checkpoint already there (a second run at the same step saved
    over the first without a word); typing that path still replaces it, by choice."""
    path, n = f"{stem}{suffix}", 1
    while os.path.exists(path):
        n += 1
        path = f"{stem}-{n}{suffix}"
    return path
