"""The neutral document model: sections of paragraphs, tables, charts and key figures.

Every analysis is presented once, as these types (``reports/sections/``); the PDF (``reports/pdf.py``),
the option workbook's value sheets and the GUI's analysis tables (``gui/document_model.py``) are
renderers of them, so the same figures appear in the same order everywhere. Nothing here knows
about reportlab, openpyxl or Qt.

Values stay ``Decimal`` (money, percentage points, volumes) or ``str``; ``Column.kind`` says how to
show them (``format_value``): money in tables in whole pounds (``Kind.MONEY``), a unit price or an
hourly rate to the penny (``Kind.PRICE``), key figures and prose in £k/£m to three figures
(``format_gbp_short``: £4.11m, £181k), so the document reads like a finance paper while every value
stays exact. A cell's ``status`` is its red/amber/green colour; a finding's severity becomes a status
through ``status_of`` and nowhere else, and a verdict's decision through ``verdict_status``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, overload

from ..domain.findings import Severity
from ..domain.money import format_decimal, format_gbp, format_gbp_short
from ..domain.verdict import Decision

__all__ = [
    "MISSING",
    "Block",
    "Bullets",
    "Cell",
    "Chart",
    "ChartKind",
    "Column",
    "Heading",
    "Kind",
    "KeyFigure",
    "KeyFigures",
    "Paragraph",
    "ReferenceLine",
    "Section",
    "Series",
    "Status",
    "Table",
    "cell",
    "format_value",
    "money_text",
    "status_of",
    "verdict_status",
]

MISSING = "–"


class Kind(enum.StrEnum):
    """How a value is shown."""

    TEXT = "text"
    MONEY = "money"  # whole pounds in a table (format_gbp without pence); £k/£m as a key figure
    PRICE = "price"  # a unit price or an hourly rate: to the penny
    PERCENT = "percent"  # percentage points: Decimal("12.5") is "12.50%"
    NUMBER = "number"  # plain decimal with ``places``


class Status(enum.StrEnum):
    """Red/amber/green colour of a cell or figure (grey: not given, not tested, cannot tell)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


class ChartKind(enum.StrEnum):
    BAR = "bar"  # one bar per category per series
    STACKED = "stacked"  # series stacked in each category
    WATERFALL = "waterfall"  # one series: each value a step from the running total, the last a total
    LINE = "line"  # numeric x (``x_values``), one line per series
    HEATMAP = "heatmap"  # rows are series, columns are categories; colour from statuses


def format_value(value: Decimal | str | None, kind: Kind = Kind.TEXT, places: int = 2, *,
                 missing: str = MISSING) -> str:
    """The one way the case shows a value (renderers and tests use it alike)."""
    if value is None:
        return missing
    if isinstance(value, str):
        return value
    if kind is Kind.MONEY:
        return format_gbp(value, pence=False)
    if kind is Kind.PRICE:
        return format_gbp(value)
    if kind is Kind.PERCENT:
        return f"{format_decimal(value, places)}%"
    if kind is Kind.NUMBER:
        return format_decimal(value, places)
    return str(value)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # plain text, never markup: renderers escape it
    style: str = "body"  # "body", "lead", "note"


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    places: int = 2
    note: str = ""  # what the column holds, e.g. how it is computed (a header tooltip on screen)

    @property
    def numeric(self) -> bool:
        return self.kind is not Kind.TEXT


@dataclass(frozen=True, slots=True)
class Cell:
    value: Decimal | str | None
    status: Status | None = None
    kind: Kind | None = None  # overrides the column's kind for this cell
    places: int | None = None
    note: str = ""  # why the cell shows what it shows (a tooltip on screen)
    text: str | None = None  # shown instead of the formatted value, which still sorts ("✓ 1.39×", "3 (2 local)")
    bold: bool = False  # a subtotal, or the figure of the row that matters
    italic: bool = False  # shown for information, not part of the sums around it


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # stable name, e.g. "members", "prices_by_year"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""
    header_rows: int = 1  # repeated on every page the table runs onto
    total_rows: int = 0  # the last rows are totals
    highlight_rows: tuple[int, ...] = ()  # e.g. our bid among the competitors
    note: str = ""
    first_column_width: Decimal | None = None  # share of the width (0..1) for a label column; None: automatic

    def text(self, row: int, column: int) -> str:
        cell = self.rows[row][column]
        if cell.text is not None:
            return cell.text
        col = self.columns[column]
        return format_value(cell.value, cell.kind or col.kind, col.places if cell.places is None else cell.places)

    def texts(self) -> list[list[str]]:
        return [[self.text(r, c) for c in range(len(self.columns))] for r in range(len(self.rows))]

    def column(self, title: str) -> int:
        for i, c in enumerate(self.columns):
            if c.title == title:
                return i
        raise KeyError(title)


