"""Writing a report file the safe way: never half a file, and with the permissions a user expects.

``atomic_write`` writes to a temporary file beside the target, then renames it over the target, so a
failed or cancelled export leaves the old file (or none). ``tempfile.mkstemp`` makes its file readable
by its owner only (0600); the finished file gets the mode an ordinary new file would have (0666 less
the umask, typically 0644), or the mode of the file it replaces, so an exported PDF or workbook can be
shared like any other document.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def new_file_mode() -> int:
    """0666 less the process's umask (read without changing it; 0644 when it cannot be read)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


class OutputRefused(FileExistsError):
    """An output file name that would replace something a report must never replace."""


_SQLITE = b"SQLite format 3\x00"
_SIDE_FILES = (".lock", ".lock.break", "-journal", "-wal", "-shm")


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == _SQLITE
    except OSError:
        return False


def check_output(path: str | os.PathLike) -> None:
    """Refuse (``OutputRefused``) a report's file name that names a workspace or another database, by
    any spelling or link (the bytes are checked, not the name), or a workspace's lock or journal."""
    target = Path(path)
    if target.is_dir():
        raise OutputRefused(f"{target}: is a folder; name the file to write")
    if _is_database(target):
        raise OutputRefused(f"{target.name}: is a workspace (a database), not a report; choose another file "
                            "name (nothing was written)")
    for side in _SIDE_FILES:
        if target.name.endswith(side) and _is_database(target.with_name(target.name[: -len(side)])):
            raise OutputRefused(f"{target.name}: belongs to the workspace {target.name[: -len(side)]}; choose "
                                "another file name (nothing was written)")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary path)``, then put the result at ``path`` in one rename.

    Refused before anything is written when ``path`` is a workspace or belongs to one (``check_output``)."""
    target = Path(path)
    check_output(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem[:20]}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = new_file_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
