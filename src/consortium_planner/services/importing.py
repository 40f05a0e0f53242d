"""Importing rows from workbooks: plan, preview, then apply all at once (or not at all).

An import has two steps. **Planning** is pure: it reads a ``WorkbookGrid`` against the workspace
snapshot and returns an ``ImportPlan`` — every row it would add or change, every row it leaves
as it is, and every problem by sheet, row, column and reason. Nothing is written. **Applying** a
plan with no problems takes a backup of the workspace file, then writes every row in one
transaction (``WorkspaceSession.apply_batch``) and returns the ``Batch`` that undoes it exactly.

Rows are matched to what is already there by their natural key (an organisation by name, a
capacity by organisation, service line and area, ...): a matching row is updated, a new one
added, so importing the same workbook twice changes nothing the second time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.fields import FieldError, Kind, coerce, specs
from ..domain.model import UNIQUE_KEYS, Entity, Setting, key
from ..domain.validation import Severity, check_entity, check_in_context
from ..domain.workspace import Workspace
from .session import Batch, Changes, WorkspaceSession
from .tabular import CellValue, Problem

NextId = Callable[[type[Entity]], int]

# How an imported row finds the row it updates, beyond the store's unique keys.
IMPORT_KEYS: dict[str, tuple[str, ...]] = {
    "organisation": ("name",),
    "tender": ("name",),
    "lot": ("tender_id", "name"),
    "role": ("cost_profile_id", "name"),
    "tupe_cohort": ("tender_id", "name"),
}


def natural_key(cls: type[Entity]) -> tuple[str, ...] | None:
    if cls.entity_name in IMPORT_KEYS:
        return IMPORT_KEYS[cls.entity_name]
    keys = UNIQUE_KEYS.get(cls.entity_name)
    return keys[0] if keys else None


def _norm(value: object) -> object:
    if isinstance(value, str):
        return key(value)
    return getattr(value, "value", value)


class ImportRefused(ValueError):
    """The plan has problems, so nothing was written; ``problems`` lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"nothing was imported: {shown}{more}")


@dataclass(frozen=True, slots=True)
class PlannedRow:
    entity: Entity  # as it will be stored, with its id
    before: Entity | None  # the stored row it replaces; None for a new row
    sheet: str
    row: int | None


