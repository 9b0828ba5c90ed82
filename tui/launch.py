"""Open the Textual app (imported only here, so headless commands never load textual)."""

from __future__ import annotations


def launch(args) -> int:
    from torchplay.tui.app import PlaygroundApp

    source = getattr(args, "source", None) or "regression"
    compare = list(getattr(args, "checkpoints", None) or [])
    app = PlaygroundApp(source=source, compare=compare)
    app.run()
    return app.return_code or 0
