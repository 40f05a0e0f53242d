"""Reading a buyer's .xlsx workbook safely (issue 8, "Excel in and out").

A workbook from outside is untrusted. Before openpyxl parses anything, ``check_workbook`` looks at
the zip container only and refuses, with a message naming the file, saying why and what to do:

- a missing, empty, unreadable or over-large file;
- an OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``): a password-protected (encrypted) .xlsx or an
  old-format .xls;
- anything that is not a zip, or a zip without ``[Content_Types].xml`` and ``xl/workbook.xml``;
- macros: a ``.xlsm``/``.xltm``/``.xlam`` name, a ``vbaProject.bin`` or Excel 4 macro-sheet part,
  or a content type saying ``macroEnabled``;
- a "zip bomb": more than ``max_members`` parts, a declared uncompressed total over
  ``max_uncompressed_bytes``, or a part (over ``ratio_min_bytes``) expanding more than
  ``max_ratio`` times. ``zipfile`` never yields more than a part's declared size (and checks the
  CRC), so the declared sizes are a real bound;
- a document type declaration (``<!DOCTYPE`` or ``<!ENTITY``, in UTF-8 or UTF-16) in any part:
  real workbooks never have one, and it is how XML bombs ("billion laughs") and external entities
  arrive. Parts are streamed in bounded chunks with an overlap, never read whole.

Cells are read with calamine (``python-calamine``, Rust: ~40 times faster than openpyxl here, 10,000
rows in well under 0.1 s); its XML reader does not expand entities at all, so a DTD that got past
the scan still cannot expand (the file is refused as damaged). The package parts
(``[Content_Types].xml``, the workbook and its relationships) are parsed with defusedxml to check
they are well-formed. ``open_for_filling`` loads through openpyxl, which parses with defusedxml
here (``openpyxl.xml.DEFUSEDXML``), a second line whose ``DTDForbidden``/``EntitiesForbidden``/
``ExternalReferenceForbidden`` become ``WorkbookRefused`` too; so does any other failure while
loading or reading ("is damaged or not a valid workbook"). The file is opened once: the bytes
checked are the bytes parsed. Error values in cells (``#N/A``) are read as their text, which no number
or name accepts (an import lists them as problems).

``read_workbook`` returns a ``tabular.WorkbookGrid`` of plain values: numbers as exact ``Decimal``
(``Decimal(repr(float))``: the shortest text that round-trips, so a typed 1234.56 is 1234.56),
never a float. ``open_for_filling`` returns an editable openpyxl workbook (macros dropped) for a
writer to fill and save as a copy.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import openpyxl
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring
from python_calamine import CalamineWorkbook, SheetTypeEnum

from consortium_planner.domain.tasks import Cancelled
from consortium_planner.services.tabular import CellValue, SheetGrid, WorkbookGrid

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "WorkbookRefused",
    "check_workbook",
    "open_for_filling",
    "read_workbook",
]

MB = 1024 * 1024


class WorkbookRefused(ValueError):
    """A workbook we will not read.

    ``str(exc)`` is a message for a person: the file's base name, the reason and what to do.
    ``reason`` is the part after the name (e.g. "contains macros"), ``advice`` what the user can do.
    """

    def __init__(self, path: str | Path, reason: str, advice: str = ""):
        self.path = Path(path)
        self.reason = reason
        self.advice = advice
        text = f"{self.path.name} {reason}"
        if advice:
            text += f"; {advice}"
        if not text.endswith("."):
            text += "."
        super().__init__(text)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 300 * MB  # sum of the parts' declared sizes
    max_ratio: int = 200  # per part, uncompressed/compressed (zip bomb)
    max_members: int = 5000
    max_cells: int = 5_000_000  # cells read across all sheets (an empty row counts as one)
    ratio_min_bytes: int = 1 * MB  # parts smaller than this are not held to max_ratio


DEFAULT_LIMITS = Limits()

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_SUFFIXES = frozenset({".xlsm", ".xltm", ".xlam"})
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
CHUNK = 64 * 1024
_DTD_TOKENS = tuple(
    token.encode(enc) for token in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
)
_MACRO_TYPES = (b"macroenabled", b"vbaproject", b"macrosheet")  # in [Content_Types].xml, lower-cased
_OVERLAP = max(len(t) for t in _DTD_TOKENS + _MACRO_TYPES) - 1
_CD_BYTES_PER_MEMBER = 1024  # generous: a central-directory entry is 46 bytes plus its name

_RESAVE = "open it in Excel, save it as an Excel Workbook (.xlsx) and try again"
_REPAIR = ("open it in Excel (which may repair it), save it as an Excel Workbook (.xlsx) and try again, "
           "or ask for a fresh copy")
_COPY_SHEETS = "if it is genuine, copy the sheets you need into a new workbook and try that"


# ------------------------------------------------------------------------------------ public API


def check_workbook(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise ``WorkbookRefused`` unless ``path`` looks like a safe, ordinary .xlsx.

    Inspects the zip container (directory, declared sizes, a streamed scan of the parts for
    document type declarations); it does not parse any sheet.
    """
    path = Path(path)
    with _open(path) as fh:
        _check(fh, path, limits)


