"""The sweep screen's analysis views: parallel coordinates, slice plots, importance bars.

One widget draws the chosen view (:attr:`SweepChart.mode`) of a
:class:`~torchplay.tui.draw.scales.SweepView` with :mod:`torchplay.tui.draw.parcoords` and
:mod:`torchplay.tui.draw.slices`. As :mod:`torchplay.tui.app.widgets.smallmultiples` does,
it builds its lines on a worker thread (one build at a time; a repaint only copies them),
so a 4,096-member sweep redrawn twice a second never stalls the app. A drawing error
shows the placeholder line (logged) and the next build tries again.

The cursor is a member: arrows move it through the members by loss (up: better, down:
worse; Home the best, End the worst), its values and loss on the first line, and Enter
(:class:`MemberSelected`) opens it, as Enter on a heatmap cell does.
"""

from __future__ import annotations

from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from torchplay.engine.sweeps.importance import importance
from torchplay.tui.app.widgets.contained import Contained, failed_lines
from torchplay.tui.draw import parcoords, slices
from torchplay.tui.draw.braille import Run
from torchplay.tui.draw.contain import fault, record
from torchplay.tui.draw.scales import SweepView

MODES = ("parallel", "slices", "importance")
ROLES = ("line", "best", "diverged", "cursor", "axis", "tick", "name", "bar")
"""The roles :mod:`torchplay.tui.draw.braille` gives runs, one component class each."""


class SweepChart(Contained, Widget, can_focus=True):
    """The members of a sweep in one of :data:`MODES`; arrows choose one, Enter opens it."""

    BINDINGS = [
        Binding("enter", "select", "Open member"),
        Binding("up,left", "move(-1)", "Better", show=False),
        Binding("down,right", "move(1)", "Worse", show=False),
        Binding("home", "move(-100000)", "Best", show=False),
        Binding("end", "move(100000)", "Worst", show=False),
    ]
    COMPONENT_CLASSES = {f"sweep-chart--{role}" for role in ROLES}
    DEFAULT_CSS = """
    SweepChart { background: $surface; }
    SweepChart > .sweep-chart--line { color: $text-muted; }
    SweepChart > .sweep-chart--best { color: $success; text-style: bold; }
    SweepChart > .sweep-chart--diverged { color: $error; }
    SweepChart > .sweep-chart--cursor { color: $warning; text-style: bold; }
    SweepChart > .sweep-chart--axis { color: $text-muted; }
    SweepChart > .sweep-chart--tick { color: $text-accent; }
    SweepChart > .sweep-chart--name { text-style: bold; }
    SweepChart > .sweep-chart--bar { color: $success; }
    """

    class MemberSelected(Message):
        """Enter on the member at ``index`` (its place in the grid)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Built(Message):
        """The widget's lines, built off the UI thread, and a blank line as wide."""

        def __init__(self, lines: list[Strip], blank: Strip) -> None:
            super().__init__()
            self.lines, self.blank = lines, blank

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mode = MODES[0]
        self.view: SweepView | None = None
        self.rank = 0
        """The cursor's place among the members ranked by loss (0: the best)."""
        self.member: int | None = None
        """The member under the cursor (kept when the ranking changes as they train)."""
        self.lines: list[Strip] = []
        self.blank = Strip([])
        self.building = False
        self.again = False
        self.styles_used: dict[str, Style] | None = None

    # -- content ---------------------------------------------------------------------------

    def show(self, view: SweepView | None) -> None:
        """Draw ``view`` (None: nothing yet); the cursor stays on its member."""
        self.view = view
        if view is not None and view.overrides:
            ranked = view.ranked()
            if self.member is None or self.member >= len(ranked):
                self.member = ranked[0]
            self.rank = ranked.index(self.member)
        else:
            self.member, self.rank = None, 0
        self.replot()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.replot()

    def action_move(self, by: int) -> None:
        if self.view is None or not self.view.overrides or self.mode == "importance":
            return
        ranked = self.view.ranked()
        self.rank = max(0, min(len(ranked) - 1, self.rank + by))
        self.member = ranked[self.rank]
        self.replot()

    def action_select(self) -> None:
        if self.member is not None and self.mode != "importance":
            self.post_message(self.MemberSelected(self.member))

    # -- drawing ---------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.replot()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_used = None
        self.replot()

    def replot(self) -> None:
        """Build the lines on a thread (styles and the view taken here)."""
        if self.building:
            self.again = True
            return
        width, height = self.size
        if not width or not height or not self.is_mounted:
            return  # not laid out yet: on_resize replots
        if self.styles_used is None:
            self.styles_used = {"": self.rich_style} | {
                role: self.get_component_rich_style(f"sweep-chart--{role}") for role in ROLES
            }
        self.building = True
        build = partial(
            self._build, self.view, self.mode, self.member, width, height, self.styles_used
        )
        worker = {"name": "sweep-chart", "description": "sweep-chart", "group": f"chart-{id(self)}"}
        self.run_worker(build, thread=True, **worker)

    def _build(self, view, mode, member, width, height, styles) -> None:
        """Every line (a worker thread: touches no widget state); a drawing error gives
        the placeholder line instead (logged)."""
        try:
            fault(self.where)
            lines = [
                self._strip(runs, width, styles) for runs in draw(view, mode, member, width, height)
            ]
        except Exception as exc:  # the widget's error stays in the widget
            lines = failed_lines(record(self.where, exc), width, 1)
        self.post_message(self.Built(lines, Strip.blank(width, styles[""])))

    @staticmethod
    def _strip(runs: list[Run], width: int, styles: dict[str, Style]) -> Strip:
        base = styles[""]
        segments = [Segment(text, base + styles[role] if role else base) for text, role in runs]
        return Strip(segments).crop(0, width).extend_cell_length(width, base)

    def on_sweep_chart_built(self, message: Built) -> None:
        message.stop()
        self.building = False
        self.lines, self.blank = message.lines, message.blank
        self.refresh()
        if self.again:
            self.again = False
            self.replot()

    def render_line(self, y: int) -> Strip:
        return self.lines[y] if y < len(self.lines) else self.blank


def draw(
    view: SweepView | None, mode: str, member: int | None, width: int, height: int
) -> list[list[Run]]:
    """The lines of ``mode`` for ``view`` at ``width`` x ``height``: the cursor's member
    on the first line (parallel and slices), the chart under it."""
    if view is None or not view.overrides:
        return [[("Start trains the grid; its members appear here", "axis")]]
    if mode == "importance":
        rated = importance(view.overrides, view.losses, view.diverged, view.keys)
        names = {k: view.name(k) for k in view.keys}
        return slices.render_importance(rated, names, width)[:height]
    head = [[(parcoords.describe(view, member), "cursor")]] if member is not None else [[("", "")]]
    if mode == "slices":
        body = slices.render_slices(view, width, height - 1, cursor=member)
    else:
        body = parcoords.render(view, width, height - 1, cursor=member)
    return (head + body)[:height]
