"""Safe reading of .xlsx workbooks: exact values, and every refusal with a message a person can act on.

Every workbook is built here at test time (openpyxl and zipfile); no binary fixtures.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart
from openpyxl.styles import Font

from consortium_planner.services import workbook_in
from consortium_planner.services.tabular import WorkbookGrid
from consortium_planner.services.workbook_in import (
    DEFAULT_LIMITS,
    Cancelled,
    Limits,
    WorkbookRefused,
    check_workbook,
    open_for_filling,
    read_workbook,
)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET1 = "xl/worksheets/sheet1.xml"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


# ------------------------------------------------------------------------------------- helpers


def write_xlsx(path: Path, sheets: dict[str, list[list]] | None = None) -> Path:
    """A real workbook written by openpyxl: one sheet per entry, rows appended as given."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (sheets or {"Schedule": [["Service line", "Area", "Volume"], ["Homecare", "East", 100]]}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def rebuild(src: Path, dst: Path, *, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
            add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip member by member, replacing, dropping or adding parts."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def with_dtd(xml: bytes, dtd: str) -> bytes:
    """``xml`` with a document type declaration after its XML declaration (if any)."""
    text = xml.decode("utf-8")
    m = re.match(r"<\?xml[^>]*\?>", text)
    at = m.end() if m else 0
    return (text[:at] + dtd + text[at:]).encode("utf-8")


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(WorkbookRefused) as info:
        read_workbook(path, limits=limits)
    exc = info.value
    assert exc.path == path
    message = str(exc)
    assert message.startswith(path.name + " "), message
    assert str(path.parent) not in message  # the base name only, never a full path
    assert exc.reason and exc.reason in message
    return message


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "schedule.xlsx")


# -------------------------------------------------------------------------------------- values


def test_round_trip_gives_exact_values_and_never_a_float(tmp_path: Path) -> None:
    rows = [
        ["Text", "  padded  ", "Café – £5", "#N/A"],
        [0.1, 1234.56, 1e-7, 12345678901234],
        [Decimal("1234.56"), -0.5, 0, 2.5e20],
        [True, False, None, "x"],
        [dt.date(2027, 4, 1), dt.datetime(2027, 4, 1, 0, 0), dt.datetime(2027, 4, 1, 9, 30)],
        [dt.time(9, 30), dt.timedelta(hours=37, minutes=30)],
    ]
    path = write_xlsx(tmp_path / "values.xlsx", {"Values": rows})
    grid = read_workbook(path)

    assert isinstance(grid, WorkbookGrid)
    assert grid.source == "values.xlsx"
    assert grid.sheet_names == ("Values",)
    s = grid.sheet("values")
    assert s is not None
    # strings as given; an error value as its text (the reader gives a blank: a failed formula is not empty)
    assert s.rows[0] == ("Text", "  padded  ", "Café – £5", "#N/A")
    assert s.rows[1] == (Decimal("0.1"), Decimal("1234.56"), Decimal("1E-7"), Decimal(12345678901234))
    assert [str(v) for v in s.rows[1]] == ["0.1", "1234.56", "1E-7", "12345678901234"]
    assert s.rows[2] == (Decimal("1234.56"), Decimal("-0.5"), Decimal(0), Decimal("2.5E+20"))
    assert s.rows[3] == (True, False, None, "x")
    assert s.rows[3][0] is True and s.rows[3][1] is False
    assert s.rows[4] == (dt.date(2027, 4, 1), dt.date(2027, 4, 1), dt.datetime(2027, 4, 1, 9, 30))
    assert type(s.rows[4][0]) is dt.date and type(s.rows[4][1]) is dt.date
    assert type(s.rows[4][2]) is dt.datetime
    assert s.rows[5] == ("09:30:00", "37:30:00")  # no time type in a grid: shown as Excel shows it
    for row in s.rows:
        for value in row:
            assert not isinstance(value, float)
            assert value is None or isinstance(value, str | Decimal | dt.date | bool)


def test_layout_is_kept_with_ragged_rows_and_trailing_blanks_dropped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Prices"
    ws["C3"] = "Service line"  # data starts at C3: rows and columns still count from A1
    ws["D3"] = "Volume"
    ws["C4"] = "Homecare"
    ws["C6"] = "Reablement"
    ws["E6"] = 40
    ws["H4"].font = Font(bold=True)  # a formatted empty cell at the end of a row
    ws["B9"].font = Font(bold=True)  # formatted empty rows at the end of the sheet
    ws["A1"] = "=SUM(E1:E9)"  # no cached value (never calculated): None, not the formula
    wb.save(tmp_path / "layout.xlsx")

    s = read_workbook(tmp_path / "layout.xlsx").sheets[0]
    assert s.rows == (
        (),
        (),
        (None, None, "Service line", "Volume"),
        (None, None, "Homecare"),
        (),
        (None, None, "Reablement", None, Decimal(40)),
    )
    assert s.cell(6, 5) == Decimal(40)
    assert s.cell(3, 4) == "Volume"
    assert s.max_row == 6


