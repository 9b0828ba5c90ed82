"""The checkpoint header reader the file picker and the front door use: one parser
(:func:`parse_header`) for the listing and for loading, so a header either reads or is
refused the same way in both."""

from __future__ import annotations

import json
import struct

from torchplay.engine.files.ckheader import MAX_HEADER, read_metadata

META = {"__metadata__": {"torchplay.format": "1", "step": "3"}}


def _file(tmp_path, header: bytes, rest: bytes = b"", length: int | None = None):
    path = tmp_path / "run.safetensors"
    n = len(header) if length is None else length
    path.write_bytes(struct.pack("<Q", n) + header + rest)
    return path


def test_a_torchplay_header_reads_its_metadata(tmp_path) -> None:
    path = _file(tmp_path, json.dumps(META).encode(), b"\0" * 16)
    assert read_metadata(path) == META["__metadata__"]


def test_a_deeply_nested_header_is_no_checkpoint_not_a_crash(tmp_path) -> None:
    # json.loads raises RecursionError here; the listing's own parser let it through.
    path = _file(tmp_path, b"[" * 200_000 + b"]" * 200_000)
    assert read_metadata(path) is None


def test_headers_that_are_not_a_torchplay_checkpoint_read_as_none(tmp_path) -> None:
    assert read_metadata(tmp_path / "missing.safetensors") is None
    assert read_metadata(_file(tmp_path, b"", length=MAX_HEADER + 1)) is None
    assert read_metadata(_file(tmp_path, b"{}", length=10)) is None  # truncated
    assert read_metadata(_file(tmp_path, b"[1]")) is None  # not a table
    assert read_metadata(_file(tmp_path, b'{"__metadata__": {}}')) is None  # not ours
    short = tmp_path / "short.safetensors"
    short.write_bytes(b"\x01\x02")
    assert read_metadata(short) is None
