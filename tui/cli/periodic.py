"""``--save-every N`` and ``--save-best``: the headless run's periodic saves."""

from __future__ import annotations

from torchplay.engine.files.atomic import write_atomic
from torchplay.engine.run.errors import UserError
from torchplay.tui.cli.interrupts import Interrupts


class PeriodicSaver:
    """``--save-every N`` rewrites ``--save`` at each multiple of N steps; ``--save-best``
    writes the best weights so far when they changed (checked every N steps, 1,000 by
    default, and at the end). Called by the trainer's loop at those exact steps, it only
    serialises; a :class:`~torchplay.engine.files.atomic.BackgroundWriter` writes and fsyncs, so
    the loop does not wait for the disk. :meth:`finish` waits for it (before the final
    save to the same path)."""

    def __init__(self, trainer, args, interrupts: Interrupts) -> None:
        self.args, self.interrupts = args, interrupts
        if args.save_every is not None:
            if args.save_every < 1:
                raise UserError(f"--save-every {args.save_every}: must be 1 or more")
            if not args.save:
                raise UserError("--save-every needs --save PATH: the file to rewrite")
        self.every = args.save_every or (1000 if args.save_best else 0)
        self.best_written = -1
        if args.save_best:
            trainer.track_best()
        self.trainer = trainer
        from torchplay.engine.files.atomic import BackgroundWriter

        self.writer = BackgroundWriter()

    def __call__(self, trainer) -> None:
        from torchplay.engine.files import checkpoint

        if trainer.step_count >= trainer.goal:
            # The run's last step: the final save (and finish's best) follow at once, so
            # a write here would only be waited for and replaced.
            return
        if self.args.save_every:
            self.writer.submit(self.args.save, checkpoint.to_bytes(trainer))
        self.save_best(self.writer.submit)

    def finish(self) -> None:
        """Wait for the periodic writes, then write the best weights if they changed.

        Raises:
            TargetError: a write failed.
        """
        if self.every:
            path = self.args.save or self.args.save_best
            with self.interrupts.saving(path, abandon=self.writer.abandon):
                self.writer.wait()
        if self.args.save_best:
            with self.interrupts.saving(self.args.save_best):
                self.save_best(write_atomic)

    def save_best(self, write) -> None:
        """``write(path, bytes)`` the best weights when they changed since the last time."""
        from torchplay.engine.files import checkpoint

        best = self.trainer.best
        if (
            not self.args.save_best
            or best is None
            or best.step < 0
            or best.step == self.best_written
        ):
            return
        write(self.args.save_best, checkpoint.best_to_bytes(self.trainer))
        self.best_written = best.step