def test_sheets_filter_is_case_insensitive_and_skips_chartsheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "three.xlsx", {"Cover": [["Intro"]], "Pricing Schedule": [["A", 1]],
                                                 "Notes": [["n"]]})
    wb = openpyxl.load_workbook(path)
    chart_sheet = wb.create_chartsheet("Chart")
    chart_sheet.add_chart(BarChart())
    wb.save(path)

    assert read_workbook(path).sheet_names == ("Cover", "Pricing Schedule", "Notes")
    grid = read_workbook(path, sheets=["pricing schedule", "NOTES", "Missing", "chart"])
    assert grid.sheet_names == ("Pricing Schedule", "Notes")
    assert grid.sheets[0].rows == (("A", Decimal(1)),)
    assert read_workbook(path, sheets=[]).sheets == ()
    assert read_workbook(path, sheets="notes").sheet_names == ("Notes",)


def test_cancel_is_checked_while_reading(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "long.xlsx", {"Rows": [[i] for i in range(3000)]})
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        read_workbook(path, cancelled=cancelled)
    assert read_workbook(path, cancelled=lambda: False).sheets[0].max_row == 3000


def test_too_many_cells_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "big.xlsx", {"Grid": [list(range(10)) for _ in range(10)]})
    assert read_workbook(path, limits=Limits(max_cells=100)).sheets[0].max_row == 10
    message = refusal(path, Limits(max_cells=99))
    assert "reaching cell J10: more than the 99 cells" in message


def test_check_workbook_accepts_an_ordinary_workbook(good: Path) -> None:
    assert check_workbook(good) is None
    assert check_workbook(str(good)) is None


def test_open_for_filling_gives_an_editable_workbook(good: Path, tmp_path: Path) -> None:
    wb = open_for_filling(good)
    ws = wb["Schedule"]
    ws["D2"] = Decimal("12.34")
    ws["E2"] = "=C2*D2"
    copy = tmp_path / "filled.xlsx"
    wb.save(copy)
    s = read_workbook(copy).sheets[0]
    assert s.cell(2, 4) == Decimal("12.34")
    assert read_workbook(good).sheets[0].max_column == 3  # the original is untouched


def test_open_for_filling_refuses_too(tmp_path: Path, good: Path) -> None:
    macro = rebuild(good, tmp_path / "macro.xlsx", add={"xl/vbaProject.bin": b"\0" * 64})
    with pytest.raises(WorkbookRefused, match="contains macros"):
        open_for_filling(macro)
    lol = rebuild(good, tmp_path / "lol.xlsx", replace={SHEET1: with_dtd(part(good, SHEET1), BILLION_LAUGHS)})
    with pytest.raises(WorkbookRefused, match="document type declaration"):
        open_for_filling(lol)


# ------------------------------------------------------------------------------------ refusals


def test_missing_file(tmp_path: Path) -> None:
    message = refusal(tmp_path / "gone.xlsx")
    assert message.startswith("gone.xlsx was not found")
    with pytest.raises(WorkbookRefused, match="was not found"):
        check_workbook(tmp_path / "gone.xlsx")


