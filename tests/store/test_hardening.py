"""Issue 21 (hardening): no command destroys a workspace, opening never changes a file it refuses,
read-only places open read-only, and one writer always, even when many take over a stale lock at once."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import Organisation
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.store import safety
from consortium_planner.store import workspace_file as wf
from consortium_planner.store.workspace_file import Store, WorkspaceFileError, WorkspaceLocked, list_backups


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _hold_lock_as_another_live_process(path: Path) -> None:
    """A lock file naming a process of this computer that is alive (our parent), as another writer's."""
    safety.lock_path(path).write_text(json.dumps(
        {"user": "colleague", "host": socket.gethostname(), "pid": os.getppid(), "since": "2026-12-01T09:00:00"}))


# --------------------------------------------------------------------- no command destroys a workspace


@pytest.mark.parametrize("command", ["export-pdf", "export-xlsx"])
def test_an_export_never_writes_over_the_workspace_by_any_spelling_or_link(small_workspace, tmp_path, command,
                                                                           capsys):
    before = small_workspace.read_bytes()
    link = tmp_path / "report.pdf"
    link.symlink_to(small_workspace)
    other = small_workspace.parent / "sub"
    other.mkdir()
    spellings = [small_workspace, other / ".." / small_workspace.name, link,
                 safety.lock_path(small_workspace)]
    with Store.open(small_workspace) as holder:  # another program has it open meanwhile
        for out in spellings:
            if out == safety.lock_path(small_workspace):
                assert out.exists()
            code = main([command, str(small_workspace), "--option", "Anything", "-o", str(out)])
            err = capsys.readouterr().err
            assert code == 1, (out, err)
            assert "choose another file name" in err and "Traceback" not in err
        assert holder.load().count(Organisation) == 2
    assert small_workspace.read_bytes() == before
    assert link.is_symlink()


def test_force_never_deletes_a_workspace_another_program_has_open(small_workspace, capsys):
    before = small_workspace.read_bytes()
    _hold_lock_as_another_live_process(small_workspace)
    for argv in (["demo", str(small_workspace), "--force"], ["generate", str(small_workspace), "--force"]):
        assert main(argv) == 1
        assert "is in use" in capsys.readouterr().err
        assert small_workspace.read_bytes() == before
    with pytest.raises(WorkspaceLocked):
        Store.create(small_workspace, overwrite=True)
    assert small_workspace.read_bytes() == before
    leftovers = [p.name for p in small_workspace.parent.iterdir() if ".new-" in p.name]
    assert leftovers == []


def test_force_replaces_a_free_workspace_whole_and_keeps_a_backup_of_the_old(small_workspace, capsys):
    assert main(["demo", str(small_workspace), "--force"]) == 0
    with Store.open(small_workspace) as store:
        assert store.load().count(Organisation) > 2  # the demo, not the small workspace
    kept = [b for b in list_backups(small_workspace) if b.reason == "before-replacing"]
    assert len(kept) == 1
    with Store.open(kept[0].path, read_only=True) as old:
        assert old.load().count(Organisation) == 2


def test_new_workspace_over_the_one_this_process_has_open_is_refused_unchanged(small_workspace):
    with Store.open(small_workspace) as holder:
        with pytest.raises(WorkspaceLocked):
            Store.create(small_workspace, overwrite=True)
        holder.insert(Organisation(name="Still here"))  # the open window's next edit still works
    with Store.open(small_workspace) as again:
        assert again.load().count(Organisation) == 3


def test_a_failed_build_leaves_the_old_file(small_workspace, monkeypatch):
    before = small_workspace.read_bytes()
    from consortium_planner.services import generate

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generate, "bulk_insert", boom)
    with pytest.raises(RuntimeError):
        generate.write_large(small_workspace, overwrite=True, organisations=3, service_lines=2, areas=2, options=1)
    assert small_workspace.read_bytes() == before
    assert not safety.lock_path(small_workspace).exists()


# --------------------------------------------------------------------- opening never changes what it refuses


