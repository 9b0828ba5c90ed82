"""Shared helpers: run the command line in-process or as a real subprocess."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# The terminal the snapshots and text checks were made for: a UTF-8, colour xterm. The app
# draws ASCII under LANG=C or TERM=linux/dumb and greys under NO_COLOR (tui/draw/glyphs.py), so
# a CI shell without a terminal (TERM=dumb or unset, LANG=C) must not change what the
# tests see. Tests of those modes set them explicitly.
os.environ.update(TERM="xterm-256color", LANG="C.UTF-8")
for _name in ("LC_ALL", "LC_CTYPE", "NO_COLOR"):
    os.environ.pop(_name, None)


# CI draws the same examples on every clone (derandomize: a red run is the code's, not the
# draw's, and reruns reproduce it); developers keep random draws, which find new cases.
# .ci/run exports CI=true.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")

SERIAL = pytest.mark.xdist_group("serial")
"""For files that time, measure memory or send signals: under ``make test`` (``-n 2
--dist loadgroup``) they all run on one worker, one after another, never beside each other."""


FRESH_INTERPRETER = re.compile(
    r"\brun_cli(_each)?\(|\bsubprocess\.(run|Popen|check_output|call)\(|\bPopen\("
)
"""What a test's own source calls to start a fresh interpreter (torch's import alone is
1.5-2 s of CPU in each)."""


def pytest_collection_modifyitems(items) -> None:
    """A test that starts a fresh interpreter in its own body is slow (``make test-fast``
    leaves it out) without a mark of its own; a helper that does so is not seen here, so
    its tests carry ``@pytest.mark.slow`` by hand (tests/cli/test_signals.py...)."""
    seen: dict[object, bool] = {}
    for item in items:
        function = getattr(item, "function", None)
        if function is None:
            continue
        if function not in seen:
            try:
                seen[function] = bool(FRESH_INTERPRETER.search(inspect.getsource(function)))
            except (OSError, TypeError):
                seen[function] = False
        if seen[function]:
            item.add_marker(pytest.mark.slow)


def cli_env() -> dict[str, str]:
    """The environment a fresh ``torchplay`` process gets: this checkout first on the path,
    100 columns."""
    return dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None, timeout: int = 120):
    """``torchplay ARGS`` in a fresh process: (exit code, stdout, stderr)."""
    env = cli_env()
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout, proc.stderr


_EACH = """
import json, sys
from torchplay.tui.cli.main import main
for argv in json.loads(sys.argv[1]):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
        stream.write("\\x1e%s\\n" % code)
        stream.flush()
"""


def run_cli_each(
    argvs: list[list[str]], env: dict[str, str] | None = None, prefix: list[str] = ()
) -> list[tuple[int, bytes, bytes]]:
    """Each ``torchplay ARGV`` of ``argvs`` in turn, in one fresh process (one torch import
    for all, 2-4 s saved a command): [(exit code, stdout, stderr)], the streams as bytes.
    For checks that need a fresh interpreter's streams, locale or capabilities, not a
    process of their own (exit by a signal, a killed process: those keep ``run_cli``)."""
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", _EACH, json.dumps(argvs)],
        cwd=ROOT,
        env=env if env is not None else cli_env(),
        capture_output=True,
        timeout=120 * len(argvs),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    outs, errs = proc.stdout.split(b"\x1e"), proc.stderr.split(b"\x1e")
    assert len(outs) == len(errs) == len(argvs) + 1, proc.stderr[-2000:]
    return [
        (int(errs[i + 1].split(b"\n", 1)[0]), _rest(outs, i), _rest(errs, i))
        for i in range(len(argvs))
    ]


def _rest(parts: list[bytes], i: int) -> bytes:
    """The ``i``-th command's output: what follows the previous separator's code line."""
    return parts[i] if i == 0 else parts[i].split(b"\n", 1)[1]


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory, monkeypatch):
    """Each test gets its own, empty config folder: the app's settings file
    (tui/app/settings.py: theme, runs folder, last scenario) is never the user's, and what one
    test's app remembers on quit does not change what the next one opens; it has been
    welcomed (no first-start notice). Likewise its
    own state folder: the recovery checkpoints an app that ends without quitting leaves
    (engine/process/recovery.py) are never offered to another test, or to the user."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    # the first start's "New here? Press O for the lessons" is seen: a test about that
    # notice removes this file (tests/tui/test_lessons_app.py)
    (config / "torchplay").mkdir()
    (config / "torchplay" / "settings.toml").write_text("welcomed = true\n")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def one_thread():
    """Each test starts with one intra-op thread (tiny models on a shared 2-core machine,
    where two threads per process oversubscribe) and leaves torch's global thread count
    as it found it, whatever the test or a command run in-process (configure_threads) set."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def cli(capsys):
    """``torchplay ARGS`` in-process: (exit code, stdout, stderr)."""
    from torchplay.tui.cli.main import main

    def call(*args: str):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return call
