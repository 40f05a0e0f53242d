"""Exported files are written whole or not at all, and readable like any other new document."""

from __future__ import annotations

import os
import stat

import pytest

from consortium_planner.reports.files import atomic_write, new_file_mode


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_export_gets_the_mode_of_an_ordinary_new_file(tmp_path):
    old = os.umask(0o027)
    try:
        assert new_file_mode() == 0o640
        out = atomic_write(tmp_path / "case.pdf", lambda tmp: tmp.write_bytes(b"%PDF"))
    finally:
        os.umask(old)
    assert out.read_bytes() == b"%PDF"
    assert mode(out) == 0o640  # not mkstemp's 0600
    (tmp_path / "case.pdf").chmod(0o664)
    atomic_write(tmp_path / "case.pdf", lambda tmp: tmp.write_bytes(b"%PDF-2"))
    assert mode(tmp_path / "case.pdf") == 0o664  # a replaced file keeps its mode


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")

    def fail(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
