"""Column types that keep money exact: integer pence, Decimals as text, choices by value."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.types import TypeDecorator

from ..domain.money import from_pence, to_pence


class Pence(TypeDecorator):
    """Decimal pounds in Python, integer pence in the database. Never float.

    SQLite's INTEGER holds 64 bits; PostgreSQL's holds 32 (£21.4 million in pence), so there the
    column is a BIGINT.
    """

    impl = Integer
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return BigInteger()
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, never float")
        return to_pence(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else from_pence(int(value))


class DecimalText(TypeDecorator):
    """An exact Decimal stored as its text (volumes, ratios, percentages).

    SQLite does not enforce a VARCHAR's length; PostgreSQL does, so there the column is TEXT and
    a long exact value (a computed volume to 28 places) is kept as SQLite keeps it.
    """

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return Text()
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("quantities must be Decimal, never float")
        return format(Decimal(value), "f")

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class ChoiceText(TypeDecorator):
    """An enum stored by its value."""

    impl = String(40)
    cache_ok = True

    def __init__(self, enum_type: type[enum.Enum] | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_type = enum_type

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return value.value if isinstance(value, enum.Enum) else str(value)

    def process_result_value(self, value, dialect):
        if value is None or self.enum_type is None:
            return value
        return self.enum_type(value)


LongText = Text
