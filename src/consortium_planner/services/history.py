"""The workspace's history (the audit trail, ``store/audit.py``): read, filtered and described the same
way for the CLI (``history``), the GUI (View → History…) and the workbook's History sheet.

Pure functions over ``AuditEntry`` values; only ``read_history`` touches the store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..domain.model import ENTITY_BY_NAME
from ..store.audit import AUDIT_NAME_KEY
from ..store.workspace_file import Store

__all__ = ["AUDIT_NAME_KEY", "AuditEntry", "HistoryFilter", "NOT_SET", "change_text", "entity_label", "entries_jsonable", "filter_history",
           "parse_since", "read_history", "when_text", "who_text"]

NOT_SET = "(not set)"


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change. ``at`` is UTC (ISO 8601 text in the file); ``field`` is "" for a row added
    (``new`` holds the row as JSON) or removed (``old`` holds it); values are exact text."""

    id: int
    at: dt.datetime
    who: str
    operation: str
    entity: str
    record_id: int | None
    field: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        """"added", "removed" or "changed"."""
        if self.field:
            return "changed"
        return "added" if self.new else "removed"


@dataclass(frozen=True)
class HistoryFilter:
    """Every given part must match; text parts match case-insensitively anywhere in the value."""

    entity: str = ""  # the entity's name ("member") or label ("Member")
    operation: str = ""
    who: str = ""
    record_id: int | None = None
    since: dt.datetime | None = None  # inclusive, UTC
    until: dt.datetime | None = None  # exclusive, UTC

    def matches(self, e: AuditEntry) -> bool:
        if self.entity and self.entity.casefold() not in (e.entity.casefold(), entity_label(e.entity).casefold()):
            return False
        if self.operation and self.operation.casefold() not in e.operation.casefold():
            return False
        if self.who and self.who.casefold() not in who_text(e.who).casefold():
            return False
        if self.record_id is not None and e.record_id != self.record_id:
            return False
        if self.since is not None and e.at < self.since:
            return False
        return self.until is None or e.at < self.until


def read_history(store: Store) -> list[AuditEntry]:
    """Every record in the workspace, oldest first."""
    return [AuditEntry(id_, dt.datetime.fromisoformat(at), who, op, entity, rid, field, old, new)
            for id_, at, who, op, entity, rid, field, old, new in store.audit_records()]


def filter_history(entries: Iterable[AuditEntry], f: HistoryFilter) -> list[AuditEntry]:
    return [e for e in entries if f.matches(e)]


def parse_since(text: str, *, what: str = "--since") -> dt.datetime:
    """A date (``2026-12-03``, the start of that day in UTC) or an ISO time; ``ValueError`` naming ``what``."""
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: '{text}' is not a date (write it as 2026-12-03 or 2026-12-03T09:30)") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def entity_label(name: str) -> str:
    cls = ENTITY_BY_NAME.get(name)
    return cls.label if cls is not None else name


def who_text(who: str) -> str:
    return who or NOT_SET


def when_text(at: dt.datetime) -> str:
    """en-GB local time: ``03/12/2026 10:04:05``."""
    return at.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def change_text(e: AuditEntry, *, limit: int = 0) -> str:
    """``old → new`` for a field; the row's fields for a row added or removed."""
    if e.field:
        text = f"{e.old or '(empty)'} → {e.new or '(empty)'}"
    else:
        try:
            row = json.loads(e.new or e.old)
        except ValueError:
            row = {}
        parts = ", ".join(f"{k}={v}" for k, v in row.items() if v not in ("", None))
        text = f"{'added' if e.new else 'removed'}: {parts}"
    return text if not limit or len(text) <= limit else text[: limit - 1] + "…"


def entries_jsonable(entries: Sequence[AuditEntry]) -> list[dict]:
    """JSON-ready records (``jsonout`` conventions: exact text, ISO times, never float)."""
    return [{"id": e.id, "at": e.at.isoformat(), "who": e.who, "operation": e.operation, "entity": e.entity,
             "record_id": e.record_id, "field": e.field, "old": e.old, "new": e.new} for e in entries]
