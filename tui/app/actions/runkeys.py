"""The app's run keys and the panel's edits: run/pause (space), one step (``n``), reset
(``r``), and what a changed field does to the run (applied live, a rebuild, or a question).

A mixin of :class:`~torchplay.tui.app.app.PlaygroundApp`, as
:class:`~torchplay.tui.app.actions.filekeys.FileKeys`; the app provides ``client``,
``spec``, ``state``, ``last``, ``run_info`` and the rest.
"""

from __future__ import annotations

from torchplay.engine.process.commands import same_run
from torchplay.engine.run.spec import Spec
from torchplay.tui.app.keys import RESET_ASK_STEPS
from torchplay.tui.app.screens.screens import ConfirmDialog
from torchplay.tui.app.widgets.panel import CHOICES, ControlPanel


class RunKeys:
    """Space, ``n``, ``r`` and the control panel's messages."""

    # -- the panel -------------------------------------------------------------------

    def on_control_panel_changed(self, message: ControlPanel.Changed) -> None:
        if message.spec is None:
            return
        old, new = self.spec, message.spec
        self.spec = new
        if new.training.lr != old.training.lr and self.run_info is not None:
            self.client.set_lr(new.training.lr)
        if same_run(old, new):
            self.update_status()
            return  # the learning rate and the step count apply to the running model
        if self.state != "running" and not self.unsaved_steps():
            self.client.build(new)
            return
        # Data or network changed mid-run, or on a stopped run with steps worth keeping:
        # it needs a reset, so ask (on Enter for text fields, at once for choices).
        self.pending = True
        if message.field == "scenario" or message.field in CHOICES:
            self.ask_reset()
        else:
            self.update_status()

    def on_control_panel_submitted(self, _message: ControlPanel.Submitted) -> None:
        if self.pending:
            self.ask_reset()

    def show_live_lr(self) -> None:
        """Put the run's learning rate (it may have changed mid-run) in the panel."""
        if self.last is not None and self.last.lr != self.spec.training.lr:
            self.spec = self.spec.with_overrides({"training.lr": self.last.lr})
        self.query_one(ControlPanel).show(self.spec)

    def ask_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            self.pending = False
            if yes:
                self.last = None
                self.client.build(self.spec)
            elif self.run_info is not None:
                self.spec = self.run_info.spec
                self.show_live_lr()
            self.update_status()

        question = "The data or network changed: reset the model and apply it?"
        if steps := self.unsaved_steps():
            question += f" Its {steps:,} steps are not saved (ctrl+s saves them)."
        self.push_screen(ConfirmDialog(question), answered)

    # -- the run keys ----------------------------------------------------------------

    def trainable_spec(self) -> Spec | None:
        """The panel's spec when every field is valid; otherwise None, and says so.

        Every way to train (space, ``n``, a sweep) asks this first.
        """
        spec = self.query_one(ControlPanel).validate_all()
        if spec is None:
            self.notify("fix the marked fields first", severity="warning")
        return spec

    def queue(self, action: str) -> bool:
        """While the engine starts, remember ``action`` for when it is ready (after those
        pressed before it: ``n n`` gives two steps)."""
        if self.state != "starting":
            return False
        self.queued.append(action)
        self.update_status()
        return True

    def action_toggle(self) -> None:
        if self.queue("toggle") or self.state == "error":
            return
        if self.state == "running":
            self.client.pause()
            return
        if self.pending:  # a change waits for its reset: ask first, not on the quiet
            self.ask_reset()
            return
        spec = self.trainable_spec()
        if spec is None:
            return
        if self.state == "diverged" and self.last is not None:
            self.offer_rescue(spec)  # actions/rescue.py: back to a sane snapshot?
            return
        self.start_run(spec)

    def start_run(self, spec: Spec) -> None:
        """Train ``spec``: the run goes on, or a new one starts (the engine decides)."""
        self.spec = spec
        self.client.start(spec)  # RunStarted says when it runs

    def action_step(self) -> None:
        if self.queue("step") or self.state == "error":
            return
        if self.trainable_spec() is not None:
            self.client.step(1)

    def action_reset(self) -> None:
        if self.state == "error":
            self.client.close()
            self.start_engine()
            self.update_status()
            return
        if self.state == "starting":
            return  # nothing to reset yet
        spec = self.trainable_spec()
        if spec is None:
            return
        step = self.unsaved_steps()
        if not step:
            self.rebuild(spec)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.rebuild(spec)

        question = f"Reset the run? Its {step:,} steps are not saved (ctrl+s saves them)."
        self.push_screen(ConfirmDialog(question), answered)

    def unsaved_steps(self) -> int:
        """The run's step count when a reset would lose more than RESET_ASK_STEPS steps
        not saved since; else 0 (nothing worth asking about)."""
        step = self.last.step if self.last else 0
        return 0 if step <= RESET_ASK_STEPS or self.saved_at == step else step

    def rebuild(self, spec: Spec) -> None:
        """Start over from ``spec``: a new model at step 0."""
        self.spec = spec
        self.last = None
        self.client.build(spec)
