"""The docs build with mkdocs --strict (a broken link, a missing page or picture fails),
and the generated reference lists every command, flag, spec field, key and lesson."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import subprocess
import sys

from tests.conftest import ROOT


def _generated() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location(
        "gen_reference", ROOT / "docs" / "gen_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pages()


def test_the_docs_build_strict(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for page in ("index.html", "reference/commands/index.html", "reference/spec/index.html",
                 "tutorial/first-hour/index.html", "images/lesson.svg"):  # fmt: skip
        assert (tmp_path / "site" / page).is_file(), page


def test_the_reference_lists_every_command_and_flag():
    from torchplay.tui.cli.parser import build_parser

    page = _generated()["reference/commands.md"]
    subs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert len(subs.choices) >= 15
    for name, sub in subs.choices.items():
        assert f"## torchplay {name}\n" in page, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in page, (name, option)


def test_the_reference_lists_every_spec_field_key_and_lesson():
    from torchplay.engine.run.lessons import builtin_names
    from torchplay.engine.run.spec import SECTIONS, spec_fields
    from torchplay.tui.app.keys import BINDINGS

    pages = _generated()
    for section, cls in SECTIONS.items():
        table = pages["reference/spec.md"].split(f"## [{section}]")[1].split("## [")[0]
        for field in dataclasses.fields(cls):
            row = next(
                line for line in table.splitlines() if line.startswith(f"| `{field.name}` |")
            )
            assert row.rstrip(" |").split("|")[-1].strip(), f"{section}.{field.name} has no text"
    for field in spec_fields():
        assert f"`{field.info.flag}`" in pages["reference/spec.md"], field.key
    for section, cls in SECTIONS.items():  # each table's class, in the file named
        home = f"`[{section}]`: `{cls.__module__.removeprefix('torchplay.').replace('.', '/')}.py`"
        assert home in pages["reference/spec.md"]
        assert f"class {cls.__name__}" in (ROOT / home.split("`")[3]).read_text()
    for binding in BINDINGS:
        assert f"`{binding.key.split(',')[0]}`" in pages["reference/keys.md"], binding.key
    for name in builtin_names():
        assert f"| `{name}` |" in pages["reference/lessons.md"]
