"""The app's side of recovery checkpoints (:mod:`torchplay.engine.process.recovery`): at
start it offers the run an earlier app left behind when it ended without quitting
("recover the run from 12:04, step 20,559?"); yes loads it, no discards it. A mixin of
:class:`~torchplay.tui.app.app.PlaygroundApp`."""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.process import recovery
from torchplay.tui.app.screens.screens import ConfirmDialog


class RecoveryOffer:
    """Asks about the newest recovery checkpoint, then (after a no) the next; the app
    provides ``load`` (:class:`~torchplay.tui.app.actions.filekeys.FileKeys`) and ``notify``."""

    recovering: str | None = None
    """The recovery checkpoint being loaded: removed once the run is back."""

    def recovery_folder(self) -> str:
        """Where this app's engine keeps its run should the app die (the state folder)."""
        return str(recovery.folder())

    def offer_recovery(self) -> None:
        """Ask about the newest run left behind, if any (newest first, one at a time)."""
        left = recovery.pending(self.recovery_folder())
        if not left:
            return
        run = left[0]

        def answered(yes: bool | None) -> None:
            if yes:
                self.recovering = run.path
                self.load(run.path)
                return
            recovery.discard(run.path)
            self.notify(f"discarded the run at step {run.step:,}", timeout=4)
            self.offer_recovery()

        self.push_screen(ConfirmDialog(recovery.offer(run)), answered)

    def recovered(self, event: ev.RunLoaded) -> bool:
        """Take the run a recovery load brought back (True); False for any other load.
        Its file is removed: the run lives in the engine again, and is not saved."""
        if self.recovering is None or event.source != self.recovering:
            return False
        recovery.discard(self.recovering)
        self.recovering = None
        self.saved_at = None  # a reset or quit asks: the run is in no file now
        self.notify(f"recovered the run at step {event.step:,}")
        return True
