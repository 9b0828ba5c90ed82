"""The CSV picker: the panel's ``dataset = csv`` opens it. First a file (the CSV files
under the working folder, newest first, above a path field that takes any typed path), then
its columns with the first row's values: Enter on one makes it the target.

The load picker's widgets (:class:`~torchplay.tui.app.screens.picker.PickerDialog`: a
:class:`PathDialog` with a :class:`DataTable` under its field). Headers are read by
:mod:`torchplay.engine.files.csvheader` (no torch in the UI process). The answer is
``(path, target column)``, or None on escape.
"""

from __future__ import annotations

import os

from textual.binding import Binding
from textual.widgets import DataTable, Input, Static
from torchplay.engine.files.csvheader import Columns, columns, find_csv
from torchplay.engine.run.errors import InputError
from torchplay.tui.app.screens.picker import when
from torchplay.tui.app.screens.screens import PathDialog

FILE_HINT = "↓ to the list, Enter opens a file; or type a path and Enter"
COLUMN_HINT = "Enter picks the target column (the network predicts it from the others)"


class CsvPicker(PathDialog):
    """Pick a CSV file, then its target column; dismissed with ``(path, column)``."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_list", "List", show=False),
    ]

    def __init__(self, folder: str = ".") -> None:
        super().__init__("open a CSV file, then pick its target column", "")
        self.folder = folder
        self.found: list[str] = []
        self.chosen: Columns | None = None
        """The file whose columns are listed (None: the files are)."""

    def on_mount(self) -> None:
        self.found = find_csv(self.folder)
        dialog = self.query_one("#dialog")
        if not self.found:
            note = f"no CSV files under {os.path.abspath(self.folder)}: type a path"
            dialog.mount(Static(note, id="picker-note"), after="#path")
            return
        table: DataTable = DataTable(id="picker", cursor_type="row", zebra_stripes=True)
        table.add_columns("csv file", "modified")
        for path in self.found:
            table.add_row(os.path.relpath(path, self.folder), when(os.path.getmtime(path)))
        dialog.mount(table, Static(FILE_HINT, id="picker-note"), after="#path")

    def action_to_list(self) -> None:
        """From the field, ↓ moves into the list."""
        tables = self.query(DataTable)
        if tables and isinstance(self.focused, Input):
            tables.first().focus()

    def _submit(self, value: str) -> None:
        """The path field's Enter (or OK): list that file's columns."""
        if self.chosen is not None and value.strip() == self.chosen.path:
            self.dismiss((self.chosen.path, self.chosen.names[-1]))  # Enter again: the last
        elif value.strip():
            self.call_later(self.open, value.strip())

    async def open(self, path: str) -> None:
        """Show ``path``'s columns to pick the target from (an error stays in the dialog)."""
        error = self.query_one("#path-error", Static)
        try:
            found = columns(path)
        except InputError as exc:
            error.update(str(exc))
            return
        error.update("")
        self.chosen = found
        self.query_one("#path", Input).value = path
        await self.query("#picker, #picker-note, #columns, #columns-note").remove()
        table: DataTable = DataTable(id="columns", cursor_type="row", zebra_stripes=True)
        table.add_columns("target column", "first row")
        for k, name in enumerate(found.names):
            table.add_row(name, found.first[k] if k < len(found.first) else "")
        note = Static(COLUMN_HINT, id="columns-note")
        await self.query_one("#dialog").mount(table, note, after="#path-error")
        table.move_cursor(row=len(found.names) - 1)  # the default target: the last column
        table.focus()

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "columns" and self.chosen is not None:
            self.dismiss((self.chosen.path, self.chosen.names[event.cursor_row]))
        elif event.data_table.id == "picker":
            await self.open(self.found[event.cursor_row])
