"""Every custom item-data role of the GUI's models, each defined once.

A role means the same thing in every model that answers it; a model that has nothing for a role
returns None. Qt's own roles (display, tooltip, colours, alignment) are not repeated here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

_USER = Qt.ItemDataRole.UserRole

#: a value that sorts the column the way its figures mean (Decimal money as money, missing first);
#: read by ``sorting.SortProxy``, which compares these Python values (Qt cannot compare them itself)
SORT_ROLE = _USER + 1
#: the ``domain.fields.FieldSpec`` of an editable record cell (``record_model``)
SPEC_ROLE = _USER + 2
#: the cell's value as the domain holds it: a record's field value, a document cell's ``Decimal``
#: (None for text and for a missing figure)
VALUE_ROLE = _USER + 3
#: the id of the entity a record row shows (``record_model``)
ID_ROLE = _USER + 4
#: the cell's status: ``reports.document.Status`` in document tables and heat maps (a string enum: read
#: back through Qt it is its plain string, which compares equal to it), ``domain.standing.Status`` in
#: the Standing table; None when the cell has none
STATUS_ROLE = _USER + 10
#: the domain object behind a cell, when there is one (the heat map's ``domain.capacity.CoverageCell``)
CELL_ROLE = _USER + 11
#: True when the row is one of the table's highlighted rows (``Table.highlight_rows``: an extension
#: year, our own bid), else False
HIGHLIGHT_ROLE = _USER + 20

__all__ = ["CELL_ROLE", "HIGHLIGHT_ROLE", "ID_ROLE", "SORT_ROLE", "SPEC_ROLE", "STATUS_ROLE", "VALUE_ROLE"]
