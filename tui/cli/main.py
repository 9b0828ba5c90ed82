"""The command line front door: ``torchplay [COMMAND] ...``.

Headless commands never import textual; ``--help`` answers without importing torch
(commands import the engine's heavy modules only when they run).

Exit codes: 0 success; 2 bad input (usage, spec, or an unreadable, unsafe or corrupt
file); 3 training diverged; 130 interrupted (SIGINT), 143 terminated (SIGTERM), 129 hung up
(SIGHUP), after saving to ``--save`` when given; 141 stdout closed by its reader
(``| head``), quietly; 1 only for a bug.
"""

from __future__ import annotations

import argparse
import os
import sys

from torchplay.engine.run import share
from torchplay.engine.run.errors import EXIT_INPUT, EXIT_OK, EXIT_PIPE, EXIT_SIGINT, InputError
from torchplay.engine.run.scenarios import SCENARIOS
from torchplay.tui.cli import interrupts
from torchplay.tui.cli.flags import FPS
from torchplay.tui.cli.parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``torchplay`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    interrupts.hold()  # until a command handles signals itself (see interrupts.hold)
    _tolerant_streams()
    try:
        try:
            code = _dispatch(argv)
        except SystemExit:  # argparse's --help and --version: their text must get out too
            sys.stdout.flush()
            raise
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return _closed_stdout()
    except OSError as exc:  # stdout full (> /dev/full): one line, not a traceback
        from torchplay.tui.cli import streams

        if not streams.is_stream_failure(exc):
            raise
        return streams.failed_stream(exc)
    finally:
        interrupts.release()


def _tolerant_streams() -> None:
    """On a stream whose encoding cannot carry non-ASCII text (``PYTHONIOENCODING=ascii``),
    write escapes (``\\u2500``) instead of raising: charts fall back to ASCII themselves
    (:func:`torchplay.tui.draw.plotting.for_stream`); a stored name prints escaped."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "\u2800\u2500".encode(stream.encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, TypeError):  # a replaced stream (tests, hosts)
            pass


def _closed_stdout() -> int:
    """stdout's reader went away (``torchplay info X | head -1``): end quietly with
    :data:`EXIT_PIPE`."""
    from torchplay.tui.cli import streams

    streams.silence_stdout()
    return EXIT_PIPE


def _bare_source(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``torchplay X`` for ``torchplay tui X`` when X is a scenario name or an existing
    file (a FILE.toml, a checkpoint), as a bare ``torchplay`` opens the app.

    Raises:
        InputError: the first positional is no command, scenario or file.
    """
    commands = next(a.choices for a in parser._actions if a.dest == "command")
    takes_value = {"--fps"}  # the bare command's options with a value
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            return argv
        if not arg.startswith("-") or arg == "-":
            break
        index += 2 if arg in takes_value else 1
    else:
        return argv
    if arg in commands:
        return argv
    if arg in SCENARIOS or os.path.isfile(arg) or share.looks_like(arg):
        return [*argv[:index], "tui", *argv[index:]]
    raise InputError(f"{arg!r} is not a command, scenario or file: see torchplay --help")


def _dispatch(argv: list[str]) -> int:
    parser = build_parser()
    try:
        argv = _bare_source(parser, argv)
    except InputError as exc:
        print(f"torchplay: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    args = parser.parse_args(argv)
    if getattr(args, "plot", False) and getattr(args, "json", False):
        parser.error(
            "--plot draws charts for a person and --json prints one object for a program: "
            "use one of them"
        )
    if args.command not in ("train", "resume", "sweep"):  # those handle signals themselves
        early = interrupts.release()
        if early is not None:
            return early
    try:
        if args.command in (None, "tui", "compare") or (args.command == "learn" and args.lesson):
            return _app(args)
        if args.command in ("learn", "check", "share", "open"):
            from torchplay.tui.cli import learn, sharing

            if args.command == "learn":
                return learn.cmd_learn_list(args)
            return getattr(learn if args.command == "check" else sharing, f"cmd_{args.command}")(
                args
            )
        if args.command == "sweep":
            from torchplay.tui.cli.sweep import cmd_sweep

            return cmd_sweep(args)
        if args.command == "serve":
            from torchplay.tui.cli.serve import cmd_serve

            return cmd_serve(args)
        if args.command == "completion":  # answered from this parser, here
            import shtab

            print(shtab.complete(parser, shell=args.shell))
            return EXIT_OK
        if args.command == "inspect":
            from torchplay.tui.cli.inspecting import cmd_inspect

            return cmd_inspect(args)
        if args.command in ("predict", "info"):
            from torchplay.tui.cli import reading as commands
        else:
            from torchplay.tui.cli import commands

        return getattr(commands, f"cmd_{args.command.replace('-', '_')}")(args)
    except InputError as exc:  # spec, data, checkpoint, import and command-line errors
        print(f"torchplay: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:  # Ctrl-C before a command's own handling starts
        print("torchplay: interrupted", file=sys.stderr)
        return EXIT_SIGINT


def _app(args) -> int:
    """Open the app (``tui``, ``compare``, ``learn NAME``, no command). Textual loads here
    and only here: headless commands and --help never pay for it
    (tests/engine/test_imports.py checks)."""
    from torchplay.tui.app import settings
    from torchplay.tui.cli.preflight import check_app

    compared = getattr(args, "checkpoints", [])
    fps = getattr(args, "fps", FPS)
    if not 1 <= fps <= 60:
        raise InputError(f"--fps {fps}: give 1 to 60 chart frames a second")
    if len(compared) > 3:
        raise InputError(
            f"compare shows up to 3 checkpoints side by side: {len(compared)} given; name 3 of them"
        )
    lesson = None
    if args.command == "learn":
        from torchplay.engine.run.lessons import load

        lesson = load(args.lesson)
        source = "regression"  # the lesson's own spec replaces it
    else:
        source = getattr(args, "source", None) or settings.load()[0].scenario
    check_app(args.command, source, compared)
    from torchplay.tui.app.app import PlaygroundApp

    app = PlaygroundApp(
        source,
        compare=compared,
        ascii_only=getattr(args, "ascii", False),
        fps=fps,
        lesson=lesson,
    )
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