def read_workbook(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    sheets: Iterable[str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> WorkbookGrid:
    """Check, then read every worksheet (or those named in ``sheets``, case-insensitive) as values.

    Cached results of formulas are read, not the formulas. Trailing empty cells of a row and
    trailing empty rows of a sheet are dropped; chartsheets are skipped. ``cancelled`` is polled
    about every 1000 rows and raises ``Cancelled`` when it returns True.
    """
    path = Path(path)
    if isinstance(sheets, str):  # one name, not its letters
        sheets = (sheets,)
    wanted = None if sheets is None else {_fold(name) for name in sheets}
    grids: list[SheetGrid] = []
    with _open(path) as fh:
        errors = _check(fh, path, limits, cancelled)
        fh.seek(0)
        try:
            book = CalamineWorkbook.from_filelike(fh)
            cells = 0
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:  # chartsheets, dialog and macro sheets have no cells
                    continue
                if wanted is not None and _fold(meta.name) not in wanted:
                    continue
                if cancelled is not None and cancelled():
                    raise Cancelled()
                rows, cells = _read_sheet(book.get_sheet_by_name(meta.name), path, limits, cells)
                grids.append(SheetGrid(meta.name, _with_errors(rows, errors.get(meta.name, {}))))
        except (WorkbookRefused, Cancelled):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a damaged or hostile file provokes
            raise _translate(path, exc) from exc
    return WorkbookGrid(path.name, tuple(grids))


def open_for_filling(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> openpyxl.Workbook:
    """Check, then load a full, editable workbook (formulas kept, macros dropped) to fill and save as a copy."""
    path = Path(path)
    with _open(path) as fh:
        _check(fh, path, limits)
        fh.seek(0)
        return _load(fh, path, read_only=False, data_only=False)


# ------------------------------------------------------------------------------------- opening


class _Open:
    """``open(path, 'rb')`` whose failures are ``WorkbookRefused``."""

    def __init__(self, path: Path):
        self.path = path
        self.fh: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        path = self.path
        try:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise WorkbookRefused(path, "is a folder, not an Excel workbook", "choose an .xlsx file")
            if not stat.S_ISREG(mode):  # a device or a pipe: never read to the end
                raise WorkbookRefused(path, "is not an ordinary file", "choose an .xlsx file")
            self.fh = open(path, "rb")
        except FileNotFoundError:
            raise WorkbookRefused(
                path, "was not found",
                "check that the file still exists (it may have been moved, renamed or deleted) and choose it again",
            ) from None
        except OSError as exc:
            raise _unreadable(path, exc) from None
        return self.fh

    def __exit__(self, *exc_info) -> None:
        if self.fh is not None:
            self.fh.close()


def _open(path: Path) -> _Open:
    return _Open(path)


def _unreadable(path: Path, exc: OSError) -> WorkbookRefused:
    why = exc.strerror or type(exc).__name__
    return WorkbookRefused(
        path, f"could not be read ({why})",
        "check that you may open it and that no other program has it locked, then try again",
    )


# -------------------------------------------------------------------------------------- checks


ErrorCells = dict[str, dict[tuple[int, int], str]]  # sheet name → (row, column) 1-based → "#DIV/0!"


def _check(fh: BinaryIO, path: Path, limits: Limits, cancelled: Callable[[], bool] | None = None) -> ErrorCells:
    """Raise ``WorkbookRefused`` unless the file is a safe, ordinary .xlsx; returns where its error cells are."""
    try:
        size = os.fstat(fh.fileno()).st_size
        fh.seek(0)
        head = fh.read(8)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if size == 0:
        raise WorkbookRefused(path, "is empty (0 bytes), so it is not an Excel workbook",
                              "choose the workbook again, or ask for a fresh copy")
    if size > limits.max_file_bytes:
        raise WorkbookRefused(
            path, f"is {_mb(size)}, larger than the {_mb(limits.max_file_bytes)} we read in a workbook",
            "remove sheets, pictures or data you do not need, save it and try again",
        )
    if head == OLE2_SIGNATURE:
        raise _encrypted(path)
    if not head.startswith(b"PK"):
        raise WorkbookRefused(path, "is not an Excel workbook (.xlsx)", _RESAVE)
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise _macros(path)
    _precheck_directory(fh, size, path, limits)
    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as zf:
            return _check_zip(zf, path, limits, cancelled)
    except (WorkbookRefused, Cancelled):
        raise
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, NotImplementedError, ...
        raise _translate(path, exc) from exc


def _precheck_directory(fh: BinaryIO, size: int, path: Path, limits: Limits) -> None:
    """Refuse an over-long zip directory from its end record, before ``zipfile`` builds one object per entry."""
    tail_len = min(size, 22 + 65535 + 20 + 56)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return  # not a zip we can read: zipfile will say so
    entries, cd_size = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = at - 20
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        record = locator - 56
        if record >= 0 and tail[record:record + 4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack("<QQ", tail[record + 32:record + 48])
        else:
            (offset,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
            if 0 <= offset <= size - 56:
                fh.seek(offset)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    entries, cd_size = struct.unpack("<QQ", rec[32:48])
    if entries > limits.max_members or cd_size > limits.max_members * _CD_BYTES_PER_MEMBER:
        raise _too_many(path, None, limits)


def _check_zip(zf: zipfile.ZipFile, path: Path, limits: Limits, cancelled: Callable[[], bool] | None) -> ErrorCells:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _too_many(path, len(infos), limits)
    names = {info.filename for info in infos}
    lower = {name.lower() for name in names}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise WorkbookRefused(path, "is an OpenDocument spreadsheet (.ods), not an Excel workbook",
                              "open it and save it as an Excel Workbook (.xlsx), then try again")
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" or n.startswith("xl/macrosheets/") for n in lower):
        raise _macros(path)
    if any(info.flag_bits & 0x1 for info in infos):
        raise _encrypted(path)
    if "xl/workbook.xml" not in names and "xl/workbook.bin" in names:
        raise WorkbookRefused(path, "is an Excel binary workbook (.xlsb), which we do not read", _RESAVE)
    for part in REQUIRED_PARTS:
        if part not in names:
            raise _damaged(path, f"{part} is missing")

    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise _bomb(path, f"expands to more than {_mb(limits.max_uncompressed_bytes)}")
        if info.file_size > limits.ratio_min_bytes and (
            info.compress_size == 0 or info.file_size > limits.max_ratio * info.compress_size
        ):
            raise _bomb(path, f"has a part ({info.filename}) that expands to more than "
                              f"{limits.max_ratio} times its stored size ({_mb(info.file_size)})")

    # Content types first (macros), then every other part; binary parts (pictures) are scanned too,
    # since a part's name does not decide how openpyxl reads it.
    for info in sorted(infos, key=lambda info: info.filename != "[Content_Types].xml"):
        if info.is_dir():
            continue
        found = _scan(zf, info, cancelled, macro_types=info.filename == "[Content_Types].xml")
        if found in _MACRO_TYPES:
            raise _macros(path)
        if found is not None:
            raise _dtd(path, info.filename)
    # The package's own small parts must be well-formed XML (calamine, which reads the cells, is lenient).
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if part in names:
            info = zf.getinfo(part)
            if info.file_size > 16 * MB:
                raise _bomb(path, f"has a package part ({part}) of {_mb(info.file_size)}")
            try:
                defused_fromstring(zf.read(part))
            except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
                raise _dtd(path, part) from None
            except Exception as exc:  # noqa: BLE001 - any parse failure means a damaged package
                raise _damaged(path, f"{part} is not well-formed ({type(exc).__name__})") from None
    # Each worksheet's extent, from its cells' positions, before anything builds a grid of it: the
    # reader allocates first cell to last cell (A1 and XFD1048576 alone would ask for 512 GiB).
    errors: ErrorCells = {}
    for part, sheet in _worksheet_parts(zf, names).items():
        errors[sheet] = _check_extent(zf, zf.getinfo(part), sheet, path, limits, cancelled)
    return errors


def _worksheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """The worksheets' part names (from the workbook's relationships, where the reader finds them, and
    every part under ``xl/worksheets/`` besides), each with the sheet's tab name where known."""
    found = {n: n.rsplit("/", 1)[-1] for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = "xl/_rels/workbook.xml.rels"
    if rels not in names:
        return found
    try:
        targets = {}
        for rel in defused_fromstring(zf.read(rels)):
            if str(rel.get("Type", "")).endswith("/worksheet"):
                target = str(rel.get("Target", "")).lstrip("/")
                part = target if target in names else f"xl/{target}"
                if part in names:
                    targets[str(rel.get("Id", ""))] = part
                    found.setdefault(part, part.rsplit("/", 1)[-1])
        for element in defused_fromstring(zf.read("xl/workbook.xml")).iter():
            if element.tag.endswith("}sheet") or element.tag == "sheet":
                rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
                if rid in targets:
                    found[targets[rid]] = str(element.get("name", found[targets[rid]]))
    except Exception:  # noqa: BLE001 - both parts were checked above; names are only for the message
        pass
    return found


_CELL_OR_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{0,3})\$?([0-9]{0,9})["']""")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_ERROR_VALUE = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?v>(#[^<]{1,20})<")
_MAX_TAG = 64 * 1024


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _check_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, path: Path, limits: Limits,
                  cancelled: Callable[[], bool] | None) -> dict[tuple[int, int], str]:
    """Refuse a worksheet whose first-to-last-cell grid, or whose count of cells, exceeds ``limits.max_cells``.

    Streams the part's XML and follows each row's and cell's position (``r="B7"``, or the next one when a
    row or cell has no ``r``), as the reader will; stops at the first cell past the limit, so a hostile
    extent is refused in milliseconds whatever the file says in its ``<dimension>``.

    Returns the positions of its error cells (``t="e"``) with their text: the reader gives them as blanks,
    and an import must not take a failed formula for an empty cell."""
    row = col = max_row = max_col = cells = 0
    errors: dict[tuple[int, int], str] = {}
    carry = b""
    for chunk in _chunks(zf, info, cancelled):
        window = carry + chunk
        cut = window.rfind(b"<")
        if cut < 0:
            carry = b""
            continue
        body, carry = window[:cut], window[cut:]
        if len(carry) > _MAX_TAG:  # no tag is this long: text, not markup
            carry = b""
        for m in _CELL_OR_ROW.finditer(body):
            r = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(r.group(2)) if r is not None and r.group(2) else row + 1
                col = 0
            else:
                cells += 1
                if r is not None and r.group(1):
                    col = _column_number(r.group(1))
                    if r.group(2):
                        row = max(row, int(r.group(2)))
                else:
                    col += 1
                max_col = max(max_col, col)
                if _ERROR_TYPE.search(m.group(2)) and len(errors) < 10_000:
                    v = _ERROR_VALUE.match(body, m.end())
                    errors[(row, col)] = v.group(1).decode("ascii", "replace").strip() if v else "#VALUE!"
            max_row = max(max_row, row)
            if cells > limits.max_cells or max_row * max_col > limits.max_cells:
                raise _too_large_sheet(path, sheet, max_row, max_col, limits)
    return errors


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cancelled: Callable[[], bool] | None) -> Iterator[bytes]:
    """A part's bytes, ``CHUNK`` at a time (decompressed as read: never the whole part in memory), checking
    ``cancelled`` before each."""
    with zf.open(info) as stream:
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled()
            chunk = stream.read(CHUNK)
            if not chunk:
                return
            yield chunk


def _too_large_sheet(path: Path, sheet: str, rows: int, cols: int, limits: Limits) -> WorkbookRefused:
    from openpyxl.utils import get_column_letter

    last = f"{get_column_letter(min(max(cols, 1), 16384))}{max(rows, 1)}"
    return WorkbookRefused(
        path, f"has a sheet ({sheet!r}) reaching cell {last}: more than the {limits.max_cells:,} cells we read from "
              "one workbook",
        "delete the empty rows and columns below and to the right of your data (or copy the data into a new "
        "workbook), save it and try again",
    )


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cancelled: Callable[[], bool] | None,
          macro_types: bool) -> bytes | None:
    """The first DTD token (or, with ``macro_types``, macro content type) in a part, reading it in chunks."""
    carry = b""
    for chunk in _chunks(zf, info, cancelled):
        window = carry + chunk
        for token in _DTD_TOKENS:
            if token in window:
                return token
        if macro_types:
            folded = window.lower()
            for token in _MACRO_TYPES:
                if token in folded:
                    return token
        carry = window[-_OVERLAP:]
    return None


# ------------------------------------------------------------------------------------ loading


def _load(fh: BinaryIO, path: Path, *, read_only: bool, data_only: bool) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(fh, read_only=read_only, data_only=data_only, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged or hostile file provokes
        raise _translate(path, exc) from exc


def _too_many_cells(path: Path, limits: Limits) -> WorkbookRefused:
    return WorkbookRefused(
        path, f"has more than {limits.max_cells:,} cells, more than we read from one workbook",
        "copy the sheets you need into a new workbook (or choose only the sheet to import) and try again",
    )


def _read_sheet(sheet, path: Path, limits: Limits, cells: int) -> tuple[tuple[tuple[CellValue, ...], ...], int]:
    """A worksheet's values from A1 (calamine's range starts at the first used cell: put back the gap)."""
    end_row, end_col = sheet.end if sheet.end is not None else (-1, -1)
    cells += max(0, (end_row + 1) * (end_col + 1))  # the grid we would build, checked before building it
    if cells > limits.max_cells:
        raise _too_many_cells(path, limits)
    rows: list[tuple[CellValue, ...]] = []
    value = _value
    for raw in sheet.to_python(skip_empty_area=False):
        values = [value(v) for v in raw]
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows), cells


def _with_errors(rows: tuple[tuple[CellValue, ...], ...],
                 errors: dict[tuple[int, int], str]) -> tuple[tuple[CellValue, ...], ...]:
    """The rows with each error cell's text (``#N/A``) where the reader left a blank."""
    if not errors:
        return rows
    out = [list(r) for r in rows]
    for (r, c), text in errors.items():
        if r < 1 or c < 1:
            continue
        while len(out) < r:
            out.append([])
        row = out[r - 1]
        while len(row) < c:
            row.append(None)
        if row[c - 1] is None:
            row[c - 1] = text
    return tuple(tuple(r) for r in out)


def _value(v: object) -> CellValue:
    """An openpyxl value as a ``CellValue``: never a float."""
    kind = type(v)  # the common cases first, by exact type (this runs once per cell)
    if kind is str:
        return v or None  # type: ignore[return-value]  # calamine gives '' for an empty cell
    if v is None:
        return None
    if kind is float:
        if not math.isfinite(v):  # type: ignore[arg-type]
            return "#NUM!"
        # mypy does not narrow ``v`` through the type saved in ``kind``: it is a float here
        return Decimal(int(v)) if v.is_integer() else Decimal(repr(v))  # type: ignore[call-overload, attr-defined]
    if kind is int:
        return Decimal(v)  # type: ignore[arg-type]
    if isinstance(v, str | bool):
        return v
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return "#NUM!"  # what Excel shows for a number it cannot hold
        return Decimal(repr(v))
    if isinstance(v, dt.datetime):
        if v.tzinfo is None and v.time() == dt.time(0):
            return v.date()
        return v
    if isinstance(v, dt.date | Decimal):
        return v
    if isinstance(v, dt.time):
        return v.isoformat()  # a time of day without a date: "09:30:00"
    if isinstance(v, dt.timedelta):
        return _duration(v)
    return str(v)


def _duration(td: dt.timedelta) -> str:
    """A duration as Excel shows it with [h]:mm:ss, e.g. '37:30:00'."""
    sign = "-" if td < dt.timedelta(0) else ""
    td = abs(td)
    seconds = td.days * 86400 + td.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    if td.microseconds:
        text += f".{td.microseconds // 1000:03d}"
    return text


def _fold(name: str) -> str:
    return name.strip().casefold()


# ------------------------------------------------------------------------------------ messages


def _mb(n: int) -> str:
    if n < MB:
        return f"{max(1, round(n / 1024)):,} KB"
    return f"{n / MB:,.0f} MB" if n >= 10 * MB else f"{n / MB:,.1f} MB"


def _encrypted(path: Path) -> WorkbookRefused:
    return WorkbookRefused(path, "is password-protected (encrypted) or an old-format .xls workbook",
                           "remove the password or save it as .xlsx, then try again")


def _macros(path: Path) -> WorkbookRefused:
    return WorkbookRefused(
        path, "contains macros",
        "we do not open macro-enabled workbooks: save a copy as an Excel Workbook (.xlsx), which leaves "
        "the macros out, and open that instead",
    )


def _too_many(path: Path, count: int | None, limits: Limits) -> WorkbookRefused:
    has = f"has {count:,} internal parts" if count is not None else "has too many internal parts"
    return WorkbookRefused(
        path, f"{has}, more than the {limits.max_members:,} we accept (no real pricing schedule has so many), "
        "so we do not open it",
        _COPY_SHEETS,
    )


def _bomb(path: Path, what: str) -> WorkbookRefused:
    return WorkbookRefused(path, f"{what}, which is far larger than any real pricing schedule, so we do not open it",
                           _COPY_SHEETS)


def _dtd(path: Path, part: str | None) -> WorkbookRefused:
    where = f" (in {part})" if part else ""
    return WorkbookRefused(
        path,
        f"contains an XML document type declaration{where}, which real Excel workbooks never have and which "
        "is how malicious files attack programs, so we do not open it",
        "if you trust where it came from, open it in Excel, save it again as .xlsx and try that",
    )


def _damaged(path: Path, detail: str) -> WorkbookRefused:
    return WorkbookRefused(path, f"is damaged or not a valid workbook ({detail})", _REPAIR)


def _translate(path: Path, exc: BaseException) -> WorkbookRefused:
    """Any failure while opening, loading or reading, as a message for a person."""
    if isinstance(exc, WorkbookRefused):
        return exc
    if isinstance(exc, DTDForbidden | EntitiesForbidden | ExternalReferenceForbidden):
        return _dtd(path, None)
    cause = exc.__cause__ if isinstance(exc, ValueError) and exc.__cause__ is not None else None
    if cause is not None and isinstance(cause, DTDForbidden | EntitiesForbidden | ExternalReferenceForbidden):
        return _dtd(path, None)
    if isinstance(exc, MemoryError):
        return _bomb(path, "needs more memory than this computer has to open")
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return _damaged(path, f"it is incomplete or corrupt: {_detail(path, exc)}")
    if isinstance(exc, OSError):
        return _unreadable(path, exc)
    # openpyxl wraps its errors in "Unable to read workbook: could not read X from <full path> ...";
    # the cause is the useful part, and a full path never goes into a message.
    return _damaged(path, _detail(path, cause or exc))


def _detail(path: Path, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text.replace(str(path), path.name).replace(str(path.parent) + os.sep, "")
    if isinstance(exc, KeyError) and exc.args:
        key = str(exc.args[0])
        text = key if " " in key else f"something it refers to is missing: {key}"
    text = text or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
