"""Capacity: the small rules (growth, dependency rating, paid hours per unit) and the indexes built
once per call: members' capacity by service line and area, requirements, allocations.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    Member,
    Organisation,
    Requirement,
    Role,
    Tender,
    key,
    stored_id,
)
from ..money import HUNDRED, ZERO, allocate, quantize
from ..workspace import Workspace
from .results import (
    DEPENDENCY_AMBER_PCT,
    DEPENDENCY_GREEN_PCT,
    ONE,
    PCT,
    VALUE_BY_VOLUME,
    VALUE_GIVEN,
    VOLUME,
    ZERO_PCT,
    Key,
    Rag,
)

# ``model.key`` memoised: the same few hundred service-line and area names recur thousands of times.
_key = functools.lru_cache(maxsize=8192)(key)


def _pct(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if not denominator:
        return None
    if not numerator:
        return ZERO_PCT
    return (numerator * HUNDRED / denominator).quantize(PCT)


def _vol(value: Decimal) -> Decimal:
    return value.quantize(VOLUME)


def capacity_with_growth(units: Decimal, max_growth_pct: Decimal) -> Decimal:
    """Units a year the organisation could reach: units × (1 + max growth ÷ 100), exact."""
    return units * (ONE + max_growth_pct / HUNDRED)


def dependency_rating(dependency_pct: Decimal | None, turnover: Decimal | None) -> Rag:
    """DOMAIN §2 contract dependency: ≤25% green, ≤50% amber, else red."""
    if turnover is None:
        return Rag.NOT_GIVEN
    if turnover == 0:
        return Rag.NO_TURNOVER
    assert dependency_pct is not None
    if dependency_pct <= DEPENDENCY_GREEN_PCT:
        return Rag.GREEN
    if dependency_pct <= DEPENDENCY_AMBER_PCT:
        return Rag.AMBER
    return Rag.RED


def paid_hours_per_unit(
    roles: list[Role], travel_ratio: Decimal, training_ratio: Decimal
) -> Decimal:
    """h = Σ roles' hours per unit × (1 + travel ratio + training ratio) (DOMAIN §5)."""
    return sum((r.hours_per_unit for r in roles), ZERO) * (ONE + travel_ratio + training_ratio)


@dataclass(slots=True)
class _Cap:
    """A member's capacity for one service line & area (rows that key-match are combined)."""

    service_line: str
    area: str
    units: Decimal
    grown: Decimal  # exact
    lead_time: int
    growth_pct: Decimal
    grown_q: Decimal = ZERO  # grown, quantized for results
    rows: int = 1


# organisation id → (its capacity rows, their index). Rows are immutable, so an index is reused
# while the workspace hands back the very same row objects (checked by identity; the cache holds
# them, so an identity cannot be reused by another object). Treat the cached dicts as read-only.
_CAP_CACHE: dict[int, tuple[list[Capacity], dict[Key, _Cap]]] = {}
_CAP_CACHE_SIZE = 2048


def _capacity_index(ws: Workspace, organisation_id: int | None) -> dict[Key, _Cap]:
    if organisation_id is None:
        return {}
    rows = ws.capacities(organisation_id)
    hit = _CAP_CACHE.get(organisation_id)
    if hit is not None and len(hit[0]) == len(rows) and all(a is b for a, b in zip(hit[0], rows, strict=True)):
        return hit[1]
    out = _build_capacity_index(rows)
    if len(_CAP_CACHE) >= _CAP_CACHE_SIZE:
        _CAP_CACHE.clear()
    _CAP_CACHE[organisation_id] = (rows, out)
    return out


def _build_capacity_index(rows: list[Capacity]) -> dict[Key, _Cap]:
    out: dict[Key, _Cap] = {}
    combined = False
    for c in sorted(rows, key=lambda c: c.id or 0):
        k = (_key(c.service_line), _key(c.area))
        grown = capacity_with_growth(c.units_per_year, c.max_growth_pct)
        have = out.get(k)
        if have is None:
            out[k] = _Cap(c.service_line, c.area, c.units_per_year, grown, c.lead_time_months,
                          c.max_growth_pct, grown.quantize(VOLUME))
        else:
            combined = True
            have.units += c.units_per_year
            have.grown += grown
            have.grown_q = have.grown.quantize(VOLUME)
            have.lead_time = max(have.lead_time, c.lead_time_months)
            have.rows += 1
    if combined:
        for have in out.values():
            if have.rows > 1:
                have.growth_pct = (((have.grown / have.units - ONE) * HUNDRED).quantize(PCT)
                                   if have.units else ZERO)
    return out


