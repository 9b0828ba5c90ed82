"""Import hygiene: the engine is UI-free; its light modules are torch-free; one namespace."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

UI = ("textual", "textual_plotext", "plotext", "rich", "torchplay.tui")
ENGINE_MODULES = sorted(
    ".".join(p.relative_to(ROOT / "engine").with_suffix("").parts)
    for p in (ROOT / "engine").rglob("*.py")
    if p.stem != "__init__"
)


def loaded_after(statement: str) -> set[str]:
    """Every module name in ``sys.modules`` after running ``statement`` in a fresh interpreter."""
    code = f"import sys\n{statement}\nprint('MODULES:', ' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    return set(out.rsplit("MODULES:", 1)[1].split())


def ui_modules(mods: set[str]) -> set[str]:
    return {m for m in mods if any(m == u or m.startswith(u + ".") for u in UI)}


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_every_engine_module_imports_no_ui(module: str) -> None:
    mods = loaded_after(f"import torchplay.engine.{module}")
    assert f"torchplay.engine.{module}" in mods
    assert not ui_modules(mods)


@pytest.mark.parametrize(
    "module",
    [
        *("run.spec", "run.scenarios", "run.source", "run.describe", "run.errors", "run.layers"),
        *("run.views", "run.grid", "run.datafields", "run.schedule", "run.history"),
        *("process.client", "process.events", "files.exporting", "files.atomic", "files.ckheader"),
        "sweeps.raycluster",
    ],
)
def test_light_modules_import_no_torch(module: str) -> None:
    mods = loaded_after(f"import torchplay.engine.{module}")
    assert "torch" not in mods and not ui_modules(mods)


def test_no_module_loaded_under_a_bare_name() -> None:
    mods = loaded_after(
        "import torchplay.tui.cli.main, torchplay.tui.app.app, torchplay.engine.train.trainer"
    )
    assert not {m for m in mods if m.split(".")[0] in ("engine", "tui")}


def test_help_does_not_import_torch_or_textual() -> None:
    mods = loaded_after(
        "sys.argv = ['torchplay', '--help']\n"
        "try:\n    import torchplay.tui.cli.main as c; c.main()\nexcept SystemExit: pass"
    )
    assert "torch" not in mods and "textual" not in mods


def test_headless_command_line_imports_no_textual() -> None:
    mods = loaded_after(
        "import torchplay.tui.cli.main, torchplay.tui.cli.commands, torchplay.tui.draw.progress"
    )
    assert "torchplay.tui.cli.main" in mods and "torchplay.tui.cli.commands" in mods
    assert "textual" not in mods and "torchplay.tui.app.app" not in mods
