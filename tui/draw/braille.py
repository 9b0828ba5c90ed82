"""A braille canvas with roles: lines and points at 2x4 dots a cell, text on top.

Each dot belongs to a role (``line``, ``best``, ``diverged``, ``cursor``...); a cell takes
the dots of every role in it and the colour of the highest (:data:`PRIORITY`), so the best
members and the chosen one stay visible over the crowd. :meth:`Canvas.lines` returns runs
of ``(text, role)`` that the app styles (:mod:`torchplay.tui.app.widgets.sweepviews`) and
the command line colours with escape codes (:func:`ansi`). No Textual, no rich here.
"""

from __future__ import annotations

BASE = 0x2800
BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
"""The braille bit of dot (x % 2, y % 4) in a cell."""
PRIORITY = {"line": 0, "diverged": 1, "best": 2, "cursor": 3}
"""Which role colours a cell that several roles' dots share (highest wins)."""
ANSI_CODES = {
    "line": "2;37",
    "diverged": "31",
    "best": "1;32",
    "cursor": "1;7;33",
    "axis": "2",
    "tick": "36",
    "name": "1",
    "bar": "32",
}
"""Escape codes per role for the command line (dropped in pipes: ``for_stream``)."""

Run = tuple[str, str]
"""Some text and its role ('' : plain)."""


class Canvas:
    """``cols`` x ``rows`` cells; dots at (x, y) with x < 2 cols, y < 4 rows (0: top)."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = max(0, cols), max(0, rows)
        self.bits: dict[tuple[int, int], int] = {}
        self.role: dict[tuple[int, int], str] = {}
        self.text: dict[tuple[int, int], Run] = {}

    def dot(self, x: int, y: int, role: str = "line") -> None:
        """Set the dot at (x, y) (outside the canvas: nothing)."""
        if not (0 <= x < 2 * self.cols and 0 <= y < 4 * self.rows):
            return
        cell = (x // 2, y // 4)
        self.bits[cell] = self.bits.get(cell, 0) | BITS[x % 2][y % 4]
        old = self.role.get(cell)
        if old is None or PRIORITY.get(role, 0) >= PRIORITY.get(old, 0):
            self.role[cell] = role

    def line(self, x0: int, y0: int, x1: int, y1: int, role: str = "line") -> None:
        """A straight line of dots from (x0, y0) to (x1, y1) (Bresenham)."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        for _ in range(dx - dy + 1):  # at most that many dots: no endless loop
            self.dot(x0, y0, role)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def put(self, col: int, row: int, text: str, role: str = "") -> None:
        """Write ``text`` from cell (col, row) rightwards, over dots, cut at the edge."""
        if not 0 <= row < self.rows:
            return
        for i, char in enumerate(text):
            if 0 <= col + i < self.cols:
                self.text[(col + i, row)] = (char, role)

    def fill(self, col: int, row: int, char: str, role: str = "") -> None:
        """``char`` in cell (col, row) where no dot and no text is."""
        if (col, row) not in self.bits and (col, row) not in self.text:
            self.put(col, row, char, role)

    def lines(self) -> list[list[Run]]:
        """Every row as runs of (text, role), each row ``cols`` cells wide."""
        out = []
        for row in range(self.rows):
            runs: list[Run] = []
            for col in range(self.cols):
                cell = (col, row)
                if cell in self.text:
                    char, role = self.text[cell]
                elif cell in self.bits:
                    char, role = chr(BASE + self.bits[cell]), self.role[cell]
                else:
                    char, role = " ", ""
                if runs and runs[-1][1] == role:
                    runs[-1] = (runs[-1][0] + char, role)
                else:
                    runs.append((char, role))
            out.append(runs)
        return out


def plain(lines: list[list[Run]]) -> str:
    """The text alone, trailing blanks cut."""
    return "\n".join("".join(t for t, _ in runs).rstrip() for runs in lines)


def ansi(lines: list[list[Run]]) -> str:
    """The text with escape codes per role (:data:`ANSI_CODES`), trailing blanks cut."""
    out = []
    for runs in lines:
        while runs and not runs[-1][0].strip():
            runs = runs[:-1]
        text = ""
        for chunk, role in runs:
            code = ANSI_CODES.get(role)
            text += f"\x1b[{code}m{chunk}\x1b[0m" if code and chunk.strip() else chunk
        out.append(text)
    return "\n".join(out)
