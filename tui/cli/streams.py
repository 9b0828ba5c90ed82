"""A standard stream that cannot take more output: the front door's one rule for it.

A closed pipe (``| head``) ends quietly with :data:`EXIT_PIPE`, as a program killed by
SIGPIPE would. A stream that fails for any other reason (``> /dev/full``, a full disk or
quota under a redirect, an I/O error) exits :data:`EXIT_INPUT` with one line on stderr
that names the stream and the fix, no traceback: the same rule as every file torchplay
writes (engine/files/atomic.py). Files written before the failure (a checkpoint saved
before the result was printed) are complete; nothing is rolled back.
"""

from __future__ import annotations

import errno
import os
import sys

from torchplay.engine.run.errors import EXIT_INPUT, EXIT_PIPE

WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EPIPE}
)
"""The errors of a write that failed because of where it went, not because of a bug."""


def is_stream_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a failed write to a standard stream: a write error with no file
    name (every file torchplay writes turns its own errors into one-line
    :class:`~torchplay.engine.files.atomic.TargetError` s naming the file)."""
    return (
        isinstance(exc, OSError)
        and exc.errno in WRITE_ERRNOS
        and exc.filename is None
        and not isinstance(exc, BrokenPipeError)
    )


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush of what is still
    buffered cannot fail again (and print "Exception ignored")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is no file (tests, hosts)
        pass


def closed_stdout() -> int:
    """stdout's reader went away (``torchplay info X | head -1``): end quietly with
    :data:`EXIT_PIPE`."""
    silence_stdout()
    return EXIT_PIPE


def failed_stream(exc: OSError) -> int:
    """stdout (or stderr) refused a write: one line on stderr, :data:`EXIT_INPUT`."""
    silence_stdout()
    reason = exc.strerror or str(exc)
    try:
        print(
            f"torchplay: error: cannot write to stdout: {reason}; free space or redirect "
            "the output elsewhere (files written before this were kept)",
            file=sys.stderr,
        )
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr is as full: the exit code says it
        pass
    return EXIT_INPUT
