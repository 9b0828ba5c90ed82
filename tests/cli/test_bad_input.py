"""The bad-input corpus: each case exits 2 with one line on stderr that names the value,
prints nothing on stdout, and changes no file."""

from __future__ import annotations

import os
import pickle

import pytest
import torch
from torchplay.engine import checkpoint
from torchplay.engine.scenarios import get_scenario
from torchplay.engine.trainer import Trainer

from tests.evil import Evil

CLI_VALUES = [
    (["--lr", "0"], "0.0"),
    (["--lr", "-1"], "-1"),
    (["--lr", "nan"], "nan"),
    (["--lr", "inf"], "inf"),
    (["--lr", "abc"], "abc"),
    (["--hidden", ""], "''"),
    (["--hidden", "0"], "0"),
    (["--hidden", "10,,5"], "10,,5"),
    (["--hidden", "-3"], "-3"),
    (["--hidden", "1e9"], "1e9"),
    (["--steps", "-1"], "-1"),
    (["--samples", "0"], "data.samples = 0"),
    (["--samples", "1000000000"], "1000000000"),
    (["--dataset", "mnist"], "mnist"),
    (["--activation", "swish"], "swish"),
    (["--optimizer", "lbfgs"], "lbfgs"),
    (["--batch-size", "101"], "101"),
]

TOMLS = [
    ("[data\nsamples = 3\n", "invalid TOML"),
    ("[data]\nsamplez = 3\n", "samplez"),
    ('[data]\nsamples = "many"\n', "many"),
    ("[training]\nlr = true\n", "True"),
    ("[nonsense]\nx = 1\n", "nonsense"),
]

CSVS = [
    (None, "does not exist"),
    ("", "empty"),
    ("a,b\n", "no data rows"),
    ("1,2\n3,x\n", "'x'"),
    ("1,2\n3\n", "line 2"),
    ("1,nan\n2,3\n", "'nan'"),
    ("1,inf\n2,3\n", "'inf'"),
]


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


@pytest.mark.parametrize("args, needle", CLI_VALUES)
def test_cli_values(cli, existing, args, needle) -> None:
    before = existing.read_bytes()
    assert_refused(*cli("train", *args, "--save", str(existing)), needle, {existing: before})


@pytest.mark.parametrize("text, needle", TOMLS)
def test_toml_files(cli, tmp_path, existing, text, needle) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    before = existing.read_bytes()
    assert_refused(
        *cli("train", str(spec), "--save", str(existing)),
        needle,
        {existing: before, spec: text.encode()},
    )


@pytest.mark.parametrize("text, needle", CSVS)
def test_csv_files(cli, tmp_path, existing, text, needle) -> None:
    path = tmp_path / "d.csv"
    if text is not None:
        path.write_text(text)
    before = existing.read_bytes()
    assert_refused(
        *cli("train", "--dataset", f"csv:{path}", "--save", str(existing)),
        needle,
        {existing: before},
    )


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
