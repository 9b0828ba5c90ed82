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


@pytest.fixture(autouse=True)
def nothing_survived_unseen(request):
    """The app's net (tui/app/net.py) keeps the app up past an error, logged and shown as
    a toast: a test fails all the same unless it asked for :func:`survived`."""
    from torchplay.tui.app import net

    net.SURVIVED.clear()
    yield
    if "survived" not in request.fixturenames and net.SURVIVED:
        pytest.fail(f"the app survived errors: {net.SURVIVED}")


@pytest.fixture
def survived() -> list[str]:
    """The errors the app's net caught in this test, as their toasts' lines."""
    from torchplay.tui.app import net

    return net.SURVIVED
