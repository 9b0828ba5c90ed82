"""Grading a lesson: train a spec (or read a checkpoint) and judge the goal on its results.

``torchplay check`` and the lesson tests call :func:`grade`; the app judges the same
goal live on the results its engine reports (:func:`torchplay.engine.run.goal.Goal.judge`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torchplay.engine.run.goal import Outcome
from torchplay.engine.run.lessons import Lesson, check_locks
from torchplay.engine.run.spec import Spec
from torchplay.engine.train.trainer import DIVERGED, STOPPED_EARLY, Trainer


@dataclass(frozen=True)
class Grade:
    """A lesson's verdict on one run."""

    outcomes: tuple[Outcome, ...]
    """Each goal term with its value."""
    changed: tuple[str, ...]
    """Locked or hidden fields the run changed (any fails the lesson)."""
    results: dict
    """Everything a goal may name, as measured."""

    @property
    def passed(self) -> bool:
        return not self.changed and all(o.passed for o in self.outcomes)

    def to_json(self, lesson: Lesson) -> dict:
        return {
            "lesson": lesson.name,
            "goal": lesson.goal.text,
            "passed": self.passed,
            "terms": [o.to_json() for o in self.outcomes],
            "locked_changed": list(self.changed),
            "results": self.results,
        }


def results(trainer: Trainer) -> dict:
    """What a goal can name (:data:`torchplay.engine.run.goal.RESULTS`) for ``trainer`` now."""
    snap = trainer.snapshot()
    return {
        "train_loss": snap.train_loss,
        "test_loss": snap.test_loss,
        "accuracy": snap.accuracy,
        "r2": snap.r2,
        "params": trainer.params,
        "steps": trainer.step_count,
        "lr": trainer.lr,
        "stopped_early": trainer.state == STOPPED_EARLY,
        "diverged": trainer.state == DIVERGED,
        "forked": getattr(trainer, "forked_from", None) is not None,
    }


def judge(lesson: Lesson, trainer: Trainer) -> Grade:
    """The verdict on ``trainer`` as it is (a checkpoint read back, a run that ended)."""
    measured = results(trainer)
    return Grade(lesson.goal.judge(measured), tuple(check_locks(lesson, trainer.spec)), measured)


def train(spec: Spec) -> Trainer:
    """A run of ``spec`` to its ``training.steps`` (or until it stops early or diverges)."""
    from torchplay.engine.train.threads import configure_threads_for

    configure_threads_for(0)
    trainer = Trainer(spec)
    trainer.run()
    return trainer


def grade(lesson: Lesson, spec: Spec | None = None) -> Grade:
    """Train ``spec`` (default: the lesson's start) and judge it."""
    return judge(lesson, train(spec if spec is not None else lesson.spec))
