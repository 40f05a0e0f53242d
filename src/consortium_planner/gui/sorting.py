"""Sorting a table by what its cells mean.

``QSortFilterProxyModel`` compares numbers, strings and dates it knows, but a ``Decimal`` or a
tuple reaches it as an opaque Python object and it leaves such rows where they were (or worse,
in an order that depends on the sort algorithm). ``SortProxy`` compares the ``SORT_ROLE`` values
in Python instead, so £9 sorts before £10 and a missing figure first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from .roles import SORT_ROLE

Index = QModelIndex | QPersistentModelIndex


def sort_value(value: Any) -> tuple[int, Any]:
    """A key that compares across one column: missing values first, then numbers, then text."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):  # int, float, Decimal
        return (1, value)
    if isinstance(value, str):
        return (2, value.casefold())
    return (3, value)


class SortProxy(QSortFilterProxyModel):
    """A proxy that sorts by the source's ``SORT_ROLE`` values, compared in Python."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: Index, right: Index) -> bool:
        role = self.sortRole()
        a, b = left.data(role), right.data(role)
        try:
            return bool(a < b)
        except TypeError:  # different kinds of value in one column: missing, numbers, then text
            ka, kb = sort_value(a), sort_value(b)
            try:
                return ka < kb
            except TypeError:
                return str(a) < str(b)
