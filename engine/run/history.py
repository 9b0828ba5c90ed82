"""Bounded metric history: halves its resolution instead of growing without end, keeping
the first point and each stretch's lowest and highest loss (a spike, the start)."""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field

Point = tuple[int, float, float | None]
"""(step, train loss of that step's batch, test loss after it or None)."""


@dataclass
class History:
    """Loss points at every ``stride``-th step; when full, the stride doubles and the
    points are thinned to half (:func:`thin`: the first and last point, and of every four
    neighbours the highest and the lowest train loss), so a million steps keep at most
    ``capacity`` points and the curve still shows its start and its spikes."""

    capacity: int = 1000
    stride: int = 1
    points: list[Point] = field(default_factory=list)
    _encoded: tuple[list[Point], list[str]] | None = field(default=None, repr=False, compare=False)
    """:meth:`to_json`'s cache: the points list it encoded and the JSON of its first points."""
    tap: list[Point] | None = field(default=None, repr=False, compare=False)
    """Every point added since the last :meth:`tapped`, before any thinning (None: not
    kept). The metric loggers read it: a fast run thins its history between two reports,
    and a log of the history then lost steps 2-7 of the start."""

    def due(self, step: int) -> bool:
        """Whether ``step`` is one to record."""
        return step % self.stride == 0

    def add(self, point: Point) -> None:
        self.points.append(point)
        if self.tap is not None:
            self.tap.append(point)
        if len(self.points) > self.capacity:
            self.stride *= 2
            old = self.points
            keep = thin(old)
            self.points = [old[i] for i in keep]
            if self._encoded is not None and self._encoded[0] is old:
                # Thin the cache with the points: a save after thinning encodes only the
                # new points (float repr is ~2 us a point, 2 ms for a full history).
                parts = self._encoded[1]
                self._encoded = (self.points, [parts[i] for i in keep if i < len(parts)])

    def tapped(self) -> list[Point]:
        """The points :attr:`tap` holds, taken out of it."""
        points, self.tap = self.tap or [], []
        return points

    def since(self, step: int) -> list[Point]:
        """Points recorded after ``step`` (a binary search: the steps only grow)."""
        return self.points[bisect.bisect_right(self.points, step, key=_step) :]

    def to_dict(self) -> dict:
        return {
            "capacity": self.capacity,
            "stride": self.stride,
            "points": [list(p) for p in self.points],
        }

    def to_json(self) -> str:
        """``json.dumps(self.to_dict())``, encoding only the points added since the last
        call: a periodic save every N steps pays for N points, not the whole history.
        (Points are only ever appended to a list; thinning makes a new list and thins
        the cache with it; anything else that replaces the list re-encodes it.)"""
        points = self.points
        if self._encoded is None or self._encoded[0] is not points:
            self._encoded = (points, [])
        parts = self._encoded[1]
        if len(parts) > len(points):
            parts.clear()
        parts.extend(map(_point_json, points[len(parts) :]))
        return (
            f'{{"capacity": {self.capacity}, "stride": {self.stride}, '
            f'"points": [{", ".join(parts)}]}}'
        )

    @classmethod
    def from_dict(cls, raw: dict) -> History:
        pts = [(int(s), float(a), None if b is None else float(b)) for s, a, b in raw["points"]]
        return cls(int(raw["capacity"]), int(raw["stride"]), pts)


def thin(points: list[Point]) -> list[int]:
    """Indices of ``points`` to keep, about half: of every four neighbours two, the one
    with the highest and the one with the lowest train loss (NaN counts as highest: a
    divergence stays in view), but the first and the last point always. How many are kept
    depends only on ``len(points)``, never on the losses: a population's step clock
    (:mod:`torchplay.engine.sweeps.population`) thins in step with its members."""
    n = len(points)
    keep: list[int] = []
    for start in range(0, n, 4):
        span = range(start, min(n, start + 4))
        if len(span) <= 2:
            keep.extend(span)
            continue
        by_loss = sorted(span, key=lambda i: _rank(points[i][1]))
        chosen = [i for i in (0, n - 1) if i in span]  # the ends first
        for i in (by_loss[-1], by_loss[0], span[0], span[-1]):  # then max, min, any
            if len(chosen) < 2 and i not in chosen:
                chosen.append(i)
        keep.extend(sorted(chosen[:2]))
    return sorted(set(keep))


def _rank(loss: float) -> float:
    return math.inf if math.isnan(loss) else loss


def _point_json(p: Point) -> str:
    """``json.dumps(p)``, twice as fast for finite losses: float repr is what json writes."""
    step, train, test = p
    if math.isfinite(train) and (test is None or math.isfinite(test)):
        return f"[{step}, {train!r}, {'null' if test is None else repr(test)}]"
    return json.dumps(p)


def _step(point: Point) -> int:
    return point[0]