@dataclass
class ImportPlan:
    source: str  # the workbook's file name
    what: str  # "organisations", "tender requirements", "pricing schedule"
    rows: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def added(self) -> list[Entity]:
        return [r.entity for r in self.rows if r.before is None]

    @property
    def updated(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.before is not None]

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Entity label → (added, updated, unchanged), in the order first met."""
        out: dict[str, list[int]] = {}
        for r in self.rows:
            out.setdefault(type(r.entity).label, [0, 0, 0])[0 if r.before is None else 1] += 1
        for r in self.unchanged:
            out.setdefault(type(r.entity).label, [0, 0, 0])[2] += 1
        return {k: (v[0], v[1], v[2]) for k, v in out.items() if k != Setting.label}

    def counts_text(self) -> str:
        """'requirements: 1,239 new, 1 updated; lots: 1 new' (or 'no rows')."""
        parts = []
        for label, (added, updated, same) in self.counts().items():
            bits = [f"{n:,} {w}" for n, w in ((added, "new"), (updated, "updated"), (same, "unchanged")) if n]
            parts.append(f"{plural(label.lower())}: {', '.join(bits)}")
        return "; ".join(parts) if parts else "no rows"

    def summary(self) -> str:
        """The counts, and how many problems there are."""
        text = self.counts_text() if self.counts() else "nothing to import"
        if self.problems:
            text += f" — {len(self.problems):,} problem{'s' if len(self.problems) != 1 else ''}"
        return text

    def batch(self) -> Batch:
        return Batch(inserted=[r.entity for r in self.rows if r.before is None],
                     before=[r.before for r in self.rows if r.before is not None],
                     after=[r.entity for r in self.rows if r.before is not None])


class PlanBuilder:
    """Builds an ``ImportPlan`` row by row against a working copy of the workspace.

    Each accepted row is put into the working copy, so later rows see it (a capacity finds the
    organisation added three rows above; a second row with the same key is caught).
    """

    def __init__(self, ws: Workspace, next_id: NextId, plan: ImportPlan):
        self.ws = ws.copy()
        self.plan = plan
        self._next: dict[str, int] = {}
        self._next_id = next_id
        self._from_file: dict[tuple[str, int], tuple[str, int | None]] = {}  # (entity, id) → (sheet, row)
        self._index: dict[str, dict[tuple, Entity]] = {}

    def new_id(self, cls: type[Entity]) -> int:
        n = self._next.get(cls.entity_name)
        if n is None:
            n = self._next_id(cls)
        self._next[cls.entity_name] = n + 1
        return n

    def problem(self, sheet: str, row: int | None, column: int | None, reason: str, column_name: str = "") -> None:
        self.plan.problems.append(Problem(sheet, row, column, reason, column_name))

    def warning(self, sheet: str, row: int | None, column: int | None, reason: str, column_name: str = "") -> None:
        self.plan.warnings.append(Problem(sheet, row, column, reason, column_name))

    def _key_index(self, cls: type[Entity]) -> dict[tuple, Entity]:
        """Natural key → row for ``cls``, built once from the working copy and kept up to date."""
        index = self._index.get(cls.entity_name)
        if index is None:
            fields = natural_key(cls) or ()
            index = {tuple(_norm(getattr(e, f)) for f in fields): e for e in self.ws.iter(cls)}
            self._index[cls.entity_name] = index
        return index

    def find(self, cls: type[Entity], values: dict[str, Any]) -> Entity | None:
        """The row (stored or planned) whose natural key equals ``values``' key fields."""
        fields = natural_key(cls)
        if not fields or any(f not in values for f in fields):
            return None
        return self._key_index(cls).get(tuple(_norm(values[f]) for f in fields))

    def _keep(self, entity: Entity) -> None:
        self.ws.put(entity)
        fields = natural_key(type(entity))
        if fields:
            self._key_index(type(entity))[tuple(_norm(getattr(entity, f)) for f in fields)] = entity

    def upsert(self, cls: type[Entity], raw: dict[str, CellValue], *, sheet: str, row: int | None,
               columns: Mapping[str, int | None] | None = None, headers: dict[str, str] | None = None,
               fixed: dict[str, Any] | None = None) -> Entity | None:
        """Add or update one row from cell values; problems are recorded, and None returned.

        ``raw`` maps field names to cell values (coerced by the field's spec); ``fixed`` maps field
        names to typed values (references resolved by the caller); ``columns`` and ``headers`` map
        field names to the column and header text they came from, for messages.
        """
        columns = columns or {}
        headers = headers or {}
        field_specs = specs(cls)
        label_to_field = {s.label: n for n, s in field_specs.items()}
        values: dict[str, Any] = dict(fixed or {})
        failed = False
        for name, cell in raw.items():
            spec = field_specs[name]
            try:
                if spec.kind in (Kind.TEXT, Kind.LONGTEXT) and cell is not None and not isinstance(cell, str):
                    cell = _as_text(cell)
                if isinstance(cell, str) and cell.strip().upper() in EXCEL_ERRORS:
                    raise FieldError(cls.label, spec.label,
                                     f"the cell holds Excel's error {cell.strip().upper()} (a formula that failed); "
                                     "correct it in the workbook, or type the value")
                value = coerce(spec, cell, entity=cls.label, name=name)
                if value is None and spec.required and spec.kind in NUMERIC_KINDS:
                    raise FieldError(cls.label, spec.label, "a value is required (the cell is blank)")
                if value is None and _DEFAULTS[cls].get(name) is not None:
                    continue  # a blank cell for a field that always has a value: keep it (or the default)
                values[name] = value
            except FieldError as err:
                self.problem(sheet, row, columns.get(name), f"{spec.label}: {err.reason}", headers.get(name, ""))
                failed = True
        if failed:
            return None
        existing = self.find(cls, values)
        if existing is not None and (cls.entity_name, existing.id) in self._from_file:
            where_sheet, where_row = self._from_file[(cls.entity_name, existing.id)]  # type: ignore[index]
            fields = natural_key(cls) or ()
            names = " and ".join(field_specs[f].label.lower() for f in fields if not f.endswith("_id"))
            at = f"row {where_row}" if where_sheet == sheet else f"sheet '{where_sheet}' row {where_row}"
            col = next((columns[f] for f in reversed(fields) if f in columns), None)
            self.problem(sheet, row, col, f"the same {names or 'key'} as {at}", "")
            return None
        if existing is not None:
            entity = dataclasses.replace(existing, **values)
        else:
            try:
                entity = cls(**values)
            except TypeError as exc:  # a required field the sheet does not supply
                self.problem(sheet, row, None, str(exc))
                return None
            entity = dataclasses.replace(entity, id=self.new_id(cls))
        # whole=True: unique keys are natural keys here, already enforced through the index above
        # (checking them again row by row would scan every sibling: quadratic on a 10,000-row schedule)
        issues = check_entity(entity, self.ws) + check_in_context(self.ws, entity, whole=True)
        errors_found = False
        for issue in issues:
            name = label_to_field.get(issue.field, "")
            where = (sheet, row, columns.get(name), f"{issue.field}: {issue.message}", headers.get(name, ""))
            if issue.severity is Severity.ERROR:
                self.problem(*where)
                errors_found = True
            else:
                self.warning(*where)
        if errors_found:
            return None
        planned = PlannedRow(entity, existing, sheet, row)
        if existing is not None and entity == existing:
            self.plan.unchanged.append(planned)
        else:
            self.plan.rows.append(planned)
        self._keep(entity)
        self._from_file[(cls.entity_name, entity.id)] = (sheet, row)  # type: ignore[index]
        return entity

    def forget(self, entity: Entity) -> None:
        """Take back a row planned as new (its row depended on another that then failed)."""
        self.plan.rows = [r for r in self.plan.rows if r.entity is not entity]
        self.ws.remove(type(entity), entity.id)  # type: ignore[arg-type]
        fields = natural_key(type(entity))
        if fields:
            self._key_index(type(entity)).pop(tuple(_norm(getattr(entity, f)) for f in fields), None)
        self._from_file.pop((type(entity).entity_name, entity.id), None)  # type: ignore[arg-type]

    def put_setting(self, setting_key: str, value: str) -> None:
        """Include a workspace setting (e.g. a remembered layout) in the same all-or-nothing import."""
        existing = next((s for s in self.ws.iter(Setting) if s.key == setting_key), None)
        if existing is not None:
            if existing.value != value:
                entity = dataclasses.replace(existing, value=value)
                self.plan.rows.append(PlannedRow(entity, existing, "", None))
                self._keep(entity)
            return
        entity = Setting(id=self.new_id(Setting), key=setting_key, value=value)
        self.plan.rows.append(PlannedRow(entity, None, "", None))
        self._keep(entity)