def _foreign_wal(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE notes (x TEXT)")
    con.execute("INSERT INTO notes VALUES ('theirs')")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def test_a_foreign_wal_database_is_refused_byte_for_byte_unchanged(tmp_path, capsys):
    p = tmp_path / "other.db"
    _foreign_wal(p)
    before = p.read_bytes()
    assert before[18] == 2  # WAL mode in the header
    for opener in (lambda: Store.open(p), lambda: Store.open(p, read_only=True)):
        with pytest.raises(WorkspaceFileError, match="not a Consortium Planner workspace"):
            opener()
        assert p.read_bytes() == before
    assert main(["summary", str(p)]) == 1
    assert "not a Consortium Planner workspace" in capsys.readouterr().err
    assert p.read_bytes() == before
    assert not safety.lock_path(p).exists()


def test_a_workspace_from_a_newer_version_is_named_so_and_left_alone(small_workspace, capsys):
    con = sqlite3.connect(small_workspace)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    before = small_workspace.read_bytes()
    with pytest.raises(WorkspaceFileError, match="made by a newer version of Consortium Planner"):
        Store.open(small_workspace)
    assert main(["summary", str(small_workspace)]) == 1
    assert "newer version" in capsys.readouterr().err
    assert small_workspace.read_bytes() == before


def test_a_workspace_left_half_written_beside_its_journal_opens_rolled_back(small_workspace, tmp_path):
    """A transaction cut short (killed, power lost) can leave page 1 half-written beside the rollback journal
    that holds it as it was. An immutable read ignores the journal and finds the file malformed; SQLite's
    own recovery (any connection that may write) rolls it back. The workspace opens as last committed."""
    with Store.open(small_workspace) as s:
        before = sorted(o.name for o in s.load().all(Organisation))
    crash = tmp_path / "crash.cplan"
    conn = sqlite3.connect(small_workspace, isolation_level=None)
    conn.execute("PRAGMA cache_size = 2")  # so the transaction's pages spill into the file before it commits
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("DELETE FROM organisation")
    conn.execute("CREATE TABLE junk (x)")
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                 "INSERT INTO junk SELECT randomblob(3000) FROM n")
    crash.write_bytes(small_workspace.read_bytes())  # the files as a crash at this moment leaves them
    Path(f"{crash}-journal").write_bytes(Path(f"{small_workspace}-journal").read_bytes())
    conn.execute("ROLLBACK")
    conn.close()
    with crash.open("r+b") as fh:  # page 1's body torn: the journal holds it whole
        fh.seek(100)
        fh.write(bytes(4096 - 100))
    immutable = sqlite3.connect(crash.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    with pytest.raises(sqlite3.DatabaseError):
        immutable.execute("SELECT name FROM sqlite_master").fetchall()
    immutable.close()
    wf.identify(crash)  # not refused as damaged
    with Store.open(crash) as s:
        assert s.integrity_problems() == []
        assert sorted(o.name for o in s.load().all(Organisation)) == before
    assert not Path(f"{crash}-journal").exists()
    (tmp_path / "torn.cplan").write_bytes(crash.read_bytes()[:100] + bytes(4096 - 100) + crash.read_bytes()[4096:])
    with pytest.raises(WorkspaceFileError, match="damaged"):  # torn with no journal: damaged, and said so
        wf.identify(tmp_path / "torn.cplan")


def test_another_programs_alembic_database_is_not_a_workspace(tmp_path):
    p = tmp_path / "app.sqlite"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    con.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(WorkspaceFileError, match="not a Consortium Planner workspace"):
        Store.open(p)
    assert p.read_bytes() == before


# --------------------------------------------------------------------- read-only places


def test_a_workspace_whose_folder_cannot_take_a_lock_opens_read_only_and_refuses_edits(small_workspace,
                                                                                      monkeypatch):
    def no_lock(path):
        raise safety.LockUnavailable(path, "Read-only file system")

    monkeypatch.setattr(safety, "acquire", no_lock)
    session = WorkspaceSession.open(small_workspace)
    try:
        assert session.read_only
        assert "open read-only" in session.store.read_only_reason
        org = session.ws.all(Organisation)[0]
        with pytest.raises(WorkspaceFileError, match="read-only"):
            session.set_field(Organisation, org.id, "name", "Changed")
        assert session.ws.get(Organisation, org.id).name == org.name
    finally:
        session.close()


def test_a_file_that_cannot_be_written_opens_read_only(small_workspace, monkeypatch):
    real = os.access
    monkeypatch.setattr(wf.os, "access",
                        lambda p, mode: False if (mode & os.W_OK and Path(p) == small_workspace) else real(p, mode))
    with Store.open(small_workspace) as store:
        assert store.read_only and "the file is read-only" in store.read_only_reason
        with pytest.raises(WorkspaceFileError, match="read-only"):
            store.insert(Organisation(name="No"))
    assert not safety.lock_path(small_workspace).exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anything: needs an ordinary user")
def test_read_only_file_and_folder_for_real(small_workspace):
    small_workspace.chmod(0o444)
    try:
        with Store.open(small_workspace) as store:
            assert store.read_only
    finally:
        small_workspace.chmod(0o644)
    folder = small_workspace.parent
    folder.chmod(0o555)
    try:
        with Store.open(small_workspace) as store:
            assert store.read_only and "folder" in store.read_only_reason
    finally:
        folder.chmod(0o755)


# --------------------------------------------------------------------- one writer, always


def _contend(path: str, start, hold, results) -> None:
    start.wait()
    try:
        safety.acquire(Path(path))
        results.put("won")
    except WorkspaceLocked:
        results.put("locked")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"error {exc!r}")
    hold.wait()  # stay alive (a winner that exits would leave a stale lock another may rightly take)


@pytest.mark.parametrize("round_", range(3))
def test_many_simultaneous_opens_over_a_stale_lock_make_exactly_one_writer(tmp_path, round_):
    path = tmp_path / f"w{round_}.cplan"
    path.write_bytes(b"")
    safety.lock_path(path).write_text(json.dumps(
        {"user": "ghost", "host": socket.gethostname(), "pid": _dead_pid(), "since": "2026-01-01T09:00:00"}))
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    n = 24
    start, hold, results = ctx.Barrier(n), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(str(path), start, hold, results)) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=60) for _ in range(n)]
    finally:
        hold.set()
        for p in procs:
            p.join(30)
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("locked") == n - 1, outcomes
    assert not any(name.endswith(".tmp") or name.endswith(".break") for name in os.listdir(tmp_path))
