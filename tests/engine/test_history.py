"""The bounded loss history keeps its first point and its extremes when it thins (D4)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from torchplay.engine.run.history import History


def _fed(losses: list[float], capacity: int = 1000) -> History:
    """A history fed as the trainer feeds it: every ``stride``-th step."""
    h = History(capacity=capacity)
    for step, loss in enumerate(losses, 1):
        if h.due(step):
            h.add((step, loss, None))
    return h


def test_a_5000_step_history_starts_at_step_1() -> None:
    """The tutorial's first loss (step 1) stays through four thinnings (it was dropped at
    the first: only even steps were kept)."""
    losses = [0.663 / math.sqrt(s) for s in range(1, 5001)]
    h = _fed(losses)
    assert h.stride == 8 and len(h.points) <= h.capacity
    assert h.points[0] == (1, 0.663, None)
    assert h.points[-1][0] == 5000


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 999), st.floats(2.0, 1e6))
def test_a_recorded_spike_survives_thinning(at: int, height: float) -> None:
    """A spike among the first 1,000 steps (all recorded) is kept after three thinnings,
    and so is the lowest loss."""
    losses = [1.0 / (1 + 0.001 * s) for s in range(1, 4001)]
    losses[at - 1] = height
    h = _fed(losses)
    assert h.stride == 8
    kept = [p[1] for p in h.points]
    assert max(kept) == height
    assert min(kept) == min(losses[i - 1] for i in range(1, 4001) if i <= 1000 or i % 8 == 0)


def test_thinning_keeps_about_half() -> None:
    h = History(capacity=100)
    for step in range(1, 102):
        h.add((step, float(step % 7), None))
    assert h.stride == 2 and 45 <= len(h.points) <= 55
    steps = [p[0] for p in h.points]
    assert steps == sorted(set(steps)) and steps[0] == 1 and steps[-1] == 101


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 10), min_size=33, max_size=200))
def test_how_many_are_kept_depends_on_the_count_alone(losses) -> None:
    """A population's step clock (all losses 0.0) thins in step with its members."""
    from torchplay.engine.run.history import thin

    points = [(s, v, None) for s, v in enumerate(losses, 1)]
    flat = [(p[0], 0.0, None) for p in points]
    assert len(thin(points)) == len(thin(flat))
    assert thin(points)[0] == 0 and thin(points)[-1] == len(points) - 1
