"""Pilot helpers shared by the app tests."""

from __future__ import annotations


async def wait_for(pilot, predicate, seconds: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (the engine answers asynchronously)."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting")


def status(app) -> str:
    return str(app.query_one("#status").render())