@dataclass(slots=True)
class _Context:
    option: ConsortiumOption
    tender: Tender
    members: list[Member]
    member_by_id: dict[int, Member]
    names: dict[int, str]  # member id → organisation name
    requirements: list[Requirement]
    req_by_id: dict[int, Requirement]
    req_key: dict[int, Key]
    reqs_by_key: dict[Key, list[Requirement]]
    caps: dict[int, dict[Key, _Cap]]  # member id → key → capacity
    alloc: dict[int, dict[int, Decimal]]  # requirement id → member id → volume
    warnings: list[str]


# tender id → up to ``_REQ_VERSIONS`` (its requirement rows as the workspace handed them back, and the
# indexes built from them: rows in id order, by id, each one's key, rows by key), newest last. Reused
# while the workspace hands back the very same row objects (checked by identity, as ``_CAP_CACHE``): an
# allocation edit does not touch them. Several versions, so the what-if copies other analyses make (a
# volume scenario) do not push out the workspace's own. Treat the cached lists and dicts as read-only.
_ReqIndex = tuple[list[Requirement], dict[int, Requirement], dict[int, Key], dict[Key, list[Requirement]]]
_REQ_CACHE: dict[int, list[tuple[list[Requirement], _ReqIndex]]] = {}
_REQ_CACHE_SIZE = 256
_REQ_VERSIONS = 4


def _requirement_index(ws: Workspace, tender_id: int | None) -> _ReqIndex:
    if tender_id is None:
        return [], {}, {}, {}
    rows = ws.children(Requirement, tender_id)
    versions = _REQ_CACHE.get(tender_id, [])
    for held, index in reversed(versions):
        if len(held) == len(rows) and all(map(operator.is_, held, rows)):
            return index
    requirements = sorted(rows, key=lambda r: r.id or 0)  # as ``Workspace.requirements``
    req_by_id = {r.id: r for r in requirements if r.id is not None}
    req_key: dict[int, Key] = {}
    reqs_by_key: dict[Key, list[Requirement]] = defaultdict(list)
    for r in requirements:
        k = (_key(r.service_line), _key(r.area))
        req_key[stored_id(r)] = k
        reqs_by_key[k].append(r)
    out = (requirements, req_by_id, req_key, dict(reqs_by_key))
    if len(_REQ_CACHE) >= _REQ_CACHE_SIZE:
        _REQ_CACHE.clear()
    _REQ_CACHE[tender_id] = [*versions[-(_REQ_VERSIONS - 1):], (rows, out)]
    return out


# option id → (its allocation rows as last handed back, the indexes they were checked against, and the
# places of those outside the tender or the membership). An edit to one allocation replaces one row in
# place, so only rows that differ from last time's are checked again (see ``_changed_places``).
_STRAY_CACHE: dict[int, tuple[list[Allocation], dict[int, Requirement], set[int], list[int]]] = {}
_STRAY_CACHE_SIZE = 256


def _stray_allocations(
    option_id: int, rows: list[Allocation], req_by_id: dict[int, Requirement], member_by_id: dict[int, Member]
) -> list[Allocation]:
    """The rows whose requirement is not in ``req_by_id`` or whose member is not in ``member_by_id``."""
    def stray(a: Allocation) -> bool:
        return a.requirement_id not in req_by_id or a.member_id not in member_by_id

    hit = _STRAY_CACHE.get(option_id)
    members = set(member_by_id)
    if hit is not None and hit[1] is req_by_id and hit[2] == members and len(hit[0]) == len(rows):
        old, _, _, old_stray = hit
        changed = _changed_places(rows, old)
        gone = set(changed)
        places = (sorted([i for i in old_stray if i not in gone] + [i for i in changed if stray(rows[i])])
                  if changed else old_stray)
    else:
        places = [i for i, a in enumerate(rows) if stray(a)]
    if len(_STRAY_CACHE) >= _STRAY_CACHE_SIZE:
        _STRAY_CACHE.clear()
    _STRAY_CACHE[option_id] = (rows, req_by_id, members, places)
    return [rows[i] for i in places]


