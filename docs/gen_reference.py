"""The generated reference pages: every command and flag (from the argparse parser), every
spec field (from the spec's dataclasses), every key (from the app's bindings), every
lesson and every goal name. Nothing here is written by hand, so it cannot drift.

mkdocs runs :func:`on_files` (``hooks:`` in mkdocs.yml) and adds the pages to the build
without writing them into the repository; ``python docs/gen_reference.py DIR`` writes them
to DIR to read them.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
from pathlib import Path

PAGES = {
    "reference/commands.md": "commands_page",
    "reference/spec.md": "spec_page",
    "reference/keys.md": "keys_page",
    "reference/lessons.md": "lessons_page",
}
"""Generated page -> the function below that writes it."""


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _option_row(action: argparse.Action, formatter) -> str:
    if action.option_strings:
        names = ", ".join(f"`{o}`" for o in action.option_strings)
        if action.nargs != 0:
            names += f" `{formatter._format_args(action, action.dest.upper())}`"
    else:
        names = f"`{action.metavar or action.dest}`"
    help_text = action.help if action.help != argparse.SUPPRESS else ""
    if action.choices and not action.option_strings and not isinstance(action.choices, dict):
        help_text = f"{help_text} (one of {', '.join(map(str, action.choices))})"
    return f"| {names} | {_cell(help_text)} |"


def commands_page() -> str:
    from torchplay.tui.cli.parser import build_parser

    parser = build_parser()
    out = [
        "# Commands",
        "",
        "Generated from the command line's parser (`tui/cli/parser.py`): every command and "
        "every flag, with the help `--help` prints.",
        "",
        "```",
        parser.format_usage().strip(),
        "```",
        "",
    ]
    for name, sub in _subparsers(parser).items():
        formatter = sub._get_formatter()
        out += [f"## torchplay {name}", "", _cell(sub.description), "", "```"]
        out += [sub.format_usage().strip(), "```", ""]
        rows = [a for a in sub._actions if not isinstance(a, argparse._HelpAction)]
        if rows:
            out += ["| argument | what it does |", "|---|---|"]
            out += [_option_row(a, formatter) for a in rows]
            out.append("")
        if sub.epilog:
            example = sub.epilog.split("\n\n")[0].replace("example:\n", "").strip()
            out += ["Example:", "", "```", example, "```", ""]
    return "\n".join(out)


def _attribute_docs(cls) -> dict[str, str]:
    """The docstring under each field of a dataclass (its source, read with ast)."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body
    docs = {}
    for node, after in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


def spec_page() -> str:
    from torchplay.engine.run.spec import SECTIONS, spec_fields

    docs = {
        f"{section}.{name}": text
        for section, cls in SECTIONS.items()
        for name, text in _attribute_docs(cls).items()
    }
    homes = ", ".join(  # where each table's class lives: engine/run/dataspec.py ...
        f"`[{section}]`: `{cls.__module__.removeprefix('torchplay.').replace('.', '/')}.py`"
        for section, cls in SECTIONS.items()
    )
    out = [
        "# Spec fields",
        "",
        "Generated from each field's metadata (`engine/run/fieldinfo.py`: its flag, panel "
        f"label and help) and the docstring under it ({homes}). A spec "
        "`FILE.toml` holds these tables; each field is also a flag of `train`, `lr-find` and "
        '`sweep`, and the app\'s panel shows it under its label. `scenario = "NAME"` at the '
        "top of a file starts from a built-in scenario.",
        "",
    ]
    section = None
    for field in spec_fields():
        here = field.key.partition(".")[0]
        if here != section:
            section = here
            out += [
                f"## [{section}]",
                "",
                "| field | default | flag | panel | what it is |",
                "|---|---|---|---|---|",
            ]
        info = field.info
        flag = f"`{info.flag}`" + (f" `{info.metavar}`" if info.metavar else "")
        text = docs.get(field.key) or info.help
        default = info.default_text(field.default)
        out.append(
            f"| `{field.name}` | `{default}` | {flag} | {_cell(info.label)} | {_cell(text)} |"
        )
    out.append("")
    return "\n".join(out).replace("|\n## [", "|\n\n## [")


def keys_page() -> str:
    from torchplay.tui.app.actions.helpkeys import GROUPS
    from torchplay.tui.app.keys import BINDINGS

    group_of = {a: g for g, actions in GROUPS.items() for a in actions}
    out = [
        "# Keys",
        "",
        "Generated from the app's bindings (`tui/app/keys.py`); `?` in the app shows the same "
        "list, and `ctrl+p` finds each by name.",
        "",
    ]
    for group in [*GROUPS, "More"]:
        rows = [b for b in BINDINGS if group_of.get(b.action, "More") == group]
        if not rows:
            continue
        out += [f"## {group}", "", "| key | what it does |", "|---|---|"]
        for b in rows:
            keys = " / ".join(f"`{k}`" for k in b.key.split(","))
            out.append(f"| {keys} | {_cell(b.tooltip or b.description)} |")
        out.append("")
    return "\n".join(out)


def lessons_page() -> str:
    from torchplay.engine.run.goal import OPS, RESULTS
    from torchplay.engine.run.lessons import KEYS, builtin

    out = [
        "# Lessons",
        "",
        "Generated from the built-in lessons (`engine/run/lessondata/`). "
        "`torchplay learn NAME` opens one; `torchplay check NAME --solution FILE` grades a run.",
        "",
        "| # | name | title | goal |",
        "|---|---|---|---|",
    ]
    for number, lesson in enumerate(builtin(), 1):
        out.append(f"| {number} | `{lesson.name}` | {_cell(lesson.title)} | `{lesson.goal.text}` |")
    out += [
        "",
        "## Goal names",
        "",
        "A goal is terms joined by `and`: `NAME OP NUMBER` (OP one of "
        + ", ".join(f"`{op}`" for op in OPS)
        + "), a flag, or `not` a flag.",
        "",
        "| name | what it is |",
        "|---|---|",
    ]
    out += [f"| `{name}` | {_cell(text)} |" for name, text in RESULTS.items()]
    out += ["", "## Lesson file keys", "", ", ".join(f"`{k}`" for k in KEYS), ""]
    return "\n".join(out)


def pages() -> dict[str, str]:
    """Every generated page: path under docs/ -> Markdown."""
    return {path: globals()[name]() for path, name in PAGES.items()}


def on_files(files, config):
    """mkdocs hook: add the generated pages to the build."""
    from mkdocs.structure.files import File

    for path, content in pages().items():
        files.append(File.generated(config, path, content=content))
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/reference")
    for path, content in pages().items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(content, encoding="utf-8")
        print(target / path)
