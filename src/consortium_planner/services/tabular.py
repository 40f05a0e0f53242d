"""Neutral shapes for spreadsheet data, shared by the workbook reader, the importers and the writers.

A workbook is read once, safely (``services.workbook_in``), into a ``WorkbookGrid``: plain values
only (``str``, ``Decimal``, ``dt.date``, ``dt.datetime``, ``bool`` or ``None``; never a float), so
the import rules can be tested without files. Rows and columns are numbered from 1, as a
spreadsheet user sees them, and problems name the sheet, row and column in those terms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

CellValue = str | Decimal | dt.date | dt.datetime | bool | None


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    if index < 1:
        raise ValueError(f"column {index} is before column A")
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    text = letters.strip().upper()
    if not text or not text.isalpha() or not text.isascii():
        raise ValueError(f"{letters!r} is not a column letter")
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - 64)
    return n


@dataclass(frozen=True, slots=True)
class SheetGrid:
    name: str
    rows: tuple[tuple[CellValue, ...], ...]  # rows[0] is spreadsheet row 1; rows may differ in length

    def cell(self, row: int, column: int) -> CellValue:
        """The value at 1-based ``row`` and ``column`` (None beyond the data)."""
        if row < 1 or column < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[column - 1] if column <= len(values) else None

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def header(self, row: int) -> tuple[str, ...]:
        """Row ``row`` as trimmed header texts ('' for blanks), up to its last non-blank cell."""
        if row < 1 or row > len(self.rows):
            return ()
        texts = [header_text(v) for v in self.rows[row - 1]]
        while texts and not texts[-1]:
            texts.pop()
        return tuple(texts)


def header_text(value: CellValue) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


@dataclass(frozen=True, slots=True)
class WorkbookGrid:
    source: str  # the file's name, for messages (never a full path in reports)
    sheets: tuple[SheetGrid, ...]

    def sheet(self, name: str) -> SheetGrid | None:
        want = name.strip().casefold()
        for s in self.sheets:
            if s.name.strip().casefold() == want:
                return s
        return None

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sheets)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one place in a workbook: sheet, row and column as the user sees them."""

    sheet: str
    row: int | None
    column: int | None
    reason: str
    column_name: str = ""  # the header over the column, when there is one

    @property
    def where(self) -> str:
        parts = [f"sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            col = f"column {column_letter(self.column)}"
            if self.column_name:
                col += f" ({self.column_name})"
            parts.append(col)
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


# The fields a buyer's pricing schedule can map; the first three must be mapped.
MAPPABLE_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("service_line", "Service line", True),
    ("area", "Area", True),
    ("volume", "Annual volume", True),
    ("unit", "Unit", False),
    ("lot", "Lot", False),
    ("unit_price", "Unit price (filled on export)", False),
    ("total_price", "Annual price (filled on export)", False),
)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Where a buyer's pricing schedule keeps each thing: a sheet, its header row and 1-based columns.

    ``columns`` maps a field of ``MAPPABLE_FIELDS`` to a column; ``headers`` is the header row as
    read when the mapping was made, which (with the sheet name and header row) identifies the
    workbook's layout so the mapping can be offered again for the next workbook laid out alike.
    ``area`` may instead be one fixed value for every row (``fixed_area``) when the schedule covers
    a single area and has no area column.
    """

    sheet: str
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    headers: tuple[str, ...] = ()
    fixed_area: str = ""

    def column(self, name: str) -> int | None:
        return self.columns.get(name)

    @property
    def signature(self) -> str:
        return layout_signature(self.sheet, self.header_row, self.headers)

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": dict(self.columns),
                "headers": list(self.headers), "fixed_area": self.fixed_area}

    @classmethod
    def from_json(cls, data: dict) -> ColumnMapping:
        return cls(sheet=str(data["sheet"]), header_row=int(data["header_row"]),
                   columns={str(k): int(v) for k, v in dict(data.get("columns", {})).items()},
                   headers=tuple(str(h) for h in data.get("headers", ())),
                   fixed_area=str(data.get("fixed_area", "")))


def layout_signature(sheet: str, header_row: int, headers: tuple[str, ...]) -> str:
    """A stable identifier of a workbook layout: sheet name, header row and header texts, casefolded."""
    payload = json.dumps([sheet.strip().casefold(), header_row, [h.casefold() for h in headers]])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
