"""A buyer's own pricing schedule: map its columns once, import its rows as tender requirements.

Buyers lay out schedules their own way (a title block, the header on row 4, "Description of
service" for the service line, "Est. annual hours" for the volume...). The user says, once, which
sheet and header row to use and which column holds what (``ColumnMapping``); the mapping is
remembered in the workspace under the layout's signature, so the next workbook laid out alike
(next year's schedule, a second lot) is mapped without asking. ``guess_mapping`` proposes a first
mapping from the header texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from ..domain import jsontext
from ..domain.model import Lot, Requirement, Tender, key
from ..domain.workspace import Workspace
from .importing import ImportPlan, NextId, PlanBuilder, is_blank
from .tabular import MAPPABLE_FIELDS, ColumnMapping, SheetGrid, WorkbookGrid

LAYOUTS_KEY = "xlsx_layouts"  # workspace setting: {signature: mapping}
HEADER_SEARCH_ROWS = 30

# Header words that suggest each field, most specific first. Matched on whole words, casefolded.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit_price": ("unit price", "price per unit", "rate per", "unit rate", "hourly rate", "price per", "rate (£)",
                   "rate"),
    "total_price": ("annual price", "total price", "annual cost", "total cost", "total (£)", "annual value",
                    "extended price", "line total", "total"),
    "service_line": ("service line", "service", "description", "activity", "specification", "item"),
    "area": ("area", "locality", "district", "borough", "region", "zone", "patch", "location", "site"),
    "volume": ("annual volume", "volume", "quantity", "qty", "hours", "units", "activity level", "estimated",
               "number"),
    "unit": ("unit of measure", "uom", "unit"),
    "lot": ("lot",),
}


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9£%]+", " ", text.casefold()).strip() + " "


def _score(header: str, field: str) -> int:
    """How well a header suggests a field: 100 − position of the first matching synonym, or 0."""
    h = _words(header)
    for i, synonym in enumerate(SYNONYMS[field]):
        if _words(synonym) in h:
            return 100 - i
    return 0


def _guess_columns(headers: tuple[str, ...]) -> dict[str, int]:
    """Assign each field the best-scoring free column (fields in the order of SYNONYMS)."""
    taken: set[int] = set()
    out: dict[str, int] = {}
    for fld in SYNONYMS:
        best, best_score = None, 0
        for col, text in enumerate(headers, start=1):
            if col in taken or not text:
                continue
            s = _score(text, fld)
            if s > best_score:
                best, best_score = col, s
        if best is not None:
            out[fld] = best
            taken.add(best)
    return out


def guess_header_row(sheet: SheetGrid) -> int | None:
    """The row among the first few that reads most like a header (most fields recognised)."""
    best_row, best = None, 0
    for r in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        headers = sheet.header(r)
        texts = [h for h in headers if h]
        if len(texts) < 2 or any(not isinstance(v, str) for v in sheet.rows[r - 1] if v is not None):
            continue
        cols = _guess_columns(headers)
        score = len(cols) + (2 if "service_line" in cols and "volume" in cols else 0)
        if score > best:
            best_row, best = r, score
    return best_row


def guess_mapping(grid: WorkbookGrid, sheet_name: str | None = None) -> ColumnMapping | None:
    """A first proposal: the sheet and header row that look most like a pricing schedule."""
    candidates = [grid.sheet(sheet_name)] if sheet_name else list(grid.sheets)
    best: tuple[int, ColumnMapping] | None = None
    for sheet in candidates:
        if sheet is None:
            continue
        row = guess_header_row(sheet)
        if row is None:
            continue
        headers = sheet.header(row)
        cols = _guess_columns(headers)
        score = len(cols) + (2 if "service_line" in cols and "volume" in cols else 0)
        if best is None or score > best[0]:
            best = (score, ColumnMapping(sheet=sheet.name, header_row=row, columns=cols, headers=headers))
    return best[1] if best else None


def mapping_for_headers(grid: WorkbookGrid, sheet_name: str, header_row: int,
                        columns: dict[str, int] | None = None, fixed_area: str = "") -> ColumnMapping:
    """A mapping for the user's choice of sheet and header row (columns guessed if not given)."""
    sheet = grid.sheet(sheet_name)
    if sheet is None:
        raise ValueError(f"the workbook has no sheet called '{sheet_name}'")
    headers = sheet.header(header_row)
    cols = dict(columns) if columns is not None else _guess_columns(headers)
    return ColumnMapping(sheet=sheet.name, header_row=header_row, columns=cols, headers=headers,
                         fixed_area=fixed_area)


