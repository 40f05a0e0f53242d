"""The audit trail's rows: written by ``Store`` inside the transaction of the change they record, so
the file never holds an edit without its record or a record without its edit (``docs/history.md``).

One row a change:
- a field changed: ``field`` is its name, ``old`` and ``new`` its values as text;
- a row added: ``field`` is ``""``, ``old`` is ``""``, ``new`` the row's fields as a JSON object of text;
- a row removed: ``field`` is ``""``, ``old`` the row as JSON, ``new`` is ``""``.

Values are text in the domain's exact form: Decimals (money included) as plain decimal strings in
pounds (``"1234.50"``, never float and never pence), dates ISO 8601, choices by their stored value,
yes/no as ``"true"``/``"false"``, references by id, nothing as ``""``.

``who`` is the workspace setting ``audit_name`` (``AUDIT_NAME_KEY``) read in the same transaction;
``""`` when it is not set. The computer's login is never read here.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from ..domain.fields import specs
from ..domain.model import Entity, Setting
from .tables import AUDIT, TABLES

AUDIT_NAME_KEY = "audit_name"

#: (entity name, record id, field, old, new)
Change = tuple[str, int | None, str, str, str]


def value_text(value: Any) -> str:
    """A field's value as exact text (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_text(e: Entity) -> str:
    """The row's fields (not its id) as a JSON object of text, in the order the entity declares them."""
    return json.dumps({n: value_text(getattr(e, n)) for n in specs(type(e)) if n != "id"}, ensure_ascii=False)


def added(e: Entity) -> Change:
    return (type(e).entity_name, e.id, "", "", row_text(e))


def removed(e: Entity) -> Change:
    return (type(e).entity_name, e.id, "", row_text(e), "")


def changed(before: Entity, after: Entity) -> list[Change]:
    return [(type(after).entity_name, after.id, n, value_text(getattr(before, n)), value_text(getattr(after, n)))
            for n in specs(type(after)) if n != "id" and getattr(before, n) != getattr(after, n)]


def field_changed(cls: type[Entity], id_: int | None, field: str, old: Any, new: Any) -> Change:
    return (cls.entity_name, id_, field, value_text(old), value_text(new))


def who(conn: Connection) -> str:
    """The name the workspace's settings give for the history ("" if none), read in the caller's transaction."""
    t = TABLES[Setting]
    return conn.execute(select(t.c.value).where(t.c.key == AUDIT_NAME_KEY)).scalar() or ""


def now_text() -> str:
    """The time now in UTC, ISO 8601 to the millisecond (``2026-12-03T10:04:05.123+00:00``)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def write(conn: Connection, changes: Iterable[Change], operation: str) -> int:
    """Write the records of ``changes`` in the caller's transaction; how many were written."""
    rows = list(changes)
    if not rows:
        return 0
    at, name = now_text(), who(conn)
    conn.execute(insert(AUDIT), [{"at": at, "who": name, "operation": operation, "entity": entity,
                                  "record_id": rid, "field": field, "old": old, "new": new}
                                 for entity, rid, field, old, new in rows])
    return len(rows)


def read(conn: Connection) -> list[tuple]:
    """Every record, oldest first: (id, at, who, operation, entity, record_id, field, old, new)."""
    c = AUDIT.c
    return [tuple(r) for r in conn.execute(
        select(c.id, c.at, c.who, c.operation, c.entity, c.record_id, c.field, c.old, c.new).order_by(c.id))]
