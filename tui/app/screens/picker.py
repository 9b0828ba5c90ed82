"""A checkpoint picker for load and compare: the runs folder's checkpoints, newest first,
with step, loss and date, above a path field that still takes any typed path.

The list comes from :mod:`torchplay.engine.files.ckheader` (safetensors headers only: no torch
in the UI process). Enter on a row picks it: load opens it at once; compare adds it to
the paths in the field (Enter again removes it), up to three, and Enter in the field
opens them.
"""

from __future__ import annotations

import datetime

from textual.binding import Binding
from textual.widgets import DataTable, Input, Static
from torchplay.engine.files.ckheader import Summary, list_checkpoints
from torchplay.tui.app.screens.screens import RUNS, PathDialog
from torchplay.tui.draw.progress import fmt


def when(seconds: float) -> str:
    """A file time as the list shows it: ``2026-11-27 09:41`` (local time)."""
    return datetime.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")


class PickerDialog(PathDialog):
    """A :class:`PathDialog` with the runs folder's checkpoints listed under its field.

    ``many`` > 1 collects up to that many paths (compare); otherwise a row is the answer.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_list", "List", show=False),
    ]

    def __init__(self, title: str, default: str, many: int = 1, folder: str = RUNS) -> None:
        super().__init__(title, default)
        self.many, self.folder = many, folder
        self.found: list[Summary] = []

    def on_mount(self) -> None:
        self.found = list_checkpoints(self.folder)
        dialog = self.query_one("#dialog")
        if not self.found:
            note = f"no checkpoints under {self.folder}/ yet (ctrl+s saves one): type a path"
            dialog.mount(Static(note, id="picker-note"), after="#path")
            return
        table: DataTable = DataTable(id="picker", cursor_type="row", zebra_stripes=True)
        table.add_columns("checkpoint", "step", "loss", "saved")
        prefix = self.folder.rstrip("/") + "/"
        for run in self.found:
            shown = run.path.removeprefix(prefix)
            table.add_row(shown, f"{run.step:,}", fmt(run.loss, ".4g"), when(run.modified))
        hint = (
            f"Enter adds or removes a row (up to {self.many}); Enter in the field opens them"
            if self.many > 1
            else "↓ to the list, Enter opens a row; or type a path"
        )
        dialog.mount(table, Static(hint, id="picker-note"), after="#path")

    def action_to_list(self) -> None:
        """From the field, ↓ moves into the list."""
        if self.found and isinstance(self.focused, Input):
            self.query_one("#picker", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        path = self.found[event.cursor_row].path
        if self.many <= 1:
            self.dismiss(path)
            return
        field = self.query_one("#path", Input)
        paths = [p for p in field.value.split() if p != self.folder and p != f"{self.folder}/"]
        if path in paths:
            paths.remove(path)
        elif len(paths) < self.many:
            paths.append(path)
        else:
            self.notify(f"compare shows up to {self.many}: remove one first", severity="warning")
        field.value = " ".join(paths)
