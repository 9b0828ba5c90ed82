"""Quitting: ``q`` asks first when the run has more than a thousand steps not saved (as
``r`` does), ``ctrl+q`` quits without asking. A mixin of
:class:`~torchplay.tui.app.app.PlaygroundApp`, as :class:`~torchplay.tui.app.actions.filekeys.FileKeys`."""

from __future__ import annotations

from torchplay.tui.app.screens.screens import ConfirmDialog


class QuitKeys:
    """``q`` and ``ctrl+q``; the app provides ``unsaved_steps``, ``remember``, ``client``
    and ``spec``."""

    quitting = False
    """Set once the person chose to quit: the engine then ends without a recovery
    checkpoint (:mod:`torchplay.tui.app.actions.recovery`)."""

    def action_quit(self) -> None:
        """Quit, asking first past :data:`~torchplay.tui.app.keys.RESET_ASK_STEPS`
        steps not saved."""
        steps = self.unsaved_steps()
        if not steps:
            self.action_quit_now()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_quit_now()

        question = (
            f"Quit? The run's {steps:,} steps are not saved (ctrl+s saves them; "
            "ctrl+q quits without asking)."
        )
        self.push_screen(ConfirmDialog(question), answered)

    def action_quit_now(self) -> None:
        """Quit without asking: the run is dropped as it stands."""
        self.quitting = True
        self.remember(scenario=self.spec.name)  # what a bare `torchplay` opens next time
        self.client.close()
        self.exit()
