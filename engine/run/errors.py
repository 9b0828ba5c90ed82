"""Bad input and the exit codes it maps to: the one module every front end imports. No torch.

Every error the user can fix (a spec value, a data file, a checkpoint, an imported file, a
command-line value) derives from :class:`InputError`, so front ends catch one type and
print its message. The exit codes are the command line's contract (docs/reference/command-line.md, Exit codes).
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
"""Success."""
EXIT_BUG = 1
"""A bug: an unexpected exception, printed with its traceback."""
EXIT_INPUT = 2
"""Bad input: usage, spec, or an unreadable, unsafe or corrupt file (one line on stderr)."""
EXIT_DIVERGED = 3
"""Training diverged (the last finite weights are kept)."""
EXIT_SIGINT, EXIT_SIGTERM, EXIT_SIGHUP = 130, 143, 129
"""Interrupted by Ctrl-C, SIGTERM or SIGHUP, after saving the last completed step to ``--save``."""
EXIT_PIPE = 141
"""stdout was closed by its reader (``| head``): quietly, as a program killed by SIGPIPE
(128 + 13); files were written in full before the output was cut."""


class InputError(ValueError):
    """Bad input; the message names the value and the fix, on one line: control characters
    in it (a newline inside a key the user typed) are shown as escapes."""

    def __init__(self, *args: Any) -> None:
        if args and isinstance(args[0], str):
            args = (one_line(args[0]), *args[1:])
        super().__init__(*args)


def one_line(text: str) -> str:
    """``text`` with characters that are not printable (newlines, escape codes) escaped."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


class UserError(InputError):
    """A command-line value the engine never sees (an output path, a flag): exit 2."""


class SpecError(InputError):
    """A spec field has a value that is not allowed.

    Attributes:
        field: dotted name of the field, e.g. ``training.lr``.
        value: the offending value.
        allowed: what would have been accepted.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field, self.value, self.allowed = field, value, allowed
        super().__init__(f"{field} = {value!r}: {allowed}")
