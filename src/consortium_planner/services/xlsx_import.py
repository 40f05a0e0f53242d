"""One entry point for importing a workbook, used by the GUI's import dialog and the CLI alike.

``prepare`` reads the file safely and plans the import (nothing written); ``apply_import`` then
writes it all at once after a backup. What kind of workbook it is comes from the user or, when
not given, from its sheets: one of our templates (organisations, tender requirements) or else a
buyer's pricing schedule, mapped by the user's mapping, a remembered one, or a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..domain.workspace import Workspace
from .importing import ImportPlan, NextId, apply_import
from .schedule_import import guess_mapping, plan_schedule, remembered_mapping
from .tabular import ColumnMapping, WorkbookGrid
from .template_import import detect_template, plan_organisations, plan_requirements
from .workbook_in import WorkbookRefused, read_workbook

__all__ = ["KINDS", "Prepared", "WorkbookRefused", "apply_import", "plan", "prepare", "read"]

KINDS = {
    "organisations": "Organisations (our template)",
    "requirements": "Tender requirements (our template)",
    "schedule": "Buyer's pricing schedule",
}


@dataclass(frozen=True)
class Prepared:
    grid: WorkbookGrid
    kind: str
    plan: ImportPlan
    mapping: ColumnMapping | None  # for a pricing schedule: the mapping the plan used
    mapping_source: str = ""  # "yours", "remembered" or "guessed"


def read(path: str | Path, cancelled: Callable[[], bool] | None = None) -> WorkbookGrid:
    """The workbook's values, or WorkbookRefused with a message for the user."""
    return read_workbook(path, cancelled=cancelled)


def needs_tender(kind: str) -> bool:
    return kind in ("requirements", "schedule")


def detect_kind(grid: WorkbookGrid) -> str:
    return detect_template(grid) or "schedule"


def plan(grid: WorkbookGrid, ws: Workspace, next_id: NextId, *, kind: str | None = None,
         tender_id: int | None = None, mapping: ColumnMapping | None = None) -> Prepared:
    """Plan an import of ``grid`` (nothing is written); problems are in ``plan.problems``."""
    kind = kind or detect_kind(grid)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of import {kind!r}; choose one of {', '.join(KINDS)}")
    if needs_tender(kind) and tender_id is None:
        raise ValueError("choose the tender to import the requirements into")
    if kind in ("organisations", "requirements"):
        too_long = _too_long(grid, grid.sheets)
        if too_long is not None:
            return Prepared(grid, kind, too_long, None)
    if kind == "organisations":
        return Prepared(grid, kind, plan_organisations(grid, ws, next_id), None)
    if kind == "requirements":
        return Prepared(grid, kind, plan_requirements(grid, ws, tender_id, next_id), None)  # type: ignore[arg-type]
    source = "yours"
    if mapping is None:
        mapping, source = remembered_mapping(ws, grid), "remembered"
    if mapping is None:
        mapping, source = guess_mapping(grid), "guessed"
    if mapping is None:
        empty = ImportPlan(source=grid.source, what="pricing schedule")
        from .tabular import Problem

        empty.problems.append(Problem("", None, None, "no sheet has a header row naming a service line and a "
                                                     "volume; choose the sheet, header row and columns"))
        return Prepared(grid, kind, empty, None, "")
    sheet = grid.sheet(mapping.sheet)
    too_long = _too_long(grid, [sheet] if sheet is not None else [], mapping.header_row)
    if too_long is not None:
        return Prepared(grid, kind, too_long, mapping, source)
    return Prepared(grid, kind, plan_schedule(grid, mapping, ws, tender_id, next_id), mapping, source)  # type: ignore[arg-type]


MAX_IMPORT_ROWS = 10_000  # a tender's schedule runs to hundreds or a few thousand lines; beyond this, a mistake


def _too_long(grid: WorkbookGrid, sheets, header_row: int = 1) -> ImportPlan | None:
    """A plan holding one problem when a sheet to import has more than ``MAX_IMPORT_ROWS`` rows under its header
    (row ``header_row``, 1-based; a buyer's title block above it does not count), else None: refused before any
    row is planned (a sheet of a million rows would otherwise be imported, and every analysis of the tender would
    then take minutes)."""
    from .tabular import Problem

    for sheet in sheets:
        below = len(sheet.rows) - header_row
        if below > MAX_IMPORT_ROWS:
            plan = ImportPlan(source=grid.source, what="workbook")
            plan.problems.append(Problem(sheet.name, None, None,
                                         f"has {below:,} rows under its header: more than the {MAX_IMPORT_ROWS:,} "
                                         "rows we import at once; delete the empty or unneeded rows, or split the "
                                         "sheet, and import again"))
            return plan
    return None


def prepare(path: str | Path, ws: Workspace, next_id: NextId, **kw) -> Prepared:
    return plan(read(path), ws, next_id, **kw)
