"""Modal screens: a path prompt, the model view and the compare view."""

from __future__ import annotations

import os
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from torchplay.engine.describe import describe, sequential_code, subclass_code
from torchplay.engine.spec import ModelSpec
from torchplay.engine.views import RunView
from torchplay.tui.charts import Chart, DataChart
from torchplay.tui.plotting import downsample


class PathDialog(ModalScreen[str | None]):
    """Ask for a path; dismiss with it, or None on escape.

    ``check``, when given, returns an error message for a path it refuses: the dialog
    shows it under the field and stays open, so the user can fix the path.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, default: str, check: Callable[[str], str | None] | None = None
    ) -> None:
        super().__init__()
        self.title_text, self.default, self.check = title, default, check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text)
            yield Input(self.default, id="path")
            yield Static("", id="path-error", classes="error")
            with Horizontal():
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def _submit(self, value: str) -> None:
        value = value.strip()
        error = self.check(value) if value and self.check else None
        if error:
            self.query_one("#path-error", Static).update(error)
            return
        self.dismiss(value or None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit(self.query_one("#path", Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; dismiss with True for yes."""

    BINDINGS = [Binding("escape,n", "answer(False)", "No"), Binding("y", "answer(True)", "Yes")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question)
            with Horizontal():
                yield Button("Yes (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ModelScreen(ModalScreen[None]):
    """``print(net)`` with parameter counts, beside the same net as a subclassed Net."""

    BINDINGS = [Binding("escape,m,q", "close", "Close")]

    def __init__(self, model: ModelSpec, n_in: int, n_out: int) -> None:
        super().__init__()
        self.model, self.n_in, self.n_out = model, n_in, n_out

    def compose(self) -> ComposeResult:
        m, a, b = self.model, self.n_in, self.n_out
        with Horizontal(id="model"):
            yield Static(
                "[b]print(net)[/b]\n\n" + describe(m, a, b) + "\n\n" + sequential_code(m, a, b),
                classes="code",
                markup=True,
            )
            yield Static(
                "[b]the same network as a subclass[/b]\n\n" + subclass_code(m, a, b),
                classes="code",
                markup=True,
            )

    def action_close(self) -> None:
        self.dismiss(None)


class CompareLoss(Chart):
    """The saved models' train losses on one chart."""

    runs: list[RunView] = []

    def plot(self, plt) -> None:
        for run in self.runs:
            pts = [p for p in run.points if p[1] is not None]
            x, y = downsample([p[0] for p in pts], [p[1] for p in pts], 2 * self.size.width)
            plt.plot(x, y, label=run.name.rsplit("/", 1)[-1], marker="braille")
        plt.title("train loss")


class CompareScreen(ModalScreen[None]):
    """Up to three saved models side by side: their fits or boundaries, and losses.

    Opens empty; once its charts are laid out it asks (:class:`Requested`) for the runs
    with decision grids of each chart's size, and :meth:`show` draws them.
    """

    BINDINGS = [Binding("escape,c,q", "close", "Close")]

    class Requested(Message):
        """Evaluate ``paths``, each with a decision grid of the size in ``grids``."""

        def __init__(self, paths: list[str], grids: list[tuple[int, int]]) -> None:
            super().__init__()
            self.paths, self.grids = paths, grids

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths, self.left_out = paths[:3], paths[3:]
        self.runs: list[RunView] = []
        self.grids: dict[str, tuple[int, int]] = {}

    def on_mount(self) -> None:
        if self.left_out:
            self.notify(
                f"compare shows up to 3 checkpoints: {3 + len(self.left_out)} given, "
                f"showing the first 3 (left out: {' '.join(self.left_out)})",
                severity="warning",
            )

    def compose(self) -> ComposeResult:
        with Vertical(id="compare"):
            with Horizontal(id="compare-fits"):
                for i, _ in enumerate(self.paths):
                    yield DataChart(id=f"cmp-{i}")
            yield CompareLoss(id="cmp-loss")

    def on_data_chart_resized(self, message: DataChart.Resized) -> None:
        message.stop()  # these charts' sizes are this screen's business, not the app's
        if len(self.grids) == len(self.paths):
            return  # asked already
        self.grids[message.chart.id] = (message.cols, message.rows)
        if len(self.grids) == len(self.paths):
            grids = [self.grids[f"cmp-{i}"] for i in range(len(self.paths))]
            self.post_message(self.Requested(self.paths, grids))

    def show(self, runs: list[RunView]) -> None:
        """Draw the runs the engine evaluated."""
        self.runs = runs
        for i, run in enumerate(runs):
            chart = self.query_one(f"#cmp-{i}", DataChart)
            chart.show(run.samples, run.fit, f"{run.name.rsplit('/', 1)[-1]} @ {run.step}")
            chart.replot()
        loss = self.query_one("#cmp-loss", CompareLoss)
        loss.runs = runs
        loss.replot()

    def action_close(self) -> None:
        self.dismiss(None)


RUNS = "runs"
"""The app's own folder for checkpoints (relative to where it was started)."""


def save_target_error(path: str) -> str | None:
    """Why the app cannot save to ``path``, or None when it can.

    Creates the runs folder (and folders under it) on demand; a missing folder anywhere
    else is reported, never created.
    """
    from torchplay.engine.atomic import TargetError, check_target

    folder = os.path.dirname(os.path.abspath(path))
    runs = os.path.abspath(RUNS)
    if not os.path.isdir(folder) and os.path.commonpath([folder, runs]) == runs:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            return f"cannot create folder {folder!r}: {exc.strerror or exc}"
    try:
        check_target(path, "")
    except TargetError as exc:
        return str(exc)
    return None
