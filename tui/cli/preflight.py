"""Checks before the app opens (``torchplay``, ``torchplay tui``, ``torchplay compare``).

The files named on the command line come first (missing, a directory, no torchplay
header: a pickle names ``torchplay import``), then the terminal (stdin and stdout must
both be a TTY), then every field of each checkpoint. Textual is imported only after all
pass, so a bad file or a run without a terminal (a pipe, cron, CI) exits 2 with one line
instead of starting (or hanging in) the app; the header and terminal checks import no
torch.
"""

from __future__ import annotations

import os
import sys

from torchplay.engine.run.errors import UserError


def check_app(command: str | None, source: str, compare: list[str]) -> None:
    """Refuse what would stop the app from opening on ``source`` (or ``compare``).

    Raises:
        InputError: a missing or invalid SOURCE or checkpoint (a pickle names
            ``torchplay import``), or no terminal.
    """
    paths = check_files(source, compare, load=False)
    check_terminal(command or "tui")
    _load(paths)  # every field, as the app's engine will


def check_files(source: str, compare: list[str], load: bool = True) -> list[str]:
    """Refuse a SOURCE or compared checkpoint the app could not open: missing, a folder, no
    torchplay header (torch-free), then (``load``) every field. ``torchplay serve`` checks
    its SOURCE with this before it serves, so a corrupt file exits 2 instead of failing in
    each browser tab.

    Returns:
        The checkpoint paths among them.
    """
    from torchplay.engine.run import share
    from torchplay.engine.run.source import resolve

    if share.looks_like(source) and not compare:
        share.decode(source)  # a damaged string exits 2 here, before the app
        return []
    paths = compare or [p for p in [resolve(source, checkpoints=True).checkpoint] if p]
    for path in paths:  # a missing file is found before torch is imported
        if os.path.isdir(path):
            raise UserError(f"{path!r} is a directory, not a checkpoint file")
        if not os.path.exists(path):
            raise UserError(f"checkpoint {path!r} does not exist: check the path")
    from torchplay.engine.files.ckheader import parse_header, read_file, read_metadata

    for path in paths:
        if read_metadata(path) is None:  # no torchplay header: say why, torch-free if we can
            parse_header(read_file(path), path)
            _load([path])
    if load:
        _load(paths)
    return paths


def _load(paths: list[str]) -> None:
    if paths:  # this imports torch: seconds
        from torchplay.engine.files import checkpoint

        for path in paths:
            checkpoint.load(path)


def check_terminal(command: str) -> None:
    """Refuse to open the app unless stdin and stdout are both terminals (or Textual
    was given another driver: ``torchplay serve`` runs the app over pipes).

    Raises:
        UserError: naming the stream that is not a terminal and the headless way.
    """
    if os.environ.get("TEXTUAL_DRIVER"):  # another driver (textual-serve's web driver)
        return
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)):
        isatty = getattr(stream, "isatty", None)
        try:
            ok = bool(isatty and not stream.closed and isatty())
        except ValueError:  # a closed file
            ok = False
        if not ok:
            raise UserError(
                f"torchplay {command} opens the app and needs a terminal, but {name} is "
                "not one: run it in a terminal, or use torchplay train / info headless"
            )
