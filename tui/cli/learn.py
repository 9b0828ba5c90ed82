"""``torchplay learn`` (the lessons, or the app on one) and ``torchplay check`` (grading).

``check LESSON [--solution FILE.toml|CKPT]`` trains the solution's spec (or reads the
checkpoint as it is) and judges the lesson's goal: exit 0 when it passes, 1 when it does
not, 2 for bad input. Without ``--solution`` it grades the lesson's own start, which fails.
No Textual here: ``learn NAME`` opens the app through the front door.
"""

from __future__ import annotations

import argparse
import json

from torchplay.engine.run.errors import EXIT_OK, InputError
from torchplay.engine.run.lessons import Lesson, builtin, load

EXIT_FAIL = 1
"""``check``: the solution does not reach the goal (or changed a locked field)."""


def add_learn_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "lesson",
        nargs="?",
        help="a built-in lesson's name or a lesson FILE.toml: opens the app on it "
        "(none: list the built-in lessons)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='list the lessons as JSON objects {"name", "title", "passed", "goal"}',
    )


def add_check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("lesson", help="a built-in lesson's name or a lesson FILE.toml")
    p.add_argument(
        "--solution",
        metavar="FILE.toml|CKPT",
        help="a spec file to train, or a checkpoint to grade as it is "
        "(default: the lesson's own start, which must fail)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"lesson", "goal", "passed", "terms": [{"term", "name", "value", '
        '"passed"}], "locked_changed", "results"}',
    )


def cmd_learn_list(args) -> int:
    """The built-in lessons, each marked when the settings say it was passed."""
    from torchplay.tui.app import settings

    passed = set(settings.load()[0].passed)
    items = [lesson.to_json(lesson.name in passed) for lesson in builtin()]
    if args.json:
        print(json.dumps(items))
        return EXIT_OK
    width = max(len(item["name"]) for item in items)
    for number, item in enumerate(items, 1):
        mark = "✓" if item["passed"] else " "
        print(f"{mark} {number:2d} {item['name']:<{width}}  {item['title']}")
    print("\nopen one: torchplay learn NAME   grade a run: torchplay check NAME --solution FILE")
    return EXIT_OK


def _solution(lesson: Lesson, path: str):
    """The graded run: a spec file trained to its steps, or a checkpoint read as it is."""
    from torchplay.engine.run.source import resolve
    from torchplay.engine.train.grade import grade, judge

    source = resolve(path, checkpoints=True)
    if source.checkpoint is None:
        return grade(lesson, source.spec)
    from torchplay.engine.files import checkpoint

    return judge(lesson, checkpoint.restore(source.checkpoint))


def cmd_check(args) -> int:
    from torchplay.engine.run.goal import RESULTS
    from torchplay.engine.train.grade import grade
    from torchplay.tui.draw.progress import fmt

    lesson = load(args.lesson)
    if args.solution is not None and args.solution == "":
        raise InputError("--solution '': give a spec FILE.toml or a checkpoint")
    result = grade(lesson) if args.solution is None else _solution(lesson, args.solution)
    if args.json:
        print(json.dumps(result.to_json(lesson)))
        return EXIT_OK if result.passed else EXIT_FAIL
    what = args.solution or "the lesson's start"
    print(f"{lesson.name}: {'PASS' if result.passed else 'FAIL'} ({what})")
    for outcome in result.outcomes:
        value = outcome.value
        shown = fmt(value) if isinstance(value, float) else json.dumps(value)
        mark = "✓" if outcome.passed else "✗"
        print(f"  {mark} {outcome.term.text:<28} {outcome.term.name} = {shown}")
        if value is None and outcome.term.name in RESULTS:
            print(f"      ({outcome.term.name}: {RESULTS[outcome.term.name]})")
    for change in result.changed:
        print(f"  ✗ locked: {change}")
    return EXIT_OK if result.passed else EXIT_FAIL
