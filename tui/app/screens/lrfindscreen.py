"""The app's lr finder (``L``): the range test's curve on the current settings, with its
suggestion, and a button that applies it to the run.

:class:`LrFindKey` is the app's side (a mixin, as ``FileKeys``). The engine process runs :func:`torchplay.engine.train.lrfind.lr_find` on the panel's spec (from
the spec's initial weights, beside the run, which is not touched) and answers with an
:class:`~torchplay.engine.process.events.LrFound`. The screen dismisses with the lr to apply, or
None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from torchplay.engine.process.client import EngineClient
from torchplay.engine.process.events import LrFound
from torchplay.engine.run.spec import Spec
from torchplay.tui.app.widgets.charts import Chart
from torchplay.tui.app.widgets.panel import ControlPanel
from torchplay.tui.draw.plotting import draw_lr_find


class LrFindChart(Chart):
    """Smoothed loss against the lr (log axis), the suggestion marked."""

    found: LrFound | None = None

    def plot(self, plt) -> None:
        if self.found is not None:
            f = self.found
            draw_lr_find(plt, f.lrs, f.losses, f.suggested_lr)


class LrFindScreen(ModalScreen[float | None]):
    """Shows a finished range test; ``a`` (or the button) applies the suggestion."""

    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("a", "apply", "Apply")]

    def __init__(self, found: LrFound) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        f = self.found
        end = "the loss diverged" if f.diverged else "the last lr"
        if f.suggested_lr is None:
            text = f"no suggestion: {len(f.lrs)} lrs tried before {end}"
        else:
            text = (
                f"suggested lr {f.suggested_lr:.3g} (steepest descent; "
                f"{len(f.lrs)} lrs from {f.lrs[0]:.3g} to {f.lrs[-1]:.3g}, then {end})"
            )
        with Vertical(id="lrfind") as box:
            box.border_title = "lr range test on the panel's settings"
            box.border_subtitle = "a applies · esc closes"
            yield Static(text, id="lrfind-text")
            chart = LrFindChart(id="lrfind-chart")
            chart.found = f
            yield chart
            with Horizontal(id="lrfind-buttons"):
                label = f"Apply lr {f.suggested_lr:.3g}" if f.suggested_lr else "Apply"
                yield Button(label, id="lrfind-apply", disabled=f.suggested_lr is None)
                yield Button("Close", id="lrfind-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "lrfind-apply":
            self.action_apply()
        else:
            self.action_close()

    def action_apply(self) -> None:
        if self.found.suggested_lr is not None:
            self.dismiss(self.found.suggested_lr)

    def action_close(self) -> None:
        self.dismiss(None)


class LrFindKey:
    """``L`` for an App with these attributes; the app pushes :class:`LrFindScreen` with
    :meth:`apply_lr` as its callback when the engine's ``LrFound`` arrives."""

    client: EngineClient
    spec: Spec
    run_info: object | None

    def action_lr_find(self) -> None:
        """The lr range test on the panel's settings."""
        self.client.lr_find(self.spec)
        self.notify("lr range test: running on the panel's settings")

    def apply_lr(self, lr: float | None) -> None:
        """Use ``lr`` (rounded to the 3 digits shown) for the run and in the panel."""
        if lr is None:
            return
        lr = float(f"{lr:.3g}")
        self.spec = self.spec.with_overrides({"training.lr": lr})
        if self.run_info is not None:
            self.client.set_lr(lr)
        self.query_one(ControlPanel).show(self.spec)
        self.notify(f"lr {lr:g} applied")
