"""Output files: check a target before any work, then write it atomically. No torch here.

:func:`check_target` is what every command calls on each output path (``--save``,
``--save-every``, ``--metrics``, ``--out``, the app's save dialog) before it trains,
exports or sweeps, so a path that cannot be written is refused in seconds, not after the
run. :func:`write_atomic` writes through a temp file in the same folder, so readers see
the old file or the new one, never a partial one; :class:`BackgroundWriter` does that on
a thread, for periodic saves.

Rules for a target (both functions apply them):

* a symlink is followed: the file it points to is replaced, the link stays;
* an existing target must be a regular file (not a directory, device, FIFO or socket);
* its folder must exist (nothing creates folders here) and accept a new file;
* an overwritten file keeps its permission bits; a new one gets ``0666 & ~umask``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from torchplay.engine.run.errors import InputError

_KINDS = {
    stat.S_IFDIR: "a directory: give a file path",
    stat.S_IFCHR: "a device, not a regular file",
    stat.S_IFBLK: "a device, not a regular file",
    stat.S_IFIFO: "a FIFO (named pipe), not a regular file",
    stat.S_IFSOCK: "a socket, not a regular file",
}
_NOT_FOLDERS = {
    stat.S_IFREG: "a file",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
}


class TargetError(InputError):
    """An output path cannot be written; the message names it and what to do."""


def resolve(path: str | os.PathLike, what: str = "output") -> Path:
    """The file that writing ``path`` replaces: symlinks followed, the kind checked.

    Raises:
        TargetError: the path (or the file a link points to) is not a regular file, or
            its folder does not exist.
    """
    shown = _shown(path, what)
    if str(path) == "":
        raise TargetError(f"{shown}: empty path; give a file path")
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:
        raise TargetError(f"{shown}: {exc}") from None
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise TargetError(f"{shown}: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        raise TargetError(f"{shown} is {kind}")
    folder = real.parent
    if not folder.is_dir():
        raise TargetError(f"{shown}: folder {str(folder)!r} does not exist; create it first")
    return real


def _shown(path: str | os.PathLike, what: str) -> str:
    return f"{what} {str(path)!r}" if what else repr(str(path))


def check_target(path: str | os.PathLike, what: str = "output") -> Path:
    """Refuse an output path that cannot be written, before any work starts.

    Besides :func:`resolve`'s checks, it creates and removes a temp file in the target's
    folder: the one reliable test (root passes every permission check, yet cannot
    create files in ``/proc`` or on a read-only mount).

    Args:
        path: the path the user gave.
        what: how to name it in the message, e.g. ``--save``.

    Returns:
        The file a write replaces (symlinks followed).

    Raises:
        TargetError: one line naming the path and the fix.
    """
    real = resolve(path, what)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise TargetError(
            f"{_shown(path, what)}: cannot create files in {str(real.parent)!r} "
            f"({exc.strerror or exc}); choose another folder"
        ) from None
    os.close(fd)
    os.unlink(tmp)
    return real


def check_folder(path: str | os.PathLike, what: str = "output") -> Path:
    """Refuse an output folder (``sweep --out``, ``--tensorboard``) that cannot take files,
    before any work starts: an existing path must be a folder (a symlink to one is
    followed; a dangling one is refused), a new one needs an existing parent folder; either
    must accept a new file (a temp file is created and removed, as :func:`check_target`).
    Nothing is created here.

    Returns:
        The folder (symlinks followed).

    Raises:
        TargetError: one line naming the path and the fix.
    """
    shown = _shown(path, what)
    if str(path) == "":
        raise TargetError(f"{shown}: empty path; give a folder path")
    if os.path.islink(path) and not os.path.exists(path):
        raise TargetError(
            f"{shown} is a symbolic link to {os.readlink(path)!r}, which does not exist; "
            "give an existing folder or a new name"
        )
    try:
        real = Path(os.path.realpath(path))
        st = real.stat()
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:
        raise TargetError(f"{shown}: {getattr(exc, 'strerror', None) or exc}") from None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        kind = _NOT_FOLDERS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        raise TargetError(f"{shown} is {kind}, not a folder: give a folder path")
    probe = real if st is not None else real.parent
    if not probe.is_dir():
        raise TargetError(f"{shown}: folder {str(probe)!r} does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".torchplay.", suffix=".tmp", dir=probe)
    except OSError as exc:
        raise TargetError(
            f"{shown}: cannot create files in {str(probe)!r} ({exc.strerror or exc}); "
            "choose another folder"
        ) from None
    os.close(fd)
    os.unlink(tmp)
    return real


def make_folder(path: str | os.PathLike, what: str = "output") -> Path:
    """:func:`check_folder`, then create the folder if it is new.

    Raises:
        TargetError: as :func:`check_folder`, or the folder cannot be made.
    """
    real = check_folder(path, what)
    try:
        real.mkdir(exist_ok=True)
    except OSError as exc:
        raise TargetError(
            f"cannot create {_shown(path, what)}: {exc.strerror or exc}; choose another folder"
        ) from None
    return real


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str | os.PathLike,
    data: bytes,
    what: str = "",
    *,
    claim: Callable[[Path], AbstractContextManager] | None = None,
) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never
    a partial one: temp file in the same folder, fsync, ``os.replace``, fsync the folder.

    ``claim(tmp)``, when given, is entered around creating the temp file ``tmp``: a
    :class:`BackgroundWriter` records it there, so that another thread can remove it.

    Raises:
        TargetError: the target is not a regular file, the folder is missing or
            unwritable, or the disk is full; the previous file is unchanged.
    """
    real = resolve(path, what)
    try:
        mode = real.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    # The temp name is known before the file exists, so an exception at any point
    # (a signal handler can raise between any two bytecodes) still removes it.
    tmp = real.parent / f".{real.name}.{secrets.token_hex(4)}.tmp"
    try:
        with claim(tmp) if claim is not None else contextlib.nullcontext():
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise TargetError(
                f"cannot write {_shown(path, what)}: {exc.strerror or exc}; free space or "
                "choose another folder (the previous file, if any, is unchanged)"
            ) from None
        raise
    dir_fd = os.open(real.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class BackgroundWriter:
    """:func:`write_atomic` on one thread, so a periodic save costs the loop only the
    bytes it hands over, not the fsyncs (tens of milliseconds each on a busy disk).

    Per path the newest bytes win: a write still waiting when newer bytes come is dropped,
    so a file only moves forward, and each write is still atomic (a kill at any moment
    leaves the old file or the new one). An error is raised by the next :meth:`submit` or
    by :meth:`wait`, which also finishes every write handed over (call it before writing
    the same path directly). :meth:`abandon` gives up at once, leaving no temp file.
    """

    def __init__(self) -> None:
        self._cv = threading.Condition()  # reentrant: abandon() may run in a signal handler
        self._pending: dict[str, bytes] = {}
        self._busy = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._tmp: Path | None = None
        """The temp file of the write in progress, once created."""
        self._abandoned = False

    def abandon(self) -> None:
        """Give up now (the process is about to exit): drop the writes waiting and remove
        the temp file of the one in progress. Without this, the writer, a daemon thread,
        would die mid-write at exit and leave its temp file behind. Each target holds its
        old file, or the new one if that write was already renamed into place; nothing is
        written after this."""
        with self._cv:
            self._abandoned = True
            self._pending.clear()
            if self._tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._tmp)
                self._tmp = None
            self._cv.notify_all()

    @contextlib.contextmanager
    def _claim(self, tmp: Path):
        # The temp file is created under the lock abandon() takes: so abandon either
        # comes first (nothing is created) or finds the file and removes it.
        with self._cv:
            if self._abandoned:
                raise _Abandoned(tmp)
            self._tmp = tmp
            yield

    def submit(self, path: str, data: bytes) -> None:
        """Write ``data`` to ``path`` soon.

        Raises:
            TargetError: an earlier write failed.
        """
        with self._cv:
            self._raise()
            self._pending[path] = data
            self._cv.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="torchplay-writer", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Return once every write handed over is on disk.

        Raises:
            TargetError: a write failed (the previous file, if any, is unchanged).
        """
        with self._cv:
            while self._pending or self._busy:
                self._cv.wait()
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._pending:
                    self._cv.wait()
                path = next(iter(self._pending))
                data = self._pending.pop(path)
                self._busy = True
            try:
                write_atomic(path, data, claim=self._claim)
            except BaseException as exc:  # handed to the loop's thread
                with self._cv:
                    self._error = exc
            finally:
                with self._cv:
                    self._busy, self._tmp = False, None
                    self._cv.notify_all()


class _Abandoned(Exception):
    """A background write asked for after :meth:`BackgroundWriter.abandon`."""
