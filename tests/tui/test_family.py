"""The PBT family tree's rows (tui/draw/family.py): who forked from whom, when, and the lr
schedule that resulted."""

from __future__ import annotations

from torchplay.engine.run.sweepplan import Fork
from torchplay.tui.draw.family import family_lines, lives

LRS = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
NAMES = [f"#{i}" for i in range(8)]
FORKS = [
    Fork(20, 0, 5, {"training.lr": 1.2}),
    Fork(20, 7, 6, {"training.lr": 2.4}),
    Fork(40, 1, 0, {"training.lr": 0.96}),
    Fork(60, 3, 1, {"training.lr": 1.152}),
]
LOSSES = [0.02, 0.01, 0.03, 0.015, 0.2, 0.011, 0.05, 0.04]


def test_lives_follow_the_forks() -> None:
    roots, current = lives(LRS, FORKS)
    assert [r.end for r in roots] == [20, 40, None, 60, None, None, None, 20]
    assert current[3].schedule() == [(0, 1.0), (20, 1.2), (40, 0.96), (60, 1.152)]
    assert current[3].parent is current[1] and current[1].parent is current[0]
    assert current[0].parent is roots[5]


def test_rows_draw_the_winners_family_first_with_schedules() -> None:
    rows = [(r.kind, r.text) for r in family_lines(LRS, FORKS, LOSSES, NAMES)]
    assert rows == [
        ("live", "#5 0.011 · lr 1"),
        ("live", "└─ #0 0.02 · lr 1 → 1.2@20"),
        ("best", "   └─ #1 0.01 ★ · lr 1 → 1.2@20 → 0.96@40"),
        ("live", "      └─ #3 0.015 · lr 1 → 1.2@20 → 0.96@40 → 1.15@60"),
        ("live", "#2 0.03 · lr 0.03"),
        ("live", "#6 0.05 · lr 3"),
        ("live", "└─ #7 0.04 · lr 3 → 2.4@20"),
        ("live", "#4 0.2 · lr 0.3"),
        ("note", "✗ replaced without heirs: #0@20, #1@40, #3@60, #7@20"),
    ]


def test_a_replaced_life_with_heirs_stays_in_the_tree_dimmed() -> None:
    forks = [Fork(10, 1, 0, {"training.lr": 0.8}), Fork(20, 0, 2, {"training.lr": 0.5})]
    rows = [(r.kind, r.text) for r in family_lines([1.0, 2.0, 0.4], forks, [0.3, 0.1, 0.2], NAMES)]
    assert rows[0] == ("replaced", "#0 lr 1 ✗ replaced @20")
    assert rows[1] == ("best", "└─ #1 0.1 ★ · lr 1 → 0.8@10")
    assert ("live", "└─ #0 0.3 · lr 0.4 → 0.5@20") in rows


def test_a_long_schedule_keeps_its_first_and_last_lrs() -> None:
    forks = [Fork(10 * (i + 1), i % 2, 1 - i % 2, {"training.lr": 1.0 + i}) for i in range(6)]
    rows = family_lines([1.0, 2.0], forks, [0.1, 0.2], NAMES)
    assert any("lr 2 → … → 5@50 → 6@60" in r.text for r in rows), [r.text for r in rows]
