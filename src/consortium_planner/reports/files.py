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


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary path)``, then put the result at ``path`` in one rename."""
    target = Path(path)
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
