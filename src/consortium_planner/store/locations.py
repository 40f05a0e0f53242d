"""Where a workspace lives: a file's path or a team database's URL.

No SQLAlchemy here: the main window names a recent file or the workspace it is opening before the store
is imported (issue 22, goal 2).
"""

from __future__ import annotations

from pathlib import Path


def is_database_url(target: str | Path) -> bool:
    """A database URL (``postgresql://…``) rather than a file path."""
    return "://" in str(target)


__all__ = ["is_database_url"]
