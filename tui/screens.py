"""Modal screens: a path prompt, the model view and the compare view."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from torchplay.engine.describe import describe, sequential_code, subclass_code
from torchplay.engine.spec import ModelSpec
from torchplay.tui.charts import Chart, DataChart
from torchplay.tui.textplots import downsample


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

    def __init__(self, items: list[dict], **kwargs) -> None:
        super().__init__(**kwargs)
        self.items = items

    def plot(self, plt) -> None:
        for item in self.items:
            pts = [p for p in item["points"] if p[1] is not None]
            x, y = downsample([p[0] for p in pts], [p[1] for p in pts], 2 * self.size.width)
            plt.plot(x, y, label=item["name"].rsplit("/", 1)[-1], marker="braille")
        plt.title("train loss")


class CompareScreen(ModalScreen[None]):
    """Up to three saved models side by side: their fits or boundaries, and losses."""

    BINDINGS = [Binding("escape,c,q", "close", "Close")]

    def __init__(self, items: list[dict]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(id="compare"):
            with Horizontal(id="compare-fits"):
                for i, _ in enumerate(self.items):
                    yield DataChart(id=f"cmp-{i}")
            yield CompareLoss(self.items, id="cmp-loss")

    def on_mount(self) -> None:
        for i, item in enumerate(self.items):
            chart = self.query_one(f"#cmp-{i}", DataChart)
            chart.kind, chart.samples, chart.chart = item["task"], item["data"], item["chart"]
            chart.heading = f"{item['name'].rsplit('/', 1)[-1]} @ {item['step']}"
            chart.replot()
        self.query_one("#cmp-loss", CompareLoss).replot()

    def action_close(self) -> None:
        self.dismiss(None)