def test_folder_and_empty_file(tmp_path: Path) -> None:
    (tmp_path / "folder.xlsx").mkdir()
    assert "is a folder" in refusal(tmp_path / "folder.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "is empty" in refusal(tmp_path / "empty.xlsx")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "prices.xlsx"
    path.write_text("Service line,Volume\nHomecare,100\n", encoding="utf-8")
    message = refusal(path)
    assert "prices.xlsx is not an Excel workbook (.xlsx)" in message
    assert "save it as an Excel Workbook (.xlsx)" in message


def test_ole2_file_is_encrypted_or_old_xls(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE2 + b"\0" * 504)
    message = refusal(path)
    assert message == ("locked.xlsx is password-protected (encrypted) or an old-format .xls workbook; "
                       "remove the password or save it as .xlsx, then try again.")


def test_zip_level_encryption_is_refused(tmp_path: Path, good: Path) -> None:
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(tmp_path / "plain.xlsx", "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
    data = bytearray((tmp_path / "plain.xlsx").read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local headers, directory
        for m in re.finditer(re.escape(signature), data):
            data[m.start() + flags_at] |= 0x1  # "encrypted"; stored text never contains a signature
    path = tmp_path / "zipcrypto.xlsx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert all(info.flag_bits & 0x1 for info in zf.infolist())
    assert "password-protected" in refusal(path)


def test_vba_project_is_refused(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "macro.xlsx", add={"xl/vbaProject.bin": b"\0" * 64})
    message = refusal(path)
    assert "macro.xlsx contains macros; we do not open macro-enabled workbooks" in message


def test_macro_enabled_content_type_is_refused(tmp_path: Path, good: Path) -> None:
    types = part(good, "[Content_Types].xml").decode("utf-8")
    assert MAIN_TYPE in types
    path = rebuild(good, tmp_path / "typed.xlsx",
                   replace={"[Content_Types].xml": types.replace(MAIN_TYPE, MACRO_TYPE).encode("utf-8")})
    assert "contains macros" in refusal(path)


def test_macro_suffix_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "tool.xlsx")
    path = path.rename(tmp_path / "tool.XLSM")
    assert "tool.XLSM contains macros" in refusal(path)


def test_excel4_macro_sheet_is_refused(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "xlm.xlsx", add={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})
    assert "contains macros" in refusal(path)


def test_missing_workbook_part_is_malformed(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "hollow.xlsx", drop=("xl/workbook.xml",))
    message = refusal(path)
    assert "hollow.xlsx is damaged or not a valid workbook (xl/workbook.xml is missing)" in message
    path = rebuild(good, tmp_path / "untyped.xlsx", drop=("[Content_Types].xml",))
    assert "[Content_Types].xml is missing" in refusal(path)


def test_other_spreadsheet_formats_are_named(tmp_path: Path) -> None:
    ods = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument spreadsheet" in refusal(ods)
    xlsb = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(xlsb, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\0" * 16)
    assert "binary workbook (.xlsb)" in refusal(xlsb)


def test_truncated_file_is_damaged(tmp_path: Path) -> None:
    full = write_xlsx(tmp_path / "full.xlsx", {"Rows": [[i, f"row {i}"] for i in range(500)]})
    data = full.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    message = refusal(path)
    assert "half.xlsx is damaged or not a valid workbook" in message
    assert "try again" in message


def test_broken_sheet_xml_is_damaged_not_a_crash(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "broken.xlsx", replace={SHEET1: b"<worksheet><sheetData><row r='1'>"})
    assert "broken.xlsx is damaged or not a valid workbook" in refusal(path)
    bad_string = re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="s"><v>999</v></c>', part(good, SHEET1))
    assert b"<v>999</v>" in bad_string  # a shared string that does not exist
    path = rebuild(good, tmp_path / "badindex.xlsx", replace={SHEET1: bad_string})
    with pytest.raises(WorkbookRefused, match="is damaged or not a valid workbook"):
        read_workbook(path)


def test_too_large_a_file(good: Path) -> None:
    message = refusal(good, Limits(max_file_bytes=1024))
    assert "larger than the 1 KB we read in a workbook" in message


def test_too_many_members(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "crowded.xlsx", add={f"xl/media/junk{i}.txt": b"x" for i in range(30)})
    message = refusal(path, Limits(max_members=20))
    assert "crowded.xlsx has" in message and "internal parts" in message and "more than the 20" in message
    assert read_workbook(path, limits=Limits(max_members=100)).sheet_names == ("Schedule",)


def test_zip_bomb_by_ratio(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "bomb.xlsx")
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/image1.png", "w") as out:
        for _ in range(50):  # 50 MB of zeros, a few tens of kilobytes on disk
            out.write(zeros)
    assert path.stat().st_size < 200 * 1024
    message = refusal(path)
    assert "bomb.xlsx has a part (xl/media/image1.png) that expands to more than 200 times" in message
    assert "far larger than any real pricing schedule" in message


def test_zip_bomb_by_total(tmp_path: Path, good: Path) -> None:
    message = refusal(good, Limits(max_uncompressed_bytes=4096))
    assert "schedule.xlsx expands to more than" in message
    assert "far larger than any real pricing schedule" in message


def test_billion_laughs_is_refused(tmp_path: Path, good: Path) -> None:
    path = rebuild(good, tmp_path / "laughs.xlsx", replace={SHEET1: with_dtd(part(good, SHEET1), BILLION_LAUGHS)})
    message = refusal(path)
    assert "laughs.xlsx contains an XML document type declaration (in xl/worksheets/sheet1.xml)" in message
    with pytest.raises(WorkbookRefused, match="document type declaration"):
        check_workbook(path)


def test_external_entity_is_refused(tmp_path: Path, good: Path) -> None:
    sheet = with_dtd(part(good, SHEET1), EXTERNAL_ENTITY).replace(b"Homecare", b"&e;")
    path = rebuild(good, tmp_path / "xxe.xlsx", replace={SHEET1: sheet})
    assert "document type declaration" in refusal(path)


def test_dtd_in_a_relationships_part_and_in_utf16(tmp_path: Path, good: Path) -> None:
    rels = "xl/_rels/workbook.xml.rels"
    path = rebuild(good, tmp_path / "rels.xlsx", replace={rels: with_dtd(part(good, rels), EXTERNAL_ENTITY)})
    assert f"(in {rels})" in refusal(path)
    text = with_dtd(part(good, SHEET1), BILLION_LAUGHS).decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    path = rebuild(good, tmp_path / "utf16.xlsx", replace={SHEET1: utf16})
    assert "document type declaration" in refusal(path)


def test_dtd_split_across_chunks_is_found(tmp_path: Path, good: Path) -> None:
    xml = part(good, SHEET1)
    declaration = re.match(rb"<\?xml[^>]*\?>", xml)
    start = declaration.end() if declaration else 0
    filler = workbook_in.CHUNK - 4 - start - len("<!---->")  # '<!DOCTYPE' straddles the first two reads
    sheet = with_dtd(xml, "<!--" + "p" * filler + "-->" + EXTERNAL_ENTITY)
    assert sheet.index(b"<!DOCTYPE") == workbook_in.CHUNK - 4
    path = rebuild(good, tmp_path / "split.xlsx", replace={SHEET1: sheet})
    assert "document type declaration" in refusal(path)


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True  # the second line below depends on it


@pytest.mark.parametrize("dtd", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_defusedxml_is_a_second_line(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch,
                                     dtd: str) -> None:
    """With the container scan switched off, entities are still never expanded: calamine (cells) does not
    expand them, so the file is refused as damaged; openpyxl's defusedxml parsing (filling) refuses the DTD."""
    monkeypatch.setattr(workbook_in, "_scan", lambda *args, **kwargs: None)
    sheet = with_dtd(part(good, SHEET1), dtd).replace(b"Homecare", b"&lol9;" if dtd == BILLION_LAUGHS else b"&e;")
    path = rebuild(good, tmp_path / "second.xlsx", replace={SHEET1: sheet})
    assert "is damaged or not a valid workbook" in refusal(path)
    with pytest.raises(WorkbookRefused, match="document type declaration"):
        open_for_filling(path)
    workbook = "xl/workbook.xml"
    path = rebuild(good, tmp_path / "second-wb.xlsx", replace={workbook: with_dtd(part(good, workbook), dtd)})
    with pytest.raises(WorkbookRefused, match="document type declaration"):
        open_for_filling(path)


def _open_fds() -> int | None:
    gc.collect()
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def test_a_refused_file_leaves_nothing_behind(tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "src.xlsx")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    (bad / "ole.xlsx").write_bytes(OLE2 + bytes(504))
    (bad / "half.xlsx").write_bytes(src.read_bytes()[:700])
    rebuild(src, bad / "macro.xlsx", add={"xl/vbaProject.bin": b"\0"})
    rebuild(src, bad / "hollow.xlsx", drop=("xl/workbook.xml",))
    rebuild(src, bad / "dtd.xlsx", replace={SHEET1: with_dtd(part(src, SHEET1), BILLION_LAUGHS)})
    rebuild(src, bad / "broken.xlsx", replace={SHEET1: b"<worksheet><sheetData>"})
    rebuild(src, bad / "badtypes.xlsx", replace={"[Content_Types].xml": b"<Types><Override/"})
    rebuild(src, bad / "noworkbookrel.xlsx", replace={"xl/_rels/workbook.xml.rels": b"<Relationships/>"})
    before = sorted(p.name for p in tmp_path.rglob("*"))
    fds = _open_fds()
    for path in sorted(bad.iterdir()):
        for action in (check_workbook, read_workbook, open_for_filling):
            try:
                action(path)
            except WorkbookRefused as exc:
                assert str(exc).startswith(path.name + " ")
            else:
                assert action is check_workbook, f"{path.name} was read by {action.__name__}"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert _open_fds() == fds
