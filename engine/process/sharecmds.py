"""The engine's share-string commands: the run's string (the app's ``y``), and a string's
run trained again as the run, with its hash checked (``torchplay tui STRING``, a string
pasted into the load field).

:class:`ShareCommands` is mixed into :class:`torchplay.engine.process.worker.Engine`, which
owns ``trainer`` and ``conn``.
"""

from __future__ import annotations

from torchplay.engine.process import events as ev
from torchplay.engine.run.errors import InputError


class ShareCommands:
    """``Share`` and ``OpenShared`` (:mod:`torchplay.engine.process.commands`)."""

    trainer: object
    conn: object

    def share(self) -> None:
        from torchplay.engine.run.share import encode
        from torchplay.engine.train.replay import shared_of

        t = self.trainer
        if t is None:
            return
        try:
            text = encode(shared_of(t))
        except InputError as exc:
            self.conn.send(ev.ShareMade("", str(exc)))
            return
        self.conn.send(ev.ShareMade(text, lr_changed=t.lr != t.spec.training.lr))

    def open_shared(self, text: str) -> None:
        """Raises:
        ShareError: a string that does not decode (the app shows it; the run stays)."""
        from torchplay.engine.run.share import decode
        from torchplay.engine.train.replay import verify
        from torchplay.engine.train.threads import configure_threads

        verdict = verify(decode(text))
        self.trainer = verdict.trainer
        configure_threads(self.trainer)
        self.back_to_live()  # type: ignore[attr-defined]
        self._loaded("share string")  # type: ignore[attr-defined]
        self.conn.send(ev.SharedOpened(verdict.verified, verdict.differences()))