# --------------------------------------------------------------------------- remembered layouts


def remembered_layouts(ws: Workspace) -> dict[str, ColumnMapping]:
    text = ws.setting(LAYOUTS_KEY, "").strip()
    if not text:
        return {}
    try:
        data = jsontext.loads(text)
        return {sig: ColumnMapping.from_json(m) for sig, m in dict(data).items()}
    except (ValueError, KeyError, TypeError):
        return {}  # a damaged setting only loses the memory of layouts, never the workspace


def remembered_mapping(ws: Workspace, grid: WorkbookGrid) -> ColumnMapping | None:
    """A mapping made before for a workbook laid out like this one (same sheet, header row and headers)."""
    for mapping in remembered_layouts(ws).values():
        sheet = grid.sheet(mapping.sheet)
        if sheet is None:
            continue
        headers = sheet.header(mapping.header_row)
        if [h.casefold() for h in headers] == [h.casefold() for h in mapping.headers]:
            return mapping
    return None


def layouts_with(ws: Workspace, mapping: ColumnMapping) -> str:
    layouts = remembered_layouts(ws)
    layouts[mapping.signature] = mapping
    return json.dumps({sig: m.to_json() for sig, m in sorted(layouts.items())}, sort_keys=True)


# --------------------------------------------------------------------------- checking and planning


def mapping_problems(grid: WorkbookGrid, mapping: ColumnMapping) -> list[str]:
    """What is wrong with a mapping itself (before any row is read), in words."""
    out: list[str] = []
    sheet = grid.sheet(mapping.sheet)
    if sheet is None:
        return [f"the workbook has no sheet called '{mapping.sheet}'"]
    if mapping.header_row < 1 or mapping.header_row > sheet.max_row:
        out.append(f"row {mapping.header_row} is not within sheet '{sheet.name}' (1 to {sheet.max_row})")
    labels = {f: label for f, label, _req in MAPPABLE_FIELDS}
    for fld, label, required in MAPPABLE_FIELDS:
        if fld == "area" and mapping.fixed_area.strip():
            continue
        if required and mapping.column(fld) is None:
            out.append(f"choose the column that holds the {label.lower()}")
    seen: dict[int, str] = {}
    for fld, col in mapping.columns.items():
        if fld not in labels:
            out.append(f"'{fld}' is not something a pricing schedule can map")
        elif col < 1:
            out.append(f"{labels[fld]}: column {col} is not a column")
        elif col in seen:
            out.append(f"{labels[fld]} and {labels[seen[col]]} are both mapped to the same column")
        else:
            seen[col] = fld
    return out


def data_rows(sheet: SheetGrid, mapping: ColumnMapping) -> Iterable[tuple[int, tuple]]:
    """(row number, values) for each row under the header, blank rows left out."""
    mapped = [c for c in mapping.columns.values() if c >= 1]
    for r in range(mapping.header_row + 1, sheet.max_row + 1):
        values = sheet.rows[r - 1]
        if is_blank(values[c - 1] if c <= len(values) else None for c in mapped):
            continue
        yield r, values


TOTAL_WORDS = ("total", "subtotal", "sub-total", "sub total", "grand total", "totals")


def is_total_line(text: object) -> bool:
    """'Total', 'Sub-total: Lot 1', 'GRAND TOTAL' — a schedule's sum row, not a service."""
    if not isinstance(text, str):
        return False
    words = text.strip().casefold()
    return any(words == w or words.startswith(w + " ") or words.startswith(w + ":") for w in TOTAL_WORDS)


