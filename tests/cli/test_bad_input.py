"""The bad-input corpus (tests/corpus.py) on the command line: each case exits 2 with one
line on stderr that names the value, prints nothing on stdout, and changes no file."""

from __future__ import annotations

import io
import os
import pickle
import stat
import subprocess
import sys

import pytest
import torch
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.conftest import ROOT, run_cli
from tests.corpus import Case, params
from tests.evil import Evil


def assert_refused(code, out, err, needle, files: dict) -> None:
    assert code == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert needle in err, err
    for path, before in files.items():
        assert (path.read_bytes() if path.exists() else None) == before


@pytest.fixture
def existing(tmp_path):
    path = tmp_path / "keep.safetensors"
    checkpoint.save(Trainer(get_scenario("regression")), path)
    return path


@pytest.mark.parametrize("case", params("value"))
def test_cli_values(cli, existing, case: Case) -> None:
    before = existing.read_bytes()
    assert_refused(
        *cli("train", *case.args, "--save", str(existing)), case.needle, {existing: before}
    )


@pytest.mark.parametrize("case", params("toml"))
def test_toml_files(cli, tmp_path, existing, case: Case) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(case.value)
    before = existing.read_bytes()
    assert_refused(
        *cli("train", str(spec), "--save", str(existing)),
        case.needle,
        {existing: before, spec: case.value.encode()},
    )


@pytest.mark.parametrize("case", params("csv"))
def test_csv_files(cli, tmp_path, existing, case: Case) -> None:
    path = tmp_path / "d.csv"
    if case.value is not None:
        path.write_bytes(case.value.encode() if isinstance(case.value, str) else case.value)
    before = existing.read_bytes()
    assert_refused(
        *cli("train", "--dataset", f"csv:{path}", "--save", str(existing)),
        case.needle,
        {existing: before},
    )


@pytest.mark.parametrize("case", params("import"))
def test_import_files(cli, tmp_path, existing, case: Case) -> None:
    src = case.make(tmp_path)
    before = existing.read_bytes()
    assert_refused(
        *cli("import", str(src), "--save", str(existing)), case.needle, {existing: before}
    )
    assert not (tmp_path / "pwned").exists()


# Each command with an output flag, given a second mistake it would find only later: the
# target must be the one reported, so it is checked before any other work.
TARGET_COMMANDS = {
    "train --save": ("train", "--lr", "-1", "--save"),
    "train --metrics": ("train", "--lr", "-1", "--metrics"),
    "resume --save": ("resume", "missing.safetensors", "--save"),
    "resume --metrics": ("resume", "missing.safetensors", "--metrics"),
    "import --save": ("import", "missing.pt", "--save"),
    "export --out": ("export", "missing.safetensors", "--format", "safetensors", "--out"),
}


@pytest.mark.parametrize("command", list(TARGET_COMMANDS))
@pytest.mark.parametrize("case", params("target"))
def test_unwritable_targets_refused_first(cli, tmp_path, command, case: Case) -> None:
    target = str(case.make(tmp_path))
    before = sorted(os.listdir(tmp_path))
    assert_refused(*cli(*TARGET_COMMANDS[command], target), case.needle, {})
    assert sorted(os.listdir(tmp_path)) == before
    assert not os.path.exists("/nonexistent") and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.slow
def test_unwritable_target_refused_before_a_long_run() -> None:
    code, out, err = run_cli(
        "train", "--steps", "100000000", "--save", "/proc/x.safetensors", timeout=60
    )
    assert_refused(code, out, err, "/proc", {})


def test_csv_one_class_and_missing_target(cli, tmp_path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,y,label\n1,2,1\n3,4,1\n")
    toml = tmp_path / "s.toml"
    toml.write_text(f'[data]\ndataset = "csv:{path}"\ntask = "classification"\n')
    assert_refused(*cli("train", str(toml)), "one class", {})
    assert_refused(*cli("train", "--dataset", f"csv:{path}", "--target", "z"), "'z'", {})


def test_checkpoint_directory_and_missing(cli, tmp_path) -> None:
    assert_refused(*cli("info", str(tmp_path)), "is a directory", {})
    assert_refused(*cli("resume", str(tmp_path / "none.safetensors")), "does not exist", {})


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_checkpoint(cli, existing) -> None:
    existing.chmod(0)
    assert_refused(*cli("info", str(existing)), "permission denied", {})


@pytest.mark.parametrize("kind", ["pickle", "torch"])
@pytest.mark.parametrize("command", ["info", "resume", "predict"])
def test_code_running_pickles_as_checkpoints(cli, tmp_path, kind, command) -> None:
    marker = tmp_path / "pwned"
    src = tmp_path / "evil.safetensors"
    if kind == "pickle":
        src.write_bytes(pickle.dumps(Evil(str(marker))))
    else:
        torch.save({"w": Evil(str(marker))}, src)
    extra = ["--x", "1"] if command == "predict" else []
    assert_refused(*cli(command, str(src), *extra), str(src), {})
    assert not marker.exists()


def test_compare_refuses_a_fourth_checkpoint(cli, existing) -> None:
    code, out, err = cli("compare", *[str(existing)] * 4)
    assert code == 2 and not out
    assert err == (
        "torchplay: error: compare shows up to 3 checkpoints side by side: 4 given; "
        "name 3 of them\n"
    )


@pytest.mark.parametrize("fps", ["0", "61"])
def test_fps_out_of_range(cli, fps) -> None:
    code, out, err = cli("tui", "--fps", fps)
    assert (code, out) == (2, "")
    assert err == f"torchplay: error: --fps {fps}: give 1 to 60 chart frames a second\n"


CHECKPOINT_COMMANDS = {
    "info": ("info",),
    "predict": ("predict", "--x", "1"),
    "resume": ("resume", "--steps", "1"),
    "export": ("export", "--format", "safetensors", "--out", "OUT"),
}


@pytest.mark.parametrize("command", list(CHECKPOINT_COMMANDS))
@pytest.mark.parametrize("case", params("checkpoint"))
def test_crafted_checkpoints(cli, tmp_path, command, case: Case) -> None:
    path = case.make(tmp_path)
    name, *rest = CHECKPOINT_COMMANDS[command]
    rest = [str(tmp_path / "out.bin") if a == "OUT" else a for a in rest]
    before = sorted(os.listdir(tmp_path))
    assert_refused(*cli(name, str(path), *rest), case.needle, {})
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("case", params("stdin"))
def test_predict_stdin(cli, existing, monkeypatch, case: Case) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(case.value)))
    assert_refused(*cli("predict", str(existing), "-"), case.needle, {})


@pytest.mark.parametrize("case", params("app"))
def test_app_commands_check_files_and_terminal_first(tmp_path, case: Case) -> None:
    # No terminal: stdin from /dev/null, stdout a pipe. The app would hang or draw into
    # the pipe; the timeout fails the test if it opens.
    args = [*case.args, str(case.make(tmp_path))]
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_refused(proc.returncode, proc.stdout, proc.stderr, case.needle, {})


@pytest.mark.parametrize("steps", ["-1", "100000001"])
def test_resume_steps_is_bounded(cli, existing, steps: str) -> None:
    before = existing.read_bytes()
    assert_refused(
        *cli("resume", str(existing), "--steps", steps, "--save", str(existing)),
        f"--steps {steps}",
        {existing: before},
    )
