"""Planning imports from our Excel templates: organisations (with accounts, capacity, cost profiles
and roles) and a tender's requirements.

The planners read a ``WorkbookGrid`` (``services.workbook_in`` reads the file) against the
workspace and return an ``ImportPlan`` (``services.importing``); nothing is written until the
plan, free of problems, is applied with ``apply_import``.

Reading a sheet:

- Columns are found by their header text (capitals, spaces and the "(£)"/"(%)" hints do not
  matter; columns may be in any order). A column the template does not have is ignored with a
  warning; a missing required column is one problem. A column left out altogether leaves that
  field as it is (a new row gets the default), so a sheet of names and one figure can update
  just that figure.
- The header is the first of the sheet's first rows that names template columns (row 1 in our
  templates; a title row above it is tolerated).
- Blank rows are skipped. The template's example row (first cell beginning "Example:") is
  skipped while it is unchanged; changed, it is a problem, so nothing typed there is lost.
- A blank cell: text is left empty, a figure that may be "not given" is not given, any other
  value is kept as it is (a new row gets the default) — see ``ColumnLayout.blank``.
- Choice cells take the label or the stored value, in any case; Yes/No cells also take 1/0.
- Child rows find their parent by name in the workspace as it will be after the rows above
  (an organisation added on the Organisations sheet is there for the Capacity sheet).
- A template with only some of its sheets is fine; a workbook with none of them is one problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.fields import ChoiceEnum, Kind
from ..domain.model import CostProfile, Entity, Lot, Organisation, Tender, key
from ..domain.workspace import Workspace
from .importing import NUMERIC_KINDS, ImportPlan, NextId, PlanBuilder, is_blank
from .tabular import CellValue, Problem, SheetGrid, WorkbookGrid, column_letter
from .xlsx_layouts import (
    EXAMPLE_PREFIX,
    HELPER_SHEETS,
    ORGANISATIONS,
    REQUIREMENTS,
    TEMPLATES,
    ColumnLayout,
    SheetLayout,
    TemplateLayout,
    header_forms,
    is_example_marker,
    norm_header,
    same_value,
)

HEADER_SEARCH_ROWS = 10

__all__ = ["detect_template", "plan_organisations", "plan_requirements", "plan_template"]


# ---------------------------------------------------------------------------------- finding sheets


@dataclass
class _Located:
    layout: SheetLayout
    sheet: SheetGrid
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)  # column name → 1-based column
    headers: dict[str, str] = field(default_factory=dict)  # column name → header text as in the file
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (column, header) not in the template
    doubled: list[tuple[int, str, int]] = field(default_factory=list)  # (column, header, first column)


def _match_headers(layout: SheetLayout, headers: tuple[str, ...]) -> dict[str, int]:
    forms = {c.name: header_forms(c) for c in layout.columns}
    out: dict[str, int] = {}
    for col, text in enumerate(headers, start=1):
        if not text:
            continue
        n = norm_header(text)
        for name, f in forms.items():
            if n in f and name not in out:
                out[name] = col
                break
    return out


def _header_row(layout: SheetLayout, sheet: SheetGrid) -> int | None:
    """The first of the first rows naming the most template columns (None when none does)."""
    best, best_n = None, 0
    for r in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        n = len(_match_headers(layout, sheet.header(r)))
        if n > best_n:
            best, best_n = r, n
    return best


def _locate(layout: SheetLayout, sheet: SheetGrid, header_row: int) -> _Located:
    loc = _Located(layout, sheet, header_row)
    forms = {c.name: header_forms(c) for c in layout.columns}
    for col, text in enumerate(sheet.header(header_row), start=1):
        if not text:
            continue
        n = norm_header(text)
        name = next((nm for nm, f in forms.items() if n in f), None)
        if name is None:
            loc.unknown.append((col, text))
        elif name in loc.columns:
            loc.doubled.append((col, text, loc.columns[name]))
        else:
            loc.columns[name] = col
            loc.headers[name] = text
    return loc


def _fits(layout: SheetLayout, sheet: SheetGrid) -> int:
    """How well a sheet with another name fits a layout: the columns matched, if every required one
    is and there are at least two (0 otherwise)."""
    row = _header_row(layout, sheet)
    if row is None:
        return 0
    matched = _match_headers(layout, sheet.header(row))
    if len(matched) < 2 or not all(c.name in matched for c in layout.required_columns):
        return 0
    return len(matched)


def _sheets_for(template: TemplateLayout, grid: WorkbookGrid) -> tuple[list[tuple[SheetLayout, SheetGrid]], list[str]]:
    """The workbook's sheets for each of the template's layouts (by name, else by headers), in
    import order, and the names of sheets that are neither ours nor helpers."""
    found: dict[str, SheetGrid] = {}
    claimed: set[str] = set()
    for layout in template.sheets:
        sheet = grid.sheet(layout.name)
        if sheet is not None:
            found[layout.name] = sheet
            claimed.add(sheet.name)
    other_names = {s.name.casefold() for t in TEMPLATES.values() for s in t.sheets}
    helpers = {h.casefold() for h in HELPER_SHEETS}
    spare = [s for s in grid.sheets if s.name not in claimed and s.name.strip().casefold() not in helpers
             and s.name.strip().casefold() not in other_names]
    # a renamed sheet ("Sheet1") is recognised by its headers when it fits one layout best
    for sheet in spare:
        scores = sorted(((_fits(layout, sheet), layout.name) for layout in template.sheets
                         if layout.name not in found), reverse=True)
        if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            found[scores[0][1]] = sheet
            claimed.add(sheet.name)
    ordered = [(layout, found[layout.name]) for layout in template.sheets if layout.name in found]
    ignored = [s.name for s in grid.sheets if s.name not in claimed and s.name.strip().casefold() not in helpers]
    return ordered, ignored


def detect_template(grid: WorkbookGrid) -> str | None:
    """Which of our templates a workbook is ("organisations" or "requirements"), or None.

    By sheet names first (the template whose sheets it has most of), then by headers (a sheet
    renamed, or a single sheet of requirements under "Sheet1").
    """
    scores: list[tuple[int, int, str]] = []
    for template in TEMPLATES.values():
        by_name = sum(1 for layout in template.sheets if grid.sheet(layout.name) is not None)
        if by_name:
            scores.append((1, by_name, template.name))
    if not scores:
        for template in TEMPLATES.values():
            best = max((_fits(layout, s) for layout in template.sheets for s in grid.sheets), default=0)
            if best:
                scores.append((0, best, template.name))
    if not scores:
        return None
    scores.sort(reverse=True)
    if len(scores) > 1 and scores[0][:2] == scores[1][:2]:
        return None  # as much of one as of the other: not ours to guess
    return scores[0][2]


# ---------------------------------------------------------------------------------- reading cells


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_for(column: ColumnLayout, value: CellValue) -> tuple[bool, Any]:
    """(include, value) for ``PlanBuilder.upsert``: a blank cell is left out, empty or None as the
    column says; choices are matched on label or value in any case; 1/0 read as Yes/No."""
    if _blank(value):
        if column.blank == "keep" and not column.required and not (
                column.spec.required and column.spec.kind in NUMERIC_KINDS):  # a required number is never left blank
            return False, None
        return True, ("" if column.blank == "empty" else None)
    spec = column.spec
    if spec.kind is Kind.CHOICE and isinstance(value, str) and spec.choices is not None:
        want = key(value)
        for member in spec.choices:
            names = {key(str(member.value)), key(member.name)}
            if isinstance(member, ChoiceEnum):
                names.add(key(member.label))
            if want in names:
                return True, member
    if spec.kind is Kind.BOOL and isinstance(value, Decimal) and value in (0, 1):
        return True, value == 1
    return True, value


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return " ".join(str(value).split())


class _SheetReader:
    """Reads one located sheet row by row into the builder."""

    def __init__(self, builder: PlanBuilder, loc: _Located):
        self.b = builder
        self.loc = loc
        self.layout = loc.layout
        self.name = loc.sheet.name

    def check_columns(self) -> bool:
        """Report unknown, doubled and missing columns; False when the sheet cannot be read."""
        ok = True
        for col, text in self.loc.unknown:
            self.b.warning(self.name, self.loc.header_row, col,
                           "this column is not in the template, so it is not imported", text)
        for col, text, first in self.loc.doubled:
            self.b.problem(self.name, self.loc.header_row, col,
                           f"a second column for the same thing (the first is column {column_letter(first)}); "
                           "delete or rename one", text)
            ok = False
        for column in self.layout.required_columns:
            if column.name not in self.loc.columns:
                self.b.problem(self.name, self.loc.header_row, None,
                               f"the column '{column.header}' is missing: it is needed to match rows"
                               if column.key else f"the column '{column.header}' is missing")
                ok = False
        return ok

    def rows(self, known: Callable[[str], bool] = lambda _: False):
        """(row number, {column name: cell}) for each row to import; example rows handled here.

        A row whose first column begins "Example:" is skipped when it is still the template's
        example; it is read as real data when that first cell names something already in the
        workspace (``known``: an organisation really called "Example: ..." exports and imports
        again); otherwise it is a problem, so nothing typed into it is lost without a word.
        """
        sheet, loc = self.loc.sheet, self.loc
        marker = self.layout.marker_column
        example = self.layout.example_values()
        for r in range(loc.header_row + 1, sheet.max_row + 1):
            cells = {name: sheet.cell(r, col) for name, col in loc.columns.items()}
            if is_blank(cells.values()):
                continue
            first = cells.get(marker.name)
            if is_example_marker(first):
                if example and all(same_value(self.layout.column(n), v, example.get(n)) for n, v in cells.items()):
                    self.b.warning(self.name, r, None, "the template's example row is not imported")
                    continue
                if known(_text(first)):
                    yield r, cells
                    continue
                self.b.problem(self.name, r, loc.columns[marker.name],
                               f"this row begins with '{EXAMPLE_PREFIX}' but is not the template's example: "
                               f"delete the row, or take '{EXAMPLE_PREFIX}' out of the cell to import it",
                               loc.headers.get(marker.name, ""))
                continue
            yield r, cells

    def upsert(self, cls: type[Entity], r: int, cells: dict[str, CellValue],
               fixed: dict[str, Any]) -> Entity | None:
        raw: dict[str, Any] = {}
        for name, value in cells.items():
            column = self.layout.column(name)
            if column.parent:
                continue
            include, v = _cell_for(column, value)
            if include:
                raw[name] = v
        entity = self.b.upsert(cls, raw, sheet=self.name, row=r, columns=self.loc.columns,
                               headers=self.loc.headers, fixed=fixed)
        if entity is not None:
            self._warn_fractions(entity, r, cells)
        return entity

    def _warn_fractions(self, entity: Entity, r: int, cells: dict[str, CellValue]) -> None:
        """A percentage between 0 and 1 was probably typed as a fraction (12.5% as 0.125)."""
        for name, cell in cells.items():
            if self.layout.column(name).kind is not Kind.PERCENT or _blank(cell):
                continue
            value = getattr(entity, name, None)
            if isinstance(value, Decimal) and 0 < value < 1:
                meant = f"{(value * 100).normalize():f}"
                self.b.warning(self.name, r, self.loc.columns[name],
                               f"{value} reads as {value}%; if you meant {meant}%, type {meant}",
                               self.loc.headers.get(name, ""))

    def parent_problem(self, r: int, column: str, reason: str) -> None:
        self.b.problem(self.name, r, self.loc.columns.get(column), reason, self.loc.headers.get(column, ""))


# ---------------------------------------------------------------------------------- planning


def _start(template: TemplateLayout, grid: WorkbookGrid, ws: Workspace, next_id: NextId
           ) -> tuple[PlanBuilder, list[_SheetReader]]:
    plan = ImportPlan(source=grid.source, what=template.what)
    builder = PlanBuilder(ws, next_id, plan)
    pairs, ignored = _sheets_for(template, grid)
    if not pairs:
        other = detect_template(grid)
        names = ", ".join(f"'{s.name}'" for s in template.sheets)
        if other and other != template.name:
            reason = (f"this workbook looks like the {TEMPLATES[other].title.lower()} template, not the "
                      f"{template.title.lower()} template")
        else:
            reason = (f"this workbook is not the {template.title.lower()} template: it has no sheet called "
                      f"{names}, and no sheet with the template's headers")
        builder.problem("", None, None, reason)
        return builder, []
    for name in ignored:
        builder.warning(name, None, None, "this sheet is not part of the template, so it is not imported")
    readers: list[_SheetReader] = []
    for layout, sheet in pairs:
        if all(is_blank(values) for values in sheet.rows):
            continue  # an empty sheet: nothing to import from it
        row = _header_row(layout, sheet)
        if row is None:
            expected = ", ".join(c.header for c in layout.required_columns)
            builder.problem(sheet.name, 1, None,
                            f"no header row found: the template's columns ({expected}) should be in row 1")
            continue
        reader = _SheetReader(builder, _locate(layout, sheet, row))
        if reader.check_columns():
            readers.append(reader)
    return builder, readers


class _Names:
    """Organisations and cost profiles by name in the builder's working copy, kept up to date."""

    def __init__(self, builder: PlanBuilder):
        self.b = builder
        self.failed_orgs: dict[str, tuple[str, int]] = {}  # key(name) → (sheet, row) of a refused row
        self.failed_profiles: dict[tuple[int, str], tuple[str, int]] = {}
        self._orgs: dict[str, Organisation] | None = None

    def changed(self) -> None:
        """An organisation was planned: look names up afresh."""
        self._orgs = None

    def organisation(self, name: str) -> Organisation | None:
        if self._orgs is None:
            self._orgs = {}
            for o in self.b.ws.iter(Organisation):
                self._orgs.setdefault(key(o.name), o)
        return self._orgs.get(key(name))

    def cost_profile(self, organisation_id: int, service_line: str) -> CostProfile | None:
        want = key(service_line)
        return next((c for c in self.b.ws.by(CostProfile, "organisation_id", organisation_id)
                     if key(c.service_line) == want), None)


