"""The app's preflight refuses a pickle or a corrupt file before torch is imported, so
``torchplay tui FILE`` without a usable file answers in a fraction of a second."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CODE = """
import sys
from torchplay.engine.run.errors import InputError
from torchplay.tui.cli.preflight import check_app
try:
    check_app({command!r}, {source!r}, {compare!r})
except InputError as exc:
    print(exc)
print("torch imported:", "torch" in sys.modules)
"""


@pytest.mark.parametrize("command", ["tui", "compare"])
@pytest.mark.parametrize(
    "data, says",
    [
        (b"\x80\x04.", "torchplay import"),
        (b"PK\x03\x04" + b"\x00" * 60, "torchplay import"),
        (b"\xff" * 64, "corrupt"),
        (b"\x00" * 20, "not a safetensors file"),
    ],
    ids=["pickle", "torch-zip", "corrupt", "not-safetensors"],
)
def test_a_bad_file_is_refused_without_torch(tmp_path, command, data, says) -> None:
    path = tmp_path / "net.pkl"
    path.write_bytes(data)
    source, compare = (str(path), []) if command == "tui" else ("regression", [str(path)])
    code = CODE.format(command=command, source=source, compare=compare)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert says in out and str(path) in out, out
    assert "torch imported: False" in out, out
