"""The engine's ``rescue`` command: a diverged run goes back to its newest sane snapshot
(:func:`torchplay.engine.train.rescue.sane_step`) and goes on from there with the spec the
app sends (a lower lr). Unlike a fork, the diverged run is not pinned as a baseline: its
loss of 1e+23 would flatten every other curve, and it is of no more use."""

from __future__ import annotations

from torchplay.engine.process.events import RunState
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.spec import Spec


class RescueCommand:
    """``rescue``, mixed into :class:`~torchplay.engine.process.worker.Engine`."""

    trainer: object

    def rescue(self, spec: Spec) -> None:
        """Replace the diverged run by a fork of its newest sane snapshot with
        ``spec``'s training settings.

        Raises:
            InputError: the run has not diverged; or the spec changes its data or model.
        """
        from torchplay.engine.train.lineage import fork
        from torchplay.engine.train.rescue import sane_step
        from torchplay.engine.train.threads import configure_threads

        parent = self.trainer
        if parent is None or parent.state != RunState.DIVERGED:
            raise InputError("rescue: the run has not diverged")
        child = fork(parent, sane_step(parent.snapshots), spec)
        configure_threads(child)
        self.trainer = child
        self.back_to_live()
        self._loaded()
