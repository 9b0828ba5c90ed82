"""A pickle payload that would create a file when unpickled (for refusal tests)."""

from __future__ import annotations

import os


class Evil:
    """Unpickling this runs ``touch MARKER``; tests assert the marker never appears."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))
