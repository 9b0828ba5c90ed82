"""Chart ticks and labels: log-scale ticks say the loss itself, axes are named."""

from __future__ import annotations

from torchplay.engine.run.views import Samples
from torchplay.tui.draw.plotting import draw_data
from torchplay.tui.draw.ticks import compact_ticks


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


def test_ticks_keep_three_digits_and_write_thousands_out() -> None:
    fig = Figure()
    compact_ticks(fig, [1, 3001], [0.0243, 0.1101])
    assert fig.calls["xticks"][1] == ["1", "751", "1,501", "2,251", "3,001"]
    assert fig.calls["yticks"][1][0] == "0.0243" and fig.calls["yticks"][1][-1] == "0.11"


def test_no_more_y_ticks_than_rows() -> None:
    fig = Figure()
    compact_ticks(fig, [0, 1], [0.0, 8.0], height=8)  # 3 rows of plot area
    assert fig.calls["yticks"][1] == ["0", "4", "8"]
    fig = Figure()
    compact_ticks(fig, [0, 1], [-6.0, 0.0], log_y=True, height=8)  # 7 decades, 3 rows
    assert fig.calls["yticks"][1] == ["1e-6", "1e-3", "1e0"]


def test_log_ticks_inside_one_decade_do_not_fail() -> None:
    """D1: losses 0.44 .. 0.66 (log10 -0.358 .. -0.179) hold no whole decade."""
    fig = Figure()
    compact_ticks(fig, [1, 2], [-0.358, -0.179], log_y=True)
    assert fig.calls["yticks"][1] == ["0.44", "0.49", "0.54", "0.6", "0.66"]


def test_a_tick_at_zero_reads_zero() -> None:
    """An even split of -1.3013 .. 1.3 put a tick at -0.000325; on an axis across 0 it
    reads 0. A positive axis keeps its lowest value, however large the spacing."""
    fig = Figure()
    compact_ticks(fig, [0, 1], [-1.3013, 1.3])
    assert fig.calls["yticks"][1][2] == "0"
    fig = Figure()
    compact_ticks(fig, [0, 1], [0.663, 6.88e30])
    assert fig.calls["yticks"][1][0] == "0.663"
