"""The loss chart marks where a held lr dropped (step, plateau), not a lr that changes at
every point (cosine, exponential); ``train --plot`` draws the same marks."""

from __future__ import annotations

import math
import re

import plotext
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.app.widgets.charts import LossChart
from torchplay.tui.cli.textplots import loss_chart
from torchplay.tui.draw.plotting import draw_loss


def _marks(lrs: list[float], chunks: int = 3) -> list[int]:
    chart = LossChart()
    chart.show([])
    points = [(k + 1, 1.0 / (k + 1), None) for k in range(len(lrs))]
    size = -(-len(points) // chunks)  # in several snapshots, as the engine sends them
    for i in range(0, len(points), size):
        chart.extend(points[i : i + size], lrs[i : i + size])
    return chart.marks


def test_step_drops_are_marked_across_snapshots() -> None:
    lrs = [0.2] * 10 + [0.1] * 10 + [0.05] * 10
    assert _marks(lrs) == [11, 21]
    assert _marks(lrs, chunks=30) == [11, 21]  # one point per snapshot


def test_smooth_schedules_mark_nothing() -> None:
    cosine = [0.1 * (1 + math.cos(math.pi * k / 30)) for k in range(30)]
    assert _marks(cosine) == []
    assert _marks([0.2] * 30) == []


def test_engine_snapshots_drive_the_marks() -> None:
    spec = get_scenario("regression").with_overrides(
        {"training.schedule": "step", "training.schedule_every": 40, "training.steps": 120}
    )
    trainer = Trainer(spec)
    snap = trainer.run(interval=1e9)
    chart = LossChart()
    chart.show([])
    chart.extend(snap.points, snap.lrs)
    assert chart.marks == [41, 81]  # the first step that ran with each lower lr
    assert trainer.schedule.drops_until(120) == chart.marks
    title = _title(snap.points, chart.marks)
    assert title == "loss · | lr drop"  # no stray comma
    plain = loss_chart(trainer.history.points, marks=chart.marks)
    assert "lr drop" in plain
    assert "lr drop" not in loss_chart(trainer.history.points)


def _title(points: list, marks: list[int], **kwargs) -> str:
    """The title draw_loss gives the chart."""
    plotext.clear_figure()
    draw_loss(plotext, points, 60, marks=marks, **kwargs)
    title = re.sub(r"\x1b\[[0-9;]*m", "", plotext.build().splitlines()[0]).strip()
    plotext.clear_figure()
    return title


def test_the_title_names_a_scheduled_lr() -> None:
    points = [(k + 1, 1.0 / (k + 1), None) for k in range(30)]
    assert _title(points, [], lr=0.009511) == "loss · lr 0.00951"
    assert _title(points, [11], lr=0.05) == "loss · lr 0.05 · | lr drop"
    assert _title(points, []) == "loss"
