"""The partner finder: what the members cannot deliver even with growth, and the organisations
outside the option that would fill it.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from typing import Any

from ..model import Organisation, stored_id
from ..money import ZERO
from ..workspace import Workspace
from .context import _capacity_index, _Context, _context, _key, _pct, _vol
from .results import CapacityGap, Key, PartnerCandidate, PartnerHelp


def _gaps(ctx: _Context, include_member_growth: bool) -> list[CapacityGap]:
    """Per requirement: required − the members' capacity it can draw on.

    Requirements sharing a service line & area draw on the shared capacity in id order.
    """
    out: list[CapacityGap] = []
    for k, reqs in ctx.reqs_by_key.items():
        left = ZERO
        for m in ctx.members:
            c = ctx.caps[stored_id(m)].get(k)
            if c is not None:
                left += c.grown if include_member_growth else c.units
        for r in reqs:
            use = min(left, r.annual_volume)
            left -= use
            out.append(CapacityGap(stored_id(r), r.service_line, r.area, r.unit, r.annual_volume,
                                   _vol(use), _vol(r.annual_volume - use)))
    out.sort(key=lambda g: g.requirement_id)
    return out


def capacity_gaps(ws: Workspace, option_id: int, *, include_member_growth: bool = True) -> tuple[CapacityGap, ...]:
    """What the members could not deliver even using all their capacity (with growth by default).

    Independent of the current allocations: these are the gaps only new partners can fill.
    """
    return tuple(_gaps(_context(ws, option_id, allocations=False), include_member_growth))


def find_partners(
    ws: Workspace, option_id: int, *, include_member_growth: bool = True
) -> list[PartnerCandidate]:
    """Organisations outside the option ranked by how much of its capacity gaps they would fill.

    Gap per requirement = required − members' capacity (including their growth unless
    ``include_member_growth`` is false). A candidate fills Σ min(gap, its capacity including
    growth) over the gaps (requirements sharing a service line & area share its capacity).
    Ranked by volume filled, then requirements helped, then name; organisations that fill
    nothing are left out.
    """
    return partner_candidates(ws, _context(ws, option_id, allocations=False),  # it reads no allocation
                              include_member_growth=include_member_growth)


# (option id, with members' growth) → (what the candidates were found from, the candidates). Allocations
# are not among the inputs, so after an allocation edit the candidates are taken again: the inputs are
# compared by identity (rows are immutable; the requirement and capacity indexes are the very same objects
# while their rows are, see ``context``), and nobody else's edit can pass for them (the cache holds them)
_FOUND: dict[tuple[int, bool], tuple[list[Any], list[PartnerCandidate]]] = {}
_FOUND_SIZE = 256


def _same(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(map(operator.is_, a, b))


def partner_candidates(ws: Workspace, ctx: _Context, *, include_member_growth: bool = True) -> list[PartnerCandidate]:
    """``find_partners`` on a context already built (``coverage`` reuses its own)."""
    member_orgs = {m.organisation_id for m in ctx.members}
    others = [org for org in ws.iter(Organisation) if org.id not in member_orgs]
    others_caps = [_capacity_index(ws, org.id) for org in others]
    inputs: list[Any] = [ctx.requirements, ctx.tender, *ctx.members,
                         *(ctx.caps[stored_id(m)] for m in ctx.members), *others, *others_caps]
    key = (stored_id(ctx.option), include_member_growth)
    hit = _FOUND.get(key)
    if hit is not None and _same(hit[0], inputs):
        return list(hit[1])
    out = _candidates(ctx, include_member_growth, others, others_caps)
    if len(_FOUND) >= _FOUND_SIZE:
        _FOUND.clear()
    _FOUND[key] = (inputs, out)
    return list(out)


def _candidates(ctx: _Context, include_member_growth: bool, others: list[Organisation],
                others_caps: list[dict[Key, Any]]) -> list[PartnerCandidate]:
    gaps = [g for g in _gaps(ctx, include_member_growth) if g.gap > 0]
    total_gap = sum((g.gap for g in gaps), ZERO)
    gaps_by_key: dict[Key, list[CapacityGap]] = defaultdict(list)
    for g in gaps:
        gaps_by_key[ctx.req_key[g.requirement_id]].append(g)
    mob = ctx.tender.mobilisation_months
    out: list[PartnerCandidate] = []
    if not gaps:
        return out
    for org, caps in zip(others, others_caps, strict=True):
        home = _key(org.home_area)
        helps: list[PartnerHelp] = []
        for k, c in caps.items():
            gs = gaps_by_key.get(k)
            if not gs:
                continue
            left = c.grown
            for g in gs:
                covers = _vol(min(left, g.gap))
                left -= min(left, g.gap)
                if covers > 0:
                    helps.append(PartnerHelp(g.requirement_id, g.service_line, g.area, g.gap, covers,
                                             c.units, _vol(c.grown), c.lead_time))
        if not helps:
            continue
        helps.sort(key=lambda h: (-h.covers, h.requirement_id))
        covers = sum((h.covers for h in helps), ZERO)
        lead = max(h.lead_time_months for h in helps)
        out.append(PartnerCandidate(
            organisation_id=stored_id(org), name=org.name, kind=org.kind, home_area=org.home_area,
            covers=covers, total_gap=total_gap, covers_pct=_pct(covers, total_gap),
            requirements_helped=len(helps),
            local_requirements=sum(1 for h in helps if home and _key(h.area) == home),
            lead_time_months=lead, mobilisation_ok=mob >= lead, helps=tuple(helps),
        ))
    out.sort(key=lambda p: (-p.covers, -p.requirements_helped, p.name.casefold(), p.organisation_id))
    return out