_RUN = 64  # below this many rows, ``_changed_places`` compares row by row


def _changed_places(rows: list[Allocation], old: list[Allocation], start: int = 0) -> list[int]:
    """The places (from ``start``) where ``rows`` holds another row than ``old`` (the lists are as long),
    leaving out rows equal to the old one: whether a row is stray depends only on its values.

    List equality runs in C and takes an element that is the very same object as equal without
    calling its ``__eq__``, so an unchanged stretch of rows is passed over at C speed; a stretch that
    differs is halved until the differing rows are found (an allocation edit changes one row)."""
    if rows == old:
        return []
    n = len(rows)
    if n <= _RUN:
        return [start + i for i, (a, b) in enumerate(zip(rows, old, strict=True)) if a is not b and a != b]
    half = n // 2
    return (_changed_places(rows[:half], old[:half], start)
            + _changed_places(rows[half:], old[half:], start + half))


def _context(ws: Workspace, option_id: int, *, allocations: bool = True) -> _Context:
    """The option's indexes. ``allocations=False`` (the optimiser, which proposes its own) leaves
    ``alloc`` empty but still warns about allocations outside the tender or the membership."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"There is no consortium option {option_id}.")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"Consortium option ‘{option.name}’ has no tender.")
    warnings: list[str] = []
    members = ws.members(option_id)
    member_by_id = {m.id: m for m in members if m.id is not None}
    names: dict[int, str] = {}
    caps: dict[int, dict[Key, _Cap]] = {}
    for m in members:
        assert m.id is not None
        org = ws.get(Organisation, m.organisation_id)
        names[m.id] = org.name if org else f"Member {m.id}"
        caps[m.id] = _capacity_index(ws, m.organisation_id)
    requirements, req_by_id, req_key, reqs_by_key = _requirement_index(ws, tender.id)
    alloc: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = ws.allocations(option_id)
    if not allocations:  # only the odd ones, for their warnings (in id order, as below)
        rows = _stray_allocations(option_id, rows, req_by_id, member_by_id)
    for a in sorted(rows, key=lambda a: a.id or 0):
        if a.requirement_id not in req_by_id:
            warnings.append(f"Allocation {a.id} is to a requirement outside this tender; ignored.")
            continue
        if a.member_id not in member_by_id:
            warnings.append(f"Allocation {a.id} is to an organisation that is not a member; ignored.")
            continue
        per = alloc[a.requirement_id]
        per[a.member_id] = per.get(a.member_id, ZERO) + a.volume
    return _Context(option, tender, members, member_by_id, names, requirements, req_by_id, req_key,
                    reqs_by_key, caps, dict(alloc), warnings)


def _latest_turnover(ws: Workspace, organisation_id: int | None) -> tuple[Decimal | None, dt.date | None]:
    if organisation_id is None:
        return None, None
    years = ws.financial_years(organisation_id)
    if not years:
        return None, None
    latest = years[-1]
    return latest.turnover, latest.year_end


def _requirement_values(
    ctx: _Context, requirement_values: Mapping[int, Decimal] | None
) -> tuple[dict[int, Decimal], str]:
    """Annual value placed on each requirement.

    Default: the tender's annual value split in proportion to required volume, to the penny, with
    the parts adding back to the annual value exactly (``money.allocate``). Volume is the only
    basis every workspace has; it is crude where units differ (hours against beds), so a caller
    with priced values (the pricing module) may pass ``requirement_values`` instead.
    """
    if requirement_values is not None:
        return {rid: quantize(requirement_values.get(rid, ZERO)) for rid in ctx.req_by_id}, VALUE_GIVEN
    ids = [stored_id(r) for r in ctx.requirements]
    parts = allocate(ctx.tender.annual_value, [r.annual_volume for r in ctx.requirements])
    return dict(zip(ids, parts, strict=True)), VALUE_BY_VOLUME
