"""The app's lesson and sharing keys: ``O`` (pick a lesson), ``h`` (the next hint), ``y``
(copy the run as a share string) and ``Y`` (copy the ``torchplay train ...`` line that trains it again), both to
the terminal's clipboard by OSC 52 (Textual's ``copy_to_clipboard``: works over SSH).

:class:`LessonKeys` is mixed into :class:`torchplay.tui.app.app.PlaygroundApp`.
:meth:`LessonKeys.observe_lesson` sees every engine event first: it judges the lesson's goal
on each progress event (the pane shows ✓/✗ live; a pass is kept in the settings); its
receivers take the answers to the share commands (tui/app/receivers.py).
"""

from __future__ import annotations

from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.run import lessons
from torchplay.engine.run.datafields import width
from torchplay.engine.run.lessons import Lesson
from torchplay.tui.app.screens.lessonpicker import LessonPicker
from torchplay.tui.app.widgets.lessonpane import LessonPane, restrict, unrestrict
from torchplay.tui.app.widgets.panel import ControlPanel
from torchplay.tui.cli.reproduce import train_command


def param_count(spec, n_inputs: int, n_outputs: int) -> int:
    """The network's parameters (weights and biases), as the engine counts them."""
    widths = [width(spec.data.features, n_inputs), *spec.model.hidden, n_outputs]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:], strict=False))


class LessonKeys:
    """``h``, ``y`` and ``Y``; the app provides ``lesson``, ``client``, ``spec``,
    ``run_info``, ``last``, ``settings`` and ``remember``."""

    lesson: Lesson | None
    run_forked = False
    """The run is a fork (time travel's ``f``): the goal's ``forked``."""
    fork_asked = False

    def lesson_number(self) -> str:
        """``3/12`` for a built-in lesson, empty for a lesson file."""
        names = lessons.builtin_names()
        if self.lesson is None or self.lesson.path or self.lesson.name not in names:
            return ""
        return f"{names.index(self.lesson.name) + 1}/{len(names)}"

    def on_mount(self) -> None:
        """Lock and hide the lesson's fields before the first frame (Textual calls each
        class's ``on_mount`` in turn, the app's first: the settings are read); a newcomer
        hears about the lessons, once (the settings remember it)."""
        if self.lesson is not None:
            restrict(self.query_one(ControlPanel), self.lesson)
        elif not self.settings.passed and not self.settings.welcomed:
            self.call_after_refresh(
                self.notify, "New here? Press O for the lessons (h gives hints there)", timeout=12
            )
            self.remember(welcomed=True)

    def action_lessons(self) -> None:
        """The lesson picker; the lesson chosen opens here (the run starts over)."""
        current = self.lesson.name if self.lesson is not None else ""
        picker = LessonPicker(lessons.builtin(), self.settings.passed, current)
        self.push_screen(picker, lambda name: self.open_lesson(name) if name else None)

    def open_lesson(self, name: str) -> None:
        """Show lesson ``name``: its pane, its locks, its starting run."""
        lesson = lessons.load(name)
        panel = self.query_one(ControlPanel)
        unrestrict(panel)
        self.lesson = lesson
        if self.query(LessonPane):
            self.query_one(LessonPane).show_lesson(lesson, self.lesson_number())
        else:
            self.mount(LessonPane(lesson, self.lesson_number(), id="lesson"), before="#status")
        self.spec = lesson.spec
        panel.show(lesson.spec)
        restrict(panel, lesson)
        if self.state == "starting":
            return  # the engine builds self.spec once it is up
        self.client.build(lesson.spec)

    def receive_shared_opened(self, event: ev.SharedOpened) -> None:
        if event.verified:
            self.notify("share string verified: the same weights, bit for bit")
        else:
            lines = "\n".join(event.differences)
            self.notify(lines, title="not verified", severity="warning", timeout=12)

    def observe_lesson(self, event: object) -> None:
        """See every engine event before its receiver: forks, and the live goal."""
        if isinstance(event, ev.RunLoaded):
            self.run_forked, self.fork_asked = self.fork_asked, False
        elif isinstance(event, ev.CommandFailed) and isinstance(event.command, c.Fork):
            self.fork_asked = False
        elif isinstance(event, ev.StepsCompleted) and self.lesson is not None:
            self.call_after_refresh(self._judge, event)

    def _judge(self, event: ev.StepsCompleted) -> None:
        info = self.run_info
        if info is None:
            return
        results = {
            "train_loss": event.train_loss,
            "test_loss": event.test_loss,
            "accuracy": event.accuracy,
            "r2": event.r2,
            "params": param_count(self.spec, info.n_inputs, info.n_outputs),
            "steps": event.step,
            "lr": event.lr,
            "stopped_early": event.state == ev.RunState.STOPPED_EARLY,
            "diverged": event.state == ev.RunState.DIVERGED,
            "forked": self.run_forked,
        }
        pane = self.query_one(LessonPane)
        was = pane.passed
        if pane.judge(self.lesson.goal.judge(results), lessons.check_locks(self.lesson, self.spec)):
            if not was:
                self._passed()

    def _passed(self) -> None:
        name, names = self.lesson.name, lessons.builtin_names()
        following = ""
        if not self.lesson.path and name in names:
            if name not in self.settings.passed:
                self.remember(passed=(*self.settings.passed, name))
            index = names.index(name)
            if index + 1 < len(names):
                following = f": next, {names[index + 1]} (O picks it)"
        self.notify(f"lesson passed{following}", title="✓ goal reached", timeout=10)

    def action_hint(self) -> None:
        if self.lesson is None:
            self.notify("no lesson open: torchplay learn lists them")
            return
        if not self.query_one(LessonPane).reveal():
            self.notify("every hint is shown")

    def action_fork(self) -> None:
        self.fork_asked = True
        super().action_fork()  # type: ignore[misc]

    def action_copy_share(self) -> None:
        """Ask the engine for the share string; ``ShareMade`` copies it."""
        if self.run_info is None:
            return
        self.client.share()

    def receive_share_made(self, event: ev.ShareMade) -> None:
        """Copy the share string the engine made (``y``)."""
        if not event.text:
            self.notify(event.problem, title="no share string", severity="warning", timeout=10)
            return
        self.copy_to_clipboard(event.text)
        note = (
            f"copied a share string ({len(event.text)} characters): torchplay open STRING checks it"
        )
        if event.lr_changed:
            note += "\nthe lr changed during the run, so it will not verify: fork (f) instead"
        self.notify(note, timeout=8)

    def action_copy_command(self) -> None:
        """Copy the ``torchplay train`` line that trains this run's spec to its step."""
        step = self.last.step if self.last is not None and self.last.step else None
        line = train_command(self.spec, step)
        self.copy_to_clipboard(line)
        note = f"copied: {line}"
        if self.run_forked:
            note += "\n(a fork is not one command: y copies a share string that is)"
        self.notify(note, timeout=8)
