"""Share strings with torch: what a run shares (:func:`shared_of`), and the same run trained
again from one and checked against its hash (:func:`verify`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torchplay.engine.files.checkpoint import weights_sha256
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.share import Shared
from torchplay.engine.train import lineage
from torchplay.engine.train.threads import configure_threads_for
from torchplay.engine.train.trainer import Trainer


def shared_of(trainer: Trainer) -> Shared:
    """What ``trainer`` shares: its first spec, its forks, its step and weights' hash.

    Raises:
        InputError: a forked run read from a checkpoint (which keeps no parent spec).
    """
    chain = trainer.lineage
    if trainer.forked_from is not None and not chain:
        raise InputError(
            "this checkpoint is of a forked run and does not hold its parent's spec: "
            "copy the share string in the app (y) while the run is open"
        )
    forks = [(step, spec) for step, spec in chain]
    start = forks[0][1] if forks else trainer.spec
    # chain holds (fork step, the spec trained up to it); a share string holds the start
    # spec and (fork step, the spec trained from it).
    specs = [spec for _, spec in forks[1:]] + ([trainer.spec] if forks else [])
    return Shared(
        spec=start,
        step=trainer.step_count,
        weights_sha256=weights_sha256(trainer),
        torch=torch.__version__,
        forks=tuple((step, spec) for (step, _), spec in zip(forks, specs, strict=True)),
    )


def rebuild(shared: Shared) -> Trainer:
    """Train the shared run again: the start spec up to the first fork, each fork on to
    the next, the last to ``shared.step``.

    Raises:
        InputError: a spec the trainer refuses (a CSV that is not here, ...).
    """
    configure_threads_for(0)
    run = Trainer(shared.spec)
    for step, spec in shared.forks:
        run.run(steps=step - run.step_count)
        if run.step_count != step:
            raise InputError(
                f"the shared run ended at step {run.step_count}, before its fork at {step}"
            )
        if step not in run.snapshots.steps:
            run.snapshots.take(run)
        run = lineage.fork(run, step, spec)
    run.run(steps=shared.step - run.step_count)
    return run


@dataclass(frozen=True)
class Verdict:
    """A shared run trained again."""

    shared: Shared
    trainer: Trainer
    weights_sha256: str
    """The hash here, at the step the run reached (``trainer.step_count``)."""

    @property
    def verified(self) -> bool:
        return (
            self.weights_sha256 == self.shared.weights_sha256
            and self.trainer.step_count == self.shared.step
        )

    def differences(self) -> list[str]:
        """What differs, one line each (empty when verified)."""
        out = []
        if self.trainer.step_count != self.shared.step:
            out.append(
                f"step: the string says {self.shared.step}, the run here ended at "
                f"{self.trainer.step_count} ({self.trainer.state})"
            )
        if self.weights_sha256 != self.shared.weights_sha256:
            out.append(
                f"weights_sha256: the string says {self.shared.weights_sha256[:16]}..., "
                f"here {self.weights_sha256[:16]}..."
            )
            if self.shared.torch and self.shared.torch != torch.__version__:
                out.append(
                    f"torch: the string was made with {self.shared.torch}, this is "
                    f"{torch.__version__} (kernels may round differently)"
                )
        return out

    def to_json(self) -> dict:
        return {
            "verified": self.verified,
            "step": self.trainer.step_count,
            "expected_step": self.shared.step,
            "weights_sha256": self.weights_sha256,
            "expected_weights_sha256": self.shared.weights_sha256,
            "torch": torch.__version__,
            "string_torch": self.shared.torch,
            "forks": [step for step, _ in self.shared.forks],
            "differences": self.differences(),
            "spec": self.shared.final_spec.to_dict(),
        }


def verify(shared: Shared) -> Verdict:
    """Train ``shared`` again and compare the weights' hash."""
    run = rebuild(shared)
    return Verdict(shared, run, weights_sha256(run))
