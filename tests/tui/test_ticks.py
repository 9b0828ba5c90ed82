"""Chart ticks and labels: log-scale ticks say the loss itself, axes are named."""

from __future__ import annotations

from torchplay.engine.views import Samples
from torchplay.tui.plotting import compact_ticks, draw_data


class Figure:
    """Records what a chart asks of plotext."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple] = {}

    def __getattr__(self, name: str):
        def record(*args, **_kwargs):
            self.calls[name] = args

        return record


def test_log_ticks_are_in_loss_units() -> None:
    fig = Figure()
    compact_ticks(fig, [0, 100], [-3.2, 0.1], log_y=True)  # losses 6e-4 .. 1.26
    assert fig.calls["yticks"] == ([-3, -2, -1, 0], ["1e-3", "1e-2", "1e-1", "1e0"])
    fig = Figure()
    compact_ticks(fig, [0, 100], [-1.0, -0.5], log_y=True)  # within one decade
    assert fig.calls["yticks"][1][0] == "0.1" and fig.calls["yticks"][1][-1] == "0.32"


def test_axes_are_named_by_task() -> None:
    fig = Figure()
    draw_data(fig, Samples("regression", [0.0, 1.0], [1.0, 2.0]), None, 60, "fit")
    assert (fig.calls["xlabel"], fig.calls["ylabel"]) == (("x",), ("y",))
    fig = Figure()
    cls = Samples("classification", [0.0, 1.0], [1.0, 2.0], [0, 1], 2)
    draw_data(fig, cls, None, 60, "acc")
    assert (fig.calls["xlabel"], fig.calls["ylabel"]) == (("x1",), ("x2",))