def plan_schedule(grid: WorkbookGrid, mapping: ColumnMapping, ws: Workspace, tender_id: int,
                  next_id: NextId, *, remember: bool = True) -> ImportPlan:
    """Requirements (and lots) for ``tender_id`` from a buyer's schedule, with every problem listed.

    A row with a service line but no volume (or no area) is a problem. Rows that are not services
    are skipped, each with a warning the preview shows: no service line (a subtotal), or neither an
    area nor a volume (a section heading), or a "Total"/"Sub-total" line without a volume. Two rows for the same lot, service line and area are a problem: the buyer
    may mean two different things, and adding them up silently could double-count.
    """
    plan = ImportPlan(source=grid.source, what="pricing schedule")
    b = PlanBuilder(ws, next_id, plan)
    tender = ws.get(Tender, tender_id)
    if tender is None:
        b.problem("", None, None, f"tender {tender_id} does not exist")
        return plan
    for message in mapping_problems(grid, mapping):
        b.problem(mapping.sheet, None, None, message)
    if plan.problems:
        return plan
    sheet = grid.sheet(mapping.sheet)
    assert sheet is not None
    headers = {f: (mapping.headers[c - 1] if c <= len(mapping.headers) else "") for f, c in mapping.columns.items()}
    field_of = {"service_line": "service_line", "area": "area", "volume": "annual_volume", "unit": "unit"}
    columns = {field_of[f]: c for f, c in mapping.columns.items() if f in field_of}
    col_headers = {field_of[f]: h for f, h in headers.items() if f in field_of}

    def at(values: tuple, fld: str):
        c = mapping.column(fld)
        if c is None or c > len(values):
            return None
        return values[c - 1]

    # Without a lot column, a row updates the tender's requirement for its service line and area
    # whatever lot that sits in (when there is just one); with one, lots are matched by name.
    by_line_area: dict[tuple[str, str], list[Requirement]] = {}
    for req in ws.requirements(tender_id):
        by_line_area.setdefault((key(req.service_line), key(req.area)), []).append(req)
    for r, values in data_rows(sheet, mapping):
        service = at(values, "service_line")
        area = mapping.fixed_area if mapping.fixed_area.strip() else at(values, "area")
        if is_blank([service]):
            b.warning(sheet.name, r, mapping.column("service_line"),
                      "skipped: no service line (a heading or a subtotal?)", headers.get("service_line", ""))
            continue
        fixed: dict = {"tender_id": tender_id, "lot_id": None}
        lot_name = at(values, "lot")
        new_lot = None
        if not is_blank([lot_name]):
            lot = b.find(Lot, {"tender_id": tender_id, "name": str(lot_name)})
            if lot is None:
                lot = new_lot = b.upsert(Lot, {"name": lot_name}, sheet=sheet.name, row=r,
                                         columns={"name": mapping.column("lot")},
                                         headers={"name": headers.get("lot", "")}, fixed={"tender_id": tender_id})
            if lot is None:
                continue
            fixed["lot_id"] = lot.id
        elif isinstance(service, str) and isinstance(area, str):
            existing = by_line_area.get((key(service), key(area)), [])
            if len(existing) == 1:
                fixed["lot_id"] = existing[0].lot_id
        raw = {"service_line": service, "area": area, "annual_volume": at(values, "volume")}
        if mapping.column("unit") is not None and not is_blank([at(values, "unit")]):
            raw["unit"] = at(values, "unit")
        if is_blank([raw["annual_volume"]]) and (is_blank([area]) or is_total_line(service)):
            if new_lot is not None:
                b.forget(new_lot)
            b.warning(sheet.name, r, mapping.column("service_line"),
                      "skipped: no area or volume (a heading or a total?)", headers.get("service_line", ""))
            continue
        if is_blank([raw["annual_volume"]]):
            b.problem(sheet.name, r, mapping.column("volume"), "Annual volume: a value is required",
                      headers.get("volume", ""))
            accepted = None
        else:
            accepted = b.upsert(Requirement, raw, sheet=sheet.name, row=r, columns=columns, headers=col_headers,
                                fixed=fixed)
        if accepted is None and new_lot is not None:
            b.forget(new_lot)  # a lot that only this failed row needed is not counted as ready
    if remember and plan.rows:  # remembered with the rows it brings (nothing to import: nothing to remember)
        b.put_setting(LAYOUTS_KEY, layouts_with(b.ws, mapping))
    return plan
