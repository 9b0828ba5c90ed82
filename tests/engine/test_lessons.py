"""Built-in lessons: each start fails its goal, each reference solution reaches it (real
training); the goal grammar; lesson files and their errors."""

from __future__ import annotations

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run import goal, lessons
from torchplay.engine.run.errors import InputError
from torchplay.engine.train import lineage
from torchplay.engine.train.grade import grade, judge, train
from torchplay.engine.train.lrfind import lr_find

# What a learner changes, per lesson: the reference solution (the lesson's text and hints
# lead there). Lessons that need more than a spec change have a function below.
SOLUTIONS = {
    "regression": {"training.steps": 300},
    "classification": {"training.steps": 100},
    "sequential": {"model.hidden": (5,)},
    "circles-features": {"data.features": ("x1sq", "x2sq")},
    "xor-hidden": {"model.hidden": (8,)},
    "spiral-depth": {"model.hidden": (8, 8)},
    "l2-overfit": {"training.l2": 0.003},
    "seed": {"data.seed": 2},
    "early-stopping": {"training.patience": 50},
    "zero-init": {"model.init": "xavier"},
}


def _save_restore(lesson, tmp_path):
    """Train the 1000 steps, save, restore in a new trainer, train 1000 more."""
    path = tmp_path / "a.safetensors"
    checkpoint.save(train(lesson.spec), path)
    again = checkpoint.restore(path)
    again.run(steps=1000)
    return judge(lesson, again)


def _lr_finder(lesson, tmp_path):
    """The finder's suggestion, rounded as the app applies it, trains to the goal."""
    test = lr_find(lesson.spec)
    assert test.suggested_lr is not None
    lr = float(f"{test.suggested_lr:.3g}")
    return grade(lesson, lesson.spec.with_overrides({"training.lr": lr}))


def _time_travel(lesson, tmp_path):
    """Run to the end, go back to the snapshot nearest the best test loss, fork with a
    lower lr and train the fork to the end."""
    parent = train(lesson.spec)
    best = min(parent.history.since(-1), key=lambda p: p[2] if p[2] is not None else 1e9)[0]
    step = parent.snapshots.nearest(best).step
    child = lineage.fork(parent, step, lesson.spec.with_overrides({"training.lr": 0.001}))
    child.run()
    return judge(lesson, child)


BY_HAND = {"save-restore": _save_restore, "lr-finder": _lr_finder, "time-travel": _time_travel}


def test_there_are_at_least_twelve_lessons_each_with_a_solution():
    names = lessons.builtin_names()
    assert len(names) >= 12
    assert sorted(names) == sorted([*SOLUTIONS, *BY_HAND])


@pytest.mark.parametrize("name", lessons.builtin_names())
def test_the_start_does_not_pass(name):
    lesson = lessons.load(name)
    result = grade(lesson)
    assert not result.passed, result.results


@pytest.mark.parametrize("name", lessons.builtin_names())
def test_the_reference_solution_passes(name, tmp_path):
    lesson = lessons.load(name)
    if name in BY_HAND:
        result = BY_HAND[name](lesson, tmp_path)
    else:
        result = grade(lesson, lesson.spec.with_overrides(SOLUTIONS[name]))
    assert result.passed, (result.results, result.changed)


def test_a_lesson_names_its_texts_hints_and_fields():
    for lesson in lessons.builtin():
        assert lesson.text and 1 <= len(lesson.hints) <= lessons.MAX_HINTS
        assert not set(lesson.lock) & set(lesson.hide)


def test_changing_a_locked_field_fails_the_lesson_and_names_it():
    lesson = lessons.load("circles-features")
    result = grade(lesson, lesson.spec.with_overrides({"model.hidden": (8,)}))
    assert not result.passed
    assert result.changed == ("model.hidden = (8,) (the lesson's: ())",)


def test_goal_grammar():
    g = goal.parse("test_loss < 0.1 and steps <= 500 and stopped_early and not diverged")
    assert [t.text for t in g.terms] == [
        "test_loss < 0.1", "steps <= 500", "stopped_early", "not diverged"
    ]  # fmt: skip
    ok = {"test_loss": 0.05, "steps": 500, "stopped_early": True, "diverged": False}
    assert g.passed(ok)
    assert not g.passed({**ok, "steps": 501})
    assert not g.passed({**ok, "test_loss": None})  # no test split: the term fails
    assert [o.passed for o in g.judge({**ok, "diverged": True})] == [True, True, True, False]
    assert goal.parse("accuracy>=0.95").terms == (goal.Term("accuracy", ">=", 0.95),)
    assert goal.parse("params == 27").passed({"params": 27})


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "give terms"),
        ("loss < 0.1", "'loss' is not a result"),
        ("test_loss < 0.1 or steps < 3", "expected 'and' before 'or'"),
        ("test_loss <", "None is not a number"),
        ("test_loss", "compare test_loss with a number"),
        ("stopped_early < 1", "stopped_early is true or false"),
        ("__import__('os')", "cannot read"),
        ("test_loss < nan", "'nan' is not a finite number"),
    ],
)
def test_bad_goals_are_refused_by_name(text, says):
    with pytest.raises(goal.GoalError, match=".*") as info:
        goal.parse(text)
    assert says in str(info.value)


def test_a_lesson_file_is_read_and_checked(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text(
        'title = "Mine"\ngoal = "accuracy >= 0.9"\nlock = ["data.dataset"]\n'
        'text = ["Press space."]\n[spec]\nscenario = "classification"\n'
    )
    lesson = lessons.load(str(good))
    assert (lesson.name, lesson.title, lesson.lock, lesson.path) == (
        "mine", "Mine", ("data.dataset",), str(good)
    )  # fmt: skip
    for body, says in [
        ('title = "x"\ngoal = "steps < 1"\n', "give a [spec] table"),
        ('goal = "steps < 1"\n[spec]\n', "give a title"),
        ('title = "x"\ngoal = "steps < 1"\nlock = ["data.nope"]\n[spec]\n', "no spec field"),
        ('title = "x"\ngoal = "steps < 1"\nhints = ["a","b","c","d"]\n[spec]\n', "at most 3"),
        ('title = "x"\ngoal = "steps < 1"\nsolution = 1\n[spec]\n', "unknown key 'solution'"),
        ('title = "x"\ngoal = "steps < 1"\n[spec.training]\nlr = -1\n', "training.lr"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(body)
        with pytest.raises(InputError) as info:
            lessons.load(str(bad))
        assert says in str(info.value) and str(bad) in str(info.value)
    with pytest.raises(InputError, match="unknown lesson 'nope'"):
        lessons.load("nope")
