"""Streams as a user's shell makes them: a real closed pipe on stdout, a terminal (a pty)
with and without ``NO_COLOR``, an ASCII-only stdout, a closed or binary stdin.

Each runs the command line in a fresh process, as the shell would."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.conftest import ROOT, run_cli_each

# Slow (a fresh interpreter per case): make test-fast leaves them out.
pytestmark = pytest.mark.slow

ENV = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")


def spawn(args, stdout, env=None, timeout: int = 120, **kw) -> tuple[int, str]:
    """``torchplay ARGS`` with ``stdout`` as given: (exit code, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args],
        cwd=ROOT,
        env=env or ENV,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
        **kw,
    )
    return proc.returncode, proc.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    path = tmp_path_factory.mktemp("streams") / "a.safetensors"
    trainer = Trainer(get_scenario("regression"))
    trainer.step(20)
    checkpoint.save(trainer, path)
    return str(path)


CLOSED_PIPE = {
    "info": ["info", "CK"],
    "predict": ["predict", "CK", "--x", *map(str, range(2000))],
    "sweep --json": ["sweep", "--grid", "training.lr=0.1,0.2", "--steps", "5", "--json"],
    "train --json": ["train", "--steps", "5", "--json", "--save", "SAVE"],
}


@pytest.mark.parametrize("command", list(CLOSED_PIPE))
def test_a_closed_pipe_ends_quietly_with_141(ck, tmp_path, command: str) -> None:
    # `torchplay ... | head -1` with head already gone: a pipe whose read end is closed.
    save = tmp_path / "t.safetensors"
    args = [ck if a == "CK" else str(save) if a == "SAVE" else a for a in CLOSED_PIPE[command]]
    read, write = os.pipe()
    os.close(read)
    try:
        code, err = spawn(args, stdout=write)
    finally:
        os.close(write)
    assert (code, err) == (141, "")
    if "SAVE" in CLOSED_PIPE[command]:  # the work was done and written before the output
        assert checkpoint.load(save).step == 5


def on_pty(args, env) -> bytes:
    """Run with stdout on a pseudo-terminal; everything it wrote."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        code, err = spawn(args, stdout=slave, env=env)
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    assert code == 0, err
    return b"".join(chunks)


PLOT = ["train", "--steps", "30", "--plot", "--quiet"]


def test_plot_colours_only_a_terminal_without_no_color() -> None:
    env = {k: v for k, v in ENV.items() if k not in ("NO_COLOR", "TERM")}
    coloured = on_pty(PLOT, env)
    assert b"\x1b[" in coloured and b"loss" in coloured
    plain = on_pty(PLOT, dict(env, NO_COLOR="1"))
    assert b"\x1b" not in plain and b"loss" in plain and "┌".encode() in plain


def test_plot_into_a_pipe_has_no_escape_codes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *PLOT],
        cwd=ROOT,
        env={k: v for k, v in ENV.items() if k != "NO_COLOR"},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0 and b"\x1b" not in proc.stdout and b"loss" in proc.stdout


ASCII_ARGS = {
    "regression": PLOT,
    "classification": PLOT[:1] + ["classification"] + PLOT[1:],
    "sweep": ["sweep", "--grid", "training.lr=0.1,0.2", "--grid", "data.seed=1,2", "--steps", "5"]
    + ["--plot"],
}
ASCII_ENVS = {
    "ascii-stream": {"PYTHONIOENCODING": "ascii"},
    "LANG=C": {"LANG": "C", "LC_ALL": "", "LC_CTYPE": ""},
    "TERM=linux": {"TERM": "linux"},
}


@pytest.fixture(scope="module")
def ascii_runs():
    """The three commands of ASCII_ARGS in one fresh process per environment (the stream's
    encoding, the locale and TERM are read as the interpreter starts): {env: {args: run}}."""
    runs: dict[str, dict] = {}

    def get(env: str) -> dict:
        if env not in runs:
            environ = {k: v for k, v in {**ENV, **ASCII_ENVS[env]}.items() if v}
            got = run_cli_each(list(ASCII_ARGS.values()), environ)
            runs[env] = dict(zip(ASCII_ARGS, got, strict=True))
        return runs[env]

    return get


@pytest.mark.parametrize("args", list(ASCII_ARGS))
@pytest.mark.parametrize("env", list(ASCII_ENVS))
def test_plot_falls_back_to_ascii(ascii_runs, args: str, env: str) -> None:
    code, out, err = ascii_runs(env)[args]
    assert code == 0 and b"Traceback" not in err, err
    text = out.decode("ascii")  # raises on any byte beyond ASCII
    assert "\\u" not in text  # stand-ins, not escapes
    assert ("+---" in text and "|" in text) if args != "sweep" else "final loss" in text


@pytest.mark.parametrize("command", ["train", "resume", "sweep"])
def test_plot_with_json_is_refused(cli, ck, command: str) -> None:
    source = {"train": [], "resume": [ck], "sweep": ["--grid", "training.lr=0.1"]}[command]
    code, out, err = cli(command, *source, "--plot", "--json")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "--plot" in err and "--json" in err


def test_predict_with_stdin_closed(ck) -> None:
    code, err = spawn(
        ["predict", ck, "-"], stdout=subprocess.PIPE, stdin=None, preexec_fn=lambda: os.close(0)
    )
    assert code == 2 and len(err.splitlines()) == 1 and "stdin is closed" in err, err


def test_predict_with_stdin_a_directory_is_refused_by_python_itself(ck, tmp_path) -> None:
    """Not ours to handle: the interpreter checks its standard streams before it runs any
    code (pylifecycle.c, init_sys_streams), so the README documents exit 1 and the message
    for it. This pins that contract; ``--csv DIR`` is ours (exit 2, one line)."""
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        code, err = spawn(["predict", ck, "-"], stdout=subprocess.PIPE, stdin=fd)
    finally:
        os.close(fd)
    assert code == 1 and "<stdin> is a directory, cannot continue" in err, err
    assert "Traceback" not in err
    code, err = spawn(["predict", ck, "--csv", str(tmp_path)], stdout=subprocess.PIPE)
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "Is a directory; give a readable CSV file" in err, err
