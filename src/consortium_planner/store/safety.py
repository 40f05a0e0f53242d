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
import getpass
import json
import os
import socket
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


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _me() -> LockOwner:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available (e.g. a service account)
        user = "someone"
    return LockOwner(user, socket.gethostname(), os.getpid(), dt.datetime.now().isoformat(timespec="seconds"))


def read_owner(path: Path) -> LockOwner | None:
    try:
        data = json.loads(lock_path(path).read_text(encoding="utf-8"))
        return LockOwner(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


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


def _stale(owner: LockOwner | None) -> bool:
    """A lock we may take over: unreadable, or left by a process of this computer that has gone."""
    if owner is None:
        return True
    return owner.host == socket.gethostname() and owner.pid != os.getpid() and not _alive(owner.pid)


def acquire(path: Path) -> Path:
    """Create the lock file or raise ``WorkspaceLocked``; returns the lock file's path."""
    lp = lock_path(path)
    me = _me()
    payload = json.dumps({"user": me.user, "host": me.host, "pid": me.pid, "since": me.since,
                          "program": "Consortium Planner"})
    for _attempt in range(2):
        try:
            fd = os.open(lp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = read_owner(path)
            if _stale(owner):
                try:
                    lp.unlink()
                except FileNotFoundError:
                    pass
                continue
            raise WorkspaceLocked(path, owner) from None  # type: ignore[arg-type]
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        return lp
    raise WorkspaceLocked(path, read_owner(path) or me)


def release(path: Path) -> None:
    owner = read_owner(path)
    if owner is not None and owner.pid == os.getpid() and owner.host == socket.gethostname():
        try:
            lock_path(path).unlink()
        except FileNotFoundError:
            pass


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
