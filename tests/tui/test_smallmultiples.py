"""The small multiples' titles: fitted to a narrow subplot, the loss kept whole."""

from __future__ import annotations

import pytest
from torchplay.tui.app.widgets.smallmultiples import fit


@pytest.mark.parametrize(
    ("title", "width", "shown"),
    [
        ("0.05, 1: 0.0798", 20, "0.05, 1: 0.0798"),
        ("0.05, 1: 0.0798", 14, "0.05,1: 0.0798"),
        ("0.05, 1: 0.0798", 13, "0.05,1:0.0798"),
        ("0.1, 2: 0.00546", 10, "0…:0.00546"),
        ("8x8x8, relu: 1.23e-05", 13, "8x8…:1.23e-05"),
        ("8x8x8, relu: 1.23e-05", 8, "1.23e-05"),
        ("a long title", 6, "a lon…"),
    ],
)
def test_a_title_keeps_its_loss_and_shortens_its_label(title, width, shown) -> None:
    assert fit(title, width) == shown and len(shown) <= width