class Lazily(Sequence[str]):
    """Texts each made from its item when first read: a heat map's tooltips (issue 22: the large workspace's
    coverage heat map has 8,000 cells, and writing every note took a fifth of its analysis; few are ever
    read). Equal to any sequence of the same texts; slices are lazy too. ``make`` must be pure."""

    __slots__ = ("_items", "_made", "_make")

    def __init__(self, make: Callable[[Any], str], items: Sequence[Any]):
        self._make, self._items = make, tuple(items)
        self._made: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Lazily: ...

    def __getitem__(self, i: int | slice) -> str | Lazily:
        if isinstance(i, slice):
            return Lazily(self._make, self._items[i])
        i = range(len(self._items))[i]  # a negative index counts from the end; out of range raises
        text = self._made.get(i)
        if text is None:
            text = self._made[i] = self._make(self._items[i])
        return text

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self._items)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Lazily({tuple(self)!r})"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]
    statuses: tuple[Status | None, ...] = ()  # heat maps: each cell's colour (None: nothing there)
    details: tuple[str, ...] = ()  # heat maps: a short second line per cell ("120 short")
    notes: Sequence[str] = ()  # heat maps: the full explanation per cell (a tooltip on screen; may be ``Lazily``)
    note: str = ""  # what the series is, e.g. its unit ("hours a year")


@dataclass(frozen=True, slots=True)
class ReferenceLine:
    label: str
    value: Decimal
    axis: str = "y"  # "y": a horizontal line at a value; "x": a vertical line (line charts)
    show_value: bool = True  # print the value beside the label in the key


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    kind: ChartKind
    title: str
    categories: tuple[str, ...]  # bar/stacked/waterfall/heatmap columns
    series: tuple[Series, ...]
    x_title: str  # axis titles carry their units, e.g. "Annual price (£)"
    y_title: str
    y_kind: Kind = Kind.NUMBER  # how the value axis is labelled
    x_kind: Kind = Kind.TEXT  # LINE: how the numeric x axis is labelled
    x_values: tuple[Decimal, ...] = ()  # LINE: the x of every point
    references: tuple[ReferenceLine, ...] = ()
    horizontal: bool = False  # bars run left to right
    note: str = ""
    places: int = 0  # heat map cell labels

    def value_count(self) -> int:
        return sum(1 for s in self.series for v in s.values if v is not None)


@dataclass(frozen=True, slots=True)
class KeyFigure:
    label: str
    value: Decimal | str | None
    kind: Kind = Kind.TEXT
    places: int = 2
    status: Status | None = None
    note: str = ""

    @property
    def text(self) -> str:
        if self.kind is Kind.MONEY and isinstance(self.value, Decimal):
            return money_text(self.value)
        return format_value(self.value, self.kind, self.places)


@dataclass(frozen=True, slots=True)
class KeyFigures:
    items: tuple[KeyFigure, ...]
    title: str = "Key figures"

    def as_dict(self) -> dict[str, str]:
        return {f.label: f.text for f in self.items}


Block = Paragraph | Heading | Bullets | Table | Chart | KeyFigures


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]

    def of(self, cls: type) -> list[Any]:
        return [b for b in self.blocks if isinstance(b, cls)]

    def tables(self) -> list[Table]:
        return self.of(Table)

    def charts(self) -> list[Chart]:
        return self.of(Chart)

    def table(self, key_: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key_), None)

    def chart(self, key_: str) -> Chart | None:
        return next((c for c in self.charts() if c.key == key_), None)

    def text(self) -> str:
        """Every word of the section as plain text (for tests and search)."""
        out: list[str] = [self.title]
        for b in self.blocks:
            if isinstance(b, Paragraph | Heading):
                out.append(b.text)
            elif isinstance(b, Bullets):
                out.extend(b.items)
            elif isinstance(b, Table):
                out.append(b.title)
                out.extend(c.title for c in b.columns)
                out.extend(t for row in b.texts() for t in row)
                out.append(b.note)
            elif isinstance(b, KeyFigures):
                out.extend(f"{k} {v}" for k, v in b.as_dict().items())
            elif isinstance(b, Chart):
                out.extend([b.title, b.x_title, b.y_title, b.note])
        return "\n".join(x for x in out if x)


_SEVERITY_STATUS = {Severity.INFO: Status.GREY, Severity.WARNING: Status.AMBER, Severity.SERIOUS: Status.RED,
                    Severity.BLOCKING: Status.RED}


def status_of(severity: Severity) -> Status:
    """The colour of a finding of ``severity``: the one place severity becomes a colour."""
    return _SEVERITY_STATUS[severity]


_DECISION_STATUS = {Decision.BID: Status.GREEN, Decision.BID_WITH_CONDITIONS: Status.AMBER,
                    Decision.DO_NOT_BID: Status.RED}


def verdict_status(decision: Decision) -> Status:
    """The colour of a verdict: red do not bid, amber bid with conditions, green bid (the one place)."""
    return _DECISION_STATUS[decision]


def money_text(amount: Decimal | None, *, missing: str = MISSING) -> str:
    """An amount in prose or a key figure: £4.11m, £181k, £4,110 (``domain.money.format_gbp_short``)."""
    return format_gbp_short(amount, missing=missing)


def cell(value: Decimal | str | None, status: Status | None = None, kind: Kind | None = None,
         places: int | None = None, note: str = "") -> Cell:
    """A table cell (shorthand used by the section builders)."""
    return Cell(value, status, kind, places, note)
