"""The lesson picker (``O``): every built-in lesson, ✓ for the passed ones; Enter opens
one in the app, escape closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option
from torchplay.engine.run.lessons import Lesson


class LessonPicker(ModalScreen[str | None]):
    """Pick a lesson; dismiss with its name, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    LessonPicker { align: center middle; }
    LessonPicker > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    LessonPicker OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, lessons: list[Lesson], passed: tuple[str, ...], current: str = "") -> None:
        super().__init__()
        self.lessons, self.passed, self.current = lessons, passed, current

    def compose(self) -> ComposeResult:
        options = [
            Option(
                f"{'✓' if lesson.name in self.passed else ' '} {number:2d}  {lesson.title}",
                id=lesson.name,
            )
            for number, lesson in enumerate(self.lessons, 1)
        ]
        with Vertical():
            yield Label("Lessons: ↑↓ choose, Enter opens (the run starts over), escape closes")
            yield OptionList(*options, id="lessons")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        names = [lesson.name for lesson in self.lessons]
        here = names.index(self.current) if self.current in names else 0
        todo = [n for n in names[here:] + names[:here] if n not in self.passed]
        start = todo[0] if todo else names[0]  # this lesson, or the next not passed yet
        picker = self.query_one(OptionList)
        picker.highlighted = names.index(start)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
