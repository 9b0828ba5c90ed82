"""Many short interleaved rounds: ratios that resolve their own claims on a shared machine.

:func:`rounds` runs each contender for about ``seconds`` per round, ``n`` rounds, the
order rotating from round to round, and keeps each round's rate by wall time and by the
thread's CPU time (``time.thread_time``: time this thread ran, whatever else the machine
did). A ratio is taken within each round (both sides saw the same load) and reported as
the median with its range; five rounds of 3,000 steps swing 3-4.6x here, 80 rounds of
40 ms do not.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Step = Callable[[int], object]
"""Runs ``n`` units of work (steps, model-steps x K, ...)."""


@dataclass
class Rates:
    """Per-round rates (units/s) of one contender, by wall time and by thread CPU time."""

    wall: list[float]
    cpu: list[float]


@dataclass
class Ratio:
    """One contender over a baseline, round by round: median and range."""

    median: float
    low: float
    high: float
    cpu_median: float
    rounds: int

    def text(self) -> str:
        return f"{self.median:.1f}x [{self.low:.1f}-{self.high:.1f}] (cpu {self.cpu_median:.1f}x)"


def _calibrate(fn: Step, unit: int, seconds: float) -> int:
    """How many units take about ``seconds`` of this thread's CPU (a multiple of
    ``unit``): by CPU time, so a stall on a loaded machine does not shrink the rounds.
    One untimed call first: a first call's one-off costs (a numba cache load, buffers
    sized for the first time) took 19 ms where the population's next took 0.4, and
    calibrated its rounds to one step (0.3 ms, its per-call overhead, not its rate)."""
    fn(unit)
    n = unit
    while True:
        t0 = time.thread_time()
        fn(n)
        dt = time.thread_time() - t0
        if dt >= seconds / 4 or n >= 1 << 30:
            return max(unit, int(n * seconds / max(dt, 1e-9)) // unit * unit)
        n *= 4


def rounds(
    contenders: dict[str, tuple[Step, int]], n: int = 80, seconds: float = 0.04
) -> dict[str, Rates]:
    """``contenders``: name -> (fn, unit: the smallest call, e.g. K model-steps for a
    population of K). Each runs ~``seconds`` per round, ``n`` rounds, order rotating."""
    sizes = {k: _calibrate(fn, unit, seconds) for k, (fn, unit) in contenders.items()}
    out = {k: Rates([], []) for k in contenders}
    names = list(contenders)
    for r in range(n):
        order = names[r % len(names) :] + names[: r % len(names)]
        for k in order:
            fn, size = contenders[k][0], sizes[k]
            c0, t0 = time.thread_time(), time.perf_counter()
            fn(size)
            wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
            out[k].wall.append(size / max(wall, 1e-12))
            out[k].cpu.append(size / max(cpu, 1e-12))
    return out


def ratio(rates: dict[str, Rates], top: str, base: str) -> Ratio:
    """``top``'s rate over ``base``'s, round by round."""
    a, b = rates[top], rates[base]
    wall = [x / y for x, y in zip(a.wall, b.wall, strict=True)]
    cpu = [x / y for x, y in zip(a.cpu, b.cpu, strict=True)]
    return Ratio(statistics.median(wall), min(wall), max(wall), statistics.median(cpu), len(wall))


def load() -> str:
    """The 1-minute load average, for the table (ratios are robust to load; rates not)."""
    return f"{os.getloadavg()[0]:.1f}"
