"""Where a workspace lives, for the GUI before the store is imported (``store/locations.py``)."""

from __future__ import annotations

from ..store.locations import is_database_url

__all__ = ["is_database_url"]
