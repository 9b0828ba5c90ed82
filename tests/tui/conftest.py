"""App tests: drawing errors are logged to the test's own folder, never the user's."""

from __future__ import annotations

import pytest
from torchplay.tui.draw.contain import LOG_ENV


@pytest.fixture(autouse=True)
def ui_log(tmp_path_factory, monkeypatch):
    """The drawing-error log (tui/draw/contain.py) of this test: a fresh file in tmp."""
    path = tmp_path_factory.mktemp("log") / "ui.log"
    monkeypatch.setenv(LOG_ENV, str(path))
    return path
