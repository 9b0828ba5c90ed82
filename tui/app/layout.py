"""The control panel's width: wider on wide terminals, and the user's to change.

Kept apart from the app so the rule is one small function a test can call.
"""

from __future__ import annotations

MIN_WIDTH = 31
"""Narrowest panel: the longest label (14) and a field of 13 (a choice shows `regression ▼`
whole), with padding and border."""
MAX_WIDTH = 64
MIN_CHARTS = 40
"""Columns the charts keep, whatever the panel asks."""
STEP = 4
"""Columns one press of ``<`` or ``>`` takes or gives."""


def default_width(columns: int) -> int:
    """A third of the terminal, between 35 (80 columns: 34 and the scrollbar the panel
    needs on 24 rows) and 44 (200 columns)."""
    return max(35, min(44, columns // 3))


def panel_width(columns: int, offset: int = 0) -> int:
    """The panel's width on a terminal ``columns`` wide, moved ``offset`` by the user."""
    wanted = min(default_width(columns) + offset, MAX_WIDTH, columns - MIN_CHARTS)
    return max(MIN_WIDTH, wanted)
