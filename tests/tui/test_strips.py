"""The health view's over-time heat-strips as drawn: one column per snapshot, value bins
up (highest at the top), the step in view reversed; weights and outputs side by side
when they fit, else one under the other."""

from __future__ import annotations

from torchplay.engine.run.views import HealthView, LayerBar, Strip, Strips
from torchplay.tui.app.widgets.healthview import render


def _view(step: int) -> HealthView:
    strip = Strip(-1.0, 1.0, [[0, 0, 0, 0, 0, 4], [4, 0, 0, 0, 0, 0], [0, 2, 0, 0, 2, 0]])
    bar = LayerBar(1.0, 0.1, "ok", [], 2)
    return HealthView(step, [bar], None, Strips([0, 10, 20], [strip], [strip]))


def test_strips_put_each_column_in_its_bins_and_mark_the_step_in_view() -> None:
    text = render(_view(10), 118)
    lines = text.plain.split("over time")[1].splitlines()
    assert "step 0 to 20 across (3 snapshots)" in lines[0]
    assert "L0 weights" in lines[1] and "L0 outputs" in lines[1]  # side by side
    assert lines[2].split()[0] == "1" and lines[7].split()[0] == "-1"  # high up, low down
    weights = [line[9:12] for line in lines[2:8]]
    assert weights == ["█  ", "  █", "   ", "   ", "  █", " █ "]
    marked = [s for s in text.spans if "reverse" in str(s.style)]
    assert len(marked) == 2 * 6  # the middle column of both strips, each bin


def test_strips_stack_on_a_narrow_screen() -> None:
    lines = render(_view(0), 24).plain.split("over time")[1].splitlines()
    assert "L0 weights" in lines[1] and "L0 outputs" not in lines[1]
    assert "L0 outputs" in lines[8]
