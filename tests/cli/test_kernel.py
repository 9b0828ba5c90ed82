"""--kernel on the command line: compiled reports itself, a bad name and a missing numba
exit 2 with one line, auto falls back and says why, and a compiled checkpoint resumes
compiled (info says which kernel trained it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli

pytest.importorskip("numba")


def test_compiled_run_reports_its_kernel(cli, tmp_path) -> None:
    path = tmp_path / "a.safetensors"
    code, out, err = cli(
        "train", "regression", "--kernel", "compiled", "--steps", "300", "--json",
        "--save", str(path),
    )  # fmt: skip
    assert code == 0, err
    res = json.loads(out)
    assert res["kernel"] == "compiled" and res["step"] == 300
    code, out, err = cli("info", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["kernel"] == "compiled"
    # The resume in a fresh process: the kernel comes from the file, not from this one.
    code, out, err = run_cli("resume", str(path), "--steps", "100", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert (res["kernel"], res["step"]) == ("compiled", 400)


def test_exact_is_the_default(cli) -> None:
    code, out, err = cli("train", "regression", "--steps", "10", "--json")
    assert code == 0, err
    assert json.loads(out)["kernel"] == "exact"


def test_a_bad_kernel_name_exits_2_with_one_line(cli) -> None:
    code, out, err = cli("train", "regression", "--kernel", "fast")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "training.kernel = 'fast'" in err


def without_numba(tmp_path, *args: str) -> tuple[int, str, str]:
    """``torchplay ARGS`` where ``import numba`` fails (the extra not installed)."""
    fake = tmp_path / "fake" / "numba"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'numba'\")\n")
    env = dict(os.environ, PYTHONPATH=f"{fake.parent}{os.pathsep}{ROOT}", COLUMNS="100")
    proc = subprocess.run(
        [sys.executable, "-m", "torchplay.tui.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.slow
def test_without_numba_compiled_exits_2_and_auto_falls_back(tmp_path) -> None:
    code, out, err = without_numba(tmp_path, "train", "regression", "--kernel", "compiled")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "numba is not installed" in err and "torchplay[compiled]" in err
    code, out, err = without_numba(
        tmp_path, "train", "regression", "--kernel", "auto", "--steps", "5", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["kernel"] == "exact"
    assert "kernel auto: exact (numba is not installed" in err
