"""The app's lr finder (``L``): the range test's curve on the current settings, with its
suggestion and the other rules' (:mod:`torchplay.engine.train.lrrules`), and buttons that
apply one to the run: ``a`` (or ``1``) the suggestion, ``2`` and ``3`` the others.

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


RULES = {
    "min/10": "a tenth of the lr at the lowest loss (fastai's minimum)",
    "steepest": "where the loss falls fastest (Lightning's)",
    "valley": "half-way down the longest fall (fastai's valley)",
}
"""What each rule reads off the curve (their code: :mod:`torchplay.engine.train.lrrules`)."""


def ranked(found: LrFound) -> list[tuple[str, float | None]]:
    """The rules' suggestions, the one suggested first (the rule BENCHMARKS.md chose)."""
    picks = list(found.suggestions.items())
    picks.sort(key=lambda p: p[1] != found.suggested_lr or p[1] is None)  # stable
    return picks


class LrFindScreen(ModalScreen[float | None]):
    """Shows a finished range test; ``a`` or ``1`` applies the suggestion, ``2`` and
    ``3`` the other rules' (or their buttons)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("a,1", "apply(0)", "Apply"),
        Binding("2", "apply(1)", "2nd rule", show=False),
        Binding("3", "apply(2)", "3rd rule", show=False),
    ]

    def __init__(self, found: LrFound) -> None:
        super().__init__()
        self.found = found
        self.picks = ranked(found) or [("suggestion", found.suggested_lr)]

    def compose(self) -> ComposeResult:
        f = self.found
        end = "the loss diverged" if f.diverged else "the last lr"
        tried = (
            f"{len(f.lrs)} lrs tried"
            if not f.lrs
            else (f"{len(f.lrs)} lrs from {f.lrs[0]:.3g} to {f.lrs[-1]:.3g}, then {end}")
        )
        if f.suggested_lr is None:
            text = f"no suggestion: {tried}"
        else:
            rule, _ = self.picks[0]
            about = RULES.get(rule, rule)
            text = f"suggested lr {f.suggested_lr:.3g}: {about}; {tried}"
            others = [f"{name} {lr:.3g} ({k})" for k, (name, lr) in enumerate(self.picks, 1)
                      if k > 1 and lr is not None]  # fmt: skip
            if others:
                text += "\nother rules: " + " · ".join(others)
        with Vertical(id="lrfind") as box:
            box.border_title = "lr range test on the panel's settings"
            box.border_subtitle = "a applies · 2, 3 the other rules · esc closes"
            yield Static(text, id="lrfind-text")
            chart = LrFindChart(id="lrfind-chart")
            chart.found = f
            yield chart
            with Horizontal(id="lrfind-buttons"):
                for k, (name, lr) in enumerate(self.picks):
                    label = f"Apply lr {lr:.3g}" if k == 0 else f"{name} {lr:.3g}"
                    if lr is None:
                        label = "Apply" if k == 0 else name
                    yield Button(label, id=f"lrfind-apply-{k}", disabled=lr is None)
                yield Button("Close", id="lrfind-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.id or ""
        if name.startswith("lrfind-apply-"):
            self.action_apply(int(name.rsplit("-", 1)[1]))
        else:
            self.action_close()

    def action_apply(self, k: int = 0) -> None:
        if k < len(self.picks) and self.picks[k][1] is not None:
            self.dismiss(self.picks[k][1])

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
