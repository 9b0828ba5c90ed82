"""A lesson's goal: a predicate over a run's results, parsed by a tiny grammar. No torch.

The grammar (never ``eval``)::

    goal := term ("and" term)*
    term := NAME OP NUMBER | NAME | "not" NAME
    OP   := "<" | "<=" | ">" | ">=" | "==" | "!="

``NAME`` is one of :data:`RESULTS`: ``test_loss < 0.1 and steps <= 500``,
``stopped_early``, ``not diverged``. A term whose value is missing (a ``test_loss``
without a test split, ``accuracy`` on a regression) fails.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from torchplay.engine.run.errors import InputError

RESULTS = {
    "train_loss": "the last step's train loss",
    "test_loss": "the loss on the held-out test points (needs data.test_fraction > 0)",
    "accuracy": "classification: the share of points classified right",
    "r2": "regression: the coefficient of determination",
    "params": "the network's parameter count",
    "steps": "the steps the run has taken",
    "lr": "the learning rate the run used (training.lr after any change)",
    "stopped_early": "true when early stopping ended the run",
    "diverged": "true when the loss became infinite or NaN",
    "forked": "true for a run forked from another run's snapshot (time travel, f)",
}
"""The names a goal may use, with what each means."""
FLAGS = ("stopped_early", "diverged", "forked")
"""The names that are true or false (a term on its own, or after ``not``)."""

OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_TOKEN = re.compile(r"\s*(<=|>=|==|!=|<|>|[A-Za-z_][A-Za-z0-9_]*|[-+]?[0-9.]+(?:e[-+]?\d+)?)")


class GoalError(InputError):
    """A goal that does not parse; the message names the goal and the part at fault."""


@dataclass(frozen=True)
class Term:
    """One comparison of a goal: ``name op number``, or a flag (``op`` None)."""

    name: str
    op: str | None = None
    number: float = 0.0
    negated: bool = False

    @property
    def text(self) -> str:
        """The term as written (numbers as ``%g``)."""
        if self.op is None:
            return f"not {self.name}" if self.negated else self.name
        return f"{self.name} {self.op} {self.number:g}"

    def holds(self, value: object) -> bool:
        """Whether ``value`` (a result, maybe None) satisfies the term."""
        if self.op is None:
            return bool(value) != self.negated
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return math.isfinite(value) and OPS[self.op](value, self.number)


@dataclass(frozen=True)
class Outcome:
    """A term with the value it was judged on."""

    term: Term
    value: object
    passed: bool

    def to_json(self) -> dict:
        return {"term": self.term.text, "name": self.term.name, "value": self.value,
                "passed": self.passed}  # fmt: skip


@dataclass(frozen=True)
class Goal:
    """Terms joined by ``and``."""

    terms: tuple[Term, ...]

    @property
    def text(self) -> str:
        return " and ".join(t.text for t in self.terms)

    def judge(self, results: Mapping[str, object]) -> tuple[Outcome, ...]:
        """Each term with its value in ``results`` (a missing name: None, which fails)."""
        return tuple(
            Outcome(t, results.get(t.name), t.holds(results.get(t.name))) for t in self.terms
        )

    def passed(self, results: Mapping[str, object]) -> bool:
        return all(o.passed for o in self.judge(results))


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise GoalError(f"goal {text!r}: cannot read {text[pos:].strip()[:20]!r}")
        out.append(match.group(1))
        pos = match.end()
    return out


def _name(text: str, token: str | None) -> str:
    if token not in RESULTS:
        raise GoalError(f"goal {text!r}: {token!r} is not a result; use {', '.join(RESULTS)}")
    return token


def _number(text: str, token: str | None) -> float:
    try:
        value = float(token)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GoalError(f"goal {text!r}: {token!r} is not a number") from None
    if not math.isfinite(value):
        raise GoalError(f"goal {text!r}: {token!r} is not a finite number")
    return value


def parse(text: object) -> Goal:
    """Parse a goal.

    Raises:
        GoalError: not a string, empty, an unknown name, a missing number or ``and``.
    """
    if not isinstance(text, str) or not text.strip():
        raise GoalError(f"goal {text!r}: give terms like 'test_loss < 0.1 and steps <= 500'")
    tokens, terms, i = _tokens(text), [], 0
    while True:
        negated = i < len(tokens) and tokens[i] == "not"
        i += negated
        name = _name(text, tokens[i] if i < len(tokens) else None)
        i += 1
        op = tokens[i] if i < len(tokens) and tokens[i] in OPS else None
        if negated or op is None:
            if name not in FLAGS:
                raise GoalError(f"goal {text!r}: compare {name} with a number, e.g. {name} < 0.1")
            terms.append(Term(name, negated=negated))
        else:
            if name in FLAGS:
                raise GoalError(
                    f"goal {text!r}: {name} is true or false; write {name} or not {name}"
                )
            terms.append(
                Term(name, op, _number(text, tokens[i + 1] if i + 1 < len(tokens) else None))
            )
            i += 2
        if i == len(tokens):
            return Goal(tuple(terms))
        if tokens[i] != "and":
            raise GoalError(f"goal {text!r}: expected 'and' before {tokens[i]!r}")
        i += 1
