"""Import hygiene: the engine is UI-free; its light modules are torch-free."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

UI = ("textual", "textual_plotext", "plotext", "rich", "tui")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('MODULES:', ' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    listing = out.rsplit("MODULES:", 1)[1]
    return {name.split(".")[0] for name in listing.split()}


def test_engine_imports_no_ui() -> None:
    mods = loaded_after("import engine, engine.trainer, engine.checkpoint, engine.interop")
    assert "torch" in mods
    assert not mods & set(UI)


@pytest.mark.parametrize(
    "module",
    ["engine.spec", "engine.scenarios", "engine.describe", "engine.client", "engine.events"],
)
def test_light_modules_import_no_torch(module: str) -> None:
    mods = loaded_after(f"import {module}")
    assert "torch" not in mods and not mods & set(UI)


def test_help_does_not_import_torch() -> None:
    mods = loaded_after(
        "sys.argv = ['torchplay', '--help']\n"
        "try:\n    import tui.cli; tui.cli.main()\nexcept SystemExit: pass"
    )
    assert "torch" not in mods and "textual" not in mods
