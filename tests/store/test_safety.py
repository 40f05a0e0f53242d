import json
import os
import socket
from decimal import Decimal

import pytest

from consortium_planner.domain.model import Organisation
from consortium_planner.store import safety
from consortium_planner.store.workspace_file import (
    Store,
    WorkspaceFileError,
    WorkspaceLocked,
    list_backups,
    restore_backup,
)


def test_second_writer_is_told_who_has_it_and_may_open_read_only(small_workspace):
    first = Store.open(small_workspace)
    try:
        with pytest.raises(WorkspaceLocked) as info:
            Store.open(small_workspace)
        assert "has had it open since" in str(info.value) and socket.gethostname() in str(info.value)
        with Store.open(small_workspace, read_only=True) as reader:
            assert reader.load().count(Organisation) == 2
            with pytest.raises(WorkspaceFileError, match="read-only"):
                reader.insert(Organisation(name="Not allowed"))
        first.insert(Organisation(name="Still writable"))
    finally:
        first.close()
    assert not safety.lock_path(small_workspace).exists()
    with Store.open(small_workspace) as again:  # the lock went with the first writer
        assert again.load().count(Organisation) == 3


def test_a_lock_left_by_a_dead_process_on_this_computer_is_taken_over(small_workspace):
    pid = 2**22 + 12345  # no such process
    safety.lock_path(small_workspace).write_text(json.dumps(
        {"user": "ghost", "host": socket.gethostname(), "pid": pid, "since": "2026-01-01T09:00:00"}))
    with Store.open(small_workspace) as s:
        assert s.load().count(Organisation) == 2
        assert safety.read_owner(small_workspace).pid == os.getpid()


def test_a_lock_from_another_computer_is_respected(small_workspace):
    safety.lock_path(small_workspace).write_text(json.dumps(
        {"user": "alex", "host": "office-pc-7", "pid": 99, "since": "2026-11-20T09:30:00"}))
    with pytest.raises(WorkspaceLocked, match="alex on office-pc-7 has had it open since 20/11/2026 at 09:30"):
        Store.open(small_workspace)


def test_rolling_backups_when_a_changed_workspace_is_opened(small_workspace):
    with Store.open(small_workspace) as s:
        pass
    first = list_backups(small_workspace)
    assert len(first) == 1 and first[0].reason == "on-open"
    with Store.open(small_workspace):
        pass  # unchanged since that backup: no new one
    assert len(list_backups(small_workspace)) == 1
    for i in range(14):
        with Store.open(small_workspace) as s:
            s.insert(Organisation(name=f"Org {i}"))
    backups = list_backups(small_workspace)
    assert len(backups) == safety.KEEP
    assert backups[0].taken > backups[-1].taken
    with Store.open(backups[0].path, read_only=True) as b:
        assert b.load().count(Organisation) == 2 + 13  # taken on the last open, before its insert


def test_restore_a_backup_into_a_new_file(small_workspace, tmp_path):
    with Store.open(small_workspace) as s:
        s.insert(Organisation(name="After backup"))
    backup = list_backups(small_workspace)[0]
    target = restore_backup(backup.path, tmp_path / "restored.cplan")
    with Store.open(target) as r:
        assert {o.name for o in r.load().all(Organisation)} == {"Northfield Health Mutual", "Care Co-op"}
    with pytest.raises(WorkspaceFileError, match="already exists"):
        restore_backup(backup.path, target)


@pytest.mark.parametrize("damage", ["zero", "truncate", "garbage-page", "not-sqlite"])
def test_damaged_files_are_refused_and_never_changed(small_workspace, damage):
    with Store.open(small_workspace) as s:
        for i in range(300):
            s.insert(Organisation(name=f"Org {i}", notes="x" * 300))
    data = small_workspace.read_bytes()
    if damage == "zero":
        data = b""
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage-page":
        data = data[:8192] + os.urandom(4096) + data[12288:]
    else:
        data = b"PK\x03\x04" + data[4:]
    small_workspace.write_bytes(data)
    before = small_workspace.read_bytes()
    with pytest.raises(WorkspaceFileError):
        s = Store.open(small_workspace)
        try:
            s.load()
            if s.integrity_problems():
                raise WorkspaceFileError("damaged")
        finally:
            s.close()
    assert small_workspace.read_bytes() == before
    assert not safety.lock_path(small_workspace).exists()


def test_money_exact_after_reopen(small_workspace):
    with Store.open(small_workspace) as s:
        t = s.load().tenders()[0]
        assert t.annual_value == Decimal("4000000.00")
