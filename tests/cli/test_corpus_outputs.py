"""Every writer on a full or read-only disk, and stdout that refuses writes (issue 23).

One rule for checkpoints, loggers, exports, ``--out`` folders and stdout: exit 2, one line
on stderr naming the file or stream and the fix, no traceback, no partial file, an
existing target unchanged. A full disk is a 64 KiB tmpfs (needs root, as CI has; skipped
elsewhere), a read-only one a tmpfs mounted ``ro``; a full stdout is ``/dev/full``, in a
fresh process where fd 1 matters and in-process otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from torchplay.engine.files import checkpoint
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.trainer import Trainer

from tests.cli.test_corpus_surfaces import listing
from tests.conftest import ROOT, run_cli_each


def _mount(folder, *options: str):
    folder.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(["size=64k", *options]), "tmpfs", str(folder)],
        capture_output=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.decode().strip()[:80]})")


@pytest.fixture
def disk(tmp_path):
    """A 64 KiB filesystem holding ``old.jsonl`` and a small checkpoint ``old.st``."""
    folder = tmp_path / "disk"
    _mount(folder)
    (folder / "old.jsonl").write_text('{"old": 1}\n')
    checkpoint.save(Trainer(get_scenario("regression")), folder / "old.st")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def readonly(tmp_path):
    folder = tmp_path / "ro"
    _mount(folder, "ro")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def one_line(code, out, err, *needles: str) -> str:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err.strip()


LONG = ("train", "--steps", "3000", "--quiet")
"""3,000 rows: ~300 KB of JSON lines, far past the disk."""

FULL_DISK = {
    "--metrics": (*LONG, "--metrics", "old.jsonl"),
    "--metrics new": (*LONG, "--metrics", "new.jsonl"),
    "--csv": (*LONG, "--csv", "new.csv"),
    "--csv old": (*LONG, "--csv", "old.jsonl"),
    "--tensorboard": (*LONG, "--tensorboard", "tb"),
    "--tensorboard existing": (*LONG, "--tensorboard", "."),
    "--save": ("train", "--steps", "3", "--quiet", "--hidden", "512,512", "--save", "old.st"),
    "export": ("export", "OLD", "--format", "python", "--out", "old.st"),
    "sweep --out": ("sweep", "--grid", "data.seed=1..30", "--steps", "2", "--quiet", "--out", "."),
}


@pytest.mark.parametrize("case", list(FULL_DISK))
def test_a_full_disk_leaves_every_target_as_it_was(cli, disk, case: str) -> None:
    filler = disk / "filler"
    args = [
        str(disk / a) if a in ("old.jsonl", "new.jsonl", "new.csv", "tb", "old.st", ".") else a
        for a in FULL_DISK[case]
    ]
    if "OLD" in args:  # a big checkpoint made elsewhere, exported onto the full disk
        big = disk.parent / "big.st"
        checkpoint.save(
            Trainer(get_scenario("regression").with_overrides({"model.hidden": [2048]})), big
        )
        args[args.index("OLD")] = str(big)
    # A CSV of the run is ~30 KB (the history a fast run reports is thinned), less than
    # the 48 KB a 16 KB filler leaves: fill more for it, so that the disk runs out.
    filler.write_bytes(b"x" * (49_152 if "--csv" in case else 16_384))
    before = listing(disk)
    err = one_line(*cli(*args), "cannot write", "No space left on device")
    if case.startswith("--"):
        assert repr(str(disk / FULL_DISK[case][-1]).rstrip("/.")) in err or case.split()[0] in err
    after = listing(disk)
    if case == "sweep --out":  # whole member files may stay; never a partial or temp file
        assert not [p for p in after if p.endswith(".tmp")]
        for path in set(after) - set(before):
            assert checkpoint.load(path).step == 2
    else:
        assert after == before


def test_the_full_disk_message_for_metrics(cli, disk) -> None:
    (disk / "filler").write_bytes(b"x" * 16_384)
    err = one_line(*cli(*LONG, "--metrics", str(disk / "m.jsonl")))
    assert err == (
        f"torchplay: error: cannot write --metrics {str(disk / 'm.jsonl')!r}: No space left on "
        "device; free space or choose another disk (the file is as it was before this run)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("flag, name", [("--tensorboard", "tb"), ("--metrics", "m.jsonl")])
def test_a_full_disk_in_a_fresh_process(disk, flag: str, name: str) -> None:
    """Without pytest's hooks: TensorBoard's writer thread fails first, and its traceback
    must not reach the terminal (threading.excepthook), only the one line."""
    (disk / "filler").write_bytes(b"x" * 16_384)
    before = listing(disk)
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *LONG, flag, str(disk / name)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    assert proc.stderr == (
        f"torchplay: error: cannot write {flag} {str(disk / name)!r}: No space left on device; "
        "free space or choose another disk (the file is as it was before this run)\n"
    )
    assert listing(disk) == before


READONLY = {
    "--save": ("train", "--save", "x.st"),
    "--save-best": ("train", "--save-best", "x.st"),
    "--metrics": ("train", "--metrics", "x.jsonl"),
    "--csv": ("train", "--csv", "x.csv"),
    "--tensorboard": ("train", "--tensorboard", "tb"),
    "--tensorboard root": ("train", "--tensorboard", "."),
    "sweep --out": ("sweep", "--grid", "training.lr=0.1", "--out", "o"),
    "sweep --out root": ("sweep", "--grid", "training.lr=0.1", "--out", "."),
    "export --out": ("export", "OLD", "--format", "onnx", "--out", "x.onnx"),
    "import --save": ("import", "OLD", "--save", "x.st"),
}


@pytest.mark.parametrize("case", list(READONLY))
def test_a_read_only_mount_is_refused_before_work(cli, readonly, tmp_path, case: str) -> None:
    old = tmp_path / "old.st"
    checkpoint.save(Trainer(get_scenario("regression")), old)
    names = ("x.st", "x.jsonl", "x.csv", "tb", ".", "o", "x.onnx")
    args = [
        str(readonly / a) if a in names else str(old) if a == "OLD" else a for a in READONLY[case]
    ]
    one_line(
        *cli(*args, "--lr", "-1") if args[0] == "train" else cli(*args),
        "cannot create files in",
        "Read-only file system",
    )
    assert listing(readonly) == {}


WITHOUT_CAPABILITIES = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
"""Root without its capabilities: file modes apply to it as to anyone (a 0555 folder)."""

MODE_0555 = {
    "sweep --out inside": ("sweep", "--grid", "training.lr=0.1", "--out", "RO/out"),
    "sweep --out itself": ("sweep", "--grid", "training.lr=0.1", "--out", "RO"),
    "--tensorboard inside": ("train", "--tensorboard", "RO/tb"),
    "--tensorboard itself": ("train", "--tensorboard", "RO"),
    "--save": ("train", "--save", "RO/x.st"),
    "--metrics": ("train", "--metrics", "RO/m.jsonl"),
    "export --out": ("export", "OLD", "--format", "python", "--out", "RO/x.py"),
}


@pytest.fixture(scope="module")
def refused_0555(tmp_path_factory):
    """Every MODE_0555 case in one process without root's capabilities (one torch import
    for the seven): {case: (exit code, stdout, stderr, its 0555 folder)}."""
    import shutil

    prefix = WITHOUT_CAPABILITIES if os.geteuid() == 0 else []
    if prefix and not shutil.which("setpriv"):
        pytest.skip("root without setpriv writes into any folder")
    base = tmp_path_factory.mktemp("mode0555")
    old = base / "old.st"
    checkpoint.save(Trainer(get_scenario("regression")), old)
    folders, argvs = {}, []
    for i, (case, args) in enumerate(MODE_0555.items()):
        folders[case] = ro = base / f"ro{i}"
        ro.mkdir(mode=0o555)
        argv = [a.replace("RO", str(ro)).replace("OLD", str(old)) for a in args]
        argvs.append(argv if argv[0] == "export" else [*argv, "--steps", "100000000"])
    results = run_cli_each(argvs, env=dict(os.environ, PYTHONPATH=str(ROOT)), prefix=prefix)
    return {
        case: (code, out.decode(), err.decode(), folders[case])
        for case, (code, out, err) in zip(MODE_0555, results, strict=True)
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", list(MODE_0555))
def test_a_0555_folder_is_refused_before_work(refused_0555, case: str) -> None:
    code, out, err, ro = refused_0555[case]
    one_line(code, out, err, "cannot create files in", "Permission denied")
    assert out == "" and list(ro.iterdir()) == []


# -- stdout that refuses writes ---------------------------------------------------------


def spawn_to_full(args: list[str], **kw) -> tuple[int, str]:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "torchplay.tui.cli.main", *args],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            **kw,
        )
    return proc.returncode, proc.stderr


STDOUT_MESSAGE = (
    "torchplay: error: cannot write to stdout: No space left on device; free space or "
    "redirect the output elsewhere (files written before this were kept)\n"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["train", "--steps", "5", "--plot", "--quiet"],
        ["info", "CK", "--json"],
        ["sweep", "--grid", "training.lr=0.1,0.2", "--steps", "5", "--json"],
    ],
    ids=["train --plot", "info --json", "sweep --json"],
)
@pytest.mark.slow
def test_dev_full_on_fd_1_exits_2_with_one_line(tmp_path, args) -> None:
    ck = tmp_path / "ck.st"
    checkpoint.save(Trainer(get_scenario("regression")), ck)
    code, err = spawn_to_full([str(ck) if a == "CK" else a for a in args])
    assert (code, err) == (2, STDOUT_MESSAGE)


@pytest.mark.slow
def test_dev_full_after_a_save_keeps_the_checkpoint_whole(tmp_path) -> None:
    ck = tmp_path / "ck.st"
    code, err = spawn_to_full(["train", "--steps", "7", "--json", "--save", str(ck)])
    assert (code, err) == (2, STDOUT_MESSAGE)
    assert checkpoint.load(ck).step == 7


IN_PROCESS = {
    "info": ["info", "CK"],
    "predict": ["predict", "CK", "--x", *map(str, range(3000))],
    "predict --json": ["predict", "CK", "--json", "--x", "1", "2"],
    "train --json": ["train", "--steps", "2", "--json"],
    "resume": ["resume", "CK", "--steps", "2", "--quiet"],
    "lr-find --json": ["lr-find", "--num-steps", "20", "--json"],
    "lr-find --plot": ["lr-find", "--num-steps", "20", "--plot"],
    "sweep --plot": [
        "sweep",
        "--grid",
        "training.lr=0.1,0.2",
        "--grid",
        "data.seed=1,2",
        "--steps",
        "2",
        "--plot",
        "--quiet",
    ],
    "export": ["export", "CK", "--format", "safetensors", "--out", "OUT"],
    "import": ["import", "PT", "--save", "OUT"],
    "completion": ["completion", "bash"],
    "--help": ["train", "--help"],
}


@pytest.mark.parametrize("case", list(IN_PROCESS))
def test_every_command_on_a_full_stdout(tmp_path, monkeypatch, capsys, case: str) -> None:
    import torch
    from torchplay.tui.cli.main import main

    ck, out, pt = tmp_path / "ck.st", tmp_path / "out.st", tmp_path / "n.pt"
    checkpoint.save(Trainer(get_scenario("regression")), ck)
    torch.save(
        {
            "0.weight": torch.zeros(4, 1),
            "0.bias": torch.zeros(4),
            "2.weight": torch.zeros(1, 4),
            "2.bias": torch.zeros(1),
        },
        pt,
    )
    swap = {"CK": str(ck), "OUT": str(out), "PT": str(pt)}
    full = open("/dev/full", "w")  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", full)
    try:
        code = main([swap.get(a, a) for a in IN_PROCESS[case]])
    except SystemExit as exc:  # --help
        code = exc.code
    finally:
        monkeypatch.undo()
        full.close()
    err = capsys.readouterr().err
    assert (code, err) == (2, STDOUT_MESSAGE)
    if out.exists():  # the file was written, in full, before the output failed
        import safetensors.torch

        assert safetensors.torch.load_file(out)
