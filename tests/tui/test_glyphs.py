"""Plain terminals: ASCII detection, glyphs that tell classes and series apart without colour,
and the ASCII stand-ins the app's line filter writes."""

from __future__ import annotations

import re

import plotext
import pytest
from rich.segment import Segment
from textual.color import Color
from torchplay.engine.run.views import DecisionGrid, Samples
from torchplay.tui.app.widgets.terminal import AsciiFilter
from torchplay.tui.draw.glyphs import Glyphs, ascii_terminal, to_ascii
from torchplay.tui.draw.plotting import draw_data, draw_loss

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize(
    ("environ", "plain"),
    [
        ({"LANG": "en_US.UTF-8", "TERM": "xterm-256color"}, False),
        ({"LANG": "C", "TERM": "xterm"}, True),
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"}, True),  # Python's coercion
        ({"LC_ALL": "C.UTF-8", "LANG": "C"}, False),
        ({"LANG": "en_US.ISO-8859-1"}, True),
        ({"LANG": "en_US.utf8", "TERM": "linux"}, True),
        ({"TERM": "xterm"}, False),  # no locale at all: containers often set none
    ],
)
def test_ascii_terminal_from_locale_and_term(environ, plain) -> None:
    assert ascii_terminal(environ) is plain


def _chart(glyphs: Glyphs) -> str:
    """A two-class chart over a grid: left half class 0 (half of it unsure), right class 1."""
    cols, rows = 40, 12
    xs = [i / cols for i in range(cols)]
    ys = [j / rows for j in range(rows)]
    labels = [0 if i % cols < cols // 2 else 1 for i in range(cols * rows)]
    conf = [0.6 if i % cols < cols // 4 else 0.99 for i in range(cols * rows)]
    samples = Samples(
        "classification", [0.1, 0.9], [0.5, 0.5], [0, 1], 2, [0.2, 0.8], [0.3, 0.3], [0, 1]
    )
    plotext.clf()
    plotext.plotsize(60, 20)
    grid = DecisionGrid(xs, ys, labels, conf)
    draw_data(plotext, samples, grid, 60, "t", show_test=True, glyphs=glyphs)
    return ANSI_ESCAPE.sub("", plotext.build())


def test_without_colour_classes_and_test_points_differ_by_glyph() -> None:
    text = _chart(Glyphs(mono=True))
    for glyph in ".:=ox01":  # regions of class 0 (unsure, sure), class 1; points; test points
        assert glyph in text, glyph
    assert not set("░▒▓█") & set(text)
    coloured = _chart(Glyphs())
    assert "▓" in coloured and "=" not in coloured  # colour terminals keep the shades


def test_ascii_draws_no_braille_and_the_loss_series_differ() -> None:
    plotext.clf()
    plotext.plotsize(60, 15)
    points = [(s, 1 / s, 1.2 / s) for s in range(1, 50)]
    draw_loss(plotext, points, 60, glyphs=Glyphs(ascii=True))
    text = ANSI_ESCAPE.sub("", plotext.build())
    assert not any(0x2800 <= ord(c) <= 0x28FF for c in text)
    assert "*" in text and "+" in text
    assert to_ascii(text).isascii()


def test_to_ascii_keeps_widths_and_names_lines() -> None:
    assert to_ascii("┌─┐│└┘ ⣿⠁ ░▓ ▼ ▏ 株") == "+-+|++ :. .# v | ??"
    assert to_ascii("plain") == "plain"


def test_the_filter_turns_every_cell_plain() -> None:
    line = [Segment("│ 0.5┤⣀⣀"), Segment("ok"), Segment("\x1b[?25l", None, [])]
    out = AsciiFilter().apply(line, Color(0, 0, 0))
    assert "".join(s.text for s in out[:2]) == "| 0.5|..ok"
    assert out[2] is line[2]  # control codes pass untouched


async def test_the_ascii_app_writes_only_ascii(monkeypatch) -> None:
    import html

    from torchplay.tui.app.app import PlaygroundApp

    from tests.tui.helpers import settle, wait_for

    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    app = PlaygroundApp("classification", in_process=True, show_rate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.last is not None and app.last.fit is not None)
        await settle(pilot, app)
        svg = app.export_screenshot()
    cells = "".join(re.findall(r"<text [^>]*clip-path[^>]*>([^<]*)</text>", svg))
    cells = html.unescape(cells).replace("\xa0", " ")  # the SVG writes spaces as &#160;
    assert app.ascii and "+----" in cells and cells.isascii()


def test_eight_classes_differ_by_colour_and_by_glyph() -> None:
    """The panel's classes field goes up to 8: each class has a colour, a point marker and
    (without colour) region glyphs of its own, none a test point's digit."""
    from torchplay.tui.draw.glyphs import PLAIN_REGIONS, POINTS
    from torchplay.tui.draw.plotting import CLASS_COLORS, TEST_COLOR

    assert len({str(c) for c in CLASS_COLORS[:8]}) == 8 and TEST_COLOR not in CLASS_COLORS
    mono = Glyphs(mono=True)
    markers = [mono.point(k) for k in range(8)]
    regions = [mono.region(k, p) for k in range(8) for p in (0.5, 0.9)]
    assert len(set(markers)) == 8 and len(set(regions)) == 16
    assert not set(markers) & set(regions) and not set(markers + regions) & set("01234567")
    assert len(POINTS) == len(PLAIN_REGIONS) == 8
