"""Keeping a workspace safe: who has it open (a lock file beside it) and its rolling backups.

**Lock.** A writer creates ``<file>.lock`` atomically (``O_CREAT | O_EXCL``) holding who, where
and since when. A second writer — another window, another program, a colleague on a shared
drive — is told who has the file and may open it read-only instead. A lock left by a program
that died on this computer (its process no longer runs) is taken over; one from another
computer is never broken silently. Readers take no lock: SQLite's own locking keeps reads
consistent.

**Backups.** Copies made with SQLite's backup API (never a file copy of a live database) into
``<stem>.backups/`` beside the file: when a workspace that changed since its newest backup is
opened, before every schema upgrade and before every import. The newest ``KEEP`` are kept.
"""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

KEEP = 10
SUFFIX = ".cplan"


class WorkspaceFileError(Exception):
    """A workspace file that cannot be opened or written, with a message for a person."""


@dataclass(frozen=True)
class LockOwner:
    user: str
    host: str
    pid: int
    since: str  # ISO 8601, local time

    def describe(self) -> str:
        try:
            when = dt.datetime.fromisoformat(self.since).strftime("%d/%m/%Y at %H:%M")
        except ValueError:
            when = self.since
        return f"{self.user} on {self.host} has had it open since {when}"


_SOMEONE = LockOwner("someone", "another computer", 0, "")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _me() -> LockOwner:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available (e.g. a service account)
        user = "someone"
    return LockOwner(user, socket.gethostname(), os.getpid(), dt.datetime.now().isoformat(timespec="seconds"))


def read_owner(path: Path) -> LockOwner | None:
    raw = _read_raw(lock_path(path))
    return _parse_owner(raw) if raw is not None else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


UNREADABLE_STALE_SECONDS = 10.0


def _stale(owner: LockOwner | None, lp: Path | None = None) -> bool:
    """A lock we may take over: left by a process of this computer that has gone, or unreadable and
    older than ``UNREADABLE_STALE_SECONDS`` (a lock being written is never unreadable: it is made
    whole before it appears, see ``_create``)."""
    if owner is None:
        if lp is None:
            return True
        try:
            return time.time() - lp.stat().st_mtime > UNREADABLE_STALE_SECONDS
        except OSError:
            return True
    return owner.host == socket.gethostname() and owner.pid != os.getpid() and not _alive(owner.pid)


