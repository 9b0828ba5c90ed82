"""Modal screens: a path prompt, the model view and the compare view."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static
from torchplay.engine.run.describe import describe, sequential_code, subclass_code
from torchplay.engine.run.spec import ModelSpec
from torchplay.engine.run.views import RunView
from torchplay.tui.app.fields import OrderedInput
from torchplay.tui.app.widgets.charts import Chart, DataChart
from torchplay.tui.draw.plotting import draw_run_losses


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
            yield OrderedInput(self.default, id="path")
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


def imports(code: str) -> str:
    """The imports ``code`` needs: torch, and ``F`` when it calls torch.nn.functional."""
    lines = ["import torch"]
    if re.search(r"\bF\.", code):
        lines.append("import torch.nn.functional as F")
    return "\n".join(lines)


class ModelScreen(ModalScreen[None]):
    """``print(net)`` with parameter counts, beside the same net as a subclassed Net.

    Code lines never wrap: the two blocks stand side by side when they fit, one above the
    other when not, and the view scrolls both ways.
    """

    BINDINGS = [
        Binding("escape,m,q", "close", "Close"),
        Binding("S", "app.screenshot", "Screenshot", show=False),  # the model view's SVG
    ]

    def __init__(self, model: ModelSpec, n_in: int, n_out: int) -> None:
        super().__init__()
        self.model, self.n_in, self.n_out = model, n_in, n_out

    def compose(self) -> ComposeResult:
        m, a, b = self.model, self.n_in, self.n_out
        subclass = subclass_code(m, a, b)
        self.blocks = [
            ("print(net)", describe(m, a, b) + "\n\n" + sequential_code(m, a, b)),
            ("the same network as a subclass", imports(subclass) + "\n\n" + subclass),
        ]
        with ScrollableContainer(id="model") as view:
            view.border_title = "the network as PyTorch code"
            view.border_subtitle = "arrows scroll · esc closes"
            for title, code in self.blocks:
                yield Static(Text.assemble((title, "bold"), "\n\n", code), classes="code")

    def on_resize(self) -> None:
        """Stack the blocks when side by side they would not fit."""
        view = self.query_one("#model", ScrollableContainer)
        needed = sum(max(map(len, code.splitlines())) + 4 for _, code in self.blocks)  # padding
        view.set_class(needed > view.scrollable_content_region.width, "-stacked")

    def action_close(self) -> None:
        self.dismiss(None)


def run_stem(name: str) -> str:
    """A checkpoint's name as a chart title: its file name without ``.safetensors``."""
    return name.rsplit("/", 1)[-1].removesuffix(".safetensors")


class CompareLoss(Chart):
    """The saved models' train losses on one chart."""

    runs: list[RunView] = []
    log_scale = False

    def plot(self, plt) -> None:
        named = [(run_stem(run.name), run.points) for run in self.runs]
        width, height = self.size
        draw_run_losses(plt, named, width, self.log_scale, self.glyphs, height)


MAX_COMPARED = 3
"""Checkpoints the compare screen shows side by side."""


class CompareScreen(ModalScreen[None]):
    """Up to three saved models side by side: their fits or boundaries, and losses.

    Covers the whole terminal, with a footer of its own keys (the main screen's do nothing
    here). Opens empty; once its charts are laid out it asks (:class:`Requested`) for the
    runs with decision grids of each chart's size, and :meth:`show` draws them.
    """

    BINDINGS = [
        Binding("escape,c,q", "close", "Close", tooltip="Back to the main screen"),
        Binding("l", "log_scale", "Log", tooltip="Loss chart: switch the log scale"),
    ]

    class Requested(Message):
        """Evaluate ``paths``, each with a decision grid of the size in ``grids``."""

        def __init__(self, paths: list[str], grids: list[tuple[int, int]]) -> None:
            super().__init__()
            self.paths, self.grids = paths, grids

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths, self.left_out = paths[:MAX_COMPARED], paths[MAX_COMPARED:]
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
        yield Footer(compact=True)

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
            chart.show(run.samples, run.fit, f"{run_stem(run.name)} @ {run.step:,}")
            chart.replot()
        loss = self.query_one("#cmp-loss", CompareLoss)
        loss.runs = runs
        loss.replot()

    def action_log_scale(self) -> None:
        loss = self.query_one(CompareLoss)
        loss.log_scale = not loss.log_scale
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
    from torchplay.engine.files.atomic import TargetError, check_target

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