def _resolve_org(reader: _SheetReader, names: _Names, r: int, cells: dict[str, CellValue]) -> Organisation | None:
    name = _text(cells.get("organisation"))
    if not name:
        reader.parent_problem(r, "organisation", "Organisation: a value is required")
        return None
    org = names.organisation(name)
    if org is None:
        failed = names.failed_orgs.get(key(name))
        if failed is not None:
            reader.parent_problem(r, "organisation", f"the organisation '{name}' is not imported because of the "
                                                     f"problems on sheet '{failed[0]}' row {failed[1]}")
        else:
            reader.parent_problem(r, "organisation",
                                  f"no organisation called '{name}' (in this workbook or the workspace)")
    return org


def plan_organisations(grid: WorkbookGrid, ws: Workspace, next_id: NextId) -> ImportPlan:
    """Plan importing the organisations template: organisations, then their accounts, capacity,
    cost profiles and roles. ``next_id`` gives the first free id of an entity (``store.next_id``)."""
    builder, readers = _start(ORGANISATIONS, grid, ws, next_id)
    names = _Names(builder)
    def known(name: str) -> bool:
        return names.organisation(name) is not None

    for reader in readers:
        cls = reader.layout.entity
        for r, cells in reader.rows(known):
            if cls is Organisation:
                names.changed()
                if reader.upsert(cls, r, cells, {}) is None:
                    names.failed_orgs.setdefault(key(_text(cells.get("name"))), (reader.name, r))
                continue
            org = _resolve_org(reader, names, r, cells)
            if org is None:
                continue
            if reader.layout.column("organisation").resolves == "organisation_id":
                entity = reader.upsert(cls, r, cells, {"organisation_id": org.id})
                if entity is None and cls is CostProfile:
                    line = key(_text(cells.get("service_line")))
                    names.failed_profiles.setdefault((org.id, line), (reader.name, r))  # type: ignore[arg-type]
                continue
            # Roles: the organisation and service line name a cost profile
            line = _text(cells.get("cost_profile"))
            if not line:
                reader.parent_problem(r, "cost_profile", "Service line: a value is required")
                continue
            profile = names.cost_profile(org.id, line)  # type: ignore[arg-type]
            if profile is None:
                failed = names.failed_profiles.get((org.id, key(line)))  # type: ignore[arg-type]
                if failed is not None:
                    reason = (f"the cost profile '{line}' of '{org.name}' is not imported because of the problems "
                              f"on sheet '{failed[0]}' row {failed[1]}")
                else:
                    reason = (f"'{org.name}' has no cost profile for the service line '{line}' (in this workbook "
                              "or the workspace)")
                reader.parent_problem(r, "cost_profile", reason)
                continue
            reader.upsert(cls, r, cells, {"cost_profile_id": profile.id})
    return builder.plan


