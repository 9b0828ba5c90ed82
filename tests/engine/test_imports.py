"""Import hygiene at run time, beside the static import-linter contracts (pyproject.toml).

Three fresh interpreters instead of one per module. The first imports every torch-free module
(the modules the contracts name, package by package), then the drawing, then the app, and
checks ``sys.modules`` after each stage: nothing a stage forbids was loaded by it or before it.
The second imports every engine module and then the headless command line: the engine loads
no UI, the command line no textual. The third runs ``--help``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT

UI = ("textual", "textual_plotext", "plotext", "rich", "torchplay.tui")
HEAVY = ("torch", "numpy")
TORCH_FREE_CONTRACT = "load neither torch nor numpy"
IMPORT_TIME_ONLY = ("torchplay.engine.files.exporting",)
"""Torch-free when imported (torch loads inside its functions), so no static contract holds it."""


def modules_under(name: str) -> list[str]:
    """``name`` and, if it is a package, every module below it (from the files on disk)."""
    parts = name.split(".")[1:]  # torchplay.engine.run -> engine/run
    path = ROOT.joinpath(*parts)
    if not path.is_dir():
        return [name]
    found = []
    for file in sorted(path.rglob("*.py")):
        rel = file.relative_to(ROOT).with_suffix("").parts
        rel = rel[:-1] if rel[-1] == "__init__" else rel
        found.append(".".join(("torchplay", *rel)))
    return found


def torch_free_engine() -> list[str]:
    """The engine modules the torch-free contract names, expanded to modules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if TORCH_FREE_CONTRACT in c["name"]]
    names = [m for m in contract["source_modules"] if m.startswith("torchplay.engine.")]
    return [m for name in names for m in modules_under(name)] + list(IMPORT_TIME_ONLY)


STAGES: dict[str, list] = {
    "one process": [
        ("torch-free engine", torch_free_engine(), (*HEAVY, *UI)),
        ("drawing", modules_under("torchplay.tui.draw"), (*HEAVY, "textual")),
        ("app", modules_under("torchplay.tui.app"), HEAVY),
    ],
    "torch side": [
        ("every engine module", modules_under("torchplay.engine"), UI),
        (
            "headless command line",
            modules_under("torchplay.tui.cli"),
            ("textual", "torchplay.tui.app.app"),
        ),
    ],
}
"""Per interpreter, stages in order: (label, modules to import, names that must stay unloaded)."""

CHILD = """
import json, sys
stages, seen = json.loads(sys.argv[1]), []
for label, modules, forbidden in stages:
    for module in modules:
        __import__(module)
    loaded = [f for f in forbidden if any(m == f or m.startswith(f + ".") for m in sys.modules)]
    missing = [m for m in modules if m not in sys.modules]
    seen.append({"label": label, "loaded": loaded, "missing": missing})
bare = sorted(m for m in sys.modules if m.split(".")[0] in ("engine", "tui"))
print("RESULT:" + json.dumps({"stages": seen, "bare": bare}))
"""


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    """Each interpreter's stage results (one run per interpreter for the whole module)."""
    out = {}
    for name, stages in STAGES.items():
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(stages)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        out[name] = json.loads(proc.stdout.rsplit("RESULT:", 1)[1])
    return out


@pytest.mark.parametrize(
    "process, index",
    [(name, i) for name, stages in STAGES.items() for i in range(len(stages))],
    ids=[label for stages in STAGES.values() for label, _, _ in stages],
)
def test_stage_loads_nothing_it_forbids(results, process: str, index: int) -> None:
    label, modules, forbidden = STAGES[process][index]
    stage = results[process]["stages"][index]
    assert stage["label"] == label and modules
    assert stage["missing"] == []  # each module really was imported
    assert stage["loaded"] == [], f"{label} loaded {stage['loaded']} (forbidden: {forbidden})"


def test_the_stages_cover_the_light_modules_the_app_uses() -> None:
    light = set(STAGES["one process"][0][1])
    assert {"torchplay.engine.run.spec", "torchplay.engine.process.client"} <= light
    assert {"torchplay.engine.process.events", "torchplay.engine.files.atomic"} <= light
    assert "torchplay.tui.app.app" in STAGES["one process"][2][1]
    assert not any(m.startswith("torchplay.engine.train") for m in light)


@pytest.mark.parametrize("process", list(STAGES))
def test_no_module_loaded_under_a_bare_name(results, process: str) -> None:
    assert results[process]["bare"] == []


def test_help_does_not_import_torch_or_textual() -> None:
    code = (
        "import sys\nsys.argv = ['torchplay', '--help']\n"
        "try:\n    import torchplay.tui.cli.main as c; c.main()\nexcept SystemExit: pass\n"
        "print('MODULES:', ' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert "usage" in out
    mods = set(out.rsplit("MODULES:", 1)[1].split())
    assert "torchplay.tui.cli.main" in mods
    assert "torch" not in mods and "textual" not in mods
