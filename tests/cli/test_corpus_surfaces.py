"""The newer surfaces' corpus (tests/corpus_sweeps.py, tests/corpus_runs.py) on the command
line, in-process: each refused case exits 2 with one line on stderr naming the value, no
traceback, nothing on stdout, no file changed or made; each case at a bound works."""

from __future__ import annotations

import json
import os
import pickle

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.cli.test_bad_input import assert_refused
from tests.corpus import CORPUS, Case
from tests.corpus_metadata import CHECKPOINTS
from tests.corpus_runs import RUNS, RUNS_OK
from tests.corpus_sweeps import ADDRESSES, FOLDERS, GRIDS, RAY_FLAGS, TABLES


def ids(cases: list[Case]) -> list:
    return [pytest.param(c, id=f"{c.kind}:{c.name}") for c in cases]


def listing(folder) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders and special files)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            out[path] = open(path, "rb").read() if os.path.isfile(path) else None  # noqa: SIM115
    return out


@pytest.fixture
def files(tmp_path):
    """The placeholders a case's argv may name: SAVE (an existing checkpoint, which must
    not change), NEW (a path that does not exist yet), and bad SOURCE files."""
    save = tmp_path / "keep.safetensors"
    checkpoint.save(Trainer(get_scenario("regression")), save)
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(save.read_bytes()[:300])
    (tmp_path / "net.pkl").write_bytes(pickle.dumps({"0.weight": [1.0]}))
    (tmp_path / "bad.toml").write_text("[data\n")
    return {
        "SAVE": str(save),
        "NEW": str(tmp_path / "new.safetensors"),
        "CORRUPT": str(corrupt),
        "PICKLE": str(tmp_path / "net.pkl"),
        "BADTOML": str(tmp_path / "bad.toml"),
    }


def _args(case: Case, files: dict[str, str]) -> list[str]:
    return [files.get(a, a) for a in case.args]


@pytest.mark.parametrize("case", ids(RUNS))
def test_refused(cli, tmp_path, files, case: Case) -> None:
    if "cuda" in case.name and _has_gpu():
        pytest.skip("a GPU is here: --device cuda works")
    before = listing(tmp_path)
    assert_refused(*cli(*_args(case, files)), case.needle, {})
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", ids(RUNS_OK))
def test_at_the_bound(cli, tmp_path, files, case: Case) -> None:
    code, out, err = cli(*_args(case, files))
    assert code == case.value, err
    assert "Traceback" not in err
    if "NEW" in case.args:
        assert checkpoint.load(files["NEW"]).step == 3
    if "--json" in case.args:
        assert isinstance(json.loads(out), dict)


def _has_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


SWEEP = ("sweep", "--steps", "2", "--json")


@pytest.mark.parametrize("case", ids(GRIDS))
def test_sweep_grids(cli, tmp_path, case: Case) -> None:
    out = tmp_path / "out"
    grids = [a for text in case.args for a in ("--grid", text)]
    assert_refused(*cli(*SWEEP, *grids, "--out", str(out)), case.needle, {})
    assert not out.exists()


@pytest.mark.parametrize("case", ids(TABLES))
def test_sweep_tables(cli, tmp_path, case: Case) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(case.value)
    out = tmp_path / "out"
    assert_refused(
        *cli(*SWEEP, str(spec), "--out", str(out)), case.needle, {spec: case.value.encode()}
    )
    assert not out.exists()


FOLDER_COMMANDS = {
    "sweep --out": ("sweep", "--grid", "training.lr=0.1,-1", "--steps", "2", "--out"),
    "train --tensorboard": ("train", "--lr", "-1", "--tensorboard"),
}
"""Each with a second mistake found only later: the folder must be the one reported."""


@pytest.mark.parametrize("command", list(FOLDER_COMMANDS))
@pytest.mark.parametrize("case", ids(FOLDERS))
def test_output_folders_refused_first(cli, tmp_path, command: str, case: Case) -> None:
    target = str(case.make(tmp_path))
    before = listing(tmp_path)
    assert_refused(*cli(*FOLDER_COMMANDS[command], target), case.needle, {})
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", ids(ADDRESSES + RAY_FLAGS))
def test_ray_addresses_refused_before_ray(cli, tmp_path, case: Case) -> None:
    args = (
        case.args if case.kind == "argv" else ("sweep", "--backend", "ray", "--address", *case.args)
    )
    code, out, err = cli(*args, "--grid", "training.lr=0.1", "--out", str(tmp_path / "o"))
    assert_refused(code, out, err, case.needle, {})
    assert not (tmp_path / "o").exists()


COMMANDS = {
    "info": ("info",),
    "predict": ("predict", "--x", "1"),
    "resume": ("resume", "--steps", "1"),
    "export": ("export", "--format", "python", "--out", "OUT"),
}


@pytest.mark.parametrize("command", [*COMMANDS, "preflight"])
@pytest.mark.parametrize("case", ids(CHECKPOINTS))
def test_crafted_metadata(cli, tmp_path, command: str, case: Case) -> None:
    path = case.make(tmp_path)
    before = listing(tmp_path)
    if command == "preflight":  # what torchplay tui CKPT and serve CKPT check first
        from torchplay.engine.run.errors import InputError
        from torchplay.tui.cli.preflight import check_files

        with pytest.raises(InputError, match=None) as refused:
            check_files(str(path), [])
        assert case.needle in str(refused.value) and "\n" not in str(refused.value)
        return
    name, *rest = COMMANDS[command]
    rest = [str(tmp_path / "out.py") if a == "OUT" else a for a in rest]
    assert_refused(*cli(name, str(path), *rest), case.needle, {})
    assert listing(tmp_path) == before


EXPORT_FORMATS = ["state-dict", "safetensors", "python", "torchscript", "pt2", "onnx"]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("case", ids([c for c in CORPUS if c.kind == "target"]))
def test_exports_into_bad_targets(cli, tmp_path, files, fmt: str, case: Case) -> None:
    target = str(case.make(tmp_path))
    before = listing(tmp_path)
    code, out, err = cli("export", files["SAVE"], "--format", fmt, "--out", target)
    assert_refused(code, out, err, case.needle, {})
    assert listing(tmp_path) == before


def test_serve_on_a_used_port(cli) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = cli("serve", "--port", str(port))
    assert_refused(code, out, err, f"port {port} on 127.0.0.1 is not free", {})
