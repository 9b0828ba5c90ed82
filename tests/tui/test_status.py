"""The status line fits the terminal: what shows elsewhere goes first, steps/s stay."""

from __future__ import annotations

import dataclasses

from torchplay.engine.process.events import RunState, StepsCompleted
from torchplay.tui.app.status import status_line


def _last(test_loss: float | None) -> StepsCompleted:
    return StepsCompleted(
        step=40,
        state=RunState.RUNNING,
        train_loss=0.123456,
        test_loss=test_loss,
        accuracy=0.95,
        r2=None,
        steps_per_s=4184.0,
        lr=0.02,
        target=100,
    )


def test_wide_terminals_get_everything() -> None:
    line = status_line("running", _last(None), width=200)
    assert line.split(" │ ") == [
        "running",
        "step 40/100 ETA 0s",
        "train 0.1235",
        "test -",
        "train acc 0.950",
        "4,184 steps/s",
    ]


def test_at_80_columns_the_rate_stays() -> None:
    for test_loss in (None, 0.2):
        line = status_line("running", _last(test_loss), width=78)  # 80 less the padding
        assert len(line) <= 78 and line.endswith("4,184 steps/s"), line
        assert "step 40/100" in line and "train 0.1235" in line
    assert "test -" not in status_line("running", _last(None), width=78)


def test_a_divergence_says_which_weights_it_kept() -> None:
    # --lr 100 on regression: step 9's loss is not finite, the weights of step 7 are kept.
    last = dataclasses.replace(_last(None), step=7, state=RunState.DIVERGED, diverged_at=9)
    parts = status_line("diverged", last, width=200).split(" │ ")
    assert parts[:2] == [
        "diverged at step 9 (kept the weights of step 7): lower lr or reset",
        "step 7/100",
    ]


def test_a_scheduled_lr_shows_when_it_fits() -> None:
    wide = status_line("running", _last(0.2), width=118, lr=0.009511).split(" │ ")
    assert wide[5:] == ["lr 0.00951", "4,184 steps/s"]
    narrow = status_line("running", _last(0.2), width=78, lr=0.009511)
    assert len(narrow) <= 78 and narrow.endswith("4,184 steps/s"), narrow
    assert "lr 0.0095" not in status_line("running", _last(0.2), width=200)  # no schedule


def test_the_long_states_fit_80_columns() -> None:
    """What a user saw cut at 80x24: the steps/s, or all but the state."""
    early = dataclasses.replace(
        _last(None),
        step=117,
        target=3000,
        state=RunState.STOPPED_EARLY,
        train_loss=0.04307,
        accuracy=None,
        r2=0.97,
        steps_per_s=6285.0,
        best_step=110,
    )
    diverged = dataclasses.replace(_last(None), step=4, state=RunState.DIVERGED, diverged_at=6)
    wide = status_line("stopped_early", early, width=118)
    assert wide.startswith("stopped early: best weights (step 110) restored │ step 117/3,000")
    cases = [
        (status_line("stopped_early", early, width=78), "stopped early (best: 110)"),
        (status_line("diverged", diverged, width=78), "diverged at step 6: lower lr"),
        (
            status_line(
                "finished",
                dataclasses.replace(early, state=RunState.FINISHED, step=3000),
                width=78,
                beside=["viewing step 1,035 (first): train 0.003921"],
                short=["view 1,035: 0.003921"],
            ),
            "view 1,035: 0.003921",
        ),
    ]
    both = status_line(  # a view and a baseline: something is cut, never the steps/s
        "finished",
        dataclasses.replace(early, state=RunState.FINISHED, step=3000),
        width=78,
        beside=["viewing step 1,035: train 0.003921", "baseline 0.004102 R² 0.9"],
        short=["view 1,035: 0.003921", "base 0.004102"],
    )
    assert len(both) == 78 and both.endswith("│6,285 steps/s"), both
    for line, state in cases:
        assert len(line) <= 78 and line.endswith(" steps/s") and state in line, line
    huge = status_line("error", None, error="x" * 200, width=78)
    assert len(huge) == 78 and huge.endswith("…"), huge


def test_a_divergence_at_80_columns_keeps_the_spaces_around_the_separators() -> None:
    """What a tester saw at 80 columns: ``lower lr│step 18/5,000│…``."""
    last = dataclasses.replace(
        _last(0.693120),
        step=18,
        target=5000,
        train_loss=0.693147,
        state=RunState.DIVERGED,
        diverged_at=20,
    )
    line = status_line("diverged", last, width=78)
    assert line.split(" │ ") == [
        "diverged at step 20: lower lr",
        "step 18/5,000",
        "train 0.6931",
        "4,184 steps/s",
    ], line
    wide = status_line("diverged", last, width=118)
    assert "test 0.6931" in wide.split(" │ "), wide  # dropped only when it does not fit