def _create(lp: Path, payload: str) -> None:
    """Make the lock file whole or not at all: written beside it, then hard-linked into place (atomic,
    and refused if the lock exists). Where hard links are not supported, ``O_CREAT | O_EXCL``."""
    tmp = lp.with_name(f"{lp.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, lp)
            return
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
        fd2 = os.open(lp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        with os.fdopen(fd2, "w", encoding="utf-8") as fh:
            fh.write(payload)
    finally:
        tmp.unlink(missing_ok=True)


def _breaker_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock.break")


BREAKER_STALE_SECONDS = 30.0


def _take_breaker(path: Path) -> bool:
    """The right to break a stale lock: one process at a time (``O_CREAT | O_EXCL`` again).

    A breaker older than ``BREAKER_STALE_SECONDS`` was left by a process that died while breaking a
    lock (breaking takes microseconds) and is removed."""
    bp = _breaker_path(path)
    try:
        os.close(os.open(bp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        return True
    except FileExistsError:
        try:
            age = time.time() - bp.stat().st_mtime
        except OSError:
            return False
        if age > BREAKER_STALE_SECONDS:
            bp.unlink(missing_ok=True)
        return False


def acquire(path: Path) -> Path:
    """Create the lock file or raise ``WorkspaceLocked``; returns the lock file's path.

    Taking over a stale lock is atomic: of many processes that find the same stale lock at once,
    only the one holding the breaker (``<file>.lock.break``) removes it, and only after reading
    again that the lock is still the stale one it saw; the others start over and find the new
    owner. A folder where no lock can be made (read-only, or no permission) raises
    ``LockUnavailable``: the caller opens the workspace read-only instead.
    """
    lp = lock_path(path)
    me = _me()
    payload = json.dumps({"user": me.user, "host": me.host, "pid": me.pid, "since": me.since,
                          "program": "Consortium Planner"})
    deadline = time.monotonic() + 5.0
    while True:
        try:
            _create(lp, payload)
            return lp
        except FileExistsError:
            raw = _read_raw(lp)
            owner = _parse_owner(raw) if raw is not None else None
            if not _stale(owner, lp):
                raise WorkspaceLocked(path, owner or _SOMEONE) from None
            if time.monotonic() > deadline:
                raise WorkspaceLocked(path, owner or _SOMEONE) from None
            if _take_breaker(path):
                try:
                    again = _read_raw(lp)
                    if again == raw and _stale(_parse_owner(again) if again is not None else None, lp):
                        lp.unlink(missing_ok=True)
                finally:
                    _breaker_path(path).unlink(missing_ok=True)
            else:
                time.sleep(0.005)
        except PermissionError as exc:
            raise LockUnavailable(path, exc.strerror or "permission denied") from None
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise LockUnavailable(path, exc.strerror or str(exc)) from None
            raise


def _read_raw(lp: Path) -> str | None:
    try:
        return lp.read_text(encoding="utf-8")
    except OSError:
        return None


def _parse_owner(raw: str) -> LockOwner | None:
    try:
        data = json.loads(raw)
        return LockOwner(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def release(path: Path) -> None:
    owner = read_owner(path)
    if owner is not None and owner.pid == os.getpid() and owner.host == socket.gethostname():
        try:
            lock_path(path).unlink()
        except FileNotFoundError:
            pass


class LockUnavailable(WorkspaceFileError):
    """No lock file can be made beside the workspace (a read-only folder or drive)."""

    def __init__(self, path: Path, why: str):
        self.path = path
        super().__init__(f"{path.name}: its folder cannot be written ({why}), so it is open read-only "
                         "(nothing can be changed)")


class WorkspaceLocked(WorkspaceFileError):
    def __init__(self, path: Path, owner: LockOwner):
        self.path = path
        self.owner = owner
        super().__init__(f"{path.name} is in use: {owner.describe()}. You can open it read-only.")


# ---------------------------------------------------------------------------------- backups


def backup_dir(path: Path) -> Path:
    return path.with_name(path.stem + ".backups")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime
    reason: str

    def describe(self) -> str:
        return f"{self.taken.strftime('%d/%m/%Y %H:%M:%S')} — {self.reason.replace('-', ' ')}"


def list_backups(path: Path) -> list[Backup]:
    """Backups of ``path``, newest first."""
    folder = backup_dir(path)
    out: list[Backup] = []
    if not folder.is_dir():
        return out
    prefix = path.stem + "-"
    for p in folder.glob(f"*{SUFFIX}"):
        rest = p.stem[len(prefix):] if p.stem.startswith(prefix) else ""
        parts = rest.split("-", 3)
        try:
            taken = dt.datetime.strptime("-".join(parts[:3]), "%Y%m%d-%H%M%S-%f")
            reason = parts[3] if len(parts) > 3 else "backup"
        except ValueError:
            taken = dt.datetime.fromtimestamp(p.stat().st_mtime)
            reason = "backup"
        out.append(Backup(p, taken, reason))
    return sorted(out, key=lambda b: b.taken, reverse=True)


def prune(path: Path, keep: int = KEEP) -> None:
    for old in list_backups(path)[keep:]:
        try:
            old.path.unlink()
        except OSError:
            pass


def changed_since_last_backup(path: Path) -> bool:
    backups = list_backups(path)
    if not backups:
        return True
    return path.stat().st_mtime > backups[0].path.stat().st_mtime
