"""Defaults that fit what the user just chose (issue 20): the figures that follow a choice, the next
member of an option, and participation shares from the work.

* ``follow_on(before, after, pension_defaults)`` (the defaults asked for only when a scheme changes) — the row an edit makes, with the fields that follow
  the one edited: a cost profile's employer pension rate follows its scheme (auto-enrolment's minimum,
  the NHS employer rate with the admin levy, none for no scheme) when the rate was the old scheme's
  default (a rate the user typed is kept); an option that becomes "Go alone" carries the lead's own
  liability. Applied to every edit (``WorkspaceSession.prepare_set_field``), so the GUI, an import and a
  script agree, and one undo step takes the edit and what followed back together.
* ``new_member_values(ws, option_id)`` — the option's next member: the lead when it has none (the
  option's lead organisation if named, else the first organisation not yet a member), otherwise the
  next organisation not yet a member, in alphabetical order.
* ``shares_from_allocations(ws, option_id, unit_prices)`` — each member's participation as its share of
  the option's work: allocated volume × the service line's unit price (volume alone where no price is
  known), to two decimals adding up to exactly 100%.
* ``move_share(ws, from_member, to_member, points)`` — points of participation moved from one member
  to another in one edit (both rows, or neither).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal

from .model import (
    ConsortiumOption,
    CostProfile,
    Entity,
    Liability,
    Member,
    MemberRole,
    PensionScheme,
    Requirement,
    Structure,
)
from .money import HUNDRED, ZERO, allocate
from .workspace import Workspace


def follow_on(before: Entity, after: Entity,
              pension_defaults: Callable[[], Mapping[PensionScheme, Decimal]]) -> Entity:
    """``after`` with the fields that follow the edit from ``before`` (see the module's docstring);
    ``pension_defaults`` is called only when a cost profile's scheme changes (it reads the reference rates)."""
    if isinstance(before, CostProfile) and isinstance(after, CostProfile) \
            and after.pension_scheme is not before.pension_scheme:
        defaults = pension_defaults()
        old_default = defaults.get(before.pension_scheme)
        new_default = defaults.get(after.pension_scheme)
        typed_over = old_default is not None and before.pension_rate_pct != old_default
        if new_default is not None and not typed_over and after.pension_rate_pct == before.pension_rate_pct:
            return dataclasses.replace(after, pension_rate_pct=new_default)
    if isinstance(before, ConsortiumOption) and isinstance(after, ConsortiumOption) \
            and after.structure is Structure.GO_ALONE and before.structure is not Structure.GO_ALONE \
            and after.liability is not Liability.LEAD:
        return dataclasses.replace(after, liability=Liability.LEAD)
    return after


def pension_defaults(nhs_employer_pct: Decimal, nhs_admin_pct: Decimal, ae_employer_pct: Decimal
                     ) -> dict[PensionScheme, Decimal]:
    """The employer rate each scheme starts at (the reference rates'); LGPS and other defined-benefit schemes
    have no national rate (each fund sets its own), so their rate is left as typed."""
    return {PensionScheme.AUTO_ENROLMENT: ae_employer_pct, PensionScheme.NHS: nhs_employer_pct + nhs_admin_pct,
            PensionScheme.NONE: ZERO}


DISCOUNT_RATE_KEY = "discount_rate"  # the workspace's discount rate for new options (a setting; % points)


def new_option_values(ws: Workspace, tender_id: int, name: str) -> dict:
    """A new option for ``tender_id``: named ``name``, discounted at the workspace's rate when one is set (the
    Green Book's 3.5% otherwise, the field's own default)."""
    values: dict = {"tender_id": tender_id, "name": name}
    text = ws.setting(DISCOUNT_RATE_KEY, "").strip().removesuffix("%")
    if text:
        try:
            rate = Decimal(text)
        except ArithmeticError:
            return values
        if rate.is_finite() and 0 <= rate <= 50:
            values["discount_rate_pct"] = rate
    return values


def new_member_values(ws: Workspace, option_id: int) -> dict | None:
    """The values for the option's next member, or None when every organisation is already one."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        return None
    members = ws.members(option_id)
    used = {m.organisation_id for m in members}
    free = [o for o in ws.organisations() if o.id not in used]
    if not free:
        return None
    has_lead = any(m.role is MemberRole.LEAD for m in members)
    if not has_lead and option.structure is not Structure.SPV:
        lead = next((o for o in free if o.id == option.lead_organisation_id), free[0])
        return {"option_id": option_id, "organisation_id": lead.id, "role": MemberRole.LEAD}
    role = MemberRole.SUBCONTRACTOR if option.structure is Structure.LEAD_PROVIDER else MemberRole.PARTNER
    return {"option_id": option_id, "organisation_id": free[0].id, "role": role}


def shares_from_allocations(ws: Workspace, option_id: int,
                            unit_prices: Mapping[str, Decimal] | None = None) -> dict[int, Decimal]:
    """Member id → participation %, from the work allocated to each (see the module's docstring).

    ``ValueError`` when the option has no allocations (nothing to share by)."""
    members = ws.members(option_id)
    if not members:
        raise ValueError("the option has no members")
    prices = unit_prices or {}
    work: dict[int, Decimal] = {m.id: ZERO for m in members if m.id is not None}
    for a in ws.allocations(option_id):
        req = ws.get(Requirement, a.requirement_id)
        if req is None or a.member_id not in work:
            continue
        work[a.member_id] += a.volume * prices.get(req.service_line, Decimal(1))
    if not any(work.values()):
        raise ValueError("no work is allocated to the option's members yet: allocate the requirements first")
    ids = list(work)
    return dict(zip(ids, allocate(HUNDRED, [work[i] for i in ids]), strict=True))


def move_share(ws: Workspace, from_member: int, to_member: int, points: Decimal) -> tuple[Member, Member]:
    """The two members after ``points`` of participation move from one to the other (``ValueError`` if the
    giver has too few, or they are not two members of one option)."""
    giver, taker = ws.get(Member, from_member), ws.get(Member, to_member)
    if giver is None or taker is None or giver.id == taker.id or giver.option_id != taker.option_id:
        raise ValueError("choose two different members of the same option")
    if points <= 0:
        raise ValueError("move a positive share")
    if points > giver.participation_pct:
        raise ValueError(f"the member has only {giver.participation_pct}% to give")
    return (dataclasses.replace(giver, participation_pct=giver.participation_pct - points),
            dataclasses.replace(taker, participation_pct=taker.participation_pct + points))


__all__ = ["DISCOUNT_RATE_KEY", "follow_on", "move_share", "new_member_values", "new_option_values",
           "pension_defaults", "shares_from_allocations"]
