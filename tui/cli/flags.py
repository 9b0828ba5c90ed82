"""Command-line flags for spec fields, and the help formatter every subcommand uses.

:data:`SPEC_FLAGS` is the table of spec flags, derived from each spec field's
:class:`~torchplay.engine.run.fieldinfo.FieldInfo`: ``train`` (and ``lr-find``) add them,
and :func:`spec_overrides` turns parsed arguments into ``Spec.with_overrides`` keys. Help
text shows each default: for spec flags, the value the ``regression`` scenario gives (a
scenario or TOML file given as SOURCE sets its own). No torch is imported here (``--help`` stays fast).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from torchplay.engine.run.fieldinfo import FieldInfo
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.spec import SpecError, spec_fields

FPS = 20
"""The app's chart frames a second by default (``--fps``), both charts together."""


def _flag_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """``parse`` for argparse: a refused value is a usage error naming the field; plain
    ``int`` and ``float`` keep argparse's own message (``invalid float value: 'x'``)."""
    if parse in (int, float, str):
        return parse

    def flag_type(text: str) -> Any:
        try:
            return parse(text)
        except SpecError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    flag_type.__name__ = getattr(parse, "__name__", "value")
    return flag_type


def _flag_keywords(info: FieldInfo) -> dict[str, Any]:
    if info.switch:
        return {"action": argparse.BooleanOptionalAction, "help": info.help}
    kwargs: dict[str, Any] = {"metavar": info.metavar, "help": info.help}
    kwargs["type"] = _flag_type(info.parse)
    if info.nargs:
        kwargs["nargs"] = info.nargs
    return kwargs


SPEC_FLAGS: list[tuple[str, str, dict[str, Any]]] = [
    (f.info.flag, f.key, _flag_keywords(f.info)) for f in spec_fields()
]
"""(flag, spec key, argparse keywords) for every spec field, derived from the fields'
:class:`FieldInfo` (:func:`torchplay.engine.run.spec.spec_fields`). Choice names are
checked by the spec, not argparse, so a bad one is reported as the field it is
(``model.activation = 'swish'``)."""


INFO = {f.key: f.info for f in spec_fields()}
"""Spec key -> its :class:`FieldInfo`."""


def _default_text(key: str) -> str:
    section, _, name = key.partition(".")
    value = getattr(getattr(get_scenario("regression"), section), name)
    return f"(default: the SOURCE's; regression: {INFO[key].default_text(value)})"


def add_spec_flags(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """Add a flag for every spec field (default None: keep the SOURCE's value), less the
    flags in ``skip`` (a command's own flag of that name)."""
    group = parser.add_argument_group("spec fields (override the SOURCE's)")
    for flag, key, kwargs in SPEC_FLAGS:
        if flag in skip:
            continue
        kw = dict(kwargs)
        kw["help"] = f"{kw['help']} {_default_text(key)}"
        group.add_argument(flag, dest=_dest(flag), default=None, **kw)


def _dest(flag: str) -> str:
    return "spec_" + flag.lstrip("-").replace("-", "_")


def spec_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The spec keys the user set on the command line, for ``Spec.with_overrides``."""
    out = {}
    for flag, key, _ in SPEC_FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is not None:
            out[key] = value
    return out


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's lines (examples) as written; shows defaults not yet shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default is argparse.SUPPRESS:
            return text
        if action.required or not action.option_strings:
            return text
        if action.nargs == 0:
            return f"{text} (default: off)"
        if action.default is None:
            return f"{text} (default: none)"
        return f"{text} (default: %(default)s)"
