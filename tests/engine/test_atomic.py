"""Output targets: symlinks followed, modes kept, refusals before writing (engine.atomic)."""

from __future__ import annotations

import os
import stat

import pytest
from torchplay.engine.files.atomic import TargetError, check_target, write_atomic

from tests.corpus import Case, params


def test_symlink_is_followed_and_kept(tmp_path) -> None:
    real = tmp_path / "data" / "ck.bin"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    assert check_target(link, "--save") == real
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["ck.bin"]


def test_dangling_symlink_creates_its_target(tmp_path) -> None:
    link = tmp_path / "link.bin"
    link.symlink_to(tmp_path / "new.bin")
    write_atomic(link, b"x")
    assert link.is_symlink() and (tmp_path / "new.bin").read_bytes() == b"x"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o755])
def test_overwritten_file_keeps_its_mode(tmp_path, mode) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    path.chmod(mode)
    write_atomic(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_bytes() == b"new"


def test_new_file_gets_the_umask_mode(tmp_path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "f.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.bin").stat().st_mode) == 0o640


@pytest.mark.parametrize("case", params("target"))
def test_targets_refused_and_nothing_written(tmp_path, case: Case) -> None:
    target = case.make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    for call in (lambda: check_target(target, "--out"), lambda: write_atomic(target, b"x")):
        with pytest.raises(TargetError) as info:
            call()
        assert case.needle in str(info.value) and "\n" not in str(info.value)
    assert sorted(os.listdir(tmp_path)) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
