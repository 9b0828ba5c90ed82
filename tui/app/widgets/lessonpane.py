"""The lesson pane: a lesson's title, its text in steps, the goal with a live ✓/✗ for each
term, and the hints revealed so far (``h`` reveals the next).

Attributes down: the app calls :meth:`LessonPane.judge` with the run's latest results and
:meth:`LessonPane.reveal` on ``h``; the pane only draws. :func:`restrict` locks and hides
the lesson's fields in the control panel.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static
from torchplay.engine.run.goal import Outcome
from torchplay.engine.run.lessons import Lesson
from torchplay.tui.app.widgets.panel import IDS, ControlPanel
from torchplay.tui.draw.progress import fmt


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return fmt(value, ".4g")
    return "-" if value is None else str(value)


class LessonPane(Static):
    """What the lesson says and how far the run is from its goal."""

    DEFAULT_CSS = """
    LessonPane {
        height: auto;
        max-height: 14;
        border-top: solid $accent;
        padding: 0 1;
    }
    """

    def __init__(self, lesson: Lesson, number: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.number = number
        """``3/12`` for a built-in lesson; empty for a lesson file."""
        self.shown = 0
        """Hints revealed so far."""
        self.outcomes: tuple[Outcome, ...] = ()
        self.changed: list[str] = []
        self.passed = False
        """The goal was reached in this session (it stays so)."""

    def on_mount(self) -> None:
        self.update(self.render_text())

    def show_lesson(self, lesson: Lesson, number: str = "") -> None:
        """Another lesson: its text, no hints shown, the goal not yet judged."""
        self.lesson, self.number, self.shown = lesson, number, 0
        self.outcomes, self.changed, self.passed = (), [], False
        self.update(self.render_text())

    def reveal(self) -> bool:
        """Show the next hint; False when every hint is shown already."""
        if self.shown >= len(self.lesson.hints):
            return False
        self.shown += 1
        self.update(self.render_text())
        return True

    def judge(self, outcomes: tuple[Outcome, ...], changed: list[str]) -> bool:
        """Show each term's verdict; True when the goal holds now (and no locked field
        changed)."""
        self.outcomes, self.changed = outcomes, changed
        now = bool(outcomes) and all(o.passed for o in outcomes) and not changed
        self.passed = self.passed or now
        self.update(self.render_text())
        return now

    def render_text(self) -> Text:
        lesson = self.lesson
        out = Text()
        head = f"Lesson {self.number} · " if self.number else "Lesson · "
        out.append(head + lesson.title, style="bold")
        if self.passed:
            out.append("   ✓ passed", style="bold green")
        out.append("\n")
        for index, line in enumerate(lesson.text, 1):
            out.append(f"{index}. {line}\n")
        out.append("goal: ", style="bold")
        if not self.outcomes:
            out.append(f"{lesson.goal.text}   (train to see it)")
        for index, o in enumerate(self.outcomes):
            if index:
                out.append("  and  ")
            out.append("✓ " if o.passed else "✗ ", style="green" if o.passed else "red")
            out.append(o.term.text)
            if o.term.op is not None:
                out.append(f" ({_value(o.value)})", style="dim")
        for change in self.changed:
            out.append(f"\n✗ locked field changed: {change}", style="red")
        for index in range(self.shown):
            out.append(f"\nhint {index + 1}: ", style="bold")
            out.append(lesson.hints[index])
        left = len(lesson.hints) - self.shown
        if left:
            out.append(f"\nh: a hint ({left} left)", style="dim")
        return out


def unrestrict(panel: ControlPanel) -> None:
    """Every field editable and shown again (another lesson, or none, comes next); the
    schedule's rows follow the schedule again at the panel's next ``show``."""
    for name in ["scenario", *IDS.values()]:
        widget = panel.query_one(f"#{name}")
        widget.disabled = False
        row = widget.parent
        (row if row is not None and row.has_class("row") else widget).display = True


def restrict(panel: ControlPanel, lesson: Lesson) -> None:
    """Disable the lesson's locked fields and hide its hidden ones in ``panel``, and the
    scenario choice (which would replace the lesson's spec)."""
    ids = IDS
    for field in lesson.lock:
        if field in ids:
            panel.query_one(f"#{ids[field]}").disabled = True
    for name in ["scenario", *(ids[f] for f in lesson.hide if f in ids)]:
        widget = panel.query_one(f"#{name}")
        row = widget.parent
        (row if row is not None and row.has_class("row") else widget).display = False