def plan_requirements(grid: WorkbookGrid, ws: Workspace, tender_id: int, next_id: NextId) -> ImportPlan:
    """Plan importing the requirements template into the tender ``tender_id``.

    Lots are matched by name within the tender and created when new; requirements are matched on
    lot, service line and area.
    """
    tender = ws.get(Tender, tender_id)
    if tender is None:
        plan = ImportPlan(source=grid.source, what=REQUIREMENTS.what)
        plan.problems.append(_no_tender(tender_id))
        return plan
    builder, readers = _start(REQUIREMENTS, grid, ws, next_id)
    lines = {key(q.service_line) for q in ws.requirements(tender_id)}

    def known(line: str) -> bool:
        return key(line) in lines

    for reader in readers:
        failed_lots: dict[str, int] = {}
        for r, cells in reader.rows(known):
            lot_id = None
            lot_name = _text(cells.get("lot"))
            if lot_name:
                if key(lot_name) in failed_lots:
                    reader.parent_problem(r, "lot", f"the lot '{lot_name}' could not be created "
                                                    f"(see row {failed_lots[key(lot_name)]})")
                    continue
                lot: Entity | None = next(
                    (lt for lt in builder.ws.lots(tender_id) if key(lt.name) == key(lot_name)), None)
                if lot is None:
                    lot = builder.upsert(Lot, {"name": lot_name}, sheet=reader.name, row=r,
                                         columns={"name": reader.loc.columns["lot"]},
                                         headers={"name": reader.loc.headers["lot"]},
                                         fixed={"tender_id": tender_id})
                    if lot is None:
                        failed_lots[key(lot_name)] = r
                        continue
                lot_id = lot.id
            reader.upsert(reader.layout.entity, r, cells, {"tender_id": tender_id, "lot_id": lot_id})
    return builder.plan


def plan_template(grid: WorkbookGrid, ws: Workspace, next_id: NextId, *, tender_id: int | None = None
                  ) -> ImportPlan:
    """Plan whichever template the workbook is (requirements need ``tender_id``)."""
    kind = detect_template(grid)
    if kind == "requirements":
        if tender_id is None:
            plan = ImportPlan(source=grid.source, what=REQUIREMENTS.what)
            plan.problems.append(_no_tender(None))
            return plan
        return plan_requirements(grid, ws, tender_id, next_id)
    return plan_organisations(grid, ws, next_id)


def _no_tender(tender_id: int | None) -> Problem:
    if tender_id is None:
        return Problem("", None, None, "choose the tender the requirements are for")
    return Problem("", None, None, f"the tender (id {tender_id}) is no longer in the workspace")

