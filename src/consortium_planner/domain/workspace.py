"""An in-memory snapshot of a workspace: every entity by type and id, with parent indexes.

The services layer owns one and keeps it in step with the file after each edit, so analyses
read memory, never the database. Entities are immutable; the container is not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .model import (
    ENTITIES,
    Allocation,
    Capacity,
    ConsortiumOption,
    CostProfile,
    Entity,
    FinancialCondition,
    FinancialYear,
    Lot,
    Member,
    Organisation,
    Requirement,
    Role,
    Setting,
    Tender,
    TupeCohort,
)

if TYPE_CHECKING:
    from .scenarios import ScenarioMark

E = TypeVar("E", bound=Entity)
_OUTER = object()  # marks an index's own dict (not one value's rows) in ``Workspace._owned``


class Workspace:
    def __init__(self, entities: Iterable[Entity] = ()):
        # each class's rows by id; the class keys them, so reading one back casts to that class
        self._rows: dict[type[Entity], dict[int | None, Entity]] = {cls: {} for cls in ENTITIES}
        # (class, field) → field value → that value's rows by id, in the table's order (see ``_reindex``)
        self._index: dict[tuple[type[Entity], str], dict[Any, dict[int | None, Entity]]] = {}
        self._owned: set[tuple[tuple[type[Entity], str], Any]] = set()  # index dicts no copy shares
        self._owned_rows: set[type[Entity]] = set(ENTITIES)  # the classes whose rows' dict no copy shares
        #: set on a what-if copy made by ``domain.scenarios.apply``: which option it adjusts, how, and the
        #: snapshot the bid was priced on (None: the workspace as stored)
        self.scenario: ScenarioMark | None = None
        for e in entities:
            self._rows[type(e)][e.id] = e

    # ------------------------------------------------------------------ reading
    def all(self, cls: type[E]) -> list[E]:
        return cast("list[E]", list(self._rows[cls].values()))

    def iter(self, cls: type[E]) -> Iterator[E]:
        return iter(cast("Iterable[E]", self._rows[cls].values()))

    def get(self, cls: type[E], id_: int | None) -> E | None:
        if id_ is None:
            return None
        return cast("E | None", self._rows[cls].get(id_))

    def count(self, cls: type[Entity]) -> int:
        return len(self._rows[cls])

    def by(self, cls: type[E], field: str, value: int | None) -> list[E]:
        """Rows of ``cls`` whose ``field`` equals ``value``, from a cached index."""
        idx = self._index.get((cls, field))
        if idx is None:
            idx = self._build_index(cls, field)
        rows = idx.get(value)
        return cast("list[E]", list(rows.values())) if rows else []

    def _build_index(self, cls: type[Entity], field: str) -> dict[Any, dict[int | None, Entity]]:
        built: defaultdict[Any, dict[int | None, Entity]] = defaultdict(dict)
        for id_, row in self._rows[cls].items():
            built[getattr(row, field)][id_] = row
        idx = self._index[(cls, field)] = dict(built)
        ik = (cls, field)
        self._owned.difference_update({o for o in self._owned if o[0] == ik})
        self._owned.add((ik, _OUTER))
        self._owned.update((ik, k) for k in idx)
        return idx

    def children(self, cls: type[E], parent_id: int | None) -> list[E]:
        assert cls.parent_field, f"{cls.__name__} has no parent"
        return self.by(cls, cls.parent_field, parent_id)

    def tables(self) -> dict[type[Entity], dict[int | None, Entity]]:
        """Every class's rows by id, as this snapshot holds them: to compare snapshots row by row by identity
        (``services.second_process``). Read them only: writing goes through ``put`` and ``remove``."""
        return self._rows

    def shared(self, cls: type[Entity]) -> bool:
        """Whether ``cls``'s rows (``tables()[cls]``) are shared with a copy, as after ``copy`` until this side
        changes them: then no workspace changes that dict in place any more (each copies it before its first
        change), so a later snapshot holding the very same dict holds the very same rows."""
        return cls not in self._owned_rows

    def entities(self) -> Iterator[Entity]:
        for cls in ENTITIES:
            yield from self._rows[cls].values()

    def copy(self) -> Workspace:
        """A snapshot that later edits do not touch (entities are immutable, so this is cheap).

        Hand one to work running on another thread, so the GUI can go on editing.
        """
        for cls in ENTITIES:  # build the parent indexes first, so the copy shares them (issue 22): an index
            # built on a snapshot is lost with it, so each background computation built the roles' again
            if cls.parent_field and self._rows[cls] and (cls, cls.parent_field) not in self._index:
                self._build_index(cls, cls.parent_field)  # not a read of the rows (``by`` is)
        other = Workspace()
        # the rows and the indexes are shared: from now on neither side owns them, so each copies a class's
        # before changing it (``_table``). Copying every class's rows here took 0.26 ms on the large
        # workspace, and a copy is made for every computation an edit starts and for each structure the
        # partnering advice tries
        other._rows = dict(self._rows)
        other._owned_rows = set()
        self._owned_rows.clear()
        other._index = dict(self._index)
        self._owned.clear()
        other.scenario = self.scenario
        return other

    # ------------------------------------------------------------------ writing (services only)
    def put(self, entity: Entity) -> None:
        assert entity.id is not None, "only stored entities belong in a workspace snapshot"
        cls = type(entity)
        table = self._table(cls)
        old = table.get(entity.id)
        table[entity.id] = entity
        self._reindex(cls, old, entity)

    def _table(self, cls: type[Entity]) -> dict[int | None, Entity]:
        """``cls``'s rows by id, to change: this workspace's own dict (copied first while a copy shares it)."""
        table = self._rows[cls]
        if cls not in self._owned_rows:
            table = self._rows[cls] = dict(table)
            self._owned_rows.add(cls)
        return table

    def put_all(self, entities: Iterable[Entity]) -> None:
        """``put`` each of ``entities``, in order, with the same result. Rows of one table that replace rows
        already there with the same value in every indexed field (a scenario scaling every allocation's volume)
        are put in one pass over the table's indexes, not one pass a row (about 3 µs a row on the large
        workspace); anything else is put row by row."""
        rows = list(entities)
        if not rows:
            return
        cls = type(rows[0])
        table = self._rows[cls]
        fields = [ik[1] for ik in self._index if ik[0] is cls]
        ids = {e.id for e in rows}
        olds = [table.get(e.id) for e in rows]
        if (any(type(e) is not cls for e in rows) or len(ids) != len(rows) or None in ids
                or any(old is None or any(getattr(old, f) != getattr(e, f) for f in fields)
                       for old, e in zip(olds, rows, strict=True))):
            for e in rows:
                self.put(e)
            return
        table = self._table(cls)
        for e in rows:
            table[e.id] = e
        for f in fields:  # each row stays under its key, in its place: as ``_reindex`` leaves a replaced row
            ik = (cls, f)
            idx = self._index[ik]
            if (ik, _OUTER) not in self._owned:
                idx = self._index[ik] = dict(idx)
                self._owned.add((ik, _OUTER))
            for e in rows:
                key_ = getattr(e, f)
                keyed = idx[key_]
                if (ik, key_) not in self._owned:
                    keyed = idx[key_] = dict(keyed)
                    self._owned.add((ik, key_))
                keyed[e.id] = e

    def remove(self, cls: type[Entity], id_: int) -> None:
        if id_ not in self._rows[cls]:
            return
        old = self._table(cls).pop(id_)
        self._reindex(cls, old, None)

    def _reindex(self, cls: type[Entity], old: Entity | None, new: Entity | None) -> None:
        """Keep ``cls``'s indexes in step with one row changed, in the order ``by`` would build them.

        An edit to one row of a large table must not rebuild the table's index (issue 22), so the
        index is updated for that row alone, in O(1). Each key's rows are a dict by id, in the table's
        order (a replaced row keeps its place, a new id goes last, as in ``_rows``). Copies share
        indexes, so a dict is copied the first time this workspace changes it (copy on write; the
        dicts this workspace owns are in ``_owned``), never changed while shared. An edit that moves a
        row to another key drops that index (rebuilt on next use), since the row's place among the
        new key's rows depends on the table's order.
        """
        for ik in [k for k in self._index if k[0] is cls]:
            field = ik[1]
            old_key = getattr(old, field) if old is not None else None
            new_key = getattr(new, field) if new is not None else None
            if old is not None and new is not None and old_key != new_key:
                del self._index[ik]
                continue
            idx = self._index[ik]
            if (ik, _OUTER) not in self._owned:
                idx = self._index[ik] = dict(idx)
                self._owned.add((ik, _OUTER))
            key_ = new_key if new is not None else old_key
            rows = idx.get(key_)
            if rows is None:
                if new is None:
                    continue
                rows = idx[key_] = {}
                self._owned.add((ik, key_))
            elif (ik, key_) not in self._owned:
                rows = idx[key_] = dict(rows)
                self._owned.add((ik, key_))
            if new is not None:
                rows[new.id] = new
            else:
                assert old is not None
                rows.pop(old.id, None)
                if not rows:
                    del idx[key_]
                    self._owned.discard((ik, key_))

    # ------------------------------------------------------------------ conveniences
    def organisations(self) -> list[Organisation]:
        return sorted(self.iter(Organisation), key=lambda o: o.name.casefold())

    def tenders(self) -> list[Tender]:
        return sorted(self.iter(Tender), key=lambda t: t.name.casefold())

    def options(self, tender_id: int | None = None) -> list[ConsortiumOption]:
        rows = self.iter(ConsortiumOption) if tender_id is None else self.by(ConsortiumOption, "tender_id", tender_id)
        return sorted(rows, key=lambda o: (o.tender_id or 0, o.id or 0))

    def financial_years(self, organisation_id: int | None) -> list[FinancialYear]:
        return sorted(self.children(FinancialYear, organisation_id), key=_year_end)

    def capacities(self, organisation_id: int | None) -> list[Capacity]:
        return self.children(Capacity, organisation_id)

    def cost_profiles(self, organisation_id: int | None) -> list[CostProfile]:
        return self.children(CostProfile, organisation_id)

    def roles(self, cost_profile_id: int | None) -> list[Role]:
        return self.children(Role, cost_profile_id)

    def lots(self, tender_id: int | None) -> list[Lot]:
        return self.children(Lot, tender_id)

    def requirements(self, tender_id: int | None) -> list[Requirement]:
        return sorted(self.children(Requirement, tender_id), key=lambda r: r.id or 0)

    def conditions(self, tender_id: int | None) -> list[FinancialCondition]:
        return self.children(FinancialCondition, tender_id)

    def tupe_cohorts(self, tender_id: int | None) -> list[TupeCohort]:
        return self.children(TupeCohort, tender_id)

    def members(self, option_id: int | None) -> list[Member]:
        return sorted(self.children(Member, option_id), key=lambda m: m.id or 0)

    def allocations(self, option_id: int | None) -> list[Allocation]:
        return self.children(Allocation, option_id)

    def setting(self, key: str, default: str = "") -> str:
        for s in self.iter(Setting):
            if s.key == key:
                return s.value
        return default

    def display_name(self, cls: type[Entity], id_: int | None) -> str:
        """A short human name for a row, for references in tables and messages."""
        row = self.get(cls, id_)
        if row is None:
            return ""
        if isinstance(row, Member):
            org = self.get(Organisation, row.organisation_id)
            return org.name if org else f"Member {row.id}"
        if isinstance(row, Requirement):
            return f"{row.service_line} — {row.area}"
        value = getattr(row, cls.display_field)
        return getattr(value, "label", None) or str(value)


def _year_end(fy: FinancialYear) -> dt.date:
    assert fy.year_end is not None  # a required field: a stored financial year always has one
    return fy.year_end