class _Defaults(dict):
    """Entity type → {field: default}, computed once per type."""

    def __missing__(self, cls: type[Entity]) -> dict[str, Any]:
        found = {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
        self[cls] = found
        return found


_DEFAULTS = _Defaults()
NUMERIC_KINDS = frozenset({Kind.INT, Kind.DECIMAL, Kind.PERCENT, Kind.MONEY})
# Excel's error values, as a cell holding one is read (``workbook_in`` keeps them as this text)
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


def plural(label: str) -> str:
    """'capacity' → 'capacities', 'financial year' → 'financial years'."""
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "o", "u"):
        return label[:-1] + "ies"
    return label + "s"


def _as_text(cell: CellValue) -> str:
    """A number or date typed where text belongs (e.g. an area code 101) as the user sees it."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f") if cell == cell.to_integral_value() else str(cell)
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    return str(cell)


def is_blank(values: Iterable[CellValue]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


# --------------------------------------------------------------------------- applying


def apply_import(session: WorkspaceSession, plan: ImportPlan, *, backup: bool = True) -> tuple[Batch, Changes]:
    """Write the plan in one transaction after a backup; refused (nothing written) if it has problems.

    Returns the batch (``session.apply_batch(batch, reverse=True)`` undoes it) and the changes.
    """
    if plan.problems:
        raise ImportRefused(plan.problems)
    batch = plan.batch()
    if not batch:
        return batch, Changes()
    if backup and session.path is not None:
        session.store.backup(reason="before-import")
    with session.operation(f"Import {plan.what} from {plan.source}"):
        return batch, session.apply_batch(batch)
