"""Tables derived from the domain's entity specs: one table an entity, one column a field.

Money is integer pence (``Pence``), other quantities exact text (``DecimalText``), choices their
value. References are foreign keys: ON DELETE CASCADE for children, SET NULL for optional links.
Alembic migrations in ``migrations/versions`` are the record of the schema on disk; a test
checks they produce exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..domain.fields import Kind, specs
from ..domain.model import ENTITIES, ENTITY_BY_NAME, UNIQUE_KEYS, Entity
from .types import ChoiceText, DecimalText, Pence

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def _column(name: str, spec) -> Column:
    k = spec.kind
    if k is Kind.ID:
        return Column(name, Integer, primary_key=True, autoincrement=True)
    if k is Kind.REF:
        target = ENTITY_BY_NAME[spec.ref].entity_name
        ondelete = "CASCADE" if spec.cascade else "SET NULL"
        return Column(name, Integer, ForeignKey(f"{target}.id", ondelete=ondelete),
                      nullable=not spec.required, index=True)
    nullable = not spec.required
    if k is Kind.TEXT:
        return Column(name, String(500), nullable=False, default="")
    if k is Kind.LONGTEXT:
        return Column(name, Text, nullable=False, default="")
    if k is Kind.INT:
        return Column(name, Integer, nullable=True)
    if k in (Kind.DECIMAL, Kind.PERCENT):
        return Column(name, DecimalText(), nullable=True)
    if k is Kind.MONEY:
        return Column(name, Pence(), nullable=True)
    if k is Kind.DATE:
        return Column(name, Date, nullable=nullable)
    if k is Kind.BOOL:
        return Column(name, Boolean, nullable=False, default=False)
    if k is Kind.CHOICE:
        return Column(name, ChoiceText(spec.choices), nullable=False)
    raise AssertionError(k)


def _table(cls: type[Entity]) -> Table:
    cols = [_column(name, spec) for name, spec in specs(cls).items()]
    uniques = [UniqueConstraint(*fields) for fields in UNIQUE_KEYS.get(cls.entity_name, ())]
    return Table(cls.entity_name, metadata, *cols, *uniques, sqlite_autoincrement=True)


TABLES: dict[type[Entity], Table] = {cls: _table(cls) for cls in ENTITIES}

# The audit trail (issue 19): one row a change, written in the change's own transaction (``store/audit.py``).
AUDIT = Table("audit_entry", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("at", String(40), nullable=False),
              Column("who", String(200), nullable=False, default=""),
              Column("operation", String(500), nullable=False, default=""),
              Column("entity", String(80), nullable=False),
              Column("record_id", Integer, nullable=True, index=True),
              Column("field", String(80), nullable=False, default=""),
              Column("old", Text, nullable=False, default=""),
              Column("new", Text, nullable=False, default=""),
              sqlite_autoincrement=True)
