"""What the terminal can show, and the chart glyphs that suit it.

One home for the detection: a terminal gets plain ASCII (:func:`ascii_terminal`) when its
locale is not UTF-8 (``LANG=C``) or it is the Linux console (``TERM=linux``: its font has
no braille), and :class:`Glyphs` picks markers and region shades so that, without colour
(``NO_COLOR``), the classes and the train and test series still differ by glyph.
:func:`to_ascii` gives plain stand-ins for what plotext and Textual draw (braille, box
lines, shades). Nothing here imports Textual: the headless output may ask too.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

PLAIN_TERMS = ("linux", "dumb", "vt100", "vt102", "vt220")
"""``TERM`` values whose fonts lack braille and most box drawing."""
COERCED = ("C.UTF-8", "C.utf8")
"""What Python writes into ``LC_CTYPE`` when it coerces a C locale (PEP 538)."""


def locale_name(environ: Mapping[str, str] | None = None) -> str:
    """The locale that decides the character set: ``LC_ALL``, else ``LC_CTYPE``, else
    ``LANG`` (empty when none is set). A ``C.UTF-8`` that Python set itself over ``LANG=C``
    (PEP 538 coercion) does not count."""
    env = os.environ if environ is None else environ
    ctype = env.get("LC_CTYPE", "")
    if ctype in COERCED and env.get("LANG", "") in ("C", "POSIX"):
        ctype = ""
    return env.get("LC_ALL") or ctype or env.get("LANG", "")


def ascii_terminal(environ: Mapping[str, str] | None = None) -> bool:
    """Whether to draw with plain ASCII: ``TERM`` is a console without braille, or the
    locale names a character set other than UTF-8 (``C``, ``POSIX``, ``en_US.ISO-8859-1``).
    No locale at all counts as UTF-8 (containers often set none)."""
    env = os.environ if environ is None else environ
    if env.get("TERM", "") in PLAIN_TERMS:
        return True
    name = locale_name(env)
    if not name:
        return False
    return "utf-8" not in name.lower() and "utf8" not in name.lower()


SHADES = ("░", "▒", "▓", "█")
"""Region shades by confidence (below 0.75, below 0.95, surer), and the hard-region glyph."""
ASCII_SHADES = (".", ":", "%", "#")
PLAIN_REGIONS = (
    *((".", ":"), ("-", "="), ("'", '"'), (",", ";"), ("`", "~"), ("_", "^")),
    *(("(", ")"), ("<", ">")),
)
"""Without colour: per class, a light glyph (confidence below 0.75) and a sure one, all
different from every class's and every test point's marker."""
POINTS = ("o", "x", "+", "*", "#", "@", "v", "&")
"""Training points' markers, per class (test points: the class digit); eight, as the
panel's classes field goes up to 8."""


@dataclass(frozen=True)
class Glyphs:
    """Markers and shades for a terminal: Unicode or ``ascii``, colour or ``mono``."""

    ascii: bool = False
    """Plain characters only: no braille, shades or box lines."""
    mono: bool = False
    """No colour (``NO_COLOR``): series and classes must differ by glyph alone."""

    def line(self, series: str) -> str:
        """The plotext marker for a line: ``train``, ``test`` (loss) or ``fit``."""
        if series == "test" and (self.mono or self.ascii):
            return "+"
        return "*" if self.ascii else "braille"

    def run(self, k: int) -> str:
        """The marker of the ``k``-th run's line when runs share a chart (compare)."""
        if not (self.mono or self.ascii):
            return "braille"
        return (self.line("train"), "+", "x", "o")[k % 4]

    @property
    def data(self) -> str:
        """Regression data points."""
        return "o" if self.ascii else "dot"

    def point(self, cls: int) -> str:
        """A training point of class ``cls``."""
        return POINTS[cls % len(POINTS)]

    def region(self, cls: int, confidence: float, discrete: bool = False) -> str:
        """A decision-region cell of class ``cls``: denser when surer (``discrete``: the
        class's solid glyph). Without colour each class has glyphs of its own."""
        if self.mono:
            light, sure = PLAIN_REGIONS[cls % len(PLAIN_REGIONS)]
            return sure if discrete or confidence >= 0.75 else light
        shades = ASCII_SHADES if self.ascii else SHADES
        if discrete:
            return shades[3]
        return shades[0] if confidence < 0.75 else shades[1] if confidence < 0.95 else shades[2]


UNICODE = Glyphs()
"""A colour terminal that shows Unicode: braille lines and shaded regions."""

_NAMED = {"░": ".", "▒": ":", "▓": "#", "█": "#", "•": "*", "·": ".", "…": ".", "²": "2"}


class _Plain(dict):
    """``str.translate`` table: a plain stand-in for each character, found once."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        if code < 128:
            out: int | str = code
        elif char in _NAMED:
            out = _NAMED[char]
        elif 0x2800 <= code <= 0x28FF:  # braille: as many dots as the cell has
            dots = (code - 0x2800).bit_count()
            out = " " if dots == 0 else "." if dots <= 2 else ":"
        else:
            name = unicodedata.name(char, "")
            if unicodedata.east_asian_width(char) in ("W", "F"):
                out = "??"  # keep the two cells it took
            elif (
                name.startswith("BOX DRAWINGS") and "HORIZONTAL" in name and "VERTICAL" not in name
            ):
                out = "-"
            elif "VERTICAL" in name and ("BOX" in name or "EIGHTH BLOCK" in name):
                out = "|"
            elif name.startswith("BOX DRAWINGS"):
                out = "+"
            elif "BLOCK" in name or "SHADE" in name:
                out = "#" if "FULL" in name else "_" if "LOWER" in name else " "
                out = "|" if "LEFT" in name or "RIGHT" in name else out
            elif "TRIANGLE" in name:
                out = "v" if "DOWN" in name else "^" if "UP" in name else ">"
            else:
                out = "?"
        self[code] = out
        return out


_TABLE = _Plain()


def to_ascii(text: str) -> str:
    """``text`` with every non-ASCII character replaced by a plain stand-in of the same
    width: braille dots ``.``/``:``, box lines ``-``/``|``/``+``, shades ``.:#``."""
    return text if text.isascii() else text.translate(_TABLE)
