"""Space after a divergence offers a way back: the run's newest snapshot whose loss was
still sane, and a lower lr (a tenth of the one it diverged with, or the panel's when
that is lower already). Yes replaces the run by a fork of that snapshot and trains on
(:mod:`torchplay.engine.process.rescue`); no trains on from the weights kept, as before;
escape does nothing. A mixin of :class:`~torchplay.tui.app.app.PlaygroundApp`."""

from __future__ import annotations

from textual.binding import Binding
from torchplay.engine.process import events as ev
from torchplay.engine.run.spec import Spec
from torchplay.tui.app.screens.screens import ConfirmDialog
from torchplay.tui.app.widgets.panel import ControlPanel


class RescueDialog(ConfirmDialog):
    """Yes, no, or (escape) neither."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("n", "answer(False)", "No")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class RescueOffer:
    """The app provides ``client``, ``last``, ``spec``, ``state`` and ``start_run``."""

    diverged_lr: float | None = None
    """The lr the run had when it diverged (the panel's lr may be lowered since)."""

    def note_divergence(self, event: ev.StepsCompleted) -> None:
        """Keep the lr of a run that just diverged (called with each progress event)."""
        if event.state == "diverged" and self.state != "diverged":
            self.diverged_lr = event.lr

    def offer_rescue(self, spec: Spec) -> None:
        """Ask whether to go back to the newest sane snapshot with a lower lr."""
        last = self.last
        was = self.diverged_lr or last.lr
        lower = spec.training.lr if spec.training.lr < was else was / 10
        rescue = spec.with_overrides({"training.lr": float(f"{lower:.3g}")})
        lr = rescue.training.lr

        def answered(yes: bool | None) -> None:
            if yes is None:
                return
            if yes:
                self.spec = rescue
                self.query_one(ControlPanel).show(rescue)
                self.client.rescue(rescue)
                self.notify(f"back to the last sane snapshot, lr {lr:g}", timeout=4)
                self.start_run(rescue)
            else:
                self.start_run(spec)

        question = (
            f"The run diverged at step {last.diverged_at:,} (lr {was:g}). Go back to its "
            f"last snapshot whose loss was sane and train on at lr {lr:g}? "
            f"(n: train on from the weights kept, step {last.step:,}; esc: neither)"
        )
        self.push_screen(RescueDialog(question), answered)
