"""Use cases on an open workspace: every edit validated, written in one transaction, mirrored
in the in-memory snapshot, and answered with a ``Changes`` record so views refresh only what
they must. No Qt here: the GUI wraps these calls in undo commands, the CLI calls them directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.defaults import follow_on, move_share, pension_defaults, shares_from_allocations
from ..domain.fields import specs
from ..domain.findings import Finding
from ..domain.model import ENTITY_BY_NAME, Allocation, ConsortiumOption, Entity, Member, Risk, Setting
from ..domain.risk_register import plan_seed
from ..domain.validation import (
    ValidationError,
    build,
    check_entity,
    check_in_context,
    errors,
    with_value,
)
from ..domain.workspace import Workspace
from ..store.workspace_file import (
    Removal,
    Store,
    WorkspaceFileError,
    WorkspaceLocked,
    display_url,
    is_database_url,
    list_backups,
    restore_backup,
)

__all__ = ["Batch", "Changes", "WorkspaceLocked", "list_backups", "restore_backup", "WorkspaceSession", "ValidationError", "WorkspaceFileError", "Removal",
           "display_url", "is_database_url"]


@dataclass(frozen=True)
class Changes:
    """What an operation changed: entity names, and the (entity, id) rows touched.

    ``initiator`` is whoever asked for the change (the widget whose edit it was, or the undo stack
    for an undo or redo; None when unknown), so a view can tell its own edit from someone else's
    (as Anki's ``OpChanges`` do). It takes no part in comparisons.
    """

    entities: frozenset[str] = frozenset()
    rows: frozenset[tuple[str, int]] = frozenset()
    structural: bool = False  # rows were added or removed (lists must be rebuilt)
    initiator: Any = field(default=None, compare=False)

    @classmethod
    def of(cls, rows: list[Entity], *, structural: bool) -> Changes:
        return cls(frozenset(type(r).entity_name for r in rows),
                   frozenset((type(r).entity_name, r.id) for r in rows if r.id is not None), structural)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.entities | other.entities, self.rows | other.rows, self.structural or other.structural,
                       self.initiator if self.initiator is not None else other.initiator)

    def touches(self, *entity_names: str) -> bool:
        return bool(self.entities.intersection(entity_names))


class WorkspaceSession:
    """An open workspace: the store plus its snapshot, kept in step."""

    def __init__(self, store: Store):
        self.store = store
        self.ws: Workspace = store.load()
        self.listeners: list[Callable[[Changes], None]] = []

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, target: str | Path, *, read_only: bool = False) -> WorkspaceSession:
        return cls(Store.open(target, read_only=read_only))

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @classmethod
    def create(cls, path: str | Path, *, overwrite: bool = False) -> WorkspaceSession:
        return cls(Store.create(path, overwrite=overwrite))

    @property
    def path(self) -> Path | None:
        """The workspace file; None for a team database (see ``location``)."""
        return self.store.path

    @property
    def location(self) -> str:
        """The file's path or the database URL without its password."""
        return self.store.location

    def close(self) -> None:
        self.store.close()

    def save_as(self, destination: str | Path) -> WorkspaceSession:
        """Copy to ``destination`` and return a session on the copy (the caller switches to it)."""
        dest = self.store.save_as(destination)
        return WorkspaceSession.open(dest)

    def operation(self, name: str):
        """``with session.operation("Set price"):`` names the writes inside in the audit trail
        (``docs/history.md``); the outermost name wins."""
        return self.store.operation(name)

    def _notify(self, changes: Changes) -> Changes:
        for listener in list(self.listeners):
            listener(changes)
        return changes

    # ------------------------------------------------------------------ edits
    def _check(self, entity: Entity) -> None:
        problems = errors(check_entity(entity, self.ws)) + errors(check_in_context(self.ws, entity))
        if problems:
            raise ValidationError(problems)

    def prepare_set_field(self, cls: type[Entity] | str, id_: int, field_name: str,
                          value: Any) -> tuple[Entity, Entity]:
        """(the row now, the row with the new value), validated but not written: ValidationError
        or WorkspaceFileError if the edit would be refused. Equal rows mean nothing would change."""
        cls = ENTITY_BY_NAME[cls] if isinstance(cls, str) else cls
        current = self.ws.get(cls, id_)
        if current is None:
            raise WorkspaceFileError(f"{cls.label} {id_} no longer exists")
        updated = with_value(current, field_name, value, self.ws)
        if updated != current:
            updated = follow_on(current, updated, self._pension_defaults)  # the fields that follow the choice
            self._check(updated)
        return current, updated

    def _pension_defaults(self):
        """Each pension scheme's starting employer rate, from the reference rates in force today (with the
        workspace's overrides); the shipped rates if the overrides cannot be read."""
        import datetime as dt

        from ..domain.rates import rates_for
        from .analyses import workspace_rates
        from .rates import load_reference_rates

        try:
            table = workspace_rates(self.ws)
        except ValueError:
            table = load_reference_rates()
        r = rates_for(table, dt.date.today()).year  # the year in force today, or the nearest known
        return pension_defaults(r.nhs_employer_pct, r.nhs_admin_pct, r.ae_employer_pct)

    def plan_shares_from_allocations(self, option_id: int) -> Batch:
        """Every member's participation from the work allocated (``domain.defaults``), weighted by the option's
        unit prices where they can be worked out: the rows to write, checked as a whole but not written
        (``apply_batch`` writes them in one transaction). ``ValueError`` when there is no work to share by."""
        from .analyses import one

        try:
            schedule = one(self.ws, option_id, "prices")
            prices = {line.service_line: line.unit_price for line in schedule.lines}
        except (ValueError, AttributeError):
            prices = {}  # not priced yet: by volume
        shares = shares_from_allocations(self.ws, option_id, prices)
        return self._plan_together([(m, dataclasses.replace(m, participation_pct=shares[m.id]))
                                    for m in self.ws.members(option_id) if m.id in shares])

    def plan_move_share(self, from_member: int, to_member: int, points: Decimal) -> Batch:
        """Participation moved between two members: both rows, checked together, not yet written."""
        before = [self.ws.get(Member, from_member), self.ws.get(Member, to_member)]
        after = move_share(self.ws, from_member, to_member, points)  # ValueError unless both are members
        return self._plan_together([(b, a) for b, a in zip(before, after, strict=True) if b is not None])

    def _plan_together(self, pairs: list[tuple[Entity, Entity]]) -> Batch:
        """Rows changed together, checked as a whole (shares add up only together); the ``Batch`` to write
        (and reverse exactly: one undo step). ``ValidationError`` if any row breaks a rule."""
        batch = Batch(before=[b for b, a in pairs if b != a], after=[a for b, a in pairs if b != a])
        trial = self.ws.copy()
        for a in batch.after:
            trial.put(a)
        problems = [p for a in batch.after for p in errors(check_entity(a, trial)) + errors(check_in_context(trial, a))]
        if problems:
            raise ValidationError(problems)
        return batch

    def set_field(self, cls: type[Entity] | str, id_: int, field_name: str, value: Any) -> Changes:
        """Set one field from user input or a typed value; refused with ValidationError if invalid."""
        current, updated = self.prepare_set_field(cls, id_, field_name, value)
        if updated == current:
            return Changes()
        with self.operation(f"Set {type(current).label}: {specs(type(current))[field_name].label}"):
            self.store.update_fields(current, updated)  # refused if someone else changed the field meanwhile
        self.ws.put(updated)
        return self._notify(Changes.of([updated], structural=False))

    def prepare_add(self, cls: type[Entity] | str, values: dict[str, Any] | None = None) -> Entity:
        """The row ``add`` would insert (without its id), validated but not written."""
        cls = ENTITY_BY_NAME[cls] if isinstance(cls, str) else cls
        entity = dataclasses.replace(build(cls, dict(values or {})), id=None)
        self._check(entity)
        return entity

    def add(self, cls: type[Entity] | str, values: dict[str, Any] | None = None) -> tuple[Entity, Changes]:
        entity = self.prepare_add(cls, values)
        stored = self.store.insert(entity)
        self.ws.put(stored)
        return stored, self._notify(Changes.of([stored], structural=True))

    def delete(self, cls: type[Entity] | str, id_: int) -> tuple[Removal, Changes]:
        cls = ENTITY_BY_NAME[cls] if isinstance(cls, str) else cls
        removal = self.store.delete(cls, id_)
        row: Entity | None
        for row in removal.rows:
            self.ws.remove(type(row), row.id)  # type: ignore[arg-type]
        touched = list(removal.rows)
        for ucls, uid, fname, _old in removal.unlinked:
            row = self.ws.get(ucls, uid)
            if row is not None:
                row = dataclasses.replace(row, **{fname: None})
                self.ws.put(row)
                touched.append(row)
        return removal, self._notify(Changes.of(touched, structural=True))

    def restore(self, removal: Removal) -> Changes:
        self.store.restore(removal)
        touched = list(removal.rows)
        row: Entity | None
        for row in removal.rows:
            self.ws.put(row)
        for ucls, uid, fname, old in removal.unlinked:
            row = self.ws.get(ucls, uid)
            if row is not None:
                row = dataclasses.replace(row, **{fname: old})
                self.ws.put(row)
                touched.append(row)
        return self._notify(Changes.of(touched, structural=True))

    def duplicate_option(self, option_id: int, name: str | None = None) -> tuple[ConsortiumOption, Changes]:
        """Copy an option with its members and allocations, in one transaction."""
        option = self.ws.get(ConsortiumOption, option_id)
        if option is None:
            raise WorkspaceFileError(f"consortium option {option_id} no longer exists")
        taken = {o.name.casefold() for o in self.ws.options(option.tender_id)}
        new_name = name or _copy_name(option.name, taken)
        created: list[Entity] = []
        with self.store.transaction() as conn, self.operation(f"Duplicate option as ‘{new_name}’"):
            new_option = self.store.insert(dataclasses.replace(option, id=None, name=new_name), conn)
            created.append(new_option)
            member_map: dict[int | None, int | None] = {}
            for m in self.ws.members(option_id):
                nm = self.store.insert(dataclasses.replace(m, id=None, option_id=new_option.id), conn)
                member_map[m.id] = nm.id
                created.append(nm)
            for a in self.ws.allocations(option_id):
                na = self.store.insert(dataclasses.replace(
                    a, id=None, option_id=new_option.id, member_id=member_map[a.member_id]), conn)
                created.append(na)
        for e in created:
            self.ws.put(e)
        return new_option, self._notify(Changes.of(created, structural=True))  # type: ignore[return-value]

    def replace_allocations(self, option_id: int, volumes: dict[tuple[int, int], Any]) -> tuple[Batch, Changes]:
        """Set the option's allocations to ``{(requirement_id, member_id): volume}`` in one transaction.

        Rows not named, and zero volumes, are removed. Returns a ``Batch`` that ``apply_batch``
        can reverse exactly (same ids), which is what the optimiser's undoable "apply" needs.
        """
        existing = {(a.requirement_id, a.member_id): a for a in self.ws.allocations(option_id)}
        batch = Batch()
        for k, a in existing.items():
            vol = volumes.get(k)  # type: ignore[arg-type]  # a stored allocation's two ids are never None
            if vol is None or vol == 0:
                batch.deleted.append(a)
        next_id = self.store.next_id(Allocation)
        for k, vol in volumes.items():
            if vol == 0:
                continue
            if k in existing:
                cur = existing[k]
                nv = with_value(cur, "volume", vol)
                if nv != cur:
                    batch.before.append(cur)
                    batch.after.append(nv)
            else:
                e = build(Allocation, {"option_id": option_id, "requirement_id": k[0], "member_id": k[1],
                                       "volume": vol})
                e = dataclasses.replace(e, id=next_id)
                next_id += 1
                problems = errors(check_entity(e, self.ws)) + errors(check_in_context(self.ws, e))
                if problems:
                    raise ValidationError(problems)
                batch.inserted.append(e)
        with self.operation("Set allocations"):
            return batch, self.apply_batch(batch)

    def plan_keep_whatif(self, whatif: Any, name: str) -> Batch:
        """The rows that keep a live what-if as a new option (``services.whatif.keep_plan``), checked, as
        one batch (one undo step)."""
        from .whatif import keep_plan

        rows = keep_plan(self.ws, whatif, name, self.store.next_id)
        scratch = self.ws.copy()
        for e in rows:
            scratch.put(e)
        for e in rows:
            problems = errors(check_entity(e, scratch)) + errors(check_in_context(scratch, e))
            if problems:
                raise ValidationError(problems)
        return Batch(inserted=rows)

    def plan_freeze_round(self, tender_id: int, name: str, held_on: Any, attendees: str, decision: str,
                          rationale: str, comparison: Any) -> Batch:
        """The rows that freeze a workshop round (``services.rounds.freeze_rows``), checked, as one batch."""
        from .rounds import freeze_rows

        rows = freeze_rows(self.ws, tender_id, name, held_on, attendees, decision, rationale, comparison,
                           self.store.next_id)
        scratch = self.ws.copy()
        for e in rows:
            scratch.put(e)
        for e in rows[:1]:  # the figures are the program's own; the round's fields are the user's
            problems = errors(check_entity(e, scratch)) + errors(check_in_context(scratch, e))
            if problems:
                raise ValidationError(problems)
        return Batch(inserted=rows)

    def apply_batch(self, batch: Batch, *, reverse: bool = False) -> Changes:
        """Apply (or reverse) a batch of row inserts, deletes and updates in one transaction."""
        b = batch.reversed() if reverse else batch
        with self.store.transaction() as conn, self.operation("Reverse changes" if reverse else "Apply changes"):
            self.store.delete_rows(conn, b.deleted)
            self.store.insert_rows(conn, b.inserted)
            for old, new in zip(b.before, b.after, strict=True):
                self.store.update_fields(old, new, conn)  # only what changed, and only if still as read
        for e in b.deleted:
            self.ws.remove(type(e), e.id)  # type: ignore[arg-type]
        for e in b.inserted + b.after:
            self.ws.put(e)
        return self._notify(Changes.of(b.inserted + b.deleted + b.after, structural=bool(b.inserted or b.deleted)))

    def seed_risks(self, option_id: int, findings: Iterable[Finding] | None = None) -> tuple[Batch, Changes]:
        """Seed or refresh the option's risk register from the analyses' findings, in one transaction.

        ``findings``: the option's findings (``Results.findings()``) when the caller has them; otherwise
        every analysis is run on the snapshot. New findings become risks, seeded risks follow their
        findings, and the user's own risks and edits are kept (``domain/risk_register.py``). Returns a
        ``Batch`` that ``apply_batch`` reverses exactly (one undo step); an empty batch when the register
        already matches the findings (seeding twice adds nothing).
        """
        if self.ws.get(ConsortiumOption, option_id) is None:
            raise WorkspaceFileError(f"consortium option {option_id} no longer exists")
        if findings is None:
            from .analyses import analyse_option

            findings = analyse_option(self.ws, option_id).findings()
        plan = plan_seed(option_id, self.ws.children(Risk, option_id), findings)
        batch = Batch(deleted=list(plan.deleted))
        next_id = self.store.next_id(Risk) if plan.inserted else 0
        for risk in plan.inserted:
            batch.inserted.append(dataclasses.replace(risk, id=next_id))
            next_id += 1
        for old, new in plan.updated:
            batch.before.append(old)
            batch.after.append(new)
        for e in batch.inserted + batch.after:
            problems = errors(check_entity(e, self.ws)) + errors(check_in_context(self.ws, e))
            if problems:
                raise ValidationError(problems)
        if not batch:
            return batch, Changes()
        with self.operation("Seed risks from findings"):
            return batch, self.apply_batch(batch)

    # ------------------------------------------------------------------ settings
    def set_setting(self, key: str, value: str) -> Changes:
        with self.operation(f"Set setting {key}"):
            for s in self.ws.iter(Setting):
                if s.key == key:
                    return self.set_field(Setting, s.id, "value", value)  # type: ignore[arg-type]
            _, changes = self.add(Setting, {"key": key, "value": value})
            return changes

    # ------------------------------------------------------------------ helpers for views
    def member_name(self, member_id: int | None) -> str:
        return self.ws.display_name(Member, member_id)

    def field_names(self, cls: type[Entity]) -> list[str]:
        return [n for n in specs(cls) if n != "id"]


@dataclass
class Batch:
    """A reversible set of row changes; ids are fixed so undo and redo reproduce them exactly."""

    inserted: list[Entity] = field(default_factory=list)
    deleted: list[Entity] = field(default_factory=list)
    before: list[Entity] = field(default_factory=list)  # rows as they were
    after: list[Entity] = field(default_factory=list)  # the same rows as they become

    def reversed(self) -> Batch:
        # children were inserted after their parents: take them away first, and put back in order
        return Batch(inserted=list(reversed(self.deleted)), deleted=list(reversed(self.inserted)),
                     before=list(self.after), after=list(self.before))

    def __bool__(self) -> bool:
        return bool(self.inserted or self.deleted or self.after)


def _copy_name(name: str, taken: set[str]) -> str:
    base = f"{name} (copy)"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{name} (copy {n})", n + 1
    return candidate
