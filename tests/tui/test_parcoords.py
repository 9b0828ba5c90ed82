"""The analysis views' builders, without Textual: axes (log, linear, categorical), the
parallel coordinates for 1..N keys with diverged members, slices and importance bars at
any size (tui/draw/scales.py, parcoords.py, slices.py, braille.py)."""

from __future__ import annotations

import itertools
import math

import pytest
from torchplay.engine.sweeps.importance import importance
from torchplay.tui.draw import braille, parcoords, slices
from torchplay.tui.draw.braille import Canvas
from torchplay.tui.draw.scales import SweepView, key_scale, loss_scale


def grid_view(**axes) -> SweepView:
    keys = list(axes)
    rows = [dict(zip(keys, c, strict=True)) for c in itertools.product(*axes.values())]
    losses = [0.01 * (1 + i) for i in range(len(rows))]
    return SweepView(keys, rows, losses, [False] * len(rows))


def test_lr_like_keys_get_log_axes_others_linear_or_categorical() -> None:
    lr = key_scale("training.lr", "lr", [1e-3, 1e-2, 0.1, 1.0])
    assert lr.kind == "log" and lr.place(1e-3) == 0.0 and lr.place(1.0) == 1.0
    assert lr.place(0.01) == pytest.approx(1 / 3)
    assert [t for _, t in lr.ticks(10)] == ["0.001", "0.01", "0.1", "1"]
    narrow = key_scale("training.lr", "lr", [0.1, 0.2, 3.0])  # 30x: not more
    assert narrow.kind == "linear" and narrow.place(0.1) == 0.0
    l2 = key_scale("training.l2", "l2", [0.0, 0.001, 0.01])  # 0 rules log out
    assert l2.kind == "linear" and l2.place(0.001) == pytest.approx(0.1)
    act = key_scale("model.activation", "act", ["relu", "tanh", "relu", "sigmoid"])
    assert act.kind == "category" and act.categories == ("relu", "tanh", "sigmoid")
    assert [act.place(v) for v in ("relu", "tanh", "sigmoid", "elu")] == [0.0, 0.5, 1.0, None]
    hidden = key_scale("model.hidden", "hidden", [[8], [8, 8], []])
    assert hidden.categories == ("8", "8x8", "none") and hidden.place([8, 8]) == 0.5
    flag = key_scale("training.nesterov", "nesterov", [True, False])
    assert flag.kind == "category" and flag.categories == ("true", "false")
    one = key_scale("data.seed", "seed", [3, 3])
    assert one.place(3) == 0.5
    many = key_scale("training.lr", "lr", [10**-i / 7 for i in range(40)])
    assert len(many.ticks(5)) <= 5  # sampled: decades or ends, never more than fit


def test_loss_axis_is_log_and_ignores_what_cannot_be_drawn() -> None:
    scale = loss_scale([0.001, 0.1, None, math.inf, math.nan, -1.0])
    assert (scale.lo, scale.hi) == (-3.0, -1.0)
    assert scale.place(0.01) == pytest.approx(0.5) and scale.place(0.0) == 0.0
    assert loss_scale([]).place(1.0) is not None  # no losses yet: still an axis


def dots(lines, role: str) -> int:
    """Braille cells drawn in ``role``."""
    return sum(
        1 for runs in lines for text, r in runs if r == role for ch in text if ord(ch) > 0x2800
    )


def test_diverged_members_reach_the_div_row_and_the_best_are_highlighted() -> None:
    view = grid_view(**{"training.lr": [0.01, 0.1, 10.0], "model.activation": ["relu", "tanh"]})
    diverged = [o["training.lr"] == 10.0 for o in view.overrides]
    view = SweepView(view.keys, view.overrides, view.losses, diverged, {"training.lr": "lr"})
    lines = parcoords.render(view, 60, 16, cursor=1)
    text = braille.plain(lines).splitlines()
    assert text[0].split() == ["lr", "model.activation", "loss"]
    assert "div" in text[1] and dots(lines, "diverged") > 0
    assert dots(lines, "best") > 0 and dots(lines, "cursor") > 0
    assert all(len("".join(t for t, _ in runs)) == 60 for runs in lines)
    assert len(lines) == 16
    assert view.best(3) == {0, 1, 2}  # the lowest losses (1 is drawn as the cursor)
    assert parcoords.describe(view, 4) == "#4 diverged: lr 10, model.activation relu"
    assert parcoords.describe(view, 1) == "#1 loss 0.02 (2nd of 6): lr 0.01, model.activation tanh"


def test_one_key_and_many_keys_draw_at_80x24_and_120x40() -> None:
    one = grid_view(**{"training.lr": [0.01, 0.1, 1.0]})
    for w, h in ((45, 14), (85, 30)):
        text = braille.plain(parcoords.render(one, w, h)).splitlines()
        assert text[0].split() == ["training.lr", "loss"]
    keys = {f"k.k{i}": [1, 2] for i in range(7)}
    many = grid_view(**keys)  # 128 members, 8 axes
    for w, h in ((45, 14), (85, 30)):
        text = braille.plain(parcoords.render(many, w, h)).splitlines()
        assert len(text[0].split()) >= 2 and text[0].rstrip().endswith("loss")
        assert len(text) == h


@pytest.mark.parametrize("width", [0, 1, 11, 12, 13, 30, 200])
@pytest.mark.parametrize("height", [0, 1, 4, 5, 6, 40])
def test_every_size_draws_without_error(width, height) -> None:
    view = grid_view(**{"training.lr": [1e-3, 1.0], "model.activation": ["relu", "tanh"]})
    lines = parcoords.render(view, width, height, cursor=0)
    assert lines and len(lines) <= max(1, height)
    slices.render_slices(view, width, height, cursor=0)
    slices.render_importance(importance(view.overrides, view.losses), {}, width)


def test_slices_mark_diverged_members_and_fit_the_charts() -> None:
    view = grid_view(**{"training.lr": [0.01, 0.1, 10.0], "data.seed": [1, 2, 3]})
    diverged = [o["training.lr"] == 10.0 for o in view.overrides]
    view = SweepView(view.keys, view.overrides, view.losses, diverged)
    text = braille.plain(slices.render_slices(view, 85, 30))
    assert "loss by training.lr" in text and "loss by data.seed" in text
    assert text.count("✗") >= 2
    assert slices.grid_shape(3, 45, 12) == (2, 2, 22, 6)  # too low for 3 rows: 2 columns
    assert slices.grid_shape(3, 85, 30)[:2] == (3, 1)


def test_importance_bars_are_ranked_and_say_the_method() -> None:
    view = grid_view(**{"a.x": [1, 2, 3], "b.y": ["p", "q"]})
    losses = [10.0 ** o["a.x"] for o in view.overrides]  # a.x explains everything
    rated = importance(view.overrides, losses)
    text = braille.plain(slices.render_importance(rated, {"a.x": "x", "b.y": "y"}, 60))
    lines = text.splitlines()
    assert lines[0].split()[0] == "x" and lines[0].split()[-1] == "1.00"
    assert lines[1].split() == ["y", "0.00"]
    assert "exact main-effect ANOVA" in text


def test_the_sample_of_a_large_sweep_keeps_the_best_and_the_cursor() -> None:
    view = grid_view(**{"k.a": list(range(64)), "k.b": list(range(64))})  # 4,096
    shown = view.shown(parcoords.MAX_LINES, {4095})
    assert len(shown) <= parcoords.MAX_LINES + 1 and 0 in shown and 4095 in shown


def test_canvas_lines_and_text() -> None:
    canvas = Canvas(4, 2)
    canvas.line(0, 0, 7, 7, "line")
    canvas.dot(0, 0, "best")
    canvas.put(3, 1, "ab", "tick")
    lines = canvas.lines()
    assert lines[0][0] == (chr(0x2811), "best")  # dots (0, 0) and (1, 1); best over line
    assert "".join(t for t, _ in lines[1]).endswith("a")  # cut at the edge
    assert braille.ansi(lines).count("\x1b[") >= 2
